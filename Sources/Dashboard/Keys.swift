/// A key as the dashboard understands it.
public enum Key: Sendable, Equatable {
    case char(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, backspace, tab
    /// Ctrl-C (raw mode delivers it as a byte, not a signal).
    case interrupt
}

/// Decodes the bytes a terminal sends (UTF-8 text, CSI and SS3 sequences) into keys. A lone
/// ESC at the end of a read is the Esc key. Pure, so it is tested without a terminal.
public struct KeyParser: Sendable {
    public init() {}

    public func parse(_ bytes: [UInt8]) -> [Key] {
        var keys: [Key] = []
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case 0x1B:
                guard i + 1 < bytes.count else { keys.append(.escape); i += 1; continue }
                let next = bytes[i + 1]
                if next == UInt8(ascii: "[") || next == UInt8(ascii: "O") {
                    var j = i + 2
                    var params = ""
                    while j < bytes.count, !(0x40...0x7E).contains(bytes[j]) {
                        params.append(Character(Unicode.Scalar(bytes[j])))
                        j += 1
                    }
                    guard j < bytes.count else { keys.append(.escape); i += 1; continue }
                    switch (bytes[j], params) {
                    case (UInt8(ascii: "A"), _): keys.append(.up)
                    case (UInt8(ascii: "B"), _): keys.append(.down)
                    case (UInt8(ascii: "C"), _): keys.append(.right)
                    case (UInt8(ascii: "D"), _): keys.append(.left)
                    case (UInt8(ascii: "H"), _): keys.append(.home)
                    case (UInt8(ascii: "F"), _): keys.append(.end)
                    case (UInt8(ascii: "~"), "5"): keys.append(.pageUp)
                    case (UInt8(ascii: "~"), "6"): keys.append(.pageDown)
                    case (UInt8(ascii: "~"), "1"), (UInt8(ascii: "~"), "7"): keys.append(.home)
                    case (UInt8(ascii: "~"), "4"), (UInt8(ascii: "~"), "8"): keys.append(.end)
                    default: break  // a sequence the dashboard has no use for
                    }
                    i = j + 1
                } else {
                    keys.append(.escape)
                    i += 1
                }
            case 0x0D, 0x0A: keys.append(.enter); i += 1
            case 0x7F, 0x08: keys.append(.backspace); i += 1
            case 0x09: keys.append(.tab); i += 1
            case 0x03: keys.append(.interrupt); i += 1
            case 0x00...0x1F: i += 1
            default:
                // One UTF-8 sequence.
                let len = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
                let end = min(bytes.count, i + len)
                if let s = String(validating: bytes[i..<end], as: UTF8.self), let ch = s.first { keys.append(.char(ch)) }
                i = end
            }
        }
        return keys
    }
}

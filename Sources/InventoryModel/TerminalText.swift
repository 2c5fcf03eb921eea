/// Text from outside (device strings, diagram fields, uploader and file names, request
/// fields) made safe to show on a terminal or in a log line: every control character is
/// replaced by a visible escape (`\n`, `\r`, `\t`, `\e`, `\x07`, `\u{202E}`), so an agent or an
/// uploader cannot move the cursor, retitle or clear the terminal, forge a line, or reorder
/// text with bidirectional overrides. What is stored stays exactly as received; this is
/// applied only where text is shown. The one helper for that; use it everywhere.
extension String {
    public var terminalSafe: String {
        guard unicodeScalars.contains(where: Self.needsEscape) else { return self }
        var out = ""
        out.reserveCapacity(utf8.count + 8)
        for s in unicodeScalars {
            guard Self.needsEscape(s) else {
                out.unicodeScalars.append(s)
                continue
            }
            switch s.value {
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x1B: out += "\\e"
            case ..<0x100: out += "\\x" + Self.hex(s.value, width: 2)
            default: out += "\\u{" + Self.hex(s.value, width: 4) + "}"
            }
        }
        return out
    }

    /// C0 controls, DEL, C1 controls, and the bidirectional embedding/override/isolate marks.
    static func needsEscape(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    static func hex(_ v: UInt32, width: Int) -> String {
        let digits = String(v, radix: 16)
        return String(repeating: "0", count: Swift.max(0, width - digits.count)) + digits
    }
}

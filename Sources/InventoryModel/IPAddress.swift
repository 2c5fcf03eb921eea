import Foundation

/// An IPv4 or IPv6 address, printed in the canonical text form (RFC 5952 for IPv6).
public enum IPAddress: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    case v4(UInt32)
    case v6([UInt8])

    /// From 4 or 16 network-order bytes.
    public init?(bytes: some Collection<UInt8>) {
        let b = Array(bytes)
        switch b.count {
        case 4: self = .v4(UInt32(b[0]) << 24 | UInt32(b[1]) << 16 | UInt32(b[2]) << 8 | UInt32(b[3]))
        case 16: self = .v6(b)
        default: return nil
        }
    }

    public init?(_ text: some StringProtocol) {
        // Dotted-quad IPv4, the form stores and agents print most, read byte by byte (a
        // regency's 100,000 hosts are parsed on every reconciliation); the rest the general way.
        guard let ip = IPAddress.dottedQuad(text.utf8) ?? IPAddress.parsed(text) else { return nil }
        self = ip
    }

    /// The same as `init?(_:)` from text's UTF-8 bytes (a store's column, read without making a String).
    public init?(utf8 u: UnsafeBufferPointer<UInt8>) {
        guard let ip = IPAddress.dottedQuad(u) ?? IPAddress.parsed(String(decoding: u, as: UTF8.self)) else { return nil }
        self = ip
    }

    /// Exactly four dot-separated runs of one to three decimal digits, each at most 255, else nil.
    static func dottedQuad(_ u: some Collection<UInt8>) -> IPAddress? {
        guard u.count >= 7, u.count <= 15 else { return nil }
        var v: UInt32 = 0, part: UInt32 = 0, digits = 0, dots = 0
        for c in u {
            if c == UInt8(ascii: ".") {
                guard digits > 0, part <= 255 else { return nil }
                v = v << 8 | part
                part = 0; digits = 0; dots += 1
            } else {
                guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9"), digits < 3 else { return nil }
                part = part * 10 + UInt32(c - UInt8(ascii: "0"))
                digits += 1
            }
        }
        guard dots == 3, digits > 0, part <= 255 else { return nil }
        return .v4(v << 8 | part)
    }

    /// Every accepted form, character by character.
    static func parsed(_ text: some StringProtocol) -> IPAddress? {
        let s = String(text.trimmingSpaces())
        if s.contains(":") {
            guard let b = IPAddress.parseV6(s) else { return nil }
            return .v6(b)
        } else {
            let parts = s.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4 else { return nil }
            var v: UInt32 = 0
            for p in parts {
                guard !p.isEmpty, p.count <= 3, p.allSatisfy(\.isASCII), let n = UInt8(p) else { return nil }
                v = v << 8 | UInt32(n)
            }
            return .v4(v)
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let ip = IPAddress(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(text) is not an IP address"))
        }
        self = ip
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    public var bytes: [UInt8] {
        switch self {
        case .v4(let v): [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)]
        case .v6(let b): b
        }
    }

    public var isV4: Bool { if case .v4 = self { true } else { false } }
    public var bitWidth: Int { isV4 ? 32 : 128 }

    public var description: String {
        switch self {
        case .v4(let v):
            return String(unsafeUninitializedCapacity: 15) { buf in
                var n = 0
                for k in 0..<4 {
                    if k > 0 { buf[n] = UInt8(ascii: "."); n += 1 }
                    let b = UInt8(truncatingIfNeeded: v >> UInt32(24 - 8 * k))
                    if b >= 100 { buf[n] = UInt8(ascii: "0") + b / 100; n += 1 }
                    if b >= 10 { buf[n] = UInt8(ascii: "0") + b / 10 % 10; n += 1 }
                    buf[n] = UInt8(ascii: "0") + b % 10; n += 1
                }
                return n
            }
        case .v6(let b):
            var words: [UInt16] = []
            for i in stride(from: 0, to: 16, by: 2) { words.append(UInt16(b[i]) << 8 | UInt16(b[i + 1])) }
            // Longest run of zero words (length ≥ 2) becomes "::".
            var bestStart = -1, bestLen = 0, i = 0
            while i < 8 {
                if words[i] == 0 {
                    var j = i
                    while j < 8 && words[j] == 0 { j += 1 }
                    if j - i > bestLen { bestStart = i; bestLen = j - i }
                    i = j
                } else { i += 1 }
            }
            if bestLen < 2 { bestStart = -1 }
            var out = ""
            var k = 0
            while k < 8 {
                if k == bestStart {
                    out += "::"
                    k += bestLen
                    continue
                }
                if !out.isEmpty && !out.hasSuffix(":") { out += ":" }
                out += String(words[k], radix: 16)
                k += 1
            }
            return out
        }
    }

    public static func < (a: IPAddress, b: IPAddress) -> Bool {
        switch (a, b) {
        case (.v4(let x), .v4(let y)): return x < y  // network order: the same as comparing the bytes
        case (.v4, .v6): return true
        case (.v6, .v4): return false
        case (.v6(let x), .v6(let y)): return x.lexicographicallyPrecedes(y)
        }
    }

    private static func parseV6(_ s: String) -> [UInt8]? {
        var text = Substring(s)
        if let pct = text.firstIndex(of: "%") { text = text[..<pct] }  // zone id
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func words(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var out: [UInt16] = []
            let groups = part.split(separator: ":", omittingEmptySubsequences: false)
            for (i, g) in groups.enumerated() {
                if g.contains("."), i == groups.count - 1, let v4 = IPAddress(g), case .v4(let v) = v4 {
                    out.append(UInt16(v >> 16)); out.append(UInt16(v & 0xffff))
                } else {
                    guard !g.isEmpty, g.count <= 4, let w = UInt16(g, radix: 16) else { return nil }
                    out.append(w)
                }
            }
            return out
        }
        guard let head = words(String(halves[0])) else { return nil }
        var all: [UInt16]
        if halves.count == 2 {
            guard let tail = words(String(halves[1])), head.count + tail.count <= 7 else { return nil }
            all = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard head.count == 8 else { return nil }
            all = head
        }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }
    }
}

/// An IP network in CIDR form, such as `10.20.0.0/24`.
public struct IPNetwork: Hashable, Sendable, Codable, CustomStringConvertible {
    public let address: IPAddress
    public let prefixLength: Int

    /// Parses `10.20.0.0/24`; host bits must be zero unless `strict` is false, in which
    /// case they are cleared.
    public init?(_ text: some StringProtocol, strict: Bool = true) {
        let parts = text.trimmingSpaces().split(separator: "/")
        guard parts.count == 2, let ip = IPAddress(parts[0]), let len = Int(parts[1]),
            len >= 0, len <= ip.bitWidth
        else { return nil }
        let masked = IPNetwork.mask(ip, len)
        if strict && masked != ip { return nil }
        address = masked
        prefixLength = len
    }

    public init(address: IPAddress, prefixLength: Int) {
        self.address = IPNetwork.mask(address, prefixLength)
        self.prefixLength = prefixLength
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let n = IPNetwork(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(text) is not a CIDR network"))
        }
        self = n
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    public var description: String { "\(address)/\(prefixLength)" }

    public func contains(_ ip: IPAddress) -> Bool {
        ip.isV4 == address.isV4 && IPNetwork.mask(ip, prefixLength) == address
    }

    /// True when `other` lies entirely inside this network.
    public func contains(_ other: IPNetwork) -> Bool {
        other.prefixLength >= prefixLength && contains(other.address)
    }

    public func overlaps(_ other: IPNetwork) -> Bool { contains(other) || other.contains(self) }

    static func mask(_ ip: IPAddress, _ len: Int) -> IPAddress {
        var b = ip.bytes
        for i in 0..<b.count {
            let bitsHere = max(0, min(8, len - i * 8))
            b[i] &= bitsHere == 0 ? 0 : UInt8(truncatingIfNeeded: 0xff << (8 - bitsHere))
        }
        return IPAddress(bytes: b)!  // same length as the input: cannot fail
    }
}

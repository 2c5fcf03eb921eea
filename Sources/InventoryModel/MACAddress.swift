/// A 48-bit IEEE MAC address. Printed lower-case and colon-separated (`00:1b:21:3a:4f:10`),
/// the one form Pantau stores, prints and compares.
public struct MACAddress: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let bytes: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)

    public init(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8, _ b3: UInt8, _ b4: UInt8, _ b5: UInt8) {
        bytes = (b0, b1, b2, b3, b4, b5)
    }

    /// From exactly six bytes.
    public init?(bytes b: some Collection<UInt8>) {
        guard b.count == 6 else { return nil }
        let a = Array(b)
        self.init(a[0], a[1], a[2], a[3], a[4], a[5])
    }

    /// Parses `00:1B:21:3A:4F:10`, `00-1b-21-3a-4f-10`, `001b.213a.4f10`, `001b213a4f10`
    /// and the single-digit form some agents print (`0:1b:21:3a:4f:10`).
    public init?(_ text: some StringProtocol) {
        // The form stores and agents print most (`00:1b:21:3a:4f:10`, `00-1B-...`), read byte
        // by byte: 100,000 hosts are parsed on every reconciliation. Anything else goes the general way.
        guard let mac = MACAddress.colonHex(text.utf8) ?? MACAddress.parsed(text) else { return nil }
        self = mac
    }

    /// The same as `init?(_:)` from text's UTF-8 bytes (a store's column, read without making a String).
    public init?(utf8 u: UnsafeBufferPointer<UInt8>) {
        guard let mac = MACAddress.colonHex(u) ?? MACAddress.parsed(String(decoding: u, as: UTF8.self)) else { return nil }
        self = mac
    }

    /// Every accepted form, character by character.
    static func parsed(_ text: some StringProtocol) -> MACAddress? {
        let s = text.trimmingSpaces()
        var out: [UInt8] = []
        let separators: Set<Character> = [":", "-", ".", " "]
        if s.contains(where: { $0 == ":" || $0 == "-" }) {
            let parts = s.split(whereSeparator: { $0 == ":" || $0 == "-" })
            guard parts.count == 6 else { return nil }
            for p in parts {
                guard p.count >= 1, p.count <= 2, let v = UInt8(p, radix: 16) else { return nil }
                out.append(v)
            }
        } else {
            let hex = s.filter { !separators.contains($0) }
            guard hex.count == 12 else { return nil }
            var i = hex.startIndex
            while i < hex.endIndex {
                let j = hex.index(i, offsetBy: 2)
                guard let v = UInt8(hex[i..<j], radix: 16) else { return nil }
                out.append(v)
                i = j
            }
        }
        return MACAddress(bytes: out)
    }

    /// Exactly `hh:hh:hh:hh:hh:hh` (`:` or `-` between pairs, hex digits of either case), else nil.
    static func colonHex(_ u: some Collection<UInt8>) -> MACAddress? {
        guard u.count == 17 else { return nil }
        var out: UInt64 = 0, i = 0
        for c in u {
            if i % 3 == 2 {
                guard c == UInt8(ascii: ":") || c == UInt8(ascii: "-") else { return nil }
            } else {
                guard let v = hexValue(c) else { return nil }
                out = out << 4 | v
            }
            i += 1
        }
        return MACAddress(UInt8(truncatingIfNeeded: out >> 40), UInt8(truncatingIfNeeded: out >> 32), UInt8(truncatingIfNeeded: out >> 24),
                          UInt8(truncatingIfNeeded: out >> 16), UInt8(truncatingIfNeeded: out >> 8), UInt8(truncatingIfNeeded: out))
    }

    @inline(__always) static func hexValue(_ c: UInt8) -> UInt64? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt64(c &- UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt64(c &- UInt8(ascii: "a") &+ 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt64(c &- UInt8(ascii: "A") &+ 10)
        default: nil
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let mac = MACAddress(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(text) is not a MAC address"))
        }
        self = mac
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    public var array: [UInt8] { [bytes.0, bytes.1, bytes.2, bytes.3, bytes.4, bytes.5] }

    public var description: String {
        let digits: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: 17) { buf in
            let v = value
            digits.withUTF8Buffer { hex in
                for k in 0..<6 {
                    let b = Int(truncatingIfNeeded: v >> UInt64(40 - 8 * k)) & 0xff
                    if k > 0 { buf[3 * k - 1] = UInt8(ascii: ":") }
                    buf[3 * k] = hex[b >> 4]
                    buf[3 * k + 1] = hex[b & 0x0f]
                }
            }
            return 17
        }
    }

    /// The first three bytes, the IEEE OUI, as `00:1b:21`.
    public var oui: String { String(description.prefix(8)) }

    /// Group (multicast or broadcast) address.
    public var isMulticast: Bool { bytes.0 & 0x01 != 0 }
    public var isBroadcast: Bool { value == 0xffff_ffff_ffff }
    /// Locally administered (randomised by phones and laptops, or set by virtual machines).
    public var isLocallyAdministered: Bool { bytes.0 & 0x02 != 0 }
    public var isZero: Bool { value == 0 }

    /// The 48 bits as one number (first byte most significant): equality, hashing and order
    /// without building an array (dictionaries of 100,000 hosts hash MACs millions of times).
    public var value: UInt64 {
        UInt64(bytes.0) << 40 | UInt64(bytes.1) << 32 | UInt64(bytes.2) << 24 | UInt64(bytes.3) << 16 | UInt64(bytes.4) << 8 | UInt64(bytes.5)
    }

    public static func == (a: MACAddress, b: MACAddress) -> Bool { a.value == b.value }
    public func hash(into hasher: inout Hasher) { hasher.combine(value) }
    public static func < (a: MACAddress, b: MACAddress) -> Bool { a.value < b.value }
}

extension StringProtocol {
    func trimmingSpaces() -> Substring {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" { s = s.dropLast() }
        return s
    }
}

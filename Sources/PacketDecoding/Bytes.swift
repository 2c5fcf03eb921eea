// Bounds-checked big-endian reads over a raw buffer. Every decoder goes through these, so
// a truncated or hostile frame yields nil (counted as malformed upstream), never a trap.

/// A read-only view of packet bytes with checked, big-endian accessors.
///
/// Offsets are absolute within the buffer. Every accessor returns nil when the read would
/// run past the end, so decoders are written as `guard let x = b.u16(o) else { ... }`.
public struct ByteView: @unchecked Sendable {
    // @unchecked: the pointer is only read, and only while the caller's buffer is alive
    // (decoders never let a ByteView escape the call that received it).
    public let base: UnsafeRawBufferPointer

    @inlinable public init(_ base: UnsafeRawBufferPointer) { self.base = base }

    @inlinable public var count: Int { base.count }

    @inlinable public func has(_ offset: Int, _ length: Int) -> Bool {
        offset >= 0 && length >= 0 && offset <= base.count &- length
    }

    @inlinable public func u8(_ o: Int) -> UInt8? {
        guard o >= 0, o < base.count else { return nil }
        return base[o]
    }

    @inlinable public func u16(_ o: Int) -> UInt16? {
        guard has(o, 2) else { return nil }
        return UInt16(base[o]) << 8 | UInt16(base[o + 1])
    }

    @inlinable public func u32(_ o: Int) -> UInt32? {
        guard has(o, 4) else { return nil }
        return UInt32(base[o]) << 24 | UInt32(base[o + 1]) << 16 | UInt32(base[o + 2]) << 8 | UInt32(base[o + 3])
    }

    @inlinable public func u64(_ o: Int) -> UInt64? {
        guard let hi = u32(o), let lo = u32(o + 4) else { return nil }
        return UInt64(hi) << 32 | UInt64(lo)
    }

    /// Six bytes as a MAC address.
    @inlinable public func mac(_ o: Int) -> MAC48? {
        guard has(o, 6) else { return nil }
        var v: UInt64 = 0
        for i in 0..<6 { v = v << 8 | UInt64(base[o + i]) }
        return MAC48(raw: v)
    }

    @inlinable public func ipv4(_ o: Int) -> IPAddr? {
        guard let v = u32(o) else { return nil }
        return .v4(v)
    }

    @inlinable public func ipv6(_ o: Int) -> IPAddr? {
        guard let hi = u64(o), let lo = u64(o + 8) else { return nil }
        return .v6(hi, lo)
    }

    /// Copies `length` bytes (at most `limit`); nil when out of range.
    public func bytes(_ o: Int, _ length: Int) -> [UInt8]? {
        guard has(o, length) else { return nil }
        return Array(UnsafeRawBufferPointer(rebasing: base[o..<(o + length)]))
    }

    /// Text of a length-delimited field, decoded as UTF-8 (invalid sequences replaced),
    /// with NULs and other control characters removed and the length capped at 255 bytes
    /// so a hostile TLV cannot make a huge string.
    public func text(_ o: Int, _ length: Int) -> String? {
        guard has(o, length) else { return nil }
        let slice = UnsafeRawBufferPointer(rebasing: base[o..<(o + min(length, 255))])
        // Control characters are single ASCII bytes (UTF-8 never uses bytes below 0x80
        // inside a multi-byte sequence), so they can be dropped before decoding. Nearly
        // every real name has none and is decoded straight from the packet.
        guard slice.contains(where: { $0 < 0x20 || $0 == 0x7f }) else { return String(decoding: slice, as: UTF8.self) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: slice.count) { tmp in
            var n = 0
            for byte in slice where byte >= 0x20 && byte != 0x7f { tmp[n] = byte; n += 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: tmp[..<n]), as: UTF8.self)
        }
    }
}

/// A 48-bit IEEE MAC address packed into the low bits of a UInt64 (cheap to hash and copy).
public struct MAC48: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var raw: UInt64
    @inlinable public init(raw: UInt64) { self.raw = raw & 0xffff_ffff_ffff }

    public static let zero = MAC48(raw: 0)
    public static let broadcast = MAC48(raw: 0xffff_ffff_ffff)

    /// Group bit (multicast or broadcast).
    @inlinable public var isMulticast: Bool { raw >> 40 & 1 == 1 }
    @inlinable public var isUnicast: Bool { !isMulticast && raw != 0 }
    /// The 24-bit organisationally unique identifier.
    @inlinable public var oui: UInt32 { UInt32(raw >> 24) }

    public var description: String {
        let digits: StaticString = "0123456789abcdef"
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 17) { out in
            digits.withUTF8Buffer { hex in
                for i in 0..<6 {
                    let byte = Int(raw >> UInt64(40 - 8 * i) & 0xff)
                    out[3 * i] = hex[byte >> 4]
                    out[3 * i + 1] = hex[byte & 0xf]
                    if i < 5 { out[3 * i + 2] = UInt8(ascii: ":") }
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    public static func < (a: MAC48, b: MAC48) -> Bool { a.raw < b.raw }
}


/// An IPv4 or IPv6 address held by value (no heap allocation), for the hot path.
public enum IPAddr: Hashable, Comparable, Sendable, CustomStringConvertible {
    case v4(UInt32)
    case v6(UInt64, UInt64)

    public var isV4: Bool { if case .v4 = self { true } else { false } }

    /// Unspecified (0.0.0.0 or ::).
    public var isUnspecified: Bool {
        switch self {
        case .v4(let a): a == 0
        case .v6(let h, let l): h == 0 && l == 0
        }
    }

    /// Multicast or limited broadcast: never a host's own address.
    public var isGroup: Bool {
        switch self {
        case .v4(let a): a >> 28 == 0xe || a == 0xffff_ffff
        case .v6(let h, _): h >> 56 == 0xff
        }
    }

    /// Network-order bytes (4 or 16).
    public var bytes: [UInt8] {
        switch self {
        case .v4(let a): return [UInt8(a >> 24), UInt8(a >> 16 & 0xff), UInt8(a >> 8 & 0xff), UInt8(a & 0xff)]
        case .v6(let h, let l):
            var out = [UInt8]()
            out.reserveCapacity(16)
            for i in stride(from: 56, through: 0, by: -8) { out.append(UInt8(h >> UInt64(i) & 0xff)) }
            for i in stride(from: 56, through: 0, by: -8) { out.append(UInt8(l >> UInt64(i) & 0xff)) }
            return out
        }
    }

    /// Canonical text (RFC 5952 for IPv6: lower case, longest zero run compressed).
    public var description: String {
        switch self {
        case .v4(let a):
            return "\(a >> 24).\(a >> 16 & 0xff).\(a >> 8 & 0xff).\(a & 0xff)"
        case .v6(let h, let l):
            var groups = [UInt16]()
            for i in stride(from: 48, through: 0, by: -16) { groups.append(UInt16(h >> UInt64(i) & 0xffff)) }
            for i in stride(from: 48, through: 0, by: -16) { groups.append(UInt16(l >> UInt64(i) & 0xffff)) }
            var bestStart = -1, bestLen = 0, i = 0
            while i < 8 {
                if groups[i] == 0 {
                    var j = i
                    while j < 8 && groups[j] == 0 { j += 1 }
                    if j - i > bestLen && j - i >= 2 { bestStart = i; bestLen = j - i }
                    i = j
                } else { i += 1 }
            }
            func hex(_ g: [UInt16]) -> String { g.map { String($0, radix: 16) }.joined(separator: ":") }
            if bestStart < 0 { return hex(groups) }
            return hex(Array(groups[..<bestStart])) + "::" + hex(Array(groups[(bestStart + bestLen)...]))
        }
    }

    public static func < (a: IPAddr, b: IPAddr) -> Bool {
        switch (a, b) {
        case (.v4(let x), .v4(let y)): x < y
        case (.v4, .v6): true
        case (.v6, .v4): false
        case (.v6(let h1, let l1), .v6(let h2, let l2)): h1 < h2 || (h1 == h2 && l1 < l2)
        }
    }
}

/// A value carried in an SNMP variable binding.
///
/// The three exception values of SNMPv2 (`noSuchObject`, `noSuchInstance`, `endOfMibView`)
/// are values, not errors: a GET for an object the agent lacks is an ordinary answer.
public enum SNMPValue: Hashable, Sendable {
    case integer(Int64)
    case octets([UInt8])
    case oid(OID)
    case ipAddress([UInt8])
    case counter32(UInt32)
    case gauge32(UInt32)
    case timeticks(UInt32)
    case opaque([UInt8])
    case counter64(UInt64)
    case null
    case noSuchObject
    case noSuchInstance
    case endOfMibView

    /// True for the three SNMPv2 exception values.
    public var isException: Bool {
        switch self {
        case .noSuchObject, .noSuchInstance, .endOfMibView: true
        default: false
        }
    }

    /// Any integer-like value widened to Int64 (counters and gauges included).
    public var int64: Int64? {
        switch self {
        case .integer(let v): v
        case .counter32(let v), .gauge32(let v), .timeticks(let v): Int64(v)
        case .counter64(let v): v <= UInt64(Int64.max) ? Int64(v) : nil
        default: nil
        }
    }

    /// Any unsigned integer-like value widened to UInt64.
    public var uint64: UInt64? {
        switch self {
        case .integer(let v): v >= 0 ? UInt64(v) : nil
        case .counter32(let v), .gauge32(let v), .timeticks(let v): UInt64(v)
        case .counter64(let v): v
        default: nil
        }
    }

    /// The raw bytes of an OCTET STRING, IpAddress or Opaque.
    public var bytes: [UInt8]? {
        switch self {
        case .octets(let b), .ipAddress(let b), .opaque(let b): b
        default: nil
        }
    }

    /// The value as text: OCTET STRINGs decoded as UTF-8 (falling back to Latin-1 so no
    /// byte is lost), trailing NULs removed; numbers in decimal; OIDs dotted.
    public var text: String? {
        switch self {
        case .octets(let b):
            var bytes = b[...]
            while let last = bytes.last, last == 0 { bytes = bytes.dropLast() }
            if let s = String(validating: bytes, as: UTF8.self) { return s }
            return String(bytes.map { Character(Unicode.Scalar($0)) })
        case .oid(let o): return o.description
        case .ipAddress(let b) where b.count == 4: return b.map(String.init).joined(separator: ".")
        case .integer(let v): return String(v)
        case .counter32(let v), .gauge32(let v), .timeticks(let v): return String(v)
        case .counter64(let v): return String(v)
        default: return nil
        }
    }
}

/// One variable binding: an OID and its value.
public struct VarBind: Hashable, Sendable {
    public var oid: OID
    public var value: SNMPValue

    public init(_ oid: OID, _ value: SNMPValue) {
        self.oid = oid
        self.value = value
    }
}

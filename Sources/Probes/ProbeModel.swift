import Foundation
import SNMPCore

// The in-memory form of the probe files under `probes/` (format: probes/README.md).
// Everything here is data read from YAML; the runner interprets it.

/// A compiled regular expression with the pattern it came from.
public struct ProbeRegex: Sendable, CustomStringConvertible {
    public let pattern: String
    // NSRegularExpression is immutable after creation and safe to share between threads.
    let regex: NSRegularExpression

    init?(_ pattern: String) {
        guard let r = try? NSRegularExpression(pattern: pattern, options: []) else { return nil }
        self.pattern = pattern
        self.regex = r
    }

    public var description: String { pattern }

    /// True when the pattern matches anywhere in `text`.
    public func matches(_ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// Applies the pattern: nil when it does not match. With `format`, `{N}` is replaced by
    /// capture group N; without, the result is group 1 if the pattern has groups, else the
    /// whole match.
    public func extract(_ text: String, format: String?) -> String? {
        guard let m = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { return nil }
        func group(_ n: Int) -> String {
            guard n < m.numberOfRanges, let r = Range(m.range(at: n), in: text) else { return "" }
            return String(text[r])
        }
        guard let format else { return group(m.numberOfRanges > 1 ? 1 : 0) }
        var out = format
        for n in stride(from: m.numberOfRanges - 1, through: 0, by: -1) {
            out = out.replacingOccurrences(of: "{\(n)}", with: group(n))
        }
        return out
    }
}

/// How a raw SNMP value (or index part) becomes a field value.
public enum Conversion: String, Sendable, CaseIterable {
    /// Text (OCTET STRING as UTF-8, numbers in decimal), trimmed of surrounding white space.
    case string
    /// Signed integer.
    case int
    /// Unsigned integer (counters, gauges, sizes).
    case uint
    /// Six bytes (or a MAC written as text) as `aa:bb:cc:dd:ee:ff`.
    case mac
    /// Four or sixteen bytes (or IpAddress) as an IPv4/IPv6 address.
    case ip
    /// Bytes as lower-case hex without separators.
    case hex
    /// Integer or OID looked up in a named enum table; unknown values stay numeric.
    case `enum`
    /// BITS: each set bit (bit 0 = most significant bit of the first byte) named from an enum table.
    case bits
    /// TimeTicks: hundredths of a second, as an unsigned number.
    case timeticks
    /// OBJECT IDENTIFIER as dotted decimal.
    case oid
    /// TruthValue: 1 = true, 2 = false.
    case truth
    /// A netmask (IpAddress) as a prefix length.
    case prefix
    /// LLDP/CDP identifiers: printable text stays text, six bytes become a MAC, a
    /// network-address (family byte + 4 or 16 bytes) becomes an IP, anything else hex.
    case identifier
    /// A number that must be decimal text (some agents send numbers as strings).
    case number
}

/// Where a value starts before it goes through a pipeline.
public enum ValueRef: Sendable, Equatable, CustomStringConvertible {
    /// A column of the current table (or scalar of the current group), by name.
    case column(String)
    /// A part of the row index, by name.
    case index(String)
    /// The whole row index, dotted.
    case wholeIndex
    /// A system-group value or a fact already known: `sysDescr`, `sysObjectID`, `chassis.model`, ….
    case fact(String)

    public var description: String {
        switch self {
        case .column(let c): c
        case .index(let i): "index.\(i)"
        case .wholeIndex: "index"
        case .fact(let f): f
        }
    }
}

/// A lookup in another table: find the row whose `by` equals the value (or whose index is
/// the value, when `by` is nil) and take `take` from it.
public struct Lookup: Sendable {
    public var table: String
    public var by: ValueRef?
    public var take: ValueRef
}

/// A value pipeline: start from `from` (or a constant), then lookup → regex → convert →
/// scale/multiply → interface match, in that order. `fallback` is tried when the result
/// is absent.
public indirect enum Fallback: Sendable { case none, some(ValueSpec) }

public struct ValueSpec: Sendable {
    public var from: ValueRef?
    public var get: OID?
    /// Family inventory only: walk this column and use the first value the regex matches.
    public var walk: OID?
    public var constant: String?
    public var lookup: Lookup?
    public var regex: ProbeRegex?
    public var format: String?
    public var convert: Conversion?
    public var enumName: String?
    public var scale: Double?
    public var multiply: ValueRef?
    /// Attributes of interfaces to match the value against; the result is that ifIndex.
    public var interface: [String]?
    /// Treat zero or empty results as absent.
    public var skipZero: Bool = false
    public var fallback: Fallback = .none

    public var fallbackSpec: ValueSpec? {
        if case .some(let s) = fallback { return s }
        return nil
    }
}

/// One field a table or scalar group fills.
public struct FieldSpec: Sendable {
    public var field: String
    public var value: ValueSpec
    /// Overwrite a value another table already set for the same record.
    public var override: Bool
}

/// A walked table (or, with `scalar`, a group of GETs).
public struct TableSpec: Sendable {
    public var name: String
    public var module: String
    /// Named columns: column name → column OID (for scalars: instance OID).
    public var columns: [(name: String, oid: OID)]
    public var index: [IndexPart]
    /// Index layouts tried in order when `index` does not fit a row (agents that leave out
    /// parts, e.g. LLDP rows without the timeMark).
    public var alternateIndexes: [[IndexPart]]
    /// Inventory section the rows fill, or nil for a helper table used only by lookups.
    public var section: String?
    public var fields: [FieldSpec]
    /// Rows are merged into the records of this table (same section) by `key`.
    public var mergeWith: String?
    public var key: [ValueRef]?
    /// With `mergeWith`: rows only add to existing records and never create one.
    public var mergeOnly: Bool
    /// Walk this table only when the named table returned no rows.
    public var onlyIfEmpty: String?
    /// Scalar group: columns are instance OIDs fetched by GET.
    public var isScalar: Bool
    public var file: String
    public var line: Int

    /// The name records of this table are grouped under.
    public var recordGroup: String { mergeWith ?? name }
}

/// How index sub-identifiers decode into named parts.
public struct IndexPart: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// One sub-identifier.
        case int
        /// Six sub-identifiers, one per byte.
        case mac
        /// Four sub-identifiers.
        case ip4
        /// A length sub-identifier followed by that many bytes.
        case octets
        /// All remaining sub-identifiers as bytes (IMPLIED).
        case implied
        /// All remaining sub-identifiers as a dotted OID.
        case rest
    }
    public var name: String
    public var kind: Kind
}

/// A reusable module: tables and scalar groups, plus modules it includes.
public struct ProbeModule: Sendable {
    public var name: String
    public var description: String?
    public var includes: [String]
    public var tables: [TableSpec]
    public var file: String
}

/// A device family: how to recognise it and what to read from it.
public struct ProbeFamily: Sendable {
    public var name: String
    public var vendor: String?
    public var description: String?
    public var sysObjectIDPrefixes: [OID]
    public var sysDescrPatterns: [ProbeRegex]
    /// Subtrees of the maker's own MIB (`match.mib`): the family matches a device whose agent
    /// answers below one of them, when neither sysObjectID nor sysDescr named a maker.
    public var mibSubtrees: [OID] = []
    /// Modules in the order given, includes expanded, duplicates removed.
    public var modules: [String]
    /// Inventory facts: `model`, `serial`, `version` → ordered alternatives.
    public var inventory: [String: [ValueSpec]]
    /// Tables of the included modules this family skips (broken on this platform).
    public var excludeTables: Set<String>
    public var disableBulk: Bool?
    public var maxRepetitions: Int?
    public var file: String
}

/// A named mapping from numbers or OIDs to words.
public struct EnumTable: Sendable {
    public var name: String
    public var values: [String: String]
    public var file: String
}

/// A numeric SNMP object identifier, such as `1.3.6.1.2.1.1.1.0`.
///
/// Pantau never parses MIB files: every OID in code, probes and configuration is numeric.
/// OIDs order lexicographically by sub-identifier, which is the order agents walk in.
public struct OID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The sub-identifiers, most significant first.
    public var components: [UInt32]

    public init(_ components: [UInt32]) { self.components = components }

    /// Parses dotted decimal notation, with or without a leading dot. Returns nil for anything
    /// else (names, empty strings, sub-identifiers above 2^32-1).
    public init?(_ text: some StringProtocol) {
        var body = Substring(text)
        if body.hasPrefix(".") { body = body.dropFirst() }
        guard !body.isEmpty else { return nil }
        var parts: [UInt32] = []
        parts.reserveCapacity(16)
        for piece in body.split(separator: ".", omittingEmptySubsequences: false) {
            guard !piece.isEmpty, piece.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
                let value = UInt32(piece)
            else { return nil }
            parts.append(value)
        }
        self.components = parts
    }

    public init(stringLiteral value: String) {
        guard let parsed = OID(value) else { preconditionFailure("invalid OID literal \(value)") }
        self = parsed
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = OID(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "\(text) is not a numeric OID"))
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Dotted decimal with no leading dot.
    public var description: String { components.map(String.init).joined(separator: ".") }

    public var count: Int { components.count }

    /// True when `prefix` is this OID or one of its ancestors.
    public func hasPrefix(_ prefix: OID) -> Bool {
        prefix.components.count <= components.count
            && components.starts(with: prefix.components)
    }

    /// True when this OID lies strictly below `root` in the tree.
    public func isDescendant(of root: OID) -> Bool {
        components.count > root.components.count && hasPrefix(root)
    }

    /// The sub-identifiers after `prefix` (the instance or row index), or nil if this OID is
    /// not below `prefix`.
    public func suffix(after prefix: OID) -> [UInt32]? {
        guard hasPrefix(prefix) else { return nil }
        return Array(components[prefix.components.count...])
    }

    public func appending(_ more: [UInt32]) -> OID { OID(components + more) }
    public func appending(_ more: UInt32...) -> OID { OID(components + more) }

    public static func < (lhs: OID, rhs: OID) -> Bool {
        lhs.components.lexicographicallyPrecedes(rhs.components)
    }
}

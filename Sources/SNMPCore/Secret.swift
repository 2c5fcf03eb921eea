/// A credential (community string, passphrase, token) that must never be printed, logged,
/// stored or exported. Its `description` is always `<secret>`; read `revealed` only at the
/// one place that hands it to a protocol library.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    private let value: String

    public init(_ value: String) { self.value = value }

    /// The actual secret. Call sites are few and deliberate: protocol adapters only.
    public var revealed: String { value }

    public var isEmpty: Bool { value.isEmpty }
    public var description: String { "<secret>" }
    public var debugDescription: String { "<secret>" }
}

/// How a store's connection is protected on the wire, for a store reached over a network (the
/// PostgreSQL store): what `pantau store status` shows, so an operator can see that a
/// collector across a WAN really encrypts. A file store has no connection and does not conform.
public protocol ConnectionSecurityReading: Sendable {
    /// "TLSv1.3 (sslmode verify-full)", or "not encrypted (sslmode prefer: the server offers no TLS)".
    func connectionSecurity() throws(StoreError) -> String
}

import Foundation
import Governance
import InventoryModel
import Storage

/// Access tokens for the HTTP service and the portal (one per PD, or Diskominfo) and the
/// check of a bearer token on each request. Only a token's SHA-256 is stored; every
/// creation, revocation and refusal is written to the audit log.
public struct AccessOperations: Sendable {
    public let store: any AccessStorage & GovernanceStorage
    public let clock: any WallClock

    public init(store: any AccessStorage & GovernanceStorage, clock: any WallClock) {
        self.store = store
        self.clock = clock
    }

    /// A new token: its secret is returned once and never stored.
    public struct Created: Sendable {
        public var id: Int64
        public var secret: String
    }

    /// Creates a token for `pd` (nil: Diskominfo, reading every PD).
    public func create(pd: String?, label: String, expiresDays: Int?, actor: String) throws -> Created {
        if let pd {
            guard let reg = try store.registry(), reg[pd] != nil else { throw OperationError(.notFound, "PD \"\(pd)\" is not in the stored registry") }
        }
        if let d = expiresDays, d < 1 { throw OperationError(.invalid, "--expires-days must be at least 1") }
        let at = clock.now()
        let secret = TokenSecret.generate()
        let id = try store.addToken(sha256: TokenSecret.hash(secret), role: pd.map { .pd($0) } ?? .diskominfo, label: label, at: at,
                                    expires: expiresDays.map { at.addingTimeInterval(Double($0) * 86400) })
        try store.appendAudit(AuditEntry(at: at, actor: actor, action: "token-create", pd: pd, outcome: "ok", detail: "token #\(id) \(label)"))
        return Created(id: id, secret: secret)
    }

    public func list() throws(StoreError) -> [AccessToken] { try store.tokens() }

    /// Revokes an active token; `.notFound` when there is none with that id.
    public func revoke(id: Int64, actor: String) throws {
        let at = clock.now()
        guard try store.revokeToken(id: id, at: at) else { throw OperationError(.notFound, "no active token #\(id)") }
        try store.appendAudit(AuditEntry(at: at, actor: actor, action: "token-revoke", pd: nil, outcome: "ok", detail: "token #\(id)"))
    }

    /// Who a request speaks for.
    public struct Caller: Sendable {
        public var token: AccessToken
        /// How the audit log names the caller: token id, role and label, never the secret.
        public var actor: String
    }

    /// Checks a bearer token (`header`: the whole Authorization header, nil when absent) for
    /// `action` on `pd`. A refusal is audited and thrown as `.forbidden` with the reason; a
    /// store failure is thrown as the `StoreError`.
    public func authenticate(authorization header: String?, action: String, pd: String?) throws -> Caller {
        guard let header, header.hasPrefix("Bearer "), header.count > 7 else {
            audit("anonymous", action, pd, "refused", "no bearer token")
            throw OperationError(.forbidden, "missing bearer token (Authorization: Bearer <token>)")
        }
        let secret = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        guard let token = try store.token(sha256: TokenSecret.hash(secret)) else {
            audit("anonymous", action, pd, "refused", "unknown token")
            throw OperationError(.forbidden, "unknown token")
        }
        let actor = "token #\(token.id) (\(token.role), \(token.label))"
        if let why = token.refusal(at: clock.now()) {
            audit(actor, action, pd, "refused", why)
            throw OperationError(.forbidden, why)
        }
        return Caller(token: token, actor: actor)
    }

    /// Appends to the audit log; a failure is reported on stderr, never to the caller
    /// (it must not be silent, nor leak into a response).
    public func audit(_ actor: String, _ action: String, _ pd: String?, _ outcome: String, _ detail: String) {
        do { try store.appendAudit(AuditEntry(at: clock.now(), actor: actor, action: action, pd: pd, outcome: outcome, detail: detail)) } catch {
            FileHandle.standardError.write(Data("pantau: cannot write the audit log: \(error)\n".utf8))
        }
    }
}

/// The PD registry and the active regional profile.
public struct RegistryOperations: Sendable {
    public let store: any GovernanceStorage
    public let clock: any WallClock

    public init(store: any GovernanceStorage, clock: any WallClock) {
        self.store = store
        self.clock = clock
    }

    /// Checks a registry file against the active profile (when one is active) and replaces
    /// the stored registry with it. Returns it and the profile's findings about it.
    public func load(path: String) throws -> (registry: PDRegistry, findings: [RegistryFinding]) {
        let profile = try store.activeProfile()
        let r = try PDRegistry.load(path: path, profile: profile)
        try store.saveRegistry(r, source: path, at: clock.now())
        return (r, profile.map(r.findings) ?? [])
    }

    /// The stored registry; `.unavailable` when none was loaded.
    public func registry() throws -> PDRegistry { try store.requiredRegistry() }

    /// Makes profile `id` from `directory` the active one, recorded as activated by `by`.
    public func activate(profile id: String, directory: String, by: String) throws -> RegionalProfile {
        let all = try RegionalProfile.loadAll(directory: directory)
        guard let p = all[id] else {
            throw OperationError(.notFound, "no profile \"\(id)\" in \(directory) (have: \(all.keys.sorted().joined(separator: ", ")))")
        }
        try store.activate(profile: p, by: by, at: clock.now())
        return p
    }

    /// The active profile; `.unavailable` when none was activated.
    public func activeProfile() throws -> RegionalProfile { try store.requiredProfile() }
}

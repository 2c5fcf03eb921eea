import Crypto
import Foundation

/// Who an HTTP token speaks for.
public enum AccessRole: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Staff of one PD: may submit and read only that PD's diagrams.
    case pd(String)
    /// Diskominfo staff: may read every PD's diagrams and status.
    case diskominfo

    public var description: String {
        switch self {
        case .pd(let c): "pd:\(c)"
        case .diskominfo: "diskominfo"
        }
    }

    public func canRead(pd: String) -> Bool {
        switch self {
        case .diskominfo: true
        case .pd(let c): c == pd
        }
    }

    public func canSubmit(pd: String) -> Bool {
        if case .pd(let c) = self { return c == pd }
        return false
    }
}

/// A stored access token: only its SHA-256 is kept, never the token itself.
public struct AccessToken: Sendable, Hashable, Codable {
    public var id: Int64
    public var role: AccessRole
    public var label: String
    public var createdAt: Date
    public var expiresAt: Date?
    public var revokedAt: Date?
    public init(id: Int64, role: AccessRole, label: String, createdAt: Date, expiresAt: Date?, revokedAt: Date?) {
        self.id = id
        self.role = role
        self.label = label
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }

    /// Why the token cannot be used at `now`, or nil when it can.
    public func refusal(at now: Date) -> String? {
        if let r = revokedAt, r <= now { return "token revoked" }
        if let e = expiresAt, e <= now { return "token expired" }
        return nil
    }
}

/// Generating and hashing bearer tokens.
public enum TokenSecret {
    /// A new random token: "pantau_" + 43 base64url characters (256 bits).
    public static func generate() -> String {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let b64 = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return "pantau_" + b64
    }

    /// SHA-256 of the token, the only form that is stored. Tokens are long and random,
    /// so an unsalted hash is enough (no dictionary to attack).
    public static func hash(_ token: String) -> String { sha256Hex(Array(token.utf8)) }
}

/// One line of the audit log: who did what to which PD's data, and the outcome.
public struct AuditEntry: Sendable, Hashable, Codable {
    public var at: Date
    /// Token id and label, or "cli:<user>"; never the token.
    public var actor: String
    public var action: String
    public var pd: String?
    /// "ok", "refused", "invalid", …
    public var outcome: String
    public var detail: String
    public init(at: Date, actor: String, action: String, pd: String?, outcome: String, detail: String) {
        self.at = at
        self.actor = actor
        self.action = action
        self.pd = pd
        self.outcome = outcome
        self.detail = detail
    }
}

import Foundation

/// SNMP protocol version.
public enum SNMPVersion: String, Sendable, Codable, CaseIterable {
    case v1, v2c, v3
}

/// SNMPv3 USM security level.
public enum SecurityLevel: String, Sendable, Codable, CaseIterable {
    case noAuthNoPriv, authNoPriv, authPriv

    /// Accepts the spellings operators use: `authPriv`, `authpriv`, `auth-priv`, `priv`, ….
    public init?(lenient text: String) {
        switch text.lowercased().replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "_", with: "") {
        case "noauthnopriv", "noauth": self = .noAuthNoPriv
        case "authnopriv", "auth": self = .authNoPriv
        case "authpriv", "priv": self = .authPriv
        default: return nil
        }
    }
}

/// SNMPv3 authentication protocols (RFC 3414, RFC 7860).
public enum AuthProtocol: String, Sendable, Codable, CaseIterable {
    case md5 = "MD5", sha = "SHA", sha224 = "SHA-224", sha256 = "SHA-256", sha384 = "SHA-384", sha512 = "SHA-512"

    /// Accepts `sha256`, `SHA-256`, `sha-256`, `SHA1`, ….
    public init?(lenient text: String) {
        let key = text.uppercased().replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "_", with: "")
        switch key {
        case "MD5": self = .md5
        case "SHA", "SHA1": self = .sha
        case "SHA224": self = .sha224
        case "SHA256": self = .sha256
        case "SHA384": self = .sha384
        case "SHA512": self = .sha512
        default: return nil
        }
    }
}

/// SNMPv3 privacy protocols. `aes` is AES-128 (RFC 3826); `aes192`/`aes256` follow the
/// Blumenthal draft as Net-SNMP and most vendors implement it.
public enum PrivProtocol: String, Sendable, Codable, CaseIterable {
    case des = "DES", aes = "AES", aes192 = "AES-192", aes256 = "AES-256"

    public init?(lenient text: String) {
        let key = text.uppercased().replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "_", with: "")
        switch key {
        case "DES": self = .des
        case "AES", "AES128": self = .aes
        case "AES192": self = .aes192
        case "AES256": self = .aes256
        default: return nil
        }
    }
}

/// How to authenticate to an agent. Secrets are wrapped so they cannot leak through
/// string interpolation.
public enum SNMPCredentials: Sendable, Hashable, CustomStringConvertible {
    /// SNMPv1 or SNMPv2c with a community string.
    case community(SNMPVersion, Secret)
    /// SNMPv3 user-based security.
    case usm(USMCredentials)

    public var version: SNMPVersion {
        switch self {
        case .community(let v, _): v
        case .usm: .v3
        }
    }

    /// Safe to log: never contains a secret.
    public var description: String {
        switch self {
        case .community(let v, _): "\(v.rawValue) community <secret>"
        case .usm(let u): "v3 user \(u.user) \(u.level.rawValue)"
        }
    }
}

/// SNMPv3 USM parameters.
public struct USMCredentials: Sendable, Hashable {
    public var user: String
    public var level: SecurityLevel
    public var authProtocol: AuthProtocol?
    public var authPassword: Secret?
    public var privProtocol: PrivProtocol?
    public var privPassword: Secret?
    public var context: String?

    public init(
        user: String, level: SecurityLevel, authProtocol: AuthProtocol? = nil, authPassword: Secret? = nil,
        privProtocol: PrivProtocol? = nil, privPassword: Secret? = nil, context: String? = nil
    ) {
        self.user = user
        self.level = level
        self.authProtocol = authProtocol
        self.authPassword = authPassword
        self.privProtocol = privProtocol
        self.privPassword = privPassword
        self.context = context
    }

    /// Problems that make these credentials unusable, in words an operator can act on.
    public var problems: [String] {
        var out: [String] = []
        if user.isEmpty { out.append("SNMPv3 user name is empty") }
        if level != .noAuthNoPriv {
            if authPassword == nil || authPassword?.isEmpty == true {
                out.append("security level \(level.rawValue) needs an authentication password")
            } else if let p = authPassword, p.revealed.utf8.count < 8 {
                out.append("authentication password is shorter than 8 characters (RFC 3414 minimum)")
            }
        }
        if level == .authPriv {
            if privPassword == nil || privPassword?.isEmpty == true {
                out.append("security level authPriv needs a privacy password")
            } else if let p = privPassword, p.revealed.utf8.count < 8 {
                out.append("privacy password is shorter than 8 characters (RFC 3414 minimum)")
            }
        }
        return out
    }
}

/// Why an SNMP operation against one agent failed.
///
/// `description` reads `agent: action: cause`, for example
/// `udp:10.0.4.1:161: walking 1.3.6.1.2.1.31.1.1: timeout after 2 retries of 2s`. It never
/// contains a community string or password.
public struct SNMPError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: Sendable, Hashable {
        /// No reply within timeout × (retries + 1). For v1/v2c this is also what a wrong
        /// community looks like: agents drop such requests silently.
        case timeout
        /// SNMPv3 authentication failed (wrong auth password or protocol).
        case authenticationFailure
        /// SNMPv3 decryption failed (wrong privacy password or protocol).
        case decryptionFailure
        /// The agent does not know the SNMPv3 user.
        case unknownUser
        /// The agent refused the security level asked for.
        case unsupportedSecurityLevel
        /// The agent answered with a non-zero error-status (tooBig, noSuchName, genErr, …).
        case errorStatus(Int, index: Int)
        /// A walk saw an OID that did not increase: the agent loops or answers out of order.
        case walkNotIncreasing(OID)
        /// A walk passed `maxWalkRows` without reaching the end of the subtree.
        case walkLimitExceeded(Int)
        /// The session could not be opened (bad host name, socket error, bad credentials).
        case sessionOpen
        /// The request could not be sent.
        case send
        /// Credentials or options are invalid before anything is sent.
        case invalidConfiguration
        /// The reply did not make sense (wrong number of bindings, bad types).
        case invalidResponse
        /// The caller cancelled the operation.
        case cancelled
    }

    public var code: Code
    public var agent: String
    public var action: String
    public var detail: String
    /// What was received before a walk failed, so callers can keep partial data.
    public var partial: [VarBind]

    public init(_ code: Code, agent: String, action: String, detail: String = "", partial: [VarBind] = []) {
        self.code = code
        self.agent = agent
        self.action = action
        self.detail = detail
        self.partial = partial
    }

    public var cause: String {
        let base: String
        switch code {
        case .timeout: base = "no response (timeout)"
        case .authenticationFailure: base = "authentication failed (wrong SNMPv3 auth password or protocol)"
        case .decryptionFailure: base = "decryption failed (wrong SNMPv3 privacy password or protocol)"
        case .unknownUser: base = "unknown SNMPv3 user"
        case .unsupportedSecurityLevel: base = "security level not supported by the agent for this user"
        case .errorStatus(let status, let index): base = "agent returned error-status \(SNMPError.statusName(status)) (\(status)) at binding \(index)"
        case .walkNotIncreasing(let oid): base = "agent returned \(oid), which does not follow the previous OID (loop or out-of-order reply)"
        case .walkLimitExceeded(let n): base = "walk exceeded \(n) rows without reaching the end of the subtree"
        case .sessionOpen: base = "could not open session"
        case .send: base = "could not send request"
        case .invalidConfiguration: base = "invalid configuration"
        case .invalidResponse: base = "invalid response"
        case .cancelled: base = "cancelled"
        }
        return detail.isEmpty ? base : "\(base): \(detail)"
    }

    public var description: String { "\(agent): \(action): \(cause)" }

    /// A one-line hint for the obvious next step, or nil.
    public var hint: String? {
        switch code {
        case .timeout: "Is the agent reachable on \(agent), and is the community (v1/v2c) or user (v3) right? "
            + "(With SNMPv3 authPriv, a wrong privacy password also looks like this: agents drop what they cannot decrypt.)"
        case .authenticationFailure, .decryptionFailure, .unknownUser: "Check the SNMPv3 user, protocols and passwords against the agent's configuration."
        default: nil
        }
    }

    /// RFC 3416 error-status names.
    public static func statusName(_ status: Int) -> String {
        let names = [
            "noError", "tooBig", "noSuchName", "badValue", "readOnly", "genErr", "noAccess", "wrongType",
            "wrongLength", "wrongEncoding", "wrongValue", "noCreation", "inconsistentValue",
            "resourceUnavailable", "commitFailed", "undoFailed", "authorizationError", "notWritable",
            "inconsistentName",
        ]
        return status >= 0 && status < names.count ? names[status] : "error\(status)"
    }
}

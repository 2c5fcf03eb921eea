import Foundation
import Governance
import InventoryModel
import Storage

/// A use case refused its input: the message names the subject and the cause, for an
/// operator or a PD technician. `kind` lets an HTTP front end pick its status code.
public struct OperationError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The request itself is wrong (a bad argument).
        case invalid
        /// What it names does not exist (a PD, a version, a token).
        case notFound
        /// The caller may not do this.
        case forbidden
        /// A precondition of the installation is missing (no registry, no active profile).
        case unavailable
        /// The input is over a size or work limit (an upload too big, a decompression bomb).
        case tooLarge
    }

    public var kind: Kind
    public var message: String
    /// Item-by-item problems (a diagram's issues), when there are several.
    public var issues: [String]

    public init(_ kind: Kind, _ message: String, issues: [String] = []) {
        self.kind = kind
        self.message = message
        self.issues = issues
    }

    public var description: String { message }
}

/// JSON as every front end writes it: pretty, sorted keys, ISO 8601 times, slashes kept.
public enum PantauJSON {
    public static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .iso8601
        return e
    }

    /// The JSON text of a result.
    public static func text(_ value: some Encodable) throws -> String {
        String(decoding: try encoder().encode(value), as: UTF8.self)
    }
}

/// An ISO 8601 time with milliseconds, for values timed to the sub-second (counter samples).
public struct PreciseTime: Sendable, Hashable, Codable {
    public var date: Date
    public init(_ date: Date) { self.date = date }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(Self.format(date))
    }
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let d = Self.formatter.date(from: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an ISO 8601 time: \(text)"))
        }
        date = d
    }
    // ISO8601DateFormatter is thread-safe once configured; one serves every call.
    nonisolated(unsafe) static let formatter: ISO8601DateFormatter = {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f
    }()
    public static func format(_ d: Date) -> String { formatter.string(from: d) }
}

/// The installation's preconditions for the governance use cases, refused with one message each.
extension GovernanceStorage {
    /// The stored PD registry; `.unavailable` when none was loaded.
    func requiredRegistry() throws -> PDRegistry {
        guard let r = try registry() else { throw OperationError(.unavailable, "no registry loaded; run pantau registry load FILE first") }
        return r
    }

    /// The active regional profile; `.unavailable` when none was activated.
    func requiredProfile() throws -> RegionalProfile {
        guard let p = try activeProfile() else { throw OperationError(.unavailable, "no active profile; run pantau profile activate ID first") }
        return p
    }

    /// A report's `--period` (default `last-30d`) read in the active profile's time zone, or in
    /// UTC with a note saying so when no profile is active; `.invalid` when it is not a period.
    public func reportPeriod(_ text: String?, now: Date) throws -> (period: ReportPeriod, zone: TimeZone, note: String?) {
        let profile = try activeProfile()
        let zone = profile?.timeZone ?? .gmt
        let written = text ?? "last-30d"
        guard let period = ReportPeriod.parse(written, now: now, zone: zone) else {
            throw OperationError(.invalid, "--period \"\(written)\" is not a period: \(ReportPeriod.syntax)")
        }
        return (period, zone, profile == nil ? "no active regional profile: the period is read in UTC (pantau profile activate ID sets the regency's zone)" : nil)
    }
}

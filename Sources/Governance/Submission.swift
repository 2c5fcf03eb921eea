import Crypto
import Foundation

/// The file formats a PD may submit.
public enum DiagramFormat: String, Sendable, Hashable, Codable, CaseIterable {
    case yaml, drawio
}

/// A diagram submission about to be stored: the original bytes and what was read from them.
public struct NewSubmission: Sendable {
    public var pd: String
    public var submitter: String
    public var submittedAt: Date
    public var format: DiagramFormat
    public var fileName: String
    /// "cli" or "http".
    public var channel: String
    public var content: [UInt8]
    public var diagram: Diagram

    public init(pd: String, submitter: String, submittedAt: Date, format: DiagramFormat, fileName: String, channel: String,
                content: [UInt8], diagram: Diagram) {
        self.pd = pd
        self.submitter = submitter
        self.submittedAt = submittedAt
        self.format = format
        self.fileName = fileName
        self.channel = channel
        self.content = content
        self.diagram = diagram
    }

    public var sha256: String { sha256Hex(content) }
}

/// A stored, immutable diagram version.
public struct Submission: Sendable, Hashable, Codable {
    public var pd: String
    public var version: Int
    public var submittedAt: Date
    public var submitter: String
    public var sha256: String
    public var format: DiagramFormat
    public var fileName: String
    public var channel: String
    public var diagram: Diagram

    public init(pd: String, version: Int, submittedAt: Date, submitter: String, sha256: String, format: DiagramFormat,
                fileName: String, channel: String, diagram: Diagram) {
        self.pd = pd
        self.version = version
        self.submittedAt = submittedAt
        self.submitter = submitter
        self.sha256 = sha256
        self.format = format
        self.fileName = fileName
        self.channel = channel
        self.diagram = diagram
    }
}

/// The change report recorded when a newer submission differs from the previous one.
public struct ChangeReport: Sendable, Hashable, Codable {
    public var pd: String
    public var fromVersion: Int
    public var toVersion: Int
    public var recordedAt: Date
    public var diff: DiagramDiff
    public init(pd: String, fromVersion: Int, toVersion: Int, recordedAt: Date, diff: DiagramDiff) {
        self.pd = pd
        self.fromVersion = fromVersion
        self.toVersion = toVersion
        self.recordedAt = recordedAt
        self.diff = diff
    }
}

/// A change-report duty opened when a LAN change is seen with no submission after it
/// (R17). Closed by the PD's next submission.
public struct ChangeDuty: Sendable, Hashable, Codable {
    public var id: Int64
    public var pd: String
    public var openedAt: Date
    public var reason: String
    /// Deadline from the profile's `deadline_days`; nil because the Perbup sets none.
    public var dueAt: Date?
    public var closedAt: Date?
    public var closedByVersion: Int?
    public init(id: Int64, pd: String, openedAt: Date, reason: String, dueAt: Date?, closedAt: Date?, closedByVersion: Int?) {
        self.id = id
        self.pd = pd
        self.openedAt = openedAt
        self.reason = reason
        self.dueAt = dueAt
        self.closedAt = closedAt
        self.closedByVersion = closedByVersion
    }
}

/// Lowercase hex SHA-256 of some bytes.
public func sha256Hex(_ bytes: some Sequence<UInt8>) -> String {
    SHA256.hash(data: Array(bytes)).map { String(format: "%02x", $0) }.joined()
}

/// Reading any submitted file: detects the format, enforces the size limit, parses.
public enum DiagramFile {
    /// Largest diagram file accepted by default (draw.io files with embedded images can be big).
    public static let defaultSizeLimit = 2 * 1024 * 1024

    /// Format from the content: draw.io files are XML (`<mxfile` or `<mxGraphModel`).
    public static func detectFormat(_ bytes: [UInt8]) -> DiagramFormat {
        let head = String(decoding: bytes.prefix(512), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return head.hasPrefix("<") ? .drawio : .yaml
    }

    /// Reads and parses a submitted file. Returns the diagram (nil when unreadable) and
    /// every structural problem. Semantic rules come from `Diagram.validate`.
    /// A drawing that does not name its PD is taken for `defaultPD` (the submitter's PD).
    public static func read(_ bytes: [UInt8], fileName: String, sizeLimit: Int = defaultSizeLimit,
                            defaultPD: String? = nil) -> (DiagramFormat, Diagram?, [DiagramIssue]) {
        let format = detectFormat(bytes)
        guard bytes.count <= sizeLimit else {
            return (format, nil, [DiagramIssue(file: fileName, source: SourceRef(), path: "", code: .fileTooLarge,
                                               params: ["size": String(bytes.count), "limit": String(sizeLimit)],
                                               message: "file is \(bytes.count) bytes; the limit is \(sizeLimit) bytes", limitExceeded: true)])
        }
        switch format {
        case .yaml:
            guard let text = String(validating: bytes, as: UTF8.self) else {
                return (format, nil, [DiagramIssue(file: fileName, source: SourceRef(), path: "", code: .notUTF8, message: "file is not valid UTF-8 text")])
            }
            let (d, issues) = Diagram.parseYAML(text, file: fileName)
            return (format, d, issues)
        case .drawio:
            do {
                let (d, issues) = try DrawIO.importDiagram(bytes, file: fileName, defaultPD: defaultPD)
                return (format, d, issues)
            } catch {
                return (format, nil, [DiagramIssue(file: fileName, source: SourceRef(), path: "",
                                                   code: error.limitExceeded ? .drawioTooComplex : .drawioUnreadable,
                                                   params: ["detail": error.message], message: error.description,
                                                   limitExceeded: error.limitExceeded)])
            }
        }
    }

    /// Reads, parses and validates; the diagram is returned only when no problem is an
    /// error (warnings, which a drawing made with stock shapes gets, let it through).
    /// A drawing that does not name its PD is taken for `expectedPD`.
    public static func check(_ bytes: [UInt8], fileName: String, registry: PDRegistry?, expectedPD: String?,
                             sizeLimit: Int = defaultSizeLimit) -> (DiagramFormat, Diagram?, [DiagramIssue]) {
        let (format, d, issues) = read(bytes, fileName: fileName, sizeLimit: sizeLimit, defaultPD: expectedPD)
        guard let d else { return (format, nil, issues) }
        let all = issues + d.validate(file: fileName, registry: registry, expectedPD: expectedPD)
        return (format, all.contains { !$0.isWarning } ? nil : d, all)
    }
}

/// One problem found in a configuration, probe, registry, profile or diagram file.
///
/// Printed as `file:line:col: path: message`, the form editors and CI logs link to, e.g.
/// `probes/families/junos.yaml:14:7: inventory.serial.oid: "1.3.6.x" is not a numeric OID`.
public struct ConfigIssue: Sendable, Hashable, CustomStringConvertible, Comparable {
    public var file: String
    public var line: Int
    public var column: Int
    /// Key path inside the document, such as `targets[2].credentials`; empty for the root.
    public var path: String
    public var message: String

    public init(file: String, line: Int, column: Int, path: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.message = message
    }

    public var description: String {
        path.isEmpty ? "\(file):\(line):\(column): \(message)" : "\(file):\(line):\(column): \(path): \(message)"
    }

    public static func < (a: ConfigIssue, b: ConfigIssue) -> Bool {
        (a.file, a.line, a.column, a.path, a.message) < (b.file, b.line, b.column, b.path, b.message)
    }
}

/// Every problem found in one or more files, reported together rather than one at a time.
public struct ConfigIssues: Error, Sendable, CustomStringConvertible {
    public var issues: [ConfigIssue]

    public init(_ issues: [ConfigIssue]) { self.issues = issues.sorted() }

    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

/// Collects issues while a document is read. Reference type so that every `YAMLValue`
/// handed out while reading one document reports into the same list; used from one task
/// at a time (reading is synchronous), hence the unchecked conformance.
public final class IssueSink: @unchecked Sendable {
    public private(set) var issues: [ConfigIssue] = []

    public init() {}

    public func add(_ issue: ConfigIssue) { issues.append(issue) }
    public func add(contentsOf more: [ConfigIssue]) { issues.append(contentsOf: more) }

    /// Throws all collected issues if there are any.
    public func throwIfAny() throws(ConfigIssues) {
        if !issues.isEmpty { throw ConfigIssues(issues) }
    }
}

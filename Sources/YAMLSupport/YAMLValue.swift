import Foundation
import Yams

/// A node of a parsed YAML document that remembers where it came from, so every problem
/// can be reported as `file:line:col: path: message`.
///
/// Readers are strict: mappings are read through `object(allowing:)`, which reports every
/// key it was not told about (Swift's `Codable` silently ignores unknown keys, which turns
/// typos into silently-ignored settings). Accessors report a type mismatch and return nil,
/// so a loader can keep going and report every problem in one pass.
public struct YAMLValue {
    public let node: Node
    public let path: String
    public let file: String
    public let sink: IssueSink

    public init(node: Node, path: String, file: String, sink: IssueSink) {
        self.node = node
        self.path = path
        self.file = file
        self.sink = sink
    }

    // MARK: - Loading

    /// Parses YAML text. Syntax errors are thrown at once (nothing after them is
    /// trustworthy); the returned root reports later problems into `sink`.
    public static func parse(_ text: String, file: String, sink: IssueSink) throws(ConfigIssues) -> YAMLValue {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                return YAMLValue(node: Node.mapping(.init([])), path: "", file: file, sink: sink)
            }
            return YAMLValue(node: node, path: "", file: file, sink: sink)
        } catch let error as YamlError {
            if case .duplicatedKeysInMapping(let keys, let context) = error {
                throw ConfigIssues(duplicateKeyIssues(keys, mappingAt: context.mark, text: text, file: file))
            }
            throw ConfigIssues([issue(from: error, file: file)])
        } catch {
            throw ConfigIssues([ConfigIssue(file: file, line: 1, column: 1, path: "", message: "\(error)")])
        }
    }

    /// Reads and parses a file. A file that cannot be read (missing, a directory, a FIFO or
    /// device, too big) is an issue at line 1 that says why.
    public static func load(path: String, sink: IssueSink) throws(ConfigIssues) -> YAMLValue {
        let bytes: [UInt8]
        do { bytes = try InputFile.read(path) } catch {
            throw ConfigIssues([ConfigIssue(file: path, line: 1, column: 1, path: "", message: error.reason)])
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigIssues([ConfigIssue(file: path, line: 1, column: 1, path: "", message: "file is not valid UTF-8")])
        }
        return try parse(text, file: path, sink: sink)
    }

    /// Yams reports duplicate keys at the start of their mapping; point at each repeated key
    /// instead, which is where the operator has to look.
    private static func duplicateKeyIssues(_ keys: [String], mappingAt mark: Mark, text: String, file: String) -> [ConfigIssue] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var out: [ConfigIssue] = []
        for key in keys.sorted() {
            var hits: [(Int, Int)] = []
            for (i, raw) in lines.enumerated() where i + 1 >= mark.line {
                var body = Substring(raw)
                var col = 1
                while let f = body.first, f == " " || f == "-" { body = body.dropFirst(); col += 1 }
                for quote in ["", "\"", "'"] where body.hasPrefix(quote + key + quote + ":") {
                    hits.append((i + 1, col))
                    break
                }
            }
            let (line, col) = hits.count >= 2 ? hits[1] : (mark.line, mark.column)
            out.append(ConfigIssue(file: file, line: line, column: col, path: "", message: "duplicate key \"\(key)\""))
        }
        return out
    }

    private static func issue(from error: YamlError, file: String) -> ConfigIssue {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let ctx = context.map { " \($0.text)" } ?? ""
            return ConfigIssue(file: file, line: mark.line, column: mark.column, path: "",
                               message: "YAML syntax error: \(problem)\(ctx)")
        case .reader(let problem, let offset, _, _):
            return ConfigIssue(file: file, line: 1, column: 1, path: "",
                               message: "YAML reader error: \(problem)\(offset.map { " at byte \($0)" } ?? "")")
        default:
            return ConfigIssue(file: file, line: 1, column: 1, path: "", message: "YAML error: \(error)")
        }
    }

    // MARK: - Location and reporting

    public var line: Int { node.mark?.line ?? 1 }
    public var column: Int { node.mark?.column ?? 1 }

    /// Records a problem at this node.
    public func report(_ message: String) {
        sink.add(ConfigIssue(file: file, line: line, column: column, path: path, message: message))
    }

    /// A child path segment for a mapping key.
    public func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// YAML `null`, `~` or an empty value.
    public var isNull: Bool {
        if case .scalar(let s) = node { return s.tag == Tag(.null) || node.null != nil }
        return false
    }

    // MARK: - Scalars

    private var scalar: Node.Scalar? {
        if case .scalar(let s) = node { return s }
        return nil
    }

    /// The scalar as text (numbers and booleans included, as written).
    public func string() -> String? {
        guard let s = scalar else {
            report("expected a single value, found \(kind)")
            return nil
        }
        return s.string
    }

    public func int() -> Int? {
        guard let s = scalar else {
            report("expected an integer, found \(kind)")
            return nil
        }
        guard let v = Int(s.string.replacingOccurrences(of: "_", with: "")) else {
            report("expected an integer, found \"\(s.string)\"")
            return nil
        }
        return v
    }

    public func double() -> Double? {
        guard let s = scalar else {
            report("expected a number, found \(kind)")
            return nil
        }
        guard let v = Double(s.string.replacingOccurrences(of: "_", with: "")) else {
            report("expected a number, found \"\(s.string)\"")
            return nil
        }
        return v
    }

    public func bool() -> Bool? {
        guard let s = scalar else {
            report("expected true or false, found \(kind)")
            return nil
        }
        switch s.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            report("expected true or false, found \"\(s.string)\"")
            return nil
        }
    }

    /// One of a fixed set of words; reports the allowed words otherwise.
    public func oneOf<T: RawRepresentable>(_ type: T.Type) -> T? where T.RawValue == String, T: CaseIterable {
        guard let text = string() else { return nil }
        if let v = T(rawValue: text) { return v }
        report("\"\(text)\" is not one of: \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        return nil
    }

    // MARK: - Collections

    /// The items of a sequence, each with its own path (`path[i]`).
    public func array() -> [YAMLValue]? {
        guard case .sequence(let seq) = node else {
            report("expected a list, found \(kind)")
            return nil
        }
        return seq.enumerated().map { i, n in YAMLValue(node: n, path: "\(path)[\(i)]", file: file, sink: sink) }
    }

    /// A list of strings; a single scalar is accepted as a one-item list.
    public func stringList() -> [String]? {
        if case .scalar = node { return string().map { [$0] } }
        guard let items = array() else { return nil }
        return items.compactMap { $0.string() }
    }

    /// Reads a mapping, reporting duplicate keys, non-string keys and every key not in
    /// `allowed` (pass nil to accept any key, for maps keyed by data such as names).
    public func object(allowing allowed: Set<String>?) -> YAMLObject? {
        guard case .mapping(let mapping) = node else {
            report(isNull ? "expected a mapping, found nothing" : "expected a mapping, found \(kind)")
            return nil
        }
        var entries: [(String, YAMLValue, YAMLValue)] = []
        var seen = Set<String>()
        for (k, v) in mapping {
            let keyValue = YAMLValue(node: k, path: path, file: file, sink: sink)
            guard case .scalar(let ks) = k else {
                keyValue.report("mapping keys must be plain words")
                continue
            }
            let key = ks.string
            let child = YAMLValue(node: v, path: self.child(key), file: file, sink: sink)
            let keyAt = YAMLValue(node: k, path: self.child(key), file: file, sink: sink)
            if !seen.insert(key).inserted {
                keyAt.report("duplicate key \"\(key)\"")
                continue
            }
            if let allowed, !allowed.contains(key) {
                let suggestion = YAMLValue.closest(to: key, in: allowed).map { " (did you mean \"\($0)\"?)" } ?? ""
                keyAt.report("unknown key \"\(key)\"\(suggestion); allowed: \(allowed.sorted().joined(separator: ", "))")
                continue
            }
            entries.append((key, child, keyAt))
        }
        return YAMLObject(value: self, entries: entries)
    }

    /// A short word for the node's kind, for messages.
    public var kind: String {
        switch node {
        case .scalar(let s): isNull ? "nothing" : "the value \"\(s.string)\""
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    /// The candidate closest to a mistyped `word` (case-insensitive edit distance), or nil
    /// when nothing is close enough to be a likely typo. Ties go to the alphabetically first
    /// candidate, so messages are the same on every run.
    public static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
        func distance(_ a: [Character], _ b: [Character]) -> Int {
            var prev = Array(0...b.count)
            for (i, ca) in a.enumerated() {
                var cur = [i + 1]
                for (j, cb) in b.enumerated() {
                    cur.append(min(prev[j + 1] + 1, cur[j] + 1, prev[j] + (ca == cb ? 0 : 1)))
                }
                prev = cur
            }
            return prev[b.count]
        }
        let w = Array(word.lowercased())
        var best: (name: String, distance: Int)?
        for c in candidates.sorted() {
            let d = distance(w, Array(c.lowercased()))
            if d < best?.distance ?? Int.max { best = (c, d) }
        }
        guard let best, best.distance <= max(2, word.count / 3) else { return nil }
        return best.name
    }
}

/// A mapping read through `YAMLValue.object(allowing:)`: unknown keys were already reported.
public struct YAMLObject {
    public let value: YAMLValue
    let entries: [(String, YAMLValue, YAMLValue)]

    /// Keys in document order.
    public var keys: [String] { entries.map(\.0) }

    /// Key-value pairs in document order.
    public var pairs: [(key: String, value: YAMLValue)] { entries.map { ($0.0, $0.1) } }

    /// The value for `key`, or nil when absent. A present-but-null value is returned as is.
    public subscript(key: String) -> YAMLValue? { entries.first { $0.0 == key }?.1 }

    /// Where the key itself is written, for messages about the key.
    public func keyLocation(_ key: String) -> YAMLValue? { entries.first { $0.0 == key }?.2 }

    /// The value for a key that must be present; reports it as missing otherwise.
    public func required(_ key: String) -> YAMLValue? {
        if let v = self[key], !v.isNull { return v }
        value.report("missing required key \"\(key)\"")
        return nil
    }

    public func contains(_ key: String) -> Bool { self[key] != nil }
}

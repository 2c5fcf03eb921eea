import Foundation
import YAMLSupport

/// What a stock diagrams.net shape stands for, from its style: the table in
/// `Resources/stencil-roles.txt` (data, compiled into Pantau), read by `DrawIO` for every
/// shape that carries no `role` shape data.
public struct StencilRoles: Sendable {
    /// What a rule says a matching shape is.
    public enum Meaning: Sendable, Hashable, CustomStringConvertible {
        case device(Diagram.Role)
        /// Known, and not a device Pantau reconciles: a cloud, a person, a phone, a label.
        case notADevice
        public var description: String {
            switch self {
            case .device(let r): r.rawValue
            case .notADevice: "none"
            }
        }
    }

    public struct Rule: Sendable, Hashable {
        public var meaning: Meaning
        /// Lower case; `*` matches any run of characters.
        public var pattern: String
        public var line: Int
    }

    /// What a style matched: the rule's meaning and the style's name for the shape that matched
    /// (`mxgraph.cisco.routers.router`, `router_128x128.png`, `cloud`).
    public struct Match: Sendable, Hashable {
        public var meaning: Meaning
        public var stencil: String
        public var rule: Rule
    }

    public let rules: [Rule]

    public init(rules: [Rule]) { self.rules = rules }

    /// The table shipped with Pantau.
    public static let standard: StencilRoles = (try? parse(standardText, file: "stencil-roles.txt")) ?? StencilRoles(rules: [])

    /// The text of the shipped table.
    public static var standardText: String { String(decoding: PackageResources.stencil_roles_txt, as: UTF8.self) }

    /// Parses a table: `role pattern` a line, `#` comments; every bad line reported with its number.
    public static func parse(_ text: String, file: String) throws(ConfigIssues) -> StencilRoles {
        var rules: [Rule] = []
        var issues: [ConfigIssue] = []
        let roles = Diagram.Role.allCases.map(\.rawValue) + ["none"]
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            if words.isEmpty { continue }
            guard words.count == 2 else {
                issues.append(ConfigIssue(file: file, line: i + 1, column: 1, path: "", message: "expected a role and a pattern, found \(words.count) words"))
                continue
            }
            let meaning: Meaning
            if words[0] == "none" {
                meaning = .notADevice
            } else if let role = Diagram.Role(rawValue: words[0]) {
                meaning = .device(role)
            } else {
                issues.append(ConfigIssue(file: file, line: i + 1, column: 1, path: "",
                                          message: "\"\(words[0])\" is not one of: \(roles.joined(separator: ", "))"))
                continue
            }
            rules.append(Rule(meaning: meaning, pattern: words[1].lowercased(), line: i + 1))
        }
        if !issues.isEmpty { throw ConfigIssues(issues) }
        return StencilRoles(rules: rules)
    }

    /// The names a style gives its shape, most specific first: the icon (`prIcon=`,
    /// `resIcon=`), the stencil (`shape=`), the picture's file name (`image=`), and the
    /// style's first word when it is a bare word (`ellipse`, `cloud`, `text`).
    public static func names(ofStyle style: String) -> [String] {
        var keyed: [String: String] = [:]
        var first: String?
        for (i, part) in style.split(separator: ";").enumerated() {
            if let eq = part.firstIndex(of: "=") {
                keyed[String(part[..<eq])] = String(part[part.index(after: eq)...])
            } else if i == 0 {
                first = String(part)
            }
        }
        var out: [String] = []
        for key in ["prIcon", "resIcon", "shape"] { if let v = keyed[key], !v.isEmpty { out.append(v.lowercased()) } }
        if let image = keyed["image"], !image.isEmpty, !image.hasPrefix("data:") {
            out.append(String(image.split(separator: "/").last ?? Substring(image)).lowercased())
        }
        if let first, !first.isEmpty { out.append(first.lowercased()) }
        return out
    }

    /// Whether a style draws a picture of something (a stencil, an icon or an image) rather
    /// than plain geometry (a rectangle, an ellipse, a text): only such shapes can be devices
    /// whose role is not recognised.
    public static func isPictorial(style: String) -> Bool {
        style.split(separator: ";").contains { part in
            part.hasPrefix("shape=mxgraph.") || part.hasPrefix("image=") || part.hasPrefix("prIcon=") || part.hasPrefix("resIcon=")
        }
    }

    /// The first rule matching one of the style's names (in `names(ofStyle:)` order per rule).
    public func match(style: String) -> Match? {
        let names = Self.names(ofStyle: style)
        if names.isEmpty { return nil }
        for rule in rules {
            for name in names where Self.glob(rule.pattern, matches: name) {
                return Match(meaning: rule.meaning, stencil: name, rule: rule)
            }
        }
        return nil
    }

    /// `*` matches any run of characters (including none); everything else literally.
    static func glob(_ pattern: String, matches text: String) -> Bool {
        let p = Array(pattern.utf8), t = Array(text.utf8)
        var (pi, ti) = (0, 0)
        var star = -1, mark = 0
        while ti < t.count {
            if pi < p.count && p[pi] != UInt8(ascii: "*") && p[pi] == t[ti] {
                pi += 1; ti += 1
            } else if pi < p.count && p[pi] == UInt8(ascii: "*") {
                star = pi; mark = ti; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; ti = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }
}

import Foundation
import YAMLSupport

/// The `exports:` section of the configuration file: what audit bundles carry.
///
/// ```yaml
/// exports:
///   classification: "TERBATAS / RESTRICTED"   # printed on every page and file of a bundle
///   annex: spec-annex.yaml                    # the spec annex the bundle assesses devices against
///   catalogue: models.yaml                    # model catalogue for figures SNMP does not report
///   chromium: chromium                        # the browser that renders report.pdf (headless)
/// ```
public struct ExportSettings: Sendable, Hashable {
    /// The document classification label; nil: none configured.
    public var classification: String?
    public var annex: String?
    public var catalogue: String?
    public var chromium: String = "chromium"

    public init() {}

    static let keys: Set<String> = ["classification", "annex", "catalogue", "chromium"]

    static func parse(_ value: YAMLValue, resolve: (String) -> String) -> ExportSettings? {
        guard let o = value.object(allowing: keys) else { return nil }
        var s = ExportSettings()
        if let c = o["classification"], let text = c.string() {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.count > 80 || trimmed.contains(where: \.isNewline) {
                c.report("must be one line of 1 to 80 characters")
            } else { s.classification = trimmed }
        }
        if let a = o["annex"]?.string() { s.annex = resolve(a) }
        if let c = o["catalogue"]?.string() { s.catalogue = resolve(c) }
        if let c = o["chromium"]?.string() { s.chromium = c }
        return s
    }
}

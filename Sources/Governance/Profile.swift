import Foundation
import YAMLSupport

/// A regional profile: which checks run under one regency's Peraturan Bupati, with what
/// parameters, and on what legal basis (regulations.md §3.9, R1–R3, R16–R19).
/// One profile is active per installation.
public struct RegionalProfile: Sendable, Hashable, Codable {
    /// Short id used on the command line and in the store, e.g. `manggarai`.
    public var id: String
    /// "Kabupaten Manggarai".
    public var regency: String
    /// Perbup number and year, e.g. 52 and 2021.
    public var perbupNumber: Int
    public var perbupYear: Int
    /// Title of the Perbup, for exports.
    public var perbupTitle: String?
    /// What the profile calls the ICT office, e.g. "Dinas Kominfo".
    public var dinasName: String
    /// Local time offset from UTC in hours (WIB 7, WITA 8, WIT 9); due dates are local dates.
    public var utcOffsetHours: Int
    public var network: NetworkRules
    public var mandiriTIK: MandiriTIKRule
    public var diagramFreshness: DiagramFreshnessCheck
    public var changeReport: ChangeReportCheck
    public var audit: AuditCheck
    /// Other checks this profile switches on, keyed by check id, with their basis.
    public var otherChecks: [String: CheckSetting]

    /// "Perbup Manggarai 52/2021", the prefix of every citation from this profile.
    public var perbupShortName: String {
        let name = regency.replacingOccurrences(of: "Kabupaten ", with: "")
        return "Perbup \(name) \(perbupNumber)/\(perbupYear)"
    }

    public var timeZone: TimeZone { TimeZone(secondsFromGMT: utcOffsetHours * 3600) ?? .gmt }
}

/// Whether a check runs and on which basis.
public struct CheckSetting: Sendable, Hashable, Codable {
    public var enabled: Bool
    public var basis: Basis
    public init(enabled: Bool, basis: Basis) {
        self.enabled = enabled
        self.basis = basis
    }
}

/// Who runs the WAN and LANs (regulations.md §2.4, R5, R6).
public struct NetworkRules: Sendable, Hashable, Codable {
    public enum Operator: String, Sendable, Hashable, Codable, CaseIterable {
        case dinas, ictPD = "ict_pd", pd, unspecified
    }
    public enum Demarcation: String, Sendable, Hashable, Codable, CaseIterable {
        case pdRouter = "pd_router", none
    }
    public enum LANRule: String, Sendable, Hashable, Codable, CaseIterable {
        /// Lebong: Dinas runs every LAN; a PD Mandiri TIK may run only its own LAN.
        case dinasDefaultMandiriMaySelf = "dinas_default_mandiri_may_self"
        /// Manggarai: PD Mandiri TIK runs its LAN; other PDs' LAN may be run by the Dinas.
        case mandiriSelfOthersDinasOptional = "mandiri_self_others_dinas_optional"
        /// Way Kanan: any PD may run its LAN, coordinating with the Dinas.
        case anyPDWithDinasCoordination = "any_pd_with_dinas_coordination"
        /// Soppeng, Batang: no LAN/WAN split; the Dinas (or ICT PD) runs the Jaringan Intra.
        case unspecified
    }
    public var wanOperator: Operator
    /// Where the WAN ends: at each PD's router, or not stated.
    public var wanDemarcation: Demarcation
    /// Whether the PD router itself is on the Dinas side ("hingga router" read inclusively).
    public var routerInclusive: Bool
    public var fiberOperator: Operator
    public var lanRule: LANRule
    /// The provision for the split above (who runs the WAN, where it ends, who runs LANs).
    public var basis: Basis
    /// The provision that puts the WAN duty on the Dinas, when the profile names one apart
    /// from `basis` (`wan_basis:`): Manggarai Pasal 14 ayat (1), Way Kanan Pasal 16 ayat (1).
    public var wanBasis: Basis? = nil

    /// What a finding about the Dinas's WAN duty cites: `wanBasis`, else `basis`.
    public var wanDutyBasis: Basis { wanBasis ?? basis }
}

/// PD Mandiri TIK designation (regulations.md §2.5, R4).
public struct MandiriTIKRule: Sendable, Hashable, Codable {
    public var enabled: Bool
    /// Manggarai: designation is by Keputusan Bupati, so a decree reference is required.
    public var requiresDecree: Bool
    public var basis: Basis
}

/// The yearly LAN diagram duty (regulations.md §2.6, R16, R19).
public struct DiagramFreshnessCheck: Sendable, Hashable, Codable {
    public enum Mode: String, Sendable, Hashable, Codable, CaseIterable {
        /// Overdue when the latest diagram is older than `maxAgeMonths`.
        case rolling
        /// Overdue when no diagram was received in the current calendar year.
        case calendarYear = "calendar_year"
    }
    public var enabled: Bool
    public var mode: Mode
    public var maxAgeMonths: Int
    public var basis: Basis
}

/// The change-report duty (regulations.md R17). The Perbup sets no deadline, so none by default.
public struct ChangeReportCheck: Sendable, Hashable, Codable {
    public var enabled: Bool
    public var deadlineDays: Int?
    public var basis: Basis
}

extension ChangeReportCheck {
    /// When a change-report duty opened at `openedAt` falls due: the installation's
    /// `change_report_deadline_days` if set, else the profile's `deadline_days`, else none
    /// (Perbup 52/2021 Pasal 16 ayat (2) sets no deadline).
    public func deadline(openedAt: Date, overrideDays: Int? = nil) -> Date? {
        guard enabled, let days = overrideDays ?? deadlineDays else { return nil }
        return openedAt.addingTimeInterval(Double(days) * 86400)
    }
}

/// Audit TIK interval (regulations.md §2.12); nil when the Perbup has no audit chapter.
public struct AuditCheck: Sendable, Hashable, Codable {
    public var enabled: Bool
    public var intervalMonths: Int?
    public var basis: Basis
}

// MARK: - Loading

extension RegionalProfile {
    static let topKeys: Set<String> = [
        "format", "id", "regency", "perbup", "dinas", "utc_offset_hours", "network", "mandiri_tik", "checks",
    ]
    static let knownChecks: Set<String> = [
        "lan_diagram_freshness", "lan_change_report", "audit_infrastructure", "boundary_router",
        "tier1_contact", "bandwidth_approval",
    ]

    /// Loads and validates a profile file; every problem is reported at once.
    public static func load(path: String) throws(ConfigIssues) -> RegionalProfile {
        let sink = IssueSink()
        let root = try YAMLValue.load(path: path, sink: sink)
        let profile = parse(root)
        try sink.throwIfAny()
        guard let profile else { throw ConfigIssues([ConfigIssue(file: path, line: 1, column: 1, path: "", message: "not a profile")]) }
        return profile
    }

    /// Loads every `*.yaml` profile in a directory, keyed by id.
    public static func loadAll(directory: String) throws(ConfigIssues) -> [String: RegionalProfile] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
        if names.isEmpty {
            throw ConfigIssues([ConfigIssue(file: directory, line: 1, column: 1, path: "", message: "no profile files (*.yaml) here")])
        }
        var out: [String: RegionalProfile] = [:]
        var issues: [ConfigIssue] = []
        for n in names {
            do {
                let p = try load(path: "\(directory)/\(n)")
                out[p.id] = p
            } catch { issues += error.issues }
        }
        if !issues.isEmpty { throw ConfigIssues(issues) }
        return out
    }

    static func parse(_ root: YAMLValue) -> RegionalProfile? {
        guard let o = root.object(allowing: topKeys) else { return nil }
        if let f = o.required("format")?.string(), f != "pantau-profile/1" {
            o["format"]?.report("unsupported format \"\(f)\"; this Pantau reads pantau-profile/1")
        }
        let id = o.required("id")?.string()
        let regency = o.required("regency")?.string()
        var number: Int?, year: Int?, title: String?
        if let p = o.required("perbup")?.object(allowing: ["nomor", "tahun", "judul", "tanggal"]) {
            number = p.required("nomor")?.int()
            year = p.required("tahun")?.int()
            title = p["judul"]?.string()
            _ = p["tanggal"]?.string()
        }
        var dinas = "Dinas"
        if let d = o["dinas"]?.object(allowing: ["display_name"]) { dinas = d["display_name"]?.string() ?? dinas }
        var offset = 7
        if let u = o["utc_offset_hours"], let v = u.int() {
            if v < 7 || v > 9 { u.report("Indonesian time zones are UTC+7, +8 or +9") } else { offset = v }
        }
        guard let id, let regency, let number, let year else { return nil }
        let perbup = "Perbup \(regency.replacingOccurrences(of: "Kabupaten ", with: "")) \(number)/\(year)"

        var network = NetworkRules(wanOperator: .dinas, wanDemarcation: .none, routerInclusive: true,
                                   fiberOperator: .unspecified, lanRule: .unspecified, basis: .dinasPolicy)
        if let n = o.required("network")?.object(allowing: ["wan_operator", "wan_demarcation", "router_inclusive", "fiber_operator", "lan_operator_rule", "basis", "wan_basis"]) {
            network.wanOperator = n["wan_operator"]?.oneOf(NetworkRules.Operator.self) ?? network.wanOperator
            network.wanDemarcation = n["wan_demarcation"]?.oneOf(NetworkRules.Demarcation.self) ?? network.wanDemarcation
            network.routerInclusive = n["router_inclusive"]?.bool() ?? true
            network.fiberOperator = n["fiber_operator"]?.oneOf(NetworkRules.Operator.self) ?? network.fiberOperator
            network.lanRule = n["lan_operator_rule"]?.oneOf(NetworkRules.LANRule.self) ?? network.lanRule
            network.basis = parseBasis(n["basis"], perbup: perbup)
            if n["wan_basis"] != nil { network.wanBasis = parseBasis(n["wan_basis"], perbup: perbup) }
        }
        var mandiri = MandiriTIKRule(enabled: false, requiresDecree: false, basis: .dinasPolicy)
        if let m = o["mandiri_tik"]?.object(allowing: ["enabled", "requires_decree", "basis"]) {
            mandiri.enabled = m["enabled"]?.bool() ?? false
            mandiri.requiresDecree = m["requires_decree"]?.bool() ?? false
            mandiri.basis = parseBasis(m["basis"], perbup: perbup)
        }
        var freshness = DiagramFreshnessCheck(enabled: false, mode: .rolling, maxAgeMonths: 12, basis: .dinasPolicy)
        var change = ChangeReportCheck(enabled: false, deadlineDays: nil, basis: .dinasPolicy)
        var audit = AuditCheck(enabled: false, intervalMonths: nil, basis: .dinasPolicy)
        var others: [String: CheckSetting] = [:]
        if let checks = o["checks"]?.object(allowing: knownChecks) {
            for (key, value) in checks.pairs {
                let allowed: Set<String>
                switch key {
                case "lan_diagram_freshness": allowed = ["enabled", "mode", "max_age_months", "basis"]
                case "lan_change_report": allowed = ["enabled", "deadline_days", "basis"]
                case "audit_infrastructure": allowed = ["enabled", "interval_months", "basis"]
                default: allowed = ["enabled", "basis"]
                }
                guard let c = value.object(allowing: allowed) else { continue }
                let enabled = c.required("enabled")?.bool() ?? false
                let b = parseBasis(c["basis"], perbup: perbup)
                switch key {
                case "lan_diagram_freshness":
                    freshness.enabled = enabled
                    freshness.basis = b
                    freshness.mode = c["mode"]?.oneOf(DiagramFreshnessCheck.Mode.self) ?? .rolling
                    if let m = c["max_age_months"], let v = m.int() {
                        if v < 1 || v > 60 { m.report("must be between 1 and 60") } else { freshness.maxAgeMonths = v }
                    }
                case "lan_change_report":
                    change.enabled = enabled
                    change.basis = b
                    if let d = c["deadline_days"], !d.isNull, let v = d.int() {
                        if v < 1 { d.report("must be at least 1 day, or null for no deadline") } else { change.deadlineDays = v }
                    }
                case "audit_infrastructure":
                    audit.enabled = enabled
                    audit.basis = b
                    if let d = c["interval_months"], !d.isNull, let v = d.int() {
                        if v < 1 { d.report("must be at least 1") } else { audit.intervalMonths = v }
                    }
                default:
                    others[key] = CheckSetting(enabled: enabled, basis: b)
                }
            }
        }
        return RegionalProfile(id: id, regency: regency, perbupNumber: number, perbupYear: year, perbupTitle: title,
                               dinasName: dinas, utcOffsetHours: offset, network: network, mandiriTIK: mandiri,
                               diagramFreshness: freshness, changeReport: change, audit: audit, otherChecks: others)
    }

    /// `basis:` is either `{pasal, ayat?, huruf?, strength, line?, quote?}` or the word
    /// `dinas_policy`; `strength` is wajib, harus, dapat or ketentuan (a plain statement of
    /// duty), and `line` the cited line of the regulation's text (config/profiles/passages/).
    /// Absent means Dinas policy: a check with no provision carries no citation (R2).
    static func parseBasis(_ value: YAMLValue?, perbup: String) -> Basis {
        guard let value, !value.isNull else { return .dinasPolicy }
        if value.isScalarNode {
            if value.string() != "dinas_policy" { value.report("expected a mapping {pasal, ayat, huruf, strength} or dinas_policy") }
            return .dinasPolicy
        }
        guard let b = value.object(allowing: ["pasal", "ayat", "huruf", "strength", "line", "quote"]) else { return .dinasPolicy }
        guard let pasal = b.required("pasal")?.int(), let strength = b.required("strength")?.oneOf(Strength.self) else {
            return .dinasPolicy
        }
        let huruf = b["huruf"]?.string()
        if let h = huruf, h.count != 1 || !h.allSatisfy({ $0.isLetter && $0.isLowercase }) {
            b["huruf"]?.report("huruf is one lowercase letter, e.g. a")
        }
        let line = b["line"]?.int()
        _ = b["quote"]?.string()
        return .perbup(Citation(perbup: perbup, pasal: pasal, ayat: b["ayat"]?.int(), huruf: huruf, strength: strength, line: line))
    }
}

extension RegionalProfile {
    /// Every provision the profile cites, with where: `network`, `network.wan`, `mandiri_tik`
    /// or a check id; in that order, other checks sorted by id.
    public var citations: [(place: String, citation: Citation)] {
        var places: [(String, Basis?)] = [
            ("network", network.basis), ("network.wan", network.wanBasis), ("mandiri_tik", mandiriTIK.basis),
            ("lan_diagram_freshness", diagramFreshness.basis), ("lan_change_report", changeReport.basis),
            ("audit_infrastructure", audit.basis),
        ]
        places += otherChecks.sorted { $0.key < $1.key }.map { ($0.key, $0.value.basis) }
        return places.compactMap { place, basis in basis?.citation.map { (place, $0) } }
    }
}

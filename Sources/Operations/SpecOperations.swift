import Foundation
import Governance
import Reconciliation
import InventoryModel
import Storage

/// The spec annex held against what Pantau knows: each polled device (its latest inventory,
/// with its declaration in its PD's latest diagram when one matches) and each declared
/// device that is not polled. The findings (`below-spec`, `spec-unknown`) are built from
/// this report by reconciliation.
public struct SpecOperations: Sendable {
    public let store: any InventoryStorage & GovernanceStorage

    public init(store: any InventoryStorage & GovernanceStorage) { self.store = store }

    public struct Report: Sendable, Encodable {
        /// The annex held against, or nil: none loaded, so nothing can be assessed.
        public var annex: AnnexInfo?
        public var assessments: [Assessed]
        public var summary: SpecAssessment.Summary
        /// Catalogue lines that contradict what devices report (file:line: message).
        public var contradictions: [String]
    }

    public struct AnnexInfo: Sendable, Encodable {
        public var source: String
        public var version: String
        public var effective: LocalDate
        public var file: String
    }

    public struct Assessed: Sendable, Encodable {
        public var pd: String?
        /// "inventory" (polled; declared too when `declared` is set) or "diagram" (declared, not polled).
        public var from: String
        /// The diagram device it was matched to, when any.
        public var declared: String?
        public var assessment: SpecAssessment
    }

    /// Assesses every device, or those of one PD. A declaration matches a polled device when
    /// its management IP is the agent's address or its id is the device's sysName.
    /// - Parameter snmpVersions: the SNMP version the collector polls each device with, by
    ///   device name (3 proves SNMPv3 capability).
    public func assess(annex: SpecAnnex?, catalogue: ModelCatalogue?, pd: String? = nil,
                       snmpVersions: [String: Int] = [:]) throws(StoreError) -> Report {
        let latest = try store.latestSubmissions()
        var declaredByPD: [String: [Diagram.Device]] = [:]
        for (code, s) in latest { declaredByPD[code] = s.diagram.devices }
        var matched = Set<String>()  // "PD/device id"
        var out: [Assessed] = []
        for (name, devicePD, inv) in try store.latestInventories() where pd == nil || devicePD == pd {
            let host = Self.host(of: inv.agent)
            let candidates = devicePD.map { declaredByPD[$0] ?? [] } ?? declaredByPD.values.flatMap { $0 }
            let declared = candidates.first { d in
                (host != nil && d.managementIP == host) || (inv.sysName != nil && d.id == inv.sysName)
            }
            if let declared, let code = devicePD ?? latest.first(where: { $0.value.diagram.devices.contains(declared) })?.key {
                matched.insert("\(code)/\(declared.id)")
            }
            var facts = DeviceFacts.from(inventory: inv, declared: declared, snmpVersion: snmpVersions[name])
            facts.name = name
            out.append(Assessed(pd: devicePD, from: "inventory", declared: declared?.id,
                                assessment: SpecAssessment.assess(facts, annex: annex, catalogue: catalogue)))
        }
        for (code, devices) in declaredByPD.sorted(by: { $0.key < $1.key }) where pd == nil || code == pd {
            for d in devices where !matched.contains("\(code)/\(d.id)") && DeviceClass(role: d.role) != nil {
                out.append(Assessed(pd: code, from: "diagram", declared: d.id,
                                    assessment: SpecAssessment.assess(.from(declared: d), annex: annex, catalogue: catalogue)))
            }
        }
        let info = annex.map { AnnexInfo(source: $0.source, version: $0.version, effective: $0.effective, file: $0.file) }
        return Report(annex: info, assessments: out, summary: SpecAssessment.summary(out.map(\.assessment)),
                      contradictions: out.flatMap { $0.assessment.contradictions.map(\.description) })
    }

    /// The assessment as findings, for the finding lifecycle (`FindingOperations.record` with
    /// `specCodes`): `below-spec` for a device below any minimum, `spec-unknown` for one with a
    /// requirement that cannot be assessed (with no annex loaded, every device). Each names the
    /// annex, the requirements with both figures and where they came from, and whether the
    /// device was acquired before the annex took effect.
    public static func detections(_ report: Report) -> [Detection] {
        var out: [Detection] = []
        let annex = report.annex.map { "\($0.source) \($0.version), effective \($0.effective) (\($0.file))" } ?? "none loaded"
        for x in report.assessments {
            let s = x.assessment
            var common: [String: String] = ["annex": annex, "from": x.from, "acquired": s.period.rawValue]
            if let c = s.deviceClass { common["class"] = c.rawValue }
            if let d = x.declared { common["declared"] = d }
            for (verdict, code) in [(SpecAssessment.Verdict.below, FindingCode.belowSpec), (.cannotAssess, .specUnknown)] {
                let hits = s.results.filter { $0.verdict == verdict }
                guard !hits.isEmpty else { continue }
                var details = common
                for r in hits {
                    details[r.requirement?.rawValue ?? "device"] = r.description + (r.annexLine.map { " [annex line \($0)]" } ?? "")
                        + (r.figureFrom.map { " [from \($0)]" } ?? "")
                }
                let what = hits.map(\.description).joined(separator: "; ")
                out.append(Detection(code: code, pd: x.pd, subject: FindingSubject(device: s.device),
                                     message: "\(s.device): \(what)", evidence: [Evidence(source: "spec annex", details: details)]))
            }
        }
        return out
    }

    /// The codes the spec assessment owns (and resolves when they clear).
    public static let specCodes: Set<FindingCode> = [.belowSpec, .specUnknown]

    /// "udp:10.21.0.1:161" → "10.21.0.1"; "udp6:[fd00::1]:161" → "fd00::1".
    static func host(of agent: String) -> String? {
        var s = Substring(agent)
        if let colon = s.firstIndex(of: ":"), s[..<colon].allSatisfy({ $0.isLetter || $0.isNumber }), s[..<colon].contains(where: \.isLetter) {
            s = s[s.index(after: colon)...]
        }
        if s.hasPrefix("["), let close = s.firstIndex(of: "]") { return String(s[s.index(after: s.startIndex)..<close]) }
        if let last = s.lastIndex(of: ":"), s.filter({ $0 == ":" }).count == 1 { s = s[..<last] }
        return s.isEmpty ? nil : String(s)
    }
}

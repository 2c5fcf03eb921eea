import Foundation
import Governance
import InventoryModel
import Reconciliation
import Storage

/// The audit's spec-annex table, its asset lists and its declared-against-observed topology:
/// the spec annex assessment (`SpecOperations`) and reconciliation's matching (`Reconciler`,
/// run here without recording anything) over the same snapshot as the rest of the bundle.
extension AuditExport {
    /// One device held against the spec annex.
    public struct SpecRow: Sendable, Codable, Equatable {
        public var device: String
        public var pd: String?
        /// "inventory" (polled) or "diagram" (declared, not polled).
        public var from: String
        public var declared: String?
        public var deviceClass: String?
        public var acquired: String?
        /// before_effective, on_or_after_effective, unknown.
        public var acquiredPeriod: String
        /// meets, below, cannot_assess.
        public var verdict: String
        /// Each requirement's verdict with both figures ("memory: below spec (2 GiB < 4 GB)").
        public var details: [String]
    }

    /// Devices counted by verdict, apart by when they were acquired against the annex.
    public struct SpecSummaryRow: Sendable, Codable, Equatable {
        public var acquiredPeriod: String
        public var meets: Int
        public var below: Int
        public var cannotAssess: Int
    }

    /// The annex an audit was assessed against.
    public struct AnnexRef: Sendable, Codable, Equatable {
        public var source: String
        public var version: String
        public var effective: String
        /// The annex file's name (without its directory, so the bundle does not depend on where it was read).
        public var file: String
    }

    /// One asset: declared in its PD's latest diagram (the register), seen on the network, or both.
    public struct AssetRow: Sendable, Codable, Equatable {
        public var pd: String
        /// registered_seen, registered_not_seen, seen_not_registered.
        public var state: String
        public var declared: String?
        public var role: String?
        public var registerNumber: String?
        public var acquired: String?
        public var fundingSource: String?
        public var declaredSerial: String?
        /// The observed device's name and how it was seen (snmp, lldp, cdp, stp).
        public var observed: String?
        public var sources: [String]
        public var observedSerial: String?
        /// How the two were matched (serial, mac, management_ip, name) and on what value.
        public var matchRule: String?
        public var matchValue: String?
    }

    /// One link of a PD's topology: declared, observed (LLDP/CDP between matched devices), or both.
    public struct LinkRow: Sendable, Codable, Equatable {
        public var pd: String
        public var a: String
        public var aPort: String?
        public var b: String
        public var bPort: String?
        /// declared_observed, declared_not_observed, cannot_check (no end reports its neighbours), observed_not_declared.
        public var state: String
        public var protocolName: String?
    }

    static func specRows(_ report: SpecOperations.Report, inScope: (String?) -> Bool) -> (rows: [SpecRow], summary: [SpecSummaryRow]) {
        let rows = report.assessments.filter { inScope($0.pd) }.map { x in
            SpecRow(device: x.assessment.device, pd: x.pd, from: x.from, declared: x.declared, deviceClass: x.assessment.deviceClass?.rawValue,
                    acquired: x.assessment.acquired?.description, acquiredPeriod: x.assessment.period.rawValue,
                    verdict: x.assessment.overall.rawValue, details: x.assessment.results.map(\.description))
        }.sorted { ($0.pd ?? "", $0.device, $0.from) < ($1.pd ?? "", $1.device, $1.from) }
        let periods: [SpecAssessment.Period] = [.beforeEffective, .onOrAfterEffective, .unknown]
        let summary = periods.map { p in
            let these = rows.filter { $0.acquiredPeriod == p.rawValue }
            return SpecSummaryRow(acquiredPeriod: p.rawValue, meets: these.filter { $0.verdict == "meets" }.count,
                                  below: these.filter { $0.verdict == "below" }.count,
                                  cannotAssess: these.filter { $0.verdict == "cannot_assess" }.count)
        }
        return (rows, summary)
    }

    /// Asset lists and topology from reconciliation's matching at `asOf` (nothing recorded).
    static func topology(store: any Store, registry: PDRegistry, profile: RegionalProfile?, asOf: Date,
                         inScope: (String?) -> Bool) throws -> (assets: [AssetRow], links: [LinkRow]) {
        let summaries = Dictionary(try store.devices().map { ($0.name, $0) }) { a, _ in a }
        let polled = try store.latestInventories().map { row in
            PolledDevice(name: row.name, pd: row.pd, inventory: row.inventory, firstSeen: summaries[row.name]?.firstSeen,
                         lastSeen: summaries[row.name]?.lastSeen)
        }
        let latest = try store.latestSubmissions().filter { $0.value.submittedAt < asOf }
        let input = ReconcileInput(
            registry: registry, profile: profile, submissions: latest, polled: polled,
            hosts: try store.hostSightings(pd: nil, vlan: nil, since: nil), neighbours: try store.neighbourSightings(pd: nil),
            dhcpServers: try store.dhcpServerSightings(pd: nil), changeDuties: [], declaredSince: [:], now: asOf,
            settings: ReconcileSettings())
        let result = Reconciler.reconcile(input)
        let observed = Dictionary(result.observed.devices.map { ($0.key, $0) }) { a, _ in a }
        let matchByDeclared = Dictionary(result.matches.map { ("\($0.pd)|\($0.declared)", $0) }) { a, _ in a }
        let matchedKeys = Set(result.matches.map(\.observed))

        var assets: [AssetRow] = []
        for (pd, sub) in latest.sorted(by: { $0.key < $1.key }) where inScope(pd) && result.compared.contains(pd) {
            for d in sub.diagram.devices {
                let m = matchByDeclared["\(pd)|\(d.id)"]
                let o = m.flatMap { observed[$0.observed] }
                assets.append(AssetRow(pd: pd, state: m == nil ? "registered_not_seen" : "registered_seen", declared: d.id, role: d.role.rawValue,
                                       registerNumber: d.asset?.registerNumber, acquired: d.asset?.acquired, fundingSource: d.asset?.source?.rawValue,
                                       declaredSerial: d.serial, observed: o?.name ?? m?.observedName, sources: o.map { $0.sources.sorted() } ?? [],
                                       observedSerial: o?.serial, matchRule: m?.rule.rawValue, matchValue: m?.value))
            }
        }
        for d in result.observed.devices where !matchedKeys.contains(d.key) {
            guard let pd = d.pd, inScope(pd) else { continue }
            assets.append(AssetRow(pd: pd, state: "seen_not_registered", declared: nil, role: nil, registerNumber: nil, acquired: nil,
                                   fundingSource: nil, declaredSerial: nil, observed: d.name, sources: d.sources.sorted(), observedSerial: d.serial,
                                   matchRule: nil, matchValue: nil))
        }
        let order = ["registered_seen": 0, "registered_not_seen": 1, "seen_not_registered": 2]
        assets.sort { ($0.pd, order[$0.state] ?? 3, $0.declared ?? "", $0.observed ?? "") < ($1.pd, order[$1.state] ?? 3, $1.declared ?? "", $1.observed ?? "") }

        // Links: each declared link, held against LLDP/CDP links between the devices matched to its ends.
        let declaredOf = Dictionary(result.matches.map { ($0.observed, $0) }) { a, _ in a }
        var links: [LinkRow] = []
        for (pd, sub) in latest.sorted(by: { $0.key < $1.key }) where inScope(pd) && result.compared.contains(pd) {
            var seen: [(a: String, pa: String?, b: String, pb: String?, proto: String)] = []
            for l in result.observed.links {
                guard let da = declaredOf[l.a.device], let db = declaredOf[l.b.device], da.pd == pd, db.pd == pd, da.declared != db.declared else { continue }
                seen.append((da.declared, l.a.port, db.declared, l.b.port, l.protocolName))
            }
            var explained = Set<String>()
            func pair(_ a: String, _ b: String) -> String { a < b ? "\(a)|\(b)" : "\(b)|\(a)" }
            for link in sub.diagram.links {
                let key = pair(link.a.device, link.b.device)
                let hit = seen.first { pair($0.a, $0.b) == key }
                let checkable = [link.a.device, link.b.device].contains { id in
                    matchByDeclared["\(pd)|\(id)"].flatMap { observed[$0.observed] }?.reportsNeighbours ?? false
                }
                if hit != nil { explained.insert(key) }
                links.append(LinkRow(pd: pd, a: link.a.device, aPort: link.a.port, b: link.b.device, bPort: link.b.port,
                                     state: hit != nil ? "declared_observed" : checkable ? "declared_not_observed" : "cannot_check",
                                     protocolName: hit?.proto))
            }
            var reported = Set<String>()
            for s in seen where !explained.contains(pair(s.a, s.b)) && reported.insert(pair(s.a, s.b)).inserted {
                let (a, pa, b, pb) = s.a < s.b ? (s.a, s.pa, s.b, s.pb) : (s.b, s.pb, s.a, s.pa)
                links.append(LinkRow(pd: pd, a: a, aPort: pa, b: b, bPort: pb, state: "observed_not_declared", protocolName: s.proto))
            }
        }
        links.sort { ($0.pd, $0.a, $0.b, $0.state) < ($1.pd, $1.a, $1.b, $1.state) }
        return (assets, links)
    }
}

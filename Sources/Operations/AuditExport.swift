import Foundation
import Governance
import InventoryModel
import Reconciliation
import Storage

/// The infrastructure audit (`pantau export audit`): what an auditor receives for a period,
/// regency-wide or for some PDs, assembled from the use cases the other commands show
/// (inventory, findings, `UptimeReport`, `TrafficReports`, the diagram duty status). Plain
/// inputs, `Codable` rows; ordering is deterministic and nothing in the result comes from the
/// wall clock except `asOf` (the period's end, or now when the period has not ended), so the
/// same data and period give the same bundle. `AuditBundle` turns it into files.
public struct AuditExport: Sendable {
    public typealias Store = InventoryStorage & GovernanceStorage & UptimeStorage & TrafficStorage & FindingStorage & SightingStorage
    public let store: any Store
    public let clock: any WallClock

    public init(store: any Store, clock: any WallClock) {
        self.store = store
        self.clock = clock
    }

    public struct Request: Sendable {
        /// As `ReportPeriod.syntax` says, read in the active profile's zone.
        public var period: String
        /// Registry codes; empty: the whole regency.
        public var pds: [String]
        /// Unanswered polls in a row before an outage (the `daemon:` section's `down_after`).
        public var downAfter: Int
        /// The spec annex to assess against (`pantau annex assess`); nil: no device can be assessed.
        public var annex: SpecAnnex?
        public var catalogue: ModelCatalogue?
        /// The SNMP version each device is polled with, by device name (3 proves SNMPv3).
        public var snmpVersions: [String: Int]
        /// The document classification label (the `exports:` section), on every file of the bundle.
        public var classification: String?
        public init(period: String, pds: [String] = [], downAfter: Int = 2, annex: SpecAnnex? = nil, catalogue: ModelCatalogue? = nil,
                    snmpVersions: [String: Int] = [:]) {
            self.period = period; self.pds = pds; self.downAfter = downAfter
            self.annex = annex; self.catalogue = catalogue; self.snmpVersions = snmpVersions
            self.classification = nil
        }
    }

    /// How far an export has got, for a progress bar: step `done` of `total`, about to do `label`.
    public struct Progress: Sendable, Equatable {
        public var done: Int
        public var total: Int
        public var label: String
        public init(done: Int, total: Int, label: String) {
            self.done = done; self.total = total; self.label = label
        }
    }

    // MARK: Rows

    public struct Scope: Sendable, Codable, Equatable {
        public var regency: String?
        public var period: String
        public var from: Date
        public var to: Date
        public var timeZone: String
        /// The PDs asked for (sorted); empty: regency-wide.
        public var pds: [String]
        /// The moment statuses are taken at: the period's end, or the export's clock if earlier.
        public var asOf: Date
        public var profile: String?
        public var perbup: String?
        /// The spec annex assessed against (nil: none given, nothing assessed).
        public var annex: AnnexRef?
        /// The classification label, when configured.
        public var classification: String?
    }

    public struct PDRow: Sendable, Codable, Equatable {
        public var pd: String
        public var name: String
        public var mandiriTIK: Bool
        public var lanManagedBy: String
        public var subnets: [String]
        public var vlans: [Int]
        public var approvedMbps: Double?
        public var bandwidthReference: String?
    }

    public struct DeviceRow: Sendable, Codable, Equatable {
        public var device: String
        public var pd: String?
        public var agent: String
        public var sysName: String?
        public var vendor: String?
        public var model: String?
        public var serial: String?
        public var firmware: String?
        public var location: String?
        public var hosting: String?
        public var firstSeen: Date?
        public var lastSeen: Date?
        public var lastPollOK: Bool
        public var interfaces: Int
    }

    public struct InterfaceRow: Sendable, Codable, Equatable {
        public var device: String
        public var pd: String?
        public var ifIndex: Int
        public var name: String?
        public var descr: String?
        public var alias: String?
        public var type: String?
        public var speed: UInt64?
        public var mac: String?
        public var adminStatus: String?
        public var operStatus: String?
    }

    public struct FindingRow: Sendable, Codable, Equatable {
        public var id: Int64
        public var code: String
        public var severity: String
        public var pd: String?
        public var subject: String
        public var message: String
        /// Status at `asOf` (resolved if it was resolved by then).
        public var status: String
        public var firstSeen: Date
        public var lastSeen: Date
        public var resolvedAt: Date?
        /// "Perbup … Pasal 16 ayat (1) (wajib)", or the Dinas policy line.
        public var basis: String
    }

    public struct FindingEvent: Sendable, Codable, Equatable {
        public var finding: Int64
        public var pd: String?
        public var at: Date
        public var actor: String
        public var action: String
        public var reason: String?
    }

    public struct AvailabilityRow: Sendable, Codable, Equatable {
        public var device: String
        public var pd: String?
        public var hosting: String?
        public var availabilityPercent: Double
        public var monitoredSeconds: Double
        public var downSeconds: Double
        public var outages: Int
        public var reboots: Int
        public var agentRestarts: Int
    }

    public struct GroupAvailabilityRow: Sendable, Codable, Equatable {
        public var group: String
        public var devices: Int
        public var availabilityPercent: Double
        public var monitoredSeconds: Double
        public var downSeconds: Double
    }

    public struct OutageRow: Sendable, Codable, Equatable {
        public var device: String
        public var pd: String?
        public var hosting: String?
        public var start: Date
        public var end: Date?
        public var durationSeconds: Double
        public var missedPolls: Int
    }

    public struct BandwidthRow: Sendable, Codable, Equatable {
        public var pd: String
        public var approvedMbps: Double?
        public var uplinks: [String]
        public var samples: Int
        public var averageBPS: Double?
        public var peakBPS: Int64?
        public var p95BPS: Int64?
        /// The 95th percentile as a percent of the approved allocation.
        public var allocationUsePercent: Double?
    }

    public struct DiagramRow: Sendable, Codable, Equatable {
        public var pd: String
        public var name: String
        /// not_required, current, overdue, never_submitted (at `asOf`).
        public var state: String
        public var latestVersion: Int?
        public var submittedAt: Date?
        public var submitter: String?
        public var dueDate: String?
        public var submissionsInPeriod: Int
        public var basis: String?
    }

    /// Everything an audit bundle holds.
    public struct Result: Sendable, Codable, Equatable {
        public var scope: Scope
        /// True when the period holds no data at all in the scope; `notes` say so.
        public var empty: Bool
        public var notes: [String]
        /// The earliest and latest time of the data exported (nil when empty).
        public var dataFrom: Date?
        public var dataTo: Date?
        public var pds: [PDRow]
        public var devices: [DeviceRow]
        public var interfaces: [InterfaceRow]
        public var findings: [FindingRow]
        public var findingHistory: [FindingEvent]
        public var availability: [AvailabilityRow]
        public var availabilityByPD: [GroupAvailabilityRow]
        public var availabilityByHosting: [GroupAvailabilityRow]
        public var outages: [OutageRow]
        public var bandwidth: [BandwidthRow]
        public var diagrams: [DiagramRow]
        public var spec: [SpecRow]
        public var specSummary: [SpecSummaryRow]
        public var assets: [AssetRow]
        public var links: [LinkRow]
    }

    // MARK: Assembling

    /// The steps `run` reports to `progress`.
    public static let steps = ["reading the registry", "availability", "inventory", "findings", "bandwidth", "diagram compliance",
                               "spec annex", "assets and topology"]

    public func run(_ r: Request, progress: (Progress) -> Void = { _ in }) throws -> Result {
        var step = 0
        func next() {
            progress(Progress(done: step, total: Self.steps.count, label: Self.steps[min(step, Self.steps.count - 1)]))
            step += 1
        }
        next()
        let now = clock.now()
        let profile = try store.activeProfile()
        let zone = profile?.timeZone ?? TimeZone(identifier: "UTC")!  // UTC always exists
        guard let period = ReportPeriod.parse(r.period, now: now, zone: zone) else {
            throw OperationError(.invalid, "--period \"\(r.period)\" is not a period: \(ReportPeriod.syntax)")
        }
        let registry = try store.registry()
        let wanted = Set(r.pds.map { $0.uppercased() })
        if !wanted.isEmpty {
            guard let registry else { throw OperationError(.unavailable, "no registry loaded; run pantau registry load FILE first (needed for --pd)") }
            for code in wanted.sorted() where registry[code] == nil {
                throw OperationError(.notFound, "no PD \(code) in the registry; see pantau registry show")
            }
        }
        func inScope(_ pd: String?) -> Bool { wanted.isEmpty || pd.map { wanted.contains($0.uppercased()) } ?? false }
        let asOf = min(period.end, now)
        var notes: [String] = []
        if profile == nil { notes.append("no active regional profile: the period is read in UTC and no diagram duty is assessed") }
        if registry == nil { notes.append("no PD registry loaded: no per-PD bandwidth or diagram compliance") }

        let pdRows = (registry?.pds ?? []).filter { inScope($0.code) }.sorted { $0.code < $1.code }.map { p in
            PDRow(pd: p.code, name: p.name, mandiriTIK: p.mandiriTIK.designated, lanManagedBy: p.lanManagedBy.rawValue,
                  subnets: p.subnets.map(\.description), vlans: p.vlans, approvedMbps: p.bandwidth?.approvedMbps,
                  bandwidthReference: p.bandwidth?.reference)
        }

        // Uptime first: it also tells each device's hosting type.
        next()
        // A PD at a time (the devices of no PD one by one), so a regency's year of status polls
        // is never in memory at once.
        let uptimeReport = UptimeReport(store: store, clock: FixedClock(now))
        var uptimeDevices: [UptimeReport.Device] = [], uptimeOutages: [UptimeReport.OutageRow] = []
        var counted = Set<String>()
        func addUptime(_ request: UptimeReport.Request) throws {
            do {
                let u = try uptimeReport.run(request)
                uptimeDevices += u.devices.filter { counted.insert($0.device).inserted }
                uptimeOutages += u.outages
            } catch let e as OperationError where e.kind == .notFound {}
        }
        let allDevices = try store.devices()
        let pollPDs = wanted.isEmpty ? Set((registry?.pds.map(\.code) ?? []) + allDevices.compactMap(\.pd)) : wanted
        for code in pollPDs.sorted() { try addUptime(.init(pd: code, period: r.period, downAfter: r.downAfter)) }
        if wanted.isEmpty {
            for d in allDevices where d.pd == nil && !counted.contains(d.name) { try addUptime(.init(device: d.name, period: r.period, downAfter: r.downAfter)) }
        }
        uptimeDevices.sort { $0.device < $1.device }
        let uptime = (devices: uptimeDevices, outages: uptimeOutages)
        var hosting: [String: String] = [:]
        for d in uptime.devices { if let h = d.hosting { hosting[d.device] = h.rawValue } }
        let availability = uptime.devices.filter { inScope($0.pd) }.map {
            AvailabilityRow(device: $0.device, pd: $0.pd, hosting: $0.hosting?.rawValue, availabilityPercent: $0.availabilityPercent,
                            monitoredSeconds: $0.monitoredSeconds, downSeconds: $0.downSeconds, outages: $0.outages, reboots: $0.reboots,
                            agentRestarts: $0.agentRestarts)
        }
        let groups = { (rows: [AvailabilityRow], key: (AvailabilityRow) -> String?) -> [GroupAvailabilityRow] in
            Dictionary(grouping: rows.compactMap { row in key(row).map { ($0, row) } }, by: \.0).sorted { $0.key < $1.key }.map { g, members in
                let monitored = members.reduce(0) { $0 + $1.1.monitoredSeconds }, down = members.reduce(0) { $0 + $1.1.downSeconds }
                return GroupAvailabilityRow(group: g, devices: members.count, availabilityPercent: monitored > 0 ? (1 - down / monitored) * 100 : 0,
                                            monitoredSeconds: monitored, downSeconds: down)
            }
        }
        let outages = uptime.outages.filter { inScope($0.pd) }.map {
            OutageRow(device: $0.device, pd: $0.pd, hosting: $0.hosting?.rawValue, start: $0.start.date, end: $0.end?.date,
                      durationSeconds: $0.durationSeconds, missedPolls: $0.missedPolls)
        }.sorted { ($0.start, $0.device) < ($1.start, $1.device) }

        // Inventory: devices seen by the period's end, with their latest inventory.
        next()
        let inventories = Dictionary(try store.latestInventories().map { ($0.name, $0.inventory) }, uniquingKeysWith: { a, _ in a })
        let summaries = allDevices.filter { inScope($0.pd) && ($0.firstSeen ?? $0.lastPollAt) < period.end }
            .sorted { $0.name < $1.name }
        var devices: [DeviceRow] = [], interfaces: [InterfaceRow] = []
        for s in summaries {
            let inv = inventories[s.name]
            devices.append(DeviceRow(device: s.name, pd: s.pd, agent: s.agent, sysName: s.sysName, vendor: s.vendor, model: s.model,
                                     serial: s.serial, firmware: s.version, location: inv?.sysLocation, hosting: hosting[s.name],
                                     firstSeen: s.firstSeen, lastSeen: s.lastSeen, lastPollOK: s.lastPollOK, interfaces: s.interfaces))
            for i in (inv?.interfaces ?? []).sorted(by: { $0.ifIndex < $1.ifIndex }) {
                interfaces.append(InterfaceRow(device: s.name, pd: s.pd, ifIndex: i.ifIndex, name: i.ifName, descr: i.ifDescr, alias: i.ifAlias,
                                               type: i.ifType, speed: i.speed, mac: i.mac, adminStatus: i.adminStatus, operStatus: i.operStatus))
            }
        }

        // Findings present at some time in the period, with their history up to its end.
        next()
        var findings: [FindingRow] = [], history: [FindingEvent] = []
        for f in try store.findings(pd: nil, includeResolved: true) where inScope(f.pd) {
            guard let id = f.id, f.firstSeen < period.end, (f.resolvedAt ?? .distantFuture) >= period.start else { continue }
            let resolvedByEnd = f.resolvedAt.map { $0 <= asOf } ?? false
            let status = resolvedByEnd ? FindingStatus.resolved : (f.status == .resolved ? .open : f.status)
            findings.append(FindingRow(id: id, code: f.code.rawValue, severity: f.severity.rawValue, pd: f.pd, subject: f.subject.description,
                                       message: f.message, status: status.rawValue, firstSeen: f.firstSeen, lastSeen: min(f.lastSeen, asOf),
                                       resolvedAt: resolvedByEnd ? f.resolvedAt : nil, basis: f.basis.description))
            history += try store.findingActions(id: id).filter { $0.at <= asOf }.map {
                FindingEvent(finding: id, pd: f.pd, at: $0.at, actor: $0.actor, action: $0.action, reason: $0.reason)
            }
        }
        findings.sort { ($0.pd ?? "", $0.code, $0.id) < ($1.pd ?? "", $1.code, $1.id) }
        history.sort { ($0.finding, $0.at, $0.action) < ($1.finding, $1.at, $1.action) }

        // Bandwidth per PD on the registry's uplinks.
        next()
        var bandwidth: [BandwidthRow] = []
        if let registry {
            // A PD at a time: a PD's year of 5-minute uplink samples (105,120 per uplink) is read,
            // summed and dropped before the next PD's, never the whole regency's at once.
            for code in registry.pds.map(\.code).filter({ inScope($0) }).sorted() {
                let traffic = try TrafficReports.report(.init(pd: code, period: period), zone: zone, note: nil, store: store)
                bandwidth += traffic.pds.map { p in
                    BandwidthRow(pd: p.pd, approvedMbps: p.approvedMbps, uplinks: p.uplinks.map { "\($0.device):\($0.uplink)" },
                                 samples: p.statistics?.samples ?? 0, averageBPS: p.statistics.map { $0.inbound.averageBPS + $0.outbound.averageBPS },
                                 peakBPS: p.statistics?.peakBPS, p95BPS: p.statistics?.p95BPS, allocationUsePercent: p.allocationUse)
                }
            }
        }

        // Diagram submission compliance at asOf, under the active profile.
        next()
        var diagrams: [DiagramRow] = []
        if let profile, let registry {
            let today = LocalDate(asOf.addingTimeInterval(-1), in: zone)
            for p in registry.pds.filter({ inScope($0.code) }).sorted(by: { $0.code < $1.code }) {
                let subs = try store.submissions(pd: p.code).filter { $0.submittedAt < asOf }
                let latest = subs.max { $0.version < $1.version }
                let status = profile.diagramFreshness.status(latest: latest.map { LocalDate($0.submittedAt, in: zone) }, today: today)
                diagrams.append(DiagramRow(pd: p.code, name: p.name, state: status.state.rawValue, latestVersion: latest?.version,
                                           submittedAt: latest?.submittedAt, submitter: latest?.submitter, dueDate: status.dueDate?.description,
                                           submissionsInPeriod: subs.filter { period.contains($0.submittedAt) }.count,
                                           basis: status.basis?.description))
            }
        }

        // The spec annex: every polled and declared device in scope.
        next()
        let specReport = try SpecOperations(store: store).assess(annex: r.annex, catalogue: r.catalogue, pd: nil, snmpVersions: r.snmpVersions)
        let (spec, specSummary) = Self.specRows(specReport, inScope: inScope)
        if r.annex == nil { notes.append("no spec annex given (--annex FILE): no device could be assessed against it") }

        // Asset lists and declared against observed topology, from reconciliation's matching.
        next()
        var assets: [AssetRow] = [], links: [LinkRow] = []
        if let registry { (assets, links) = try Self.topology(store: store, registry: registry, profile: profile, asOf: asOf, inScope: inScope) }
        progress(Progress(done: Self.steps.count, total: Self.steps.count, label: "done"))

        var times: [Date] = outages.map { max($0.start, period.start) }
        times += uptime.devices.filter { inScope($0.pd) }.map(\.lastPoll)
        times += devices.compactMap(\.lastSeen).filter { $0 < period.end } + devices.compactMap(\.firstSeen).filter { period.contains($0) }
        times += findings.flatMap { [max($0.firstSeen, period.start), $0.lastSeen] }
        times += diagrams.compactMap(\.submittedAt).filter { period.contains($0) }
        let hasTraffic = bandwidth.contains { $0.samples > 0 }
        let empty = availability.isEmpty && devices.isEmpty && findings.isEmpty && !hasTraffic && !diagrams.contains { $0.submissionsInPeriod > 0 }
        if empty { notes.append("no data in the period \(period.label): no status polls, devices, findings, traffic or diagram submissions in the scope") }

        return Result(
            scope: Scope(regency: registry?.regency, period: period.label, from: period.start, to: period.end,
                         timeZone: TrafficReports.zoneName(zone), pds: wanted.sorted(), asOf: asOf, profile: profile?.id,
                         perbup: profile?.perbupShortName,
                         annex: r.annex.map { AnnexRef(source: $0.source, version: $0.version, effective: $0.effective.description,
                                                       file: URL(fileURLWithPath: $0.file).lastPathComponent) },
                         classification: r.classification),
            empty: empty, notes: notes, dataFrom: times.min(), dataTo: times.max(),
            pds: pdRows, devices: devices, interfaces: interfaces, findings: findings, findingHistory: history,
            availability: availability, availabilityByPD: groups(availability) { $0.pd }, availabilityByHosting: groups(availability) { $0.hosting },
            outages: outages, bandwidth: bandwidth, diagrams: diagrams, spec: spec, specSummary: specSummary, assets: assets, links: links)
    }
}

import Foundation
import Governance
import InventoryModel
import Operations
import Reconciliation
import Storage

/// What the dashboard shows, read from the store through the use cases every front end
/// shares (`InventoryQueries`, `UptimeReport`, `FindingOperations`). Plain values: the
/// renderer turns one into a frame without touching the store or the terminal.
public struct DashboardModel: Sendable, Equatable {
    public var now: Date
    /// The zone times are shown in (the active profile's, else UTC).
    public var timeZone: TimeZone
    public var regency: String?
    public var pds: [PDRow]
    public var devices: [DeviceRow]
    public var findings: [FindingRow]
    public var sources: [DataSource]
    /// What could not be read (shown on screen, never fatal).
    public var problems: [String]
    /// Each PD's uplinks summed, and each uplink (`TrafficReports.RecentUplinks`), when the view shows traffic.
    public var traffic: [TrafficRow]
    public var uplinks: [SeriesRow]
    /// The interfaces' traffic of the device whose detail is open (`TrafficReports.recentDevice`).
    public var interfaces: [String: [SeriesRow]]
    /// What packet sampling saw (`SightingReports`), when the view shows it.
    public var hosts: [HostRow]
    public var talkers: [TalkerRow]
    /// How long the load took (the refresh indicator shows it).
    public var loadSeconds: Double
    /// Each PD's diagram duty (none without an active profile).
    public var diagrams: [DiagramRow] = []
    /// The open device's neighbours, learned hosts and changes; the open PD's diagram versions.
    public var deviceDetail: [String: DeviceDetail] = [:]
    public var submissions: [String: [SubmissionRow]] = [:]

    public init(now: Date, timeZone: TimeZone = TimeZone(identifier: "UTC")!, regency: String? = nil, pds: [PDRow] = [], devices: [DeviceRow] = [],
                findings: [FindingRow] = [], sources: [DataSource] = [], problems: [String] = [], traffic: [TrafficRow] = [], uplinks: [SeriesRow] = [],
                interfaces: [String: [SeriesRow]] = [:], hosts: [HostRow] = [], talkers: [TalkerRow] = [], loadSeconds: Double = 0) {
        self.now = now; self.timeZone = timeZone; self.regency = regency; self.pds = pds; self.devices = devices
        self.findings = findings; self.sources = sources; self.problems = problems
        self.traffic = traffic; self.uplinks = uplinks; self.interfaces = interfaces; self.hosts = hosts; self.talkers = talkers
        self.loadSeconds = loadSeconds
    }

    public var severityCounts: [(Severity, Int)] {
        Severity.allCases.reversed().map { s in (s, findings.filter { $0.severity == s }.count) }
    }
}

public enum DeviceStatus: String, Sendable, Equatable {
    case up, down
    /// No status poll and no inventory poll says either.
    case unknown = "?"
}

public struct PDRow: Sendable, Equatable {
    public var code: String
    public var name: String
    public var devices: Int
    public var up: Int
    public var down: Int
    public var unknown: Int
    /// Percent of today's monitored time its devices were up (nil: no status polls today).
    public var availabilityToday: Double?
    public var findings: Int
    public var worst: Severity?

    public init(code: String, name: String, devices: Int, up: Int, down: Int, unknown: Int, availabilityToday: Double?, findings: Int, worst: Severity?) {
        self.code = code; self.name = name; self.devices = devices; self.up = up; self.down = down; self.unknown = unknown; self.availabilityToday = availabilityToday; self.findings = findings; self.worst = worst
    }
}

public struct DeviceRow: Sendable, Equatable {
    public var pd: String?
    public var name: String
    public var agent: String?
    public var vendor: String?
    public var model: String?
    public var serial: String?
    public var version: String?
    public var sysName: String?
    public var status: DeviceStatus
    /// Where the status comes from: "status poll" (the daemon's uptime polls) or "inventory poll".
    public var statusSource: String?
    public var availabilityToday: Double?
    public var lastPoll: Date?
    public var interfaces: Int?
    public var neighbours: Int?
    public var error: String?

    public init(pd: String? = nil, name: String, agent: String? = nil, vendor: String? = nil, model: String? = nil, serial: String? = nil, version: String? = nil, sysName: String? = nil, status: DeviceStatus, statusSource: String? = nil, availabilityToday: Double? = nil, lastPoll: Date? = nil, interfaces: Int? = nil, neighbours: Int? = nil, error: String? = nil) {
        self.pd = pd; self.name = name; self.agent = agent; self.vendor = vendor; self.model = model; self.serial = serial; self.version = version; self.sysName = sysName; self.status = status; self.statusSource = statusSource; self.availabilityToday = availabilityToday; self.lastPoll = lastPoll; self.interfaces = interfaces; self.neighbours = neighbours; self.error = error
    }
}

public struct FindingRow: Sendable, Equatable {
    /// Its identity across runs (`Finding.key`).
    public var key: String
    public var id: Int64?
    public var code: String
    public var pd: String?
    public var severity: Severity
    public var state: String
    public var subject: String
    public var device: String?
    public var basis: String
    public var message: String
    public var firstSeen: Date
    public var lastSeen: Date

    public init(key: String, id: Int64?, code: String, pd: String?, severity: Severity, state: String, subject: String, device: String?, basis: String, message: String, firstSeen: Date, lastSeen: Date) {
        self.key = key; self.id = id; self.code = code; self.pd = pd; self.severity = severity; self.state = state; self.subject = subject; self.device = device; self.basis = basis; self.message = message; self.firstSeen = firstSeen; self.lastSeen = lastSeen
    }
}

/// One kind of data and how old its latest is, or one collector of a fleet and its last
/// contact, for the data-age panel.
public struct DataSource: Sendable, Equatable {
    public var name: String
    public var latest: Date?
    /// What makes this data, said when there is none.
    public var madeBy: String
    /// Said after the age (a fleet collector's backlog, or that it stopped).
    public var detail: String?
    /// Shown as a problem whatever its age (a collector that holds no lease).
    public var alarm: Bool
    /// What the time is: "latest" (data), "collector, last contact".
    public var latestLabel: String

    public init(name: String, latest: Date?, madeBy: String, detail: String? = nil, alarm: Bool = false, latestLabel: String = "latest") {
        self.name = name; self.latest = latest; self.madeBy = madeBy; self.detail = detail; self.alarm = alarm; self.latestLabel = latestLabel
    }

    /// A fleet collector (`pantau collectors`): its last contact with the central store, what it
    /// has not yet replayed, and whether a process holds its identity.
    public init(collector c: CollectorStatus) {
        var said: [String] = []
        if !c.running { said.append("stopped") }
        if c.backlog > 0 { said.append("\(c.backlog) waiting to replay") }
        if let offset = c.clockOffset, abs(offset) >= 5 { said.append("clock \(offset > 0 ? "+" : "")\(Int(offset.rounded())) s") }
        self.init(name: c.id, latest: c.lastContact, madeBy: "pantau collect with a collector: section",
                  detail: said.isEmpty ? nil : said.joined(separator: ", "), alarm: !c.running, latestLabel: "collector, last contact")
    }
}

/// What one load reads beyond the fleet's summary: the panels the open view draws, and the
/// device or PD whose detail is open. Traffic, hosts and talkers are read only when shown.
public struct LoadRequest: Sendable, Equatable {
    public var kinds: Set<PanelKind>
    public var detail: ViewState.Detail?
    /// Count each device's interfaces (a devices table shows them); otherwise only the open device's are.
    public var deviceCounts: Bool
    public init(kinds: Set<PanelKind> = [], detail: ViewState.Detail? = nil, deviceCounts: Bool = false) {
        self.kinds = kinds; self.detail = detail; self.deviceCounts = deviceCounts
    }

    /// What `state` shows in `layout`.
    public static func of(_ state: ViewState, layout: DashboardLayout) -> LoadRequest {
        let panels = layout.view(named: state.view)?.panels ?? []
        return LoadRequest(kinds: Set(panels.map(\.kind)), detail: state.detail,
                           deviceCounts: panels.contains { $0.kind == .devices && $0.columns.contains(.interfaces) })
    }

    var traffic: Bool {
        !kinds.isDisjoint(with: [.traffic, .uplinks]) || { if case .pd = detail { return true } else { return false } }()
    }
    var hosts: Bool {
        kinds.contains(.hosts) || { if case .pd = detail { return true } else { return false } }()
    }
}

/// Builds a `DashboardModel` from a store: one call per refresh.
public struct DashboardLoader: Sendable {
    public let store: any PantauStorage
    public let clock: any WallClock
    /// The last model, reused while the store says nothing changed (nil: every load reads).
    public let reuse: ModelReuse?

    public init(store: any PantauStorage, clock: any WallClock, reuse: ModelReuse? = nil) {
        self.store = store
        self.clock = clock
        self.reuse = reuse
    }

    public func load(_ request: LoadRequest = LoadRequest()) -> DashboardModel {
        let started = ContinuousClock.now
        let now = clock.now()
        guard let reuse else { return read(request, now: now, started: started).model }
        // Taken before reading: a commit during the read makes the next marker differ.
        let marker = (try? store.changeMarker()) ?? nil
        if var kept = reuse.reusable(marker: marker, request: request, now: now) {
            let took = ContinuousClock.now - started
            kept.loadSeconds = Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18
            return kept
        }
        let previous = reuse.parts(for: request, now: now)
        let (model, parts) = read(request, now: now, started: started, previous: previous)
        reuse.keep(model, marker: marker, request: request, parts: parts, refreshed: previous != nil)
        return model
    }

    /// Reads what `request` shows from the store: every part, or with `previous` (the last
    /// read's parts, the same request on the same day) only the parts that changed since:
    /// an area whose counter (`AreaChangeReading`) moved, the devices polled since, the traffic.
    func read(_ request: LoadRequest, now: Date, started: ContinuousClock.Instant, previous: LoadParts? = nil) -> (model: DashboardModel, parts: LoadParts) {
        var problems: [String] = []
        func attempt<T>(_ what: String, _ body: () throws -> T) -> T? {
            do { return try body() } catch { problems.append("\(what): \(error)"); return nil }
        }
        // Taken before the areas are read, as the marker is.
        let generations = (try? store.areaGenerations()) ?? nil
        func kept(_ area: StoreArea) -> LoadParts? {
            guard let previous, let was = previous.generations?[area], let g = generations?[area], was == g else { return nil }
            return previous
        }
        var parts = LoadParts(generations: generations)
        if let p = kept(.governance) {
            (parts.profile, parts.registry, parts.today) = (p.profile, p.registry, p.today)
        } else {
            parts.profile = attempt("profile") { try store.activeProfile() } ?? nil
            parts.registry = attempt("registry") { try store.registry() } ?? nil
            parts.today = attempt("period") { try store.reportPeriod("today", now: now).period }
        }
        parts.listing = kept(.inventory)?.listing ?? attempt("inventory") { try InventoryQueries(store: store).listing(counts: request.deviceCounts) } ?? []
        if let p = kept(.governance), let u = p.uptime {
            parts.uptime = attempt("uptime") { try u.refreshed(store: store, clock: clock) }
        } else {
            parts.uptime = attempt("uptime") { try UptimeToday.read(store: store, clock: clock) }
        }
        if let p = kept(.findings) {
            (parts.findings, parts.findingRows) = (p.findings, p.findingRows)
        } else {
            parts.findings = attempt("findings") { try FindingOperations(store: store, clock: clock).list() } ?? []
            parts.findingRows = Self.rows(parts.findings)
        }
        // The rows of the devices polled since patched when the device list is the one they were composed from.
        if let p = kept(.inventory), let fleet = p.fleet, let uptime = parts.uptime, uptime.changed != nil, p.uptime != nil {
            parts.fleet = fleet.patched(listing: parts.listing, uptime: uptime)
        } else {
            parts.fleet = FleetRows(listing: parts.listing, uptime: parts.uptime)
        }
        if request.kinds.contains(.dataAge), FleetQueries.keepsFleet(store) {
            parts.collectors = attempt("collectors") { try FleetQueries.collectors(store) }
        }
        if request.traffic, let today = parts.today {
            if let p = kept(.governance), let t = p.traffic {
                parts.traffic = attempt("traffic") { try t.refreshed(now: now, store: store) }
            } else {
                parts.traffic = attempt("traffic") { try TrafficReports.RecentUplinks.read(period: today, now: now, store: store) }
            }
        }
        if case .device(let name) = request.detail { parts.deviceName = name }
        if case .pd(let code) = request.detail { parts.submissionsPD = code }
        if case .device(let name) = request.detail, let today = parts.today {
            parts.deviceTraffic = attempt("traffic of \(name)") { try TrafficReports.recentDevice(name, period: today, now: now, store: store) } ?? []
        }
        if request.hosts {
            let pd: String? = { if case .pd(let code) = request.detail { return code } else { return nil } }()
            parts.hosts = kept(.sightings)?.hosts ?? attempt("hosts") { try SightingReports.hosts(.init(pd: pd), store: store).hosts } ?? []
        }
        if request.kinds.contains(.talkers) {
            parts.talkers = kept(.sightings)?.talkers
                ?? attempt("talkers") { try SightingReports.talkers(.init(scope: .host, from: nil, limit: 200), store: store) } ?? []
        }
        if parts.profile != nil {
            parts.diagrams = kept(.governance)?.diagrams ?? attempt("diagram status") { try DiagramOperations(store: store, clock: clock).status() }
        }
        if case .pd(let code) = request.detail {
            parts.submissions = kept(.governance)?.submissions
                ?? attempt("diagram history of \(code)") { try DiagramOperations(store: store, clock: clock).history(pd: code) } ?? []
        }
        if case .device(let name) = request.detail {
            parts.device = kept(.inventory)?.device ?? attempt("device \(name)") { try InventoryQueries(store: store).device(name, withHistory: true) }
        }
        var model = compose(parts, request: request, now: now)
        model.problems = problems
        let took = ContinuousClock.now - started
        model.loadSeconds = Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18
        return (model, parts)
    }

    /// The findings' rows.
    static func rows(_ findings: [Finding]) -> [FindingRow] {
        findings.map { f in
            FindingRow(key: f.key, id: f.id, code: f.code.rawValue, pd: f.pd, severity: f.severity, state: f.status.rawValue, subject: f.subject.description,
                       device: f.subject.device, basis: "\(f.basis)", message: f.message, firstSeen: f.firstSeen, lastSeen: f.lastSeen)
        }
    }

    /// The model from what was read (pure: no store).
    func compose(_ parts: LoadParts, request: LoadRequest, now: Date) -> DashboardModel {
        let (profile, registry, uptime, findings, findingRows) = (parts.profile, parts.registry, parts.uptime, parts.findings, parts.findingRows)
        let fleet = parts.fleet ?? FleetRows(listing: parts.listing, uptime: uptime)
        let devices = fleet.devices

        var pdCodes: [(String, String)] = registry?.pds.map { ($0.code, $0.name) } ?? []
        for code in Set(fleet.counts.keys).union(findingRows.compactMap(\.pd)).sorted() where !pdCodes.contains(where: { $0.0 == code }) {
            pdCodes.append((code, "(not in the registry)"))
        }
        let pdAvailability = uptime?.pds ?? [:]
        // Each PD's devices by status (`FleetRows.counts`) and its findings, counted in one pass.
        var findingsByPD: [String: (n: Int, worst: Severity?)] = [:]
        for f in findingRows {
            guard let pd = f.pd else { continue }
            let c = findingsByPD[pd] ?? (0, nil)
            findingsByPD[pd] = (c.n + 1, max(c.worst ?? f.severity, f.severity))
        }
        let pds = pdCodes.map { code, name in
            let c = fleet.counts[code] ?? FleetRows.Counts()
            let f = findingsByPD[code] ?? (0, nil)
            return PDRow(code: code, name: name, devices: c.total, up: c.up, down: c.down, unknown: c.unknown,
                         availabilityToday: pdAvailability[code], findings: f.n, worst: f.worst)
        }
        var sources = [
            DataSource(name: "inventory polls", latest: fleet.latestInventoryPoll, madeBy: "pantau collect"),
            DataSource(name: "status polls", latest: uptime?.latestPoll, madeBy: "the collector daemon (pantau collect --config FILE)"),
            DataSource(name: "findings", latest: findings.map(\.lastSeen).max(), madeBy: "pantau reconcile"),
        ]
        sources += (parts.collectors ?? []).map(DataSource.init(collector:))
        let zone = profile?.timeZone ?? TimeZone(identifier: "UTC")!
        var model = DashboardModel(now: now, timeZone: zone, regency: registry?.regency, pds: pds, devices: devices, findings: findingRows,
                                   sources: sources, problems: [])
        if request.traffic {
            let recent = parts.traffic?.pds ?? []
            let names = Dictionary((registry?.pds ?? []).map { ($0.code, $0.name) }) { a, _ in a }
            model.traffic = recent.map { p in
                TrafficRow(pd: p.pd, name: names[p.pd], approvedMbps: p.approvedMbps, inBPS: p.latestInBPS, outBPS: p.latestOutBPS,
                           p95BPS: p.statistics?.p95BPS, allocationUse: p.allocationUse, uplinks: p.uplinks.count,
                           uplinksFound: p.uplinks.filter { $0.interface != nil }.count, recent: p.recent)
            }
            model.uplinks = recent.flatMap { p in p.series.map { SeriesRow(pd: p.pd, $0) } }
            let latest = recent.flatMap { $0.series.compactMap { $0.latest?.end } }.max()
            sources.append(DataSource(name: "uplink traffic", latest: latest, madeBy: "the collector daemon's counter polls"))
        }
        if let series = parts.deviceTraffic, let name = parts.deviceName {
            model.interfaces[name] = series.map { SeriesRow(pd: nil, $0) }
        }
        if let hosts = parts.hosts {
            model.hosts = hosts.map { h in
                let s = h.sighting
                return HostRow(mac: s.mac.description, vendor: s.vendor, pd: s.pd, vlan: s.vlan, addresses: s.addresses.map(\.address.description),
                               names: s.names.map(\.name), capturePoint: s.capturePoint, lastSeen: s.lastSeen, frames: s.framesSampled)
            }
            sources.append(DataSource(name: "packet sampling", latest: hosts.map(\.sighting.lastSeen).max(), madeBy: "pantau sample"))
        }
        if let talkers = parts.talkers {
            model.talkers = talkers.map {
                TalkerRow(key: $0.total.key, scope: $0.total.scope.rawValue, pd: $0.total.pd, inBytes: $0.total.inBytes, outBytes: $0.total.outBytes,
                          samples: $0.total.samples)
            }
        }
        if profile != nil {
            model.diagrams = (parts.diagrams?.pds ?? []).map { d in
                DiagramRow(pd: d.pd, state: d.duty.state.rawValue.replacingOccurrences(of: "_", with: " "), latestVersion: d.latestVersion,
                           latest: d.duty.latest.map { "\($0)" }, due: d.duty.dueDate.map { "\($0)" }, flagged: d.duty.isFlagged || d.changeDutyOverdue,
                           openChangeDuties: d.openChangeDuties)
            }
        }
        if let code = parts.submissionsPD, let history = parts.submissions {
            model.submissions[code] = history
                .map { SubmissionRow(version: $0.version, at: $0.submittedAt, submitter: $0.submitter, channel: $0.channel, fileName: $0.fileName) }
        }
        if let d = parts.device {
            let name = parts.deviceName ?? d.summary.name
            var detail = DeviceDetail()
            let names = Dictionary((d.inventory?.interfaces ?? []).map { ($0.ifIndex, $0.name ?? "ifIndex \($0.ifIndex)") }) { a, _ in a }
            detail.neighbours = (d.inventory?.neighbors ?? []).map { n in
                DeviceDetail.Neighbour(localPort: n.localPort ?? n.localIfIndex.flatMap { names[$0] } ?? "-",
                                       remote: n.remoteSysName ?? n.remoteChassisId ?? "-", remotePort: n.remotePortDescr ?? n.remotePort ?? "-",
                                       proto: n.protocol.rawValue)
            }
            let byPort = Dictionary(grouping: d.inventory?.forwarding ?? []) { $0.ifIndex.flatMap { names[$0] } ?? $0.bridgePort.map { "bridge port \($0)" } ?? "-" }
            detail.ports = byPort.map { port, entries in
                DeviceDetail.Port(port: port, macs: Set(entries.map(\.mac)).count, sample: Array(Set(entries.map(\.mac)).sorted().prefix(3)))
            }.sorted { ($0.macs, $1.port) > ($1.macs, $0.port) }
            detail.changes = d.changes.sorted { $0.at > $1.at }.map { c in
                DeviceDetail.Change(at: c.at, text: "\(c.kind) \(c.subject)" + (c.oldValue != nil || c.newValue != nil ? ": \(c.oldValue ?? "-") → \(c.newValue ?? "-")" : ""))
            }
            model.deviceDetail[name] = detail
            // The list counts interfaces only when a table shows them: the open device's come from its own summary.
            if let i = model.devices.firstIndex(where: { $0.name == name }) {
                model.devices[i].interfaces = d.summary.interfaces
                model.devices[i].neighbours = d.summary.neighbors
            }
        }
        model.sources = sources
        return model
    }
}

extension SeriesRow {
    init(pd: String?, _ s: TrafficReports.RecentSeries) {
        self.init(pd: pd, device: s.device, interface: s.interface, alias: s.alias, speed: s.speed, inBPS: s.latest?.inBPS, outBPS: s.latest?.outBPS,
                  p95BPS: s.statistics?.p95BPS, utilisation: s.p95Utilisation, recent: s.recent)
    }
}

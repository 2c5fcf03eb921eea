import Foundation
import Governance
import InventoryModel
import Settings
import Storage

/// Uptime report (`pantau uptime`): availability per device, per PD and per hosting type over
/// a period, the outages in it and the reboots and agent restarts with the evidence that decided
/// each, all computed from the collector daemon's status polls (`InventoryModel.Uptime`).
public struct UptimeReport: Sendable {
    public let store: any UptimeStorage & GovernanceStorage
    public let clock: any WallClock

    public init(store: any UptimeStorage & GovernanceStorage, clock: any WallClock) {
        self.store = store
        self.clock = clock
    }

    public struct Request: Sendable {
        public var pd: String?
        public var device: String?
        /// As `ReportPeriod.syntax` says; nil: the last 30 days.
        public var period: String?
        /// Unanswered polls in a row before an outage (the `daemon:` section's `down_after`).
        public var downAfter: Int
        /// Percent availability wanted per hosting type (optional).
        public var targets: [HostingType: Double]

        /// Where the figures come from (the same either way; `.raw` is the reference).
        public var source: Source

        public init(pd: String? = nil, device: String? = nil, period: String? = nil, downAfter: Int = 2, targets: [HostingType: Double] = [:],
                    source: Source = .rollup) {
            self.pd = pd; self.device = device; self.period = period; self.downAfter = downAfter; self.targets = targets; self.source = source
        }
    }

    public struct Period: Sendable, Codable {
        public var label: String
        public var start: Date
        public var end: Date
        /// The zone the period was read in (the active regional profile's, else UTC).
        public var timeZone: String
    }

    public struct Device: Sendable, Codable {
        public var device: String
        public var pd: String?
        public var hosting: HostingType?
        /// Percent of the monitored time it was up.
        public var availabilityPercent: Double
        public var monitoredSeconds: Double
        public var downSeconds: Double
        public var outages: Int
        public var reboots: Int
        public var agentRestarts: Int
        /// Whether its last poll (in the period) was answered.
        public var upAtLastPoll: Bool
        public var lastPoll: Date
        /// The availability target for its hosting type, and whether it was met.
        public var targetPercent: Double?
        public var meetsTarget: Bool?
    }

    public struct Group: Sendable, Codable {
        public var group: String
        public var devices: Int
        public var availabilityPercent: Double
        public var monitoredSeconds: Double
        public var downSeconds: Double
        public var targetPercent: Double?
        public var meetsTarget: Bool?
    }

    public struct OutageRow: Sendable, Codable {
        public var device: String
        public var pd: String?
        public var hosting: HostingType?
        /// One interval after the last answered poll (see `InventoryModel.Outage`).
        public var start: PreciseTime
        /// The next answered poll; nil while it lasts.
        public var end: PreciseTime?
        public var durationSeconds: Double
        public var missedPolls: Int
        public var lastError: String?
    }

    public struct Result: Sendable, Codable {
        public var period: Period
        /// Said when the period was read in UTC for want of an active profile.
        public var note: String?
        public var downAfter: Int
        public var devices: [Device]
        public var pds: [Group]
        public var hosting: [Group]
        public var outages: [OutageRow]
        public var restarts: [Restart]
    }

    /// A reboot or agent restart with its evidence (`InventoryModel.RestartEvent`), timed to the millisecond.
    public struct Restart: Sendable, Codable {
        public var device: String
        public var pd: String?
        public var kind: RestartKind
        /// The later poll's time less the uptime it reported.
        public var time: PreciseTime
        /// The answered polls it was found between.
        public var after: PreciseTime
        public var before: PreciseTime
        public var evidence: [String]

        init(_ e: RestartEvent) {
            device = e.device; pd = e.pd; kind = e.kind; time = PreciseTime(e.time); after = PreciseTime(e.after)
            before = PreciseTime(e.before); evidence = e.evidence
        }
    }

    public func run(_ r: Request) throws -> Result {
        let now = clock.now()
        let (period, zone, note) = try store.reportPeriod(r.period, now: now)
        var devices: [Device] = [], availabilities: [DeviceAvailability] = [], outages: [OutageRow] = [], restarts: [RestartEvent] = []
        let found = try Self.figures(store, device: r.device, pd: r.pd, period: period, now: now, downAfter: r.downAfter, source: r.source)
        if found.polled == 0, let device = r.device {
            throw OperationError(.notFound, "no status polls of device \"\(device)\" up to \(period.end); the collector daemon (pantau collect --config FILE) makes them")
        }
        if found.polled == 0, let pd = r.pd {
            throw OperationError(.notFound, "no status polls of PD \(pd)'s devices up to \(period.end); the collector daemon (pantau collect --config FILE) makes them")
        }
        for f in found.devices {
            let a = f.availability
            availabilities.append(a)
            let target = a.hosting.flatMap { r.targets[$0] }
            devices.append(Device(device: a.device, pd: a.pd, hosting: a.hosting, availabilityPercent: a.availability * 100,
                                  monitoredSeconds: a.monitoredSeconds, downSeconds: a.downSeconds, outages: f.outages.count,
                                  reboots: f.restarts.filter { $0.kind == .reboot }.count,
                                  agentRestarts: f.restarts.filter { $0.kind == .agentRestart }.count,
                                  upAtLastPoll: f.upAtLastPoll, lastPoll: f.lastPoll,
                                  targetPercent: target, meetsTarget: target.map { a.availability * 100 >= $0 }))
            outages += f.outages.map { o in
                OutageRow(device: o.device, pd: o.pd, hosting: o.hosting, start: PreciseTime(o.start), end: o.end.map(PreciseTime.init), durationSeconds: o.duration(now: now),
                          missedPolls: o.missedPolls, lastError: o.lastError)
            }
            restarts += f.restarts
        }
        func group(_ g: GroupAvailability, target: Double?) -> Group {
            Group(group: g.group, devices: g.devices, availabilityPercent: g.availability * 100, monitoredSeconds: g.monitoredSeconds,
                  downSeconds: g.downSeconds, targetPercent: target, meetsTarget: target.map { g.availability * 100 >= $0 })
        }
        return Result(
            period: Period(label: period.label, start: period.start, end: period.end, timeZone: note != nil ? "UTC" : zone.identifier),
            note: note,
            downAfter: r.downAfter, devices: devices,
            pds: GroupAvailability.by(availabilities, \.pd).map { group($0, target: nil) },
            hosting: GroupAvailability.by(availabilities) { $0.hosting?.rawValue }.map { group($0, target: HostingType(rawValue: $0.group).flatMap { r.targets[$0] }) },
            outages: outages.sorted { $0.start.date < $1.start.date }, restarts: restarts.sorted { $0.time < $1.time }.map(Restart.init))
    }
}

extension UptimeReport {
    /// How the figures are computed: from the rollup for whole days (with the raw polls from each
    /// device's last answered poll on), or from the raw polls alone (the reference the rollup is
    /// tested against).
    public enum Source: Sendable { case rollup, raw }

    /// Each device's figures over `period` (devices by name; those not monitored in it left out),
    /// and how many devices the filter selects that were ever polled.
    public static func figures(_ store: any UptimeStorage, device: String?, pd: String?, period: ReportPeriod, now: Date, downAfter: Int,
                               source: Source = .rollup) throws -> (devices: [DeviceUptimeFigures], polled: Int) {
        let states = try store.uptimeStates(device: device, pd: pd)
        var out: [DeviceUptimeFigures] = []
        // Raw polls streamed a device at a time: memory holds one device's polls.
        func raw(device: String?, pd: String?, only: Set<String>?) throws {
            var current: [StatusPoll] = []
            func flush() {
                defer { current = [] }
                guard let first = current.first, only?.contains(first.device) ?? true else { return }
                if let f = Uptime.figures(of: current, period: period, now: now, downAfter: downAfter) { out.append(f) }
            }
            try store.forEachStatusPoll(device: device, pd: pd, from: period.start, to: period.end) { p in
                if let last = current.last, last.device != p.device { flush() }
                if only?.contains(p.device) ?? true { current.append(p) } else if !current.isEmpty { flush() }
            }
            flush()
        }
        if source == .raw {
            try raw(device: device, pd: pd, only: nil)
            return (out.sorted { $0.availability.device < $1.availability.device }, states.count)
        }
        let days = try store.uptimeDays(device: device, pd: pd, from: period.start, to: period.end)
        var plans: [String: UptimeRollup.Plan] = [:]
        for s in states { plans[s.device] = UptimeRollup.plan(s, days: days[s.device], period: period, now: now) }
        let rawDevices = Set(plans.filter { $0.value == .raw }.keys)
        if !rawDevices.isEmpty {
            if rawDevices.count == 1, let only = rawDevices.first { try raw(device: only, pd: nil, only: nil) } else { try raw(device: device, pd: pd, only: rawDevices) }
        }
        let runs = Dictionary(grouping: try store.uptimeRuns(device: device, pd: pd, from: period.start, to: period.end), by: \.run.device)
        let restarts = Dictionary(grouping: try store.uptimeRestarts(device: device, pd: pd, from: period.start, to: period.end), by: \.device)
        var tails: [String: [StatusPoll]] = [:]
        if plans.values.contains(.rollupAndTail) {
            try store.forEachStatusPollSinceLastAnswer(device: device, pd: pd) { p in
                if plans[p.device] == .rollupAndTail { tails[p.device, default: []].append(p) }
            }
        }
        for s in states where plans[s.device] != .raw {
            if let f = UptimeRollup.figures(state: s, days: days[s.device], runs: runs[s.device] ?? [], restarts: restarts[s.device] ?? [],
                                            tail: tails[s.device] ?? [], period: period, now: now, downAfter: downAfter) {
                out.append(f)
            }
        }
        return (out.sorted { $0.availability.device < $1.availability.device }, states.count)
    }
}


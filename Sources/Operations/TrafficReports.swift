import Foundation
import Governance
import InventoryModel
import Storage

/// Interface traffic over a period (`pantau traffic`): per interface and per PD, the average,
/// peak and 95th percentile of the 5-minute samples, in and out and the larger of the two;
/// each PD's uplinks (registry boundary routers' `uplink`) against its approved bandwidth, and
/// the flags the findings will be made of.
public enum TrafficReports {
    public struct Query: Sendable {
        public var pd: String?
        /// `device:interface` (interface by name, ifDescr or ifAlias).
        public var interface: String?
        public var period: ReportPeriod
        /// Share of the approved bandwidth above which a PD is flagged (0-1].
        public var allocationShare: Double

        public init(pd: String? = nil, interface: String? = nil, period: ReportPeriod, allocationShare: Double = 0.8) {
            self.pd = pd; self.interface = interface; self.period = period; self.allocationShare = allocationShare
        }
    }

    /// One direction's figures in bit/s.
    public struct Figures: Sendable, Hashable, Encodable {
        public var averageBPS: Double
        public var peakBPS: Int64
        public var p95BPS: Int64
        init(_ d: DirectionStatistics) { averageBPS = d.average; peakBPS = d.peak; p95BPS = d.p95 }
        enum CodingKeys: String, CodingKey { case averageBPS = "avg_bps", peakBPS = "peak_bps", p95BPS = "p95_bps" }
    }

    /// A period's statistics as reported.
    public struct Statistics: Sendable, Hashable, Encodable {
        public var samples: Int
        public var coveredSeconds: Int64
        public var inbound: Figures
        public var outbound: Figures
        /// max(in, out): the transit-billing convention.
        public var p95BPS: Int64
        public var peakBPS: Int64
        public var inErrors: Int64
        public var outErrors: Int64
        public var inDiscards: Int64
        public var outDiscards: Int64
        init(_ s: TrafficStatistics) {
            samples = s.samples; coveredSeconds = s.coveredSeconds
            inbound = Figures(s.inbound); outbound = Figures(s.outbound)
            p95BPS = s.p95; peakBPS = s.peak
            inErrors = s.inErrors; outErrors = s.outErrors; inDiscards = s.inDiscards; outDiscards = s.outDiscards
        }
        enum CodingKeys: String, CodingKey {
            case samples, coveredSeconds = "covered_seconds", inbound = "in", outbound = "out", p95BPS = "p95_bps", peakBPS = "peak_bps"
            case inErrors = "in_errors", outErrors = "out_errors", inDiscards = "in_discards", outDiscards = "out_discards"
        }
    }

    public struct Interface: Sendable, Hashable, Encodable {
        public var device: String
        public var interface: String
        public var ifIndex: Int?
        public var alias: String?
        /// bit/s; 0 when unknown.
        public var speed: UInt64
        /// The PD whose uplink this is, if any.
        public var pd: String?
        public var statistics: Statistics?
        /// The larger direction's 95th percentile as a percentage of the speed.
        public var p95Utilisation: Double?
        /// The last rate interval that ended in the period (what /metrics shows as current),
        /// before any 5-minute sample closes; nil when there is none.
        public var latest: Latest? = nil
        enum CodingKeys: String, CodingKey {
            case device, interface, ifIndex = "if_index", alias, speed = "speed_bps", pd, statistics, p95Utilisation = "p95_utilisation_pct", latest
        }
        /// Every key is present; what is unknown is null.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(device, forKey: .device); try c.encode(interface, forKey: .interface)
            try c.encode(ifIndex, forKey: .ifIndex); try c.encode(alias, forKey: .alias); try c.encode(speed, forKey: .speed)
            try c.encode(pd, forKey: .pd); try c.encode(statistics, forKey: .statistics); try c.encode(p95Utilisation, forKey: .p95Utilisation)
            try c.encode(latest, forKey: .latest)
        }
    }

    /// One interval's rate: its end and bit/s in and out.
    public struct Latest: Sendable, Hashable, Encodable {
        public var end: Date
        public var seconds: Double
        public var inBPS: Double
        public var outBPS: Double
        enum CodingKeys: String, CodingKey { case end, seconds, inBPS = "in_bps", outBPS = "out_bps" }
    }

    /// One of a PD's declared uplinks and whether its series was found.
    public struct Uplink: Sendable, Hashable, Encodable {
        public var router: String
        public var device: String
        public var uplink: String
        /// The series' interface name, nil when no series of the device matches.
        public var interface: String?
        public init(router: String, device: String, uplink: String, interface: String?) {
            self.router = router; self.device = device; self.uplink = uplink; self.interface = interface
        }
        enum CodingKeys: String, CodingKey { case router, device, uplink, interface }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(router, forKey: .router); try c.encode(device, forKey: .device)
            try c.encode(uplink, forKey: .uplink); try c.encode(interface, forKey: .interface)
        }
    }

    public struct PD: Sendable, Hashable, Encodable {
        public var pd: String
        public var approvedMbps: Double?
        public var uplinks: [Uplink]
        /// The uplinks summed per 5-minute bucket.
        public var statistics: Statistics?
        /// The larger direction's 95th percentile as a percentage of the approved bandwidth.
        public var allocationUse: Double?
        enum CodingKeys: String, CodingKey {
            case pd, approvedMbps = "approved_mbps", uplinks, statistics, allocationUse = "p95_allocation_pct"
        }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(pd, forKey: .pd); try c.encode(approvedMbps, forKey: .approvedMbps); try c.encode(uplinks, forKey: .uplinks)
            try c.encode(statistics, forKey: .statistics); try c.encode(allocationUse, forKey: .allocationUse)
        }
    }

    /// Something to act on (the findings framework turns these into findings).
    public struct Flag: Sendable, Hashable, Encodable {
        public enum Kind: String, Sendable, Hashable, Encodable {
            /// The PD's 95th percentile is above the configured share of its approved bandwidth.
            case overAllocation = "over-allocation"
            /// Traffic flows on the PD's uplinks but it has no approved bandwidth.
            case noAllocation = "no-allocation"
            /// A declared uplink has no traffic series (not polled, or the name matches nothing).
            case uplinkNotFound = "uplink-not-found"
        }
        public var kind: Kind
        public var pd: String
        public var message: String
        /// The boundary router and uplink concerned, for `uplinkNotFound`.
        public var router: String? = nil
        public var uplink: String? = nil
    }

    public struct Report: Sendable, Encodable {
        public var period: ReportPeriod
        public var timeZone: String
        /// Set when no profile is active and the period was read in UTC.
        public var note: String?
        public var allocationShare: Double
        public var pds: [PD]
        public var interfaces: [Interface]
        public var flags: [Flag]
        enum CodingKeys: String, CodingKey {
            case period, from, to, timeZone = "time_zone", note, allocationShare = "allocation_share", pds, interfaces, flags
        }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(period.label, forKey: .period)
            try c.encode(PreciseTime(period.start), forKey: .from)
            try c.encode(PreciseTime(period.end), forKey: .to)
            try c.encode(timeZone, forKey: .timeZone)
            try c.encode(note, forKey: .note)
            try c.encode(allocationShare, forKey: .allocationShare)
            try c.encode(pds, forKey: .pds)
            try c.encode(interfaces, forKey: .interfaces)
            try c.encode(flags, forKey: .flags)
        }
    }

    /// Finds the series an uplink names among a device's: by interface name, then ifDescr, then ifAlias.
    static func series(named uplink: String, in states: [TrafficSeriesState]) -> TrafficSeriesState? {
        states.first { $0.key.interface == uplink } ?? states.first { $0.descr == uplink } ?? states.first { $0.alias == uplink }
    }

    /// The report for `q`, read in `zone`.
    public static func report(_ q: Query, zone: TimeZone, note: String?, store: any TrafficStorage & GovernanceStorage) throws -> Report {
        let all = try store.trafficSeries(device: nil)
        let registry = try store.registry()
        if let pd = q.pd, registry?[pd] == nil {
            throw OperationError(.notFound, registry == nil ? "no registry loaded; run pantau registry load FILE first" : "no PD \(pd) in the registry")
        }
        let byDevice = Dictionary(grouping: all, by: \.key.device)

        // Each PD's uplinks.
        var pdUplinks: [(record: PDRecord, uplinks: [Uplink], keys: [TrafficSeriesKey])] = []
        var uplinkOwner: [TrafficSeriesKey: String] = [:]
        for record in (registry?.pds ?? []).sorted(by: { $0.code < $1.code }) {
            var uplinks: [Uplink] = [], keys: [TrafficSeriesKey] = []
            for r in record.boundaryRouters {
                guard let u = r.uplink else { continue }
                let device = r.target ?? r.name
                let s = series(named: u, in: byDevice[device] ?? [])
                uplinks.append(Uplink(router: r.name, device: device, uplink: u, interface: s?.key.interface))
                if let s { keys.append(s.key); if uplinkOwner[s.key] == nil { uplinkOwner[s.key] = record.code } }
            }
            pdUplinks.append((record, uplinks, keys))
        }

        // Which interfaces to report.
        var chosen = all
        if let i = q.interface {
            guard let colon = i.firstIndex(of: ":") else { throw OperationError(.invalid, "--interface \"\(i)\" is not DEVICE:INTERFACE") }
            let device = String(i[..<colon]), name = String(i[i.index(after: colon)...])
            guard let s = series(named: name, in: byDevice[device] ?? []) else {
                throw OperationError(.notFound, "no traffic series for interface \(name) of \(device)")
            }
            chosen = [s]
        } else if let pd = q.pd {
            let keys = Set(pdUplinks.first { $0.record.code == pd }?.keys ?? [])
            chosen = all.filter { keys.contains($0.key) }
        }
        // Interfaces' statistics straight from the blocks; the PDs' uplinks' samples to sum per bucket.
        let stats = try store.trafficStatistics(q.interface == nil && q.pd == nil ? nil : chosen.map(\.key),
                                                from: q.period.start, to: q.period.end)
        let uplinkKeys = q.interface == nil ? Set(pdUplinks.filter { q.pd == nil || $0.record.code == q.pd }.flatMap(\.keys)) : []
        let samples = uplinkKeys.isEmpty ? [:] : try store.trafficSamples(Array(uplinkKeys), resolution: .fiveMinutes,
                                                                          from: q.period.start, to: q.period.end)

        // Each interface's last rate interval ending in the period, looked for in its last quarter
        // hour (raw intervals are kept for days; the newest is what a short run has): one read.
        let recent = try store.latestTrafficRates(q.interface == nil && q.pd == nil ? nil : chosen.map(\.key),
                                                  from: max(q.period.start, q.period.end.addingTimeInterval(-900)), to: q.period.end)
        let interfaces = chosen.map { s -> Interface in
            let st = stats[s.key]
            let latest = recent[s.key].flatMap { i in
                i.inBitsPerSecond.map { Latest(end: i.end, seconds: i.seconds, inBPS: $0, outBPS: i.outBitsPerSecond ?? 0) }
            }
            return Interface(device: s.key.device, interface: s.key.interface, ifIndex: s.ifIndex, alias: s.alias, speed: s.speed,
                             pd: uplinkOwner[s.key], statistics: st.map(Statistics.init),
                             p95Utilisation: st.flatMap { s.speed > 0 ? Double($0.p95) / Double(s.speed) * 100 : nil }, latest: latest)
        }

        var pds: [PD] = [], flags: [Flag] = []
        for (record, uplinks, keys) in pdUplinks where q.interface == nil && (q.pd == nil || q.pd == record.code) {
            guard !uplinks.isEmpty else { continue }
            let summed = TrafficStatistics.sum(keys.map { samples[$0] ?? [] })
            let st = TrafficStatistics(fiveMinute: summed)
            let approved = record.bandwidth?.approvedMbps
            let use = st.flatMap { s in approved.map { Double(s.p95) / ($0 * 1_000_000) * 100 } }
            pds.append(PD(pd: record.code, approvedMbps: approved, uplinks: uplinks, statistics: st.map(Statistics.init), allocationUse: use))
            for u in uplinks where u.interface == nil {
                flags.append(Flag(kind: .uplinkNotFound, pd: record.code,
                                  message: "uplink \(u.uplink) of \(u.router) has no traffic series (is \(u.device) polled, and does an interface have that name, description or alias?)",
                                  router: u.router, uplink: u.uplink))
            }
            if let s = st, let approved, let use, use > q.allocationShare * 100 {
                flags.append(Flag(kind: .overAllocation, pd: record.code, message: String(
                    format: "95th percentile %.2f Mbit/s is %.1f%% of the approved %.2f Mbit/s (flagged above %.0f%%)",
                    Double(s.p95) / 1e6, use, approved, q.allocationShare * 100)))
            }
            if approved == nil, let s = st, s.peak > 0 {
                flags.append(Flag(kind: .noAllocation, pd: record.code, message: String(
                    format: "traffic on its uplinks (95th percentile %.2f Mbit/s) but no approved bandwidth in the registry", Double(s.p95) / 1e6)))
            }
        }
        return Report(period: q.period, timeZone: zoneName(zone), note: note, allocationShare: q.allocationShare, pds: pds,
                      interfaces: interfaces, flags: flags)
    }

    /// "UTC+08:00" style, as profiles give whole-hour offsets.
    static func zoneName(_ z: TimeZone) -> String {
        let s = z.secondsFromGMT()
        return s == 0 ? "UTC" : String(format: "UTC%@%02d:%02d", s < 0 ? "-" : "+", abs(s) / 3600, abs(s) % 3600 / 60)
    }
}

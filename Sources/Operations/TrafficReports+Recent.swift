import Foundation
import Governance
import InventoryModel
import Storage

/// Traffic as a console shows it (the NOC dashboard): each PD's uplinks now, their 95th
/// percentile over a period against the approved bandwidth, and the recent 5-minute samples
/// for a sparkline; and one device's interfaces the same way. Reads only the series asked
/// for (a PD's uplinks, one device's interfaces), never every interface of the regency.
extension TrafficReports {
    /// One series (an uplink, or a device's interface) as a console shows it.
    public struct RecentSeries: Sendable, Hashable, Encodable {
        public var device: String
        public var interface: String
        public var alias: String?
        /// bit/s; 0 when unknown.
        public var speed: UInt64
        /// The last rate interval ending before `now` (nil: none in the last quarter hour).
        public var latest: Latest?
        /// The period's statistics (nil: no 5-minute sample in it).
        public var statistics: Statistics?
        /// The larger direction's 95th percentile as a percentage of the speed.
        public var p95Utilisation: Double?
        /// The larger direction's average of each recent 5-minute bucket, oldest first, nil
        /// where the bucket has no sample (a gap, never a zero).
        public var recent: [Double?]
    }

    /// A PD's uplinks summed.
    public struct RecentPD: Sendable, Hashable, Encodable {
        public var pd: String
        public var approvedMbps: Double?
        public var uplinks: [Uplink]
        public var series: [RecentSeries]
        public var statistics: Statistics?
        /// The larger direction's 95th percentile as a percentage of the approved bandwidth.
        public var allocationUse: Double?
        /// The uplinks' latest rates summed (nil: no uplink has one).
        public var latestInBPS: Double?
        public var latestOutBPS: Double?
        /// The uplinks' recent buckets summed (nil where none has a sample).
        public var recent: [Double?]
    }

    /// The 5-minute bucket starts of the `buckets` buckets before `now`, oldest first (the
    /// open bucket, which has no closed sample yet, is not among them).
    static func recentStarts(now: Date, buckets: Int) -> [Int64] {
        let step = Int64(TrafficResolution.fiveMinutes.seconds)
        let current = Int64(now.timeIntervalSince1970.rounded(.down)) / step * step
        return (1...max(1, buckets)).reversed().map { current - Int64($0) * step }
    }

    static func latest(_ key: TrafficSeriesKey, now: Date, store: any TrafficStorage) throws -> Latest? {
        let recent = try store.trafficIntervals(key, from: now.addingTimeInterval(-900), to: now)
        return recent.last { $0.kind == .rate && $0.end <= now }.flatMap { i in
            i.inBitsPerSecond.map { Latest(end: i.end, seconds: i.seconds, inBPS: $0, outBPS: i.outBitsPerSecond ?? 0) }
        }
    }

    static func recentSeries(_ states: [TrafficSeriesState], period: ReportPeriod, now: Date, buckets: Int,
                             store: any TrafficStorage) throws -> (series: [RecentSeries], samples: [TrafficSeriesKey: [TrafficSample]]) {
        guard !states.isEmpty else { return ([], [:]) }
        let keys = states.map(\.key)
        let starts = recentStarts(now: now, buckets: buckets)
        let stats = try store.trafficStatistics(keys, from: period.start, to: period.end)
        let samples = try store.trafficSamples(keys, resolution: .fiveMinutes, from: Date(timeIntervalSince1970: Double(starts[0])), to: now)
        let series = try states.map { s -> RecentSeries in
            let st = stats[s.key]
            let byStart = Dictionary((samples[s.key] ?? []).map { ($0.start, $0) }) { a, _ in a }
            return RecentSeries(device: s.key.device, interface: s.key.interface, alias: s.alias, speed: s.speed,
                                latest: try latest(s.key, now: now, store: store), statistics: st.map(Statistics.init),
                                p95Utilisation: st.flatMap { s.speed > 0 ? Double($0.p95) / Double(s.speed) * 100 : nil },
                                recent: starts.map { byStart[$0].map { Double(max($0.inBPS, $0.outBPS)) } })
        }
        return (series, samples)
    }

    /// Every registry PD with a declared uplink: its uplinks now, over `period` and over the
    /// `buckets` 5-minute buckets before `now`. Three block reads for all the uplinks together.
    public static func recentPDs(period: ReportPeriod, now: Date, buckets: Int = 24,
                                 store: any TrafficStorage & GovernanceStorage & TrafficStateMarking) throws -> [RecentPD] {
        try RecentUplinks.read(period: period, now: now, buckets: buckets, store: store).pds
    }

    /// Each PD's uplinks as `recentPDs` gives them, with what a later refresh needs to read
    /// again only the uplinks whose series were written since (`TrafficStateMarking`: a counter
    /// poll rewrites each polled series' state), for a console that refreshes every few seconds.
    public struct RecentUplinks: Sendable {
        struct Found: Sendable {
            var record: PDRecord
            var uplinks: [Uplink]
            var keys: [TrafficSeriesKey]
        }
        /// The PDs, as `recentPDs`.
        public private(set) var pds: [RecentPD]
        /// The uplink series read by the last `read` or `refreshed`.
        public private(set) var seriesRead: Int
        let period: ReportPeriod
        let buckets: Int
        let firstBucket: Int64
        var found: [Found]
        /// Routers with an uplink that no series matched (looked for again at every refresh).
        var unmatched: Set<String>
        var series: [TrafficSeriesKey: RecentSeries]
        var periodSamples: [TrafficSeriesKey: [TrafficSample]]
        var marks: [TrafficSeriesKey: String]

        /// Every uplink read.
        public static func read(period: ReportPeriod, now: Date, buckets: Int = 24, store: any TrafficStorage & GovernanceStorage & TrafficStateMarking) throws -> RecentUplinks {
            let starts = recentStarts(now: now, buckets: buckets)
            var out = RecentUplinks(pds: [], seriesRead: 0, period: period, buckets: buckets, firstBucket: starts[0], found: [], unmatched: [],
                                    series: [:], periodSamples: [:], marks: [:])
            guard let registry = try store.registry() else { return out }
            let records = registry.pds.sorted(by: { $0.code < $1.code })
            // An uplink named as its interface is that series (`series(named:)` looks at the
            // interface first): those states read at once; a router's every state only when its
            // uplink is named otherwise (a description, an alias) or has no series.
            let named = try store.trafficStates(records.flatMap { record in
                record.boundaryRouters.compactMap { r in r.uplink.map { TrafficSeriesKey(device: r.target ?? r.name, interface: $0) } }
            })
            var statesByDevice: [String: [TrafficSeriesState]] = [:]
            var unique: [TrafficSeriesState] = []
            for record in records {
                var uplinks: [Uplink] = [], keys: [TrafficSeriesKey] = []
                for r in record.boundaryRouters {
                    guard let u = r.uplink else { continue }
                    let device = r.target ?? r.name
                    var s = named[TrafficSeriesKey(device: device, interface: u)]
                    if s == nil {
                        if statesByDevice[device] == nil { statesByDevice[device] = try store.trafficStates(device: device) }
                        s = TrafficReports.series(named: u, in: statesByDevice[device] ?? [])
                    }
                    uplinks.append(Uplink(router: r.name, device: device, uplink: u, interface: s?.key.interface))
                    if s == nil { out.unmatched.insert(device) }
                    if let s, !keys.contains(s.key) { keys.append(s.key) }
                    if let s, !unique.contains(where: { $0.key == s.key }) { unique.append(s) }
                }
                if !uplinks.isEmpty { out.found.append(Found(record: record, uplinks: uplinks, keys: keys)) }
            }
            // Taken before the series are read: a poll meanwhile shows at the next refresh.
            out.marks = try store.trafficStateMarks(unique.map(\.key))
            try out.read(unique, now: now, store: store)
            out.pds = out.found.map { out.pd($0, starts: starts) }
            return out
        }

        /// These uplinks moved to `now`: the series written since read again (and the PDs they
        /// belong to summed again), the others kept; everything read again when the 5-minute
        /// buckets moved on or an uplink had no series.
        public func refreshed(now: Date, store: any TrafficStorage & GovernanceStorage & TrafficStateMarking) throws -> RecentUplinks {
            let starts = recentStarts(now: now, buckets: buckets)
            guard starts[0] == firstBucket, unmatched.isEmpty else { return try Self.read(period: period, now: now, buckets: buckets, store: store) }
            var out = self
            let marks = try store.trafficStateMarks(Array(series.keys))
            let changed = Set(series.keys.filter { marks[$0] != self.marks[$0] })
            out.marks = marks
            out.seriesRead = changed.count
            // The newest interval of a series not written since is the same; it only ages out.
            for (k, s) in series where !changed.contains(k) {
                if let l = s.latest, l.end < now.addingTimeInterval(-900) { out.series[k]?.latest = nil }
            }
            if !changed.isEmpty {
                let read = try store.trafficStates(Array(changed))
                try out.read(changed.sorted { ($0.device, $0.interface) < ($1.device, $1.interface) }.compactMap { read[$0] }, now: now, store: store)
            }
            out.pds = zip(found, pds).map { f, old in
                f.keys.contains(where: changed.contains) || old.series.contains { $0.latest != nil && $0.latest!.end < now.addingTimeInterval(-900) }
                    ? out.pd(f, starts: starts) : old
            }
            return out
        }

        /// Reads `states`' series (now, over the period, recently) and their samples over the period.
        mutating func read(_ states: [TrafficSeriesState], now: Date, store: any TrafficStorage) throws {
            guard !states.isEmpty else { return }
            let (all, _) = try recentSeries(states, period: period, now: now, buckets: buckets, store: store)
            for s in all { series[TrafficSeriesKey(device: s.device, interface: s.interface)] = s }
            let samples = try store.trafficSamples(states.map(\.key), resolution: .fiveMinutes, from: period.start, to: period.end)
            for s in states { periodSamples[s.key] = samples[s.key] }
            seriesRead = states.count
        }

        /// One PD's uplinks summed.
        func pd(_ f: Found, starts: [Int64]) -> RecentPD {
            let series = f.keys.compactMap { self.series[$0] }
            let st = TrafficStatistics(fiveMinute: TrafficStatistics.sum(f.keys.map { periodSamples[$0] ?? [] }))
            let approved = f.record.bandwidth?.approvedMbps
            let latest = series.compactMap(\.latest)
            let recent = starts.indices.map { i -> Double? in
                let values = series.compactMap { $0.recent[i] }
                return values.isEmpty ? nil : values.reduce(0, +)
            }
            return RecentPD(pd: f.record.code, approvedMbps: approved, uplinks: f.uplinks, series: series, statistics: st.map(Statistics.init),
                            allocationUse: st.flatMap { s in approved.map { Double(s.p95) / ($0 * 1_000_000) * 100 } },
                            latestInBPS: latest.isEmpty ? nil : latest.map(\.inBPS).reduce(0, +),
                            latestOutBPS: latest.isEmpty ? nil : latest.map(\.outBPS).reduce(0, +), recent: recent)
        }
    }

    /// One device's interfaces (its traffic series) now, over `period` and recently.
    public static func recentDevice(_ device: String, period: ReportPeriod, now: Date, buckets: Int = 24,
                                    store: any TrafficStorage) throws -> [RecentSeries] {
        let states = try store.trafficStates(device: device)
            .sorted { ($0.ifIndex ?? Int.max, $0.key.interface) < ($1.ifIndex ?? Int.max, $1.key.interface) }
        return try recentSeries(states, period: period, now: now, buckets: buckets, store: store).series
    }
}

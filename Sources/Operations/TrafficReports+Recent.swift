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
                                 store: any TrafficStorage & GovernanceStorage) throws -> [RecentPD] {
        guard let registry = try store.registry() else { return [] }
        let starts = recentStarts(now: now, buckets: buckets)
        var statesByDevice: [String: [TrafficSeriesState]] = [:]
        var found: [(record: PDRecord, uplinks: [Uplink], states: [TrafficSeriesState])] = []
        for record in registry.pds.sorted(by: { $0.code < $1.code }) {
            var uplinks: [Uplink] = [], states: [TrafficSeriesState] = []
            for r in record.boundaryRouters {
                guard let u = r.uplink else { continue }
                let device = r.target ?? r.name
                if statesByDevice[device] == nil { statesByDevice[device] = try store.trafficStates(device: device) }
                let s = series(named: u, in: statesByDevice[device] ?? [])
                uplinks.append(Uplink(router: r.name, device: device, uplink: u, interface: s?.key.interface))
                if let s, !states.contains(where: { $0.key == s.key }) { states.append(s) }
            }
            if !uplinks.isEmpty { found.append((record, uplinks, states)) }
        }
        var unique: [TrafficSeriesState] = []
        for s in found.flatMap(\.states) where !unique.contains(where: { $0.key == s.key }) { unique.append(s) }
        let (all, _) = try recentSeries(unique, period: period, now: now, buckets: buckets, store: store)
        let byKey = Dictionary(all.map { (TrafficSeriesKey(device: $0.device, interface: $0.interface), $0) }) { a, _ in a }
        let periodSamples = unique.isEmpty ? [:] : try store.trafficSamples(unique.map(\.key), resolution: .fiveMinutes,
                                                                           from: period.start, to: period.end)
        return found.map { record, uplinks, states in
            let series = states.compactMap { byKey[$0.key] }
            let st = TrafficStatistics(fiveMinute: TrafficStatistics.sum(states.map { periodSamples[$0.key] ?? [] }))
            let approved = record.bandwidth?.approvedMbps
            let latest = series.compactMap(\.latest)
            let recent = starts.indices.map { i -> Double? in
                let values = series.compactMap { $0.recent[i] }
                return values.isEmpty ? nil : values.reduce(0, +)
            }
            return RecentPD(pd: record.code, approvedMbps: approved, uplinks: uplinks, series: series, statistics: st.map(Statistics.init),
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

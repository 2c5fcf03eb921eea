import Foundation
import Governance
import InventoryModel
import Storage

/// Interface bandwidth from counter samples (`pantau counters`): per interface, the rate
/// intervals between consecutive samples (resets and gaps get no rate) and their summary,
/// with the PD whose registry boundary router has the agent's address.
public enum CounterReports {
    public struct Query: Sendable {
        public var agent: IPAddress?
        public var from: Date?
        public var intervals: Bool
        public init(agent: IPAddress? = nil, from: Date? = nil, intervals: Bool = false) {
            self.agent = agent
            self.from = from
            self.intervals = intervals
        }
    }

    public struct Interface: Sendable, Encodable {
        public var key: InterfaceCounterKey
        public var series: CounterSeries
        public var pd: String?
        public var boundaryRouter: String?
        /// Whether the JSON lists every interval.
        public var withIntervals: Bool

        enum K: String, CodingKey {
            case agent, ifIndex = "if_index", capturePoint = "capture_point", pd, boundaryRouter = "boundary_router", samples, first, last
            case ifSpeed = "if_speed", medianInterval = "median_interval_seconds", rateIntervals = "rate_intervals"
            case rateSeconds = "rate_seconds", inOctets = "in_octets", outOctets = "out_octets", avgIn = "avg_in_bps"
            case avgOut = "avg_out_bps", peakIn = "peak_in_bps", peakOut = "peak_out_bps", peakUtil = "peak_utilisation_pct"
            case resets, gaps, duplicates, inErrors = "in_errors", outErrors = "out_errors", intervals
        }

        public func encode(to encoder: any Encoder) throws {
            let s = series.summary
            var c = encoder.container(keyedBy: K.self)
            try c.encode(key.agent.description, forKey: .agent)
            try c.encode(key.ifIndex, forKey: .ifIndex)
            try c.encode(key.capturePoint, forKey: .capturePoint)
            try c.encode(pd, forKey: .pd)
            try c.encode(boundaryRouter, forKey: .boundaryRouter)
            try c.encode(s.samples, forKey: .samples)
            try c.encode(s.first.map(PreciseTime.init), forKey: .first)
            try c.encode(s.last.map(PreciseTime.init), forKey: .last)
            try c.encode(s.ifSpeed, forKey: .ifSpeed)
            try c.encode(series.medianInterval, forKey: .medianInterval)
            try c.encode(s.rateIntervals, forKey: .rateIntervals)
            try c.encode(s.rateSeconds, forKey: .rateSeconds)
            try c.encode(s.inOctets, forKey: .inOctets)
            try c.encode(s.outOctets, forKey: .outOctets)
            try c.encode(s.averageInBitsPerSecond, forKey: .avgIn)
            try c.encode(s.averageOutBitsPerSecond, forKey: .avgOut)
            try c.encode(s.peakInBitsPerSecond, forKey: .peakIn)
            try c.encode(s.peakOutBitsPerSecond, forKey: .peakOut)
            try c.encode(s.peakUtilisation, forKey: .peakUtil)
            try c.encode(s.resets, forKey: .resets)
            try c.encode(s.gaps, forKey: .gaps)
            try c.encode(s.duplicates, forKey: .duplicates)
            try c.encode(s.inErrors, forKey: .inErrors)
            try c.encode(s.outErrors, forKey: .outErrors)
            if withIntervals { try c.encode(series.intervals.map(Interval.init), forKey: .intervals) }
        }
    }

    struct Interval: Encodable {
        var i: CounterInterval
        enum K: String, CodingKey {
            case start, end, seconds, kind, ifSpeed = "if_speed", inOctets = "in_octets", outOctets = "out_octets", inBPS = "in_bps"
            case outBPS = "out_bps", inUtil = "in_utilisation_pct", outUtil = "out_utilisation_pct", inErrors = "in_errors", outErrors = "out_errors"
            case reason
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: K.self)
            try c.encode(PreciseTime(i.start), forKey: .start)
            try c.encode(PreciseTime(i.end), forKey: .end)
            try c.encode(i.seconds, forKey: .seconds)
            try c.encode(i.kind.rawValue, forKey: .kind)
            try c.encode(i.ifSpeed, forKey: .ifSpeed)
            try c.encode(i.inOctets, forKey: .inOctets)
            try c.encode(i.outOctets, forKey: .outOctets)
            try c.encode(i.inBitsPerSecond, forKey: .inBPS)
            try c.encode(i.outBitsPerSecond, forKey: .outBPS)
            try c.encode(i.inUtilisation, forKey: .inUtil)
            try c.encode(i.outUtilisation, forKey: .outUtil)
            try c.encode(i.inErrors, forKey: .inErrors)
            try c.encode(i.outErrors, forKey: .outErrors)
            try c.encode(i.reason?.rawValue, forKey: .reason)
        }
    }

    /// Every interface with samples matching the query, ordered by agent, ifIndex and capture point.
    public static func interfaces(_ q: Query, store: any TimeSeriesStorage & GovernanceStorage) throws(StoreError) -> [Interface] {
        let rows = try store.interfaceCounterSightings(agent: q.agent, from: q.from, to: nil)
        let routers = try store.registry()?.boundaryRoutersByAddress() ?? [:]
        return CounterSeries.grouped(rows.map { (key: $0.key, reading: $0.reading) }).map { g in
            let r = routers[g.key.agent]
            return Interface(key: g.key, series: g.series, pd: r?.pd, boundaryRouter: r?.router, withIntervals: q.intervals)
        }
    }
}

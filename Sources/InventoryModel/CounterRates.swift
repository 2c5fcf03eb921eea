import Foundation

// Interface bandwidth from cumulative counters (sFlow counter samples, or any source
// that reports ifInOctets/ifOutOctets snapshots): consecutive readings become rate
// intervals. Pure: no I/O, testable without a store.

/// One snapshot of an interface's cumulative counters.
public struct CounterReading: Sendable, Hashable {
    /// When the snapshot was taken (for sFlow: when Pantau received it).
    public var time: Date
    /// Interface speed in bit/s; 0 when the agent does not know it.
    public var ifSpeed: UInt64
    public var inOctets: UInt64
    public var outOctets: UInt64
    public var inErrors: UInt64
    public var outErrors: UInt64

    public init(time: Date, ifSpeed: UInt64, inOctets: UInt64, outOctets: UInt64, inErrors: UInt64 = 0, outErrors: UInt64 = 0) {
        self.time = time; self.ifSpeed = ifSpeed; self.inOctets = inOctets; self.outOctets = outOctets
        self.inErrors = inErrors; self.outErrors = outErrors
    }
}

/// The span between two consecutive readings of one interface.
public struct CounterInterval: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// Counters grew normally: the interval has rates.
        case rate
        /// A counter went backwards: the agent restarted, the counters were cleared, or an
        /// agent put 32-bit counters in sFlow's 64-bit fields and they wrapped. No rate.
        case reset
        /// Far longer than the series' usual interval: samples were lost (collector down,
        /// agent unreachable), so an average over it would hide what happened. No rate.
        case gap
    }

    public var start: Date
    public var end: Date
    public var kind: Kind
    /// Interface speed (bit/s) reported at the end of the interval; 0 when unknown.
    public var ifSpeed: UInt64
    /// Octets counted in the interval; nil unless `kind == .rate`.
    public var inOctets: UInt64?
    public var outOctets: UInt64?
    /// Error counter increase; nil unless `kind == .rate`, and nil when that error counter
    /// went backwards while the octet counters did not (a 32-bit error counter wrapped).
    public var inErrors: UInt64?
    public var outErrors: UInt64?

    public init(start: Date, end: Date, kind: Kind, ifSpeed: UInt64, inOctets: UInt64? = nil, outOctets: UInt64? = nil,
                inErrors: UInt64? = nil, outErrors: UInt64? = nil) {
        self.start = start; self.end = end; self.kind = kind; self.ifSpeed = ifSpeed
        self.inOctets = inOctets; self.outOctets = outOctets; self.inErrors = inErrors; self.outErrors = outErrors
    }

    public var seconds: TimeInterval { end.timeIntervalSince(start) }

    /// Average received bit/s over the interval; nil unless `kind == .rate`.
    public var inBitsPerSecond: Double? { inOctets.map { Double($0) * 8 / seconds } }
    public var outBitsPerSecond: Double? { outOctets.map { Double($0) * 8 / seconds } }

    /// Received rate as a percentage of `ifSpeed` (full duplex: each direction against the
    /// full speed); nil without a rate or when the speed is unknown.
    public var inUtilisation: Double? { utilisation(inBitsPerSecond) }
    public var outUtilisation: Double? { utilisation(outBitsPerSecond) }

    func utilisation(_ bps: Double?) -> Double? {
        guard let bps, ifSpeed > 0 else { return nil }
        return bps / Double(ifSpeed) * 100
    }
}

/// When two readings are too far apart, or too close, to give a rate.
public struct CounterRatePolicy: Sendable, Hashable {
    /// An interval longer than this many times the series' median interval is a gap.
    public var gapFactor: Double
    /// An interval longer than this (seconds) is a gap whatever the median.
    public var maxInterval: TimeInterval
    /// A reading less than this many seconds after the previous kept one is a duplicate
    /// and ignored. sFlow agents poll counters on whole-second schedules, so two samples
    /// closer than a second are one poll delivered twice or a burst after a stall; a rate
    /// over a few milliseconds of receive-time jitter would be a false spike. Dropping a
    /// reading loses no octets: the next interval covers them, counters being cumulative.
    public var minInterval: TimeInterval

    public init(gapFactor: Double = 3, maxInterval: TimeInterval = 600, minInterval: TimeInterval = 1) {
        self.gapFactor = gapFactor; self.maxInterval = maxInterval; self.minInterval = minInterval
    }
}

/// The readings of one interface turned into intervals.
public struct CounterSeries: Sendable, Hashable {
    /// The readings used, in time order (duplicates removed).
    public var readings: [CounterReading]
    /// One interval between each two consecutive `readings`.
    public var intervals: [CounterInterval]
    /// Readings ignored as duplicates (same time, or closer than `minInterval`).
    public var duplicates: Int
    /// Median length of the intervals (seconds), the series' sampling interval; nil with
    /// fewer than two readings.
    public var medianInterval: TimeInterval?

    /// Builds the intervals from readings in any order.
    public init(readings input: [CounterReading], policy: CounterRatePolicy = CounterRatePolicy()) {
        // Stable sort, so of two readings with the same time the first given is kept.
        let sorted = input.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
        var kept: [CounterReading] = []
        for r in sorted {
            if let last = kept.last, r.time.timeIntervalSince(last.time) < max(policy.minInterval, .ulpOfOne) { continue }
            kept.append(r)
        }
        readings = kept
        duplicates = input.count - kept.count
        let spans = zip(kept, kept.dropFirst()).map { $1.time.timeIntervalSince($0.time) }
        medianInterval = Self.median(spans)
        let gapOver = min(policy.maxInterval, (medianInterval ?? .infinity) * policy.gapFactor)
        intervals = zip(kept, kept.dropFirst()).map { a, b in
            let base = CounterInterval(start: a.time, end: b.time, kind: .rate, ifSpeed: b.ifSpeed)
            // A counter going backwards is checked first: over a gap it still says the
            // agent restarted, which is the more useful fact.
            guard b.inOctets >= a.inOctets, b.outOctets >= a.outOctets else {
                var r = base; r.kind = .reset; return r
            }
            guard b.time.timeIntervalSince(a.time) <= gapOver else {
                var g = base; g.kind = .gap; return g
            }
            var i = base
            i.inOctets = b.inOctets - a.inOctets
            i.outOctets = b.outOctets - a.outOctets
            i.inErrors = b.inErrors >= a.inErrors ? b.inErrors - a.inErrors : nil
            i.outErrors = b.outErrors >= a.outErrors ? b.outErrors - a.outErrors : nil
            return i
        }
    }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let s = values.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// Totals and peaks over the rate intervals.
    public var summary: CounterSummary { CounterSummary(self) }
}

/// What a counter series amounts to: for the `pantau counters` table and its JSON.
public struct CounterSummary: Sendable, Hashable {
    /// Readings used (duplicates excluded).
    public var samples: Int
    public var first: Date?
    public var last: Date?
    /// Latest interface speed reported (bit/s); 0 when unknown.
    public var ifSpeed: UInt64
    /// Seconds covered by rate intervals (resets and gaps excluded).
    public var rateSeconds: TimeInterval
    /// Octets counted over the rate intervals.
    public var inOctets: UInt64
    public var outOctets: UInt64
    /// Octets over rate seconds; nil when there is no rate interval.
    public var averageInBitsPerSecond: Double?
    public var averageOutBitsPerSecond: Double?
    /// Highest interval rate; nil when there is no rate interval.
    public var peakInBitsPerSecond: Double?
    public var peakOutBitsPerSecond: Double?
    /// Highest interval utilisation of either direction (percent); nil when no rate
    /// interval had a known speed.
    public var peakUtilisation: Double?
    public var rateIntervals: Int
    public var resets: Int
    public var gaps: Int
    public var duplicates: Int
    /// Error increases over the rate intervals whose error counters were usable.
    public var inErrors: UInt64
    public var outErrors: UInt64

    public init(_ s: CounterSeries) {
        samples = s.readings.count
        first = s.readings.first?.time
        last = s.readings.last?.time
        ifSpeed = s.readings.last?.ifSpeed ?? 0
        let rates = s.intervals.filter { $0.kind == .rate }
        rateIntervals = rates.count
        resets = s.intervals.filter { $0.kind == .reset }.count
        gaps = s.intervals.filter { $0.kind == .gap }.count
        duplicates = s.duplicates
        rateSeconds = rates.reduce(0) { $0 + $1.seconds }
        // Saturating sums: a hostile agent could report deltas near 2^64.
        func total(_ values: [UInt64]) -> UInt64 {
            values.reduce(UInt64(0)) { let (v, o) = $0.addingReportingOverflow($1); return o ? .max : v }
        }
        inOctets = total(rates.compactMap(\.inOctets))
        outOctets = total(rates.compactMap(\.outOctets))
        inErrors = total(rates.compactMap(\.inErrors))
        outErrors = total(rates.compactMap(\.outErrors))
        averageInBitsPerSecond = rateSeconds > 0 ? Double(inOctets) * 8 / rateSeconds : nil
        averageOutBitsPerSecond = rateSeconds > 0 ? Double(outOctets) * 8 / rateSeconds : nil
        peakInBitsPerSecond = rates.compactMap(\.inBitsPerSecond).max()
        peakOutBitsPerSecond = rates.compactMap(\.outBitsPerSecond).max()
        peakUtilisation = rates.flatMap { [$0.inUtilisation, $0.outUtilisation] }.compactMap { $0 }.max()
    }
}

/// Which interface a counter reading belongs to: the agent, its ifIndex, and where Pantau
/// received it.
public struct InterfaceCounterKey: Sendable, Hashable, Comparable {
    public var agent: IPAddress
    public var ifIndex: Int
    public var capturePoint: String

    public init(agent: IPAddress, ifIndex: Int, capturePoint: String) {
        self.agent = agent; self.ifIndex = ifIndex; self.capturePoint = capturePoint
    }

    public static func < (a: Self, b: Self) -> Bool {
        (a.agent, a.ifIndex, a.capturePoint) < (b.agent, b.ifIndex, b.capturePoint)
    }
}

extension CounterSeries {
    /// Groups readings of many interfaces by key and builds one series each, ordered by
    /// agent, ifIndex and capture point.
    public static func grouped(_ readings: [(key: InterfaceCounterKey, reading: CounterReading)],
                               policy: CounterRatePolicy = CounterRatePolicy()) -> [(key: InterfaceCounterKey, series: CounterSeries)] {
        Dictionary(grouping: readings, by: { $0.key })
            .map { (key: $0.key, series: CounterSeries(readings: $0.value.map { $0.reading }, policy: policy)) }
            .sorted { $0.key < $1.key }
    }
}

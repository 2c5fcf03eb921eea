import Foundation

// Interface bandwidth from cumulative counters (sFlow counter samples, or any source
// that reports ifInOctets/ifOutOctets snapshots): consecutive readings become rate
// intervals. Pure: no I/O, testable without a store.

/// One snapshot of an interface's cumulative counters.
public struct CounterReading: Sendable, Hashable, Codable {
    /// When the snapshot was taken (for sFlow: when Pantau received it; for SNMP: when the
    /// agent's answer arrived).
    public var time: Date
    /// Interface speed in bit/s; 0 when the agent does not know it.
    public var ifSpeed: UInt64
    public var inOctets: UInt64
    public var outOctets: UInt64
    public var inErrors: UInt64
    public var outErrors: UInt64
    public var inDiscards: UInt64
    public var outDiscards: UInt64
    /// How wide the octet counters are: 64 (ifHC*, sFlow) or 32 (ifInOctets/ifOutOctets,
    /// which wrap at 2³²: after 34 s at 1 Gbit/s).
    public var width: CounterWidth
    /// The agent's sysUpTime (TimeTicks, hundredths of a second) in the same answer; nil when
    /// unknown (sFlow).
    public var sysUpTime: UInt32?
    /// ifCounterDiscontinuityTime in the same answer; nil when the agent does not report it.
    public var discontinuity: UInt32?
    /// The ifIndex the counters were read from; nil when unknown. A different ifIndex for the
    /// same interface (followed by name or MAC) means other counters: no rate across it.
    public var ifIndex: Int?

    public init(time: Date, ifSpeed: UInt64, inOctets: UInt64, outOctets: UInt64, inErrors: UInt64 = 0, outErrors: UInt64 = 0,
                inDiscards: UInt64 = 0, outDiscards: UInt64 = 0, width: CounterWidth = .bits64, sysUpTime: UInt32? = nil,
                discontinuity: UInt32? = nil, ifIndex: Int? = nil) {
        self.time = time; self.ifSpeed = ifSpeed; self.inOctets = inOctets; self.outOctets = outOctets
        self.inErrors = inErrors; self.outErrors = outErrors; self.inDiscards = inDiscards; self.outDiscards = outDiscards
        self.width = width; self.sysUpTime = sysUpTime; self.discontinuity = discontinuity; self.ifIndex = ifIndex
    }
}

/// Width of an interface's octet counters.
public enum CounterWidth: Int, Sendable, Hashable, Codable {
    case bits32 = 32
    case bits64 = 64
}

/// The span between two consecutive readings of one interface.
public struct CounterInterval: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Counters grew normally: the interval has rates.
        case rate
        /// A counter went backwards: the agent restarted, the counters were cleared, or an
        /// agent put 32-bit counters in sFlow's 64-bit fields and they wrapped. No rate.
        case reset
        /// Far longer than the series' usual interval: samples were lost (collector down,
        /// agent unreachable), so an average over it would hide what happened. No rate.
        case gap
    }

    /// Why an interval has no rate.
    public enum Reason: String, Sendable, Hashable, Codable {
        /// An octet counter went backwards (and, for 32-bit counters, a wrap would imply a
        /// rate the interface cannot carry, or its speed is unknown).
        case counterWentBack = "counter-went-back"
        /// sysUpTime went back (not by its own 2³² wrap at 497 days), or is shorter than the
        /// time since the previous reading: the agent restarted in between.
        case agentRestarted = "agent-restarted"
        /// ifCounterDiscontinuityTime changed: the agent says the counters were reset.
        case discontinuity
        /// The interface (followed by name or MAC) now has another ifIndex.
        case renumbered
        /// The readings switched between 32- and 64-bit counters.
        case widthChanged = "width-changed"
        /// The reading is not later than the previous one (the clock stepped back).
        case clockWentBack = "clock-went-back"
        /// Longer than the series' gap threshold: readings were missed.
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
    /// Discard counter increases, as the error counters.
    public var inDiscards: UInt64?
    public var outDiscards: UInt64?
    /// Why there is no rate; nil for a rate interval.
    public var reason: Reason?
    /// True when a 32-bit octet counter wrapped in the interval (the delta counts the wrap).
    public var wrapped: Bool = false

    public init(start: Date, end: Date, kind: Kind, ifSpeed: UInt64, inOctets: UInt64? = nil, outOctets: UInt64? = nil,
                inErrors: UInt64? = nil, outErrors: UInt64? = nil, inDiscards: UInt64? = nil, outDiscards: UInt64? = nil,
                reason: Reason? = nil) {
        self.start = start; self.end = end; self.kind = kind; self.ifSpeed = ifSpeed
        self.inOctets = inOctets; self.outOctets = outOctets; self.inErrors = inErrors; self.outErrors = outErrors
        self.inDiscards = inDiscards; self.outDiscards = outDiscards; self.reason = reason
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

    /// Seconds beyond which an interval is a gap, for a series sampled every `median`
    /// seconds (the median of a stored series, or a poller's configured interval).
    public func gapThreshold(median: TimeInterval?) -> TimeInterval {
        min(maxInterval, (median ?? .infinity) * gapFactor)
    }
}

// MARK: - The arithmetic of one interval

extension CounterInterval {
    /// The interval from reading `a` to the next reading `b` of the same interface: the one
    /// place Pantau turns two counter snapshots into a rate (sFlow counter samples and SNMP
    /// counter polls alike).
    ///
    /// No rate (so never a false spike, a negative rate or a zero) when: `b` is not later
    /// than `a`; the ifIndex, or the counters' width, changed; ifCounterDiscontinuityTime
    /// changed; the agent restarted (sysUpTime went back other than by its 2³² wrap, or is
    /// shorter than the time between the readings); an octet counter went back, unless it is
    /// a 32-bit counter whose wrap implies a rate the interface's speed allows (with speed
    /// unknown it is a reset); or the interval is longer than `gapOver` seconds (a gap).
    /// Error and discard increases are nil when their counter went back.
    public static func between(_ a: CounterReading, _ b: CounterReading, gapOver: TimeInterval) -> CounterInterval {
        var i = CounterInterval(start: a.time, end: b.time, kind: .reset, ifSpeed: b.ifSpeed)
        let seconds = b.time.timeIntervalSince(a.time)
        func noRate(_ r: Reason) -> CounterInterval { var x = i; x.reason = r; x.kind = r == .gap ? .gap : .reset; return x }
        guard seconds > 0 else { return noRate(.clockWentBack) }
        if let x = a.ifIndex, let y = b.ifIndex, x != y { return noRate(.renumbered) }
        guard a.width == b.width else { return noRate(.widthChanged) }
        if let x = a.discontinuity, let y = b.discontinuity, x != y { return noRate(.discontinuity) }
        if let x = a.sysUpTime, let y = b.sysUpTime, agentRestarted(from: x, to: y, seconds: seconds) { return noRate(.agentRestarted) }
        // A counter going backwards is checked before the gap: over a gap it still says the
        // counters restarted, which is the more useful fact.
        var wrapped = false
        func delta(_ x: UInt64, _ y: UInt64) -> UInt64? {
            if y >= x { return y - x }
            guard a.width == .bits32, b.ifSpeed > 0, x <= UInt64(UInt32.max), y <= UInt64(UInt32.max) else { return nil }
            let d = (1 << 32) - x + y
            // Plausible only if the interface could have carried it (5 % slack for timing).
            guard Double(d) * 8 / seconds <= Double(b.ifSpeed) * 1.05 else { return nil }
            wrapped = true
            return d
        }
        guard let dIn = delta(a.inOctets, b.inOctets), let dOut = delta(a.outOctets, b.outOctets) else { return noRate(.counterWentBack) }
        guard seconds <= gapOver else { return noRate(.gap) }
        i.kind = .rate
        i.inOctets = dIn
        i.outOctets = dOut
        i.wrapped = wrapped
        func grew(_ x: UInt64, _ y: UInt64) -> UInt64? { y >= x ? y - x : nil }
        i.inErrors = grew(a.inErrors, b.inErrors)
        i.outErrors = grew(a.outErrors, b.outErrors)
        i.inDiscards = grew(a.inDiscards, b.inDiscards)
        i.outDiscards = grew(a.outDiscards, b.outDiscards)
        return i
    }

    /// Whether sysUpTime going from `a` to `b` over `seconds` of wall time means the agent
    /// restarted. sysUpTime is 32-bit TimeTicks and wraps after 497.1 days: a value that went
    /// back by about 2³² less the elapsed ticks is that wrap, not a restart. An uptime shorter
    /// than the wall time since the previous reading (less 10 % slack) is a restart in between.
    public static func agentRestarted(from a: UInt32, to b: UInt32, seconds: TimeInterval) -> Bool {
        let elapsed = seconds * 100
        let slack = max(elapsed * 0.1, 500)
        if b < a {
            let expected = Double(a) + elapsed - 4_294_967_296
            return abs(Double(b) - expected) > slack
        }
        return Double(b) + slack < elapsed
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
        let gapOver = policy.gapThreshold(median: medianInterval)
        intervals = zip(kept, kept.dropFirst()).map { a, b in CounterInterval.between(a, b, gapOver: gapOver) }
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

import Foundation

// An interface's traffic over time, from successive counter snapshots: which earlier
// interface a polled one is (by name, then MAC, then ifIndex), the interval since its last
// reading (`CounterInterval.between`, the one arithmetic), and that interval spread over
// 5-minute buckets rolled up into hours and days. Pure: the state goes in and comes out, so a
// restarted collector that reloads it continues every series without a false spike.

/// Which interface a traffic series follows: the collector target (or sFlow agent address)
/// and the interface's name (ifName, else ifDescr, else "ifIndex N").
public struct TrafficSeriesKey: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var device: String
    public var interface: String

    public init(device: String, interface: String) { self.device = device; self.interface = interface }

    public static func < (a: Self, b: Self) -> Bool { (a.device, a.interface) < (b.device, b.interface) }
    /// `device:interface`, as `pantau traffic --interface` takes it.
    public var description: String { "\(device):\(interface)" }
}

/// The resolutions traffic is kept at (seconds per sample).
public enum TrafficResolution: Int, Sendable, Hashable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    case fiveMinutes = 300
    case hour = 3600
    case day = 86400

    public var seconds: Int64 { Int64(rawValue) }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    public var description: String { self == .fiveMinutes ? "5m" : self == .hour ? "1h" : "1d" }
    /// Start of the bucket holding `t` (UTC-aligned; 5-minute and hour buckets are the same
    /// in every whole-hour time zone).
    public func bucket(_ t: Int64) -> Int64 { t >= 0 ? t / seconds * seconds : ((t + 1) / seconds - 1) * seconds }
}

/// One point of a traffic series at a resolution: the bucket starting at `start`.
///
/// Rates are averages over the seconds the bucket was `covered` by rate intervals, rounded
/// to whole bit/s: seconds in gaps or across resets are not counted as zero traffic, and a
/// bucket no rate interval touched has no sample at all. At 5 minutes the peak is the
/// average; a rollup's peak is its highest 5-minute average.
public struct TrafficSample: Sendable, Hashable, Codable {
    /// Bucket start, seconds since 1970 (UTC).
    public var start: Int64
    public var covered: Int64
    public var inBPS: Int64
    public var outBPS: Int64
    public var peakInBPS: Int64
    public var peakOutBPS: Int64
    public var inErrors: Int64
    public var outErrors: Int64
    public var inDiscards: Int64
    public var outDiscards: Int64

    public init(start: Int64, covered: Int64, inBPS: Int64, outBPS: Int64, peakInBPS: Int64? = nil, peakOutBPS: Int64? = nil,
                inErrors: Int64 = 0, outErrors: Int64 = 0, inDiscards: Int64 = 0, outDiscards: Int64 = 0) {
        self.start = start; self.covered = covered; self.inBPS = inBPS; self.outBPS = outBPS
        self.peakInBPS = peakInBPS ?? inBPS; self.peakOutBPS = peakOutBPS ?? outBPS
        self.inErrors = inErrors; self.outErrors = outErrors; self.inDiscards = inDiscards; self.outDiscards = outDiscards
    }

    public var time: Date { Date(timeIntervalSince1970: TimeInterval(start)) }
}

/// A bucket still filling: what the interval pieces so far add up to.
public struct TrafficBucket: Sendable, Hashable, Codable {
    public var start: Int64
    public var covered: Double = 0
    public var inBits: Double = 0
    public var outBits: Double = 0
    public var peakIn: Int64 = 0
    public var peakOut: Int64 = 0
    public var inErrors: Double = 0
    public var outErrors: Double = 0
    public var inDiscards: Double = 0
    public var outDiscards: Double = 0

    public init(start: Int64) { self.start = start }

    /// The closed bucket's sample; nil when nothing covered it. `peaks` says whether the
    /// peaks come from the pieces (rollups) or are the average (5 minutes).
    func sample(peaks: Bool) -> TrafficSample? {
        let c = covered.rounded()
        guard c >= 1 else { return nil }
        let i = Int64((inBits / covered).rounded()), o = Int64((outBits / covered).rounded())
        return TrafficSample(start: start, covered: Int64(c), inBPS: i, outBPS: o,
                             peakInBPS: peaks ? max(peakIn, i) : i, peakOutBPS: peaks ? max(peakOut, o) : o,
                             inErrors: Int64(inErrors.rounded()), outErrors: Int64(outErrors.rounded()),
                             inDiscards: Int64(inDiscards.rounded()), outDiscards: Int64(outDiscards.rounded()))
    }
}

/// What is remembered of one interface between polls (persisted by the store): its identity,
/// its last reading and the buckets still filling at each resolution.
public struct TrafficSeriesState: Sendable, Hashable, Codable {
    public var key: TrafficSeriesKey
    public var ifIndex: Int?
    public var name: String?
    public var descr: String?
    public var alias: String?
    public var mac: MACAddress?
    /// Latest known speed (bit/s); 0 when unknown.
    public var speed: UInt64
    public var last: CounterReading?
    /// Open buckets by resolution (5 minutes, hour, day), nil before the first rate.
    public var open: [TrafficBucket?]
    /// End of the last rate interval spread into buckets: after the clock stepped back, the
    /// part of an interval before this is not counted twice.
    public var spreadUntil: Date?

    public init(key: TrafficSeriesKey, ifIndex: Int? = nil, name: String? = nil, descr: String? = nil, alias: String? = nil,
                mac: MACAddress? = nil, speed: UInt64 = 0, last: CounterReading? = nil) {
        self.key = key; self.ifIndex = ifIndex; self.name = name; self.descr = descr; self.alias = alias; self.mac = mac
        self.speed = speed; self.last = last
        open = Array(repeating: nil, count: TrafficResolution.allCases.count)
    }
}

/// One interface's rate in one poll: what the collector shows as current traffic (/metrics)
/// and what `record` returns.
public struct InterfaceRate: Sendable, Hashable, Codable {
    public var key: TrafficSeriesKey
    public var ifIndex: Int?
    public var interval: CounterInterval
    public init(key: TrafficSeriesKey, ifIndex: Int?, interval: CounterInterval) {
        self.key = key; self.ifIndex = ifIndex; self.interval = interval
    }
}

/// A sample that closed at a resolution.
public struct ClosedTrafficSample: Sendable, Hashable {
    public var key: TrafficSeriesKey
    public var resolution: TrafficResolution
    public var sample: TrafficSample
    public init(key: TrafficSeriesKey, resolution: TrafficResolution, sample: TrafficSample) {
        self.key = key; self.resolution = resolution; self.sample = sample
    }
}

extension InterfaceCounterSnapshot {
    /// The series name: ifName, else ifDescr, else "ifIndex N".
    public var seriesName: String {
        if let n = name, !n.isEmpty { return n }
        if let d = descr, !d.isEmpty { return d }
        return "ifIndex \(ifIndex)"
    }

    /// The snapshot as a counter reading: the 64-bit octet counters when both are present,
    /// else the 32-bit ones; nil when neither pair was answered.
    public func reading(time: Date, sysUpTime: UInt32?) -> CounterReading? {
        let e = { (v: UInt32?) in UInt64(v ?? 0) }
        var r = CounterReading(time: time, ifSpeed: speed ?? 0, inOctets: 0, outOctets: 0, inErrors: e(inErrors), outErrors: e(outErrors),
                               inDiscards: e(inDiscards), outDiscards: e(outDiscards), sysUpTime: sysUpTime,
                               discontinuity: counterDiscontinuityTime, ifIndex: ifIndex)
        if let i = hcInOctets, let o = hcOutOctets {
            r.inOctets = i; r.outOctets = o; r.width = .bits64
        } else if let i = inOctets, let o = outOctets {
            r.inOctets = UInt64(i); r.outOctets = UInt64(o); r.width = .bits32
        } else {
            return nil
        }
        return r
    }
}

/// Turns counter polls into intervals and closed samples, given and returning the series'
/// states.
public enum TrafficTracker {
    /// What one poll gave.
    public struct Step: Sendable {
        /// The updated state of every interface in the poll (new ones included).
        public var states: [TrafficSeriesState] = []
        /// The interval since each interface's previous reading (none for a first reading or
        /// a duplicate).
        public var rates: [InterfaceRate] = []
        /// Buckets the poll closed, at every resolution.
        public var closed: [ClosedTrafficSample] = []
    }

    /// Pairs each interface of `poll` with its earlier state among `states` (the device's):
    /// by series name (ifName, else ifDescr), else by MAC when exactly one earlier and one
    /// polled interface have it and the earlier one's name is not in this poll, else by ifIndex
    /// among earlier states with neither. Returns nil for a new interface.
    public static func match(_ poll: CounterPoll, to states: [TrafficSeriesState]) -> [TrafficSeriesState?] {
        var byName: [String: Int] = [:]
        for (n, s) in states.enumerated() { byName[s.key.interface] = n }
        let polledNames = Set(poll.interfaces.map(\.seriesName))
        var used = Set<Int>()
        var result: [TrafficSeriesState?] = Array(repeating: nil, count: poll.interfaces.count)
        for (k, i) in poll.interfaces.enumerated() {
            if let n = byName[i.seriesName], !used.contains(n) { result[k] = states[n]; used.insert(n) }
        }
        let polledMACs = Dictionary(grouping: poll.interfaces.compactMap(\.mac), by: { $0 }).filter { $0.value.count == 1 }
        var knownMACs: [MACAddress: [Int]] = [:]
        for (n, s) in states.enumerated() { if let m = s.mac { knownMACs[m, default: []].append(n) } }
        for (k, i) in poll.interfaces.enumerated() where result[k] == nil {
            guard let mac = i.mac, polledMACs[mac] != nil, let candidates = knownMACs[mac], candidates.count == 1,
                  let n = candidates.first, !used.contains(n), !polledNames.contains(states[n].key.interface) else { continue }
            result[k] = states[n]; used.insert(n)
        }
        for (k, i) in poll.interfaces.enumerated() where result[k] == nil {
            guard let n = states.indices.first(where: { !used.contains($0) && states[$0].ifIndex == i.ifIndex
                                                       && states[$0].name == nil && states[$0].descr == nil
                                                       && states[$0].key.interface == "ifIndex \(i.ifIndex)" }) else { continue }
            result[k] = states[n]; used.insert(n)
        }
        return result
    }

    /// Advances the device's series by one poll. `gapOver`: seconds beyond which an interval
    /// is a gap; `minInterval`: a reading closer than this to the previous one is a duplicate
    /// and ignored (its octets fall in the next interval).
    public static func advance(_ states: [TrafficSeriesState], with poll: CounterPoll, gapOver: TimeInterval,
                               minInterval: TimeInterval = 1) -> Step {
        var step = Step()
        let matched = match(poll, to: states)
        for (k, snap) in poll.interfaces.enumerated() {
            var s = matched[k] ?? TrafficSeriesState(key: TrafficSeriesKey(device: poll.device, interface: snap.seriesName))
            s.ifIndex = snap.ifIndex
            if snap.name != nil { s.name = snap.name }
            if snap.descr != nil { s.descr = snap.descr }
            if snap.alias != nil { s.alias = snap.alias }
            if snap.mac != nil { s.mac = snap.mac }
            if let sp = snap.speed { s.speed = sp }
            if let b = snap.reading(time: poll.time, sysUpTime: poll.sysUpTime) {
                advance(&s, to: b, gapOver: gapOver, minInterval: minInterval, into: &step)
            }
            step.states.append(s)
        }
        return step
    }

    /// Advances one series to reading `b`.
    public static func advance(_ s: inout TrafficSeriesState, to b: CounterReading, gapOver: TimeInterval, minInterval: TimeInterval = 1,
                               into step: inout Step) {
        guard let a = s.last else { s.last = b; return }
        let dt = b.time.timeIntervalSince(a.time)
        if dt >= 0 && dt < minInterval { return }
        let i = CounterInterval.between(a, b, gapOver: gapOver)
        step.rates.append(InterfaceRate(key: s.key, ifIndex: b.ifIndex, interval: i))
        s.last = b
        if i.kind == .rate { spread(i, over: &s, into: &step) }
        roll(&s, to: Int64(b.time.timeIntervalSince1970.rounded(.down)), into: &step)
    }

    /// Spreads a rate interval's octets, errors and discards over the 5-minute buckets it
    /// overlaps, in proportion to the overlap (so a longer interval after a missed poll is an
    /// average, never a burst). Pieces falling in buckets already closed are dropped.
    static func spread(_ i: CounterInterval, over s: inout TrafficSeriesState, into step: inout Step) {
        let t0 = max(i.start.timeIntervalSince1970, s.spreadUntil?.timeIntervalSince1970 ?? -.infinity)
        let t1 = i.end.timeIntervalSince1970, span = i.seconds
        guard span > 0, t1 > t0 else { return }
        s.spreadUntil = i.end
        let r = TrafficResolution.fiveMinutes
        var b = r.bucket(Int64(t0.rounded(.down)))
        while Double(b) < t1 {
            let lo = max(t0, Double(b)), hi = min(t1, Double(b + r.seconds))
            if hi > lo {
                roll(&s, to: b, into: &step)
                if var bucket = s.open[0], bucket.start == b {
                    let f = (hi - lo) / span
                    bucket.covered += hi - lo
                    bucket.inBits += Double(i.inOctets ?? 0) * 8 * f
                    bucket.outBits += Double(i.outOctets ?? 0) * 8 * f
                    bucket.inErrors += Double(i.inErrors ?? 0) * f
                    bucket.outErrors += Double(i.outErrors ?? 0) * f
                    bucket.inDiscards += Double(i.inDiscards ?? 0) * f
                    bucket.outDiscards += Double(i.outDiscards ?? 0) * f
                    s.open[0] = bucket
                }
            }
            b += r.seconds
        }
    }

    /// Closes every open bucket that ends at or before `t` (feeding each closed 5-minute
    /// sample into its hour and each hour into its day) and opens the 5-minute bucket holding
    /// `t` when it is later than the open one.
    static func roll(_ s: inout TrafficSeriesState, to t: Int64, into step: inout Step) {
        let tiers = TrafficResolution.allCases
        for (n, r) in tiers.enumerated() {
            let target = r.bucket(t)
            if let open = s.open[n], open.start < target {
                s.open[n] = nil
                if let sample = open.sample(peaks: n > 0) {
                    step.closed.append(ClosedTrafficSample(key: s.key, resolution: r, sample: sample))
                    if n + 1 < tiers.count { feed(sample, into: &s, tier: n + 1, step: &step) }
                }
            }
            if n == 0, (s.open[0]?.start ?? .min) < target { s.open[0] = TrafficBucket(start: target) }
        }
    }

    /// Adds a closed sample of the tier below into the open bucket of `tier`.
    static func feed(_ x: TrafficSample, into s: inout TrafficSeriesState, tier: Int, step: inout Step) {
        let r = TrafficResolution.allCases[tier]
        let start = r.bucket(x.start)
        if let open = s.open[tier], open.start != start {
            guard open.start < start else { return }
            s.open[tier] = nil
            if let sample = open.sample(peaks: true) {
                step.closed.append(ClosedTrafficSample(key: s.key, resolution: r, sample: sample))
                if tier + 1 < TrafficResolution.allCases.count { feed(sample, into: &s, tier: tier + 1, step: &step) }
            }
        }
        var b = s.open[tier] ?? TrafficBucket(start: start)
        let c = Double(x.covered)
        b.covered += c
        b.inBits += Double(x.inBPS) * c
        b.outBits += Double(x.outBPS) * c
        b.peakIn = max(b.peakIn, x.peakInBPS)
        b.peakOut = max(b.peakOut, x.peakOutBPS)
        b.inErrors += Double(x.inErrors); b.outErrors += Double(x.outErrors)
        b.inDiscards += Double(x.inDiscards); b.outDiscards += Double(x.outDiscards)
        s.open[tier] = b
    }
}

extension TrafficSample {
    /// Combines samples of a finer resolution into one bucket of `resolution` starting at
    /// `start` (averages weighted by coverage, peaks the highest); nil when none covered it.
    public static func rollup(_ samples: [TrafficSample], start: Int64) -> TrafficSample? { rollup(samples[...], start: start) }

    /// As `rollup(_:start:)`, for part of an array.
    public static func rollup(_ samples: ArraySlice<TrafficSample>, start: Int64) -> TrafficSample? {
        var b = TrafficBucket(start: start)
        for x in samples {
            let c = Double(x.covered)
            b.covered += c; b.inBits += Double(x.inBPS) * c; b.outBits += Double(x.outBPS) * c
            b.peakIn = max(b.peakIn, x.peakInBPS); b.peakOut = max(b.peakOut, x.peakOutBPS)
            b.inErrors += Double(x.inErrors); b.outErrors += Double(x.outErrors)
            b.inDiscards += Double(x.inDiscards); b.outDiscards += Double(x.outDiscards)
        }
        return b.sample(peaks: true)
    }
}

/// How long each kind of traffic data is kept.
public struct TrafficRetention: Sendable, Hashable {
    /// Raw per-poll intervals, 5-minute, hourly and daily samples: days each is kept.
    public var rawDays: Int
    public var fiveMinuteDays: Int
    public var hourlyDays: Int
    public var dailyDays: Int

    public init(rawDays: Int = 8, fiveMinuteDays: Int = 400, hourlyDays: Int = 1_100, dailyDays: Int = 3_660) {
        self.rawDays = rawDays; self.fiveMinuteDays = fiveMinuteDays; self.hourlyDays = hourlyDays; self.dailyDays = dailyDays
    }

    public func days(_ r: TrafficResolution) -> Int {
        switch r { case .fiveMinutes: fiveMinuteDays; case .hour: hourlyDays; case .day: dailyDays }
    }
}

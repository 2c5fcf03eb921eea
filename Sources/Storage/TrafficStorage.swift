import Foundation
import InventoryModel

/// What one counter poll (or one batch of sFlow counter samples) changes in the traffic
/// series, written in one transaction.
public struct TrafficBatch: Sendable {
    /// The new state of every interface polled (its last reading and open buckets).
    public var states: [TrafficSeriesState]
    /// The raw intervals since each interface's previous reading.
    public var rates: [InterfaceRate]
    /// Closed samples, in runs of one series and resolution.
    public var runs: [TrafficSampleRun]

    /// A batch; `samples` (closed buckets in any order) are grouped into runs of consecutive
    /// samples of one series and resolution, after `runs`.
    public init(states: [TrafficSeriesState] = [], rates: [InterfaceRate] = [], samples: [ClosedTrafficSample] = [],
                runs: [TrafficSampleRun] = []) {
        self.states = states; self.rates = rates
        var all = runs
        for c in samples {
            if let last = all.last, last.key == c.key, last.resolution == c.resolution {
                all[all.count - 1].samples.append(c.sample)
            } else {
                all.append(TrafficSampleRun(key: c.key, resolution: c.resolution, samples: [c.sample]))
            }
        }
        self.runs = all
    }

    public var isEmpty: Bool { states.isEmpty && rates.isEmpty && runs.isEmpty }
}

/// Samples of one series at one resolution (a backfill, or what a poll closed).
public struct TrafficSampleRun: Sendable, Hashable {
    public var key: TrafficSeriesKey
    public var resolution: TrafficResolution
    public var samples: [TrafficSample]
    /// Whether the store also writes the samples' rollups into every coarser resolution, each
    /// from the next finer one by `TrafficSample.rollups(_:to:)` (5 minutes to hours, hours to
    /// days): the same as the runs `expanded` gives, but a store may roll up as it goes
    /// through the samples once (a backfill, an import, the storage benchmark).
    public var withRollups: Bool

    public init(key: TrafficSeriesKey, resolution: TrafficResolution, samples: [TrafficSample], withRollups: Bool = false) {
        self.key = key; self.resolution = resolution; self.samples = samples; self.withRollups = withRollups
    }

    /// This run without `withRollups`, followed by its rollups as runs of their own (coarser
    /// resolutions in order): what the store writes for it.
    public var expanded: [TrafficSampleRun] {
        var out = [TrafficSampleRun(key: key, resolution: resolution, samples: samples)]
        guard withRollups else { return out }
        var finer = self
        while let coarser = finer.resolution.coarser {
            finer = TrafficSampleRun(key: key, resolution: coarser, samples: TrafficSample.rollups(finer.samples[...], to: coarser))
            out.append(finer)
        }
        return out
    }
}

extension TrafficBatch {
    /// The batch with every run's rollups as runs of their own (`TrafficSampleRun.expanded`),
    /// for a store or a spool that writes runs as they are.
    public var rollupsExpanded: TrafficBatch {
        guard runs.contains(where: \.withRollups) else { return self }
        var b = self
        b.runs = runs.flatMap(\.expanded)
        return b
    }
}

extension TrafficResolution {
    /// The next coarser resolution a run rolls up into (nil for a day).
    public var coarser: TrafficResolution? {
        switch self { case .fiveMinutes: .hour; case .hour: .day; case .day: nil }
    }
}

/// Interface traffic series: each interface's last reading (so a restarted collector continues
/// without a false spike), its raw intervals, and its samples at 5 minutes, an hour and a day,
/// kept as compact blocks (`TrafficBlockCodec`: one series over one time window per block).
public protocol TrafficStorage: TrafficSeriesWriting {
    /// The stored states of a device's interfaces.
    func trafficStates(device: String) throws(StoreError) -> [TrafficSeriesState]
    /// Every series (its identity, speed and last reading), ordered by device and interface;
    /// only a device's when given.
    func trafficSeries(device: String?) throws(StoreError) -> [TrafficSeriesState]
    /// Writes a batch in one transaction: states replaced, intervals appended, samples merged
    /// into their blocks (a sample replaces one with the same start). A committed batch
    /// survives a crash whole; a failed one leaves nothing.
    func record(traffic: TrafficBatch) throws(StoreError)
    /// Samples at `resolution` starting in [from, to) of the given series (every series when
    /// nil), ordered by start; series without samples are absent.
    func trafficSamples(_ keys: [TrafficSeriesKey]?, resolution: TrafficResolution, from: Date, to: Date)
        throws(StoreError) -> [TrafficSeriesKey: [TrafficSample]]
    /// The statistics of the 5-minute samples starting in [from, to) of the given series
    /// (every series when nil), computed while the blocks are read (`TrafficStatistics.Accumulator`):
    /// a month for every interface without building every sample.
    func trafficStatistics(_ keys: [TrafficSeriesKey]?, from: Date, to: Date) throws(StoreError) -> [TrafficSeriesKey: TrafficStatistics]
    /// Raw intervals of one series ending in [from, to), oldest first.
    func trafficIntervals(_ key: TrafficSeriesKey, from: Date, to: Date) throws(StoreError) -> [CounterInterval]
    /// The newest raw interval with rates (`kind == .rate`) ending in [from, to) of each series
    /// (every series when nil), in one read: what "traffic now" shows for every interface.
    func latestTrafficRates(_ keys: [TrafficSeriesKey]?, from: Date, to: Date) throws(StoreError) -> [TrafficSeriesKey: CounterInterval]
    /// Deletes raw intervals and blocks wholly older than the retention allows at `now`.
    /// Returns the number of rows deleted.
    @discardableResult
    func pruneTraffic(retention: TrafficRetention, now: Date) throws(StoreError) -> Int
}

extension TrafficStorage {
    /// One read per series: correct for any backend; a backend overrides it with one query.
    public func latestTrafficRates(_ keys: [TrafficSeriesKey]?, from: Date, to: Date) throws(StoreError) -> [TrafficSeriesKey: CounterInterval] {
        var out: [TrafficSeriesKey: CounterInterval] = [:]
        let all: [TrafficSeriesKey]
        if let keys { all = keys } else { all = try trafficSeries(device: nil).map(\.key) }
        for key in all {
            let intervals = try trafficIntervals(key, from: from, to: to)
            if let last = intervals.last(where: { $0.kind == .rate }) { out[key] = last }
        }
        return out
    }
}

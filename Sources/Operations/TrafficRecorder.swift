import Foundation
import InventoryModel
import Settings
import Storage

/// Records interface traffic: each counter poll (SNMP, from the collector daemon) or batch of
/// sFlow counter samples advances the interfaces' series through `TrafficTracker` (the one
/// arithmetic, `CounterInterval.between`) and is written in one transaction with the
/// interfaces' new states, so a poll is either wholly stored or not at all, and a restarted
/// collector continues every series from its stored state without a false spike.
///
/// ```swift
/// let recorder = TrafficRecorder(store: store, settings: config.traffic, clock: SystemClock())
/// let rates = try recorder.record(poll, pollInterval: 60)   // one InterfaceRate per interface with a previous reading
/// ```
///
/// Calls for different devices may run concurrently; calls for one device must not (the
/// daemon polls a device once at a time).
public struct TrafficRecorder: Sendable {
    /// The store the series are kept and pruned in; nil when writing into a fleet collector's spool.
    public let store: (any TrafficStorage)?
    /// Where states are read and batches written: the store, or a fleet collector's spool.
    public let writer: any TrafficSeriesWriting
    public let settings: TrafficSettings
    public let clock: any WallClock

    public init(store: any TrafficStorage, settings: TrafficSettings = TrafficSettings(), clock: any WallClock) {
        self.store = store; self.writer = store; self.settings = settings; self.clock = clock
    }

    /// A recorder writing into `writer` only (a fleet collector's spool, which the central
    /// store receives by replay); it prunes nothing.
    public init(writer: any TrafficSeriesWriting, settings: TrafficSettings = TrafficSettings(), clock: any WallClock) {
        self.store = nil; self.writer = writer; self.settings = settings; self.clock = clock
    }

    /// Records one counter poll of one device and returns the interval each interface's
    /// counters gave since its previous reading (rate, reset or gap, with the reason). An
    /// interface seen for the first time has no interval yet.
    ///
    /// - Parameter pollInterval: the device's configured poll interval (seconds); an interval
    ///   longer than `gap_factor` times it (or `max_gap_seconds`) is a gap.
    @discardableResult
    public func record(_ poll: CounterPoll, pollInterval: TimeInterval = 60) throws(StoreError) -> [InterfaceRate] {
        try record([poll], pollInterval: pollInterval)
    }

    /// Records several polls (of one or many devices, in any order) in one transaction.
    @discardableResult
    public func record(_ polls: [CounterPoll], pollInterval: TimeInterval) throws(StoreError) -> [InterfaceRate] {
        guard !polls.isEmpty else { return [] }
        let gapOver = settings.policy.gapThreshold(median: pollInterval)
        // A poll every second jitters by tens of milliseconds: only a reading closer than half
        // the interval is a duplicate, so each poll of a 1 s schedule gives its own interval.
        let minInterval = min(settings.policy.minInterval, pollInterval / 2)
        var written: [TrafficSeriesState] = [], rates: [InterfaceRate] = [], closed: [ClosedTrafficSample] = []
        var byDevice: [String: [CounterPoll]] = [:]
        for p in polls { byDevice[p.device, default: []].append(p) }
        for (device, list) in byDevice.sorted(by: { $0.key < $1.key }) {
            var states: [TrafficSeriesKey: TrafficSeriesState] = [:]
            for s in try writer.trafficStates(device: device) { states[s.key] = s }
            var touched = Set<TrafficSeriesKey>()
            for p in list.enumerated().sorted(by: { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }).map(\.element) {
                let step = TrafficTracker.advance(states.values.sorted { $0.key < $1.key }, with: p, gapOver: gapOver,
                                                  minInterval: minInterval)
                for s in step.states { states[s.key] = s; touched.insert(s.key) }
                rates += step.rates
                closed += step.closed
            }
            written += touched.sorted().compactMap { states[$0] }
        }
        // Grouped by series, so each block is written once.
        closed.sort { ($0.key, $0.resolution, $0.sample.start) < ($1.key, $1.resolution, $1.sample.start) }
        try writer.record(traffic: TrafficBatch(states: written, rates: rates, samples: closed))
        return rates
    }

    /// Records sFlow counter samples into the same series: the agent's address is the device,
    /// "ifIndex N" the interface (sFlow names no interface). Samples of one agent may come in
    /// any order; duplicates (the same sample heard at two capture points) are ignored.
    @discardableResult
    public func record(sFlowCounters samples: [InterfaceCounterSighting]) throws(StoreError) -> [InterfaceRate] {
        let polls = samples.map { s in
            CounterPoll(device: s.agent.description, time: s.sampledAt, interfaces: [
                InterfaceCounterSnapshot(ifIndex: s.ifIndex, speed: s.ifSpeed > 0 ? UInt64(clamping: s.ifSpeed) : nil,
                                         hcInOctets: UInt64(clamping: s.inOctets), hcOutOctets: UInt64(clamping: s.outOctets),
                                         inErrors: UInt32(clamping: s.inErrors), outErrors: UInt32(clamping: s.outErrors)),
            ])
        }
        return try record(polls, pollInterval: settings.sflowIntervalSeconds)
    }

    /// Deletes what the retention no longer keeps; returns the rows deleted.
    @discardableResult
    public func prune() throws(StoreError) -> Int {
        guard let store else { return 0 }
        return try store.pruneTraffic(retention: settings.retention, now: clock.now())
    }
}

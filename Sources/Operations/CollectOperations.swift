import Collectors
import Foundation
import InventoryModel
import Settings
import Storage

/// Poll and record (`pantau collect`, and the coming daemon): every target polled
/// concurrently, each outcome written to the store as soon as it arrives (one transaction
/// per device), so a crash loses at most the polls still in flight. One failing device
/// never stops the others; a store that fails as a whole (`.unusable`) is reported once.
public struct PollAndRecord: Sendable {
    public let collector: Collector
    /// Where outcomes go: the store (`StorePollSink`), as sampling's windows go to theirs.
    public let sink: any PollSink
    public let clock: any WallClock

    public init(collector: Collector, sink: any PollSink, clock: any WallClock) {
        self.collector = collector
        self.sink = sink
        self.clock = clock
    }

    /// Polling into the store.
    public init(collector: Collector, store: any InventoryStorage, clock: any WallClock) {
        self.init(collector: collector, sink: StorePollSink(store: store), clock: clock)
    }

    /// One device's poll as recorded.
    public struct Device: Sendable {
        public var outcome: PollOutcome
        /// The changes recorded for it (empty when the store write failed).
        public var changes: [InventoryChange]
        /// Why the outcome could not be stored, if it could not.
        public var storeError: StoreError?
        /// Answered and stored.
        public var ok: Bool { storeError == nil && (try? outcome.result.get()) != nil }
    }

    /// The whole run.
    public struct Summary: Sendable {
        public var devices: [Device]
        public var seconds: Double
        public var failed: Int { devices.filter { !$0.ok }.count }
        /// The store failed as a whole (damaged, from a newer Pantau): recording stopped there.
        public var unusableStore: StoreError? { devices.lazy.compactMap(\.storeError).first { $0.kind == .unusable } }
    }

    /// Polls `targets`, recording each as it finishes; `onEach` sees each device (in completion
    /// order) with the count done so far. Devices come back in the targets' order.
    public func run(_ targets: [PantauConfig.Target], onEach: @Sendable (Device, _ done: Int, _ total: Int) -> Void = { _, _, _ in })
        async -> Summary {
        let started = ContinuousClock.now
        let recorded = Recorded()
        let outcomes = await collector.pollAll(targets) { outcome, done, total in
            let device = record(outcome, after: recorded.unusable)
            recorded.set(outcome.name, device)
            onEach(device, done, total)
        }
        return Summary(devices: outcomes.map { recorded.get($0.name) ?? record($0, after: recorded.unusable) },
                       seconds: (ContinuousClock.now - started).inSeconds)
    }

    /// Records one outcome; a store failure is kept with the device, never thrown. Once the
    /// store has proved unusable nothing more is written to it.
    func record(_ outcome: PollOutcome, after unusable: StoreError? = nil) -> Device {
        if let unusable { return Device(outcome: outcome, changes: [], storeError: unusable) }
        do {
            return Device(outcome: outcome, changes: try sink.write(outcome), storeError: nil)
        } catch {
            return Device(outcome: outcome, changes: [], storeError: error)
        }
    }

    /// The devices recorded so far in one run, by target name (names are unique in a configuration).
    final class Recorded: @unchecked Sendable {
        private let lock = NSLock()
        private var byName: [String: Device] = [:]
        private var firstUnusable: StoreError?
        func set(_ name: String, _ d: Device) {
            lock.withLock {
                byName[name] = d
                if firstUnusable == nil, let e = d.storeError, e.kind == .unusable { firstUnusable = e }
            }
        }
        var unusable: StoreError? { lock.withLock { firstUnusable } }
        func get(_ name: String) -> Device? { lock.withLock { byName[name] } }
    }
}

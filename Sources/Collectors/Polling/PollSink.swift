import InventoryModel
import Storage

/// The last stage of polling: where each device's outcome goes, as the sampler's windows go
/// to a `SightingSink`. The store is the sink today; a spooling sink (a collector cut off from
/// a central store by a WAN outage) or a fan-out can stand in without the collector changing.
public protocol PollSink: Sendable {
    /// Records one outcome and returns the changes it made against what was known.
    func write(_ outcome: PollOutcome) throws(StoreError) -> [InventoryChange]
}

/// The store as a poll sink: each outcome in one transaction of its own.
public struct StorePollSink: PollSink {
    let store: any InventoryStorage

    public init(store: any InventoryStorage) { self.store = store }

    public func write(_ outcome: PollOutcome) throws(StoreError) -> [InventoryChange] { try store.record(outcome) }
}

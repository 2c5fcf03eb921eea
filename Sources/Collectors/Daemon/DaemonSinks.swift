import Foundation
import InventoryModel
import Storage

/// Where the daemon's counter polls go: the traffic time series (which turns successive
/// polls of a device into rates). Each poll is one device's interface counters exactly as the
/// agent answered; the sink owns all counter arithmetic. `interval` is the target's polling
/// interval (seconds), against which a missed poll is told from a normal one.
public protocol CounterPollSink: Sendable {
    func record(_ poll: CounterPoll, interval: Double) async throws
}

/// Where the daemon's status polls go: the uptime store, one transaction per poll.
public protocol StatusPollSink: Sendable {
    func record(_ poll: StatusPoll) async throws
}

/// The store as the status-poll sink.
public struct StoreStatusPollSink: StatusPollSink {
    let store: any UptimeStorage
    public init(store: any UptimeStorage) { self.store = store }
    public func record(_ poll: StatusPoll) async throws { try store.record(status: poll) }
}

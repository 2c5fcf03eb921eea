import Foundation
import InventoryModel

/// Uptime: the collector daemon's status polls, one row per poll of each device, from which
/// outages, reboots and availability are computed (`InventoryModel.Uptime`). Each poll is
/// committed on its own as it is made, so a killed collector loses none that were recorded.
public protocol UptimeStorage: Sendable {
    /// Records one status poll (one transaction).
    func record(status poll: StatusPoll) throws(StoreError)
    /// Status polls ordered by device then time, of one device or of one PD's devices (all when
    /// both are nil), made in [from, to). For each device the polls start earlier, at its last
    /// answered poll before `from`, so an outage or a reboot across the period's start is seen whole.
    func statusPolls(device: String?, pd: String?, from: Date?, to: Date?) throws(StoreError) -> [StatusPoll]
}

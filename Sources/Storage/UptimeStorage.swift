import Foundation
import InventoryModel

/// Uptime: the collector daemon's status polls, one row per poll of each device, from which
/// outages, reboots and availability are computed (`InventoryModel.Uptime`). Each poll is
/// committed on its own as it is made, so a killed collector loses none that were recorded.
///
/// Beside the raw polls the store keeps the uptime rollup (`InventoryModel.UptimeRollup`),
/// updated in each poll's transaction: per device its latest status and rollup state, per
/// device and day (of the active profile's UTC offset) the settled monitored seconds, the runs of
/// unanswered polls with the monitored seconds inside each, and the restarts with their
/// evidence. Reports over whole days read it instead of the raw polls, which may then be
/// pruned (`pruneStatusPolls`).
public protocol UptimeStorage: Sendable {
    /// Records one status poll and updates the rollup (one transaction).
    func record(status poll: StatusPoll) throws(StoreError)
    /// Status polls ordered by device then time, of one device or of one PD's devices (all when
    /// both are nil; a PD's devices are those ever polled as the PD's), made in [from, to). For
    /// each device the polls start earlier, at its last answered poll before `from` (at its first
    /// poll when none answered before), and end later, at its first answered poll at or after
    /// `to` (all its later polls when none answered), so an outage or a reboot across either end
    /// of the period is seen whole.
    func statusPolls(device: String?, pd: String?, from: Date?, to: Date?) throws(StoreError) -> [StatusPoll]
    /// The same polls, handed to `body` as they are read (memory bounded by one poll).
    func forEachStatusPoll(device: String?, pd: String?, from: Date?, to: Date?, _ body: (StatusPoll) throws -> Void) throws(StoreError)

    /// Each device's rollup state and latest status, by device name (the same device and PD filters).
    func uptimeStates(device: String?, pd: String?) throws(StoreError) -> [UptimeDeviceState]
    /// Per device, the rollup's days in [from, to) (the same filters).
    func uptimeDays(device: String?, pd: String?, from: Date, to: Date) throws(StoreError) -> [String: UptimeDaysSummary]
    /// Ended runs of unanswered polls with start < to and end > from, each with the monitored
    /// seconds inside its down span on the days in [from, to) (the same filters).
    func uptimeRuns(device: String?, pd: String?, from: Date, to: Date) throws(StoreError) -> [UptimeRunInPeriod]
    /// Restarts (with evidence) timed in [from, to) (the same filters).
    func uptimeRestarts(device: String?, pd: String?, from: Date, to: Date) throws(StoreError) -> [RestartEvent]
    /// Each device's polls from its last answered poll on (all of them when it never answered),
    /// by device then time, handed to `body` as read.
    func forEachStatusPollSinceLastAnswer(device: String?, pd: String?, _ body: (StatusPoll) throws -> Void) throws(StoreError)
    /// Builds the rollup again from the raw polls (of one device, or all): what the migration
    /// does for a store made before the rollup, and what a store does itself for a poll recorded
    /// out of order. Returns the polls replayed.
    @discardableResult
    func rebuildUptimeRollup(device: String?) throws(StoreError) -> Int
    /// Deletes raw status polls older than `keepDays` days before `now`, except each device's
    /// last answered poll and those after it (the rollup's pending stretch); the rollup stays.
    /// Returns the polls deleted.
    func pruneStatusPolls(keepDays: Int, now: Date) throws(StoreError) -> Int
}

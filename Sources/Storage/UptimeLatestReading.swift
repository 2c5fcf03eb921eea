import Foundation
import InventoryModel

/// A device's latest status as the uptime rollup's columns hold it (`uptime_latest`), read
/// without decoding the device's rollup state.
public struct UptimeLatestRow: Sendable, Hashable {
    public var device: String
    /// The PD of its last poll.
    public var pd: String?
    /// Its last poll, and whether that poll was answered.
    public var lastPoll: Date
    public var up: Bool
    /// When the current answered or unanswered streak began.
    public var since: Date
    /// Its last answered poll (nil: it never answered).
    public var lastAnswered: Date?

    public init(device: String, pd: String?, lastPoll: Date, up: Bool, since: Date, lastAnswered: Date?) {
        self.device = device; self.pd = pd; self.lastPoll = lastPoll; self.up = up; self.since = since; self.lastAnswered = lastAnswered
    }
}

/// What the rollup holds for some devices over one period: what `UptimeRollup.figures` reads
/// besides a device's last answered poll (restarts aside).
public struct UptimeRollupParts: Sendable, Hashable {
    /// The rollup's days in [from, to), by device (as `UptimeStorage.uptimeDays`).
    public var days: [String: UptimeDaysSummary]
    /// The ended runs overlapping [from, to), by device (as `UptimeStorage.uptimeRuns`).
    public var runs: [String: [UptimeRunInPeriod]]
    /// Each device's polls from its last answered poll on, oldest first (as
    /// `UptimeStorage.forEachStatusPollSinceLastAnswer`).
    public var tails: [String: [StatusPoll]]

    public init(days: [String: UptimeDaysSummary] = [:], runs: [String: [UptimeRunInPeriod]] = [:], tails: [String: [StatusPoll]] = [:]) {
        self.days = days; self.runs = runs; self.tails = tails
    }
}

/// The uptime rollup read narrowly, for any set of devices at once: what a console showing
/// every device's status and availability today needs (the dashboard). Each device's latest
/// status comes from the rollup's columns (`UptimeStorage.uptimeStates` decodes every
/// device's JSON state), and the other parts are read for a list of devices in one query
/// each, so a refresh reads again only the devices polled since the last one.
public protocol UptimeLatestReading: Sendable {
    /// The latest status of `devices` (every device in the rollup when nil), ordered by device;
    /// a device never polled is absent.
    func uptimeLatest(devices: [String]?) throws(StoreError) -> [UptimeLatestRow]
    /// The rollup's days, ended runs and pending polls of `devices` (every device when nil)
    /// over [from, to): the same values as `uptimeDays`, `uptimeRuns` and
    /// `forEachStatusPollSinceLastAnswer` give for each device alone.
    func uptimeParts(devices: [String]?, from: Date, to: Date) throws(StoreError) -> UptimeRollupParts
}

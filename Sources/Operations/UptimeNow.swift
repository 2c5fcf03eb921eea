import Foundation
import InventoryModel
import Storage

/// Each device's status at its last poll and its availability over one period (today, for the
/// NOC dashboard), as a console that shows every device reads them again every few seconds.
/// The figures are `UptimeReport`'s for the same period (tested equal on both backends), read
/// through `UptimeLatestReading`: no device's rollup state is decoded, and `refreshed` reads
/// again only the devices polled since (each device's last poll, from the rollup's columns,
/// says which), so one new status poll costs a few rows, not the regency.
public struct UptimeNow: Sendable, Equatable {
    /// One device's figures over the period.
    public struct Device: Sendable, Equatable {
        public var availability: DeviceAvailability
        /// Its last poll in the period, and whether that poll was answered.
        public var lastPoll: Date
        public var upAtLastPoll: Bool
        public var availabilityPercent: Double { availability.availability * 100 }
    }

    public let period: ReportPeriod
    public let downAfter: Int
    /// The devices monitored in the period, by name.
    public private(set) var devices: [String: Device]
    /// Every device in the rollup: its last poll of all (what moves when it is polled again).
    public private(set) var polledAt: [String: Date]
    /// The devices read by the last `read` or `refreshed` (every device for `read`).
    public private(set) var devicesRead: Int
    /// The devices whose figures `refreshed` may have changed: those read again and those gone
    /// (nil after `read`: every device is new).
    public private(set) var changed: Set<String>?

    /// Every device's figures over `period` at `now`.
    public static func read(store: any UptimeStorage & UptimeLatestReading, period: ReportPeriod, now: Date, downAfter: Int = 2) throws -> UptimeNow {
        let latest = try store.uptimeLatest(devices: nil)
        var out = UptimeNow(period: period, downAfter: downAfter, devices: [:],
                            polledAt: Dictionary(latest.map { ($0.device, $0.lastPoll) }) { a, _ in a }, devicesRead: latest.count)
        try out.compute(latest, parts: try store.uptimeParts(devices: nil, from: period.start, to: period.end), store: store, now: now)
        return out
    }

    /// These figures moved to `now`: the devices polled since (or new, or gone) read again, the
    /// others kept. For the same period only (a new day is a new `read`).
    public func refreshed(store: any UptimeStorage & UptimeLatestReading, now: Date) throws -> UptimeNow {
        let all = try store.uptimeLatest(devices: nil)
        var out = self
        // One lookup per device; the devices' last polls copied only when one moved or went.
        var changed: [UptimeLatestRow] = []
        var seen = 0
        for row in all {
            let was = polledAt[row.device]
            if was != nil { seen += 1 }
            if was != row.lastPoll { changed.append(row) }
        }
        var touched = Set(changed.map(\.device))
        for row in changed { out.polledAt[row.device] = row.lastPoll }
        if seen != polledAt.count {
            let now = Set(all.map(\.device))
            for gone in polledAt.keys where !now.contains(gone) { out.polledAt[gone] = nil; out.devices[gone] = nil; touched.insert(gone) }
        }
        out.devicesRead = changed.count
        out.changed = touched
        guard !changed.isEmpty else { return out }
        let names = changed.map(\.device)
        for d in names { out.devices[d] = nil }
        try out.compute(changed, parts: try store.uptimeParts(devices: names, from: period.start, to: period.end), store: store, now: now)
        return out
    }

    /// Each device's figures from the rollup parts (its raw polls when the rollup cannot cut the period there).
    mutating func compute(_ latest: [UptimeLatestRow], parts: UptimeRollupParts, store: any UptimeStorage, now: Date) throws {
        for l in latest {
            let days = parts.days[l.device]
            let plan = UptimeRollup.plan(answered: l.lastAnswered, days: days, period: period, now: now)
            let figures: DeviceUptimeFigures?
            if plan == .raw {
                figures = try UptimeReport.figures(store, device: l.device, pd: nil, period: period, now: now, downAfter: downAfter).devices.first
            } else {
                figures = UptimeRollup.figures(device: l.device, answered: l.lastAnswered, days: days, runs: parts.runs[l.device] ?? [], restarts: [],
                                               tail: plan == .rollupAndTail ? parts.tails[l.device] ?? [] : [], period: period, now: now,
                                               downAfter: downAfter)
            }
            if let f = figures { devices[l.device] = Device(availability: f.availability, lastPoll: f.lastPoll, upAtLastPoll: f.upAtLastPoll) }
            // Polled at `now` or after (no time monitored yet): read again at the next refresh, not kept as nothing.
            if figures == nil && l.lastPoll >= now { polledAt[l.device] = nil }
        }
    }

    /// Availability over the period by PD (`GroupAvailability`, as `UptimeReport`'s `pds`).
    public var pds: [GroupAvailability] {
        GroupAvailability.by(devices.keys.sorted().map { devices[$0]!.availability }, \.pd)
    }

    /// The newest poll in the period.
    public var latestPoll: Date? { devices.values.map(\.lastPoll).max() }
}

import Foundation
import InventoryModel
import Operations
import Storage

/// Today's uptime as the dashboard shows it: each device's status at its last status poll
/// and its availability today, each PD's availability today, and the newest status poll.
///
/// The one place the dashboard asks for uptime (the seam to the uptime use case): `UptimeNow`,
/// the same figures as `UptimeReport` for today, read narrowly; `refreshed` reads again only the
/// devices polled since the last read.
struct UptimeToday: Sendable, Equatable {
    struct Device: Sendable, Equatable {
        var device: String
        var pd: String?
        var upAtLastPoll: Bool
        var lastPoll: Date
        var availabilityPercent: Double
    }
    var devices: [Device]
    /// Availability today by PD code.
    var pds: [String: Double]
    var latestPoll: Date?
    /// What it was made from (kept for `refreshed`).
    var source: UptimeNow

    init(_ now: UptimeNow) {
        source = now
        devices = now.devices.keys.sorted().map { name in
            let d = now.devices[name]!
            return Device(device: name, pd: d.availability.pd, upAtLastPoll: d.upAtLastPoll, lastPoll: d.lastPoll, availabilityPercent: d.availabilityPercent)
        }
        pds = Dictionary(now.pds.map { ($0.group, $0.availability * 100) }) { a, _ in a }
        latestPoll = now.latestPoll
    }

    static func read(store: any PantauStorage, clock: any WallClock) throws -> UptimeToday {
        let now = clock.now()
        let period = try store.reportPeriod("today", now: now).period
        return UptimeToday(try UptimeNow.read(store: store, period: period, now: now))
    }

    /// The same day moved to the clock's now: only the devices polled since are read again.
    func refreshed(store: any PantauStorage, clock: any WallClock) throws -> UptimeToday {
        UptimeToday(try source.refreshed(store: store, now: clock.now()))
    }
}

import Foundation
import InventoryModel
import Operations
import Storage

/// Today's uptime as the dashboard shows it: each device's status at its last status poll
/// and its availability today, each PD's availability today, and the newest status poll.
///
/// The one place the dashboard asks for uptime (the seam to the uptime use case): today it is
/// `UptimeReport` over today's status polls, which is most of a load on a large regency
/// (BENCHMARKS.md, issue 18); when the uptime storage keeps each device's latest status and
/// the day's availability as polls arrive, only `read` changes.
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

    static func read(store: any PantauStorage, clock: any WallClock) throws -> UptimeToday {
        let report = try UptimeReport(store: store, clock: clock).run(.init(period: "today"))
        let devices = report.devices.map {
            Device(device: $0.device, pd: $0.pd, upAtLastPoll: $0.upAtLastPoll, lastPoll: $0.lastPoll, availabilityPercent: $0.availabilityPercent)
        }
        return UptimeToday(devices: devices, pds: Dictionary(report.pds.map { ($0.group, $0.availabilityPercent) }) { a, _ in a },
                           latestPoll: devices.map(\.lastPoll).max())
    }
}

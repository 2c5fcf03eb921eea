import Foundation
import InventoryModel
import Operations
import Storage

/// Today's uptime as the dashboard shows it: each device's status at its last status poll
/// and its availability today, each PD's availability today, and the newest status poll.
///
/// The one place the dashboard asks for uptime (the seam to the uptime use case): `UptimeNow`,
/// the same figures as `UptimeReport` for today, read narrowly; `refreshed` reads again only the
/// devices polled since the last read, and sums again only their PDs' availability.
struct UptimeToday: Sendable, Equatable {
    struct Device: Sendable, Equatable {
        var device: String
        var pd: String?
        var upAtLastPoll: Bool
        var lastPoll: Date
        var availabilityPercent: Double
    }
    /// Availability today by PD code.
    var pds: [String: Double]
    var latestPoll: Date?
    /// What it was made from (kept for `refreshed`).
    var source: UptimeNow
    /// The devices whose figures may differ from those of the `UptimeToday` this one was
    /// refreshed from (nil: a whole read, every device).
    var changed: Set<String>?
    /// Each PD's devices in name order (the order `UptimeReport` sums a PD's availability in).
    var members: [String: [String]]

    init(_ now: UptimeNow) {
        source = now
        changed = nil
        members = Self.members(now)
        pds = [:]
        for (pd, names) in members { pds[pd] = Self.availability(pd, names, now) }
        latestPoll = now.latestPoll
    }

    /// `now`, refreshed from `previous`'s source: only the PDs of the devices that changed summed again.
    static func refreshed(_ now: UptimeNow, after previous: UptimeToday) -> UptimeToday {
        guard let changed = now.changed else { return UptimeToday(now) }
        var out = previous
        out.source = now
        out.changed = changed
        guard !changed.isEmpty else { return out }
        // A device new, gone or in another PD: the PDs' members again (rare: a new device, a PD changed).
        let moved = changed.contains { name in
            guard let was = previous.source.devices[name], let is_ = now.devices[name] else { return true }
            return was.availability.pd != is_.availability.pd
        }
        var pdsChanged = Set<String>()
        if moved {
            out.members = members(now)
            pdsChanged = Set(out.members.keys).union(previous.members.keys)
        } else {
            for name in changed { if let pd = now.devices[name]?.availability.pd { pdsChanged.insert(pd) } }
        }
        for pd in pdsChanged { out.pds[pd] = out.members[pd].map { availability(pd, $0, now) } }
        // The newest poll: from the changed devices alone unless one of them held it and is older now.
        if let latest = previous.latestPoll,
           changed.allSatisfy({ previous.source.devices[$0]?.lastPoll != latest || (now.devices[$0]?.lastPoll ?? .distantPast) >= latest }) {
            out.latestPoll = changed.compactMap { now.devices[$0]?.lastPoll }.reduce(latest, max)
        } else {
            out.latestPoll = now.latestPoll
        }
        return out
    }

    /// One device's figures (nil: not monitored today).
    func device(_ name: String) -> Device? {
        source.devices[name].map { d in
            Device(device: name, pd: d.availability.pd, upAtLastPoll: d.upAtLastPoll, lastPoll: d.lastPoll, availabilityPercent: d.availabilityPercent)
        }
    }

    static func members(_ now: UptimeNow) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for name in now.devices.keys.sorted() {
            if let pd = now.devices[name]!.availability.pd { out[pd, default: []].append(name) }
        }
        return out
    }

    /// A PD's availability as `UptimeNow.pds` (`GroupAvailability`) gives it, in percent.
    static func availability(_ pd: String, _ names: [String], _ now: UptimeNow) -> Double {
        GroupAvailability(group: pd, members: names.map { now.devices[$0]!.availability }).availability * 100
    }

    static func read(store: any PantauStorage, clock: any WallClock) throws -> UptimeToday {
        let now = clock.now()
        let period = try store.reportPeriod("today", now: now).period
        return UptimeToday(try UptimeNow.read(store: store, period: period, now: now))
    }

    /// The same day moved to the clock's now: only the devices polled since are read again.
    func refreshed(store: any PantauStorage, clock: any WallClock) throws -> UptimeToday {
        Self.refreshed(try source.refreshed(store: store, now: clock.now()), after: self)
    }
}

import Foundation
import Governance
import InventoryModel
import InventoryStore
import InventoryTesting
import Operations
import Storage
import Testing

/// `UptimeNow` (the dashboard's uptime: read narrowly, and again only for the devices polled
/// since) against `UptimeReport` for today, on both backends.
@Suite struct UptimeNowTests {
    /// 2026-11-28 00:00 WITA (UTC+8).
    static let day0 = Date(timeIntervalSince1970: 1_795_795_200)

    /// Polls of `devices` devices every 5 minutes from `from` to `to` (exclusive), with outages
    /// (some across midnight), a device that never answers and one that changes PD. Returns the last poll's time.
    @discardableResult
    static func polls(_ store: any UptimeStorage, devices: Range<Int>, from: Date, to: Date, seed: UInt64) throws -> Date {
        var rng = SplitMix64(seed: seed)
        var last = from
        for d in devices {
            var t = from.addingTimeInterval(Double(d * 7))
            var downLeft = d % 3 == 0 ? 3 : 0
            while t < to {
                if downLeft == 0 && rng.next() % 12 == 0 { downLeft = 1 + Int(rng.next() % 8) }
                let up = d != 4 && downLeft == 0
                if downLeft > 0 { downLeft -= 1 }
                let pd = d == 5 && t > from.addingTimeInterval(3600) ? "bapp" : ["dinkes", "bapp", "disdik"][d % 3]
                try store.record(status: StatusPoll(device: String(format: "dev-%02d", d), time: t, interval: 300, pd: pd, hosting: .pd,
                                                    reachable: up, sysUpTime: up ? UInt32(t.timeIntervalSince(from) * 100) + 1000 : nil,
                                                    error: up ? nil : "no response (timeout)"))
                last = max(last, t)
                t = t.addingTimeInterval(300)
            }
        }
        return last
    }

    static func expectSame(_ a: UptimeNow, _ report: UptimeReport.Result, _ ctx: String) {
        #expect(a.devices.keys.sorted() == report.devices.map(\.device), "\(ctx)")
        for r in report.devices {
            let d = a.devices[r.device]
            #expect(d?.availabilityPercent == r.availabilityPercent && d?.availability.monitoredSeconds == r.monitoredSeconds
                    && d?.availability.downSeconds == r.downSeconds, "\(ctx): \(r.device)")
            #expect(d?.lastPoll == r.lastPoll && d?.upAtLastPoll == r.upAtLastPoll && d?.availability.pd == r.pd, "\(ctx): \(r.device)")
        }
        #expect(a.pds.map { "\($0.group) \($0.availability * 100)" } == report.pds.map { "\($0.group) \($0.availabilityPercent)" }, "\(ctx)")
    }

    /// A new store of `backend` with Manggarai's profile (at WITA) active since day 0.
    static func storeUnderManggarai(_ backend: StoreBackend, _ label: String) throws -> (TestStore, any PantauStorage) {
        let made = try backend.makeStore(label)
        let store = try made.open()
        var profile = try RegionalProfile.load(path: Lab.repo + "/config/profiles/manggarai.yaml")
        profile.utcOffsetHours = 8
        try store.activate(profile: profile, by: "test", at: Self.day0)
        return (made, store)
    }

    @Test("today's figures equal UptimeReport's; a refresh reads only the devices polled since (and new ones) and gives what a whole read gives",
          arguments: StoreBackend.allCases)
    func equalsTheReportAndRefreshes(backend: StoreBackend) throws {
        let (made, store) = try Self.storeUnderManggarai(backend, "uptime-now")
        defer { made.remove() }
        // Yesterday evening to this morning (WITA): outages across midnight.
        let last = try Self.polls(store, devices: 0..<6, from: Self.day0.addingTimeInterval(22 * 3600), to: Self.day0.addingTimeInterval(26 * 3600), seed: 7)
        let now1 = last.addingTimeInterval(600)
        let period = try store.reportPeriod("today", now: now1).period
        let reader = try made.open(.readOnly)
        let first = try UptimeNow.read(store: reader, period: period, now: now1)
        #expect(first.devices.count == 6 && first.devicesRead == 6 && first.polledAt.count == 6)
        Self.expectSame(first, try UptimeReport(store: reader, clock: FixedClock(now1)).run(.init(period: "today")), "first read")
        #expect(first.devices["dev-04"]?.upAtLastPoll == false && first.devices["dev-04"]?.availabilityPercent == 0)

        // Nothing polled since: nothing read again.
        let same = try first.refreshed(store: reader, now: now1.addingTimeInterval(5))
        #expect(same.devicesRead == 0 && same.devices == first.devices)

        // Devices 2 and 3 polled again (3 comes back or stays down), and a new device 9.
        let t1 = now1
        try Self.polls(store, devices: 2..<4, from: t1, to: t1.addingTimeInterval(900), seed: 8)
        try Self.polls(store, devices: 9..<10, from: t1, to: t1.addingTimeInterval(600), seed: 9)
        let now2 = t1.addingTimeInterval(1800)
        let refreshed = try first.refreshed(store: reader, now: now2)
        #expect(refreshed.devicesRead == 3)
        let whole = try UptimeNow.read(store: reader, period: period, now: now2)
        #expect(refreshed.devices == whole.devices && refreshed.polledAt == whole.polledAt)
        Self.expectSame(refreshed, try UptimeReport(store: reader, clock: FixedClock(now2)).run(.init(period: "today")), "refreshed")
        #expect(refreshed.devices["dev-09"] != nil && refreshed.devices["dev-00"] == first.devices["dev-00"])
    }

    @Test("a refresh says which devices it read again (new ones too); their figures are a whole read's",
          arguments: StoreBackend.allCases)
    func refreshSaysWhatChanged(backend: StoreBackend) throws {
        let (made, store) = try Self.storeUnderManggarai(backend, "uptime-now-changed")
        defer { made.remove() }
        let t0 = Self.day0.addingTimeInterval(9 * 3600)
        let last = try Self.polls(store, devices: 0..<3, from: t0, to: t0.addingTimeInterval(1800), seed: 3)
        let now1 = last.addingTimeInterval(30)
        let period = try store.reportPeriod("today", now: now1).period
        let reader = try made.open(.readOnly)
        let first = try UptimeNow.read(store: reader, period: period, now: now1)
        #expect(first.changed == nil)
        #expect(try first.refreshed(store: reader, now: now1).changed == [])
        // Device 1 polled again; new devices polled once: answered, unanswered, and at the refresh's very time.
        let now2 = now1.addingTimeInterval(20)
        for (d, up, at) in [(1, true, 3.0), (7, true, 7.0), (8, false, 8.0), (9, true, 20.0)] {
            try store.record(status: StatusPoll(device: "dev-0\(d)", time: now1.addingTimeInterval(at), interval: 300, pd: "bapp", hosting: .pd,
                                                reachable: up, sysUpTime: up ? 500_000 : nil, error: up ? nil : "no response (timeout)"))
        }
        let refreshed = try first.refreshed(store: reader, now: now2)
        let whole = try UptimeNow.read(store: reader, period: period, now: now2)
        #expect(refreshed.changed == ["dev-01", "dev-07", "dev-08", "dev-09"] && refreshed.devicesRead == 4)
        for d in refreshed.changed ?? [] { #expect(refreshed.devices[d] == whole.devices[d], "\(d)") }
        #expect(refreshed.devices["dev-07"] != nil && refreshed.devices["dev-08"]?.upAtLastPoll == false)
        // Device 9, polled at the refresh's very time, has no time monitored yet: read again at the next refresh.
        #expect(refreshed.devices["dev-09"] == nil && whole.devices["dev-09"] == nil)
        let now3 = now2.addingTimeInterval(10)
        let later = try refreshed.refreshed(store: reader, now: now3)
        let whole3 = try UptimeNow.read(store: reader, period: period, now: now3)
        #expect(later.changed == ["dev-09"] && later.devices["dev-09"] != nil && later.devices["dev-09"] == whole3.devices["dev-09"])
        #expect(later.polledAt == whole3.polledAt)
    }
}

import Foundation
import Governance
import InventoryModel
import InventoryStore
import InventoryTesting
import Operations
import Storage
import Testing

/// `TrafficReports.RecentUplinks` (the dashboard's uplink traffic, read again only for the
/// series written since) against a whole read, on both backends, with real counter polls
/// recorded by `TrafficRecorder`.
@Suite struct RecentUplinksTests {
    /// 2026-12-01 01:00 UTC (09:00 WITA), a 5-minute boundary.
    static let t0 = Date(timeIntervalSince1970: 1_796_086_800)

    static func poll(_ store: any PantauStorage, router: Int, minute: Int) throws {
        let time = t0.addingTimeInterval(Double(minute * 60))
        let interfaces = (0..<2).map { i -> InterfaceCounterSnapshot in
            var s = InterfaceCounterSnapshot(ifIndex: i + 1)
            s.name = "ge-0/0/\(i)"; s.speed = 1_000_000_000; s.operUp = true
            s.descr = "GigabitEthernet0/0/\(i)"; s.alias = i == 1 ? "WAN Telkom" : nil
            let octets = UInt64(minute) * UInt64((router + 1) * (i + 1)) * 75_000_000 + UInt64(minute * minute) * 1_000_000
            s.hcInOctets = octets; s.hcOutOctets = octets / 4
            return s
        }
        _ = try TrafficRecorder(store: store, clock: FixedClock(time))
            .record(CounterPoll(device: "rtr-\(router)", time: time, sysUpTime: UInt32(1_000_000 + minute * 6000), interfaces: interfaces))
    }

    /// A new store of `backend` with Manggarai's profile active since the day before t0 and a
    /// registry of one PD per uplink name: PD0p, whose router rtr-p names `uplinks[p]`.
    static func storeUnderManggarai(_ backend: StoreBackend, _ label: String, uplinks: [String]) throws -> (TestStore, any PantauStorage) {
        let made = try backend.makeStore(label)
        let store = try made.open()
        let profile = try RegionalProfile.load(path: Lab.repo + "/config/profiles/manggarai.yaml")
        try store.activate(profile: profile, by: "test", at: Self.t0.addingTimeInterval(-86_400))
        let dir = try Lab.temporaryDirectory(label)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var yaml = "format: pantau-registry/1\nregency: Kabupaten Contoh\npds:\n"
        for (p, uplink) in uplinks.enumerated() {
            yaml += """
                  - code: PD0\(p)
                    name: Perangkat Daerah \(p)
                    lan_managed_by: dinas
                    sites: [{id: kantor, name: Kantor \(p)}]
                    subnets: [10.\(p + 1).0.0/16]
                    boundary_routers: [{name: rtr-\(p), site: kantor, management_ip: 10.\(p + 1).0.1, uplink: "\(uplink)"}]
                    bandwidth: {approved_mbps: 100, reference: "ND \(p)", date: 2024-01-01}

                """
        }
        try yaml.write(toFile: dir + "/registry.yaml", atomically: true, encoding: .utf8)
        try store.saveRegistry(try PDRegistry.load(path: dir + "/registry.yaml", profile: profile), source: "registry.yaml", at: Self.t0)
        return (made, store)
    }

    @Test("a refresh reads only the uplinks polled since and gives what a whole read gives; a new 5-minute bucket reads all",
          arguments: StoreBackend.allCases)
    func refreshEqualsAWholeRead(backend: StoreBackend) throws {
        let (made, store) = try Self.storeUnderManggarai(backend, "recent-uplinks", uplinks: Array(repeating: "ge-0/0/0", count: 3))
        defer { made.remove() }
        // Routers 0 and 1 polled every minute for 20 minutes; router 2 never (its uplink has no series).
        for m in 0...20 { for r in 0..<2 { try Self.poll(store, router: r, minute: m) } }

        let reader = try made.open(.readOnly)
        let now = Self.t0.addingTimeInterval(20 * 60 + 30)
        let period = try reader.reportPeriod("today", now: now).period
        let first = try TrafficReports.RecentUplinks.read(period: period, now: now, store: reader)
        #expect(first.pds == (try TrafficReports.recentPDs(period: period, now: now, store: reader)))
        #expect(first.pds.map(\.pd) == ["PD00", "PD01", "PD02"] && first.pds[0].latestInBPS != nil && first.pds[2].uplinks[0].interface == nil)

        // Router 2 has no series: every refresh reads all. Once it has one, only what was polled since.
        try Self.poll(store, router: 2, minute: 20)
        let second = try first.refreshed(now: now.addingTimeInterval(5), store: reader)
        let whole2 = try TrafficReports.recentPDs(period: period, now: now.addingTimeInterval(5), store: reader)
        #expect(second.seriesRead == 3 && second.pds == whole2)
        let same = try second.refreshed(now: now.addingTimeInterval(10), store: reader)
        #expect(same.seriesRead == 0 && same.pds == second.pds)

        try Self.poll(store, router: 1, minute: 21)
        let now2 = Self.t0.addingTimeInterval(21 * 60 + 20)
        let third = try same.refreshed(now: now2, store: reader)
        #expect(third.seriesRead == 1)
        #expect(third.pds == (try TrafficReports.recentPDs(period: period, now: now2, store: reader)))
        #expect(third.pds[1] != same.pds[1] && third.pds[0] == same.pds[0])

        // Minutes on, in the next 5-minute bucket (router 0's last interval now 15 minutes old): a whole read.
        try Self.poll(store, router: 1, minute: 25)
        let now3 = Self.t0.addingTimeInterval(36 * 60)
        let fourth = try third.refreshed(now: now3, store: reader)
        let whole4 = try TrafficReports.recentPDs(period: period, now: now3, store: reader)
        #expect(fourth.seriesRead == 3 && fourth.pds == whole4)
        #expect(fourth.pds[0].latestInBPS == nil)
    }

    @Test("an uplink named as its interface is read by key; one named by its description or alias is found among the router's series",
          arguments: StoreBackend.allCases)
    func uplinksByNameDescriptionOrAlias(backend: StoreBackend) throws {
        // PD00's uplink by interface, PD01's by description, PD02's by alias, PD03's names nothing polled.
        let names = ["ge-0/0/1", "GigabitEthernet0/0/1", "WAN Telkom", "ether9"]
        let (made, store) = try Self.storeUnderManggarai(backend, "recent-uplinks-names", uplinks: names)
        defer { made.remove() }
        for m in 0...10 { for r in 0..<4 { try Self.poll(store, router: r, minute: m) } }

        let reader = try made.open(.readOnly)
        // The states by key are the router's own, and a key without a series is absent.
        let keys = [TrafficSeriesKey(device: "rtr-0", interface: "ge-0/0/1"), TrafficSeriesKey(device: "rtr-2", interface: "ge-0/0/0"),
                    TrafficSeriesKey(device: "rtr-3", interface: "ether9")]
        let byKey = try reader.trafficStates(keys)
        #expect(byKey.count == 2)
        for k in keys.prefix(2) { #expect(byKey[k] == (try reader.trafficStates(device: k.device)).first { $0.key == k }) }

        let now = Self.t0.addingTimeInterval(10 * 60 + 30)
        let period = try reader.reportPeriod("today", now: now).period
        let read = try TrafficReports.RecentUplinks.read(period: period, now: now, store: reader)
        #expect(read.pds.map { $0.uplinks.map(\.interface) } == [["ge-0/0/1"], ["ge-0/0/1"], ["ge-0/0/1"], [nil]])
        #expect(read.pds.prefix(3).allSatisfy { $0.series.count == 1 && $0.series[0].alias == "WAN Telkom" && $0.latestInBPS != nil })
        // A refresh after one router's poll reads its uplink again, the same as a whole read.
        try Self.poll(store, router: 1, minute: 11)
        let now2 = now.addingTimeInterval(40)
        let refreshed = try read.refreshed(now: now2, store: reader)
        #expect(refreshed.pds == (try TrafficReports.RecentUplinks.read(period: period, now: now2, store: reader)).pds)
    }
}

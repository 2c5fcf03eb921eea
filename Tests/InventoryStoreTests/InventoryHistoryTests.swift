import Foundation
import InventoryModel
import InventoryStore
import Storage
import InventoryTesting
import Testing

@Suite struct InventoryHistoryTests {
    func inventory(at t: Double, serial: String, alias: String, neighbors: [String], macs: [String]) -> DeviceInventory {
        var inv = DeviceInventory(agent: "udp:10.0.0.1:161", polledAt: Date(timeIntervalSince1970: t))
        inv.sysName = "core-sw1"
        inv.serial = serial
        inv.model = "CRS317-1G-16S+"
        var i1 = Interface(ifIndex: 1)
        i1.ifName = "ether1"
        i1.ifAlias = alias
        i1.operStatus = "up"
        var i2 = Interface(ifIndex: 2)
        i2.ifName = "ether2"
        inv.interfaces = [i1, i2]
        inv.neighbors = neighbors.map {
            var n = Neighbor(protocol: .lldp)
            n.localPort = "ether1"
            n.remoteChassisId = $0
            n.remotePort = "Gi0/1"
            return n
        }
        inv.forwarding = macs.map { ForwardingEntry(mac: $0, vlan: 20, ifIndex: 2) }
        return inv
    }

    func outcome(_ inv: DeviceInventory) -> PollOutcome {
        PollOutcome(name: "core-sw1", agent: inv.agent, pd: "DISKOMINFO", startedAt: inv.polledAt, duration: 0.2, result: .success(inv))
    }

    @Test func migratesAnEmptyFileAndReopens() throws {
        let dir = try Lab.temporaryDirectory("store")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/sub/pantau.sqlite"
        let store = try PantauStore(path: path)
        #expect(try store.appliedMigrations().contains("v1-inventory"))
        #expect(try store.devices().isEmpty)
        let again = try PantauStore(path: path)
        #expect(try again.appliedMigrations() == store.appliedMigrations())
    }

    @Test(arguments: StoreBackend.allCases)
    func historyAcrossPollsWhereTheDeviceChanged(backend: StoreBackend) throws {
        let made = try backend.makeStore("inventory")
        defer { made.remove() }
        let store = try made.open()
        let first = try store.record(outcome(inventory(at: 1000, serial: "AAA111", alias: "uplink",
                                                       neighbors: ["00:11:22:33:44:55"], macs: ["aa:bb:cc:00:00:01"])))
        #expect(first.isEmpty)  // the first poll is a baseline
        let second = try store.record(outcome(inventory(at: 2000, serial: "BBB222", alias: "uplink to core",
                                                        neighbors: ["00:11:22:33:44:66"],
                                                        macs: ["aa:bb:cc:00:00:01", "aa:bb:cc:00:00:02"])))
        let subjects = Set(second.map { "\($0.kind) \($0.subject)" })
        #expect(subjects.contains("changed serial"))
        #expect(subjects.contains("changed interface 1 (ether1) if_alias"))
        #expect(subjects.contains("added mac aa:bb:cc:00:00:02 vlan 20"))
        #expect(second.contains { $0.kind == "added" && $0.subject.hasPrefix("neighbor lldp") })
        #expect(second.contains { $0.kind == "removed" && $0.subject.hasPrefix("neighbor lldp") })
        #expect(second.first { $0.subject == "serial" }?.oldValue == "AAA111")

        let fdb = try store.sightings(device: "core-sw1", of: "fdb")
        #expect(fdb.count == 2)
        #expect(fdb[0].firstSeen == Date(timeIntervalSince1970: 1000) && fdb[0].lastSeen == Date(timeIntervalSince1970: 2000))
        #expect(fdb[1].firstSeen == Date(timeIntervalSince1970: 2000))
        let nb = try store.sightings(device: "core-sw1", of: "neighbor")
        #expect(nb.filter(\.current).count == 1)
        #expect(nb.first { !$0.current }?.lastSeen == Date(timeIntervalSince1970: 1000))

        let summary = try #require(try store.device("core-sw1"))
        #expect(summary.summary.serial == "BBB222")
        #expect(summary.summary.firstSeen == Date(timeIntervalSince1970: 1000))
        #expect(summary.summary.neighbors == 1 && summary.summary.forwardingEntries == 2)
        #expect(summary.inventory?.interfaces.first?.ifAlias == "uplink to core")
        #expect(try store.changes(device: "core-sw1").count == second.count)
    }

    @Test(arguments: StoreBackend.allCases)
    func failedPollKeepsWhatWasKnown(backend: StoreBackend) throws {
        let made = try backend.makeStore("inventory")
        defer { made.remove() }
        let store = try made.open()
        try store.record(outcome(inventory(at: 1000, serial: "AAA111", alias: "x", neighbors: [], macs: ["aa:bb:cc:00:00:01"])))
        let failed = PollOutcome(name: "core-sw1", agent: "udp:10.0.0.1:161", pd: "DISKOMINFO", startedAt: Date(timeIntervalSince1970: 2000),
                                 duration: 3, result: .failure(PollFailure("udp:10.0.0.1:161: GET 1.3.6.1.2.1.1.1.0: no response (timeout)")))
        let changes = try store.record(failed)
        #expect(changes.map(\.kind) == ["unreachable"])
        let d = try #require(try store.device("core-sw1"))
        #expect(!d.summary.lastPollOK)
        #expect(d.summary.lastError?.contains("timeout") == true)
        #expect(d.summary.serial == "AAA111" && d.summary.interfaces == 2 && d.summary.forwardingEntries == 1)
        #expect(d.inventory?.serial == "AAA111")
        try store.record(outcome(inventory(at: 3000, serial: "AAA111", alias: "x", neighbors: [], macs: ["aa:bb:cc:00:00:01"])))
        #expect(try store.changes(device: "core-sw1").map(\.kind) == ["unreachable", "reachable"])
    }

    @Test(arguments: StoreBackend.allCases)
    func findsDevicesByNameAgentSysNameOrSerial(backend: StoreBackend) throws {
        let made = try backend.makeStore("inventory")
        defer { made.remove() }
        let store = try made.open()
        try store.record(outcome(inventory(at: 1000, serial: "AAA111", alias: "x", neighbors: [], macs: [])))
        for key in ["core-sw1", "udp:10.0.0.1:161", "AAA111"] {
            #expect(try store.device(key)?.summary.name == "core-sw1")
        }
        #expect(try store.device("nope") == nil)
    }
}

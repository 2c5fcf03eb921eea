import Foundation
import InventoryModel
import InventoryStore
import InventoryTesting
import Storage
import Testing

/// The dashboard's lean device list and the store's change marker, on both backends.
@Suite struct DeviceListingTests {
    func poll(_ name: String, pd: String?, at t: Double, interfaces: Int, neighbours: Int, fail: Bool = false) -> PollOutcome {
        var inv = DeviceInventory(agent: "udp:10.0.0.\(name.count):161", polledAt: Date(timeIntervalSince1970: t))
        inv.sysName = name + ".lan"
        inv.vendor = "MikroTik"
        inv.model = "CRS317"
        inv.serial = "SN-" + name
        inv.version = "7.12"
        inv.interfaces = (0..<interfaces).map { Interface(ifIndex: $0 + 1) }
        inv.neighbors = (0..<neighbours).map { i in
            var n = Neighbor(protocol: .lldp)
            n.localPort = "ether\(i + 1)"
            n.remoteChassisId = "00:11:22:33:44:\(10 + i)"
            n.remotePort = "Gi0/1"
            return n
        }
        return PollOutcome(name: name, agent: inv.agent, pd: pd, startedAt: inv.polledAt, duration: 0.1,
                           result: fail ? .failure(PollFailure("\(inv.agent): no response (timeout)")) : .success(inv))
    }

    @Test("the device list: the summary's fields without the inventories, by name; counts only when asked", arguments: StoreBackend.allCases)
    func listingMatchesTheSummaries(backend: StoreBackend) throws {
        let made = try backend.makeStore("listing")
        defer { made.remove() }
        let store = try made.open()
        #expect(try store.deviceListing(counts: true).isEmpty)
        try store.record(poll("sw-b", pd: "DINKES", at: 1000, interfaces: 3, neighbours: 1))
        try store.record(poll("rtr-a", pd: nil, at: 1000, interfaces: 2, neighbours: 0))
        // A poll with fewer interfaces: only the current ones are counted.
        try store.record(poll("sw-b", pd: "DINKES", at: 2000, interfaces: 2, neighbours: 2))
        try store.record(poll("rtr-a", pd: nil, at: 3000, interfaces: 0, neighbours: 0, fail: true))

        let reader = try made.open(.readOnly)
        let summaries = try reader.devices()
        let counted = try reader.deviceListing(counts: true)
        #expect(counted.map(\.name) == ["rtr-a", "sw-b"])
        for (l, s) in zip(counted, summaries) {
            #expect(l == DeviceListing(name: s.name, agent: s.agent, pd: s.pd, sysName: s.sysName, vendor: s.vendor, model: s.model, serial: s.serial,
                                       version: s.version, lastPollAt: s.lastPollAt, lastPollOK: s.lastPollOK, lastError: s.lastError,
                                       interfaces: s.interfaces, neighbours: s.neighbors))
        }
        #expect(counted[1].interfaces == 2 && counted[1].neighbours == 2 && counted[1].pd == "DINKES" && counted[1].sysName == "sw-b.lan")
        #expect(!counted[0].lastPollOK && counted[0].lastError?.contains("timeout") == true && counted[0].serial == "SN-rtr-a")
        let lean = try reader.deviceListing(counts: false)
        #expect(lean.map(\.interfaces) == [nil, nil] && lean.map(\.neighbours) == [nil, nil])
        #expect(lean.map(\.name) == counted.map(\.name) && lean.map(\.lastPollAt) == counted.map(\.lastPollAt))
    }

    @Test("the change marker moves with every commit, whoever makes it", arguments: StoreBackend.allCases)
    func changeMarkerMovesWithCommits(backend: StoreBackend) throws {
        let made = try backend.makeStore("marker")
        defer { made.remove() }
        let writer = try made.open()
        try writer.record(poll("sw-b", pd: "DINKES", at: 1000, interfaces: 1, neighbours: 0))
        let reader = try made.open(.readOnly)
        let before = try #require(try reader.changeMarker())
        if backend == .sqlite {
            // Nothing committed: the same marker, from this object and from another one opened later.
            _ = try reader.devices()
            #expect(try reader.changeMarker() == before)
            #expect(try made.open(.readOnly).changeMarker() == before)
        }
        try writer.record(poll("sw-b", pd: "DINKES", at: 2000, interfaces: 1, neighbours: 0))
        let after = try #require(try reader.changeMarker())
        #expect(after != before)
        try writer.record(status: StatusPoll(device: "sw-b", time: Date(timeIntervalSince1970: 2100), interval: 300, pd: "DINKES", hosting: nil,
                                             reachable: true, sysUpTime: 100, error: nil))
        #expect(try made.open(.readOnly).changeMarker() != after)
    }

    @Test("no WAL index (an in-memory store): the marker cannot tell")
    func noMarkerInMemory() throws {
        #expect(try PantauStore(inMemory: ()).changeMarker() == nil)
    }
}

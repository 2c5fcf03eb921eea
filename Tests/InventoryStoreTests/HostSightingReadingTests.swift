import Foundation
import InventoryModel
import InventoryStore
import Storage
import InventoryTesting
import Testing

@Suite("host sightings read without names (reconciliation's read)")
struct HostSightingReadingTests {
    func at(_ t: Double) -> Date { Date(timeIntervalSince1970: t) }

    func batch() throws -> SightingBatch {
        var b = SightingBatch()
        var a = HostSighting(mac: try #require(MACAddress("00:50:56:99:ed:bd")), vlan: 10, capturePoint: "span", vendor: "VMware",
                             pd: "DISKOMINFO", firstSeen: at(1000), lastSeen: at(1100), framesSampled: 4)
        a.addresses = [AddressSighting(address: try #require(IPAddress("10.1.10.9")), source: "arp", firstSeen: at(1000), lastSeen: at(1100)),
                       AddressSighting(address: try #require(IPAddress("10.1.10.2")), source: "dhcp", firstSeen: at(1010), lastSeen: at(1050))]
        a.names = [NameSighting(name: "ws-keuangan-01", source: "dhcp", firstSeen: at(1010), lastSeen: at(1050))]
        var b2 = HostSighting(mac: try #require(MACAddress("00:1b:21:00:00:02")), vlan: nil, capturePoint: "span", vendor: nil,
                              pd: "DINKES", firstSeen: at(500), lastSeen: at(600), framesSampled: 1)
        b2.names = [NameSighting(name: "printer", source: "mdns", firstSeen: at(500), lastSeen: at(600))]
        b.hosts = [a, b2]
        return b
    }

    @Test("the same hosts, addresses, order and filters as the full read, with names empty", arguments: StoreBackend.allCases)
    func sameButNames(backend: StoreBackend) throws {
        let made = try backend.makeStore("lean-hosts")
        defer { made.remove() }
        let store = try made.open()
        try store.record(sightings: try batch(), captureFile: nil)
        for (pd, vlan, since): (String?, Int?, Date?) in [(nil, nil, nil), ("DISKOMINFO", nil, nil), (nil, 10, nil), (nil, nil, at(1000))] {
            let full = try store.hostSightings(pd: pd, vlan: vlan, since: since)
            let lean = try store.hostSightingsWithoutNames(pd: pd, vlan: vlan, since: since)
            #expect(!full.isEmpty)
            #expect(full.contains { !$0.names.isEmpty }, "the full read still has names")
            #expect(lean.allSatisfy { $0.names.isEmpty })
            #expect(lean == full.map { var h = $0; h.names = []; return h })
        }
        #expect(try store.hostSightingsWithoutNames(pd: nil, vlan: nil, since: nil).first { $0.pd == "DISKOMINFO" }?.addresses.map(\.address.description)
                == ["10.1.10.2", "10.1.10.9"])
        #expect(try store.hostSightingsWithoutNames(pd: "NONE", vlan: nil, since: nil).isEmpty)
    }
}

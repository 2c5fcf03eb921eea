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

    /// Rows given as bytes (SQLite's read) or as text (PostgreSQL's), in the hosts' order or any
    /// other, missing hosts included: the same hosts. The walk along the hosts only saves lookups.
    @Test("the assembly gives the same hosts from bytes or text, and whatever the rows' order")
    func assemblyOrderAndBytes() throws {
        struct HostRow { var mac: String; var vlan: Int; var point: String; var vendor: String?; var pd: String?; var t: Double }
        struct AddressRow { var mac: String; var vlan: Int; var point: String; var address: String; var source: String; var t: Double }
        var rng = SplitMix64(seed: 41)
        var hostRows: [HostRow] = []
        for i in 0..<400 {
            let mac = String(format: "02:00:00:%02x:%02x:%02x", i / 7, i % 7, Int.random(in: 0...3, using: &rng))
            for (vlan, point) in [(0, "span"), (10, "span"), (10, "Span-B"), (20, "lt2")] where Bool.random(using: &rng) {
                hostRows.append(HostRow(mac: mac, vlan: vlan, point: point, vendor: Bool.random(using: &rng) ? "VMware, Inc." : nil,
                                        pd: ["PD01", "PD02", nil][Int.random(in: 0...2, using: &rng)], t: Double(i)))
            }
        }
        // As a store orders them: MAC, VLAN, capture point by bytes; duplicate keys dropped.
        hostRows.sort { a, b in
            a.mac != b.mac ? a.mac < b.mac : a.vlan != b.vlan ? a.vlan < b.vlan : Array(a.point.utf8).lexicographicallyPrecedes(Array(b.point.utf8))
        }
        var addressRows: [AddressRow] = []
        for (j, h) in hostRows.enumerated() where Int.random(in: 0...3, using: &rng) > 0 {
            for k in 0..<Int.random(in: 1...3, using: &rng) {
                addressRows.append(AddressRow(mac: h.mac, vlan: h.vlan, point: h.point, address: "10.\(k).\(j / 250).\(j % 250 + 1)",
                                              source: k == 0 ? "arp" : "dhcp", t: h.t + Double(k)))
            }
        }
        // Rows of hosts the (filtered) read left out, and an unparsable address.
        addressRows.append(AddressRow(mac: "02:ff:00:00:00:01", vlan: 0, point: "span", address: "10.9.9.9", source: "arp", t: 1))
        addressRows.insert(AddressRow(mac: "00:00:00:00:00:00", vlan: 5, point: "nowhere", address: "10.9.9.8", source: "arp", t: 1), at: 0)
        if let first = hostRows.first { addressRows.append(AddressRow(mac: first.mac, vlan: first.vlan, point: first.point, address: "bad", source: "arp", t: 1)) }

        func bytes<T>(_ s: String, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T { Array(s.utf8).withUnsafeBufferPointer(body) }
        func assemble(asBytes: Bool, hostOrder: [HostRow], addressOrder: [AddressRow]) -> [HostSighting] {
            var a = HostSightingAssembly()
            a.reserve(hosts: hostOrder.count)
            for h in hostOrder {
                if asBytes {
                    bytes(h.mac) { m in bytes(h.point) { p in
                        let v = h.vendor.map { Array($0.utf8) }, d = h.pd.map { Array($0.utf8) }
                        func opt(_ x: [UInt8]?, _ body: (UnsafeBufferPointer<UInt8>?) -> Void) { if let x { x.withUnsafeBufferPointer { body($0) } } else { body(nil) } }
                        opt(v) { vb in opt(d) { db in
                            a.host(mac: m, vlan: h.vlan, capturePoint: p, vendor: vb, pd: db, firstSeen: h.t, lastSeen: h.t + 1, framesSampled: 2)
                        } }
                    } }
                } else {
                    a.host(mac: h.mac, vlan: h.vlan, capturePoint: h.point, vendor: h.vendor, pd: h.pd, firstSeen: h.t, lastSeen: h.t + 1, framesSampled: 2)
                }
            }
            for r in addressOrder {
                if asBytes {
                    bytes(r.mac) { m in bytes(r.point) { p in bytes(r.address) { ad in bytes(r.source) { s in
                        a.address(mac: m, vlan: r.vlan, capturePoint: p, address: ad, source: s, firstSeen: r.t, lastSeen: r.t)
                    } } } }
                } else {
                    a.address(mac: r.mac, vlan: r.vlan, capturePoint: r.point, address: r.address, source: r.source, firstSeen: r.t, lastSeen: r.t)
                }
            }
            return a.finished()
        }
        let expected = assemble(asBytes: false, hostOrder: hostRows, addressOrder: addressRows)
        #expect(expected.count == hostRows.count && expected.reduce(0) { $0 + $1.addresses.count } == addressRows.count - 3)
        #expect(assemble(asBytes: true, hostOrder: hostRows, addressOrder: addressRows) == expected)
        var shuffled = addressRows
        shuffled.shuffle(using: &rng)
        #expect(assemble(asBytes: true, hostOrder: hostRows, addressOrder: shuffled) == expected)
        #expect(assemble(asBytes: false, hostOrder: hostRows, addressOrder: shuffled) == expected)
        // Another collation's order of capture points (PostgreSQL's may ignore case).
        let folded = addressRows.sorted { ($0.mac, $0.vlan, $0.point.lowercased()) < ($1.mac, $1.vlan, $1.point.lowercased()) }
        #expect(assemble(asBytes: true, hostOrder: hostRows, addressOrder: folded) == expected)
    }
}

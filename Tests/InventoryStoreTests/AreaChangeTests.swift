import Foundation
import Governance
import InventoryModel
import InventoryStore
import InventoryTesting
import Reconciliation
import Storage
import Testing

/// `AreaChangeReading` on both backends: each area's counter moves with a write to the area,
/// seen by another connection, and no other area's; the daemon's status and counter polls move none.
@Suite struct AreaChangeTests {
    @Test("a write moves its area's counter and no other; status and counter polls move none", arguments: StoreBackend.allCases)
    func countersFollowTheirAreas(backend: StoreBackend) throws {
        let made = try backend.makeStore("area-changes")
        defer { made.remove() }
        let store = try made.open()
        let reader = try made.open(.readOnly)
        var last = try #require(try reader.areaGenerations())
        #expect(Set(last.keys) == Set(StoreArea.allCases))
        func moved(_ what: String) throws -> Set<StoreArea> {
            let now = try #require(try reader.areaGenerations(), "\(what)")
            defer { last = now }
            for a in StoreArea.allCases { #expect(now[a]! >= last[a]!, "\(what): \(a) went back") }
            return Set(StoreArea.allCases.filter { now[$0] != last[$0] })
        }
        let t0 = Date(timeIntervalSince1970: 1_796_083_200)

        try store.record(status: StatusPoll(device: "sw-a", time: t0, interval: 300, pd: "DINKES", hosting: nil, reachable: true, sysUpTime: 100))
        var s = TrafficSeriesState(key: TrafficSeriesKey(device: "sw-a", interface: "ge-0/0/1"), ifIndex: 1, name: "ge-0/0/1", descr: nil, speed: 1_000_000_000)
        try store.record(traffic: TrafficBatch(states: [s]))
        s.speed = 100_000_000
        try store.record(traffic: TrafficBatch(states: [s]))
        #expect(try moved("a status poll and two counter polls").isEmpty)

        var inv = DeviceInventory(agent: "10.0.0.2", polledAt: t0)
        inv.sysName = "sw-a"
        _ = try store.record(PollOutcome(name: "sw-a", agent: "10.0.0.2", pd: "DINKES", startedAt: t0, duration: 0.1, result: .success(inv)))
        #expect(try moved("an inventory poll") == [.inventory])
        _ = try store.record(PollOutcome(name: "sw-a", agent: "10.0.0.2", pd: "DINKES", startedAt: t0.addingTimeInterval(60), duration: 0.1,
                                         result: .failure(PollFailure("10.0.0.2: no response (timeout)"))))
        #expect(try moved("a failed inventory poll") == [.inventory])

        let profile = try RegionalProfile.load(path: Lab.repo + "/config/profiles/manggarai.yaml")
        try store.activate(profile: profile, by: "test", at: t0)
        #expect(try moved("a profile activated") == [.governance])

        let subject = FindingSubject(device: "sw-a")
        let f = Finding(key: Finding.key(code: .unregisteredDevice, pd: "DINKES", subject: subject), code: .unregisteredDevice, severity: .warning,
                        pd: "DINKES", subject: subject, message: "sw-a answers SNMP", evidence: [], basis: .dinasPolicy, status: .open,
                        firstSeen: t0, lastSeen: t0)
        _ = try store.saveFindings([f], actions: [])
        #expect(try moved("a finding") == [.findings])

        var b = SightingBatch()
        b.hosts = [HostSighting(mac: try #require(MACAddress("00:50:56:99:ed:bd")), vlan: nil, capturePoint: "span", vendor: nil, pd: nil,
                                firstSeen: t0, lastSeen: t0.addingTimeInterval(5), framesSampled: 3)]
        _ = try store.record(sightings: b, captureFile: nil)
        #expect(try moved("a host sighted") == [.sightings])
    }
}

import Foundation
import InventoryModel
import InventoryStore
import InventoryTesting
import Storage
import Testing

/// `readSnapshot`: every read of the body sees the store as of its first read, while another
/// connection (the collector) commits; the writer is never blocked; nothing can be written.
@Suite struct SnapshotReadingTests {
    func poll(_ store: any PantauStorage, _ name: String, at t: Double) throws {
        let inv = DeviceInventory(agent: "udp:10.0.0.\(name.count):161", polledAt: Date(timeIntervalSince1970: t))
        try store.record(PollOutcome(name: name, agent: inv.agent, pd: nil, startedAt: inv.polledAt, duration: 0.1, result: .success(inv)))
        try store.record(status: StatusPoll(device: name, time: Date(timeIntervalSince1970: t), interval: 60, pd: nil, hosting: nil, reachable: true,
                                            sysUpTime: 100, error: nil))
    }

    @Test(arguments: StoreBackend.allCases)
    func readsInsideOneSnapshotIgnoreLaterCommits(backend: StoreBackend) throws {
        let made = try backend.makeStore("snapshot")
        defer { made.remove() }
        let writer = try made.open()
        try poll(writer, "sw1", at: 1000)
        let reader = try made.open(.readOnly)
        let (before, after, polls): ([String], [String], Int) = try reader.readSnapshot { snap in
            let before = try snap.devices().map(\.name)
            // The collector commits meanwhile, at once (not blocked by the open read).
            let started = ContinuousClock.now
            try poll(writer, "sw2", at: 2000)
            try poll(writer, "sw1", at: 2000)
            #expect(ContinuousClock.now - started < .seconds(2))
            #expect(throws: StoreError.self) { try self.poll(snap, "sw3", at: 3000) }
            return (before, try snap.devices().map(\.name), try snap.statusPolls(device: nil, pd: nil, from: nil, to: nil).count)
        }
        #expect(before == ["sw1"] && after == ["sw1"] && polls == 1)
        // Outside, the new data is there.
        #expect(try reader.devices().map(\.name).sorted() == ["sw1", "sw2"])
        #expect(try reader.statusPolls(device: nil, pd: nil, from: nil, to: nil).count == 3)
        // A second snapshot sees it too.
        #expect(try reader.readSnapshot { try $0.devices().count } == 2)
    }
}

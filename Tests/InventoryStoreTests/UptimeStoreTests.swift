import Foundation
import InventoryModel
import InventoryStore
import InventoryTesting
import Storage
import Testing

@Suite("Uptime storage: status polls")
struct UptimeStoreTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    @Test("polls come back whole, by device and time; a period starts at each device's last answered poll before it, ends at its first after",
          arguments: StoreBackend.allCases)
    func readBack(backend: StoreBackend) throws {
        let made = try backend.makeStore("uptime")
        defer { made.remove() }
        let store = try made.open()
        let full = StatusPoll(device: "a", time: Self.t0, interval: 60, pd: "dinkes", hosting: .vps, reachable: true,
                              sysUpTime: UInt32.max, hrSystemUptime: 7, engineBoots: 3, engineTime: 99, duration: 0.25)
        try store.record(status: full)
        for i in 1...5 {
            try store.record(status: StatusPoll(device: "a", time: Self.t0.addingTimeInterval(Double(i) * 60), interval: 60, pd: "dinkes",
                                                reachable: false, error: "timeout"))
        }
        try store.record(status: StatusPoll(device: "b", time: Self.t0.addingTimeInterval(30), interval: 60, pd: "bapp", reachable: true))
        try store.record(status: StatusPoll(device: "b", time: Self.t0.addingTimeInterval(270), interval: 60, pd: "bapp", reachable: true))
        let all = try store.statusPolls(device: nil, pd: nil, from: nil, to: nil)
        #expect(all.count == 8 && all.first == full && all.map(\.device) == ["a", "a", "a", "a", "a", "a", "b", "b"])
        // From t0+200: a's answered poll at t0 and its silent ones after it come along; b's from t0+30 too.
        let since = try store.statusPolls(device: nil, pd: nil, from: Self.t0.addingTimeInterval(200), to: nil)
        #expect(since.filter { $0.device == "a" }.count == 6 && since.filter { $0.device == "b" }.count == 2)
        // Up to t0+100: b's poll at t0+30, and its first answered one after, at t0+270, so a stretch across the end is seen whole.
        #expect(try store.statusPolls(device: nil, pd: "bapp", from: nil, to: Self.t0.addingTimeInterval(100)).map(\.time) ==
                [Self.t0.addingTimeInterval(30), Self.t0.addingTimeInterval(270)])
        #expect(try store.statusPolls(device: "a", pd: nil, from: Self.t0.addingTimeInterval(400), to: nil).count == 6)
    }
}

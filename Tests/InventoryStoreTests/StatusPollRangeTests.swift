import Foundation
import InventoryModel
import InventoryStore
import InventoryTesting
import Storage
import Testing

/// `statusPolls(device:pd:from:to:)` with a start: each device's polls from its last answered
/// poll before `from` (or its first poll) up to its first answered poll at or after `to` (or its
/// last poll), for every combination of filters, against the rule applied by hand to all the polls.
@Suite struct StatusPollRangeTests {
    @Test func eachDeviceStartsAtItsLastAnsweredPollBeforeFromAndEndsAtItsFirstAnsweredAfterTo() throws {
        let store = try PantauStore(inMemory: ())
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        var all: [StatusPoll] = []
        for (n, (device, pd)) in [("a", "P1"), ("b", "P1"), ("c", "P2"), ("d", "P2")].enumerated() {
            for k in 0..<40 {
                // Each device has its own silences; "d" answers nothing before t0+1000.
                let answered = device == "d" ? k >= 10 : (k + n) % 7 != 0 && !(device == "b" && (15...22).contains(k))
                let p = StatusPoll(device: device, time: t0.addingTimeInterval(Double(k * 100)), interval: 100, pd: pd, hosting: nil,
                                   reachable: answered, sysUpTime: answered ? UInt32(k * 10_000) : nil, error: answered ? nil : "timeout")
                try store.record(status: p)
                all.append(p)
            }
        }
        for from in [t0.addingTimeInterval(-50), t0.addingTimeInterval(850), t0.addingTimeInterval(2050), t0.addingTimeInterval(5000)] {
            for to in [nil, t0.addingTimeInterval(3000)] as [Date?] {
                for (device, pd) in [(nil, nil), ("b", nil), (nil, "P2"), ("c", "P2"), ("a", "P2")] as [(String?, String?)] {
                    let mine = all.filter { p in
                        (device == nil || p.device == device) && (pd == nil || all.contains { $0.device == p.device && $0.pd == pd })
                    }
                    let expected = Dictionary(grouping: mine, by: \.device).sorted { $0.key < $1.key }.flatMap { _, polls in
                        let start = polls.filter { $0.reachable && $0.time < from }.map(\.time).max() ?? polls.map(\.time).min()!
                        let stop = to.map { to in polls.filter { $0.reachable && $0.time >= to }.map(\.time).min() ?? .distantFuture } ?? .distantFuture
                        return polls.filter { $0.time >= start && $0.time <= stop }.sorted { $0.time < $1.time }
                    }
                    let got = try store.statusPolls(device: device, pd: pd, from: from, to: to)
                    #expect(got.map { "\($0.device)@\($0.time.timeIntervalSince1970)" } == expected.map { "\($0.device)@\($0.time.timeIntervalSince1970)" },
                            "device \(device ?? "-") pd \(pd ?? "-") from \(from) to \(String(describing: to))")
                }
            }
        }
    }
}

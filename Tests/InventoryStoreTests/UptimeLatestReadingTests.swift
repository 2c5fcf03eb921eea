import Foundation
import InventoryModel
import InventoryStore
import InventoryTesting
import Storage
import Testing

/// The uptime rollup read narrowly for a list of devices (`UptimeLatestReading`), on both
/// backends: the same values as the full reads of each device alone.
@Suite("Uptime storage: the narrow reads")
struct UptimeLatestReadingTests {
    typealias R = UptimeRollupStoreTests

    @Test("each device's latest status from the columns, and its days, runs and pending polls for a list of devices, equal the full reads",
          arguments: StoreBackend.allCases)
    func narrowEqualsFull(backend: StoreBackend) throws {
        let made = try backend.makeStore("uptime-latest")
        defer { made.remove() }
        let store = try made.open()
        _ = try R.fill(store)
        // A device that never answered, and one whose name needs quoting in JSON and SQL.
        let odd = "sw \"lantai\" 2 \\ ü'"
        for m in [0.0, 5, 10] { try store.record(status: R.poll("c", m, up: false, pd: "bapp")) }
        for m in [30.0, 35, 40] { try store.record(status: R.poll(odd, m, up: m != 35, sys: UInt32(m * 6000))) }

        let reader = try made.open(.readOnly)
        let states = try reader.uptimeStates(device: nil, pd: nil)
        let latest = try reader.uptimeLatest(devices: nil)
        #expect(latest.map(\.device) == states.map(\.device) && latest.count == 4)
        for (l, s) in zip(latest, states) {
            let x = s.latest
            #expect(l == UptimeLatestRow(device: x.device, pd: x.pd, lastPoll: x.lastPoll, up: x.up, since: x.since, lastAnswered: x.lastAnswered))
        }
        #expect(try reader.uptimeLatest(devices: [odd, "b", "nowhere", "b"]).map(\.device) == ["b", odd].sorted())
        #expect(try reader.uptimeLatest(devices: []).isEmpty)

        let (from, to) = (R.t0.addingTimeInterval(-86_400), R.t0.addingTimeInterval(86_400))
        for list in [nil, ["a", odd], ["c"], []] as [[String]?] {
            let parts = try reader.uptimeParts(devices: list, from: from, to: to)
            let names = list ?? states.map(\.device)
            var days: [String: UptimeDaysSummary] = [:], runs: [String: [UptimeRunInPeriod]] = [:], tails: [String: [StatusPoll]] = [:]
            for d in Set(names) {
                days.merge(try reader.uptimeDays(device: d, pd: nil, from: from, to: to)) { a, _ in a }
                let r = try reader.uptimeRuns(device: d, pd: nil, from: from, to: to)
                if !r.isEmpty { runs[d] = r }
                try reader.forEachStatusPollSinceLastAnswer(device: d, pd: nil) { tails[d, default: []].append($0) }
            }
            #expect(parts == UptimeRollupParts(days: days, runs: runs, tails: tails), "\(list ?? ["every device"])")
        }
        // What the parts hold, as the fill made it: c never answered (all its polls pending), a's outage ended.
        let all = try reader.uptimeParts(devices: nil, from: from, to: to)
        #expect(all.tails["c"]?.count == 3 && all.tails["b"]?.count == 3 && all.tails[odd]?.count == 1)
        #expect(all.runs["a"]?.count == 1 && all.runs[odd]?.count == 1 && all.runs["b"] == nil)
    }
}

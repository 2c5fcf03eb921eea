import Foundation
import InventoryModel
import InventoryStore
import InventoryTesting
import Storage
import Testing

/// The uptime rollup kept in each status poll's transaction, on both backends: the latest status,
/// the days, runs and restarts; the same rows when built again from the raw polls; a poll out of
/// order; retention of raw polls keeping each device's pending stretch.
@Suite("Uptime storage: the rollup")
struct UptimeRollupStoreTests {
    /// 2026-12-01 00:00 UTC: midnight of the rollup's days without a profile.
    static let t0 = Date(timeIntervalSince1970: 1_796_083_200)

    static func poll(_ device: String, _ minutes: Double, up: Bool, sys: UInt32? = nil, hr: UInt32? = nil, pd: String = "dinkes") -> StatusPoll {
        StatusPoll(device: device, time: t0.addingTimeInterval(minutes * 60), interval: 300, pd: pd, hosting: .pd, reachable: up,
                   sysUpTime: up ? sys : nil, hrSystemUptime: up ? hr : nil, error: up ? nil : "no response (timeout)")
    }

    /// Device "a": polled every 5 min from 23:00 UTC the day before for 3 hours, silent 23:40-00:20
    /// (an outage across midnight UTC), rebooted (hrSystemUptime back to 60 s) at 01:30.
    /// Device "b": answers twice, then fails twice and is still down.
    static func fill(_ store: any UptimeStorage) throws -> [StatusPoll] {
        var polls: [StatusPoll] = []
        for k in 0..<36 {
            let m = -60.0 + Double(k) * 5
            let silent = m >= -20 && m < 20
            let uptime: UInt32 = m >= 90 ? UInt32((m - 89) * 6000) : UInt32((m + 1000) * 6000)
            polls.append(poll("a", m, up: !silent, sys: uptime, hr: uptime))
        }
        polls += [poll("b", 0, up: true, sys: 100, pd: "bapp"), poll("b", 5, up: true, sys: 30_100, pd: "bapp"),
                  poll("b", 10, up: false, pd: "bapp"), poll("b", 15, up: false, pd: "bapp")]
        for p in polls { try store.record(status: p) }
        return polls
    }

    @Test("the latest status, days, runs and restarts are kept as polls are recorded, and built again the same", arguments: StoreBackend.allCases)
    func keptAndRebuilt(backend: StoreBackend) throws {
        let made = try backend.makeStore("uptime-rollup")
        defer { made.remove() }
        let store = try made.open()
        _ = try Self.fill(store)
        let states = try store.uptimeStates(device: nil, pd: nil)
        #expect(states.map(\.device) == ["a", "b"])
        let a = states[0].latest, b = states[1].latest
        #expect(a.up && a.lastPoll == Self.t0.addingTimeInterval(115 * 60) && a.pd == "dinkes")
        #expect(a.since == Self.t0.addingTimeInterval(20 * 60) && a.lastAnswered == a.lastPoll && a.sysUpTime == UInt32(26 * 6000))
        #expect(!b.up && b.since == Self.t0.addingTimeInterval(10 * 60) && b.lastAnswered == Self.t0.addingTimeInterval(5 * 60))
        #expect(b.lastError == "no response (timeout)")
        #expect(try store.uptimeStates(device: nil, pd: "bapp").map(\.device) == ["b"])
        #expect(try store.uptimeStates(device: "a", pd: "bapp").isEmpty)

        // Days (UTC without a profile): the day before t0 and the day of t0.
        let days = try store.uptimeDays(device: nil, pd: nil, from: Self.t0.addingTimeInterval(-86_400),
                                        to: Self.t0.addingTimeInterval(86_400))
        // a: settled up to its last answered poll (t0+115 min); from t0-60 min, 175 minutes monitored.
        #expect(abs((days["a"]?.monitored ?? 0) - 175 * 60) < 1e-6)
        #expect(days["a"]?.last?.lastTime == Self.t0.addingTimeInterval(115 * 60).timeIntervalSince1970)
        // b: only its first answered poll's span is settled (the rest waits for its next answer).
        #expect(abs((days["b"]?.monitored ?? 0) - 300) < 1e-6 && days["b"]?.last?.lastReachable == false)

        let runs = try store.uptimeRuns(device: nil, pd: nil, from: Self.t0.addingTimeInterval(-86_400), to: Self.t0.addingTimeInterval(86_400))
        #expect(runs.count == 1, "b's run is still open, so not listed")
        let run = try #require(runs.first)
        #expect(run.run.device == "a" && run.run.missedPolls == 8 && run.run.start == Self.t0.addingTimeInterval(-20 * 60).timeIntervalSince1970)
        #expect(run.run.end == Self.t0.addingTimeInterval(20 * 60).timeIntervalSince1970 && abs(run.monitoredInside - 40 * 60) < 1e-6)
        let restarts = try store.uptimeRestarts(device: nil, pd: nil, from: Self.t0, to: Self.t0.addingTimeInterval(86_400))
        #expect(restarts.count == 1 && restarts[0].device == "a" && restarts[0].kind == .reboot)
        #expect(restarts[0].evidence.first?.hasPrefix("hrSystemUptime went back") == true)

        var tail: [StatusPoll] = []
        try store.forEachStatusPollSinceLastAnswer(device: nil, pd: nil) { tail.append($0) }
        #expect(tail.map(\.device) == ["a", "b", "b", "b"])

        // Built again from the raw polls: the same rows.
        #expect(try store.rebuildUptimeRollup(device: nil) == 40)
        #expect(try store.uptimeStates(device: nil, pd: nil) == states)
        let again = try store.uptimeDays(device: nil, pd: nil, from: Self.t0.addingTimeInterval(-86_400), to: Self.t0.addingTimeInterval(86_400))
        #expect(again == days)
        #expect(try store.uptimeRuns(device: nil, pd: nil, from: Self.t0.addingTimeInterval(-86_400), to: Self.t0.addingTimeInterval(86_400)) == runs)
        #expect(try store.uptimeRestarts(device: nil, pd: nil, from: Self.t0, to: Self.t0.addingTimeInterval(86_400)) == restarts)
    }

    @Test("a poll recorded out of order rebuilds its device's rollup", arguments: StoreBackend.allCases)
    func outOfOrder(backend: StoreBackend) throws {
        let made = try backend.makeStore("uptime-order")
        defer { made.remove() }
        let store = try made.open()
        let polls = [Self.poll("c", 0, up: true, sys: 100), Self.poll("c", 10, up: true, sys: 60_100), Self.poll("c", 5, up: false)]
        for p in polls { try store.record(status: p) }
        let state = try #require(try store.uptimeStates(device: "c", pd: nil).first)
        #expect(state.last.time == Self.t0.addingTimeInterval(600) && state.answered?.time == Self.t0.addingTimeInterval(600))
        let runs = try store.uptimeRuns(device: "c", pd: nil, from: Self.t0.addingTimeInterval(-3600), to: Self.t0.addingTimeInterval(3600))
        #expect(runs.count == 1 && runs[0].run.firstFailed == Self.t0.addingTimeInterval(300).timeIntervalSince1970)
    }

    @Test("retention deletes old raw polls but keeps each device's last answered poll and those after it", arguments: StoreBackend.allCases)
    func retention(backend: StoreBackend) throws {
        let made = try backend.makeStore("uptime-prune")
        defer { made.remove() }
        let store = try made.open()
        _ = try Self.fill(store)
        let before = try store.uptimeDays(device: nil, pd: nil, from: Self.t0.addingTimeInterval(-86_400), to: Self.t0.addingTimeInterval(86_400))
        // Everything is older than 0 days after t0+1 day, but a's last poll and b's last answered one and its failures stay.
        let deleted = try store.pruneStatusPolls(keepDays: 0, now: Self.t0.addingTimeInterval(86_400))
        #expect(deleted == 35 + 1)
        let left = try store.statusPolls(device: nil, pd: nil, from: nil, to: nil)
        #expect(left.map { "\($0.device)@\(Int($0.time.timeIntervalSince(Self.t0) / 60))" } == ["a@115", "b@5", "b@10", "b@15"])
        #expect(try store.uptimeDays(device: nil, pd: nil, from: Self.t0.addingTimeInterval(-86_400), to: Self.t0.addingTimeInterval(86_400)) == before)
    }
}

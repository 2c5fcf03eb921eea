import Foundation
import Governance
import InventoryModel
import InventoryStore
import InventoryTesting
import Operations
import Storage
import Testing

/// `UptimeReport` from the rollup (whole days, with raw polls from each device's last answered
/// poll) against the same report from the raw polls alone, over lab-like and randomized
/// histories: reboots, agent restarts, gaps where the collector stopped, outages across
/// midnight and across the period's edges, unanswered polls, devices that never answered, and
/// `now` inside the history (polls after it).
@Suite struct UptimeRollupEquivalenceTests {
    /// 2026-11-28 00:00 WITA (UTC+8).
    static let day0 = Date(timeIntervalSince1970: 1_795_795_200)

    static func profiledStore() throws -> PantauStore {
        let store = try PantauStore(inMemory: ())
        var p = try RegionalProfile.load(path: Lab.repo + "/config/profiles/manggarai.yaml")
        p.utcOffsetHours = 8
        try store.activate(profile: p, by: "test", at: day0)
        return store
    }

    /// Four days of polls of `devices` devices, each with its own interval, jitter, silences,
    /// stops and restarts; returns when the last poll was made.
    static func randomHistory(_ store: PantauStore, seed: UInt64, devices: Int) throws -> Date {
        var rng = SplitMix64(seed: seed)
        var last = day0
        for d in 0..<devices {
            let interval: Double = [120, 300, 300, 900][rng.int(4)]
            let hasHost = rng.chance(0.7)
            let neverAnswers = d == devices - 1
            var t = day0.addingTimeInterval(Double(rng.int(7200)) - 3600)
            var boot = t.addingTimeInterval(-Double(rng.int(864_000)) - 1000)
            var agentStart = boot
            var downLeft = d % 3 == 0 ? 4 : 0
            let pds = ["dinkes", "bappeda", "disdik"]
            var pd = pds[d % 3]
            while t < day0.addingTimeInterval(4 * 86_400) {
                if rng.chance(0.002) { t = t.addingTimeInterval(Double(rng.int(6 * 3600))) }
                if downLeft == 0 && rng.chance(0.02) { downLeft = 1 + rng.int(rng.chance(0.2) ? 40 : 6) }
                if rng.chance(0.003) { boot = t.addingTimeInterval(-Double(rng.int(Int(interval)))); agentStart = boot }
                if rng.chance(0.003) { agentStart = t.addingTimeInterval(-Double(rng.int(Int(interval)))) }
                if rng.chance(0.001) { pd = pds[rng.int(3)] }
                let up = !neverAnswers && downLeft == 0
                if downLeft > 0 { downLeft -= 1 }
                let sys = UInt32(truncatingIfNeeded: Int64(t.timeIntervalSince(agentStart) * 100))
                let host = UInt32(truncatingIfNeeded: Int64(t.timeIntervalSince(boot) * 100))
                try store.record(status: StatusPoll(device: String(format: "dev-%02d", d), time: t, interval: interval, pd: pd,
                                                    hosting: [.pd, .vps, .colocation][d % 3], reachable: up,
                                                    sysUpTime: up ? sys : nil, hrSystemUptime: up && hasHost ? host : nil,
                                                    error: up ? nil : ["no response (timeout)", "authentication failed"][rng.int(2)]))
                last = max(last, t)
                let jitter = Double(rng.int(Int(interval * 0.6))) - interval * 0.3
                t = t.addingTimeInterval(interval + (rng.chance(0.3) ? jitter : 0))
            }
        }
        return last
    }

    /// Both reports, compared field by field (seconds to a microsecond, everything else exactly).
    static func compare(_ store: PantauStore, now: Date, period: String, pd: String? = nil, device: String? = nil, downAfter: Int,
                        _ where_: String) throws {
        let report = UptimeReport(store: store, clock: FixedClock(now))
        let a = try report.run(.init(pd: pd, device: device, period: period, downAfter: downAfter, source: .rollup))
        let b = try report.run(.init(pd: pd, device: device, period: period, downAfter: downAfter, source: .raw))
        let ctx = "\(where_), period \(period), pd \(pd ?? "-"), device \(device ?? "-"), down_after \(downAfter), now \(now)"
        func close(_ x: Double, _ y: Double) -> Bool { abs(x - y) <= 1e-6 * max(1, abs(y)) }
        #expect(a.devices.map(\.device) == b.devices.map(\.device), "\(ctx)")
        for (x, y) in zip(a.devices, b.devices) {
            #expect(close(x.monitoredSeconds, y.monitoredSeconds) && close(x.downSeconds, y.downSeconds)
                    && close(x.availabilityPercent, y.availabilityPercent), "\(ctx): \(x.device) \(x.monitoredSeconds)/\(x.downSeconds) against \(y.monitoredSeconds)/\(y.downSeconds)")
            #expect(x.outages == y.outages && x.reboots == y.reboots && x.agentRestarts == y.agentRestarts, "\(ctx): \(x.device) events")
            #expect(x.lastPoll == y.lastPoll && x.upAtLastPoll == y.upAtLastPoll && x.pd == y.pd && x.hosting == y.hosting, "\(ctx): \(x.device) last poll")
        }
        func outageKey(_ o: UptimeReport.OutageRow) -> String {
            "\(o.device) \(o.start.date.timeIntervalSince1970) \(String(describing: o.end?.date.timeIntervalSince1970)) \(o.missedPolls) \(o.lastError ?? "") \(o.pd ?? "")"
        }
        #expect(a.outages.map(outageKey) == b.outages.map(outageKey), "\(ctx): outages")
        #expect(zip(a.outages, b.outages).allSatisfy { close($0.durationSeconds, $1.durationSeconds) }, "\(ctx): outage durations")
        func restartKey(_ r: UptimeReport.Restart) -> String {
            "\(r.device) \(r.kind) \(r.time.date.timeIntervalSince1970) \(r.after.date.timeIntervalSince1970) \(r.before.date.timeIntervalSince1970) \(r.evidence)"
        }
        #expect(a.restarts.map(restartKey) == b.restarts.map(restartKey), "\(ctx): restarts")
        #expect(a.pds.map(\.group) == b.pds.map(\.group) && zip(a.pds, b.pds).allSatisfy { close($0.monitoredSeconds, $1.monitoredSeconds) && close($0.downSeconds, $1.downSeconds) },
                "\(ctx): per PD")
        #expect(a.hosting.map(\.group) == b.hosting.map(\.group), "\(ctx): per hosting type")
    }

    @Test("randomized histories: every day, the whole span, today mid-day, a PD, a device, down_after 1 to 3", arguments: [UInt64(1), 2])
    func randomized(seed: UInt64) throws {
        let store = try Self.profiledStore()
        let last = try Self.randomHistory(store, seed: seed, devices: 6)
        let periods = ["2026-11-28", "2026-11-30", "2026-12-01", "2026-11-28..2026-11-30", "today", "yesterday", "last-30h"]
        // After every poll, mid-way on the third day (polls after now), and at a minute past a midnight.
        for (n, now) in [last.addingTimeInterval(120), Self.day0.addingTimeInterval(2.5 * 86_400 + 1234), Self.day0.addingTimeInterval(3 * 86_400 + 60)].enumerated() {
            for period in periods {
                try Self.compare(store, now: now, period: period, downAfter: [1, 3, 2][n], "seed \(seed)")
            }
            try Self.compare(store, now: now, period: "2026-11-29", pd: "bappeda", downAfter: 2, "seed \(seed)")
            try Self.compare(store, now: now, period: "2026-11-28..2026-12-01", device: "dev-03", downAfter: 2, "seed \(seed)")
            try Self.compare(store, now: now, period: "2026-11", downAfter: 2, "seed \(seed)")
            try Self.compare(store, now: now, period: "2026-11-30", device: "dev-05", downAfter: 2, "seed \(seed) (never answers)")
        }
    }

    @Test("lab-like: polls every 60 s, an outage across midnight and a reboot, status polls pruned past the rollup")
    func labLike() throws {
        let store = try Self.profiledStore()
        // Two days of 60 s polls; core silent 23:50-00:20 WITA; vps1 rebooted at 12:00 on the 29th.
        for i in 0..<(2 * 1440 + 600) {
            let t = Self.day0.addingTimeInterval(Double(i) * 60)
            let silent = (1430..<1460).contains(i)
            try store.record(status: StatusPoll(device: "core", time: t, interval: 60, pd: "dinkes", hosting: .colocation, reachable: !silent,
                                                sysUpTime: silent ? nil : UInt32(i * 6000 + 100), hrSystemUptime: silent ? nil : UInt32(i * 6000 + 100),
                                                error: silent ? "no response (timeout)" : nil))
            let sinceBoot = i >= 2160 ? (i - 2160) * 6000 + 50 : i * 6000 + 900_000
            try store.record(status: StatusPoll(device: "vps1", time: t, interval: 60, pd: "dinkes", hosting: .vps, reachable: true,
                                                sysUpTime: UInt32(sinceBoot), hrSystemUptime: UInt32(sinceBoot)))
        }
        let now = Self.day0.addingTimeInterval(2 * 86_400 + 600 * 60 + 30)
        for period in ["2026-11-28", "2026-11-29", "2026-11-30", "today", "2026-11", "last-2d"] {
            for downAfter in [2, 31] { try Self.compare(store, now: now, period: period, downAfter: downAfter, "lab-like") }
        }
        let before = try UptimeReport(store: store, clock: FixedClock(now)).run(.init(period: "2026-11-28..2026-11-29", downAfter: 2))
        #expect(before.outages.count == 1 && before.outages[0].missedPolls == 30 && before.restarts.count == 1)
        #expect(before.devices.map(\.monitoredSeconds) == [2 * 86_400, 2 * 86_400] && before.devices[0].downSeconds == 1800)
        // Raw polls older than a day are pruned: whole past days still report the same from the rollup.
        #expect(try store.pruneStatusPolls(keepDays: 1, now: now) > 0)
        let after = try UptimeReport(store: store, clock: FixedClock(now)).run(.init(period: "2026-11-28..2026-11-29", downAfter: 2))
        #expect(after.devices.map(\.monitoredSeconds) == before.devices.map(\.monitoredSeconds))
        #expect(after.devices.map(\.downSeconds) == before.devices.map(\.downSeconds) && after.outages.count == 1 && after.restarts.count == 1)
    }
}

/// Draws for the randomized histories, from the shared seeded generator (a failure replays by its seed).
private extension SplitMix64 {
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func chance(_ p: Double) -> Bool { Double(next() % 1_000_000) / 1_000_000 < p }
}

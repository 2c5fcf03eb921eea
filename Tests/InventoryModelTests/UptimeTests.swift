import Foundation
import InventoryModel
import Testing

/// The uptime decisions: outages, restarts (reboot, agent restart, 497-day wrap), availability.
@Suite("Uptime: outages, reboots and availability from status polls")
struct UptimeTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    /// A poll `seconds` after t0; answered ones carry uptimes that advanced by the same time
    /// from the given starting values (TimeTicks wrap at 2³² as on the wire).
    static func poll(_ seconds: Double, up: Bool = true, sys: UInt32? = nil, hr: UInt32? = nil, boots: UInt32? = nil,
                     engineTime: UInt32? = nil, interval: Double = 60, device: String = "r1") -> StatusPoll {
        StatusPoll(device: device, time: t0.addingTimeInterval(seconds), interval: interval, pd: "dinkes", hosting: .colocation,
                   reachable: up, sysUpTime: up ? sys : nil, hrSystemUptime: up ? hr : nil, engineBoots: up ? boots : nil,
                   engineTime: up ? engineTime : nil, error: up ? nil : "no response (timeout)")
    }

    /// Ticks `seconds` after `start` ticks, wrapping at 2³².
    static func ticks(_ start: UInt64, plus seconds: Double) -> UInt32 {
        UInt32(truncatingIfNeeded: start + UInt64(seconds * 100))
    }

    // MARK: Outages

    @Test("an outage of known length: starts one interval after the last answered poll, ends at the next answered poll, found once")
    func outageOfKnownLength() {
        // Answered at 0..180, silent at 240..540 (six polls), answered again from 600.
        let polls = stride(from: 0.0, through: 900, by: 60).map { s in Self.poll(s, up: !(240...540).contains(s)) }
        let outages = Uptime.outages(in: polls, downAfter: 2)
        #expect(outages.count == 1)
        let o = try! #require(outages.first)
        #expect(o.start == Self.t0.addingTimeInterval(240))  // 180 + one interval
        #expect(o.end == Self.t0.addingTimeInterval(600))
        #expect(o.duration(now: Self.t0) == 360)
        #expect(o.missedPolls == 6 && o.lastError == "no response (timeout)" && o.pd == "dinkes")
    }

    @Test("fewer missed polls than down_after is a blip, not an outage; down_after 1 counts one")
    func blipIsNoOutage() {
        let polls = [0.0, 60, 120, 180].map { Self.poll($0, up: $0 != 120) }
        #expect(Uptime.outages(in: polls, downAfter: 2).isEmpty)
        let one = Uptime.outages(in: polls, downAfter: 1)
        #expect(one.count == 1 && one[0].start == Self.t0.addingTimeInterval(120) && one[0].end == Self.t0.addingTimeInterval(180))
    }

    @Test("an outage still going has no end; one from the first poll starts at that poll")
    func openOutages() {
        let going = [0.0, 60, 120, 180].map { Self.poll($0, up: $0 < 100) }
        let o = Uptime.outages(in: going, downAfter: 2)
        #expect(o.count == 1 && o[0].end == nil && o[0].start == Self.t0.addingTimeInterval(120))
        #expect(o[0].duration(now: Self.t0.addingTimeInterval(200)) == 80)
        // Its last unanswered poll was at 180: a collector that stopped then saw it to 240, no further.
        #expect(o[0].duration(now: Self.t0.addingTimeInterval(3000)) == 120)
        let never = [0.0, 60, 120].map { Self.poll($0, up: false) }
        #expect(Uptime.outages(in: never, downAfter: 2).first?.start == Self.t0)
    }

    // MARK: Restarts

    @Test("uptimes advancing with the clock: no restart")
    func noRestart() {
        let a = Self.poll(0, sys: 500_000, hr: 900_000, boots: 3, engineTime: 5_000)
        let b = Self.poll(60, sys: Self.ticks(500_000, plus: 60), hr: Self.ticks(900_000, plus: 60), boots: 3, engineTime: 5_060)
        #expect(Uptime.restart(between: a, and: b) == nil)
    }

    @Test("host uptime back to a few seconds: a reboot, dated by the host uptime, with the evidence")
    func reboot() throws {
        let a = Self.poll(0, sys: 500_000, hr: 900_000, boots: 3, engineTime: 5_000)
        let b = Self.poll(60, sys: 2_000, hr: 3_000, boots: 4, engineTime: 20)
        let e = try #require(Uptime.restart(between: a, and: b))
        #expect(e.kind == .reboot)
        #expect(e.time == Self.t0.addingTimeInterval(30))  // 60 s less 30 s of host uptime
        #expect(e.evidence.contains { $0.hasPrefix("hrSystemUptime went back from 2:30:00 to 0:00:30") })
        #expect(e.evidence.contains("snmpEngineBoots went from 3 to 4"))
    }

    @Test("the agent restarted (sysUpTime reset, snmpEngineBoots up) while the host stayed up: an agent restart, not a reboot")
    func agentRestart() throws {
        let a = Self.poll(0, sys: 500_000, hr: 900_000, boots: 3, engineTime: 5_000)
        let b = Self.poll(60, sys: 1_000, hr: Self.ticks(900_000, plus: 60), boots: 4, engineTime: 10)
        let e = try #require(Uptime.restart(between: a, and: b))
        #expect(e.kind == .agentRestart)
        #expect(e.evidence.contains { $0.contains("only the SNMP agent restarted") })
        #expect(Uptime.restarts(in: [a, b]).filter { $0.kind == .reboot }.isEmpty)
    }

    @Test("sysUpTime passing 2^32 ticks (497 days) with the engine and host continuing: no restart")
    func sysUpTimeWrap() {
        let near: UInt64 = 4_294_967_296 - 3_000  // 30 s before the wrap
        let a = Self.poll(0, sys: UInt32(near), boots: 1, engineTime: 42_949_642)
        let b = Self.poll(60, sys: Self.ticks(near, plus: 60), boots: 1, engineTime: 42_949_702)
        #expect(b.sysUpTime! < a.sysUpTime!)
        #expect(Uptime.continuity(ticks: a.sysUpTime, b.sysUpTime, elapsed: 60) == .wrapped)
        #expect(Uptime.restart(between: a, and: b) == nil)
        // Without engine figures or host uptime too: the wrap alone is recognised.
        let (a2, b2) = (Self.poll(0, sys: a.sysUpTime), Self.poll(60, sys: b.sysUpTime))
        #expect(Uptime.restart(between: a2, and: b2) == nil)
    }

    @Test("hrSystemUptime wrapping at 497 days is no reboot; a value near zero that the wrap does not explain is one")
    func hostWrap() {
        let near: UInt64 = 4_294_967_296 - 2_000
        let a = Self.poll(0, sys: 9_000, hr: UInt32(near))
        let b = Self.poll(60, sys: Self.ticks(9_000, plus: 60), hr: Self.ticks(near, plus: 60))
        #expect(Uptime.restart(between: a, and: b) == nil)
        let rebooted = Self.poll(60, sys: 500, hr: 600)  // 6 s up: not where the wrap lands (40 s)
        #expect(Uptime.restart(between: a, and: rebooted)?.kind == .reboot)
    }

    @Test("without hrSystemUptime a sysUpTime reset is reported as a reboot that says it cannot be told from an agent restart")
    func noHostUptime() throws {
        let a = Self.poll(0, sys: 500_000)
        let b = Self.poll(60, sys: 1_500)
        let e = try #require(Uptime.restart(between: a, and: b))
        #expect(e.kind == .reboot)
        #expect(e.evidence.contains { $0.contains("no hrSystemUptime") })
    }

    @Test("a restart inside a long outage is found once, across the unanswered polls, even when the uptime is past its old value")
    func restartAcrossAnOutage() {
        // Up 10 min at t=0, silent for an hour, back with 30 min of uptime: it restarted in the gap.
        let polls = [Self.poll(0, sys: 60_000, hr: 60_000)] + stride(from: 60.0, through: 3600, by: 60).map { Self.poll($0, up: false) }
            + [Self.poll(3660, sys: 180_000, hr: 180_000), Self.poll(3720, sys: 186_000, hr: 186_000)]
        let r = Uptime.restarts(in: polls)
        #expect(r.count == 1 && r[0].kind == .reboot && r[0].time == Self.t0.addingTimeInterval(1860))
    }

    @Test("the collector's clock stepping forward or back makes no restart")
    func clockSteps() {
        let a = Self.poll(0, sys: 8_640_000, hr: 8_640_000, boots: 2, engineTime: 86_400)
        // Polled 60 s later by the agents' clocks, but the collector's clock read +1 h or -30 s.
        for shown in [3660.0, 30] {
            let b = Self.poll(shown, sys: Self.ticks(8_640_000, plus: 60), hr: Self.ticks(8_640_000, plus: 60), boots: 2, engineTime: 86_460)
            #expect(Uptime.restart(between: a, and: b) == nil, "collector clock at +\(shown) s")
        }
    }

    // MARK: Availability

    @Test("availability: down time over monitored time; a stretch with no polls (collector stopped) counts neither way")
    func availability() throws {
        // Polls every 60 s from 0 to 3540 (an hour), silent 600..1140 (ten polls), then nothing
        // for an hour (the collector stopped), then an hour of answered polls.
        var polls = stride(from: 0.0, to: 3600, by: 60).map { Self.poll($0, up: !(600...1140).contains($0)) }
        polls += stride(from: 7200.0, to: 10_800, by: 60).map { Self.poll($0) }
        let outages = Uptime.outages(in: polls, downAfter: 2)
        #expect(outages.count == 1 && outages[0].duration(now: Self.t0) == 600)
        let period = ReportPeriod(start: Self.t0, end: Self.t0.addingTimeInterval(86_400), label: "day")
        let a = try #require(Uptime.availability(of: polls, outages: outages, period: period, now: Self.t0.addingTimeInterval(10_800)))
        #expect(a.monitoredSeconds == 7200)
        #expect(a.downSeconds == 600)
        #expect(abs(a.availability - (1 - 600.0 / 7200)) < 1e-9)
        // A period that cuts the outage in half counts only its half.
        let half = ReportPeriod(start: Self.t0.addingTimeInterval(900), end: Self.t0.addingTimeInterval(3600), label: "cut")
        let h = try #require(Uptime.availability(of: polls, outages: outages, period: half, now: Self.t0.addingTimeInterval(10_800)))
        #expect(h.downSeconds == 300 && h.monitoredSeconds == 2700)
    }

    @Test("groups weigh devices by monitored time")
    func groups() {
        let a = DeviceAvailability(device: "a", pd: "dinkes", hosting: .colocation, monitoredSeconds: 3600, downSeconds: 360)
        let b = DeviceAvailability(device: "b", pd: "dinkes", hosting: .vps, monitoredSeconds: 7200, downSeconds: 0)
        let c = DeviceAvailability(device: "c", pd: nil, hosting: .vps, monitoredSeconds: 100, downSeconds: 100)
        let byPD = GroupAvailability.by([a, b, c], \.pd)
        #expect(byPD.count == 1 && byPD[0].devices == 2 && abs(byPD[0].availability - (1 - 360.0 / 10_800)) < 1e-12)
        let byHosting = GroupAvailability.by([a, b, c]) { $0.hosting?.rawValue }
        #expect(byHosting.map(\.group) == ["colocation", "vps"] && byHosting[1].downSeconds == 100)
    }
}

import Foundation
import Governance
import InventoryModel
import InventoryStore
import InventoryTesting
import Operations
import Storage
import Testing

/// `UptimeReport` on a real (in-memory) store: periods in the profile's zone, grouping by PD
/// and hosting type, targets, and the refusals.
@Suite struct UptimeReportTests {
    /// 2026-11-30 17:00 UTC: 2026-12-01 00:00 in WIB (UTC+7).
    static let midnightWIB = Date(timeIntervalSince1970: 1_796_058_000)

    /// Two devices polled every 60 s over the WIB day of 2026-11-30 and the first hour of
    /// 2026-12-01: `core` (dinkes, colocation) silent 10:00-10:30 WIB on the 30th; `vps1`
    /// (dinkes, vps) up throughout, its host rebooted at 12:00 WIB.
    static func store(profile: Bool) throws -> PantauStore {
        let store = try PantauStore(inMemory: ())
        if profile {
            let p = try RegionalProfile.load(path: Lab.repo + "/config/profiles/manggarai.yaml")
            #expect(p.utcOffsetHours == 8 || p.utcOffsetHours == 7)
            var wib = p
            wib.utcOffsetHours = 7
            try store.activate(profile: wib, by: "test", at: midnightWIB)
        }
        let dayStart = midnightWIB.addingTimeInterval(-86_400)
        for i in 0..<(25 * 60) {
            let t = dayStart.addingTimeInterval(Double(i) * 60)
            let minuteOfDay = i % 1440
            let silent = (600..<630).contains(minuteOfDay) && i < 1440
            try store.record(status: StatusPoll(device: "core", time: t, interval: 60, pd: "dinkes", hosting: .colocation,
                                                reachable: !silent, sysUpTime: silent ? nil : UInt32(i * 6000 + 100),
                                                hrSystemUptime: silent ? nil : UInt32(i * 6000 + 100), error: silent ? "no response (timeout)" : nil))
            let sinceBoot = i >= 720 ? (i - 720) * 6000 + 50 : i * 6000 + 900_000
            try store.record(status: StatusPoll(device: "vps1", time: t, interval: 60, pd: "dinkes", hosting: .vps, reachable: true,
                                                sysUpTime: UInt32(sinceBoot), hrSystemUptime: UInt32(sinceBoot)))
        }
        return store
    }

    @Test("a calendar day in the profile's zone: the outage, the reboot with evidence, per PD and hosting type, targets")
    func dayInWIB() throws {
        let store = try Self.store(profile: true)
        let report = UptimeReport(store: store, clock: FixedClock(Self.midnightWIB.addingTimeInterval(3600)))
        let r = try report.run(.init(period: "2026-11-30", downAfter: 2, targets: [.colocation: 99.9, .vps: 99.0]))
        #expect(r.note == nil && r.period.start == Self.midnightWIB.addingTimeInterval(-86_400) && r.period.end == Self.midnightWIB)
        #expect(r.devices.map(\.device) == ["core", "vps1"])
        let core = r.devices[0], vps = r.devices[1]
        #expect(core.monitoredSeconds == 86_400 && core.downSeconds == 1800 && core.outages == 1)
        #expect(abs(core.availabilityPercent - (100 - 1800.0 / 86_400 * 100)) < 1e-9 && core.meetsTarget == false && core.targetPercent == 99.9)
        #expect(vps.downSeconds == 0 && vps.reboots == 1 && vps.agentRestarts == 0 && vps.meetsTarget == true)
        #expect(r.outages.count == 1 && r.outages[0].start.date == Self.midnightWIB.addingTimeInterval(-86_400 + 600 * 60))
        #expect(r.outages[0].end?.date == Self.midnightWIB.addingTimeInterval(-86_400 + 630 * 60) && r.outages[0].missedPolls == 30)
        #expect(r.restarts.count == 1 && r.restarts[0].kind == .reboot && r.restarts[0].device == "vps1")
        #expect(r.restarts[0].evidence.first?.hasPrefix("hrSystemUptime went back") == true)
        #expect(r.pds.count == 1 && r.pds[0].group == "dinkes" && r.pds[0].downSeconds == 1800 && r.pds[0].monitoredSeconds == 172_800)
        #expect(r.hosting.map(\.group) == ["colocation", "vps"] && r.hosting[0].meetsTarget == false && r.hosting[1].meetsTarget == true)
        // The next WIB day has neither.
        let next = try report.run(.init(period: "2026-12-01", downAfter: 2))
        #expect(next.outages.isEmpty && next.restarts.isEmpty && next.devices.allSatisfy { $0.monitoredSeconds == 3600 })
    }

    @Test("without a profile the period is read in UTC and the result says so; a bigger down_after hides a shorter outage")
    func utcAndThreshold() throws {
        let store = try Self.store(profile: false)
        let report = UptimeReport(store: store, clock: FixedClock(Self.midnightWIB.addingTimeInterval(3600)))
        let r = try report.run(.init(device: "core", period: "2026-11-30", downAfter: 31))
        #expect(r.note?.contains("UTC") == true && r.period.timeZone == "UTC")
        #expect(r.devices.count == 1 && r.outages.isEmpty && r.devices[0].downSeconds == 0)
    }

    @Test("an unknown device, an unknown PD and a bad period are refused with what to do")
    func refusals() throws {
        let report = UptimeReport(store: try Self.store(profile: false), clock: FixedClock(Self.midnightWIB))
        #expect(throws: OperationError.self) { try report.run(.init(device: "nope")) }
        #expect(throws: OperationError.self) { try report.run(.init(pd: "nope")) }
        do {
            _ = try report.run(.init(period: "november"))
            Issue.record("a bad period was accepted")
        } catch let e as OperationError {
            #expect(e.kind == .invalid && e.message.contains("YYYY-MM"))
        }
    }
}

import Foundation
import InventoryModel
import InventoryStore
import InventoryTesting
import Testing

/// A writer of traffic killed with SIGKILL mid-run loses no committed poll, leaves no partial
/// one, and once restarted gives exactly the series of a run never interrupted: no false
/// spike, nothing lost, nothing counted twice.
@Suite struct TrafficKillCLITests {
    static let t0 = Date(timeIntervalSince1970: 1_793_577_600)   // 2026-11-02T00:00:00Z
    static let interfaces = 12, polls = 800

    /// Polls of one device every 60 s; interface i carries (i+1) Mbit/s plus a wobble.
    func writePolls(_ path: String) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        var octets = [UInt64](repeating: 0, count: Self.interfaces)
        var text = ""
        for k in 0..<Self.polls {
            var snaps: [InterfaceCounterSnapshot] = []
            for i in 0..<Self.interfaces {
                if k > 0 { octets[i] += UInt64(i + 1) * 7_500_000 + UInt64((k * 7 + i) % 13) * 100_000 }
                snaps.append(InterfaceCounterSnapshot(ifIndex: i + 1, name: "ge-0/0/\(i)", speed: 1_000_000_000, hcInOctets: octets[i],
                                                      hcOutOctets: octets[i] / 3, inErrors: 0, outErrors: 0))
            }
            let poll = CounterPoll(device: "core", time: Self.t0.addingTimeInterval(Double(k * 60)), sysUpTime: UInt32(100 + k * 6_000),
                                   interfaces: snaps)
            text += String(decoding: try encoder.encode(poll), as: UTF8.self) + "\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Everything the store holds of the series, for comparing two stores.
    func contents(_ path: String) throws -> (states: [TrafficSeriesState], five: [TrafficSeriesKey: [TrafficSample]],
                                              hours: [TrafficSeriesKey: [TrafficSample]], raw: [Int]) {
        let s = try PantauStore(path: path)
        let states = try s.trafficSeries(device: nil)
        let all = (from: Date.distantPast, to: Date.distantFuture)
        return (states, try s.trafficSamples(nil, resolution: .fiveMinutes, from: all.from, to: all.to),
                try s.trafficSamples(nil, resolution: .hour, from: all.from, to: all.to),
                try states.map { try s.trafficIntervals($0.key, from: all.from, to: all.to).count })
    }

    @Test func aWriterKilledMidRunLosesNothingCommittedAndResumesExactly() throws {
        let dir = try Lab.temporaryDirectory("traffic-kill")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let polls = dir + "/polls.jsonl"
        try writePolls(polls)

        // The reference: one run, never interrupted.
        let whole = try run(Lab.pantauBinary, ["traffic-record", "--polls", polls, "--store", dir + "/whole.sqlite"], timeout: 120)
        #expect(whole.status == 0 && whole.stdout.contains("recorded \(Self.polls) polls"), "\(whole.stderr)")

        // Killed with SIGKILL once a few hundred polls are in.
        let killed = dir + "/killed.sqlite"
        let writer = try ManagedProcess(name: "pantau traffic-record", executable: Lab.pantauBinary,
                                        arguments: ["traffic-record", "--polls", polls, "--store", killed], logPath: dir + "/w.log")
        defer { writer.stop() }
        for _ in 0..<1_200 where !writer.log.contains("recorded 200 polls") && writer.isRunning { usleep(10_000) }
        writer.signal(SIGKILL)
        for _ in 0..<500 where writer.isRunning { usleep(10_000) }
        #expect(!writer.isRunning)

        // Every interface's state is at the same poll (no partial poll), and its raw intervals
        // are exactly the polls committed before it.
        let cut = try contents(killed)
        let times = Set(cut.states.compactMap { $0.last?.time })
        try #require(cut.states.count == Self.interfaces && times.count == 1, "\(times)")
        let committed = Int((times.first ?? Self.t0).timeIntervalSince(Self.t0) / 60) + 1
        #expect(committed >= 200 && committed < Self.polls, "killed after \(committed) polls")
        #expect(cut.raw.allSatisfy { $0 == committed - 1 })

        // Restarted: the committed polls are skipped, the rest recorded; the result is the reference's.
        let resumed = try run(Lab.pantauBinary, ["traffic-record", "--polls", polls, "--store", killed], timeout: 120)
        #expect(resumed.status == 0 && resumed.stdout.contains("recorded \(Self.polls - committed) polls, skipped \(committed)"),
                "\(resumed.stdout) \(resumed.stderr)")
        let a = try contents(dir + "/whole.sqlite"), b = try contents(killed)
        #expect(a.states == b.states)
        #expect(a.five == b.five && a.hours == b.hours && a.raw == b.raw)
        #expect(b.five.values.allSatisfy { $0.count == (Self.polls - 1) * 60 / 300 })
    }
}

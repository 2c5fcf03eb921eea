import Collectors
import Foundation
import InventoryModel
import InventoryTesting
import Logging
import NetSNMP
import Probes
import Settings
import SNMPCore
import Storage
import Testing

/// What a sink was handed, in order.
final class Collected<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [T] = []
    func add(_ item: T) { lock.withLock { items.append(item) } }
    var all: [T] { lock.withLock { items } }
}

/// The counter polls go to the traffic time series through `CounterPollSink`; here the sink
/// keeps them, and each is checked against what the agent serves (a Cisco IOS-XE recording
/// in snmpsim, both ifTable and ifXTable counters).
struct InMemoryCounterSink: CounterPollSink {
    let polls = Collected<CounterPoll>()
    func record(_ poll: CounterPoll, interval: Double) async throws { polls.add(poll) }
}

struct InMemoryStatusSink: StatusPollSink {
    let polls = Collected<StatusPoll>()
    func record(_ poll: StatusPoll) async throws { polls.add(poll) }
}

@Suite("The daemon's counter polls, as the agent answered them", .serialized)
struct CounterPollSeamTests {
    static func target(_ name: String, agent: String, community: String, interval: Double = 1) throws -> PantauConfig.Target {
        let dir = try Lab.temporaryDirectory("seam")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
            credentials: { c: { community: \(community) } }
            targets:
              - { name: \(name), agent: "\(agent)", credentials: c, interval: \(interval), options: { timeout: 2, retries: 1 } }
            """.write(toFile: dir + "/c.yaml", atomically: true, encoding: .utf8)
        return try PantauConfig.load(path: dir + "/c.yaml").targets[0]
    }

    static func collector() throws -> Collector {
        let catalog = try ProbeCatalog.load(directory: TestEnv.repo + "/probes")
        return Collector(runner: ProbeRunner(catalog: catalog), logger: Logger(label: "test")) {
            (t: PantauConfig.Target) async throws(SNMPError) -> any SNMPClient in
            try await NetSNMPEngine.shared.client(target: t.agent, credentials: t.credentials, options: t.options)
        }
    }

    @Test("every interface's counters, names, MAC and speed exactly as recorded; one poll per interval; sysUpTime with them")
    func countersAsServed() async throws {
        let sim = try SharedLab.snmpsim.get()
        let name = "iosxe_c9300"
        let target = try Self.target("c9300", agent: sim.agent, community: name)
        let counters = InMemoryCounterSink(), status = InMemoryStatusSink()
        let daemon = CollectorDaemon(plan: DaemonPlan(targets: [target], settings: DaemonSettings(), concurrency: 4),
                                     collector: try Self.collector(), statusSink: status, counterSink: counters,
                                     logger: Logger(label: "test"), runFor: .milliseconds(3500))
        try await daemon.run()
        let polls = counters.polls.all
        #expect((2...4).contains(polls.count), "\(polls.count) counter polls in 3.5 s at 1 s (a walk overrunning its turn skips it)")
        #expect(status.polls.all.count == polls.count && status.polls.all.allSatisfy(\.reachable))

        let rec = try SNMPRecording(contentsOf: "\(TestEnv.corpus)/snmp/\(name).snmprec")
        func column(_ root: String) -> [Int: SNMPValue] {
            let r = OID(root)!
            return Dictionary(rec.bindings.filter { $0.oid.isDescendant(of: r) && $0.oid.count == r.count + 1 }
                .map { (Int($0.oid.components.last!), $0.value) }, uniquingKeysWith: { a, _ in a })
        }
        let hcIn = column("1.3.6.1.2.1.31.1.1.1.6"), hcOut = column("1.3.6.1.2.1.31.1.1.1.10"), inOctets = column("1.3.6.1.2.1.2.2.1.10")
        let names = column("1.3.6.1.2.1.31.1.1.1.1"), phys = column("1.3.6.1.2.1.2.2.1.6"), high = column("1.3.6.1.2.1.31.1.1.1.15")
        let speed = column("1.3.6.1.2.1.2.2.1.5"), inErrors = column("1.3.6.1.2.1.2.2.1.14"), oper = column("1.3.6.1.2.1.2.2.1.8")
        let first = try #require(polls.first)
        #expect(first.device == "c9300")
        #expect(first.sysUpTime == rec.bindings.first { $0.oid == StatusProbe.sysUpTime }?.value.uint64.map { UInt32($0) })
        #expect(Set(first.interfaces.map(\.ifIndex)) == Set(inOctets.keys).union(hcIn.keys).union(names.keys))
        #expect(!hcIn.isEmpty && !inOctets.isEmpty)
        for i in first.interfaces {
            #expect(i.hcInOctets == hcIn[i.ifIndex]?.uint64 && i.hcOutOctets == hcOut[i.ifIndex]?.uint64, "ifIndex \(i.ifIndex)")
            #expect(i.inOctets == inOctets[i.ifIndex]?.uint64.map { UInt32($0) } && i.inErrors == inErrors[i.ifIndex]?.uint64.map { UInt32($0) })
            #expect(i.name == names[i.ifIndex]?.text)
            #expect(i.mac == phys[i.ifIndex]?.bytes.flatMap { MACAddress(bytes: $0) })
            #expect(i.operUp == oper[i.ifIndex]?.int64.map { $0 == 1 })
            let highBits = high[i.ifIndex]?.uint64.flatMap { $0 > 0 ? $0 * 1_000_000 : nil }
            #expect(i.speed == (highBits ?? speed[i.ifIndex]?.uint64), "ifIndex \(i.ifIndex) speed")
        }
        // The recording is static: every poll answers the same, at its own time.
        #expect(polls.dropFirst().allSatisfy { $0.interfaces == first.interfaces })
        // Each counter poll is timed at its walk's answer, after its status GET's.
        let starts = status.polls.all.map(\.time)
        #expect(zip(polls, polls.dropFirst()).allSatisfy { $1.time > $0.time } && zip(starts, polls).allSatisfy { $1.time >= $0 })
    }

    @Test("no counter sink: only the status GET is made, no interface walk")
    func statusOnlyIsLight() async throws {
        let sim = try SharedLab.snmpsim.get()
        let target = try Self.target("c9300", agent: sim.agent, community: "iosxe_c9300")
        let status = InMemoryStatusSink()
        let daemon = CollectorDaemon(plan: DaemonPlan(targets: [target], settings: DaemonSettings(), concurrency: 4),
                                     collector: try Self.collector(), statusSink: status, logger: Logger(label: "test"),
                                     runFor: .milliseconds(1500))
        try await daemon.run()
        let polls = status.polls.all
        #expect(polls.count == 1 || polls.count == 2)
        // One GET of four objects answers in a few milliseconds where the counter walk of 67 interfaces takes many round trips.
        #expect(polls.allSatisfy { $0.reachable && $0.sysUpTime != nil && ($0.duration ?? 1) < 0.5 })
    }
}

@Suite("The daemon's schedule: bounded, spread, late polls counted")
struct DaemonScheduleTests {
    @Test("never more than `concurrency` polls at once; when they cannot all start on time the late ones are counted and the queue shows")
    func boundedConcurrency() async throws {
        // Eight agents that never answer (0.3 s timeout) at 1 s with two slots: 2 / 0.3 s < 8 polls per second.
        let targets = try (1...8).map { try CounterPollSeamTests.target("silent\($0)", agent: "udp:127.0.0.1:\(Lab.freeUDPPort())", community: "x") }
            .map { t in var t = t; t.options.timeout = 0.3; t.options.retries = 0; return t }
        let status = InMemoryStatusSink(), metrics = CollectorMetrics()
        let daemon = CollectorDaemon(plan: DaemonPlan(targets: targets, settings: DaemonSettings(), concurrency: 2),
                                     collector: try CounterPollSeamTests.collector(), statusSink: status, metrics: metrics,
                                     logger: Logger(label: "test"), runFor: .milliseconds(3000))
        try await daemon.run()
        let polls = status.polls.all
        #expect(polls.count >= 6 && polls.allSatisfy { !$0.reachable })
        // Each poll ran over [time - duration, time]: at no instant were more than two running.
        let spans = polls.map { ($0.time.addingTimeInterval(-($0.duration ?? 0)), $0.time) }
        // At each start, the polls running then (a 10 ms slack for the clock reads around each poll).
        let most = spans.map { s in spans.filter { $0.0 <= s.0 && $0.1 > s.0.addingTimeInterval(0.01) }.count }.max() ?? 0
        #expect(most <= 2, "\(most) polls overlapped")
        let text = metrics.exposition()
        let late = text.split(separator: "\n").first { $0.hasPrefix("pantau_collector_late_polls_total ") }
        #expect((late?.split(separator: " ").last).flatMap { Int($0) }.map { $0 > 0 } == true, Comment(rawValue: text))
    }

    @Test("targets' turns are spread over the interval, not started in one burst")
    func spread() async throws {
        let sim = try SharedLab.snmpsim.get()
        let targets = try (1...8).map { try CounterPollSeamTests.target("dev\($0)", agent: sim.agent, community: "routeros", interval: 2) }
        let status = InMemoryStatusSink()
        let daemon = CollectorDaemon(plan: DaemonPlan(targets: targets, settings: DaemonSettings(), concurrency: 64),
                                     collector: try CounterPollSeamTests.collector(), statusSink: status,
                                     logger: Logger(label: "test"), runFor: .milliseconds(2000))
        try await daemon.run()
        let firsts = Dictionary(grouping: status.polls.all, by: \.device).compactMap { $0.value.map(\.time).min() }.sorted()
        #expect(firsts.count == 8)
        // Over a 2 s interval the eight first turns span most of it.
        #expect((firsts.last!.timeIntervalSince(firsts.first!)) > 0.8, "\(firsts)")
        #expect(Set(targets.map { CollectorDaemon.phase($0.name) }).count == 8)
    }
}

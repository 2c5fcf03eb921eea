import Collectors
import Foundation
import InventoryModel
import InventoryStore
import InventoryTesting
import Storage
import Testing

/// A real snmpd the test controls: stopped and started again on the same port with the same
/// persistent directory (so snmpEngineBoots counts up as on a real agent restart), and,
/// optionally, in a Linux time namespace whose boot clock is shifted: the host's uptime
/// (hrSystemUptime, from /proc/uptime) then reads as the test wants (a fresh boot, or 497
/// days minus a few seconds), as a real device's would.
final class ControlledSNMPD: @unchecked Sendable {
    let port = Lab.freeUDPPort()
    let dir: String
    private(set) var process: ManagedProcess?

    init() throws { dir = try Lab.temporaryDirectory("snmpd-ctl") }

    var agent: String { "udp:127.0.0.1:\(port)" }

    /// The machine's uptime in seconds.
    static var hostUptime: Double {
        Double((try? String(contentsOfFile: "/proc/uptime", encoding: .utf8))?.split(separator: " ").first ?? "") ?? 0
    }

    /// libfaketime (Debian's faketime package), for an agent whose own clock moves.
    static let libfaketime = "/usr/lib/\(ProcessInfo.processInfo.environment["DEB_HOST_MULTIARCH"] ?? "x86_64-linux-gnu")/faketime/libfaketime.so.1"

    /// The file libfaketime reads the agent's clock offset from at every call ("+N" seconds).
    var clockOffsetFile: String { dir + "/faketime" }

    /// Starts snmpd; with `hostUptime` its host uptime reads that many seconds; with
    /// `movableClock` its own clock (sysUpTime, snmpEngineTime) runs libfaketime's offset in
    /// `clockOffsetFile`, read afresh at every call.
    func start(hostUptime: Double? = nil, movableClock: Bool = false) throws {
        var exe = "/usr/sbin/snmpd"
        var args = ["-f", "-Lo", "-C", "-c", Lab.repo + "/lab/snmpd.conf", "-p", "\(dir)/snmpd.pid", "--persistentDir=\(dir)",
                    "udp:127.0.0.1:\(port)"]
        if let hostUptime {
            let offset = Int((hostUptime - Self.hostUptime).rounded())
            exe = "/usr/bin/unshare"
            args = ["--time", "--boottime", "\(offset)", "/usr/sbin/snmpd"] + args
        }
        var environment: [String: String] = [:]
        if movableClock {
            try "+0".write(toFile: clockOffsetFile, atomically: true, encoding: .utf8)
            environment = ["LD_PRELOAD": Self.libfaketime, "FAKETIME_TIMESTAMP_FILE": clockOffsetFile, "FAKETIME_NO_CACHE": "1"]
        }
        let p = try ManagedProcess(name: "snmpd", executable: exe, arguments: args, environment: environment, logPath: "\(dir)/snmpd.log")
        process = p
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let r = try runProcess("/usr/bin/snmpget", ["-v2c", "-c", "pantau-lab", "-t", "0.3", "-r", "0", "127.0.0.1:\(port)", "1.3.6.1.2.1.1.3.0"])
            if r.status == 0 { return }
            #expect(p.isRunning, "snmpd exited: \(p.log)")
            usleep(100_000)
        }
        throw LabError("snmpd did not answer on \(port): \(p.log)")
    }

    func stop() { process?.stop(); process = nil }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: dir)
    }
}

/// The collector daemon (`pantau collect` without --once) run as an operator runs it,
/// against real agents on loopback, with 1-second intervals.
@Suite("The collector daemon against real agents", .serialized)
struct CollectorDaemonTests {
    /// A working directory with a configuration naming `targets` (YAML list items).
    static func setUp(_ targets: [String], daemon: String = "interval: 1\n  metrics: off") throws -> String {
        let dir = try Lab.temporaryDirectory("pantau-daemon")
        try config(targets, daemon: daemon).write(toFile: dir + "/pantau.yaml", atomically: true, encoding: .utf8)
        return dir
    }

    static func config(_ targets: [String], daemon: String = "interval: 1\n  metrics: off") -> String {
        """
        store: pantau.sqlite
        probes: \(TestEnv.repo)/probes
        credentials:
          lab:
            community: pantau-lab
        daemon:
          \(daemon)
        targets:
        \(targets.map { "  - " + $0 }.joined(separator: "\n"))

        """
    }

    static func target(_ name: String, _ agent: String, extra: String = "") -> String {
        "{name: \(name), agent: \"\(agent)\", credentials: lab, options: {timeout: 0.3, retries: 0}\(extra)}"
    }

    static func daemon(_ dir: String, _ more: [String] = [], environment: [String: String] = [:]) throws -> ManagedProcess {
        try ManagedProcess(name: "pantau", executable: TestEnv.pantauBinary,
                           arguments: ["collect", "--config", dir + "/pantau.yaml"] + more, environment: environment,
                           logPath: dir + "/pantau.log")
    }

    static func polls(_ dir: String, _ device: String? = nil) throws -> [StatusPoll] {
        guard FileManager.default.fileExists(atPath: dir + "/pantau.sqlite") else { return [] }
        return try PantauStore(path: dir + "/pantau.sqlite", access: .readOnly).statusPolls(device: device, pd: nil, from: nil, to: nil)
    }

    /// Waits until `condition` holds over the stored polls (or `seconds` pass).
    @discardableResult
    static func waitFor(_ dir: String, seconds: Double = 15, _ condition: ([StatusPoll]) -> Bool) async throws -> [StatusPoll] {
        let deadline = Date().addingTimeInterval(seconds)
        var last: [StatusPoll] = []
        while Date() < deadline {
            last = (try? polls(dir)) ?? []
            if condition(last) { return last }
            try await Task.sleep(for: .milliseconds(100))
        }
        return last
    }

    @Test("status polls on the interval record reachability and uptime counters; a silent device is logged once; --duration ends it cleanly")
    func pollsOnTheInterval() async throws {
        let agent = try ControlledSNMPD()
        try agent.start()
        let silent = "udp:127.0.0.1:\(Lab.freeUDPPort())"
        let dir = try Self.setUp([Self.target("lab", agent.agent, extra: ", pd: diskominfo, hosting: colocation"),
                                  Self.target("silent", silent)])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = try Self.daemon(dir, ["--duration", "4.5"])
        let code = p.waitForExit(seconds: 20)
        #expect(code == 0, "exit \(String(describing: code)): \(p.log)")
        let lab = try Self.polls(dir, "lab")
        let gone = try Self.polls(dir, "silent")
        // 1 s interval over 4.5 s: four or five polls each, one per interval, never a burst.
        #expect((4...5).contains(lab.count), "\(lab.count) polls of lab")
        #expect((4...5).contains(gone.count), "\(gone.count) polls of silent")
        #expect(lab.allSatisfy { $0.reachable && $0.sysUpTime != nil && $0.hrSystemUptime != nil && $0.engineBoots != nil })
        #expect(lab.allSatisfy { $0.pd == "diskominfo" && $0.hosting == .colocation && $0.interval == 1 })
        // Each poll is timed at its answer, which a loaded machine may delay a little; on average one a second.
        for (a, b) in zip(lab, lab.dropFirst()) {
            let gap = b.time.timeIntervalSince(a.time)
            #expect(gap > 0.5 && gap < 1.5, "polls \(gap) s apart")
            #expect(b.sysUpTime! > a.sysUpTime!)
        }
        let mean = lab.last!.time.timeIntervalSince(lab.first!.time) / Double(lab.count - 1)
        #expect(mean > 0.9 && mean < 1.1, "\(mean) s between polls on average")
        #expect(gone.allSatisfy { !$0.reachable && $0.error?.contains("timeout") == true })
        // One line for the problem, not one per failed poll; none for the device that answers.
        let log = p.log
        #expect(log.components(separatedBy: "device not answering").count - 1 == 1, Comment(rawValue: log))
        #expect(!log.contains("device=lab"), Comment(rawValue: log))
        // The inventory poll ran at start, through the same store.
        let inventory = try PantauStore(path: dir + "/pantau.sqlite", access: .readOnly).device("lab")
        #expect(inventory?.inventory?.sysName == "pantau-lab-snmpd")
    }

    @Test("--counter-log appends each counter poll as a JSON line: the agent's interfaces, counters moving forward")
    func counterLog() async throws {
        let agent = try ControlledSNMPD()
        try agent.start()
        let dir = try Self.setUp([Self.target("lab", agent.agent)])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = try Self.daemon(dir, ["--duration", "3.5", "--counter-log", dir + "/counters.jsonl"])
        #expect(p.waitForExit(seconds: 20) == 0, Comment(rawValue: p.log))
        let d = JSONDecoder()
        d.dateDecodingStrategy = .secondsSince1970
        let lines = try String(contentsOfFile: dir + "/counters.jsonl", encoding: .utf8).split(separator: "\n")
        let polls = try lines.map { try d.decode(CounterPoll.self, from: Data($0.utf8)) }
        let stored = try Self.polls(dir)
        #expect((3...4).contains(polls.count) && polls.count == stored.count)
        let lo = try #require(polls.first?.interfaces.first { $0.name == "lo" })
        #expect(lo.descr == "lo" && lo.hcInOctets != nil && lo.inOctets != nil && polls.allSatisfy { $0.device == "lab" && $0.sysUpTime != nil })
        // The poll traffic itself crosses lo: its counters only go up.
        let ins = polls.compactMap { $0.interfaces.first { $0.name == "lo" }?.hcInOctets }
        #expect(ins.count == polls.count && zip(ins, ins.dropFirst()).allSatisfy { $0 <= $1 } && ins.last! > ins.first!)
    }

    @Test("SIGTERM ends the daemon cleanly: exit 0, and every poll it made is in the store")
    func sigtermEndsCleanly() async throws {
        let agent = try ControlledSNMPD()
        try agent.start()
        let dir = try Self.setUp([Self.target("lab", agent.agent)])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = try Self.daemon(dir)
        let before = try await Self.waitFor(dir) { $0.count >= 2 }
        #expect(before.count >= 2, Comment(rawValue: p.log))
        p.signal(SIGTERM)
        let code = p.waitForExit(seconds: 10)
        #expect(code == 0, "exit \(String(describing: code)): \(p.log)")
        let after = try Self.polls(dir)
        #expect(after.count >= before.count && after.allSatisfy(\.reachable))
    }
}

/// `pantau uptime --json` as the tests read it.
struct UptimeJSON: Decodable {
    struct Device: Decodable { var device: String; var outages: Int; var reboots: Int; var agentRestarts: Int; var availabilityPercent: Double }
    struct Outage: Decodable { var device: String; var start: Date; var end: Date?; var durationSeconds: Double; var missedPolls: Int }
    struct Restart: Decodable { var device: String; var kind: String; var time: Date; var evidence: [String] }
    var devices: [Device]
    var outages: [Outage]
    var restarts: [Restart]

    static func read(_ dir: String, _ more: [String] = []) throws -> UptimeJSON {
        let r = try runProcess(TestEnv.pantauBinary, ["uptime", "--store", dir + "/pantau.sqlite", "--period", "last-1h", "--json"] + more)
        #expect(r.status == 0, Comment(rawValue: r.stderr))
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            let f = ISO8601DateFormatter()
            f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            guard let date = f.date(from: text) else { throw LabError("not a precise time: \(text)") }
            return date
        }
        return try d.decode(UptimeJSON.self, from: Data(r.stdout.utf8))
    }
}

/// Scripted scenarios: a real snmpd stopped, restarted, "rebooted" and run at 497 days of
/// host uptime, watched by the daemon at 1-second intervals; what `pantau uptime` says after.
@Suite("Uptime scenarios against a real snmpd", .serialized)
struct UptimeScenarioTests {
    typealias T = CollectorDaemonTests

    @Test("an outage of known length appears once with the right start and end; the agent's restart after it is an agent restart, not a reboot")
    func outageThenAgentRestart() async throws {
        let agent = try ControlledSNMPD()
        try agent.start()
        let dir = try T.setUp([T.target("lab", agent.agent)], daemon: "interval: 1\n  down_after: 2\n  metrics: off")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = try T.daemon(dir)
        defer { p.stop() }
        try await T.waitFor(dir) { $0.filter(\.reachable).count >= 3 }
        agent.stop()
        try await T.waitFor(dir) { $0.suffix(4).allSatisfy { !$0.reachable } && $0.count >= 7 }
        try agent.start()
        let polls = try await T.waitFor(dir) { ps in ps.lastIndex { !$0.reachable }.map { ps.count - 1 - $0 >= 3 } ?? false }
        p.signal(SIGTERM)
        #expect(p.waitForExit(seconds: 10) == 0, Comment(rawValue: p.log))

        // Expected from the polls themselves: one interval after the last answered poll to the next answered one.
        let firstMiss = try #require(polls.firstIndex { !$0.reachable })
        let back = try #require(polls[firstMiss...].firstIndex { $0.reachable })
        let missed = back - firstMiss
        #expect(missed >= 4 && polls[back...].allSatisfy(\.reachable) && polls[..<firstMiss].allSatisfy(\.reachable))
        let report = try UptimeJSON.read(dir)
        #expect(report.outages.count == 1)
        let o = try #require(report.outages.first)
        #expect(abs(o.start.timeIntervalSince(polls[firstMiss - 1].time.addingTimeInterval(1))) < 0.01)
        #expect(abs(o.end!.timeIntervalSince(polls[back].time)) < 0.01)
        #expect(o.missedPolls == missed)
        #expect(abs(o.durationSeconds - Double(missed)) < 0.6, "\(o.durationSeconds) s for \(missed) missed polls")
        // snmpd came back with sysUpTime and snmpEngineTime at zero (its boots count lives in a persistent
        // file that -C keeps it from reading), on a host that stayed up.
        #expect(report.restarts.map(\.kind) == ["agent-restart"], "\(report.restarts)")
        let evidence = report.restarts.first?.evidence ?? []
        #expect(evidence.contains { $0.hasPrefix("sysUpTime went back") } && evidence.contains { $0.hasPrefix("hrSystemUptime advanced") },
                "\(evidence)")
        #expect(report.devices.first?.reboots == 0 && report.devices.first?.outages == 1)
    }

    @Test("a reboot (the host's uptime starting again) is reported once, with its evidence and time")
    func reboot() async throws {
        let agent = try ControlledSNMPD()
        try agent.start()
        let dir = try T.setUp([T.target("lab", agent.agent)])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = try T.daemon(dir)
        defer { p.stop() }
        try await T.waitFor(dir) { $0.filter(\.reachable).count >= 2 }
        // The device comes back from a reboot: its host has been up a second.
        agent.stop()
        let rebootedAt = Date().addingTimeInterval(-1)
        try agent.start(hostUptime: 1)
        try await T.waitFor(dir) { $0.suffix(3).allSatisfy { $0.reachable && $0.hrSystemUptime! < 3000 } }
        p.signal(SIGTERM)
        #expect(p.waitForExit(seconds: 10) == 0, Comment(rawValue: p.log))
        let report = try UptimeJSON.read(dir)
        #expect(report.restarts.count == 1, "\(report.restarts)")
        let r = try #require(report.restarts.first)
        #expect(r.kind == "reboot")
        #expect(abs(r.time.timeIntervalSince(rebootedAt)) < 1.5, "reboot dated \(r.time), host started \(rebootedAt)")
        #expect(r.evidence.contains { $0.hasPrefix("hrSystemUptime went back from") }, "\(r.evidence)")
        // The table says the same for an operator; a bad period or an unknown device is refused.
        let table = try runProcess(TestEnv.pantauBinary, ["uptime", "--store", dir + "/pantau.sqlite", "--period", "last-1h"])
        #expect(table.status == 0 && table.stdout.contains("REBOOT of lab at about") && table.stdout.contains("  - hrSystemUptime went back from"),
                Comment(rawValue: table.stdout + table.stderr))
        #expect(table.stdout.contains("note: no active regional profile"))
        let bad = try runProcess(TestEnv.pantauBinary, ["uptime", "--store", dir + "/pantau.sqlite", "--period", "someday"])
        #expect(bad.status != 0 && bad.stderr.contains("is not a period"), Comment(rawValue: bad.stderr))
        let unknown = try runProcess(TestEnv.pantauBinary, ["uptime", "--store", dir + "/pantau.sqlite", "--device", "nope"])
        #expect(unknown.status != 0 && unknown.stderr.contains("no status polls of device \"nope\""), Comment(rawValue: unknown.stderr))
    }

    @Test("sysUpTime passing 2^32 ticks (497 days) while polled gives neither a reboot nor an agent restart")
    func sysUpTimeWrap() async throws {
        let agent = try ControlledSNMPD()
        try agent.start(movableClock: true)
        // The agent's clock moves on so that its sysUpTime is 4 s short of 2^32 ticks; then the daemon starts.
        let r = try runProcess("/usr/bin/snmpget", ["-v2c", "-c", "pantau-lab", "-Oqvt", "127.0.0.1:\(agent.port)", "1.3.6.1.2.1.1.3.0"])
        let upNow = try #require(Double(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines))) / 100
        try "+\(Int(4_294_967_296 / 100 - 4 - upNow))".write(toFile: agent.clockOffsetFile, atomically: true, encoding: .utf8)
        let dir = try T.setUp([T.target("lab", agent.agent)])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = try T.daemon(dir)
        defer { p.stop() }
        let polls = try await T.waitFor(dir) { ps in
            zip(ps, ps.dropFirst()).contains { $0.sysUpTime! > $1.sysUpTime! } && ps.count >= 7
        }
        p.signal(SIGTERM)
        #expect(p.waitForExit(seconds: 10) == 0, Comment(rawValue: p.log))
        #expect(zip(polls, polls.dropFirst()).contains { $0.sysUpTime! > 4_294_900_000 && $1.sysUpTime! < 1_000 }, "\(polls.map(\.sysUpTime))")
        let report = try UptimeJSON.read(dir)
        #expect(report.restarts.isEmpty, "\(report.restarts)")
        #expect(report.devices.first.map { $0.reboots == 0 && $0.agentRestarts == 0 } == true)
    }

    @Test("a host uptime passing 2^32 ticks (497 days) while polled gives no reboot")
    func timeTicksWrap() async throws {
        let agent = try ControlledSNMPD()
        // 3 s before hrSystemUptime wraps.
        try agent.start(hostUptime: 4_294_967_296 / 100 - 3)
        let dir = try T.setUp([T.target("lab", agent.agent)])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = try T.daemon(dir)
        defer { p.stop() }
        let polls = try await T.waitFor(dir) { ps in
            zip(ps, ps.dropFirst()).contains { $0.hrSystemUptime! > $1.hrSystemUptime! } && ps.count >= 6
        }
        p.signal(SIGTERM)
        #expect(p.waitForExit(seconds: 10) == 0, Comment(rawValue: p.log))
        // The wrap did happen between two polls...
        #expect(zip(polls, polls.dropFirst()).contains { $0.hrSystemUptime! > 4_294_900_000 && $1.hrSystemUptime! < 1_000 })
        // ...and is neither a reboot nor an agent restart.
        let report = try UptimeJSON.read(dir)
        #expect(report.restarts.isEmpty, "\(report.restarts)")
        #expect(report.devices.first?.reboots == 0)
    }
}

/// Reloading on SIGHUP, and SIGKILL mid-run.
@Suite("The daemon reloads on SIGHUP and survives SIGKILL", .serialized)
struct DaemonLifecycleTests {
    typealias T = CollectorDaemonTests

    @Test("SIGHUP adds and removes targets without a restart; a bad file keeps the running configuration and says where it is wrong")
    func sighupReloads() async throws {
        let agent = try ControlledSNMPD()
        try agent.start()
        let dir = try T.setUp([T.target("first", agent.agent)])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = try T.daemon(dir)
        defer { p.stop() }
        try await T.waitFor(dir) { $0.filter { $0.device == "first" }.count >= 2 }

        try T.config([T.target("second", agent.agent, extra: ", hosting: vps")]).write(toFile: dir + "/pantau.yaml", atomically: true, encoding: .utf8)
        p.signal(SIGHUP)
        let reloaded = try await T.waitFor(dir) { $0.filter { $0.device == "second" }.count >= 3 }
        let secondStarted = try #require(reloaded.first { $0.device == "second" }).time
        // `first` is polled no more once `second` is (a poll in flight at the signal may still land).
        #expect(reloaded.filter { $0.device == "first" && $0.time > secondStarted.addingTimeInterval(1.2) }.isEmpty)
        #expect(reloaded.filter { $0.device == "second" }.allSatisfy { $0.hosting == .vps })

        // A broken file: the daemon says which line, and goes on with `second`.
        try "targets:\n  - { name: third, agent: \"udp:127.0.0.1:1\", credentials: nowhere }\n"
            .write(toFile: dir + "/pantau.yaml", atomically: true, encoding: .utf8)
        p.signal(SIGHUP)
        let count = reloaded.filter { $0.device == "second" }.count
        let after = try await T.waitFor(dir) { $0.filter { $0.device == "second" }.count >= count + 3 }
        #expect(after.filter { $0.device == "second" }.count >= count + 3)
        #expect(!after.contains { $0.device == "third" })
        let log = p.log
        #expect(log.contains("configuration not reloaded") && log.contains(dir + "/pantau.yaml:2:"), Comment(rawValue: log))
        #expect(log.contains("no credential set named \"nowhere\""), Comment(rawValue: log))

        // `second` changed: another hosting type and a 2 s interval, from its next poll on.
        try T.config([T.target("second", agent.agent, extra: ", hosting: pd, interval: 2")])
            .write(toFile: dir + "/pantau.yaml", atomically: true, encoding: .utf8)
        p.signal(SIGHUP)
        let changed = try await T.waitFor(dir) { $0.filter { $0.device == "second" && $0.hosting == .pd }.count >= 2 }
        let now = changed.filter { $0.device == "second" && $0.hosting == .pd }
        #expect(now.count >= 2 && now.allSatisfy { $0.interval == 2 })
        #expect(now.count < 2 || now[1].time.timeIntervalSince(now[0].time) > 1.5)
        p.signal(SIGTERM)
        #expect(p.waitForExit(seconds: 10) == 0, Comment(rawValue: p.log))
    }

    @Test("SIGHUP starts, changes and stops packet sampling with the rest of the configuration")
    func sighupReloadsSampling() async throws {
        let agent = try ControlledSNMPD()
        try agent.start()
        let dir = try T.setUp([T.target("lab", agent.agent)])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = try T.daemon(dir)
        defer { p.stop() }
        try await T.waitFor(dir) { $0.count >= 2 }
        func sampling(_ point: String, _ file: String) -> String {
            T.config([T.target("lab", agent.agent)]) + "sampling:\n  capture_point: \(point)\n  read: [\(TestEnv.corpus)/pcap/\(file)]\n"
        }
        func points() throws -> Set<String> {
            Set(try PantauStore(path: dir + "/pantau.sqlite", access: .readOnly).hostSightings(pd: nil, vlan: nil, since: nil).map(\.capturePoint))
        }
        func waitForPoints(_ want: Set<String>) async throws -> Set<String> {
            let deadline = Date().addingTimeInterval(15)
            var got = try points()
            while got != want && Date() < deadline { try await Task.sleep(for: .milliseconds(200)); got = try points() }
            return got
        }
        #expect(try points().isEmpty)
        // Added: the capture file is read into the store while the daemon goes on polling.
        try sampling("span-a", "dhcp.pcap").write(toFile: dir + "/pantau.yaml", atomically: true, encoding: .utf8)
        p.signal(SIGHUP)
        #expect(try await waitForPoints(["span-a"]) == ["span-a"], Comment(rawValue: p.log))
        // The same section again: nothing restarts. Another capture point and file: the new one runs.
        p.signal(SIGHUP)
        try sampling("span-b", "icmp_dot1q.pcap").write(toFile: dir + "/pantau.yaml", atomically: true, encoding: .utf8)
        p.signal(SIGHUP)
        #expect(try await waitForPoints(["span-a", "span-b"]) == ["span-a", "span-b"], Comment(rawValue: p.log))
        // Removed: sampling stops; polling goes on.
        try T.config([T.target("lab", agent.agent)]).write(toFile: dir + "/pantau.yaml", atomically: true, encoding: .utf8)
        p.signal(SIGHUP)
        let before = try T.polls(dir).count
        try await T.waitFor(dir) { $0.count >= before + 2 }
        p.signal(SIGTERM)
        #expect(p.waitForExit(seconds: 10) == 0, Comment(rawValue: p.log))
        let log = p.log
        #expect(log.components(separatedBy: "sampling started").count - 1 == 2, Comment(rawValue: log))
        #expect(log.contains("sampling reconfigured") && log.contains("sampling removed from the configuration"), Comment(rawValue: log))
    }

    @Test("the daemon's sFlow counter samples feed the interface's traffic series, as collect --once and pantau sample do")
    func sFlowCountersFeedTraffic() async throws {
        let agent = try ControlledSNMPD()
        try agent.start()
        let dir = try Lab.temporaryDirectory("pantau-daemon-sflow")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let port = SampleCommandTests.freePort()
        try (T.config([T.target("lab", agent.agent)])
             + "sampling:\n  capture_point: sflow-in\n  sflow: 127.0.0.1:\(port)\n  flush_interval: 1\n  oui_file: \"\"\n")
            .write(toFile: dir + "/pantau.yaml", atomically: true, encoding: .utf8)
        let p = try T.daemon(dir)
        defer { p.stop() }
        let listening = Date().addingTimeInterval(30)
        while !SampleCommandTests.portTaken(port) && Date() < listening { try await Task.sleep(for: .milliseconds(50)) }
        try #require(SampleCommandTests.portTaken(port), Comment(rawValue: p.log))
        func sightings() -> [InterfaceCounterSighting] {
            (try? PantauStore(path: dir + "/pantau.sqlite", access: .readOnly).interfaceCounterSightings()) ?? []
        }
        func waitFor(_ count: Int) async throws {
            let deadline = Date().addingTimeInterval(30)
            while sightings().count < count && Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
            try #require(sightings().count == count, Comment(rawValue: p.log))
        }
        // Two counter samples of the agent's ifIndex 7, a second or more apart: 2.5 MB in, 1 MB out between them.
        try sendUDP(counterDatagram(), port: port)
        try await waitFor(1)
        try await Task.sleep(for: .seconds(1))
        try sendUDP(counterDatagram(inOctets: 7_500_000, outOctets: 8_000_000, sequence: 2, uptime: 3000), port: port)
        try await waitFor(2)
        p.signal(SIGTERM)
        #expect(p.waitForExit(seconds: 30) == 0, Comment(rawValue: p.log))

        let seen = sightings()
        let seconds = seen[1].sampledAt.timeIntervalSince(seen[0].sampledAt)
        let store = try PantauStore(path: dir + "/pantau.sqlite", access: .readOnly)
        let series = try #require(try store.trafficSeries(device: "127.0.0.1").first { $0.ifIndex == 7 }, "no traffic series for the sFlow agent")
        let rates = try store.trafficIntervals(series.key, from: .distantPast, to: .distantFuture).filter { $0.kind == .rate }
        #expect(rates.count == 1, "\(rates)")
        let rate = try #require(rates.first)
        #expect(abs((rate.inBitsPerSecond ?? 0) - 2_500_000 * 8 / seconds) < 1, "\(rate) over \(seconds) s")
        #expect(abs((rate.outBitsPerSecond ?? 0) - 1_000_000 * 8 / seconds) < 1, "\(rate) over \(seconds) s")
    }

    @Test("a full disk: the daemon says so once, keeps polling, loses nothing committed, and records again once there is room")
    func fullDisk() async throws {
        let agent = try ControlledSNMPD()
        try agent.start()
        let dir = try Lab.temporaryDirectory("pantau-full-disk")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A real file system that fills up: a 6 MiB tmpfs for the store (the test runs as root, like the lab).
        let disk = dir + "/disk"
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        let mount = try runProcess("/bin/mount", ["-t", "tmpfs", "-o", "size=6m", "tmpfs", disk])
        try #require(mount.status == 0, "cannot mount a tmpfs (needs root): \(mount.stderr)")
        defer { _ = try? runProcess("/bin/umount", ["-l", disk]) }
        try T.config([T.target("a", agent.agent), T.target("b", agent.agent)]).replacingOccurrences(of: "store: pantau.sqlite", with: "store: disk/pantau.sqlite")
            .write(toFile: dir + "/pantau.yaml", atomically: true, encoding: .utf8)
        // The store is disk/pantau.sqlite: the shared helpers read it as the store of `disk`.
        func polls() -> [StatusPoll] { (try? T.polls(disk)) ?? [] }
        let p = try T.daemon(dir)
        defer { p.stop() }
        let early = try await T.waitFor(disk) { $0.count >= 4 }
        #expect(early.count >= 4, Comment(rawValue: p.log))
        // Fill the disk to the last byte.
        let filler = disk + "/filler"
        _ = try runProcess("/bin/dd", ["if=/dev/zero", "of=" + filler, "bs=64k"])
        try await Task.sleep(for: .seconds(4))
        let during = polls()
        #expect(kill(p.pid, 0) == 0, "the daemon is still running")
        let full = p.log.components(separatedBy: "\n").filter { $0.contains("full") }
        #expect(!full.isEmpty, Comment(rawValue: p.log))
        #expect(full.count <= 4, "one line per device and area, not one per poll: \(full)")
        // Room again: recording resumes without a restart.
        try FileManager.default.removeItem(atPath: filler)
        let after = try await T.waitFor(disk) { $0.count >= during.count + 4 }
        #expect(after.count >= during.count + 4, Comment(rawValue: p.log))
        p.signal(SIGTERM)
        #expect(p.waitForExit(seconds: 10) == 0, Comment(rawValue: p.log))
        let kept = Set(early.map { "\($0.device) \($0.time.timeIntervalSince1970)" })
        #expect(kept.isSubset(of: Set(polls().map { "\($0.device) \($0.time.timeIntervalSince1970)" })))
        let check = try runProcess("/usr/bin/sqlite3", [disk + "/pantau.sqlite", "PRAGMA integrity_check"])
        #expect(check.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "ok", Comment(rawValue: check.stdout + check.stderr))
        #expect(p.log.contains("recording status failed: resolved"), Comment(rawValue: p.log))
    }

    /// snmpsim serving the RouterOS recording made to move by scripts/lab-vary.py (into
    /// `dir`/recordings), and the rate in octets per second its ether1 counts in.
    static func variedRouterOS(_ dir: String) throws -> (SNMPSimAgent, Double) {
        let vary = try runProcess("/usr/bin/python3", [TestEnv.repo + "/scripts/lab-vary.py", TestEnv.corpus + "/snmp", dir + "/recordings", "routeros"])
        #expect(vary.status == 0 && vary.stdout.contains("values made to move"), Comment(rawValue: vary.stdout + vary.stderr))
        let varied = try String(contentsOfFile: dir + "/recordings/routeros.snmprec", encoding: .utf8)
        // ether1 (ifIndex 1, up) moves at the rate the script chose; ifIndex 2 (down) stays as recorded.
        let line = try #require(varied.split(separator: "\n").first { $0.hasPrefix("1.3.6.1.2.1.31.1.1.1.6.1|") })
        #expect(line.hasPrefix("1.3.6.1.2.1.31.1.1.1.6.1|70:numeric|initial=235098478,rate="))
        let octetsPerSecond = try #require(Double(line.split(separator: "=").last ?? ""))
        #expect(varied.contains("1.3.6.1.2.1.31.1.1.1.6.2|70|70946\n"))
        return (try SNMPSimAgent(dataDir: dir + "/recordings", readyCommunity: "routeros"), octetsPerSecond)
    }

    @Test("recordings made to move (scripts/lab-vary.py, snmpsim's numeric variation) give steady rates and no restart")
    func variedRecordingsMove() async throws {
        let dir = try Lab.temporaryDirectory("pantau-varied")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (sim, octetsPerSecond) = try Self.variedRouterOS(dir)
        defer { sim.stop() }
        try """
            store: pantau.sqlite
            probes: \(TestEnv.repo)/probes
            credentials:
              rec:
                community: routeros
            daemon:
              interval: 1
              metrics: off
            targets:
              - {name: routeros, agent: "\(sim.agent)", credentials: rec, options: {timeout: 1, retries: 1}}

            """.write(toFile: dir + "/pantau.yaml", atomically: true, encoding: .utf8)
        let p = try T.daemon(dir, ["--duration", "5"])
        #expect(p.waitForExit(seconds: 30) == 0, Comment(rawValue: p.log))
        let store = try PantauStore(path: dir + "/pantau.sqlite", access: .readOnly)
        let ether1 = try #require(try store.trafficSeries(device: "routeros").first { $0.ifIndex == 1 })
        let rates = try store.trafficIntervals(ether1.key, from: .distantPast, to: .distantFuture).filter { $0.kind == .rate }
        #expect(rates.count >= 2, "\(rates)")
        for r in rates {
            // Within 20 %: the poll's time is taken when the answer arrives, the agent's value when it answers.
            #expect(abs((r.inBitsPerSecond ?? 0) / (octetsPerSecond * 8) - 1) < 0.2, "\(r)")
        }
        let report = try UptimeJSON.read(dir)
        #expect(report.restarts.isEmpty, "\(report.restarts)")
    }

    @Test("the system clock stepping back 30 s, then forward 2 min, under the daemon: poll times never go back and span the time that passed, no restart, no outage, rates stay true, one log line per step, polls carry on")
    func clockSteps() async throws {
        // A young snmpd (its sysUpTime shorter than a forward step: without a steady clock the
        // step's long gap reads as a restart within it) and a recording whose counters move at
        // a known rate (a stepped gap would read as a wrong rate).
        let agent = try ControlledSNMPD()
        try agent.start()
        let dir = try Lab.temporaryDirectory("pantau-clock-step")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (sim, octetsPerSecond) = try Self.variedRouterOS(dir)
        defer { sim.stop() }
        try """
            store: pantau.sqlite
            probes: \(TestEnv.repo)/probes
            credentials:
              lab:
                community: pantau-lab
              rec:
                community: routeros
            daemon:
              interval: 1
              down_after: 2
              metrics: off
            targets:
              - \(T.target("young", agent.agent))
              - {name: routeros, agent: "\(sim.agent)", credentials: rec, options: {timeout: 1, retries: 1}}

            """.write(toFile: dir + "/pantau.yaml", atomically: true, encoding: .utf8)
        // The daemon's system clock is the machine's plus the seconds in this file (what NTP
        // stepping it looks like to the process; the machine's own clock is left alone).
        let offset = dir + "/clock-offset"
        try "0".write(toFile: offset, atomically: true, encoding: .utf8)
        let p = try T.daemon(dir, environment: ["PANTAU_CLOCK_OFFSET_FILE": offset])
        defer { p.stop() }
        // The store is made by the daemon: until its schema is there, no polls.
        func young() throws -> [StatusPoll] { (try? T.polls(dir, "young")) ?? [] }
        func waitForMore(_ count: Int, than before: Int) async throws {
            let deadline = Date().addingTimeInterval(30)
            while try young().count < before + count, Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
            #expect(try young().count >= before + count, Comment(rawValue: p.log))
        }
        try await waitForMore(3, than: 0)
        let started = Date()
        let firstTime = try #require(try young().last?.time)
        try "-30".write(toFile: offset, atomically: true, encoding: .utf8)
        try await waitForMore(4, than: try young().count)
        try "+90".write(toFile: offset, atomically: true, encoding: .utf8)
        try await waitForMore(4, than: try young().count)
        let lastTime = try #require(try young().last?.time)
        let passed = Date().timeIntervalSince(started)
        p.signal(SIGTERM)
        #expect(p.waitForExit(seconds: 10) == 0, Comment(rawValue: p.log))

        // Stored in order, each poll later than the one before, and all of them spanning the
        // time that passed (within the catching up's 10 %), not 30 s less or 120 s more.
        let stored = try young()
        #expect(stored.allSatisfy { $0.reachable })
        for (a, b) in zip(stored, stored.dropFirst()) {
            #expect(b.time > a.time && b.time.timeIntervalSince(a.time) < 5, "\(a.time) then \(b.time)")
        }
        let span = lastTime.timeIntervalSince(firstTime)
        #expect(span > 0 && abs(span - passed) <= 0.1 * passed + 2, "polls span \(span) s over \(passed) s")
        // One line per step, saying what happened.
        let log = p.log
        func steps(_ direction: String) -> [Double] {
            log.components(separatedBy: "the system clock stepped \(direction) by ").dropFirst()
                .compactMap { Double($0.prefix { $0 != " " }) }
        }
        #expect(steps("back").count == 1 && abs(steps("back")[0] - 30) < 0.5, Comment(rawValue: log))
        #expect(steps("forward").count == 1 && abs(steps("forward")[0] - 120) < 0.5, Comment(rawValue: log))
        // No restart of either device, no outage.
        let report = try UptimeJSON.read(dir)
        #expect(report.restarts.isEmpty, "\(report.restarts)")
        #expect(report.outages.isEmpty, "\(report.outages)")
        // The recording's interface keeps its rate across both steps: no spike, no dip, no interval lost to "the clock went back".
        let store = try PantauStore(path: dir + "/pantau.sqlite", access: .readOnly)
        let ether1 = try #require(try store.trafficSeries(device: "routeros").first { $0.ifIndex == 1 })
        let intervals = try store.trafficIntervals(ether1.key, from: .distantPast, to: .distantFuture)
        #expect(!intervals.contains { $0.reason == .clockWentBack }, "\(intervals)")
        let rates = intervals.filter { $0.kind == .rate }
        #expect(rates.count >= 8, "\(intervals)")
        for r in rates {
            #expect(abs((r.inBitsPerSecond ?? 0) / (octetsPerSecond * 8) - 1) < 0.25, "\(r)")
        }
    }

    @Test("SIGKILL mid-run loses no committed poll: the store opens, every row read before the kill is there, and a restarted daemon goes on")
    func sigkillLosesNothing() async throws {
        let agent = try ControlledSNMPD()
        try agent.start()
        // Several targets at 1 s: writes are frequent, so the kill lands among them.
        let dir = try T.setUp((1...8).map { T.target("dev\($0)", agent.agent) })
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = try T.daemon(dir)
        try await T.waitFor(dir) { $0.count >= 20 }
        p.signal(SIGKILL)
        #expect(p.waitForExit(seconds: 5) == 128 + SIGKILL)
        let before = try T.polls(dir)
        #expect(before.count >= 20)
        let check = try runProcess("/usr/bin/sqlite3", [dir + "/pantau.sqlite", "PRAGMA integrity_check"])
        #expect(check.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "ok", Comment(rawValue: check.stdout + check.stderr))

        let again = try T.daemon(dir)
        let after = try await T.waitFor(dir) { $0.count >= before.count + 16 }
        again.signal(SIGTERM)
        #expect(again.waitForExit(seconds: 10) == 0, Comment(rawValue: again.log))
        let kept = Set(before.map { "\($0.device) \($0.time.timeIntervalSince1970)" })
        #expect(kept.isSubset(of: Set(after.map { "\($0.device) \($0.time.timeIntervalSince1970)" })))
        #expect(after.count >= before.count + 16)
    }

    @Test("/metrics serves per-device up, poll duration and errors and the collector's health, on loopback")
    func metrics() async throws {
        let agent = try ControlledSNMPD()
        try agent.start()
        let port = T.freeTCPPort()
        let silent = "udp:127.0.0.1:\(Lab.freeUDPPort())"
        let dir = try T.setUp([T.target("lab", agent.agent, extra: ", pd: dinkes, hosting: colocation"), T.target("silent", silent)],
                              daemon: "interval: 1\n  metrics: 127.0.0.1:\(port)")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = try T.daemon(dir)
        defer { p.stop() }
        try await T.waitFor(dir) { ps in ps.filter { $0.device == "silent" }.count >= 2 && ps.filter { $0.device == "lab" }.count >= 2 }
        let r = try runProcess("/usr/bin/curl", ["-s", "--max-time", "5", "http://127.0.0.1:\(port)/metrics"])
        let text = r.stdout
        #expect(text.contains(#"pantau_device_up{device="lab",pd="dinkes",hosting="colocation"} 1.0"#), Comment(rawValue: text))
        #expect(text.contains(#"pantau_device_up{device="silent",pd="",hosting=""} 0.0"#), Comment(rawValue: text))
        let errors = text.split(separator: "\n").first { $0.hasPrefix(#"pantau_poll_errors_total{device="silent"}"#) }
        #expect((errors?.split(separator: " ").last).flatMap { Int($0) }.map { $0 >= 2 } == true, Comment(rawValue: text))
        #expect(text.contains(#"pantau_poll_errors_total{device="lab"} 0"#))
        #expect(text.contains(#"pantau_poll_duration_seconds{device="lab"}"#) && text.contains("pantau_store_write_seconds_count"))
        #expect(text.contains("pantau_collector_queue_depth 0") && text.contains("pantau_collector_late_polls_total"))
    }

    @Test("the rates hook: set gauges appear per device and interface, and leave with the device")
    func ratesHook() {
        let m = CollectorMetrics()
        m.setInterfaceRates(device: "core", interface: "ether1", inBitsPerSecond: 1.5e6, outBitsPerSecond: 250_000)
        m.setInterfaceRates(device: "core", interface: "ether1", inBitsPerSecond: 2e6, outBitsPerSecond: 0)
        m.observe(StatusPoll(device: "core", time: Date(), interval: 60, reachable: true, duration: 0.01))
        let text = m.exposition()
        #expect(text.contains(#"pantau_interface_in_bits_per_second{device="core",interface="ether1"} 2000000.0"#), Comment(rawValue: text))
        #expect(text.contains(#"pantau_interface_out_bits_per_second{device="core",interface="ether1"} 0.0"#), Comment(rawValue: text))
        m.remove(device: "core")
        let gone = m.exposition()
        #expect(!gone.contains(#"device="core""#), Comment(rawValue: gone))
    }
}

extension CollectorDaemonTests {
    static func freeTCPPort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}

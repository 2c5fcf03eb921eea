import Collectors
import Settings
import Foundation
import InventoryModel
import InventoryStore
import Storage
import Logging
import Testing

/// sFlow counter samples from a real exporter become bandwidth intervals.
///
/// The exporter is pmacct's `sfprobe` plugin: it sends a generic interface counter sample
/// (its own byte counts of the packets it read) every 20 seconds, fixed in its source
/// (`counterSamplingInterval = 20`; no configuration key changes it), starting at a
/// random second of the first 20. To keep the test short its clock runs 10 times faster
/// under libfaketime (Debian `faketime`): a sample every 2 real seconds. Pantau times
/// samples by its own (real) clock on receipt, so intervals are about 2 s.
@Suite("sFlow counter samples from a real exporter (pmacct sfprobe) become rates", .serialized)
struct SFlowCounterTests {
    /// libfaketime from Debian's faketime package, preloaded into pmacctd alone (the
    /// `faketime` wrapper would stay between `timeout` and pmacctd).
    static var libfaketime: String? {
        let dirs = ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib")) ?? []).sorted()
        return dirs.map { "/usr/lib/\($0)/faketime/libfaketime.so.1" }.first { FileManager.default.fileExists(atPath: $0) }
    }

    static func log(_ tmp: TempDir) -> String { (try? String(contentsOfFile: tmp.path + "/pmacctd.log", encoding: .utf8)) ?? "" }

    @Test("two lives of a pmacct agent: rates within each, a reset between them, and `pantau counters` agrees")
    func pmacctCounterSamples() async throws {
        let pmacctd = try #require(TestEnv.which("pmacctd"), "pmacctd is not installed (Debian pmacct; scripts/setup.sh installs it)")
        let libfaketime = try #require(Self.libfaketime, "libfaketime is not installed (Debian faketime; scripts/setup.sh installs it)")
        let tmp = try TempDir()
        let port = UInt16.random(in: 20_000...60_000)
        let conf = tmp.path + "/sfprobe.conf"
        // The capture is replayed every (fake) second so packets keep flowing: sfprobe's
        // poller only ticks when packets reach the plugin. The agent address is the
        // DISKOMINFO boundary router of config/registry.example.yaml.
        try """
            daemonize: false
            pcap_savefile: \(TestEnv.pcapDir)/wikipedia.pcap
            pcap_savefile_replay: 100000
            pcap_savefile_delay: 1
            plugins: sfprobe
            sfprobe_receiver: 127.0.0.1:\(port)
            sfprobe_agentip: 10.20.0.1
            sfprobe_ifspeed: 10000000
            sampling_rate: 50
            """.write(toFile: conf, atomically: true, encoding: .utf8)
        let storePath = tmp.path + "/pantau.sqlite"
        let store = try PantauStore(path: storePath)
        var settings = SamplingSettings(source: .sflow(host: "127.0.0.1", port: port), capturePoint: "sflow-counters")
        settings.duration = 60  // an upper bound; the test cancels the run
        settings.flushInterval = 1
        settings.ouiFile = nil
        let (readySignal, readyContinuation) = AsyncStream<Void>.makeStream()
        let run = Task {
            try await runSampling(settings, store: store, segments: [], logger: Logger(label: "test"), ready: { readyContinuation.finish() })
        }
        for await _ in readySignal {}

        // First life: 7 real seconds give 3 or 4 counter samples (the first within 2 s).
        func exporter(seconds: Double) throws -> Int32 {
            let p = try UnblockedProcess(pmacctd, ["-f", conf], environment: ["LD_PRELOAD": libfaketime, "FAKETIME": "+0 x10"],
                                         log: tmp.path + "/pmacctd.log")
            Thread.sleep(forTimeInterval: seconds)
            return p.interrupt(grace: 5)
        }
        // An orderly stop exits 0, or 1 when pmacctd's core sees its plugin process end
        // before its own SIGINT handler has run ("no more plugins active"); 137 would mean
        // it ignored SIGINT and was killed.
        let firstLife = try exporter(seconds: 7)
        #expect([0, 1].contains(firstLife), "pmacctd did not stop on SIGINT (\(firstLife)): \(Self.log(tmp))")
        let restart = Date()
        // Second life: a restarted agent counts from zero again.
        let secondLife = try exporter(seconds: 6)
        #expect([0, 1].contains(secondLife), "pmacctd did not stop on SIGINT (\(secondLife)): \(Self.log(tmp))")
        run.cancel()
        let summary = try await run.value
        #expect(summary.datagrams > 0 && summary.badDatagrams == 0, "\(summary)")

        let rows = try store.interfaceCounterSightings()
        let agent = try #require(IPAddress("10.20.0.1"))
        #expect(rows.allSatisfy { $0.agent == agent && $0.capturePoint == "sflow-counters" && $0.ifSpeed == 10_000_000 })
        #expect(Set(rows.map(\.ifIndex)).count == 1, "one interface: \(rows.map(\.ifIndex))")
        let before = rows.filter { $0.sampledAt < restart }, after = rows.filter { $0.sampledAt >= restart }
        try #require(before.count >= 2 && after.count >= 2, "counter samples: \(before.count) before the restart, \(after.count) after")
        // sfprobe counts what it reads, and it kept reading: each life's counters only grow,
        // and the second life started below where the first ended.
        for life in [before, after] {
            for (a, b) in zip(life, life.dropFirst()) { #expect(b.inOctets >= a.inOctets) }
            #expect(life[life.count - 1].inOctets > life[0].inOctets)
            #expect(life.allSatisfy { $0.outOctets == 0 })  // sfprobe counts everything as received
        }
        let lastBefore = try #require(before.last), firstAfter = try #require(after.first)
        #expect(firstAfter.inOctets < lastBefore.inOctets)

        // The rates: every interval within a life is a rate of exactly octets × 8 / seconds,
        // the one across the restart is a reset, and nothing is a gap.
        let groups = CounterSeries.grouped(rows.map { (key: $0.key, reading: $0.reading) })
        try #require(groups.count == 1)
        let series = groups[0].series
        // Duplicates would be samples < 1 s apart: sfprobe catching up after a stall.
        #expect(series.readings.count + series.duplicates == rows.count)
        #expect(series.intervals.count == series.readings.count - 1)
        #expect(series.intervals.filter { $0.kind == .reset }.count == 1)
        #expect(series.intervals.filter { $0.kind == .gap }.isEmpty, "median \(series.medianInterval ?? 0) s: \(series.intervals.map(\.seconds))")
        for (i, interval) in series.intervals.enumerated() {
            let a = series.readings[i], b = series.readings[i + 1]
            if a.time < restart && b.time >= restart {
                #expect(interval.kind == .reset && interval.inBitsPerSecond == nil)
                continue
            }
            #expect(interval.kind == .rate)
            let seconds = b.time.timeIntervalSince(a.time)
            let bps = Double(b.inOctets - a.inOctets) * 8 / seconds
            #expect(abs((interval.inBitsPerSecond ?? -1) - bps) <= bps * 1e-9)
            #expect(abs((interval.inUtilisation ?? -1) - bps / 10_000_000 * 100) <= 1e-6)
            #expect(interval.outBitsPerSecond == 0)
            // About 2 real seconds between samples (20 fake seconds), whatever the load.
            #expect(seconds > 1 && seconds < 6, "\(seconds) s between samples")
        }
        let s = series.summary
        #expect(s.resets == 1 && s.gaps == 0 && s.samples == series.readings.count)
        #expect(s.inOctets == (lastBefore.inOctets - before[0].inOctets) + (after[after.count - 1].inOctets - firstAfter.inOctets))

        // The same numbers through the real binary, attributed to the PD whose boundary
        // router has the agent's address.
        let pantau = TestEnv.pantauBinary
        try #require(FileManager.default.isExecutableFile(atPath: pantau), "build first: swift build --build-tests")
        let load = try runProcess(pantau, ["registry", "load", TestEnv.repo + "/config/registry.example.yaml", "--store", storePath])
        #expect(load.status == 0, "\(load.stderr)")
        let out = try runProcess(pantau, ["counters", "--store", storePath, "--json", "--intervals"])
        #expect(out.status == 0, "\(out.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [[String: Any]])
        try #require(doc.count == 1)
        let obj = doc[0]
        #expect(obj["agent"] as? String == "10.20.0.1" && obj["pd"] as? String == "DISKOMINFO")
        #expect(obj["boundary_router"] as? String == "rtr-diskominfo")
        #expect((obj["samples"] as? NSNumber)?.intValue == series.readings.count)
        #expect((obj["resets"] as? NSNumber)?.intValue == 1 && (obj["gaps"] as? NSNumber)?.intValue == 0)
        #expect((obj["in_octets"] as? NSNumber)?.uint64Value == s.inOctets)
        #expect((obj["if_speed"] as? NSNumber)?.intValue == 10_000_000)
        let jsonIntervals = try #require(obj["intervals"] as? [[String: Any]])
        #expect(jsonIntervals.map { $0["kind"] as? String } == series.intervals.map(\.kind.rawValue))
        #expect(jsonIntervals.map { ($0["in_octets"] as? NSNumber)?.uint64Value } == series.intervals.map(\.inOctets))

        let table = try runProcess(pantau, ["counters", "--store", storePath])
        #expect(table.status == 0)
        let line = try #require(table.stdout.split(separator: "\n").first { $0.hasPrefix("10.20.0.1 ") }, "\(table.stdout)")
        #expect(line.contains("DISKOMINFO") && line.contains("10.00 Mbit/s") && line.contains("sflow-counters"))
        #expect(line.contains("Mbit/s") || line.contains("kbit/s"))
    }
}

/// A child process started with no signal blocked and default dispositions.
///
/// Why not `runProcess` or `timeout`: the test runner's threads block some signals, and a
/// child inherits that mask across exec, so pmacctd never saw the SIGINT that stops it in
/// order; only SIGKILL did, which skips libfaketime's exit handler and leaves its shared
/// memory behind in /dev/shm.
final class UnblockedProcess {
    let pid: pid_t
    private var reaped = false

    init(_ path: String, _ arguments: [String], environment: [String: String], log: String) throws {
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var none = sigset_t(), defaults = sigset_t()
        sigemptyset(&none)
        sigemptyset(&defaults)
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attr, argv, envp)
        guard rc == 0 else { throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "cannot start \(path): \(String(cString: strerror(rc)))"]) }
        self.pid = pid
    }

    /// SIGINT, then SIGKILL if it has not exited after `grace` seconds. Returns the exit
    /// status, or 128 + the signal that ended it.
    func interrupt(grace: Double) -> Int32 {
        kill(pid, SIGINT)
        let deadline = Date().addingTimeInterval(grace)
        var status: Int32 = 0
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid || r < 0 { break }
            if Date() > deadline { kill(pid, SIGKILL); _ = waitpid(pid, &status, 0); break }
            usleep(20_000)
        }
        reaped = true
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    deinit { if !reaped { _ = interrupt(grace: 1) } }
}

import Foundation

/// snmpsim serving device recordings on 127.0.0.1; the community selects the recording
/// (`-c routeros` serves `routeros.snmprec`), as in LibreNMS's test suite.
public final class SNMPSimAgent: @unchecked Sendable {
    public let port: Int
    public let process: ManagedProcess
    public let workDir: String

    /// Starts snmpsim on a free port over `dataDir` (default: the shared SNMP corpus) and
    /// waits until it answers a GET for `readyCommunity`. snmpsim indexes every recording
    /// before it answers; a directory of hundreds needs a `readyTimeout` of minutes.
    public init(dataDir: String = Lab.snmpCorpus, readyCommunity: String? = nil, readyTimeout: Double = 30) throws {
        workDir = try Lab.temporaryDirectory("snmpsim")
        port = Lab.freeUDPPort()
        guard FileManager.default.isExecutableFile(atPath: Lab.snmpsim) else {
            throw LabError("snmpsim not found at \(Lab.snmpsim); run scripts/setup.sh")
        }
        process = try ManagedProcess(
            name: "snmpsim", executable: Lab.snmpsim,
            arguments: ["--data-dir=\(dataDir)", "--cache-dir=\(workDir)/cache",
                        "--agent-udpv4-endpoint=127.0.0.1:\(port)"],
            environment: ["SNMPSIM_ALLOW_ROOT": "true"], logPath: "\(workDir)/snmpsim.log")
        let community = readyCommunity ?? Lab.recordings.first ?? "public"
        try waitUntilAnswering(port: port, community: community, process: process, seconds: readyTimeout)
    }

    public var agent: String { "udp:127.0.0.1:\(port)" }

    public func stop() {
        process.stop()
        try? FileManager.default.removeItem(atPath: workDir)
    }

    deinit { stop() }
}

/// Several snmpsim processes sharing one directory of recordings: each serves a slice
/// (copies in a directory of its own: snmpsim names a linked recording's community after the
/// link's target path), so the indexing snmpsim does on start, and
/// the answering, which is single-threaded in each process, run on every core.
public final class SNMPSimPool: @unchecked Sendable {
    public let agents: [SNMPSimAgent]
    /// Recording name (the community) → the agent serving it (`udp:127.0.0.1:PORT`).
    public let agentFor: [String: String]
    private let sliceDirs: [String]

    /// Serves `names` (base names of `NAME.snmprec` in `dataDir`) from `processes` snmpsim
    /// processes, started together; waits until every one answers.
    public init(dataDir: String, names: [String], processes: Int, readyTimeout: Double = 900) throws {
        let count = max(1, min(processes, names.count))
        var dirs: [String] = []
        var slices = Array(repeating: [String](), count: count)
        // Largest recordings first, each to the slice with the fewest bytes so far.
        let sizes = Dictionary(uniqueKeysWithValues: names.map { n in
            (n, ((try? FileManager.default.attributesOfItem(atPath: "\(dataDir)/\(n).snmprec"))?[.size] as? Int) ?? 0)
        })
        var load = Array(repeating: 0, count: count)
        for n in names.sorted(by: { sizes[$0]! > sizes[$1]! }) {  // every name has a size entry
            let i = load.indices.min { load[$0] < load[$1] }!  // count >= 1
            slices[i].append(n)
            load[i] += sizes[n]!
        }
        for slice in slices {
            let dir = try Lab.temporaryDirectory("snmpsim-slice")
            for n in slice {
                try FileManager.default.copyItem(atPath: "\(dataDir)/\(n).snmprec", toPath: "\(dir)/\(n).snmprec")
            }
            dirs.append(dir)
        }
        sliceDirs = dirs
        let (fixedDirs, fixedSlices) = (dirs, slices)
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var started: [SNMPSimAgent?]
            var failures: [String] = []
            init(_ n: Int) { started = Array(repeating: nil, count: n) }
        }
        let results = Results(count)
        DispatchQueue.concurrentPerform(iterations: count) { i in
            do {
                let a = try SNMPSimAgent(dataDir: fixedDirs[i], readyCommunity: fixedSlices[i][0], readyTimeout: readyTimeout)
                results.lock.lock(); results.started[i] = a; results.lock.unlock()
            } catch {
                results.lock.lock(); results.failures.append("\(error)"); results.lock.unlock()
            }
        }
        let (started, failures) = (results.started, results.failures)
        let ok = started.compactMap { $0 }
        guard failures.isEmpty else {
            for a in ok { a.stop() }
            for d in dirs { try? FileManager.default.removeItem(atPath: d) }
            throw LabError(failures.joined(separator: "\n"))
        }
        agents = ok
        var map: [String: String] = [:]
        for (a, slice) in zip(ok, slices) { for n in slice { map[n] = a.agent } }
        agentFor = map
    }

    public func stop() {
        for a in agents { a.stop() }
        for d in sliceDirs { try? FileManager.default.removeItem(atPath: d) }
    }

    deinit { stop() }
}

/// A real Net-SNMP snmpd on 127.0.0.1 with the lab's configuration (`lab/snmpd.conf`):
/// community `pantau-lab` and SNMPv3 users for every auth/priv pair.
public final class SNMPDAgent: @unchecked Sendable {
    public let port: Int
    public let process: ManagedProcess
    public let workDir: String

    public init(config: String = Lab.repo + "/lab/snmpd.conf") throws {
        workDir = try Lab.temporaryDirectory("snmpd")
        port = Lab.freeUDPPort()
        let snmpd = "/usr/sbin/snmpd"
        guard FileManager.default.isExecutableFile(atPath: snmpd) else { throw LabError("snmpd not installed; run scripts/setup.sh") }
        process = try ManagedProcess(
            name: "snmpd", executable: snmpd,
            arguments: ["-f", "-Lo", "-C", "-c", config, "-p", "\(workDir)/snmpd.pid",
                        "--persistentDir=\(workDir)", "udp:127.0.0.1:\(port)"],
            logPath: "\(workDir)/snmpd.log")
        try waitUntilAnswering(port: port, community: "pantau-lab", process: process)
    }

    public var agent: String { "udp:127.0.0.1:\(port)" }

    public func stop() {
        process.stop()
        try? FileManager.default.removeItem(atPath: workDir)
    }

    deinit { stop() }
}

public struct LabError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

/// Polls with Net-SNMP's own `snmpget` until the agent answers (snmpsim needs about a second
/// to index its recordings), failing with the agent's log if it never does.
func waitUntilAnswering(port: Int, community: String, process: ManagedProcess, seconds: Double = 30) throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if !process.isRunning { throw LabError("\(process.name) exited early:\n\(process.log)") }
        let r = try run("/usr/bin/snmpget", ["-v2c", "-c", community, "-t", "0.5", "-r", "0", "-On",
                                              "127.0.0.1:\(port)", "1.3.6.1.2.1.1.1.0"], timeout: 5)
        if r.status == 0 { return }
        usleep(200_000)
    }
    process.stop()
    throw LabError("\(process.name) did not answer on 127.0.0.1:\(port) within \(Int(seconds))s:\n\(process.log)")
}

/// One snmpsim and one snmpd for the whole test process, started on first use and stopped
/// when the process exits (Swift Testing creates a suite instance per test, and restarting
/// snmpsim, which indexes every recording on start, for each test would cost seconds each).
public enum SharedLab {
    nonisolated(unsafe) private static var started: [ManagedProcess] = []
    private static let lock = NSLock()

    public static let snmpsim: Result<SNMPSimAgent, any Error> = {
        let r = Result { try SNMPSimAgent() }
        if case .success(let a) = r { register(a.process) }
        return r
    }()

    public static let snmpd: Result<SNMPDAgent, any Error> = {
        let r = Result { try SNMPDAgent() }
        if case .success(let a) = r { register(a.process) }
        return r
    }()

    private static func register(_ p: ManagedProcess) {
        lock.lock()
        defer { lock.unlock() }
        if started.isEmpty {
            atexit {
                for p in SharedLab.started { p.stop() }
            }
        }
        started.append(p)
    }
}

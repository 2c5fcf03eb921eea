import Foundation

/// snmpsim serving device recordings on 127.0.0.1; the community selects the recording
/// (`-c routeros` serves `routeros.snmprec`), as in LibreNMS's test suite.
public final class SNMPSimAgent: @unchecked Sendable {
    public let port: Int
    public let process: ManagedProcess
    public let workDir: String

    /// Starts snmpsim on a free port over `dataDir` (default: the shared SNMP corpus) and
    /// waits until it answers a GET for `readyCommunity`.
    public init(dataDir: String = Lab.snmpCorpus, readyCommunity: String? = nil) throws {
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
        try waitUntilAnswering(port: port, community: community, process: process)
    }

    public var agent: String { "udp:127.0.0.1:\(port)" }

    public func stop() {
        process.stop()
        try? FileManager.default.removeItem(atPath: workDir)
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

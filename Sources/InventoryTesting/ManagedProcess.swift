import Foundation

/// Child processes for tests, started with `posix_spawn` and reaped with `waitpid`.
///
/// Why not Foundation's `Process`: on Linux its exit monitoring runs through a run-loop
/// thread, and `waitUntilExit()` called from Swift Testing's concurrent tests was seen to
/// hang forever waiting for a child that had already exited. Spawning directly has no such
/// machinery: output goes to files, and the exit status is collected with `waitpid`.
public final class ManagedProcess: @unchecked Sendable {
    public let pid: pid_t
    public let name: String
    public let logPath: String
    private var exitStatus: Int32?
    private let lock = NSLock()

    /// Starts `executable` with `arguments`; stdout and stderr go to `logPath`, stdin is /dev/null.
    public init(name: String, executable: String, arguments: [String], environment: [String: String] = [:],
                logPath: String) throws {
        self.name = name
        self.logPath = logPath
        pid = try spawn(executable, arguments, environment: environment, stdout: logPath, stderr: logPath)
    }

    public var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        if exitStatus != nil { return false }
        var status: Int32 = 0
        let r = waitpid(pid, &status, WNOHANG)
        if r == pid {
            exitStatus = status
            return false
        }
        return r == 0
    }

    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Waits up to `seconds` for the process to end by itself; its exit code (128 + N when
    /// signal N ended it), or nil when it is still running.
    public func waitForExit(seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while isRunning && Date() < deadline { usleep(20_000) }
        guard !isRunning else { return nil }
        let status = lock.withLock { exitStatus } ?? 0
        return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// Sends a signal (SIGSTOP/SIGCONT for fault tests).
    public func signal(_ sig: Int32) { kill(pid, sig) }

    /// Stops the process: SIGCONT (a stopped process ignores SIGTERM), SIGTERM, then
    /// SIGKILL after a second, and reaps it.
    public func stop() {
        guard isRunning else { return }
        kill(pid, SIGCONT)
        kill(pid, SIGTERM)
        for _ in 0..<50 where isRunning { usleep(20_000) }
        if isRunning { kill(pid, SIGKILL) }
        for _ in 0..<100 where isRunning { usleep(10_000) }
    }

    deinit { stop() }
}

struct SpawnError: Error, CustomStringConvertible {
    var description: String
}

/// posix_spawn with stdin from /dev/null and stdout/stderr appended to files.
func spawn(_ executable: String, _ arguments: [String], environment: [String: String], stdout: String, stderr: String) throws -> pid_t {
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    if stderr == stdout {
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
    } else {
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    }
    let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        argv.forEach { free($0) }
        envp.forEach { free($0) }
    }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, executable, &actions, nil, argv, envp)
    guard rc == 0 else { throw SpawnError(description: "cannot start \(executable): \(String(cString: strerror(rc)))") }
    return pid
}

/// Runs a command to completion and returns its exit status and output. Kills it after
/// `timeout` seconds.
@discardableResult
public func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                timeout: Double = 120) throws -> (status: Int32, stdout: String, stderr: String) {
    let dir = FileManager.default.temporaryDirectory.path
    let tag = UUID().uuidString
    let outPath = "\(dir)/run-\(tag).out", errPath = "\(dir)/run-\(tag).err"
    defer {
        unlink(outPath)
        unlink(errPath)
    }
    let pid = try spawn(executable, arguments, environment: environment, stdout: outPath, stderr: errPath)
    var status: Int32 = 0
    let deadline = Date().addingTimeInterval(timeout)
    while true {
        let r = waitpid(pid, &status, WNOHANG)
        if r == pid { break }
        if r < 0 { break }
        if Date() > deadline {
            kill(pid, SIGKILL)
            _ = waitpid(pid, &status, 0)
            break
        }
        usleep(5_000)
    }
    let exit: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
    let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
    return (exit, out, err)
}

/// Runs the built `pantau` as an operator would on the lab: the repository's probes and
/// profiles, and the store and clock given as `PANTAU_STORE` and `PANTAU_NOW`; `environment`
/// adds to (or overrides) that.
@discardableResult
public func runPantau(_ arguments: [String], store: String, now: String, environment: [String: String] = [:],
                      timeout: Double = 120) throws -> (status: Int32, stdout: String, stderr: String) {
    let base = ["PANTAU_PROBES": Lab.repo + "/probes", "PANTAU_STORE": store, "PANTAU_NOW": now,
                "PANTAU_PROFILES": Lab.repo + "/config/profiles"]
    return try run(Lab.pantauBinary, arguments, environment: base.merging(environment) { $1 }, timeout: timeout)
}

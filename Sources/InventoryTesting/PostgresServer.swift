import Foundation

/// A real PostgreSQL server for tests: its own cluster in a temporary directory, listening on
/// 127.0.0.1 on a free port, started once per test process (`shared()`) and stopped when the
/// process exits. Each test takes a fresh database (`createDatabase`), so tests stay
/// independent and the server starts once.
///
/// PostgreSQL refuses to run as root, so `initdb` and `pg_ctl` run as the `postgres` user
/// (`runuser`), in a directory it owns. TCP logins need the password (`environment`);
/// the Unix socket in the directory trusts local users (used to create databases).
/// Durability is off (fsync, synchronous commit) unless `durable`: tests, not production.
public final class PostgresServer: @unchecked Sendable {
    public let port: Int
    public let directory: String
    /// The superuser's password (user `postgres`), for TCP logins.
    public let password: String
    let bin: String
    /// The options the server was started with (its port among them), for `resume()`.
    private var startOptions = ""
    /// The network namespace the server runs in (nil: the test's own).
    public let netns: String?
    /// With `tls`: the PEM file of the authority that signed the server's certificate (for
    /// `sslrootcert`); the certificate names `localhost`.
    public private(set) var authority: String?

    /// The PostgreSQL binaries (Debian's `postgresql` package: /usr/lib/postgresql/VERSION/bin), 15 when present.
    public static var binaries: String? {
        if let b = ProcessInfo.processInfo.environment["PANTAU_PG_BIN"], !b.isEmpty { return b }
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
        guard let v = versions.contains(15) ? 15 : versions.last else { return nil }
        return "\(root)/\(v)/bin"
    }

    nonisolated(unsafe) private static var sharedServer: PostgresServer?
    nonisolated(unsafe) private static var sharedError: (any Error)?
    private static let lock = NSLock()

    /// The test process's server, started on first use.
    public static func shared() throws -> PostgresServer {
        lock.lock()
        defer { lock.unlock() }
        if let s = sharedServer { return s }
        if let e = sharedError { throw e }
        do {
            let s = try PostgresServer()
            sharedServer = s
            atexit { PostgresServer.stopShared() }
            return s
        } catch {
            sharedError = error
            throw error
        }
    }

    static func stopShared() {
        lock.lock()
        let s = sharedServer
        sharedServer = nil
        lock.unlock()
        s?.stop()
    }

    /// Starts a new server (prefer `shared()`). `durable` keeps fsync on (for measuring; commits
    /// are still not waited for, like the SQLite store's WAL with synchronous=NORMAL).
    /// - Parameter netns: a network namespace (`ip netns add`) to run the server in, listening on
    ///   that namespace's loopback: clients in it reach the server over TCP, and its port can be
    ///   blocked there without touching the machine's own network. `psql` still reaches it by
    ///   its Unix socket.
    /// - Parameter tls: serve TLS too (`ssl=on`), with a certificate for `localhost` signed by an
    ///   authority made for this server (`authority`); plain connections are still accepted.
    public init(durable: Bool = false, sharedBuffers: String = "64MB", netns: String? = nil, tls: Bool = false) throws {
        self.netns = netns
        guard let bin = Self.binaries, FileManager.default.fileExists(atPath: bin + "/initdb") else {
            throw SpawnError(description: "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); scripts/setup.sh installs it")
        }
        self.bin = bin
        directory = try Lab.temporaryDirectory("pantau-pg")
        password = "pw-" + UUID().uuidString.prefix(12)
        try run("/bin/chown", ["postgres:postgres", directory], timeout: 10)
        try run("/bin/chmod", ["0700", directory], timeout: 10)
        let pwfile = directory + "/pw"
        FileManager.default.createFile(atPath: pwfile, contents: Data(password.utf8))
        try run("/bin/chown", ["postgres:postgres", pwfile], timeout: 10)
        let initdb = try run("/usr/sbin/runuser", ["-u", "postgres", "--", bin + "/initdb", "-D", directory + "/data", "-U", "postgres",
                                                   "--pwfile=" + pwfile, "--auth-local=trust", "--auth-host=scram-sha-256",
                                                   "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], timeout: 120)
        guard initdb.status == 0 else {
            throw SpawnError(description: "initdb failed (\(initdb.status)): \(initdb.stderr.suffix(800))")
        }
        var tlsOptions = ""
        if tls {
            authority = try Self.makeCertificates(in: directory)
            tlsOptions = " -c ssl=on -c ssl_cert_file=\(directory)/tls/server.pem -c ssl_key_file=\(directory)/tls/server.key"
        }
        var lastError = ""
        for _ in 0..<5 {
            let p = Lab.freeTCPPort()
            let opts = "-p \(p) -k \(directory) -c listen_addresses=127.0.0.1 -c synchronous_commit=off "
                + (durable ? "" : "-c fsync=off -c full_page_writes=off ") + "-c max_connections=200 -c shared_buffers=\(sharedBuffers)" + tlsOptions
            let (exe, args) = Self.inNamespace(netns, "/usr/sbin/runuser", ["-u", "postgres", "--", bin + "/pg_ctl", "-D", directory + "/data", "-l",
                                                                             directory + "/server.log", "-w", "-t", "60", "-o", opts, "start"])
            let start = try run(exe, args, timeout: 90)
            if start.status == 0 {
                port = p
                startOptions = opts
                return
            }
            lastError = (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8))?.suffix(800).description ?? start.stderr
        }
        try? FileManager.default.removeItem(atPath: directory)
        throw SpawnError(description: "PostgreSQL did not start: \(lastError)")
    }

    /// An authority and a server certificate for `localhost` signed by it (openssl, P-256 keys,
    /// two days), in `dir/tls`; the server's key belongs to the postgres user, as the server
    /// requires. Returns the authority's PEM file.
    public static func makeCertificates(in dir: String, name: String = "localhost") throws -> String {
        let d = dir + "/tls"
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try "subjectAltName=DNS:\(name)\n".write(toFile: d + "/ext", atomically: true, encoding: .utf8)
        for step in [["req", "-x509"] + key + ["-keyout", d + "/ca.key", "-out", d + "/ca.pem", "-days", "2", "-subj", "/CN=Pantau test authority"],
                     ["req"] + key + ["-keyout", d + "/server.key", "-out", d + "/server.csr", "-subj", "/CN=\(name)"],
                     ["x509", "-req", "-in", d + "/server.csr", "-CA", d + "/ca.pem", "-CAkey", d + "/ca.key", "-CAcreateserial",
                      "-out", d + "/server.pem", "-days", "2", "-extfile", d + "/ext"]] {
            let r = try run("/usr/bin/openssl", step, timeout: 60)
            guard r.status == 0 else { throw SpawnError(description: "openssl \(step[0]) failed: \(r.stderr.suffix(400))") }
        }
        try run("/bin/chown", ["-R", "postgres:postgres", d], timeout: 10)
        try run("/bin/chmod", ["0600", d + "/server.key"], timeout: 10)
        return d + "/ca.pem"
    }

    /// `executable` run in network namespace `netns`: `ip netns exec NS executable ...`.
    static func inNamespace(_ netns: String?, _ executable: String, _ arguments: [String]) -> (String, [String]) {
        netns.map { ("/usr/sbin/ip", ["netns", "exec", $0, executable] + arguments) } ?? (executable, arguments)
    }

    /// The environment a client needs to log in (the password).
    public var environment: [String: String] { ["PGPASSWORD": password] }

    /// The store URL of database `name` (no password in it).
    public func url(_ name: String) -> String { "postgres://postgres@127.0.0.1:\(port)/\(name)" }

    /// Runs SQL as the superuser over the Unix socket.
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        let r = try run(bin + "/psql", ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", directory, "-p", String(port), "-U", "postgres",
                                        "-d", database, "-c", sql], timeout: 60)
        guard r.status == 0 else { throw SpawnError(description: "psql failed: \(r.stderr)") }
        return r.stdout
    }

    /// A new empty database; returns its store URL.
    public func createDatabase(_ label: String = "t") throws -> String {
        let name = "\(label)_\(UUID().uuidString.prefix(8).lowercased())"
        try psql("CREATE DATABASE \(name)")
        return url(name)
    }

    /// Stops the server as a crash would (immediate shutdown: connections cut mid-statement),
    /// keeping its data for `resume()`.
    public func pause() throws {
        let r = try run("/usr/sbin/runuser", ["-u", "postgres", "--", bin + "/pg_ctl", "-D", directory + "/data", "-m", "immediate", "-w", "stop"],
                        timeout: 60)
        guard r.status == 0 else { throw SpawnError(description: "pg_ctl stop failed: \(r.stderr)") }
    }

    /// Starts the paused server again on the same port (it recovers from its WAL first).
    public func resume() throws {
        let (exe, args) = Self.inNamespace(netns, "/usr/sbin/runuser", ["-u", "postgres", "--", bin + "/pg_ctl", "-D", directory + "/data", "-l",
                                                                         directory + "/server.log", "-w", "-t", "60", "-o", startOptions, "start"])
        let r = try run(exe, args, timeout: 90)
        guard r.status == 0 else { throw SpawnError(description: "pg_ctl start failed: \(r.stderr)") }
    }

    /// Stops the server now (immediate shutdown) and removes its directory.
    public func stop() {
        _ = try? run("/usr/sbin/runuser", ["-u", "postgres", "--", bin + "/pg_ctl", "-D", directory + "/data", "-m", "immediate", "-w", "stop"],
                     timeout: 60)
        try? FileManager.default.removeItem(atPath: directory)
    }
}

extension Lab {
    /// A TCP port on 127.0.0.1 that nothing listens on right now.
    public static func freeTCPPort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}

import Foundation
import Storage

/// Pantau's central store on PostgreSQL: the same storage protocols, migrations (as
/// PostgreSQL DDL, `PGSchema`) and results as the SQLite `PantauStore`, for many collectors
/// and front ends sharing one database. No SQL leaves this target, and no other target
/// imports PostgresNIO. Each area keeps its methods in its own `PostgresStore+Area.swift`.
///
/// The protocols are synchronous; every call blocks its thread on postgres-nio's
/// EventLoopFuture API running on the store's own event-loop thread (see `PGPool`).
public final class PostgresStore: PantauStorage, @unchecked Sendable {
    let pool: PGPool
    /// The URL without the password.
    public let location: String
    public let access: StoreAccess
    let partitionLock = NSLock()
    var knownPartitions = Set<String>()

    /// Opens the store at `url` (`postgres://USER@HOST:PORT/DATABASE`); the password comes
    /// from `PGPASSWORD` or a password file (`PGPASSFILE`, else `~/.pgpass`). The database
    /// must exist.
    ///
    /// - `.readWrite` creates Pantau's tables in an empty database and runs the migrations
    ///   this Pantau knows (under an advisory lock, so collectors starting together do not race).
    /// - `.readOnly` requires Pantau's tables, never creates, migrates or writes them.
    ///
    /// Either way a schema from a newer Pantau is refused with `StoreError.Kind.unusable`.
    public init(url: String, access: StoreAccess = .readWrite,
                environment: [String: String] = ProcessInfo.processInfo.environment) throws(StoreError) {
        let where_ = try PostgresLocation(url: url)
        location = where_.description
        self.access = access
        pool = PGPool(where_, password: where_.password(environment: environment), tls: try PGTLSSetup.make(where_, environment: environment),
                      readOnly: access == .readOnly)
        do {
            try pool.withConnection { c in
                try Self.checkSchema(c, location: location, access: access)
                if access == .readWrite { try Self.migrate(c) }
            }
        } catch {
            pool.shutdown()
            throw StoreError(postgres: location, action: "opening the store", underlying: error, kind: .unusable)
        }
    }

    /// A view over `pool` without opening checks (a read snapshot's pinned connection).
    init(pool: PGPool, location: String, access: StoreAccess) {
        self.pool = pool; self.location = location; self.access = access
    }

    deinit { pool.shutdown() }

    /// Whether the store's connection is encrypted, by the server's word (`pg_stat_ssl`).
    public func sessionUsesTLS() throws(StoreError) -> Bool {
        try tlsVersion() != nil
    }

    /// The TLS version of the store's connection, by the server's word; nil when not encrypted.
    func tlsVersion() throws(StoreError) -> String? {
        try read("reading the connection's TLS state") { c in
            let rows = try c.fetchAll("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            guard let r = rows.first, r["ssl"] as Bool else { return nil }
            return (r["version"] as String?) ?? "TLS"
        }
    }

    /// The schema version this binary writes: its number of migrations.
    public static var schemaVersion: Int { PGSchema.version }

    /// Names of the migrations applied, oldest first.
    public func appliedMigrations() throws(StoreError) -> [String] {
        try read("reading the schema version") { c in
            try c.fetchAll("SELECT name FROM pantau_schema ORDER BY version, name").map { $0["name"] }
        }
    }

    static func checkSchema(_ c: PGConnection, location: String, access: StoreAccess) throws {
        let known = PGSchema.migrations.map(\.name)
        let exists = try c.fetchValue("SELECT to_regclass('pantau_schema') IS NOT NULL", as: Bool.self) ?? false
        guard exists else {
            if access == .readOnly {
                throw StoreError(path: location, action: "opening the store", message:
                    "no Pantau store in this database (nothing was created); collect or load data into it first, or name another with --store",
                    kind: .unusable)
            }
            return
        }
        let rows = try c.fetchAll("SELECT name, version FROM pantau_schema")
        let applied = rows.map { $0["name"] as String }
        let version = rows.map { $0["version"] as Int }.max() ?? 0
        let unknown = applied.filter { !known.contains($0) }.sorted()
        if !unknown.isEmpty || version > known.count {
            let theirs = unknown.isEmpty ? "schema version \(version)"
                : "schema version \(max(version, applied.count)), with \(unknown.joined(separator: ", "))"
            throw StoreError(path: location, action: "opening the store", message:
                "written by a newer Pantau (\(theirs)); this pantau knows schema version \(known.count) (up to \(known.last ?? "-")). Nothing was written; use the newer pantau",
                kind: .unusable)
        }
        if access == .readOnly && applied.count < known.count {
            let missing = known.filter { !applied.contains($0) }
            throw StoreError(path: location, action: "opening the store read-only", message:
                "its schema is older than this pantau's (missing \(missing.joined(separator: ", "))); run pantau store migrate (or a command that writes) once to upgrade it",
                kind: .unusable)
        }
    }

    /// Runs the migrations not yet applied, in one transaction, under an advisory
    /// lock (two processes opening a new database at once apply each migration once).
    static func migrate(_ c: PGConnection) throws {
        try c.transaction {
            try c.executeRaw("SELECT pg_advisory_xact_lock(7451203)")
            try c.executeRaw("""
                CREATE TABLE IF NOT EXISTS pantau_schema (
                    name TEXT COLLATE "C" PRIMARY KEY, version BIGINT NOT NULL, applied_at DOUBLE PRECISION NOT NULL)
                """)
            let applied = Set(try c.fetchAll("SELECT name FROM pantau_schema").map { $0["name"] as String })
            for (i, m) in PGSchema.migrations.enumerated() where !applied.contains(m.name) {
                for s in m.statements { try c.executeRaw(s) }
                try m.after?(c)
                try c.execute("INSERT INTO pantau_schema (name, version, applied_at) VALUES (?, ?, ?)",
                              [m.name, i + 1, Date().timeIntervalSince1970])
            }
        }
    }

    /// Runs `body` on a connection (reads: each statement sees committed data).
    func read<T>(_ action: String, _ body: (PGConnection) throws -> T) throws(StoreError) -> T {
        do { return try pool.withConnection(body) } catch let e as StoreError { throw e } catch {
            throw StoreError(postgres: location, action: action, underlying: error)
        }
    }

    /// Runs `body` in one transaction; `prepare` runs first, outside it (making partitions).
    @discardableResult
    func write<T>(_ action: String, prepare: (PGConnection) throws -> Void = { _ in },
                  _ body: (PGConnection) throws -> T) throws(StoreError) -> T {
        guard access == .readWrite else {
            throw StoreError(path: location, action: action, message: "the store was opened read-only")
        }
        do {
            return try pool.withConnection { c in
                try prepare(c)
                return try c.transaction { try body(c) }
            }
        } catch let e as StoreError { throw e } catch {
            throw StoreError(postgres: location, action: action, underlying: error)
        }
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.dateEncodingStrategy = .iso8601
        return e
    }()

    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }()
}

extension PostgresStore: ConnectionSecurityReading {
    public func connectionSecurity() throws(StoreError) -> String {
        let mode = pool.tls.mode.rawValue
        if let version = try tlsVersion() { return "\(version) (sslmode \(mode))" }
        return "not encrypted (sslmode \(mode)\(pool.tls.mode == .prefer ? ": the server offers no TLS" : ""))"
    }
}

import Foundation
import GRDB
import Storage

/// Pantau's embedded store: one SQLite file (WAL mode), the SQLite implementation of every
/// `Storage` protocol. No SQL leaves this target, and no other target imports GRDB. Each area
/// keeps its methods in its own `PantauStore+Area.swift` file and its schema in its own
/// `Migrations+Area.swift` file.
public final class PantauStore: PantauStorage {
    let writer: any DatabaseWriter
    public let location: String
    /// How this store was opened.
    public let access: StoreAccess

    /// Opens the store at `path`.
    ///
    /// - `.readWrite` creates the file (and its directory) when missing and runs the
    ///   migrations this Pantau knows.
    /// - `.readOnly` requires the file, never creates, migrates or writes it.
    ///
    /// Either way a store written by a newer Pantau (a migration or schema version this
    /// binary does not know) is refused with `StoreError.Kind.unusable`, and nothing is written.
    public init(path: String, access: StoreAccess = .readWrite) throws(StoreError) {
        location = path
        self.access = access
        let exists = FileManager.default.fileExists(atPath: path)
        if access == .readOnly && !exists {
            throw StoreError(path: path, action: "opening the store", message:
                "no store here (nothing was created); collect or load data into it first, or name another with --store",
                kind: .unusable)
        }
        if exists {
            // Look before opening for real: a newer store must not even be touched by a pool's setup.
            var look = Configuration()
            look.readonly = true
            look.busyMode = .timeout(10)
            let queue: DatabaseQueue
            do { queue = try DatabaseQueue(path: path, configuration: look) } catch {
                throw StoreError(path: path, action: "opening the store", underlying: error, kind: .unusable)
            }
            defer { try? queue.close() }
            try Self.checkSchema(queue, path: path, access: access)
        }
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(10)
        config.readonly = access == .readOnly
        if access == .readWrite {
            // WAL with synchronous=NORMAL: a commit is atomic and the file never corrupt; after
            // a power cut the last commits may be missing, never half there (the capture-file
            // ledger's progress is in the same transaction as its sightings, so a resumed read
            // stays exact). FULL would fsync at every sampling window.
            config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        }
        do {
            if !exists {
                let dir = (path as NSString).deletingLastPathComponent
                if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            }
            writer = try DatabasePool(path: path, configuration: config)
        } catch {
            throw StoreError(path: path, action: "opening the store", underlying: error, kind: .unusable)
        }
        if access == .readWrite {
            do {
                try Self.migrator.migrate(writer)
                try writer.write { db in try db.execute(sql: "PRAGMA user_version = \(Self.schemaVersion)") }
            } catch {
                throw StoreError(path: path, action: "bringing the store's schema up to date", underlying: error, kind: .unusable)
            }
        }
    }

    /// A store over a connection this target opened itself (a read snapshot: PantauStore+Snapshot.swift).
    init(connection: any DatabaseWriter, location: String, access: StoreAccess) {
        writer = connection
        self.location = location
        self.access = access
    }

    /// An in-memory store, for tests and dry runs.
    public init(inMemory: Void = ()) throws(StoreError) {
        location = ":memory:"
        access = .readWrite
        do {
            var config = Configuration()
            config.foreignKeysEnabled = true
            writer = try DatabaseQueue(configuration: config)
            try PantauStore.migrator.migrate(writer)
        } catch {
            throw StoreError(path: ":memory:", action: "opening the store", underlying: error)
        }
    }

    /// Names of the migrations applied, oldest first.
    public func appliedMigrations() throws(StoreError) -> [String] {
        do { return try writer.read { db in try PantauStore.migrator.appliedIdentifiers(db) }.sorted() } catch {
            throw StoreError(path: location, action: "reading the schema version", underlying: error)
        }
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        registerInventoryMigrations(&m)
        registerSightingMigrations(&m)
        registerGovernanceMigrations(&m)
        registerCaptureFileMigrations(&m)
        registerTrafficMigrations(&m)
        registerUptimeMigrations(&m)
        registerFindingMigrations(&m)
        registerTrafficPruneMigrations(&m)
        registerTrafficBlockIndexMigrations(&m)
        registerUptimeRollupMigrations(&m)
        registerAreaChangeMigrations(&m)
        return m
    }

    /// The schema version this binary writes (`PRAGMA user_version`): its number of migrations.
    public static var schemaVersion: Int { migrator.migrations.count }

    /// Refuses a store from a newer Pantau (a migration this binary does not know, or a higher
    /// `user_version`) and, read-only, a store older than this binary (it cannot be upgraded
    /// without writing).
    static func checkSchema(_ writer: any DatabaseWriter, path: String, access: StoreAccess) throws(StoreError) {
        let known = migrator.migrations
        let applied: [String]
        let userVersion: Int
        do {
            (applied, userVersion) = try writer.read { db in
                let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                guard try db.tableExists("grdb_migrations") else { return ([String](), version) }
                return (try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"), version)
            }
        } catch {
            throw StoreError(path: path, action: "reading the store's schema version", underlying: error, kind: .unusable)
        }
        do {
            // A damaged file shows at once in the schema or in a table's first pages: look at each
            // table's root page before anything is written (a full integrity check would read the
            // whole file on every run). Once per process for the same file unchanged (a console
            // opens the store again every few seconds).
            let file = ProbedFiles.identity(path)
            if file == nil || !ProbedFiles.shared.contains(file!) {
                try writer.read { db in
                    for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'") {
                        _ = try Row.fetchOne(db, sql: "SELECT * FROM \(table.quotedDatabaseIdentifier) LIMIT 1")
                    }
                }
                if let file { ProbedFiles.shared.insert(file) }
            }
        } catch {
            throw StoreError(path: path, action: "opening the store", underlying: error, kind: .unusable)
        }
        let unknown = applied.filter { !known.contains($0) }.sorted()
        if !unknown.isEmpty || userVersion > known.count {
            let theirs = unknown.isEmpty ? "schema version \(userVersion)" : "schema version \(max(userVersion, applied.count)), with \(unknown.joined(separator: ", "))"
            throw StoreError(path: path, action: "opening the store", message:
                "written by a newer Pantau (\(theirs)); this pantau knows schema version \(known.count) (up to \(known.last ?? "-")). Nothing was written; use the newer pantau",
                kind: .unusable)
        }
        if access == .readOnly && !applied.isEmpty && applied.count < known.count {
            let missing = known.filter { !applied.contains($0) }
            throw StoreError(path: path, action: "opening the store read-only", message:
                "its schema is older than this pantau's (missing \(missing.joined(separator: ", "))); run a command that writes (pantau collect) once to upgrade it",
                kind: .unusable)
        }
    }
}

extension StoreError {
    /// Wraps a database error. GRDB's own description can include the SQL and its
    /// arguments; only the SQLite result code and message are kept.
    /// A damaged file (SQLITE_CORRUPT, SQLITE_NOTADB) makes the whole store `.unusable`, and
    /// the message says how to recover.
    public init(path: String, action: String, underlying: any Error, kind: Kind = .operation) {
        var message: String
        var kind = kind
        if let db = underlying as? DatabaseError {
            message = "SQLite error \(db.resultCode.rawValue): \(db.message ?? "unknown")"
            if db.resultCode == .SQLITE_CORRUPT || db.resultCode == .SQLITE_NOTADB {
                kind = .unusable
                message += "; the store file is damaged and nothing more is written to it. Stop everything that uses it, keep a "
                    + "copy, then restore a backup or salvage it (sqlite3 DAMAGED .recover | sqlite3 NEW) and point --store at the result"
            }
        } else if let e = underlying as? StoreError {
            message = e.message
            kind = e.kind == .unusable ? .unusable : kind
        } else {
            message = "\(underlying)"
        }
        self.init(path: path, action: action, message: message, kind: kind)
    }
}

/// The store files whose tables' first pages this process has looked at (`checkSchema`), by
/// path, device, inode, size and modification time: a file written since is looked at again.
final class ProbedFiles: @unchecked Sendable {
    static let shared = ProbedFiles()
    private let lock = NSLock()
    private var files: Set<String> = []

    static func identity(_ path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return "\(path)|\(st.st_dev)|\(st.st_ino)|\(st.st_size)|\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
    }

    func contains(_ file: String) -> Bool { lock.withLock { files.contains(file) } }
    func insert(_ file: String) { lock.withLock { _ = files.insert(file) } }
}

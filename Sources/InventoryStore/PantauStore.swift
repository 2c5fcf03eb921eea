import Foundation
import GRDB

/// Pantau's embedded store: one SQLite file (WAL mode) reached only through this facade.
///
/// No SQL leaves this target: callers use intention-revealing methods (`record(inventory:)`,
/// `devices()`), so a PostgreSQL backend can later implement the same surface. Each area
/// of the product keeps its methods in its own `PantauStore+Area.swift` file and its schema
/// in its own `Migrations+Area.swift` file.
public final class PantauStore: Sendable {
    let writer: any DatabaseWriter

    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    public init(path: String) throws(StoreError) {
        do {
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            var config = Configuration()
            config.foreignKeysEnabled = true
            config.busyMode = .timeout(10)
            writer = try DatabasePool(path: path, configuration: config)
            try PantauStore.migrator.migrate(writer)
        } catch {
            throw StoreError(path: path, action: "opening the store", underlying: error)
        }
    }

    /// An in-memory store, for tests and dry runs.
    public init(inMemory: Void = ()) throws(StoreError) {
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
            throw StoreError(path: "", action: "reading the schema version", underlying: error)
        }
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        registerInventoryMigrations(&m)
        registerSightingMigrations(&m)
        registerGovernanceMigrations(&m)
        registerCaptureFileMigrations(&m)
        return m
    }
}

/// A store operation failed. The description names the store file and the action; SQL
/// arguments are never included (they may hold tokens or addresses).
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var action: String
    public var message: String

    public init(path: String, action: String, underlying: any Error) {
        self.path = path
        self.action = action
        if let db = underlying as? DatabaseError {
            // DatabaseError's description can include the SQL; keep only the result code and message.
            message = "SQLite error \(db.resultCode.rawValue): \(db.message ?? "unknown")"
        } else {
            message = "\(underlying)"
        }
    }

    public init(path: String, action: String, message: String) {
        self.path = path
        self.action = action
        self.message = message
    }

    public var description: String { path.isEmpty ? "\(action): \(message)" : "\(path): \(action): \(message)" }
}

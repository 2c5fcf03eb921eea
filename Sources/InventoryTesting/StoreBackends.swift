import Foundation
import InventoryStore
import PostgresStore
import Storage

/// The storage backends the protocol-level store tests run against: the same test, once on
/// a SQLite file and once on a fresh database of the test process's PostgreSQL server.
public enum StoreBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres

    public var description: String { rawValue }

    /// A new, empty store of this backend (its location reopens it with `open`).
    public func makeStore(_ label: String = "store") throws -> TestStore {
        switch self {
        case .sqlite:
            let dir = try Lab.temporaryDirectory(label)
            return TestStore(backend: self, location: dir + "/pantau.sqlite", directory: dir)
        case .postgres:
            let server = try PostgresServer.shared()
            return TestStore(backend: self, location: try server.createDatabase(label.replacingOccurrences(of: "-", with: "_")),
                             directory: nil, environment: server.environment)
        }
    }
}

/// A store made for one test: where it is (a file path or a postgres:// URL) and how to open it.
public struct TestStore: Sendable {
    public let backend: StoreBackend
    public let location: String
    let directory: String?
    /// What a process opening it needs in its environment (the PostgreSQL password).
    public var environment: [String: String] = [:]

    /// Opens (creating and migrating when `.readWrite`) the store.
    public func open(_ access: StoreAccess = .readWrite) throws(StoreError) -> any PantauStorage {
        switch backend {
        case .sqlite: try PantauStore(path: location, access: access)
        case .postgres: try PostgresStore(url: location, access: access, environment: environment)
        }
    }

    /// Runs SQL on the store's database behind the store's back (another client: sqlite3 or
    /// psql), as someone editing it by hand would. Returns the client's status and error output.
    public func rawSQL(_ sql: String) throws -> (status: Int32, stderr: String) {
        switch backend {
        case .sqlite:
            let r = try run("/usr/bin/sqlite3", [location, sql])
            return (r.status, r.stderr)
        case .postgres:
            let server = try PostgresServer.shared()
            do { try server.psql(sql, database: String(location.split(separator: "/").last ?? "")); return (0, "") } catch {
                return (1, "\(error)")
            }
        }
    }

    /// Removes the SQLite file's directory (a PostgreSQL test database goes with the server).
    public func remove() {
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
    }
}

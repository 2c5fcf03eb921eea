import Foundation
import InventoryStore
import PostgresStore
import Storage

/// Where the store is, as `--store`, `PANTAU_STORE` or the configuration's `store:` give it:
/// a SQLite file (`PATH`, or `sqlite:PATH`) or a PostgreSQL database
/// (`postgres://USER@HOST:PORT/DB`, `postgresql://` too; the password from `PGPASSWORD` or a
/// password file, never the URL).
enum StoreLocation: Equatable {
    case sqlite(path: String)
    case postgres(url: String)

    init(_ text: String) throws(StoreError) {
        if PostgresLocation.isURL(text) {
            self = .postgres(url: text)
        } else if text.hasPrefix("sqlite:") {
            self = .sqlite(path: (String(text.dropFirst("sqlite:".count)) as NSString).standardizingPath)
        } else if let scheme = text.range(of: "://") {
            throw StoreError(path: String(text[..<scheme.lowerBound]) + "://…", action: "opening the store", message:
                "unknown kind of store; give a SQLite file (PATH or sqlite:PATH) or postgres://USER@HOST:PORT/DB", kind: .unusable)
        } else {
            self = .sqlite(path: (text as NSString).standardizingPath)
        }
    }

    /// Whether there is something to open read-only without creating it (a PostgreSQL
    /// database is looked at when opened).
    var exists: Bool {
        switch self {
        case .sqlite(let path): FileManager.default.fileExists(atPath: path)
        case .postgres: true
        }
    }
}

/// Opens the store at `location` (see `StoreOptions.open`): the one place that picks the
/// backend, SQLite (`PantauStore`) or PostgreSQL (`PostgresStore`).
func openStore(_ location: String, _ access: StoreAccess) throws(StoreError) -> any PantauStorage {
    switch try StoreLocation(location) {
    case .sqlite(let path): try PantauStore(path: path, access: access)
    case .postgres(let url): try PostgresStore(url: url, access: access)
    }
}

import Foundation
import GRDB
import Storage

extension PantauStore {
    /// Runs `body` against one SQLite read transaction. A file store opens a read-only
    /// connection of its own (allowed to keep a transaction open between accesses) and begins
    /// a deferred transaction on it; its first read fixes the WAL snapshot, and every `read` of
    /// the body runs inside that open transaction (GRDB's `read` joins an open transaction
    /// rather than starting one), so all of them see the same data while the collector goes on
    /// committing. The transaction is rolled back and the connection closed at the end.
    /// An in-memory store (tests, dry runs) has one connection and no other writer: `body` reads it directly.
    public func readSnapshot<T>(_ body: (any PantauStorage) throws -> T) throws -> T {
        if location == ":memory:" { return try body(self) }
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(10)
        config.allowsUnsafeTransactions = true
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: location, configuration: config)
            try queue.inDatabase { db in
                try db.execute(sql: "BEGIN DEFERRED TRANSACTION")
                _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master")
            }
        } catch {
            throw StoreError(path: location, action: "opening a read snapshot", underlying: error)
        }
        defer {
            try? queue.inDatabase { db in if db.isInsideTransaction { try db.execute(sql: "ROLLBACK") } }
            try? queue.close()
        }
        return try body(PantauStore(connection: queue, location: location, access: .readOnly))
    }
}

import Foundation
import Storage

extension PostgresStore: SnapshotReading {
    /// Runs `body` against one REPEATABLE READ, READ ONLY transaction: a view of the store
    /// whose pool is one connection holding that transaction, so every read of the body sees
    /// the database as of its first statement while collectors go on committing (PostgreSQL's
    /// snapshots never block writers). Writes through the view are refused (read-only). The
    /// transaction is rolled back and the connection closed at the end.
    public func readSnapshot<T>(_ body: (any PantauStorage) throws -> T) throws -> T {
        let pinned = pool.single()
        let view = PostgresStore(pool: pinned, location: location, access: .readOnly)
        defer { pinned.shutdown() }
        try view.read("opening a read snapshot") { c in
            try c.executeRaw("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            _ = try c.fetchValue("SELECT count(*) FROM pantau_schema", as: Int.self)   // the snapshot is taken here
        }
        defer { try? view.read("closing the read snapshot") { c in try c.executeRaw("ROLLBACK") } }
        return try body(view)
    }
}

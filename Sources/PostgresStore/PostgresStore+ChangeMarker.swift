import Foundation
import Storage

extension PostgresStore {
    /// The server's write-ahead log insert position (the replay position on a standby): every commit
    /// moves it. Other databases of the server, and vacuum, move it too (then the caller reads
    /// again for nothing).
    public func changeMarker() throws(StoreError) -> String? {
        try read("reading the store's change marker") { c in
            let lsn: String? = try c.fetchValue(
                "SELECT (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_insert_lsn() END)::text")
            return lsn.map { "\(location) \($0)" }
        }
    }
}

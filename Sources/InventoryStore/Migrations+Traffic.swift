import GRDB

extension PantauStore {
    /// Schema for interface traffic series.
    ///
    /// - `traffic_series`: one row per interface (device and series name) with its state as
    ///   JSON (`TrafficSeriesState`: last reading and open buckets), replaced at every poll in
    ///   the poll's transaction, so a restarted collector continues every series.
    /// - `traffic_raw`: the per-poll intervals (narrow rows, short retention).
    /// - `traffic_block`: samples at 5 minutes, an hour and a day, one row per series,
    ///   resolution and aligned window (`TrafficBlockCodec`: a day of 5-minute samples per row),
    ///   `data` the encoded block.
    static func registerTrafficMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5-traffic") { db in
            try db.execute(sql: """
                CREATE TABLE traffic_series (
                    id INTEGER PRIMARY KEY,
                    device TEXT NOT NULL,
                    interface TEXT NOT NULL,
                    if_index INTEGER,
                    speed INTEGER NOT NULL DEFAULT 0,
                    state TEXT NOT NULL,
                    UNIQUE (device, interface)
                );
                CREATE TABLE traffic_raw (
                    series_id INTEGER NOT NULL REFERENCES traffic_series(id) ON DELETE CASCADE,
                    end_time REAL NOT NULL,
                    start_time REAL NOT NULL,
                    kind TEXT NOT NULL,
                    reason TEXT,
                    speed INTEGER NOT NULL,
                    in_octets INTEGER,
                    out_octets INTEGER,
                    in_errors INTEGER,
                    out_errors INTEGER,
                    in_discards INTEGER,
                    out_discards INTEGER,
                    wrapped INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (series_id, end_time)
                ) WITHOUT ROWID;
                CREATE TABLE traffic_block (
                    series_id INTEGER NOT NULL REFERENCES traffic_series(id) ON DELETE CASCADE,
                    resolution INTEGER NOT NULL,
                    start INTEGER NOT NULL,
                    count INTEGER NOT NULL,
                    last INTEGER NOT NULL,
                    data BLOB NOT NULL,
                    PRIMARY KEY (series_id, resolution, start)
                );
                CREATE INDEX traffic_block_time ON traffic_block(resolution, start);
                """)
        }
    }

    /// Retention deletes raw intervals by time across every series: without this index each
    /// prune would read the whole table. (Registered after the other areas' v5 migrations.)
    static func registerTrafficPruneMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v6-traffic-prune") { db in
            try db.execute(sql: "CREATE INDEX traffic_raw_time ON traffic_raw(end_time)")
        }
    }

    /// Blocks are read and pruned series by series through their primary key, so the index by
    /// time goes: each interface's year of blocks touched one page of it per block, which
    /// doubled what a bulk write put through the write-ahead log.
    static func registerTrafficBlockIndexMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v7-traffic-blocks-by-series") { db in
            try db.execute(sql: "DROP INDEX traffic_block_time")
        }
    }
}

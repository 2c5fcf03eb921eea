import GRDB

extension PantauStore {
    /// Schema for the uptime rollup (`InventoryModel.UptimeRollup`), kept in each status poll's
    /// transaction, and built here from the polls already stored so a store keeps its history:
    /// - `uptime_latest`: per device its latest status and the rollup's state (JSON);
    /// - `uptime_day`: per device and day (of the active profile's UTC offset, at the time of
    ///   the poll) the settled monitored seconds and the day's polls, its last poll's state;
    /// - `uptime_run` and `uptime_run_day`: runs of unanswered polls, and per day the monitored
    ///   seconds inside each one's down span;
    /// - `uptime_restart`: reboots and agent restarts with their evidence;
    /// - `uptime_device_pd`: every PD a device was polled as (a PD's devices in reports).
    static func registerUptimeRollupMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v8-uptime-rollup") { db in
            try db.execute(sql: """
                CREATE TABLE uptime_latest (
                    device TEXT PRIMARY KEY,
                    last_time REAL NOT NULL,
                    up INTEGER NOT NULL,
                    since REAL NOT NULL,
                    last_answered REAL,
                    pd TEXT,
                    state_json TEXT NOT NULL
                );
                CREATE TABLE uptime_day (
                    device TEXT NOT NULL,
                    day REAL NOT NULL,
                    monitored REAL NOT NULL,
                    polls INTEGER NOT NULL,
                    last_time REAL,
                    last_reachable INTEGER,
                    last_pd TEXT,
                    last_hosting TEXT,
                    PRIMARY KEY (device, day)
                ) WITHOUT ROWID;
                CREATE TABLE uptime_run (
                    device TEXT NOT NULL,
                    first_failed REAL NOT NULL,
                    start REAL NOT NULL,
                    end_time REAL,
                    missed INTEGER NOT NULL,
                    last_error TEXT,
                    watched_until REAL NOT NULL,
                    pd TEXT,
                    hosting TEXT,
                    PRIMARY KEY (device, first_failed)
                );
                CREATE TABLE uptime_run_day (
                    device TEXT NOT NULL,
                    first_failed REAL NOT NULL,
                    day REAL NOT NULL,
                    monitored REAL NOT NULL,
                    PRIMARY KEY (device, first_failed, day)
                ) WITHOUT ROWID;
                CREATE TABLE uptime_restart (
                    device TEXT NOT NULL,
                    before REAL NOT NULL,
                    after REAL NOT NULL,
                    time REAL NOT NULL,
                    kind TEXT NOT NULL,
                    pd TEXT,
                    evidence_json TEXT NOT NULL,
                    PRIMARY KEY (device, before)
                );
                CREATE INDEX uptime_restart_time ON uptime_restart(device, time);
                CREATE TABLE uptime_device_pd (
                    pd TEXT NOT NULL,
                    device TEXT NOT NULL,
                    PRIMARY KEY (pd, device)
                ) WITHOUT ROWID;
                """)
            try rebuild(db, device: nil, grid: try rollupGrid(db))
        }
    }
}

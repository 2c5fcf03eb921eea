import GRDB

extension PantauStore {
    /// Schema for uptime: one row per status poll the collector daemon makes of a device.
    ///
    /// Outages, reboots and availability are derived from these rows when asked for
    /// (`InventoryModel.Uptime`), never stored as conclusions: a report over any period sees the
    /// same evidence, and changing the `down_after` threshold re-reads history rather than
    /// leaving stale events. `interval` is the target's interval at the time of the poll (an
    /// outage starts one interval after the last answered poll); `pd` and `hosting` are the
    /// target's attributes then, so availability per PD and hosting type follows a device that moved.
    static func registerUptimeMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5-uptime") { db in
            try db.execute(sql: """
                CREATE TABLE status_poll (
                    id INTEGER PRIMARY KEY,
                    device TEXT NOT NULL,
                    time REAL NOT NULL,
                    interval REAL NOT NULL,
                    pd TEXT,
                    hosting TEXT,
                    reachable INTEGER NOT NULL,
                    sys_uptime INTEGER,
                    hr_uptime INTEGER,
                    engine_boots INTEGER,
                    engine_time INTEGER,
                    duration REAL,
                    error TEXT
                );
                CREATE INDEX status_poll_device_time ON status_poll(device, time);
                CREATE INDEX status_poll_pd_time ON status_poll(pd, time);
                """)
        }
    }
}

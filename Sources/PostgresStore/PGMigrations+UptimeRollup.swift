extension PGSchema {
    /// The uptime rollup (see the SQLite store's `Migrations+UptimeRollup.swift`: same tables,
    /// columns and meaning), built from the status polls already stored.
    static let uptimeRollup = PGMigration(name: "pg2-uptime-rollup", statements: [
        """
        CREATE TABLE uptime_latest (
            device \(t) PRIMARY KEY,
            last_time DOUBLE PRECISION NOT NULL,
            up BIGINT NOT NULL,
            since DOUBLE PRECISION NOT NULL,
            last_answered DOUBLE PRECISION,
            pd \(t),
            state_json \(t) NOT NULL
        )
        """,
        """
        CREATE TABLE uptime_day (
            device \(t) NOT NULL,
            day DOUBLE PRECISION NOT NULL,
            monitored DOUBLE PRECISION NOT NULL,
            polls BIGINT NOT NULL,
            last_time DOUBLE PRECISION,
            last_reachable BIGINT,
            last_pd \(t),
            last_hosting \(t),
            PRIMARY KEY (device, day)
        )
        """,
        """
        CREATE TABLE uptime_run (
            device \(t) NOT NULL,
            first_failed DOUBLE PRECISION NOT NULL,
            start DOUBLE PRECISION NOT NULL,
            end_time DOUBLE PRECISION,
            missed BIGINT NOT NULL,
            last_error \(t),
            watched_until DOUBLE PRECISION NOT NULL,
            pd \(t),
            hosting \(t),
            PRIMARY KEY (device, first_failed)
        )
        """,
        """
        CREATE TABLE uptime_run_day (
            device \(t) NOT NULL,
            first_failed DOUBLE PRECISION NOT NULL,
            day DOUBLE PRECISION NOT NULL,
            monitored DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (device, first_failed, day)
        )
        """,
        """
        CREATE TABLE uptime_restart (
            device \(t) NOT NULL,
            before DOUBLE PRECISION NOT NULL,
            after DOUBLE PRECISION NOT NULL,
            time DOUBLE PRECISION NOT NULL,
            kind \(t) NOT NULL,
            pd \(t),
            evidence_json \(t) NOT NULL,
            PRIMARY KEY (device, before)
        )
        """,
        "CREATE INDEX uptime_restart_time ON uptime_restart(device, time)",
        """
        CREATE TABLE uptime_device_pd (
            pd \(t) NOT NULL,
            device \(t) NOT NULL,
            PRIMARY KEY (pd, device)
        )
        """,
    ], after: { c in try PostgresStore.rebuild(c, device: nil, grid: try PostgresStore.rollupGrid(c)) })
}

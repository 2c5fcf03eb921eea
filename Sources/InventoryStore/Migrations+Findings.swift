import GRDB

extension PantauStore {
    /// Schema for findings: one row per finding key (code, PD, subject) with its status and
    /// the whole finding as JSON; the log of every action on a finding (append-only); the
    /// allow-list of suppressions.
    static func registerFindingMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5-findings") { db in
            try db.execute(sql: """
                CREATE TABLE finding (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    key TEXT NOT NULL UNIQUE,
                    code TEXT NOT NULL,
                    pd TEXT,
                    status TEXT NOT NULL,
                    severity TEXT NOT NULL,
                    first_seen REAL NOT NULL,
                    last_seen REAL NOT NULL,
                    resolved_at REAL,
                    finding_json TEXT NOT NULL
                );
                CREATE INDEX finding_pd ON finding(pd, status);
                CREATE TABLE finding_action (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    finding_id INTEGER NOT NULL REFERENCES finding(id),
                    at REAL NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    reason TEXT
                );
                CREATE INDEX finding_action_finding ON finding_action(finding_id);
                CREATE TRIGGER finding_action_append_only_update BEFORE UPDATE ON finding_action
                BEGIN SELECT RAISE(ABORT, 'the finding log is append-only'); END;
                CREATE TRIGGER finding_action_append_only_delete BEFORE DELETE ON finding_action
                BEGIN SELECT RAISE(ABORT, 'the finding log is append-only'); END;
                CREATE TABLE finding_suppression (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    match TEXT NOT NULL,
                    code TEXT,
                    pd TEXT,
                    created_by TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    reason TEXT NOT NULL,
                    until REAL
                );
                """)
        }
    }
}

import GRDB

extension PantauStore {
    /// Schema for the PD registry, regional profile and diagram submissions.
    static func registerGovernanceMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v1-governance") { db in
            // The registry as last loaded; one row per PD (JSON of the Governance model).
            try db.execute(sql: """
                CREATE TABLE gov_pd (
                    code TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    record_json TEXT NOT NULL,
                    loaded_at REAL NOT NULL
                );
                CREATE TABLE gov_registry_load (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    regency TEXT NOT NULL,
                    source TEXT NOT NULL,
                    pd_count INTEGER NOT NULL,
                    loaded_at REAL NOT NULL
                );
                CREATE TABLE gov_profile_activation (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    profile_id TEXT NOT NULL,
                    profile_json TEXT NOT NULL,
                    activated_at REAL NOT NULL,
                    activated_by TEXT NOT NULL
                );
                CREATE TABLE gov_submission (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    pd TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    submitted_at REAL NOT NULL,
                    submitter TEXT NOT NULL,
                    sha256 TEXT NOT NULL,
                    format TEXT NOT NULL,
                    file_name TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    content BLOB NOT NULL,
                    diagram_json TEXT NOT NULL,
                    UNIQUE (pd, version)
                );
                CREATE TRIGGER gov_submission_immutable_update BEFORE UPDATE ON gov_submission
                BEGIN SELECT RAISE(ABORT, 'diagram submissions are immutable'); END;
                CREATE TRIGGER gov_submission_immutable_delete BEFORE DELETE ON gov_submission
                BEGIN SELECT RAISE(ABORT, 'diagram submissions are immutable'); END;
                CREATE TABLE gov_change_report (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    pd TEXT NOT NULL,
                    from_version INTEGER NOT NULL,
                    to_version INTEGER NOT NULL,
                    recorded_at REAL NOT NULL,
                    diff_json TEXT NOT NULL,
                    UNIQUE (pd, to_version)
                );
                CREATE TABLE gov_change_duty (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    pd TEXT NOT NULL,
                    opened_at REAL NOT NULL,
                    reason TEXT NOT NULL,
                    due_at REAL,
                    closed_at REAL,
                    closed_by_version INTEGER
                );
                CREATE INDEX gov_change_duty_pd ON gov_change_duty (pd, closed_at);
                CREATE TABLE gov_token (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    role TEXT NOT NULL,
                    pd TEXT,
                    label TEXT NOT NULL,
                    token_sha256 TEXT NOT NULL UNIQUE,
                    created_at REAL NOT NULL,
                    expires_at REAL,
                    revoked_at REAL
                );
                CREATE TABLE gov_audit (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at REAL NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    pd TEXT,
                    outcome TEXT NOT NULL,
                    detail TEXT NOT NULL
                );
                """)
        }
    }
}

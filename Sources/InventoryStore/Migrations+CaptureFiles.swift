import GRDB

extension PantauStore {
    /// Schema for the capture-file ledger: which pcap/pcapng files the sampler has counted
    /// at each capture point, so reading one again does not add its traffic twice.
    ///
    /// A file is recognised by its content, not its name: `fingerprint` is the SHA-256 (hex)
    /// of its first `fingerprint_bytes` bytes (the first 64 KiB, or the whole file when
    /// smaller). `packets` counts the packets whose sightings are in the store; it is
    /// updated in the same transaction as the sightings, so it is exact after a crash.
    static func registerCaptureFileMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2-capture-files") { db in
            try db.execute(sql: """
                CREATE TABLE capture_file (
                    id INTEGER PRIMARY KEY,
                    capture_point TEXT NOT NULL,
                    path TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    modified REAL,
                    fingerprint TEXT NOT NULL,
                    fingerprint_bytes INTEGER NOT NULL,
                    filter TEXT,
                    packets INTEGER NOT NULL DEFAULT 0,
                    complete INTEGER NOT NULL DEFAULT 0,
                    first_read REAL NOT NULL,
                    last_read REAL NOT NULL,
                    first_packet REAL,
                    last_packet REAL
                );
                CREATE INDEX capture_file_identity ON capture_file(capture_point, fingerprint_bytes, fingerprint);
                """)
        }
    }
}

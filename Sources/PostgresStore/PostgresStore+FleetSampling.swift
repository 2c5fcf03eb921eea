import Foundation
import InventoryModel
import Storage

/// Packet sampling replayed from a fleet collector's spool (issue 21). The spool keeps its own
/// capture-file ledger, so the progress it spools names the spool's entry; the central store
/// keeps which of its own ledger entries that is, per collector and spool, and moves that one.
extension PGSchema {
    static let fleetSampling = PGMigration(name: "pg3-fleet-sampling", statements: [
        """
        CREATE TABLE collector_capture_file (
            collector \(t) NOT NULL REFERENCES collector(id) ON DELETE CASCADE,
            spool_id \(t) NOT NULL,
            spool_entry BIGINT NOT NULL,
            capture_file BIGINT NOT NULL,
            PRIMARY KEY (collector, spool_id, spool_entry)
        )
        """,
    ])
}

extension PostgresStore {
    /// A spooled window of sightings, inside the replay's transaction: the sightings through the
    /// same writes as `record(sightings:captureFile:)`, then the capture file's progress on the
    /// central entry the spool's entry maps to (a new one the first time).
    func writeSpooledSightings(_ c: PGConnection, _ batch: SightingBatch, _ progress: CaptureFileProgress?,
                               collector: String, spoolID: String) throws {
        try writeSightings(c, batch)
        guard var p = progress else { return }
        guard let spoolEntry = p.id else {
            // A spool always names its entry; without one, a new central entry each time would count the file again.
            throw StoreError(path: location, action: "replaying collector \(collector)'s spool",
                             message: "a spooled capture-file progress of \(p.path) names no ledger entry of the spool")
        }
        let key: [any PGArgument] = [collector, spoolID, spoolEntry]
        let central = try c.fetchValue("""
            SELECT capture_file FROM collector_capture_file WHERE collector = ? AND spool_id = ? AND spool_entry = ?
            """, key, as: Int64.self)
        p.id = central
        let id = try writeCaptureFileProgress(c, p)
        if central == nil {
            try c.execute("INSERT INTO collector_capture_file (collector, spool_id, spool_entry, capture_file) VALUES (?, ?, ?, ?)", key + [id])
        }
    }
}

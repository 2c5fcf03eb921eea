import Foundation
import InventoryModel
import GRDB
import Storage

extension PantauStore {
    /// Distinct fingerprint lengths of the entries at `capturePoint` up to `maxLength`,
    /// ascending: the prefixes of a file worth hashing to recognise one read when smaller.
    public func captureFileFingerprintLengths(capturePoint: String, upTo maxLength: Int) throws(StoreError) -> [Int] {
        do {
            return try writer.read { db in
                try Int.fetchAll(db, sql: """
                    SELECT DISTINCT fingerprint_bytes FROM capture_file
                    WHERE capture_point = ? AND fingerprint_bytes <= ? ORDER BY fingerprint_bytes
                    """, arguments: [capturePoint, maxLength])
            }
        } catch {
            throw StoreError(path: location, action: "reading the capture-file ledger", underlying: error)
        }
    }

    /// The entry at `capturePoint` whose fingerprint is one of `fingerprints`; when several
    /// match, the one hashed over the most bytes (then the most packets, then the oldest).
    public func captureFile(capturePoint: String, matching fingerprints: [CaptureFileFingerprint]) throws(StoreError) -> CaptureFileRecord? {
        guard !fingerprints.isEmpty else { return nil }
        do {
            return try writer.read { db in
                // Longest first, in chunks that stay under SQLite's limit on parameters.
                let sorted = fingerprints.sorted { $0.length > $1.length }
                for start in stride(from: 0, to: sorted.count, by: 200) {
                    let chunk = sorted[start ..< min(start + 200, sorted.count)]
                    let pairs = chunk.map { _ in "(fingerprint_bytes = ? AND fingerprint = ?)" }.joined(separator: " OR ")
                    var args: [any DatabaseValueConvertible] = [capturePoint]
                    for f in chunk { args.append(f.length); args.append(f.sha256) }
                    if let row = try Row.fetchOne(db, sql: """
                        SELECT * FROM capture_file WHERE capture_point = ? AND (\(pairs))
                        ORDER BY fingerprint_bytes DESC, packets DESC, id LIMIT 1
                        """, arguments: StatementArguments(args)) {
                        return Self.captureFileRecord(row)
                    }
                }
                return nil
            }
        } catch {
            throw StoreError(path: location, action: "reading the capture-file ledger", underlying: error)
        }
    }

    /// The ledger, ordered by capture point, first read and id; all capture points when nil.
    public func captureFiles(capturePoint: String? = nil) throws(StoreError) -> [CaptureFileRecord] {
        do {
            return try writer.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT * FROM capture_file \(capturePoint == nil ? "" : "WHERE capture_point = ?")
                    ORDER BY capture_point, first_read, id
                    """, arguments: capturePoint.map { [$0] } ?? []).map(Self.captureFileRecord)
            }
        } catch {
            throw StoreError(path: location, action: "reading the capture-file ledger", underlying: error)
        }
    }

    /// Writes a batch of sightings and how far its capture file has been counted, in one
    /// transaction: the ledger never claims packets whose sightings are not stored, and
    /// sightings are never stored without the ledger counting their packets. Returns the
    /// ledger entry's id (new when `progress.id` is nil), or nil without progress.
    @discardableResult
    public func record(sightings batch: SightingBatch, captureFile progress: CaptureFileProgress?) throws(StoreError) -> Int64? {
        guard let progress else { try record(sightings: batch); return nil }
        let p = progress
        let first = p.firstPacket?.timeIntervalSince1970, last = p.lastPacket?.timeIntervalSince1970
        var id = p.id
        try record(sightings: batch, alsoIn: { db in
            guard let existing = p.id else {
                try db.execute(sql: """
                    INSERT INTO capture_file (capture_point, path, size, modified, fingerprint, fingerprint_bytes, filter, packets,
                      complete, first_read, last_read, first_packet, last_packet) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [p.capturePoint, p.path, p.size, p.modified?.timeIntervalSince1970, p.fingerprint.sha256,
                                     p.fingerprint.length, p.filter, p.packets, p.complete, p.readAt.timeIntervalSince1970,
                                     p.readAt.timeIntervalSince1970, first, last])
                id = db.lastInsertedRowID
                return
            }
            // A restart replaces the packet span; otherwise it widens (min/max ignore a NULL side).
            let span = p.restart ? "first_packet = ?, last_packet = ?"
                                 : "first_packet = coalesce(min(first_packet, ?), first_packet, ?), last_packet = coalesce(max(last_packet, ?), last_packet, ?)"
            let spanArgs: [(any DatabaseValueConvertible)?] = p.restart ? [first, last] : [first, first, last, last]
            try db.execute(sql: """
                UPDATE capture_file SET path = ?, size = ?, modified = ?, fingerprint = ?, fingerprint_bytes = ?, filter = ?,
                  packets = ?, complete = ?, last_read = ?, \(span)
                WHERE id = ? AND capture_point = ?
                """, arguments: StatementArguments([p.path, p.size, p.modified?.timeIntervalSince1970, p.fingerprint.sha256,
                                                    p.fingerprint.length, p.filter, p.packets, p.complete,
                                                    p.readAt.timeIntervalSince1970] + spanArgs + [existing, p.capturePoint]))
            // An entry that vanished (the store was edited by hand) must not pass silently.
            guard db.changesCount == 1 else {
                throw StoreError(path: self.location, action: "recording progress of capture file \(p.path)", message: "no ledger entry \(existing)")
            }
        })
        return id
    }

    static func captureFileRecord(_ r: Row) -> CaptureFileRecord {
        CaptureFileRecord(id: r["id"], capturePoint: r["capture_point"], path: r["path"], size: r["size"],
                          modified: (r["modified"] as Double?).map(Date.init(timeIntervalSince1970:)),
                          fingerprint: CaptureFileFingerprint(sha256: r["fingerprint"], length: r["fingerprint_bytes"]),
                          filter: r["filter"], packets: r["packets"], complete: r["complete"],
                          firstRead: Date(timeIntervalSince1970: r["first_read"]), lastRead: Date(timeIntervalSince1970: r["last_read"]),
                          firstPacket: (r["first_packet"] as Double?).map(Date.init(timeIntervalSince1970:)),
                          lastPacket: (r["last_packet"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }
}

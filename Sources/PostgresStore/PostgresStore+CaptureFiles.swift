import Foundation
import InventoryModel
import Storage

extension PostgresStore {
    public func captureFileFingerprintLengths(capturePoint: String, upTo maxLength: Int) throws(StoreError) -> [Int] {
        try read("reading the capture-file ledger") { c in
            try c.fetchAll("""
                SELECT DISTINCT fingerprint_bytes FROM capture_file
                WHERE capture_point = ? AND fingerprint_bytes <= ? ORDER BY fingerprint_bytes
                """, [capturePoint, maxLength]).map { $0[0] }
        }
    }

    public func captureFile(capturePoint: String, matching fingerprints: [CaptureFileFingerprint]) throws(StoreError) -> CaptureFileRecord? {
        guard !fingerprints.isEmpty else { return nil }
        return try read("reading the capture-file ledger") { c in
            let sorted = fingerprints.sorted { $0.length > $1.length }
            for start in stride(from: 0, to: sorted.count, by: 200) {
                let chunk = sorted[start ..< min(start + 200, sorted.count)]
                let pairs = chunk.map { _ in "(fingerprint_bytes = ? AND fingerprint = ?)" }.joined(separator: " OR ")
                var args: [any PGArgument] = [capturePoint]
                for f in chunk { args.append(f.length); args.append(f.sha256) }
                if let row = try c.fetchOne("""
                    SELECT * FROM capture_file WHERE capture_point = ? AND (\(pairs))
                    ORDER BY fingerprint_bytes DESC, packets DESC, id LIMIT 1
                    """, args) {
                    return Self.captureFileRecord(row)
                }
            }
            return nil
        }
    }

    public func captureFiles(capturePoint: String? = nil) throws(StoreError) -> [CaptureFileRecord] {
        try read("reading the capture-file ledger") { c in
            try c.fetchAll("""
                SELECT * FROM capture_file \(capturePoint == nil ? "" : "WHERE capture_point = ?")
                ORDER BY capture_point, first_read, id
                """, capturePoint.map { [$0] } ?? []).map(Self.captureFileRecord)
        }
    }

    /// Writes a batch of sightings and its capture file's progress in one transaction (see `PantauStore`).
    @discardableResult
    public func record(sightings batch: SightingBatch, captureFile progress: CaptureFileProgress?) throws(StoreError) -> Int64? {
        guard let p = progress else { try record(sightings: batch, alsoIn: nil); return nil }
        var id = p.id
        try record(sightings: batch, alsoIn: { c in id = try self.writeCaptureFileProgress(c, p) })
        return id
    }

    /// A capture file's progress in the ledger, inside the caller's transaction: a new entry
    /// when `p.id` is nil, else that entry moved on. Returns the entry's id.
    func writeCaptureFileProgress(_ c: PGConnection, _ p: CaptureFileProgress) throws -> Int64 {
        let first = p.firstPacket?.timeIntervalSince1970, last = p.lastPacket?.timeIntervalSince1970
        guard let existing = p.id else {
            guard let id = try c.fetchValue("""
                INSERT INTO capture_file (capture_point, path, size, modified, fingerprint, fingerprint_bytes, filter, packets,
                  complete, first_read, last_read, first_packet, last_packet) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                RETURNING id
                """, [p.capturePoint, p.path, Int64(p.size), p.modified?.timeIntervalSince1970, p.fingerprint.sha256,
                      p.fingerprint.length, p.filter, Int64(p.packets), p.complete, p.readAt.timeIntervalSince1970,
                      p.readAt.timeIntervalSince1970, first, last], as: Int64.self) else {
                throw StoreError(path: location, action: "recording capture file \(p.path)", message: "the new ledger entry has no id")
            }
            return id
        }
        // A restart replaces the packet span; otherwise it widens (least/greatest ignore a NULL side).
        let span = p.restart ? "first_packet = ?, last_packet = ?"
                             : "first_packet = least(first_packet, ?), last_packet = greatest(last_packet, ?)"
        let changed = try c.execute("""
            UPDATE capture_file SET path = ?, size = ?, modified = ?, fingerprint = ?, fingerprint_bytes = ?, filter = ?,
              packets = ?, complete = ?, last_read = ?, \(span)
            WHERE id = ? AND capture_point = ?
            """, [p.path, Int64(p.size), p.modified?.timeIntervalSince1970, p.fingerprint.sha256,
                  p.fingerprint.length, p.filter, Int64(p.packets), p.complete,
                  p.readAt.timeIntervalSince1970, first, last, existing, p.capturePoint])
        guard changed == 1 else {
            throw StoreError(path: location, action: "recording progress of capture file \(p.path)", message: "no ledger entry \(existing)")
        }
        return existing
    }

    static func captureFileRecord(_ r: PGRow) -> CaptureFileRecord {
        CaptureFileRecord(id: r["id"], capturePoint: r["capture_point"], path: r["path"], size: r["size"],
                          modified: (r["modified"] as Double?).map(Date.init(timeIntervalSince1970:)),
                          fingerprint: CaptureFileFingerprint(sha256: r["fingerprint"], length: r["fingerprint_bytes"]),
                          filter: r["filter"], packets: r["packets"], complete: r["complete"],
                          firstRead: Date(timeIntervalSince1970: r["first_read"]), lastRead: Date(timeIntervalSince1970: r["last_read"]),
                          firstPacket: (r["first_packet"] as Double?).map(Date.init(timeIntervalSince1970:)),
                          lastPacket: (r["last_packet"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }
}

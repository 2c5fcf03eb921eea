import Foundation
import Reconciliation
import Storage

/// Findings by key, their append-only action log and the suppression allow-list.
extension PostgresStore {
    private static let findingEncoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.dateEncodingStrategy = .secondsSince1970
        return e
    }()

    private static func findingDecoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .secondsSince1970
        return d
    }

    private static func finding(from row: PGRow) throws -> Finding {
        var f = try findingDecoder().decode(Finding.self, from: Data((row["finding_json"] as String).utf8))
        f.id = row["id"]
        return f
    }

    public func findings(pd: String?, includeResolved: Bool) throws(StoreError) -> [Finding] {
        try read("reading findings") { c in
            var sql = "SELECT id, finding_json FROM finding WHERE 1 = 1"
            var args: [any PGArgument] = []
            if let pd { sql += " AND pd = ?"; args.append(pd) }
            if !includeResolved { sql += " AND status != 'resolved'" }
            sql += " ORDER BY id"
            return try c.fetchAll(sql, args).map(Self.finding(from:))
        }
    }

    public func finding(id: Int64) throws(StoreError) -> Finding? {
        try read("reading finding #\(id)") { c in
            try c.fetchOne("SELECT id, finding_json FROM finding WHERE id = ?", [id]).map(Self.finding(from:))
        }
    }

    @discardableResult
    public func saveFindings(_ findings: [Finding], actions: [FindingAction]) throws(StoreError) -> [Finding] {
        try write("saving \(findings.count) finding(s)") { c in
            var stored: [Finding] = []
            for var f in findings {
                f.id = nil
                let json = String(decoding: try Self.findingEncoder.encode(f), as: UTF8.self)
                f.id = try c.fetchValue("""
                    INSERT INTO finding (key, code, pd, status, severity, first_seen, last_seen, resolved_at, finding_json)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (key) DO UPDATE SET code = excluded.code, pd = excluded.pd, status = excluded.status,
                        severity = excluded.severity, first_seen = excluded.first_seen, last_seen = excluded.last_seen,
                        resolved_at = excluded.resolved_at, finding_json = excluded.finding_json
                    RETURNING id
                    """, [f.key, f.code.rawValue, f.pd, f.status.rawValue, f.severity.rawValue,
                          f.firstSeen.timeIntervalSince1970, f.lastSeen.timeIntervalSince1970,
                          f.resolvedAt?.timeIntervalSince1970, json])
                stored.append(f)
            }
            for a in actions {
                let id: Int64? = try a.findingID ?? c.fetchValue("SELECT id FROM finding WHERE key = ?", [a.key])
                guard let id else { continue }
                try c.execute("INSERT INTO finding_action (finding_id, at, actor, action, reason) VALUES (?, ?, ?, ?, ?)",
                              [id, a.at.timeIntervalSince1970, a.actor, a.action, a.reason])
            }
            return stored
        }
    }

    public func findingActions(id: Int64) throws(StoreError) -> [FindingAction] {
        try read("reading the log of finding #\(id)") { c in
            try c.fetchAll("""
                SELECT a.finding_id, a.at, a.actor, a.action, a.reason, f.key FROM finding_action a JOIN finding f ON f.id = a.finding_id
                WHERE a.finding_id = ? ORDER BY a.id
                """, [id]).map { r in
                FindingAction(key: r["key"], findingID: r["finding_id"], at: Date(timeIntervalSince1970: r["at"]), actor: r["actor"],
                              action: r["action"], reason: r["reason"])
            }
        }
    }

    public func addSuppression(_ s: Suppression) throws(StoreError) -> Int64 {
        try write("adding a suppression") { c in
            try c.fetchValue("""
                INSERT INTO finding_suppression (match, code, pd, created_by, created_at, reason, until) VALUES (?, ?, ?, ?, ?, ?, ?)
                RETURNING id
                """, [s.match, s.code?.rawValue, s.pd, s.note.by, s.note.at.timeIntervalSince1970, s.note.reason,
                      s.until?.timeIntervalSince1970]) ?? 0
        }
    }

    public func suppressions(activeAt: Date?) throws(StoreError) -> [Suppression] {
        try read("reading the suppressions") { c in
            var sql = "SELECT * FROM finding_suppression"
            var args: [any PGArgument] = []
            if let activeAt { sql += " WHERE until IS NULL OR until > ?"; args.append(activeAt.timeIntervalSince1970) }
            return try c.fetchAll(sql + " ORDER BY id", args).map { r in
                Suppression(id: r["id"], match: r["match"], code: (r["code"] as String?).map(FindingCode.init(rawValue:)), pd: r["pd"],
                            note: FindingNote(by: r["created_by"], at: Date(timeIntervalSince1970: r["created_at"]), reason: r["reason"]),
                            until: (r["until"] as Double?).map(Date.init(timeIntervalSince1970:)))
            }
        }
    }
}

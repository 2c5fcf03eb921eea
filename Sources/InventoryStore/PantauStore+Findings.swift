import Foundation
import GRDB
import Reconciliation
import Storage

/// Findings by key, their append-only action log and the suppression allow-list.
extension PantauStore {
    static let findingEncoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.dateEncodingStrategy = .secondsSince1970
        return e
    }()

    static func findingDecoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .secondsSince1970
        return d
    }

    private func findingRun<T>(_ action: String, _ body: () throws -> T) throws(StoreError) -> T {
        do { return try body() } catch let e as StoreError { throw e } catch {
            throw StoreError(path: location, action: action, underlying: error)
        }
    }

    private static func finding(from row: Row) throws -> Finding {
        var f = try findingDecoder().decode(Finding.self, from: Data((row["finding_json"] as String).utf8))
        f.id = row["id"]
        return f
    }

    /// A finding from its row's id and JSON bytes: read directly (`FindingJSON`), or by
    /// JSONDecoder when that reader does not take it.
    private static func finding(id: Int64, json: UnsafeBufferPointer<UInt8>) throws -> Finding {
        var f = try FindingJSON.decode(json) ?? findingDecoder().decode(Finding.self, from: Data(json))
        f.id = id
        return f
    }

    public func findings(pd: String?, includeResolved: Bool) throws(StoreError) -> [Finding] {
        try findingRun("reading findings") {
            try writer.read { db in
                var sql = "SELECT id, finding_json FROM finding WHERE 1 = 1"
                var args: StatementArguments = []
                if let pd { sql += " AND pd = ?"; args += [pd] }
                if !includeResolved { sql += " AND status != 'resolved'" }
                sql += " ORDER BY id"
                // Every stored finding is read on every reconciliation: stepped, its JSON read from the bytes.
                let statement = try db.makeStatement(sql: sql)
                try statement.setArguments(args)
                var out: [Finding] = []
                try RowStepper.forEachRow(statement) { r in out.append(try Self.finding(id: Int64(r.int(0)), json: r.text(1))) }
                return out
            }
        }
    }

    public func finding(id: Int64) throws(StoreError) -> Finding? {
        try findingRun("reading finding #\(id)") {
            try writer.read { db in try Row.fetchOne(db, sql: "SELECT id, finding_json FROM finding WHERE id = ?", arguments: [id]).map(Self.finding(from:)) }
        }
    }

    @discardableResult
    public func saveFindings(_ findings: [Finding], actions: [FindingAction]) throws(StoreError) -> [Finding] {
        try findingRun("saving \(findings.count) finding(s)") {
            try writer.write { db in
                var stored: [Finding] = []
                stored.reserveCapacity(findings.count)
                // One prepared statement each, the id returned by the upsert itself: a first run
                // writes thousands of findings and opens each in the log.
                let upsert = try db.makeStatement(sql: """
                    INSERT INTO finding (key, code, pd, status, severity, first_seen, last_seen, resolved_at, finding_json)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(key) DO UPDATE SET code = excluded.code, pd = excluded.pd, status = excluded.status,
                        severity = excluded.severity, first_seen = excluded.first_seen, last_seen = excluded.last_seen,
                        resolved_at = excluded.resolved_at, finding_json = excluded.finding_json
                    RETURNING id
                    """)
                var idByKey: [String: Int64] = [:]
                idByKey.reserveCapacity(findings.count)
                for var f in findings {
                    f.id = nil
                    let json = String(decoding: try Self.findingEncoder.encode(f), as: UTF8.self)
                    f.id = try Int64.fetchOne(upsert, arguments: [f.key, f.code.rawValue, f.pd, f.status.rawValue, f.severity.rawValue,
                                                                  f.firstSeen.timeIntervalSince1970, f.lastSeen.timeIntervalSince1970,
                                                                  f.resolvedAt?.timeIntervalSince1970, json])
                    idByKey[f.key] = f.id
                    stored.append(f)
                }
                let log = try db.makeStatement(sql: "INSERT INTO finding_action (finding_id, at, actor, action, reason) VALUES (?, ?, ?, ?, ?)")
                for a in actions {
                    let id: Int64? = try a.findingID ?? idByKey[a.key] ?? Int64.fetchOne(db, sql: "SELECT id FROM finding WHERE key = ?", arguments: [a.key])
                    guard let id else { continue }
                    try log.execute(arguments: [id, a.at.timeIntervalSince1970, a.actor, a.action, a.reason])
                }
                return stored
            }
        }
    }

    public func findingActions(id: Int64) throws(StoreError) -> [FindingAction] {
        try findingRun("reading the log of finding #\(id)") {
            try writer.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT a.finding_id, a.at, a.actor, a.action, a.reason, f.key FROM finding_action a JOIN finding f ON f.id = a.finding_id
                    WHERE a.finding_id = ? ORDER BY a.id
                    """, arguments: [id]).map { r in
                    FindingAction(key: r["key"], findingID: r["finding_id"], at: Date(timeIntervalSince1970: r["at"]), actor: r["actor"],
                                  action: r["action"], reason: r["reason"])
                }
            }
        }
    }

    public func addSuppression(_ s: Suppression) throws(StoreError) -> Int64 {
        try findingRun("adding a suppression") {
            try writer.write { db in
                try db.execute(sql: "INSERT INTO finding_suppression (match, code, pd, created_by, created_at, reason, until) VALUES (?, ?, ?, ?, ?, ?, ?)",
                               arguments: [s.match, s.code?.rawValue, s.pd, s.note.by, s.note.at.timeIntervalSince1970, s.note.reason,
                                           s.until?.timeIntervalSince1970])
                return db.lastInsertedRowID
            }
        }
    }

    public func suppressions(activeAt: Date?) throws(StoreError) -> [Suppression] {
        try findingRun("reading the suppressions") {
            try writer.read { db in
                var sql = "SELECT * FROM finding_suppression"
                var args: StatementArguments = []
                if let activeAt { sql += " WHERE until IS NULL OR until > ?"; args += [activeAt.timeIntervalSince1970] }
                return try Row.fetchAll(db, sql: sql + " ORDER BY id", arguments: args).map { r in
                    Suppression(id: r["id"], match: r["match"], code: (r["code"] as String?).map(FindingCode.init(rawValue:)), pd: r["pd"],
                                note: FindingNote(by: r["created_by"], at: Date(timeIntervalSince1970: r["created_at"]), reason: r["reason"]),
                                until: (r["until"] as Double?).map(Date.init(timeIntervalSince1970:)))
                }
            }
        }
    }
}

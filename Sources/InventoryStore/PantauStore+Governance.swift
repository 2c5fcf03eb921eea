import Foundation
import Governance
import GRDB
import Storage

/// PD registry, active regional profile, diagram submissions (immutable), change reports,
/// change-report duties, HTTP tokens (hashed) and the audit log.
extension PantauStore {
    private static let governanceEncoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()

    private func json(_ value: some Encodable) throws -> String {
        String(decoding: try PantauStore.governanceEncoder.encode(value), as: UTF8.self)
    }

    private func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    private func run<T>(_ action: String, _ body: () throws -> T) throws(StoreError) -> T {
        do { return try body() } catch let e as StoreError { throw e } catch {
            throw StoreError(path: location, action: action, underlying: error)
        }
    }

    // MARK: Registry

    /// Replaces the stored registry with `registry` (PDs no longer listed are removed from
    /// the registry; their submissions stay).
    public func saveRegistry(_ registry: PDRegistry, source: String, at: Date) throws(StoreError) {
        try run("saving the PD registry") {
            try writer.write { db in
                try db.execute(sql: "DELETE FROM gov_pd")
                for pd in registry.pds {
                    try db.execute(sql: "INSERT INTO gov_pd (code, name, record_json, loaded_at) VALUES (?, ?, ?, ?)",
                                   arguments: [pd.code, pd.name, try json(pd), at.timeIntervalSince1970])
                }
                try db.execute(sql: "INSERT INTO gov_registry_load (regency, source, pd_count, loaded_at) VALUES (?, ?, ?, ?)",
                               arguments: [registry.regency, source, registry.pds.count, at.timeIntervalSince1970])
            }
        }
    }

    /// The stored registry, or nil when none was loaded.
    public func registry() throws(StoreError) -> PDRegistry? {
        try run("reading the PD registry") {
            try writer.read { db in
                guard let load = try Row.fetchOne(db, sql: "SELECT regency FROM gov_registry_load ORDER BY id DESC LIMIT 1") else { return nil }
                let rows = try Row.fetchAll(db, sql: "SELECT record_json FROM gov_pd ORDER BY code")
                let pds = try rows.map { try decode(PDRecord.self, $0["record_json"] as String) }
                return PDRegistry(regency: load["regency"], pds: pds)
            }
        }
    }

    // MARK: Profile

    /// Makes `profile` the active one (the previous activations stay as history).
    public func activate(profile: RegionalProfile, by: String, at: Date) throws(StoreError) {
        try run("activating profile \(profile.id)") {
            try writer.write { db in
                try db.execute(sql: "INSERT INTO gov_profile_activation (profile_id, profile_json, activated_at, activated_by) VALUES (?, ?, ?, ?)",
                               arguments: [profile.id, try json(profile), at.timeIntervalSince1970, by])
            }
        }
    }

    /// The active profile, or nil when none was activated.
    public func activeProfile() throws(StoreError) -> RegionalProfile? {
        try run("reading the active profile") {
            try writer.read { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT profile_json FROM gov_profile_activation ORDER BY id DESC LIMIT 1") else { return nil }
                return try decode(RegionalProfile.self, row["profile_json"] as String)
            }
        }
    }

    // MARK: Submissions

    /// Stores a new immutable version for the PD, in one transaction with its change
    /// report (the diff from the previous version, when they differ); closes the PD's
    /// open change-report duties. Returns the stored version and the report, if any.
    @discardableResult
    public func submit(_ new: NewSubmission) throws(StoreError) -> (Submission, ChangeReport?) {
        try run("storing a diagram for \(new.pd)") {
            try writer.write { db in
                let prevRow = try Row.fetchOne(db, sql: "SELECT version, diagram_json FROM gov_submission WHERE pd = ? ORDER BY version DESC LIMIT 1",
                                               arguments: [new.pd])
                let version = (prevRow.map { $0["version"] as Int } ?? 0) + 1
                let model = new.diagram.withoutSources
                try db.execute(sql: """
                    INSERT INTO gov_submission (pd, version, submitted_at, submitter, sha256, format, file_name, channel, content, diagram_json)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [new.pd, version, new.submittedAt.timeIntervalSince1970, new.submitter, new.sha256,
                                     new.format.rawValue, new.fileName, new.channel, Data(new.content), try json(model)])
                var report: ChangeReport?
                if let prevRow {
                    let prev = try decode(Diagram.self, prevRow["diagram_json"] as String)
                    let diff = DiagramDiff(from: prev, to: model)
                    if !diff.isEmpty {
                        let r = ChangeReport(pd: new.pd, fromVersion: version - 1, toVersion: version, recordedAt: new.submittedAt, diff: diff)
                        try db.execute(sql: "INSERT INTO gov_change_report (pd, from_version, to_version, recorded_at, diff_json) VALUES (?, ?, ?, ?, ?)",
                                       arguments: [new.pd, r.fromVersion, r.toVersion, r.recordedAt.timeIntervalSince1970, try json(diff)])
                        report = r
                    }
                }
                try db.execute(sql: "UPDATE gov_change_duty SET closed_at = ?, closed_by_version = ? WHERE pd = ? AND closed_at IS NULL",
                               arguments: [new.submittedAt.timeIntervalSince1970, version, new.pd])
                let stored = Submission(pd: new.pd, version: version, submittedAt: new.submittedAt, submitter: new.submitter,
                                        sha256: new.sha256, format: new.format, fileName: new.fileName, channel: new.channel, diagram: model)
                return (stored, report)
            }
        }
    }

    private func submission(from row: Row) throws -> Submission {
        Submission(pd: row["pd"], version: row["version"], submittedAt: Date(timeIntervalSince1970: row["submitted_at"]),
                   submitter: row["submitter"], sha256: row["sha256"],
                   format: DiagramFormat(rawValue: row["format"] as String) ?? .yaml, fileName: row["file_name"],
                   channel: row["channel"], diagram: try diagram(row["diagram_json"] as String))
    }

    /// A stored diagram: read directly (`DiagramJSON`: every PD's latest is read on every
    /// reconciliation), or by JSONDecoder when that reader does not take it.
    private func diagram(_ json: String) throws -> Diagram {
        var text = json
        if let d = text.withUTF8({ DiagramJSON.decode($0) }) { return d }
        return try decode(Diagram.self, json)
    }

    private static let submissionColumns = "pd, version, submitted_at, submitter, sha256, format, file_name, channel, diagram_json"

    /// Every version of a PD's diagram, oldest first.
    public func submissions(pd: String) throws(StoreError) -> [Submission] {
        try run("reading diagram history of \(pd)") {
            try writer.read { db in
                try Row.fetchAll(db, sql: "SELECT \(PantauStore.submissionColumns) FROM gov_submission WHERE pd = ? ORDER BY version",
                                 arguments: [pd]).map(submission(from:))
            }
        }
    }

    /// One version (the latest when `version` is nil).
    public func submission(pd: String, version: Int?) throws(StoreError) -> Submission? {
        try run("reading a diagram of \(pd)") {
            try writer.read { db in
                let row: Row?
                if let version {
                    row = try Row.fetchOne(db, sql: "SELECT \(PantauStore.submissionColumns) FROM gov_submission WHERE pd = ? AND version = ?",
                                           arguments: [pd, version])
                } else {
                    row = try Row.fetchOne(db, sql: "SELECT \(PantauStore.submissionColumns) FROM gov_submission WHERE pd = ? ORDER BY version DESC LIMIT 1",
                                           arguments: [pd])
                }
                return try row.map(submission(from:))
            }
        }
    }

    /// The submitted file exactly as received.
    public func submissionContent(pd: String, version: Int) throws(StoreError) -> [UInt8]? {
        try run("reading a diagram file of \(pd)") {
            try writer.read { db in
                try Row.fetchOne(db, sql: "SELECT content FROM gov_submission WHERE pd = ? AND version = ?", arguments: [pd, version])
                    .map { Array($0["content"] as Data) }
            }
        }
    }

    /// Latest version per PD that has submitted, keyed by PD code.
    public func latestSubmissions() throws(StoreError) -> [String: Submission] {
        try run("reading latest diagrams") {
            try writer.read { db in
                let rows = try Row.fetchAll(db, sql: """
                    SELECT \(PantauStore.submissionColumns) FROM gov_submission s
                    WHERE version = (SELECT MAX(version) FROM gov_submission t WHERE t.pd = s.pd) ORDER BY pd
                    """)
                var out: [String: Submission] = [:]
                for r in rows { let s = try submission(from: r); out[s.pd] = s }
                return out
            }
        }
    }

    /// Change reports of a PD, oldest first.
    public func changeReports(pd: String) throws(StoreError) -> [ChangeReport] {
        try run("reading change reports of \(pd)") {
            try writer.read { db in
                try Row.fetchAll(db, sql: "SELECT from_version, to_version, recorded_at, diff_json FROM gov_change_report WHERE pd = ? ORDER BY to_version",
                                 arguments: [pd]).map { r in
                    ChangeReport(pd: pd, fromVersion: r["from_version"], toVersion: r["to_version"],
                                 recordedAt: Date(timeIntervalSince1970: r["recorded_at"]), diff: try decode(DiagramDiff.self, r["diff_json"] as String))
                }
            }
        }
    }

    // MARK: Change-report duties (opened by reconciliation)

    /// Opens a change-report duty for a PD (a LAN change seen with no submission after it).
    @discardableResult
    public func openChangeDuty(pd: String, reason: String, at: Date, due: Date?) throws(StoreError) -> Int64 {
        try run("opening a change-report duty for \(pd)") {
            try writer.write { db in
                try db.execute(sql: "INSERT INTO gov_change_duty (pd, opened_at, reason, due_at) VALUES (?, ?, ?, ?)",
                               arguments: [pd, at.timeIntervalSince1970, reason, due?.timeIntervalSince1970])
                return db.lastInsertedRowID
            }
        }
    }

    /// Change-report duties, oldest first; only open ones unless `includeClosed`.
    public func changeDuties(pd: String? = nil, includeClosed: Bool = false) throws(StoreError) -> [ChangeDuty] {
        try run("reading change-report duties") {
            try writer.read { db in
                var sql = "SELECT * FROM gov_change_duty WHERE 1 = 1"
                var args: [(any DatabaseValueConvertible)?] = []
                if let pd { sql += " AND pd = ?"; args.append(pd) }
                if !includeClosed { sql += " AND closed_at IS NULL" }
                return try Row.fetchAll(db, sql: sql + " ORDER BY id", arguments: StatementArguments(args)).map { r in
                    ChangeDuty(id: r["id"], pd: r["pd"], openedAt: Date(timeIntervalSince1970: r["opened_at"]), reason: r["reason"],
                               dueAt: (r["due_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                               closedAt: (r["closed_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                               closedByVersion: r["closed_by_version"])
                }
            }
        }
    }

    // MARK: Tokens

    /// Stores a token by its SHA-256 (the caller shows the token once and forgets it).
    @discardableResult
    public func addToken(sha256: String, role: AccessRole, label: String, at: Date, expires: Date?) throws(StoreError) -> Int64 {
        try run("storing a token") {
            try writer.write { db in
                let (kind, pd): (String, String?) = switch role {
                case .pd(let c): ("pd", c)
                case .diskominfo: ("diskominfo", nil)
                }
                try db.execute(sql: "INSERT INTO gov_token (role, pd, label, token_sha256, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [kind, pd, label, sha256, at.timeIntervalSince1970, expires?.timeIntervalSince1970])
                return db.lastInsertedRowID
            }
        }
    }

    private func token(from r: Row) -> AccessToken {
        let role: AccessRole = (r["role"] as String) == "diskominfo" ? .diskominfo : .pd(r["pd"] ?? "")
        return AccessToken(id: r["id"], role: role, label: r["label"], createdAt: Date(timeIntervalSince1970: r["created_at"]),
                           expiresAt: (r["expires_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                           revokedAt: (r["revoked_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }

    /// The token whose SHA-256 is `sha256`, if any.
    public func token(sha256: String) throws(StoreError) -> AccessToken? {
        try run("looking up a token") {
            try writer.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM gov_token WHERE token_sha256 = ?", arguments: [sha256]).map(token(from:))
            }
        }
    }

    /// Every token (without hashes), by id.
    public func tokens() throws(StoreError) -> [AccessToken] {
        try run("listing tokens") {
            try writer.read { db in try Row.fetchAll(db, sql: "SELECT * FROM gov_token ORDER BY id").map(token(from:)) }
        }
    }

    /// Revokes a token; returns false when there is no such token.
    public func revokeToken(id: Int64, at: Date) throws(StoreError) -> Bool {
        try run("revoking token \(id)") {
            try writer.write { db in
                try db.execute(sql: "UPDATE gov_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [at.timeIntervalSince1970, id])
                return db.changesCount > 0
            }
        }
    }

    // MARK: Audit log

    public func appendAudit(_ e: AuditEntry) throws(StoreError) {
        try run("writing the audit log") {
            try writer.write { db in
                try db.execute(sql: "INSERT INTO gov_audit (at, actor, action, pd, outcome, detail) VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [e.at.timeIntervalSince1970, e.actor, e.action, e.pd, e.outcome, e.detail])
            }
        }
    }

    /// Audit entries, oldest first.
    public func auditLog() throws(StoreError) -> [AuditEntry] {
        try run("reading the audit log") {
            try writer.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM gov_audit ORDER BY id").map { r in
                    AuditEntry(at: Date(timeIntervalSince1970: r["at"]), actor: r["actor"], action: r["action"], pd: r["pd"],
                               outcome: r["outcome"], detail: r["detail"])
                }
            }
        }
    }
}

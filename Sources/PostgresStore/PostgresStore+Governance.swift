import Foundation
import Governance
import Storage

/// PD registry, active regional profile, diagram submissions (immutable), change reports,
/// change-report duties, HTTP tokens (hashed) and the audit log.
extension PostgresStore {
    private static let governanceEncoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()

    private func json(_ value: some Encodable) throws -> String {
        String(decoding: try PostgresStore.governanceEncoder.encode(value), as: UTF8.self)
    }

    private func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    // MARK: Registry

    public func saveRegistry(_ registry: PDRegistry, source: String, at: Date) throws(StoreError) {
        try write("saving the PD registry") { c in
            try c.execute("DELETE FROM gov_pd")
            for pd in registry.pds {
                try c.execute("INSERT INTO gov_pd (code, name, record_json, loaded_at) VALUES (?, ?, ?, ?)",
                              [pd.code, pd.name, try json(pd), at.timeIntervalSince1970])
            }
            try c.execute("INSERT INTO gov_registry_load (regency, source, pd_count, loaded_at) VALUES (?, ?, ?, ?)",
                          [registry.regency, source, registry.pds.count, at.timeIntervalSince1970])
        }
    }

    public func registry() throws(StoreError) -> PDRegistry? {
        try read("reading the PD registry") { c in
            guard let load = try c.fetchOne("SELECT regency FROM gov_registry_load ORDER BY id DESC LIMIT 1") else { return nil }
            let pds = try c.fetchAll("SELECT record_json FROM gov_pd ORDER BY code").map { try decode(PDRecord.self, $0["record_json"] as String) }
            return PDRegistry(regency: load["regency"], pds: pds)
        }
    }

    // MARK: Profile

    public func activate(profile: RegionalProfile, by: String, at: Date) throws(StoreError) {
        try write("activating profile \(profile.id)") { c in
            try c.execute("INSERT INTO gov_profile_activation (profile_id, profile_json, activated_at, activated_by) VALUES (?, ?, ?, ?)",
                          [profile.id, try json(profile), at.timeIntervalSince1970, by])
        }
    }

    public func activeProfile() throws(StoreError) -> RegionalProfile? {
        try read("reading the active profile") { c in
            guard let row = try c.fetchOne("SELECT profile_json FROM gov_profile_activation ORDER BY id DESC LIMIT 1") else { return nil }
            return try decode(RegionalProfile.self, row["profile_json"] as String)
        }
    }

    // MARK: Submissions

    @discardableResult
    public func submit(_ new: NewSubmission) throws(StoreError) -> (Submission, ChangeReport?) {
        try write("storing a diagram for \(new.pd)") { c in
            // One submitter at a time per PD: versions are numbered without gaps or clashes.
            try c.execute("SELECT pg_advisory_xact_lock(hashtext(?))", ["pantau-submission " + new.pd])
            let prevRow = try c.fetchOne("SELECT version, diagram_json FROM gov_submission WHERE pd = ? ORDER BY version DESC LIMIT 1", [new.pd])
            let version = (prevRow.map { $0["version"] as Int } ?? 0) + 1
            let model = new.diagram.withoutSources
            try c.execute("""
                INSERT INTO gov_submission (pd, version, submitted_at, submitter, sha256, format, file_name, channel, content, diagram_json)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [new.pd, version, new.submittedAt.timeIntervalSince1970, new.submitter, new.sha256,
                      new.format.rawValue, new.fileName, new.channel, new.content, try json(model)])
            var report: ChangeReport?
            if let prevRow {
                let prev = try decode(Diagram.self, prevRow["diagram_json"] as String)
                let diff = DiagramDiff(from: prev, to: model)
                if !diff.isEmpty {
                    let r = ChangeReport(pd: new.pd, fromVersion: version - 1, toVersion: version, recordedAt: new.submittedAt, diff: diff)
                    try c.execute("INSERT INTO gov_change_report (pd, from_version, to_version, recorded_at, diff_json) VALUES (?, ?, ?, ?, ?)",
                                  [new.pd, r.fromVersion, r.toVersion, r.recordedAt.timeIntervalSince1970, try json(diff)])
                    report = r
                }
            }
            try c.execute("UPDATE gov_change_duty SET closed_at = ?, closed_by_version = ? WHERE pd = ? AND closed_at IS NULL",
                          [new.submittedAt.timeIntervalSince1970, version, new.pd])
            let stored = Submission(pd: new.pd, version: version, submittedAt: new.submittedAt, submitter: new.submitter,
                                    sha256: new.sha256, format: new.format, fileName: new.fileName, channel: new.channel, diagram: model)
            return (stored, report)
        }
    }

    private func submission(from row: PGRow) throws -> Submission {
        Submission(pd: row["pd"], version: row["version"], submittedAt: Date(timeIntervalSince1970: row["submitted_at"]),
                   submitter: row["submitter"], sha256: row["sha256"],
                   format: DiagramFormat(rawValue: row["format"] as String) ?? .yaml, fileName: row["file_name"],
                   channel: row["channel"], diagram: try decode(Diagram.self, row["diagram_json"] as String))
    }

    private static let submissionColumns = "pd, version, submitted_at, submitter, sha256, format, file_name, channel, diagram_json"

    public func submissions(pd: String) throws(StoreError) -> [Submission] {
        try read("reading diagram history of \(pd)") { c in
            try c.fetchAll("SELECT \(Self.submissionColumns) FROM gov_submission WHERE pd = ? ORDER BY version", [pd]).map(submission(from:))
        }
    }

    public func submission(pd: String, version: Int?) throws(StoreError) -> Submission? {
        try read("reading a diagram of \(pd)") { c in
            let row: PGRow?
            if let version {
                row = try c.fetchOne("SELECT \(Self.submissionColumns) FROM gov_submission WHERE pd = ? AND version = ?", [pd, version])
            } else {
                row = try c.fetchOne("SELECT \(Self.submissionColumns) FROM gov_submission WHERE pd = ? ORDER BY version DESC LIMIT 1", [pd])
            }
            return try row.map(submission(from:))
        }
    }

    public func submissionContent(pd: String, version: Int) throws(StoreError) -> [UInt8]? {
        try read("reading a diagram file of \(pd)") { c in
            try c.fetchOne("SELECT content FROM gov_submission WHERE pd = ? AND version = ?", [pd, version]).map { $0["content"] as [UInt8] }
        }
    }

    public func latestSubmissions() throws(StoreError) -> [String: Submission] {
        try read("reading latest diagrams") { c in
            let rows = try c.fetchAll("""
                SELECT \(Self.submissionColumns) FROM gov_submission s
                WHERE version = (SELECT MAX(version) FROM gov_submission t WHERE t.pd = s.pd) ORDER BY pd
                """)
            var out: [String: Submission] = [:]
            for r in rows { let s = try submission(from: r); out[s.pd] = s }
            return out
        }
    }

    public func changeReports(pd: String) throws(StoreError) -> [ChangeReport] {
        try read("reading change reports of \(pd)") { c in
            try c.fetchAll("SELECT from_version, to_version, recorded_at, diff_json FROM gov_change_report WHERE pd = ? ORDER BY to_version",
                           [pd]).map { r in
                ChangeReport(pd: pd, fromVersion: r["from_version"], toVersion: r["to_version"],
                             recordedAt: Date(timeIntervalSince1970: r["recorded_at"]), diff: try decode(DiagramDiff.self, r["diff_json"] as String))
            }
        }
    }

    // MARK: Change-report duties

    @discardableResult
    public func openChangeDuty(pd: String, reason: String, at: Date, due: Date?) throws(StoreError) -> Int64 {
        try write("opening a change-report duty for \(pd)") { c in
            try c.fetchValue("INSERT INTO gov_change_duty (pd, opened_at, reason, due_at) VALUES (?, ?, ?, ?) RETURNING id",
                             [pd, at.timeIntervalSince1970, reason, due?.timeIntervalSince1970]) ?? 0
        }
    }

    public func changeDuties(pd: String? = nil, includeClosed: Bool = false) throws(StoreError) -> [ChangeDuty] {
        try read("reading change-report duties") { c in
            var sql = "SELECT * FROM gov_change_duty WHERE 1 = 1"
            var args: [any PGArgument] = []
            if let pd { sql += " AND pd = ?"; args.append(pd) }
            if !includeClosed { sql += " AND closed_at IS NULL" }
            return try c.fetchAll(sql + " ORDER BY id", args).map { r in
                ChangeDuty(id: r["id"], pd: r["pd"], openedAt: Date(timeIntervalSince1970: r["opened_at"]), reason: r["reason"],
                           dueAt: (r["due_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                           closedAt: (r["closed_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                           closedByVersion: r["closed_by_version"])
            }
        }
    }

    // MARK: Tokens

    @discardableResult
    public func addToken(sha256: String, role: AccessRole, label: String, at: Date, expires: Date?) throws(StoreError) -> Int64 {
        try write("storing a token") { c in
            let (kind, pd): (String, String?) = switch role {
            case .pd(let code): ("pd", code)
            case .diskominfo: ("diskominfo", nil)
            }
            return try c.fetchValue("""
                INSERT INTO gov_token (role, pd, label, token_sha256, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id
                """, [kind, pd, label, sha256, at.timeIntervalSince1970, expires?.timeIntervalSince1970]) ?? 0
        }
    }

    private func token(from r: PGRow) -> AccessToken {
        let role: AccessRole = (r["role"] as String) == "diskominfo" ? .diskominfo : .pd(r["pd"] ?? "")
        return AccessToken(id: r["id"], role: role, label: r["label"], createdAt: Date(timeIntervalSince1970: r["created_at"]),
                           expiresAt: (r["expires_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                           revokedAt: (r["revoked_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }

    public func token(sha256: String) throws(StoreError) -> AccessToken? {
        try read("looking up a token") { c in
            try c.fetchOne("SELECT * FROM gov_token WHERE token_sha256 = ?", [sha256]).map(token(from:))
        }
    }

    public func tokens() throws(StoreError) -> [AccessToken] {
        try read("listing tokens") { c in try c.fetchAll("SELECT * FROM gov_token ORDER BY id").map(token(from:)) }
    }

    public func revokeToken(id: Int64, at: Date) throws(StoreError) -> Bool {
        try write("revoking token \(id)") { c in
            try c.execute("UPDATE gov_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", [at.timeIntervalSince1970, id]) > 0
        }
    }

    // MARK: Audit log

    public func appendAudit(_ e: AuditEntry) throws(StoreError) {
        try write("writing the audit log") { c in
            try c.execute("INSERT INTO gov_audit (at, actor, action, pd, outcome, detail) VALUES (?, ?, ?, ?, ?, ?)",
                          [e.at.timeIntervalSince1970, e.actor, e.action, e.pd, e.outcome, e.detail])
        }
    }

    public func auditLog() throws(StoreError) -> [AuditEntry] {
        try read("reading the audit log") { c in
            try c.fetchAll("SELECT * FROM gov_audit ORDER BY id").map { r in
                AuditEntry(at: Date(timeIntervalSince1970: r["at"]), actor: r["actor"], action: r["action"], pd: r["pd"],
                           outcome: r["outcome"], detail: r["detail"])
            }
        }
    }
}

import Exports
import Foundation
import InventoryModel
import Governance
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore
import Operations
import Reconciliation
import Storage

/// The pages: each reads through a use case and hands plain values to its template.
extension Portal {
    func dateFormatter(_ v: Visit, time: Bool = true) -> DateFormatter {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = v.profile?.timeZone ?? TimeZone(secondsFromGMT: 0)
        f.dateFormat = time ? "yyyy-MM-dd HH:mm" : "yyyy-MM-dd"
        return f
    }

    func zoneName(_ v: Visit) -> String {
        switch v.profile?.utcOffsetHours {
        case 7: "WIB"
        case 8: "WITA"
        case 9: "WIT"
        case let h?: "UTC\(h >= 0 ? "+" : "")\(h)"
        case nil: "UTC"
        }
    }

    func when(_ v: Visit, _ d: Date) -> String { dateFormatter(v).string(from: d) + " " + zoneName(v) }

    struct DutyWords { var text: String; var cls: String }

    func dutyWords(_ v: Visit, _ s: DiagramDutyStatus) -> DutyWords {
        switch s.state {
        case .current: DutyWords(text: v.t("state_current"), cls: "current")
        case .overdue: DutyWords(text: v.t("state_overdue"), cls: "overdue")
        case .neverSubmitted: DutyWords(text: v.t("state_never"), cls: "never")
        case .notRequired: DutyWords(text: v.t("state_not_required"), cls: "ok")
        }
    }

    func basisText(_ b: Basis?) -> String { b.map { "\($0)" } ?? "—" }

    // MARK: Home

    func home(_ v: Visit, _ caller: AccessOperations.Caller, pd: String) throws -> Response {
        let report = try duty.status(pd: pd)
        guard let row = report.pds.first(where: { $0.pd == pd }) else { return errorPage(v, .notFound, v.t("not_found")) }
        var c = base(v, title: "\(row.pd) · \(row.name)", nav: .home, pd: pd)
        let words = dutyWords(v, row.duty)
        c["pd"] = pd
        c["stateText"] = words.text
        c["stateClass"] = words.cls
        c["due"] = row.duty.dueDate.map(\.description) ?? v.t("no_due")
        c["basis"] = basisText(row.duty.basis ?? (report.profile.diagramFreshness.enabled ? report.profile.diagramFreshness.basis : nil))
        if row.openChangeDuties > 0 { c["changeDuties"] = "\(row.openChangeDuties)" }
        if let head = report.latest[pd] {
            c["latest"] = head.version
            c["last"] = ["version": head.version, "at": when(v, head.submittedAt), "by": head.submitter] as [String: Any]
        }
        c["canSubmit"] = caller.token.role.canSubmit(pd: pd)
        let open = try findings.list(pd: pd)
        c["severities"] = [Severity.error, .warning, .info].map { sev in
            ["key": sev.rawValue, "label": v.t("sev_\(sev.rawValue)"), "count": open.filter { $0.severity == sev }.count] as [String: Any]
        }
        if settings.offersAuditBundle { c["bundle"] = "/pd/\(pd)/audit.zip?period=\(Self.bundlePeriod)" }
        return page(v, "home", c)
    }

    // MARK: Submit: the form, the check, the submission

    func submitForm(_ v: Visit, pd: String) -> Response {
        var c = base(v, title: v.t("submit_title"), nav: .submit, pd: pd)
        c["pd"] = pd
        c["limitText"] = v.t("limit_text", ["n": "\(settings.uploadLimit / 1024)"])
        return page(v, "submit", c)
    }

    /// A multipart form's own overhead on top of the file (boundaries, the CSRF field).
    static let formOverhead = 16 * 1024

    func check(_ req: Request, pd: String) async -> Response {
        let v0 = begin(req)
        let v: Visit, caller: AccessOperations.Caller
        switch gate(v0, pd: pd, action: "portal-validate", submitting: true) {
        case .refused(let r): return r
        case .ok(let visit, let c): (v, caller) = (visit, c)
        }
        let limit = settings.uploadLimit
        let tooLarge = v.t("too_large", ["n": "\(limit / 1024)"])
        // Refused from the declared length, before the body is read (as the API does).
        if let text = req.headers[.contentLength], let length = Int(text), length > limit + Self.formOverhead {
            access.audit(caller.actor, "portal-validate", pd, "refused", "upload of \(length) bytes over the limit")
            return errorPage(v, .contentTooLarge, tooLarge, close: true)
        }
        guard let boundary = FormBody.boundary(contentType: req.headers[.contentType]) else {
            return errorPage(v, .unsupportedMediaType, v.t("upload_missing"))
        }
        let body: ByteBuffer
        do { body = try await req.body.collect(upTo: limit + Self.formOverhead) } catch {
            access.audit(caller.actor, "portal-validate", pd, "refused", "upload over the limit")
            return errorPage(v, .contentTooLarge, tooLarge, close: true)
        }
        guard let parts = FormBody.multipart(Array(buffer: body), boundary: boundary) else {
            return errorPage(v, .badRequest, v.t("upload_missing"))
        }
        var fields: [String: String] = [:]
        for p in parts where p.fileName == nil { fields[p.name] = String(decoding: p.data.prefix(1024), as: UTF8.self) }
        if let refused = csrfRefusal(v, fields, action: "portal-validate", pd: pd) { return refused }
        guard let file = parts.first(where: { $0.name == "file" && $0.fileName != nil }), !file.data.isEmpty else {
            var c = base(v, title: v.t("submit_title"), nav: .submit, pd: pd)
            c["pd"] = pd
            c["limitText"] = v.t("limit_text", ["n": "\(limit / 1024)"])
            c["alert"] = v.t("upload_missing")
            return page(v, "submit", c, status: .unprocessableContent)
        }
        let bytes = Array(file.data)
        let fileName = String(((file.fileName ?? "upload") as NSString).lastPathComponent.prefix(200))
        let diagrams = self.diagrams
        let outcome = await parsing.run { () -> Result<DiagramOperations.Checked, StoreError> in
            Result { () throws(StoreError) in try diagrams.validate(bytes, fileName: fileName, pd: pd, sizeLimit: limit) }
        }
        guard let outcome else {
            access.audit(caller.actor, "portal-validate", pd, "refused", "busy: \(parsing.capacity) uploads already being read")
            var r = errorPage(v, .serviceUnavailable, v.t("busy"))
            r.headers[.retryAfter] = "5"
            return r
        }
        let checked: DiagramOperations.Checked
        do { checked = try outcome.get() } catch { return failure(v, error) }
        if checked.limitExceeded {
            access.audit(caller.actor, "portal-validate", pd, "refused", "over a limit: \(fileName)")
            return errorPage(v, .contentTooLarge, tooLarge + " " + v.t("hint_limit"), close: true)
        }
        var c = base(v, title: v.t("checked_title"), nav: .submit, pd: pd)
        c["pd"] = pd
        c["fileName"] = fileName
        c["valid"] = checked.valid
        if checked.valid {
            let upload = SessionStore.randomID()
            sessions.setPending(v.session.id, PendingUpload(id: upload, pd: pd, fileName: fileName, bytes: bytes))
            c["upload"] = upload
        }
        c["verdict"] = !checked.valid ? v.t("checked_bad") : checked.issues.isEmpty ? v.t("checked_ok") : v.t("checked_ok_warnings")
        c["stateClass"] = !checked.valid ? "bad" : checked.issues.isEmpty ? "ok" : "warn"
        if let d = checked.diagram {
            c["devices"] = "\(d.devices.count)"
            c["links"] = "\(d.links.count)"
        }
        let labels = Dictionary(checked.diagram?.devices.compactMap { d in d.source.cell.map { ($0, d.name ?? d.id) } } ?? [], uniquingKeysWith: { a, _ in a })
        c["hasIssues"] = !checked.issues.isEmpty
        c["issues"] = checked.issues.map { issueRow(v, $0, labels: labels) }
        return page(v, "checked", c, status: checked.valid ? .ok : .unprocessableContent)
    }

    /// One issue in plain words: what kind, which shape (by its label where the diagram names
    /// it), what is wrong and what to do, from the message catalog in the page's language.
    func issueRow(_ v: Visit, _ issue: DiagramIssue, labels: [String: String]) -> [String: Any] {
        var where_: [String] = []
        if let cell = issue.source.cell, cell != "0" {
            // A clerk finds a shape by its label; a cell id only helps when nothing names it.
            if let label = labels[cell] ?? issue.params["shape"] { where_.append("\(v.t("shape")) “\(label)”") }
            else if issue.code == nil { where_.append("\(v.t("cell")) \(cell)") }
            if let page = issue.source.page { where_.append("\(v.t("page")) “\(page)”") }
        } else if let line = issue.source.line {
            where_.append("\(v.t("line")) \(line)")
        }
        // A drawing's shape is named above; a YAML file's element by its path (devices[2].management_ip).
        if issue.source.cell == nil && !issue.path.isEmpty { where_.append(issue.path) }
        var row: [String: Any] = ["kind": issue.isWarning ? "warning" : "error", "kindText": v.t(issue.isWarning ? "issue_warning" : "issue_error"),
                                  "where": where_.joined(separator: " · ")]
        if let said = catalogText(v, issue) {
            row["message"] = said.text
            row["todo"] = said.todo
        } else {
            // Only an issue read back from JSON has no code: its English message, marked so.
            row["message"] = issue.message
            row["messageLang"] = "en"
            row["todo"] = v.t(issue.isWarning ? "hint_warning" : "hint_error")
        }
        return row
    }

    /// An issue's message and what to do, in the page's language, filled from its parameters.
    func catalogText(_ v: Visit, _ issue: DiagramIssue) -> (text: String, todo: String)? {
        guard let code = issue.code else { return nil }
        let m = DiagramMessages.message(code)
        var values = issue.params
        values["dinas"] = v.profile?.dinasName ?? "Diskominfo"
        guard let text = MessageTemplate.fill(m.text(v.lang), values), let todo = MessageTemplate.fill(m.todo(v.lang), values) else { return nil }
        return (text, todo)
    }

    func submit(_ req: Request, pd: String) async -> Response {
        let v0 = begin(req)
        let v: Visit, caller: AccessOperations.Caller
        switch gate(v0, pd: pd, action: "portal-submit", submitting: true) {
        case .refused(let r): return r
        case .ok(let visit, let c): (v, caller) = (visit, c)
        }
        guard let form = await smallForm(req) else { return errorPage(v, .contentTooLarge, v.t("csrf"), close: true) }
        if let refused = csrfRefusal(v, form, action: "portal-submit", pd: pd) { return refused }
        guard let pending = v.session.pending, pending.pd == pd, let id = form["upload"], constantTimeEqual(id, pending.id) else {
            return errorPage(v, .conflict, v.t("upload_gone"))
        }
        let by = String((form["by"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(120))
        guard !by.isEmpty else { return errorPage(v, .unprocessableContent, v.t("name_missing")) }
        let (diagrams, findings, limit, actor) = (self.diagrams, self.findings, settings.uploadLimit, caller.actor)
        let outcome = await parsing.run { () -> Result<(DiagramOperations.Submitted, Int?), any Error> in
            Result {
                let s = try diagrams.submit(pd: pd, pending.bytes, fileName: pending.fileName, submitter: by, channel: "portal",
                                            actor: actor, sizeLimit: limit)
                // The new diagram is held against the network at once; the submission stands either way.
                return (s, try? findings.reconcile(pd: pd).findings.count)
            }
        }
        guard let outcome else {
            var r = errorPage(v, .serviceUnavailable, v.t("busy"))
            r.headers[.retryAfter] = "5"
            return r
        }
        let submitted: DiagramOperations.Submitted, present: Int?
        do { (submitted, present) = try outcome.get() } catch { return failure(v, error) }
        sessions.setPending(v.session.id, nil)
        let s = submitted.submission
        var c = base(v, title: v.t("submitted_title"), nav: .submit, pd: pd)
        c["notice"] = v.t("submitted_notice", ["n": "\(s.version)"])
        c["pd"] = pd
        c["version"] = s.version
        c["at"] = when(v, s.submittedAt)
        c["by"] = s.submitter
        c["sha256"] = s.sha256
        let due = (try? duty.status(pd: pd).pds.first { $0.pd == pd })??.duty.dueDate
        c["due"] = due.map(\.description) ?? v.t("no_due")
        if let present { c["findings"] = "\(present)" }
        if let report = submitted.report {
            let lines = diffLines(v, report.diff).flatMap { $0["lines"] as? [String] ?? [] }
            if !lines.isEmpty { c["changes"] = ["lines": lines] }
        }
        return page(v, "submitted", c)
    }

    // MARK: History, diff, one version, its file, the draft

    func history(_ v: Visit, pd: String) throws -> Response {
        let all = try diagrams.history(pd: pd)
        var c = base(v, title: v.t("history_title") + " · \(pd)", nav: .history, pd: pd)
        c["pd"] = pd
        c["caption"] = v.t("history_caption", ["pd": pd])
        c["hasVersions"] = !all.isEmpty
        c["versions"] = all.reversed().map { s in
            ["pd": pd, "version": s.version, "at": when(v, s.submittedAt), "by": s.submitter, "fileName": s.fileName,
             "devices": s.diagram.devices.count, "sha256": s.sha256] as [String: Any]
        }
        c["canDiff"] = all.count >= 2
        let last = all.last?.version ?? 0
        c["fromOptions"] = all.map { ["v": $0.version, "selected": $0.version == last - 1] as [String: Any] }
        c["toOptions"] = all.map { ["v": $0.version, "selected": $0.version == last] as [String: Any] }
        return page(v, "history", c)
    }

    func diff(_ v: Visit, pd: String) throws -> Response {
        func version(_ key: String) -> Int?? {
            guard let text = v.req.uri.queryParameters.get(key) else { return .some(nil) }
            guard let n = Int(text), n >= 1 else { return nil }
            return .some(n)
        }
        guard let from = version("from"), let to = version("to") else { return errorPage(v, .badRequest, v.t("not_found")) }
        let compared = try diagrams.diff(pd: pd, from: from, to: to)
        var c = base(v, title: v.t("diff_page_title", ["a": "\(compared.from)", "b": "\(compared.to)"]), nav: .history, pd: pd)
        c["pd"] = pd
        let groups = diffLines(v, compared.diff)
        let count = groups.reduce(0) { $0 + (($1["lines"] as? [String])?.count ?? 0) }
        c["summary"] = count == 0 ? v.t("diff_none") : v.t("diff_count", ["n": "\(count)"])
        c["groups"] = groups
        return page(v, "diff", c)
    }

    /// A diagram diff in words, grouped: devices added, removed, changed; links; VLANs; segments.
    func diffLines(_ v: Visit, _ d: DiagramDiff) -> [[String: Any]] {
        func changed(_ items: [DiagramDiff.Changed]) -> [String] {
            items.map { item in
                "\(item.id): " + item.changes.map { "\($0.field) \(v.t("changed_from_to")) “\($0.old)” \(v.t("to_word")) “\($0.new)”" }
                    .joined(separator: "; ")
            }
        }
        var vlans = d.vlansAdded.map { "VLAN \($0) \(v.t("added"))" } + d.vlansRemoved.map { "VLAN \($0) \(v.t("removed"))" }
        vlans += changed(d.vlansChanged)
        let segments = d.segmentsAdded.map { "\($0) \(v.t("added"))" } + d.segmentsRemoved.map { "\($0) \(v.t("removed"))" }
            + changed(d.segmentsChanged)
        let other = d.otherChanges.map { "\($0.field) \(v.t("changed_from_to")) “\($0.old)” \(v.t("to_word")) “\($0.new)”" }
        let groups: [(String, [String])] = [
            ("diff_devices_added", d.devicesAdded), ("diff_devices_removed", d.devicesRemoved),
            ("diff_devices_changed", changed(d.devicesChanged)),
            ("diff_links_added", d.linksAdded), ("diff_links_removed", d.linksRemoved), ("diff_links_changed", changed(d.linksChanged)),
            ("diff_vlans", vlans), ("diff_segments", segments), ("diff_other", other),
        ]
        return groups.filter { !$0.1.isEmpty }.map { ["heading": v.t($0.0), "lines": $0.1] as [String: Any] }
    }

    func parseVersion(_ text: String) -> Int?? {
        if text == "latest" { return .some(nil) }
        guard let n = Int(text), n >= 1 else { return nil }
        return .some(n)
    }

    func version(_ v: Visit, pd: String, _ text: String) throws -> Response {
        guard let n = parseVersion(text) else { return errorPage(v, .notFound, v.t("not_found")) }
        let s = try diagrams.show(pd: pd, version: n).submission
        var c = base(v, title: v.t("version_title", ["n": "\(s.version)"]) + " · \(pd)", nav: .history, pd: pd)
        c["pd"] = pd
        c["version"] = s.version
        c["at"] = when(v, s.submittedAt)
        c["by"] = s.submitter
        c["fileName"] = s.fileName
        c["sha256"] = s.sha256
        c["deviceCount"] = s.diagram.devices.count
        c["linkCount"] = s.diagram.links.count
        c["devices"] = s.diagram.devices.map { ["name": $0.name ?? $0.id, "role": $0.role.rawValue, "ip": $0.managementIP ?? "—"] }
        c["links"] = s.diagram.links.map { ["a": $0.a.description, "b": $0.b.description] }
        return page(v, "version", c)
    }

    /// The file as submitted, as a download (never rendered by the browser).
    func file(_ v: Visit, pd: String, _ text: String) throws -> Response {
        guard let n = parseVersion(text) else { return errorPage(v, .notFound, v.t("not_found")) }
        let (s, content) = try diagrams.show(pd: pd, version: n, original: true)
        let ext = s.format == .drawio ? "drawio" : "yaml"
        var r = Response(status: .ok, headers: [.contentType: "application/octet-stream", .cacheControl: "no-store",
                                                .contentDisposition: "attachment; filename=\"\(pd.lowercased())-v\(s.version).\(ext)\""],
                         body: .init(byteBuffer: ByteBuffer(bytes: content ?? [])))
        finish(&r, v)
        return r
    }

    func draft(_ v: Visit, pd: String) throws -> Response {
        let d = try diagrams.draft(pd: pd)
        var r = Response(status: .ok, headers: [.contentType: "application/octet-stream", .cacheControl: "no-store",
                                                .contentDisposition: "attachment; filename=\"\(pd.lowercased())-draft.drawio\""],
                         body: .init(byteBuffer: ByteBuffer(string: DrawIO.export(d))))
        finish(&r, v)
        return r
    }

    // MARK: The audit bundle

    /// The period the home page's link asks for.
    static let bundlePeriod = "last-365d"

    /// The PD's audit bundle as one ZIP (CSV, JSON and the HTML report, with the manifest),
    /// made from one read snapshot on the upload queue, never on the threads answering pages.
    func auditBundle(_ req: Request, pd: String) async -> Response {
        let v = begin(req)
        switch gate(v, pd: pd, action: "portal-audit") {
        case .refused(let r): return r
        case .ok(let v, let caller):
            let period = req.uri.queryParameters.get("period").map { String($0) } ?? Self.bundlePeriod
            guard !period.isEmpty, period.count <= 64 else {
                return failure(v, OperationError(.invalid, "the period is not one of: \(ReportPeriod.syntax)"))
            }
            let archive = self.archive
            let outcome = await parsing.run { () -> Result<AuditArchive.Made, any Error> in
                Result { try archive.make(AuditExport.Request(period: period, pds: [pd]), formats: [.csv, .json, .html]) }
            }
            guard let outcome else {
                var r = errorPage(v, .serviceUnavailable, v.t("busy"))
                r.headers[.retryAfter] = "5"
                return r
            }
            switch outcome {
            case .failure(let error):
                access.audit(caller.actor, "portal-audit", pd, "invalid", "period \(period): \((error as? OperationError)?.message ?? "\(error)")")
                return failure(v, error)
            case .success(let made):
                access.audit(caller.actor, "portal-audit", pd, "ok", "audit bundle for \(made.result.scope.period) in the portal; \(made.manifest.files.count) files")
                var r = Response(status: .ok, headers: [.contentType: "application/zip", .cacheControl: "no-store",
                                                        .contentDisposition: "attachment; filename=\"\(made.fileName)\""],
                                 body: .init(byteBuffer: ByteBuffer(bytes: made.bytes)))
                finish(&r, v)
                return r
            }
        }
    }

    // MARK: Findings

    func findingsPage(_ v: Visit, pd: String) throws -> Response {
        let list = try findings.list(pd: pd).sorted { ($0.severity, $0.lastSeen) > ($1.severity, $1.lastSeen) }
        var c = base(v, title: v.t("findings_title") + " · \(pd)", nav: .findings, pd: pd)
        c["pd"] = pd
        c["hasFindings"] = !list.isEmpty
        let day = dateFormatter(v)
        let dinas = v.profile?.dinasName ?? "Diskominfo"
        c["findings"] = list.map { f in
            // The finding said again in the page's language from what it holds; its stored English when nothing fits.
            let said = FindingMessages.said(f, lang: v.lang, dinas: dinas)
            var row: [String: Any] = [
             "severity": f.severity.rawValue, "severityText": v.t(f.severity == .info ? "sev_info" : "issue_\(f.severity.rawValue)"), "code": f.code.rawValue,
             "label": v.lang == .id ? FindingCatalog.doc(f.code)?.label ?? f.code.rawValue : f.code.rawValue,
             "message": said?.text ?? f.message, "subject": f.subject.description, "status": v.t("status_\(f.status.rawValue)"),
             "firstSeen": when(v, f.firstSeen), "lastSeen": when(v, f.lastSeen), "basis": basisText(f.basis),
             "hasEvidence": !f.evidence.isEmpty,
             "evidence": f.evidence.map { e in
                 ["source": e.source, "when": e.lastSeen.map { day.string(from: $0) } ?? "",
                  "details": e.details.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")]
             }]
            if let said { row["todo"] = said.todo } else { row["messageLang"] = "en" }
            return row
        }
        return page(v, "findings", c)
    }

    // MARK: Diskominfo: the regency at a glance

    func regency(_ req: Request) -> Response {
        let v = begin(req)
        guard let caller = v.caller else { return redirect(v, to: "/") }
        guard case .diskominfo = caller.token.role else {
            access.audit(caller.actor, "portal-regency", nil, "refused", "portal: only Diskominfo reads every PD")
            return errorPage(v, .forbidden, v.t("forbidden"))
        }
        let report: DiagramStatusQueries.Report
        do { report = try duty.status() } catch { return failure(v, error) }
        access.audit(caller.actor, "portal-regency", nil, "ok", "all PDs read by Diskominfo in the portal")
        let sort = req.uri.queryParameters.get("sort").map { String($0) } ?? "state"
        func rank(_ s: PDDiagramStatus) -> Int {
            switch s.duty.state {
            case .overdue: 0
            case .neverSubmitted: 1
            case .current: 2
            case .notRequired: 3
            }
        }
        let far = LocalDate(year: 9999, month: 12, day: 31)
        let rows: [PDDiagramStatus] = switch sort {
        case "pd": report.pds.sorted { $0.pd < $1.pd }
        case "name": report.pds.sorted { ($0.name, $0.pd) < ($1.name, $1.pd) }
        case "latest": report.pds.sorted { ($0.duty.latest ?? far, $0.pd) < ($1.duty.latest ?? far, $1.pd) }
        case "due": report.pds.sorted { ($0.duty.dueDate ?? far, $0.pd) < ($1.duty.dueDate ?? far, $1.pd) }
        default: report.pds.sorted { (rank($0), $0.duty.dueDate ?? far, $0.pd) < (rank($1), $1.duty.dueDate ?? far, $1.pd) }
        }
        var c = base(v, title: v.t("regency_title"), nav: .regency)
        let late = report.pds.filter(\.duty.isFlagged).count
        c["summary"] = v.t("regency_summary", ["n": "\(report.pds.count)", "late": "\(late)"])
        let keys = ["pd": "col_pd", "name": "col_name", "state": "col_state", "latest": "col_latest", "due": "col_due"]
        c["columns"] = ["pd", "name", "state", "latest", "due"].map { ["key": $0, "label": v.t(keys[$0] ?? $0), "sorted": $0 == sort] as [String: Any] }
        c["rows"] = rows.map { r in
            let words = dutyWords(v, r.duty)
            var row: [String: Any] = ["pd": r.pd, "name": r.name, "stateText": words.text, "stateClass": words.cls,
                                      "latest": r.duty.latest?.description ?? v.t("none_yet"),
                                      "due": r.duty.dueDate?.description ?? v.t("no_due")]
            if let ver = r.latestVersion { row["version"] = ver }
            return row
        }
        return page(v, "regency", c)
    }
}

/// The template files and stylesheet in Sources/Portal/Templates, compiled into the binary.
enum PortalTemplateFiles {
    static let templates: [(String, [UInt8])] = [
        ("layout-head", PackageResources.layout_head_mustache), ("layout-foot", PackageResources.layout_foot_mustache),
        ("signin", PackageResources.signin_mustache), ("home", PackageResources.home_mustache),
        ("submit", PackageResources.submit_mustache), ("checked", PackageResources.checked_mustache),
        ("submitted", PackageResources.submitted_mustache), ("history", PackageResources.history_mustache),
        ("diff", PackageResources.diff_mustache), ("version", PackageResources.version_mustache),
        ("findings", PackageResources.findings_mustache), ("regency", PackageResources.regency_mustache),
        ("error", PackageResources.error_mustache),
    ]

    static var stylesheet: String { String(decoding: PackageResources.style_css, as: UTF8.self) }

    /// Every template, parsed once. Values are HTML-escaped by `{{name}}`; the templates never
    /// use the unescaped forms (`{{{name}}}`, `{{&name}}`), which a test checks.
    static func library() throws -> MustacheLibrary {
        var lib = MustacheLibrary()
        for (name, bytes) in templates { try lib.register(String(decoding: bytes, as: UTF8.self), named: name) }
        return lib
    }
}

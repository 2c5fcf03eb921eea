import Foundation
import Governance
import Hummingbird
import InventoryModel
import InventoryStore
import Storage
import Logging

/// Settings of the HTTP service for PD staff.
public struct SubmissionServiceSettings: Sendable {
    /// Address to bind; loopback by default so exposing it is a deliberate choice.
    public var host: String
    public var port: Int
    /// Largest accepted upload in bytes; larger requests are refused before the body is read.
    public var uploadLimit: Int
    /// What Pantau observed on a PD's LAN, for `GET …/draft`; nil when unavailable.
    public var observed: @Sendable (String) throws -> ObservedLAN
    public init(host: String = "127.0.0.1", port: Int = 8780, uploadLimit: Int = DiagramFile.defaultSizeLimit,
                observed: @escaping @Sendable (String) throws -> ObservedLAN = { pd in
                    throw DraftUnavailable(message: "no observations are available for \(pd) yet")
                }) {
        self.host = host
        self.port = port
        self.uploadLimit = uploadLimit
        self.observed = observed
    }
}

/// Observations for a draft cannot be supplied.
public struct DraftUnavailable: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// The HTTP API (JSON), every route behind a bearer token:
///
///     GET  /api/v1/status                         diagram status (own PD, or all for Diskominfo)
///     POST /api/v1/pds/{pd}/validate              check a diagram file, store nothing
///     POST /api/v1/pds/{pd}/diagrams?by=NAME      submit a diagram (PD token of that PD only)
///     GET  /api/v1/pds/{pd}/diagrams              version history
///     GET  /api/v1/pds/{pd}/diagrams/{version}    one version (?raw=1: the file as submitted)
///     GET  /api/v1/pds/{pd}/diff?from=V1&to=V2    what changed
///     GET  /api/v1/pds/{pd}/draft?format=drawio   draft of what Pantau observed (drawio, dot, yaml)
///
/// Tokens are looked up by SHA-256 and never logged. Submissions, refusals and reads of
/// another PD's data are written to the audit log.
public enum SubmissionService {
    public static func makeApplication(store: PantauStore, settings: SubmissionServiceSettings,
                                       now: @escaping @Sendable () -> Date = { Date() },
                                       logger: Logger = Logger(label: "pantau.submissions")) -> some ApplicationProtocol {
        let router = makeRouter(store: store, settings: settings, now: now)
        return Application(router: router, configuration: .init(address: .hostname(settings.host, port: settings.port)), logger: logger)
    }

    public static func makeRouter(store: PantauStore, settings: SubmissionServiceSettings,
                                  now: @escaping @Sendable () -> Date) -> Router<BasicRequestContext> {
        let api = API(store: store, settings: settings, now: now)
        let router = Router(context: BasicRequestContext.self)
        router.get("/api/v1/status") { req, _ in api.status(req) }
        router.post("/api/v1/pds/:pd/validate") { req, ctx in await api.upload(req, pd: ctx.parameters.get("pd") ?? "", store: false) }
        router.post("/api/v1/pds/:pd/diagrams") { req, ctx in await api.upload(req, pd: ctx.parameters.get("pd") ?? "", store: true) }
        router.get("/api/v1/pds/:pd/diagrams") { req, ctx in api.history(req, pd: ctx.parameters.get("pd") ?? "") }
        router.get("/api/v1/pds/:pd/diagrams/:version") { req, ctx in
            api.show(req, pd: ctx.parameters.get("pd") ?? "", version: ctx.parameters.get("version") ?? "")
        }
        router.get("/api/v1/pds/:pd/diff") { req, ctx in api.diff(req, pd: ctx.parameters.get("pd") ?? "") }
        router.get("/api/v1/pds/:pd/draft") { req, ctx in api.draft(req, pd: ctx.parameters.get("pd") ?? "") }
        return router
    }
}

/// JSON bodies of the API.
public enum APIBody {
    public struct Problem: Codable, Sendable { public var error: String; public var issues: [String]? }
    public struct Submitted: Codable, Sendable {
        public var pd: String
        public var version: Int
        public var sha256: String
        public var submittedAt: Date
        public var changes: String?
    }
    public struct Validated: Codable, Sendable { public var valid: Bool; public var issues: [String] }
    public struct Version: Codable, Sendable {
        public var pd: String
        public var version: Int
        public var submittedAt: Date
        public var submitter: String
        public var sha256: String
        public var format: String
        public var fileName: String
        public var devices: Int
        public var links: Int
    }
    public struct Status: Codable, Sendable { public var profile: String?; public var pds: [PDDiagramStatus] }
    public struct Shown: Codable, Sendable { public var meta: Version; public var diagram: String }
}

struct API: Sendable {
    let store: PantauStore
    let settings: SubmissionServiceSettings
    let now: @Sendable () -> Date

    struct Caller { var token: AccessToken; var actor: String }
    enum Gate { case ok(Caller), denied(Response) }

    func json(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        enc.dateEncodingStrategy = .iso8601
        let data = (try? enc.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    func problem(_ status: HTTPResponse.Status, _ message: String, issues: [String]? = nil) -> Response {
        json(status, APIBody.Problem(error: message, issues: issues))
    }

    func audit(_ actor: String, _ action: String, _ pd: String?, _ outcome: String, _ detail: String) {
        // An audit write failure must not be silent, but it must not leak into the response either.
        do { try store.appendAudit(AuditEntry(at: now(), actor: actor, action: action, pd: pd, outcome: outcome, detail: detail)) } catch {
            FileHandle.standardError.write(Data("pantau serve: cannot write audit log: \(error)\n".utf8))
        }
    }

    /// Resolves the bearer token, or returns the refusal response (and audits it).
    func authenticate(_ req: Request, action: String, pd: String?) -> Gate {
        guard let header = req.headers[.authorization], header.hasPrefix("Bearer "), header.count > 7 else {
            audit("anonymous", action, pd, "refused", "no bearer token")
            return .denied(problem(.unauthorized, "missing bearer token (Authorization: Bearer <token>)"))
        }
        let secret = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        let token: AccessToken?
        do { token = try store.token(sha256: TokenSecret.hash(secret)) } catch {
            return .denied(problem(.internalServerError, "store unavailable"))
        }
        guard let token else {
            audit("anonymous", action, pd, "refused", "unknown token")
            return .denied(problem(.unauthorized, "unknown token"))
        }
        let actor = "token #\(token.id) (\(token.role), \(token.label))"
        if let why = token.refusal(at: now()) {
            audit(actor, action, pd, "refused", why)
            return .denied(problem(.unauthorized, why))
        }
        return .ok(Caller(token: token, actor: actor))
    }

    /// Authenticates and checks read access to `pd`; Diskominfo reads are audited.
    func reader(_ req: Request, action: String, pd: String) -> Gate {
        switch authenticate(req, action: action, pd: pd) {
        case .denied(let r): return .denied(r)
        case .ok(let caller):
            guard caller.token.role.canRead(pd: pd) else {
                audit(caller.actor, action, pd, "refused", "token may not read PD \(pd)")
                return .denied(problem(.forbidden, "this token may not read PD \(pd)'s diagrams"))
            }
            if case .diskominfo = caller.token.role { audit(caller.actor, action, pd, "ok", "read by Diskominfo") }
            return .ok(caller)
        }
    }

    func status(_ req: Request) -> Response {
        guard case .ok(let caller) = authenticate(req, action: "status", pd: nil) else {
            if case .denied(let r) = authenticate(req, action: "status", pd: nil) { return r }
            return problem(.unauthorized, "unauthorized")
        }
        do {
            guard let profile = try store.activeProfile() else { return problem(.serviceUnavailable, "no regional profile is active") }
            var rows = profile.diagramStatus(registry: try store.registry(), latest: try store.latestSubmissions(),
                                             duties: try store.changeDuties(), now: now())
            if case .pd(let code) = caller.token.role { rows = rows.filter { $0.pd == code } } else {
                audit(caller.actor, "status", nil, "ok", "all PDs read by Diskominfo")
            }
            return json(.ok, APIBody.Status(profile: profile.id, pds: rows))
        } catch {
            return problem(.internalServerError, "\(error)")
        }
    }

    func upload(_ req: Request, pd: String, store keep: Bool) async -> Response {
        let action = keep ? "submit" : "validate"
        let caller: Caller
        switch authenticate(req, action: action, pd: pd) {
        case .denied(let r): return r
        case .ok(let c): caller = c
        }
        let allowed = keep ? caller.token.role.canSubmit(pd: pd) : caller.token.role.canRead(pd: pd)
        guard allowed else {
            audit(caller.actor, action, pd, "refused", "token may not \(action) for PD \(pd)")
            return problem(.forbidden, "this token may not \(action) diagrams for PD \(pd)")
        }
        // Refuse oversize uploads from the declared length, before reading the body.
        if let lengthText = req.headers[.contentLength], let length = Int(lengthText), length > settings.uploadLimit {
            audit(caller.actor, action, pd, "refused", "upload of \(length) bytes over the limit")
            return problem(.contentTooLarge, "upload is \(length) bytes; the limit is \(settings.uploadLimit) bytes")
        }
        let body: ByteBuffer
        do { body = try await req.body.collect(upTo: settings.uploadLimit) } catch {
            audit(caller.actor, action, pd, "refused", "upload over the limit")
            return problem(.contentTooLarge, "upload exceeds the limit of \(settings.uploadLimit) bytes")
        }
        let bytes = Array(buffer: body)
        let fileName = req.uri.queryParameters.get("filename").map { String($0.prefix(200)) } ?? "upload"
        let registry: PDRegistry?
        do { registry = try store.registry() } catch { return problem(.internalServerError, "store unavailable") }
        let (format, diagram, issues) = DiagramFile.check(bytes, fileName: fileName, registry: registry, expectedPD: pd,
                                                          sizeLimit: settings.uploadLimit)
        let issueText = issues.map(\.description)
        if !keep { return json(.ok, APIBody.Validated(valid: issues.isEmpty, issues: issueText)) }
        guard let diagram else {
            audit(caller.actor, action, pd, "invalid", "\(issues.count) problem(s); sha256 \(sha256Hex(bytes))")
            return problem(.unprocessableContent, "the diagram has \(issues.count) problem(s); nothing was stored", issues: issueText)
        }
        let by = req.uri.queryParameters.get("by").map { String($0.prefix(120)) } ?? caller.token.label
        do {
            let (stored, report) = try store.submit(NewSubmission(pd: pd, submitter: by, submittedAt: now(), format: format,
                                                                  fileName: fileName, channel: "http", content: bytes, diagram: diagram))
            audit(caller.actor, action, pd, "ok", "version \(stored.version) sha256 \(stored.sha256) by \(by)")
            return json(.created, APIBody.Submitted(pd: pd, version: stored.version, sha256: stored.sha256,
                                                    submittedAt: stored.submittedAt, changes: report?.diff.text))
        } catch {
            audit(caller.actor, action, pd, "error", "\(error)")
            return problem(.internalServerError, "could not store the diagram; nothing was stored")
        }
    }

    func meta(_ s: Submission) -> APIBody.Version {
        APIBody.Version(pd: s.pd, version: s.version, submittedAt: s.submittedAt, submitter: s.submitter, sha256: s.sha256,
                        format: s.format.rawValue, fileName: s.fileName, devices: s.diagram.devices.count, links: s.diagram.links.count)
    }

    func history(_ req: Request, pd: String) -> Response {
        switch reader(req, action: "history", pd: pd) {
        case .denied(let r): return r
        case .ok:
            do { return json(.ok, try store.submissions(pd: pd).map(meta)) } catch { return problem(.internalServerError, "\(error)") }
        }
    }

    func show(_ req: Request, pd: String, version: String) -> Response {
        switch reader(req, action: "show", pd: pd) {
        case .denied(let r): return r
        case .ok:
            let v: Int? = version == "latest" ? nil : Int(version)
            if v == nil && version != "latest" { return problem(.badRequest, "version must be a number or latest") }
            do {
                guard let s = try store.submission(pd: pd, version: v) else { return problem(.notFound, "PD \(pd) has no version \(version)") }
                if req.uri.queryParameters.get("raw") == "1", let content = try store.submissionContent(pd: pd, version: s.version) {
                    let type = s.format == .drawio ? "application/xml" : "application/yaml"
                    return Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(bytes: content)))
                }
                return json(.ok, APIBody.Shown(meta: meta(s), diagram: s.diagram.yamlText()))
            } catch { return problem(.internalServerError, "\(error)") }
        }
    }

    func diff(_ req: Request, pd: String) -> Response {
        switch reader(req, action: "diff", pd: pd) {
        case .denied(let r): return r
        case .ok:
            do {
                let all = try store.submissions(pd: pd)
                guard all.count >= 1 else { return problem(.notFound, "PD \(pd) has no diagrams") }
                let to = req.uri.queryParameters.get("to").flatMap { Int($0) } ?? all.last?.version ?? 1
                let from = req.uri.queryParameters.get("from").flatMap { Int($0) } ?? (to - 1)
                guard let a = all.first(where: { $0.version == from }), let b = all.first(where: { $0.version == to }) else {
                    return problem(.notFound, "PD \(pd) has versions 1-\(all.count); cannot diff \(from) and \(to)")
                }
                return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: DiagramDiff(from: a.diagram, to: b.diagram).text)))
            } catch { return problem(.internalServerError, "\(error)") }
        }
    }

    func draft(_ req: Request, pd: String) -> Response {
        switch reader(req, action: "draft", pd: pd) {
        case .denied(let r): return r
        case .ok:
            do {
                guard let profile = try store.activeProfile(), let registry = try store.registry(), registry[pd] != nil else {
                    return problem(.notFound, "PD \(pd) is not in the registry")
                }
                let observed: ObservedLAN
                do { observed = try settings.observed(pd) } catch { return problem(.serviceUnavailable, "\(error)") }
                let d = DiagramDraft.make(pd: pd, registry: registry, observed: observed, asOf: LocalDate(now(), in: profile.timeZone))
                let format = req.uri.queryParameters.get("format").map { String($0) } ?? "drawio"
                let (type, text): (String, String)
                switch format {
                case "drawio": (type, text) = ("application/xml", DrawIO.export(d))
                case "dot": (type, text) = ("text/vnd.graphviz", DOTExport.render(d))
                case "yaml": (type, text) = ("application/yaml", d.yamlText())
                default: return problem(.badRequest, "format must be drawio, dot or yaml")
                }
                return Response(status: .ok, headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(pd.lowercased())-draft.\(format)\""],
                                body: .init(byteBuffer: ByteBuffer(string: text)))
            } catch { return problem(.internalServerError, "\(error)") }
        }
    }
}

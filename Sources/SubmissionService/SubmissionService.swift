import Foundation
import Exports
import Governance
import Hummingbird
import HummingbirdCore
import HTTPTypes
import NIOCore
import InventoryModel
import Operations
import Reconciliation
import Storage
import Logging

/// Settings of the HTTP service for PD staff.
public struct SubmissionServiceSettings: Sendable {
    /// Address to bind; loopback by default so exposing it is a deliberate choice.
    public var host: String
    public var port: Int
    /// Largest accepted upload in bytes; larger requests are refused before the body is read.
    public var uploadLimit: Int
    /// Seconds a client has to send a request's head, from connecting (or the last response).
    public var headerTimeout: Double = 10
    /// Seconds a client has to send a request's body, from its head.
    public var bodyTimeout: Double = 60
    /// Seconds an idle kept-alive connection stays open.
    public var idleTimeout: Double = 30
    /// Most connections open at once; more wait to be accepted.
    public var maxConnections: Int = 256
    /// The browser that renders an audit bundle's report.pdf (`exports.chromium`); nil: no PDF served.
    public var chromium: String?
    public init(host: String = "127.0.0.1", port: Int = 8780, uploadLimit: Int = DiagramFile.defaultSizeLimit) {
        self.host = host
        self.port = port
        self.uploadLimit = uploadLimit
    }

    var connectionGuard: ConnectionGuard {
        ConnectionGuard(headerTimeout: .milliseconds(Int64(headerTimeout * 1000)), bodyTimeout: .milliseconds(Int64(bodyTimeout * 1000)),
                        idleTimeout: .milliseconds(Int64(idleTimeout * 1000)))
    }
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
///     GET  /api/v1/pds/{pd}/findings?all=1        the PD's reconciliation findings (all=1: resolved too)
///     GET  /api/v1/pds/{pd}/audit?period=P        the PD's audit bundle as a ZIP file (AuditRoute.swift)
///
/// A stored submission is reconciled at once (`FindingOperations.reconcile(pd:)`): its
/// response says how many findings the PD has then.
///
/// Tokens are looked up by SHA-256 and never logged. Submissions, refusals and reads of
/// another PD's data are written to the audit log.
public enum SubmissionService {
    /// The header in which the server hands each route the client's address (set by the
    /// connection guard; a client's own header of that name is replaced).
    public static var peerAddressHeader: HTTPField.Name { ConnectionGuard.peerAddress }

    /// The service as an application. `onListening` is called with the bound port once the
    /// server listens (not before: a bad address fails without a misleading "listening" line).
    public static func makeApplication(store: any PantauStorage, settings: SubmissionServiceSettings, clock: any WallClock = SystemClock(),
                                       logger: Logger = Logger(label: "pantau.submissions"),
                                       routes: (Router<BasicRequestContext>) -> Void = { _ in },
                                       onListening: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = makeRouter(store: store, settings: settings, clock: clock)
        routes(router)  // other front ends on the same service (the PD portal at /)
        return Application(router: router, server: server(settings),
                           configuration: .init(address: .hostname(settings.host, port: settings.port),
                                                availableConnectionsDelegate: MaximumAvailableConnections(settings.maxConnections)),
                           onServerRunning: { channel in await onListening(channel.localAddress?.port ?? settings.port) },
                           logger: logger)
    }

    /// HTTP/1.1 with the idle timeout and the connection guard (header and body deadlines,
    /// closing after error responses).
    public static func server(_ settings: SubmissionServiceSettings) -> HTTPServerBuilder {
        .http1(configuration: .init(additionalChannelHandlers: [settings.connectionGuard],
                                    idleTimeout: .milliseconds(Int64(settings.idleTimeout * 1000))))
    }

    public static func makeRouter(store: any PantauStorage, settings: SubmissionServiceSettings,
                                  clock: any WallClock) -> Router<BasicRequestContext> {
        let api = API(diagrams: DiagramOperations(store: store, clock: clock), access: AccessOperations(store: store, clock: clock),
                      findings: FindingOperations(store: store, clock: clock), settings: settings)
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: SecurityHeaders())  // first: it wraps every route and the not-found answer
        router.get("/api/v1/openapi.yaml") { _, _ in api.openAPI() }
        router.get("/api/v1/status") { req, _ in api.status(req) }
        router.post("/api/v1/pds/:pd/validate") { req, ctx in await api.upload(req, pd: ctx.parameters.get("pd") ?? "", store: false) }
        router.post("/api/v1/pds/:pd/diagrams") { req, ctx in await api.upload(req, pd: ctx.parameters.get("pd") ?? "", store: true) }
        router.get("/api/v1/pds/:pd/diagrams") { req, ctx in api.history(req, pd: ctx.parameters.get("pd") ?? "") }
        router.get("/api/v1/pds/:pd/diagrams/:version") { req, ctx in
            api.show(req, pd: ctx.parameters.get("pd") ?? "", version: ctx.parameters.get("version") ?? "")
        }
        router.get("/api/v1/pds/:pd/diff") { req, ctx in api.diff(req, pd: ctx.parameters.get("pd") ?? "") }
        router.get("/api/v1/pds/:pd/draft") { req, ctx in api.draft(req, pd: ctx.parameters.get("pd") ?? "") }
        router.get("/api/v1/pds/:pd/findings") { req, ctx in api.findings(req, pd: ctx.parameters.get("pd") ?? "") }
        AuditRoute(api: api, archive: AuditArchive(store: store, clock: clock), chromium: settings.chromium).register(router)
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
        /// What reconciliation will miss in the stored diagram; absent when nothing.
        public var warnings: [String]?
        /// The PD's findings present after the submission was reconciled (nil when reconciliation could not run).
        public var findings: Int?
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

/// The routes: authentication, permission and HTTP status here; every rule of the duty is
/// in the shared use cases (`DiagramOperations`, `AccessOperations`).
struct API: Sendable {
    let diagrams: DiagramOperations
    let access: AccessOperations
    let findings: FindingOperations
    let settings: SubmissionServiceSettings
    let parsing = BoundedWorkQueue(label: "pantau.diagram-parsing", capacity: 4)

    enum Gate { case ok(AccessOperations.Caller), denied(Response) }

    func json(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        enc.dateEncodingStrategy = .iso8601
        let data = (try? enc.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// An error response. It closes the connection (`Connection: close`), so nothing more of a
    /// refused request, such as the rest of an oversize upload, is read.
    func problem(_ status: HTTPResponse.Status, _ message: String, issues: [String]? = nil) -> Response {
        var r = json(status, APIBody.Problem(error: message, issues: issues))
        r.headers[.connection] = "close"
        return r
    }

    /// The response for a use case's refusal or a store failure (never its SQL or secrets).
    func failure(_ error: any Error) -> Response {
        guard let e = error as? OperationError else { return problem(.internalServerError, "\(error)") }
        let status: HTTPResponse.Status = switch e.kind {
        case .invalid: .unprocessableContent
        case .notFound: .notFound
        case .forbidden: .forbidden
        case .unavailable: .serviceUnavailable
        case .tooLarge: .contentTooLarge
        }
        return problem(status, e.message, issues: e.issues.isEmpty ? nil : e.issues)
    }

    func audit(_ actor: String, _ action: String, _ pd: String?, _ outcome: String, _ detail: String) {
        access.audit(actor, action, pd, outcome, detail)
    }

    /// Resolves the bearer token, or returns the refusal response (the refusal is audited).
    func authenticate(_ req: Request, action: String, pd: String?) -> Gate {
        do { return .ok(try access.authenticate(authorization: req.headers[.authorization], action: action, pd: pd)) } catch let e as OperationError {
            return .denied(problem(.unauthorized, e.message))
        } catch {
            return .denied(problem(.internalServerError, "store unavailable"))
        }
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
            do {
                guard try diagrams.store.registry()?[pd] != nil else { return .denied(problem(.notFound, "PD \(pd) is not in the registry")) }
            } catch { return .denied(failure(error)) }
            if case .diskominfo = caller.token.role { audit(caller.actor, action, pd, "ok", "read by Diskominfo") }
            return .ok(caller)
        }
    }

    func status(_ req: Request) -> Response {
        let caller: AccessOperations.Caller
        switch authenticate(req, action: "status", pd: nil) {
        case .denied(let r): return r
        case .ok(let c): caller = c
        }
        do {
            let report = try diagrams.status()
            var rows = report.pds
            if case .pd(let code) = caller.token.role { rows = rows.filter { $0.pd == code } } else {
                audit(caller.actor, "status", nil, "ok", "all PDs read by Diskominfo")
            }
            return json(.ok, APIBody.Status(profile: report.profile.id, pds: rows))
        } catch { return failure(error) }
    }

    func upload(_ req: Request, pd: String, store keep: Bool) async -> Response {
        let action = keep ? "submit" : "validate"
        let caller: AccessOperations.Caller
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
        let by = req.uri.queryParameters.get("by").map { String($0.prefix(120)) } ?? caller.token.label
        let (diagrams, findings, limit) = (self.diagrams, self.findings, settings.uploadLimit)
        do {
            // Reading a diagram is the service's one expensive step: it runs on the parsing
            // queue, off the threads that answer other requests, a bounded number at a time.
            let outcome: Result<Response, any Error>? = await parsing.run { () -> Result<Response, any Error> in
                Result {
                    if !keep {
                        let checked = try diagrams.validate(bytes, fileName: fileName, pd: pd, sizeLimit: limit)
                        if checked.limitExceeded, let over = checked.issues.first(where: \.limitExceeded) {
                            throw OperationError(.tooLarge, over.description)
                        }
                        return json(.ok, APIBody.Validated(valid: checked.valid, issues: checked.issues.map(\.description)))
                    }
                    let submitted = try diagrams.submit(pd: pd, bytes, fileName: fileName, submitter: by, channel: "http",
                                                        actor: caller.actor, sizeLimit: limit)
                    let stored = submitted.submission
                    // The new diagram is held against the network at once; the submission stands either way.
                    let present = try? findings.reconcile(pd: pd).findings.count
                    return json(.created, APIBody.Submitted(pd: pd, version: stored.version, sha256: stored.sha256,
                                                            submittedAt: stored.submittedAt, changes: submitted.report?.diff.text,
                                                            warnings: submitted.warnings.isEmpty ? nil : submitted.warnings.map(\.description),
                                                            findings: present))
                }
            }
            guard let outcome else {
                audit(caller.actor, action, pd, "refused", "busy: \(parsing.capacity) uploads already being read")
                var busy = problem(.serviceUnavailable, "the service is reading other uploads; try again in a few seconds")
                busy.headers[.retryAfter] = "5"
                return busy
            }
            return try outcome.get()
        } catch let e as OperationError {
            return failure(e)
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
            do { return json(.ok, try diagrams.history(pd: pd).map(meta)) } catch { return failure(error) }
        }
    }

    func show(_ req: Request, pd: String, version: String) -> Response {
        switch reader(req, action: "show", pd: pd) {
        case .denied(let r): return r
        case .ok:
            let v: Int? = version == "latest" ? nil : Int(version)
            if v == nil && version != "latest" { return problem(.badRequest, "version must be a number or latest") }
            do {
                let raw = req.uri.queryParameters.get("raw") == "1"
                let (s, content) = try diagrams.show(pd: pd, version: v, original: raw)
                if raw, let content {
                    let type = s.format == .drawio ? "application/xml" : "application/yaml"
                    return Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(bytes: content)))
                }
                return json(.ok, APIBody.Shown(meta: meta(s), diagram: s.diagram.yamlText()))
            } catch { return failure(error) }
        }
    }

    func diff(_ req: Request, pd: String) -> Response {
        switch reader(req, action: "diff", pd: pd) {
        case .denied(let r): return r
        case .ok:
            var versions: [String: Int] = [:]
            for key in ["from", "to"] {
                guard let text = req.uri.queryParameters.get(key) else { continue }
                guard let v = Int(text), v >= 1 else { return problem(.badRequest, "\(key) must be a version number (1, 2, ...)") }
                versions[key] = v
            }
            do {
                let c = try diagrams.diff(pd: pd, from: versions["from"], to: versions["to"])
                return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: c.diff.text)))
            } catch { return failure(error) }
        }
    }

    /// The PD's own findings (a PD token sees only its PD; Diskominfo reads are audited).
    func findings(_ req: Request, pd: String) -> Response {
        switch reader(req, action: "findings", pd: pd) {
        case .denied(let r): return r
        case .ok:
            let all = req.uri.queryParameters.get("all") == "1"
            do { return json(.ok, try findings.list(pd: pd, includeResolved: all)) } catch { return failure(error) }
        }
    }

    func draft(_ req: Request, pd: String) -> Response {
        switch reader(req, action: "draft", pd: pd) {
        case .denied(let r): return r
        case .ok:
            let format = req.uri.queryParameters.get("format").map { String($0) } ?? "drawio"
            guard ["drawio", "dot", "yaml"].contains(format) else { return problem(.badRequest, "format must be drawio, dot or yaml") }
            do {
                let d = try diagrams.draft(pd: pd)
                let (type, text): (String, String) = switch format {
                case "dot": ("text/vnd.graphviz", DOTExport.render(d))
                case "yaml": ("application/yaml", d.yamlText())
                default: ("application/xml", DrawIO.export(d))
                }
                return Response(status: .ok, headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(pd.lowercased())-draft.\(format)\""],
                                body: .init(byteBuffer: ByteBuffer(string: text)))
            } catch { return failure(error) }
        }
    }
}

extension API {
    /// The OpenAPI document, without a token: `openapi.yaml` beside this file, shipped in the
    /// target's resource bundle next to the executable.
    func openAPI() -> Response {
        guard let text = OpenAPIDocument.text else { return problem(.notFound, "the API document is not installed with this pantau") }
        return Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// The service's OpenAPI document (Sources/SubmissionService/openapi.yaml).
public enum OpenAPIDocument {
    /// The document, or nil when the resource bundle was not installed beside the executable.
    /// (Found by path rather than through `Bundle.module`, which stops the process when the
    /// bundle is missing.)
    public static let text: String? = {
        let name = "Pantau_SubmissionService.resources/openapi.yaml"
        var dirs = [Bundle.main.bundleURL, Bundle.main.executableURL?.deletingLastPathComponent()].compactMap { $0 }
        dirs += [URL(fileURLWithPath: CommandLine.arguments.first ?? ".").deletingLastPathComponent()]
        for dir in dirs {
            let url = dir.appendingPathComponent(name)
            if let data = FileManager.default.contents(atPath: url.path) { return String(decoding: data, as: UTF8.self) }
        }
        return nil
    }()
}

import Foundation
import Governance
import HTTPTypes
import Hummingbird
import InventoryModel
import Mustache
import NIOCore
import Exports
import Operations
import Storage

/// Settings of the PD portal.
public struct PortalSettings: Sendable {
    /// Largest diagram file accepted, as for the API.
    public var uploadLimit: Int
    /// Marks the cookies `Secure`: set when the portal is reached over TLS (a terminating proxy).
    public var secureCookies: Bool = false
    /// A signed-in session ends after this long without a page.
    public var sessionLifetime: Duration = .seconds(8 * 3600)
    /// Failed sign-ins allowed per client address in `signInWindow`; more are refused unread.
    public var signInAttempts: Int = 5
    public var signInWindow: Duration = .seconds(600)
    /// The request header in which the server puts the client's address (never the client's
    /// own header of that name: the server overwrites it). Nil: every client counts as one.
    public var clientAddressHeader: HTTPField.Name?
    /// Whether the PD's home page offers its audit bundle (`/pd/PD/audit.zip`, the last 12
    /// months, the same archive as `pantau export audit --archive` and the API's route).
    public var offersAuditBundle: Bool = true

    public init(uploadLimit: Int = DiagramFile.defaultSizeLimit, secureCookies: Bool = false) {
        self.uploadLimit = uploadLimit
        self.secureCookies = secureCookies
    }
}

/// The PD portal: server-rendered pages (mustache templates compiled into the binary) for PD
/// staff and Diskominfo, mounted on the HTTP service's router at `/` beside the API.
/// Everything it shows or stores goes through the shared use cases (`DiagramOperations`,
/// `AccessOperations`, `FindingOperations`); this type adds only sessions, forms, words and HTML.
public struct Portal: Sendable {
    let diagrams: DiagramOperations
    let duty: DiagramStatusQueries
    let access: AccessOperations
    let findings: FindingOperations
    let archive: AuditArchive
    let settings: PortalSettings
    let sessions: SessionStore
    let library: MustacheLibrary
    let css: String
    let parsing = BoundedWorkQueue(label: "pantau.portal-parsing", capacity: 4)

    public init(store: any PantauStorage, settings: PortalSettings, clock: any WallClock) throws {
        diagrams = DiagramOperations(store: store, clock: clock)
        duty = DiagramStatusQueries(store: store, clock: clock)
        access = AccessOperations(store: store, clock: clock)
        findings = FindingOperations(store: store, clock: clock)
        archive = AuditArchive(store: store, clock: clock)
        self.settings = settings
        sessions = SessionStore(lifetime: settings.sessionLifetime, attempts: settings.signInAttempts, window: settings.signInWindow)
        library = try PortalTemplateFiles.library()
        css = PortalTemplateFiles.stylesheet
    }

    /// Adds the portal's routes to `router` (the API's `/api/v1/...` routes stay as they are).
    public func mount(on router: Router<BasicRequestContext>) {
        router.get("/static/style.css") { _, _ in
            var r = Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                             body: .init(byteBuffer: ByteBuffer(string: css)))
            Self.secure(&r.headers)
            return r
        }
        router.get("/") { req, _ in root(req) }
        router.post("/signin") { req, _ in await signIn(req) }
        router.post("/signout") { req, _ in await signOut(req) }
        router.get("/regency") { req, _ in regency(req) }
        router.get("/pd/:pd") { req, ctx in pdPage(req, ctx, page: .home) }
        router.get("/pd/:pd/submit") { req, ctx in pdPage(req, ctx, page: .submitForm) }
        router.post("/pd/:pd/check") { req, ctx in await check(req, pd: ctx.parameters.get("pd") ?? "") }
        router.post("/pd/:pd/submit") { req, ctx in await submit(req, pd: ctx.parameters.get("pd") ?? "") }
        router.get("/pd/:pd/history") { req, ctx in pdPage(req, ctx, page: .history) }
        router.get("/pd/:pd/diff") { req, ctx in pdPage(req, ctx, page: .diff) }
        router.get("/pd/:pd/findings") { req, ctx in pdPage(req, ctx, page: .findings) }
        router.get("/pd/:pd/draft.drawio") { req, ctx in pdPage(req, ctx, page: .draft) }
        router.get("/pd/:pd/audit.zip") { req, ctx in await auditBundle(req, pd: ctx.parameters.get("pd") ?? "") }
        router.get("/pd/:pd/versions/:version") { req, ctx in pdPage(req, ctx, page: .version(ctx.parameters.get("version") ?? "")) }
        router.get("/pd/:pd/versions/:version/file") { req, ctx in pdPage(req, ctx, page: .file(ctx.parameters.get("version") ?? "")) }
    }

    // MARK: Headers and cookies

    /// Content-Security-Policy: nothing but this origin's stylesheet and forms; no script at all.
    static let csp = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    static func secure(_ h: inout HTTPFields) {
        h[.contentSecurityPolicy] = csp
        h[.xContentTypeOptions] = "nosniff"
        h[.frameOptions] = "DENY"
        h[.referrerPolicyField] = "no-referrer"
    }

    func cookie(_ name: String, _ value: String, maxAge: Int?) -> String {
        var c = "\(name)=\(value); Path=/; HttpOnly; SameSite=Strict"
        if let maxAge { c += "; Max-Age=\(maxAge)" }
        if settings.secureCookies { c += "; Secure" }
        return c
    }

    static func cookies(_ req: Request) -> [String: String] {
        var out: [String: String] = [:]
        for field in req.headers[values: .cookie] {
            for pair in field.split(separator: ";") {
                let kv = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if kv.count == 2, out[kv[0]] == nil { out[kv[0]] = kv[1] }
            }
        }
        return out
    }

    // MARK: The visit: session, language and words of one request

    struct Visit {
        var req: Request
        var session: PortalSession
        var lang: PortalLanguage
        var setCookies: [String] = []
        var texts: [String: String]
        var profile: RegionalProfile?
        var caller: AccessOperations.Caller? { session.caller }
        func t(_ key: String) -> String { texts[key] ?? key }
        func t(_ key: String, _ fills: [String: String]) -> String {
            var s = t(key)
            for (k, v) in fills { s = s.replacingOccurrences(of: "{\(k)}", with: v) }
            return s
        }
    }

    static let sessionCookie = "pantau_session"
    static let langCookie = "pantau_lang"

    func begin(_ req: Request) -> Visit {
        let jar = Self.cookies(req)
        var setCookies: [String] = []
        var session = sessions.session(jar[Self.sessionCookie])
        // A session outlives neither its token's revocation nor its expiry.
        if let s = session, let caller = s.caller {
            let live = (try? access.list())?.first { $0.id == caller.token.id }
            if live == nil || live?.refusal(at: access.clock.now()) != nil {
                sessions.remove(s.id)
                session = nil
            }
        }
        if session == nil {
            let s = sessions.create(caller: nil)
            setCookies.append(cookie(Self.sessionCookie, s.id, maxAge: nil))
            session = s
        }
        var lang = PortalLanguage.id
        if let q = req.uri.queryParameters.get("lang").flatMap({ PortalLanguage(rawValue: String($0)) }) {
            lang = q
            setCookies.append(cookie(Self.langCookie, q.rawValue, maxAge: 365 * 86400))
        } else if let c = jar[Self.langCookie].flatMap(PortalLanguage.init(rawValue:)) {
            lang = c
        } else if let accept = req.headers[.acceptLanguage] {
            lang = Self.preferred(acceptLanguage: accept)
        }
        let profile = try? diagrams.store.activeProfile()
        var texts = lang.texts
        let dinas = profile?.dinasName ?? "Diskominfo"
        for (k, v) in texts where v.contains("{dinas}") { texts[k] = v.replacingOccurrences(of: "{dinas}", with: dinas) }
        return Visit(req: req, session: session!, lang: lang, setCookies: setCookies, texts: texts, profile: profile)
    }

    /// Indonesian unless the browser ranks English above Indonesian.
    static func preferred(acceptLanguage: String) -> PortalLanguage {
        var best: (PortalLanguage, Double)?
        for item in acceptLanguage.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let tag = parts.first else { continue }
            var q = 1.0
            for p in parts.dropFirst() where p.hasPrefix("q=") { q = Double(p.dropFirst(2)) ?? 0 }
            let lang: PortalLanguage? = tag.hasPrefix("en") ? .en : (tag.hasPrefix("id") || tag.hasPrefix("in")) ? .id : nil
            if let lang, q > (best?.1 ?? -1) { best = (lang, q) }
        }
        return best?.0 ?? .id
    }

    // MARK: Rendering

    enum Nav: String { case home, submit, history, findings, regency, none }

    func base(_ v: Visit, title: String, nav current: Nav = .none, pd: String? = nil) -> [String: Any] {
        var c: [String: Any] = [
            "lang": v.lang.rawValue, "otherLang": v.lang.other.rawValue, "t": v.texts, "title": title, "csrf": v.session.csrf,
            "langHref": (v.req.method == .get ? v.req.uri.path : "/") + "?lang=\(v.lang.other.rawValue)",
        ]
        if let p = v.profile {
            c["regency"] = p.regency
            c["perbup"] = p.perbupShortName
        }
        if let caller = v.caller {
            c["signedIn"] = true
            var items: [(Nav, String, String)] = []
            switch caller.token.role {
            case .pd(let code):
                c["who"] = "PD \(code) · \(caller.token.label)"
                items = [(.home, "/pd/\(code)", v.t("nav_home")), (.submit, "/pd/\(code)/submit", v.t("nav_submit")),
                         (.history, "/pd/\(code)/history", v.t("nav_history")), (.findings, "/pd/\(code)/findings", v.t("nav_findings"))]
            case .diskominfo:
                c["who"] = "\(v.profile?.dinasName ?? "Diskominfo") · \(caller.token.label)"
                items = [(.regency, "/regency", v.t("nav_regency"))]
                if let pd {
                    items += [(.home, "/pd/\(pd)", "PD \(pd)"), (.history, "/pd/\(pd)/history", v.t("nav_history")),
                              (.findings, "/pd/\(pd)/findings", v.t("nav_findings"))]
                }
            }
            c["nav"] = items.map { ["href": $0.1, "label": $0.2, "current": $0.0 == current] as [String: Any] }
        }
        return c
    }

    func page(_ v: Visit, _ template: String, _ context: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let html = library.render(context, withTemplate: template) ?? ""
        var r = Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                         body: .init(byteBuffer: ByteBuffer(string: html)))
        finish(&r, v)
        return r
    }

    func finish(_ r: inout Response, _ v: Visit) {
        Self.secure(&r.headers)
        for c in v.setCookies { r.headers.append(HTTPField(name: .setCookie, value: c)) }
    }

    func redirect(_ v: Visit, to location: String) -> Response {
        var r = Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
        finish(&r, v)
        return r
    }

    func errorPage(_ v: Visit, _ status: HTTPResponse.Status, _ message: String, close: Bool = false) -> Response {
        var c = base(v, title: v.t("error_title"))
        c["message"] = message
        var r = page(v, "error", c, status: status)
        if close { r.headers[.connection] = "close" }
        return r
    }

    func failure(_ v: Visit, _ error: any Error) -> Response {
        guard let e = error as? OperationError else { return errorPage(v, .serviceUnavailable, v.t("store_error")) }
        switch e.kind {
        case .notFound: return errorPage(v, .notFound, v.t("not_found"))
        case .forbidden: return errorPage(v, .forbidden, v.t("forbidden"))
        case .tooLarge: return errorPage(v, .contentTooLarge, v.t("too_large", ["n": "\(settings.uploadLimit / 1024)"]), close: true)
        case .invalid: return errorPage(v, .unprocessableContent, e.message)
        case .unavailable: return errorPage(v, .serviceUnavailable, v.t("store_error"))
        }
    }

    // MARK: Sign in and out

    func root(_ req: Request) -> Response {
        let v = begin(req)
        switch v.caller?.token.role {
        case .pd(let code): return redirect(v, to: "/pd/\(code)")
        case .diskominfo: return redirect(v, to: "/regency")
        case nil: return signInPage(v, status: .ok, notice: req.uri.queryParameters.get("out") == "1" ? v.t("signed_out") : nil)
        }
    }

    func signInPage(_ v: Visit, status: HTTPResponse.Status, notice: String? = nil, alert: String? = nil) -> Response {
        var c = base(v, title: v.t("signin_title"))
        c["intro"] = v.t("signin_intro")
        if let notice { c["notice"] = notice }
        if let alert { c["alert"] = alert }
        return page(v, "signin", c, status: status)
    }

    func clientAddress(_ req: Request) -> String {
        settings.clientAddressHeader.flatMap { req.headers[$0] } ?? "unknown"
    }

    /// Reads a small urlencoded form; nil when it is too large.
    func smallForm(_ req: Request) async -> [String: String]? {
        guard let body = try? await req.body.collect(upTo: 16 * 1024) else { return nil }
        return FormBody.urlEncoded(Array(buffer: body))
    }

    /// The form's CSRF token against the session's; a mismatch is audited and refused.
    func csrfRefusal(_ v: Visit, _ form: [String: String], action: String, pd: String?) -> Response? {
        if let sent = form["csrf"], constantTimeEqual(sent, v.session.csrf) { return nil }
        access.audit(v.caller?.actor ?? "anonymous", action, pd, "refused", "portal form without a valid CSRF token from \(clientAddress(v.req))")
        return errorPage(v, .forbidden, v.t("csrf"))
    }

    func signIn(_ req: Request) async -> Response {
        var v = begin(req)
        guard let form = await smallForm(req) else { return errorPage(v, .contentTooLarge, v.t("csrf"), close: true) }
        if let refused = csrfRefusal(v, form, action: "portal-signin", pd: nil) { return refused }
        let address = clientAddress(req)
        guard sessions.mayTry(address) else {
            access.audit("anonymous", "portal-signin", nil, "refused", "too many failed sign-ins from \(address)")
            var r = signInPage(v, status: .tooManyRequests, alert: v.t("signin_limited"))
            r.headers[.retryAfter] = "\(Int(settings.signInWindow.components.seconds))"
            return r
        }
        let token = (form["token"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let caller: AccessOperations.Caller
        do {
            // Refusals (unknown, expired, revoked) are audited by the use case, as the API's are.
            caller = try access.authenticate(authorization: token.isEmpty ? nil : "Bearer \(token)", action: "portal-signin", pd: nil)
        } catch let e as OperationError where e.kind == .forbidden {
            sessions.recordFailure(address)
            return signInPage(v, status: .unauthorized, alert: v.t("signin_failed"))
        } catch {
            return failure(v, error)
        }
        // A new session id on sign-in: one seen before it (fixation) is worthless now.
        sessions.remove(v.session.id)
        let s = sessions.create(caller: caller)
        v.session = s
        v.setCookies.append(cookie(Self.sessionCookie, s.id, maxAge: Int(settings.sessionLifetime.components.seconds)))
        let pd: String? = if case .pd(let code) = caller.token.role { code } else { nil }
        access.audit(caller.actor, "portal-signin", pd, "ok", "portal session started from \(address)")
        return redirect(v, to: "/")
    }

    func signOut(_ req: Request) async -> Response {
        var v = begin(req)
        guard let form = await smallForm(req) else { return errorPage(v, .contentTooLarge, v.t("csrf"), close: true) }
        if let refused = csrfRefusal(v, form, action: "portal-signout", pd: nil) { return refused }
        if let caller = v.caller { access.audit(caller.actor, "portal-signout", nil, "ok", "portal session ended") }
        sessions.remove(v.session.id)
        v.setCookies.append(cookie(Self.sessionCookie, "", maxAge: 0))
        return redirect(v, to: "/?out=1")
    }

    // MARK: Access to a PD's pages

    enum Gate { case ok(Visit, AccessOperations.Caller), refused(Response) }

    /// Signed in, allowed to read `pd` (to submit, when `submitting`), and `pd` registered.
    func gate(_ v: Visit, pd: String, action: String, submitting: Bool = false) -> Gate {
        guard let caller = v.caller else { return .refused(redirect(v, to: "/")) }
        let allowed = submitting ? caller.token.role.canSubmit(pd: pd) : caller.token.role.canRead(pd: pd)
        guard allowed else {
            access.audit(caller.actor, action, pd, "refused", "portal: token may not \(submitting ? "submit for" : "read") PD \(pd)")
            return .refused(errorPage(v, .forbidden, v.t("forbidden")))
        }
        do {
            guard try diagrams.store.registry()?[pd] != nil else { return .refused(errorPage(v, .notFound, v.t("not_found"))) }
        } catch { return .refused(failure(v, error)) }
        if case .diskominfo = caller.token.role { access.audit(caller.actor, action, pd, "ok", "read by Diskominfo in the portal") }
        return .ok(v, caller)
    }

    enum PDPage { case home, submitForm, history, diff, findings, draft, version(String), file(String) }

    func pdPage(_ req: Request, _ ctx: BasicRequestContext, page which: PDPage) -> Response {
        let pd = ctx.parameters.get("pd") ?? ""
        let v = begin(req)
        let action: String = switch which {
        case .home: "portal-home"
        case .submitForm: "portal-submit"
        case .history: "portal-history"
        case .diff: "portal-diff"
        case .findings: "portal-findings"
        case .draft: "portal-draft"
        case .version, .file: "portal-show"
        }
        let submitting = if case .submitForm = which { true } else { false }
        switch gate(v, pd: pd, action: action, submitting: submitting) {
        case .refused(let r): return r
        case .ok(let v, let caller):
            do {
                switch which {
                case .home: return try home(v, caller, pd: pd)
                case .submitForm: return submitForm(v, pd: pd)
                case .history: return try history(v, pd: pd)
                case .diff: return try diff(v, pd: pd)
                case .findings: return try findingsPage(v, pd: pd)
                case .draft: return try draft(v, pd: pd)
                case .version(let n): return try version(v, pd: pd, n)
                case .file(let n): return try file(v, pd: pd, n)
                }
            } catch { return failure(v, error) }
        }
    }
}

extension HTTPField.Name {
    static let frameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicyField = HTTPField.Name("Referrer-Policy")!
}

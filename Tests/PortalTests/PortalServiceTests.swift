import Compression
import Foundation
import Governance
import InventoryModel
import InventoryStore
import InventoryTesting
import Operations
import Reconciliation
import Storage
import Testing

/// The portal's pages through the real `pantau serve` on loopback, as a browser without
/// JavaScript uses them (curl with a cookie jar): sessions, forms, CSRF, permissions, headers.
@Suite(.serialized) struct PortalServiceTests {
    static let stock = Lab.repo + "/Tests/GovernanceTests/Fixtures/drawio-templates/wireless_home_network.xml"
    static let yaml = Lab.repo + "/config/examples/bappeda-lan.yaml"

    /// A draw.io file under 1 MB whose 64 compressed pages would inflate to 512 MiB.
    static let bomb: [UInt8] = {
        let page = "<mxGraphModel><root><mxCell id=\"0\"/><mxCell id=\"1\" parent=\"0\" value=\""
            + String(repeating: "A", count: 8 * 1024 * 1024 - 200) + "\"/></root></mxGraphModel>"
        let encoded = page.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? page
        let b64 = Data((try? RawDeflate.deflate(Array(encoded.utf8))) ?? []).base64EncodedString()
        var file = "<mxfile>"
        for i in 1...64 { file += "<diagram id=\"p\(i)\" name=\"Page-\(i)\">\(b64)</diagram>" }
        return Array((file + "</mxfile>").utf8)
    }()

    func audit(_ s: PortalServer) throws -> [AuditEntry] { try PantauStore(path: s.store, access: .readOnly).auditLog() }

    func sha256(_ path: String) throws -> String {
        String(try run("/usr/bin/sha256sum", [path]).stdout.prefix(64))
    }

    /// Checks a page, uploads a file and submits it; returns the submitted page.
    func checkAndSubmit(_ c: CurlClient, pd: String, file: String, as name: String, by: String) throws -> (checked: CurlClient.Answer, done: CurlClient.Answer) {
        let form = try c.get("/pd/\(pd)/submit")
        #expect(form.status == 200)
        let csrf = try #require(CurlClient.field("csrf", in: form.body))
        let checked = try c.upload("/pd/\(pd)/check", csrf: csrf, file: file, as: name)
        let upload = try #require(CurlClient.field("upload", in: checked.body), "\(checked.status) \(checked.body)")
        let done = try c.post("/pd/\(pd)/submit", ["csrf": csrf, "upload": upload, "by": by])
        return (checked, done)
    }

    @Test func signInCheckSubmitHistoryDiffAndSignOut() async throws {
        let s = try await PortalServer(label: "portal-flow")
        defer { s.stop(); s.remove() }
        let c = CurlClient(s, name: "maria")
        let (stockSHA, yamlSHA) = (try sha256(Self.stock), try sha256(Self.yaml))
        let yamlText = try String(contentsOfFile: Self.yaml, encoding: .utf8)

        // The sign-in page and the headers every page carries.
        let first = try c.get("/")
        #expect(first.status == 200 && first.body.contains("Masuk ke portal PD") && first.body.contains("<html lang=\"id\">"))
        let csp = try #require(first.header("Content-Security-Policy").first)
        #expect(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline") && !csp.contains("script-src"))
        #expect(first.header("X-Content-Type-Options") == ["nosniff"] && first.header("X-Frame-Options") == ["DENY"])
        #expect(first.header("Referrer-Policy") == ["no-referrer"])
        let anonymousCookie = try #require(first.header("Set-Cookie").first { $0.hasPrefix("pantau_session=") })
        #expect(anonymousCookie.contains("HttpOnly") && anonymousCookie.contains("SameSite=Strict") && !anonymousCookie.contains("Secure"))

        // Sign in: a new session id, the PD's home with its duty and the article.
        let csrf0 = try #require(CurlClient.field("csrf", in: first.body))
        let signedIn = try c.post("/signin", ["csrf": csrf0, "token": s.bappeda])
        #expect(signedIn.status == 303 && signedIn.header("Location") == ["/"])
        let sessionCookie = try #require(signedIn.header("Set-Cookie").first { $0.hasPrefix("pantau_session=") })
        #expect(sessionCookie.prefix(80) != anonymousCookie.prefix(80) && sessionCookie.contains("Max-Age=28800"))
        let home = try c.request("/", ["-L"])
        #expect(home.status == 200 && home.body.contains("BAPPEDA · Badan Perencanaan"), "\(home.body)")
        #expect(home.body.contains("Belum pernah menyerahkan diagram") && home.body.contains("Perbup Manggarai 52/2021 Pasal 16 ayat (1)"))

        // A stock diagrams.net drawing: warnings in plain words naming shapes by their label, then submitted.
        let (checked, done) = try checkAndSubmit(c, pd: "BAPPEDA", file: Self.stock, as: "lan-bappeda.drawio", by: "Maria <Goreti>")
        #expect(checked.status == 200 && checked.body.contains("Berkas dapat diserahkan, tetapi bacalah peringatan"))
        #expect(checked.body.contains("Bentuk “Firewall”") && checked.body.contains("Yang perlu dilakukan"))
        #expect(checked.body.components(separatedBy: "class=\"issue issue-warning\"").count - 1 >= 3)
        #expect(done.status == 200 && done.body.contains("Diagram versi 1 sudah disimpan") && done.body.contains("Maria &lt;Goreti&gt;"))
        #expect(done.body.contains(stockSHA))
        let second = try checkAndSubmit(c, pd: "BAPPEDA", file: Self.yaml, as: "bappeda-lan.yaml", by: "Maria")
        #expect(second.done.status == 200 && second.done.body.contains("versi 2"), "\(second.done.body)")

        // History, the diff in words, a version, its file, the draft, the findings.
        let history = try c.get("/pd/BAPPEDA/history")
        #expect(history.status == 200 && history.body.contains(stockSHA) && history.body.contains(yamlSHA))
        #expect(history.body.contains("Maria &lt;Goreti&gt;") && history.body.contains("<select id=\"from\""))
        let diff = try c.get("/pd/BAPPEDA/diff?from=1&to=2")
        #expect(diff.status == 200 && diff.body.contains("Perubahan versi 1 ke 2") && diff.body.contains("Perangkat ditambahkan")
                && diff.body.contains("Perangkat dihapus"), "\(diff.body)")
        #expect(try c.get("/pd/BAPPEDA/diff?from=1&to=9").status == 404)
        let shown = try c.get("/pd/BAPPEDA/versions/1")
        #expect(shown.status == 200 && shown.body.contains("Firewall"))
        let raw = try c.get("/pd/BAPPEDA/versions/2/file")
        #expect(raw.status == 200 && raw.body == yamlText)
        #expect(raw.header("Content-Disposition").first?.hasPrefix("attachment") == true)
        let draft = try c.get("/pd/BAPPEDA/draft.drawio")
        #expect(draft.status == 200 && draft.body.contains("<mxfile") && draft.header("Content-Disposition").first?.contains("bappeda-draft.drawio") == true)
        #expect(try c.get("/pd/BAPPEDA/findings").status == 200)
        let homeAfter = try c.get("/pd/BAPPEDA")
        #expect(homeAfter.body.contains("Diagram masih berlaku") && homeAfter.body.contains("Versi 2"))
        // The PD's audit bundle: the link on its home page, one ZIP, the download audit-logged.
        #expect(homeAfter.body.contains("href=\"/pd/BAPPEDA/audit.zip?period=last-365d\""))
        let zipPath = NSTemporaryDirectory() + "portal-bundle-\(UUID().uuidString).zip"
        defer { unlink(zipPath) }
        let bundle = try c.request("/pd/BAPPEDA/audit.zip?period=last-30d", ["-o", zipPath])
        #expect(bundle.status == 200 && bundle.header("Content-Type").first == "application/zip", "\(bundle.status)")
        #expect(bundle.header("Content-Disposition").first?.contains("pantau-audit-BAPPEDA") == true)
        let listing = try run("/usr/bin/unzip", ["-l", zipPath]).stdout
        #expect(listing.contains("manifest.json") && listing.contains("report.html") && listing.contains("findings.csv"), Comment(rawValue: listing))
        let bad = try c.get("/pd/BAPPEDA/audit.zip?period=someday")
        #expect(bad.status == 422 && bad.body.contains("someday"), "\(bad.status) \(bad.body.prefix(300))")
        #expect(try audit(s).contains { $0.action == "portal-audit" && $0.pd == "BAPPEDA" && $0.outcome == "ok" })

        // Findings: the PD's own, read-only, with evidence and basis; another PD's never shown.
        let at = Date()
        let detections = [
            Detection(code: .unregisteredDevice, pd: "BAPPEDA", subject: FindingSubject(device: "sw-<b>rogue</b>", address: "10.21.0.99"),
                      message: "sw-<b>rogue</b> answers on the PD's LAN but is in no submitted diagram",
                      evidence: [Evidence(source: "lldp", firstSeen: at, lastSeen: at, details: ["port": "Gi1/0/3", "seen_by": "sw-core"])]),
            Detection(code: .unregisteredDevice, pd: "DINKES", subject: FindingSubject(device: "sw-dinkes-secret"),
                      message: "sw-dinkes-secret is undeclared", evidence: [Evidence(source: "snmp", firstSeen: at, lastSeen: at)]),
        ]
        try FindingOperations(store: try PantauStore(path: s.store), clock: SystemClock()).record(detections, codes: [.unregisteredDevice])
        let found = try c.get("/pd/BAPPEDA/findings")
        #expect(found.status == 200 && found.body.contains("unregistered-device") && found.body.contains("sw-&lt;b&gt;rogue&lt;/b&gt;"))
        #expect(found.body.contains("port=Gi1/0/3") && found.body.contains("Pasal") && !found.body.contains("sw-<b>"))
        #expect(!found.body.contains("sw-dinkes-secret"))
        // Said in Bahasa Indonesia from what the finding holds, with what to do; English on request.
        #expect(found.body.contains("<p>Perangkat “sw-&lt;b&gt;rogue&lt;/b&gt;” terlihat di jaringan PD (lewat LLDP), tetapi tidak ada di diagram PD.</p>"),
                "\(found.body)")
        #expect(found.body.contains("Tambahkan perangkat itu ke diagram") && found.body.contains("Perangkat tidak terdaftar"))
        #expect(!found.body.contains("lang=\"en\">sw-") && !found.body.contains("is in no submitted diagram"))
        let foundEN = try c.get("/pd/BAPPEDA/findings?lang=en")
        #expect(foundEN.body.contains("<p>Device “sw-&lt;b&gt;rogue&lt;/b&gt;” is seen on the PD&#39;s network (by LLDP) but is not in the PD&#39;s diagram.</p>"),
                "\(foundEN.body)")
        #expect(try c.get("/pd/BAPPEDA?lang=id").status == 200)
        let counted = try c.get("/pd/BAPPEDA")
        #expect(counted.body.contains("<li class=\"sev sev-warning\"><span class=\"n\">1</span>") ||
                counted.body.contains("<li class=\"sev sev-error\"><span class=\"n\">1</span>"), "\(counted.body)")

        // A decompression bomb is refused as the API refuses it (413, the connection closed), and the portal still answers.
        let bomb = s.dir + "/bomb.drawio"
        try Data(Self.bomb).write(to: URL(fileURLWithPath: bomb))
        let formCSRF = try #require(CurlClient.field("csrf", in: try c.get("/pd/BAPPEDA/submit").body))
        let bombed = try c.upload("/pd/BAPPEDA/check", csrf: formCSRF, file: bomb, as: "bomb.drawio")
        #expect(bombed.status == 413 && bombed.header("Connection") == ["close"] && bombed.body.contains("terlalu besar atau terlalu rumit"))
        #expect(try c.get("/pd/BAPPEDA").status == 200)

        // English on request, kept by a cookie.
        let english = try c.get("/pd/BAPPEDA?lang=en")
        #expect(english.body.contains("<html lang=\"en\">") && english.body.contains("Sign out") && english.body.contains("The diagram is current"))
        let historyEN = try c.get("/pd/BAPPEDA/history")
        #expect(historyEN.body.contains("Diagram history"))
        let fresh = try CurlClient(s, name: "fresh").request("/", ["-H", "Accept-Language: en-GB,en;q=0.9"])
        #expect(fresh.body.contains("Sign in to the PD portal"))

        // Sign out: the session is gone.
        let csrf = try #require(CurlClient.field("csrf", in: homeAfter.body))
        let out = try c.post("/signout", ["csrf": csrf])
        #expect(out.status == 303 && out.header("Location") == ["/?out=1"])
        let after = try c.get("/pd/BAPPEDA")
        #expect(after.status == 303 && after.header("Location") == ["/"])

        // The token never reached a page or the log; sign-in, submissions and sign-out are audited.
        for page in [first, home, checked, done, history, diff, shown, english, homeAfter] { #expect(!page.body.contains(s.bappeda)) }
        #expect(!s.process.log.contains(s.bappeda))
        let log = try audit(s)
        #expect(log.contains { $0.action == "portal-signin" && $0.outcome == "ok" && $0.pd == "BAPPEDA" && $0.detail.contains("127.0.0.1") })
        #expect(log.filter { $0.action == "submit" && $0.outcome == "ok" && $0.pd == "BAPPEDA" }.count == 2)
        #expect(log.contains { $0.action == "portal-signout" })
        let cli = try PortalServer.pantau(["diagram", "history", "--pd", "BAPPEDA"], store: s.store)
        #expect(cli.stdout.contains("via portal"), "\(cli.stdout)")
    }

    /// The check page's list of issues.
    static func issueList(_ body: String) -> Substring {
        guard let start = body.range(of: "<ol class=\"issues\">"), let end = body[start.upperBound...].range(of: "</ol>") else { return "" }
        return body[start.lowerBound..<end.upperBound]
    }

    /// The checks' messages from the catalog: Bahasa Indonesia by default, English on request,
    /// naming the device or the shape by its label, with what to do.
    @Test func checkMessagesAreInTheReadersLanguage() async throws {
        let s = try await PortalServer(label: "portal-messages")
        defer { s.stop(); s.remove() }
        let c = CurlClient(s, name: "maria")
        #expect(try c.signIn(s.bappeda).status == 200)
        let text = try String(contentsOfFile: Self.yaml, encoding: .utf8)
        #expect(text.contains("management_ip: 10.21.0.2\n"), "fixture drifted")
        let bad = s.dir + "/bad.yaml"
        try text.replacingOccurrences(of: "management_ip: 10.21.0.2\n", with: "management_ip: 10.21.0.300\n")
            .write(toFile: bad, atomically: true, encoding: .utf8)
        func check(_ file: String, as name: String) throws -> CurlClient.Answer {
            let csrf = try #require(CurlClient.field("csrf", in: try c.get("/pd/BAPPEDA/submit").body))
            return try c.upload("/pd/BAPPEDA/check", csrf: csrf, file: file, as: name)
        }

        let id = try check(bad, as: "bad.yaml")
        #expect(id.status == 422 && id.body.contains("Berkas belum dapat diserahkan"))
        #expect(id.body.contains("<p>Perangkat “sw-core” memiliki alamat IP manajemen “10.21.0.300” yang tidak sah.</p>"), "\(id.body)")
        #expect(id.body.contains("Tulis alamat IP yang benar, misalnya 10.21.0.2.") && id.body.contains("baris 23"))
        #expect(Self.issueList(id.body).contains("“sw-core”") && !Self.issueList(id.body).contains("lang=\"en\""))
        #expect(!id.body.contains("is not an IP address"))
        let stock = try check(Self.stock, as: "lan.drawio")
        #expect(stock.status == 200 && stock.body.contains("Router batas belum ditandai; Pantau menganggap “Firewall”"), "\(stock.body)")
        #expect(Self.issueList(stock.body).contains("“Firewall”") && !Self.issueList(stock.body).contains("lang=\"en\""))
        #expect(!stock.body.contains("reconciliation"))

        // English on request: the same check in English, the page marked so.
        #expect(try c.get("/pd/BAPPEDA/submit?lang=en").body.contains("<html lang=\"en\">"))
        let en = try check(bad, as: "bad.yaml")
        #expect(en.status == 422 && en.body.contains("<p>Device “sw-core” has a management IP address “10.21.0.300” that is not valid.</p>"), "\(en.body)")
        #expect(en.body.contains("Write a correct IP address, e.g. 10.21.0.2.") && en.body.contains("line 23") && !en.body.contains("tidak sah"))
        let stockEN = try check(Self.stock, as: "lan.drawio")
        #expect(stockEN.body.contains("No boundary router is marked; Pantau takes “Firewall”"), "\(stockEN.body)")

        // The API keeps its English messages.
        let api = try run("/usr/bin/curl", ["-s", "-H", "Authorization: Bearer \(s.bappeda)", "--data-binary", "@\(bad)",
                                           "http://127.0.0.1:\(s.port)/api/v1/pds/BAPPEDA/validate?filename=bad.yaml"])
        #expect(api.stdout.contains("10.21.0.300") && api.stdout.contains("is not an IP address"), "\(api.stdout)")
    }

    /// Every answer of the service carries the security headers: a page, the API, and a path no route knows.
    @Test func everyAnswerCarriesTheSecurityHeaders() async throws {
        let s = try await PortalServer(label: "portal-headers")
        defer { s.stop(); s.remove() }
        let c = CurlClient(s, name: "anyone")
        for (path, status) in [("/no/such/page", 404), ("/api/v1/no-such", 404), ("/api/v1/status", 401), ("/", 200), ("/pd/BAPPEDA", 303),
                               ("/api/v1/openapi.yaml", 200)] {
            let r = try c.get(path)
            #expect(r.status == status, "\(path): \(r.status)")
            let csp = try #require(r.header("Content-Security-Policy").first, "\(path) has no CSP")
            #expect(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"), "\(path): \(csp)")
            #expect(r.header("X-Content-Type-Options") == ["nosniff"] && r.header("Referrer-Policy") == ["no-referrer"], "\(path)")
            #expect(r.header("X-Frame-Options") == ["DENY"], "\(path)")
        }
        // The portal's pages keep their own policy (their stylesheet), once.
        let page = try c.get("/")
        #expect(page.header("Content-Security-Policy").count == 1 && page.header("Content-Security-Policy").first?.contains("style-src 'self'") == true)
        let posted = try c.request("/no/such/page", ["--data", "x=1"])
        #expect(posted.status == 404 && posted.header("X-Content-Type-Options") == ["nosniff"])
    }

    @Test func otherPDsPagesCSRFLimitsAndFailedSignInsAreRefused() async throws {
        let s = try await PortalServer(label: "portal-refusals", extra: ["--upload-limit", "4096"])
        defer { s.stop(); s.remove() }
        // DINKES submitted through the API's own use case (the CLI), so there is something to hide.
        let sub = try run(Lab.pantauBinary, ["diagram", "submit", "--pd", "DINKES", Lab.repo + "/config/examples/dinkes-compressed.drawio",
                                             "--by", "Yosef", "--store", s.store], timeout: 60)
        #expect(sub.status == 0, "\(sub.stderr)")
        let a = CurlClient(s, name: "bappeda")
        let home = try a.signIn(s.bappeda)
        #expect(home.status == 200 && home.body.contains("BAPPEDA"))
        let csrf = try #require(CurlClient.field("csrf", in: home.body))

        // PD A's session on PD B's pages: refused, and audited.
        for path in ["/pd/DINKES", "/pd/DINKES/submit", "/pd/DINKES/history", "/pd/DINKES/diff?from=1&to=1", "/pd/DINKES/findings",
                     "/pd/DINKES/draft.drawio", "/pd/DINKES/audit.zip", "/pd/DINKES/versions/1", "/pd/DINKES/versions/1/file", "/regency", "/pd/NOSUCH"] {
            let r = try a.get(path)
            #expect(r.status == 403 && !r.body.contains("Yosef") && r.body.contains("tidak berhak"), "\(path): \(r.status)")
        }
        #expect(try a.upload("/pd/DINKES/check", csrf: csrf, file: Self.yaml, as: "x.yaml").status == 403)
        #expect(try a.post("/pd/DINKES/submit", ["csrf": csrf, "upload": "x", "by": "x"]).status == 403)
        #expect(try audit(s).contains { $0.action == "portal-history" && $0.pd == "DINKES" && $0.outcome == "refused" })

        // Forms without their CSRF token (or with another session's) are refused.
        #expect(try a.upload("/pd/BAPPEDA/check", csrf: nil, file: Self.yaml, as: "x.yaml").status == 403)
        let otherCSRF = try #require(CurlClient.field("csrf", in: try CurlClient(s, name: "other").get("/").body))
        #expect(otherCSRF != csrf)
        #expect(try a.upload("/pd/BAPPEDA/check", csrf: otherCSRF, file: Self.yaml, as: "x.yaml").status == 403)
        #expect(try a.post("/pd/BAPPEDA/submit", ["upload": "x", "by": "x"]).status == 403)
        let noCSRF = try a.request("/signout", ["--data", "by=x"])
        #expect(noCSRF.status == 403 && noCSRF.body.contains("Formulir ini kedaluwarsa"))
        #expect(try a.get("/pd/BAPPEDA").status == 200, "a refused sign-out must not sign out")
        #expect(try CurlClient(s, name: "x").post("/signin", ["token": s.bappeda]).status == 403)
        #expect(try audit(s).contains { $0.outcome == "refused" && $0.detail.contains("CSRF") })

        // The API's upload limit: refused from the declared length, the connection closed.
        let big = s.dir + "/big.yaml"
        try String(repeating: "# padding\n", count: 4000).write(toFile: big, atomically: true, encoding: .utf8)
        let tooBig = try a.upload("/pd/BAPPEDA/check", csrf: csrf, file: big, as: "big.yaml")
        #expect(tooBig.status == 413 && tooBig.header("Connection") == ["close"] && tooBig.body.contains("melebihi batas 4 KB"))

        // Diskominfo: every PD, overdue and never-submitted first; any PD's pages; no submitting.
        let d = CurlClient(s, name: "noc")
        let regency = try d.signIn(s.diskominfo)
        #expect(regency.status == 200 && regency.body.contains("Status diagram semua PD"), "\(regency.body)")
        let dinkesRow = try #require(regency.body.range(of: ">DINKES</td>")), bappedaRow = try #require(regency.body.range(of: ">BAPPEDA</td>"))
        #expect(bappedaRow.lowerBound < dinkesRow.lowerBound, "never submitted before current")
        let byPD = try d.get("/regency?sort=pd").body
        #expect(byPD.range(of: ">BAPPEDA</td>")!.lowerBound < byPD.range(of: ">DINKES</td>")!.lowerBound)
        #expect(try d.get("/pd/DINKES/history").body.contains("Yosef"))
        #expect(try d.get("/pd/DINKES/versions/latest").status == 200)
        #expect(try d.get("/pd/DINKES/submit").status == 403)
        #expect(try d.get("/pd/NOSUCH").status == 404)

        // Revoking a token ends its sessions at the next page.
        let tokens = try PortalServer.pantau(["token", "list"], store: s.store).stdout
        let nocLine = try #require(tokens.split(separator: "\n").first { $0.contains("NOC") })
        let nocID = try #require(nocLine.split(whereSeparator: { !$0.isNumber }).first.map(String.init))
        #expect(try PortalServer.pantau(["token", "revoke", nocID], store: s.store).status == 0)
        let revoked = try d.get("/regency")
        #expect(revoked.status == 303 && revoked.header("Location") == ["/"], "\(tokens)")

        // Failed sign-ins: refused and audited; past five from one address, refused unread.
        let x = CurlClient(s, name: "guess")
        let page = try x.get("/")
        let guessCSRF = try #require(CurlClient.field("csrf", in: page.body))
        for i in 0..<5 {
            let r = try x.post("/signin", ["csrf": guessCSRF, "token": "guess-\(i)"])
            #expect(r.status == 401 && r.body.contains("Token tidak dikenal"))
        }
        let limited = try x.post("/signin", ["csrf": guessCSRF, "token": s.bappeda])
        #expect(limited.status == 429 && limited.header("Retry-After") == ["600"])
        let log = try audit(s)
        #expect(log.filter { $0.action == "portal-signin" && $0.outcome == "refused" && $0.detail == "unknown token" }.count == 5)
        #expect(log.contains { $0.action == "portal-signin" && $0.detail.contains("too many failed sign-ins from 127.0.0.1") })
        #expect(!s.process.log.contains(s.bappeda) && !s.process.log.contains("guess-"))
    }
}

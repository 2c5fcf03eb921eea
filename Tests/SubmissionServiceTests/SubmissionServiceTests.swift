import Compression
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Governance
import Hummingbird
import HummingbirdTesting
import InventoryModel
import InventoryStore
import Storage
import Testing
@testable import SubmissionService

@Suite("Submission service over loopback")
struct SubmissionServiceTests {
    static let repo: String = {
        if let r = ProcessInfo.processInfo.environment["PANTAU_REPO"], !r.isEmpty { return r }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }()

    struct Fixture {
        var dir: String
        var store: PantauStore
        var bappeda: String
        var dinkes: String
        var diskominfo: String
        var expired: String
        var revoked: String
    }

    /// A real SQLite store with the example registry, the Manggarai profile and tokens.
    func fixture() throws -> Fixture {
        let dir = NSTemporaryDirectory() + "pantau-http-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let store = try PantauStore(path: "\(dir)/pantau.sqlite")
        let profile = try RegionalProfile.load(path: "\(Self.repo)/config/profiles/manggarai.yaml")
        let t0 = Date(timeIntervalSince1970: 1_700_000_000)
        try store.activate(profile: profile, by: "test", at: t0)
        try store.saveRegistry(try PDRegistry.load(path: "\(Self.repo)/config/registry.example.yaml", profile: profile), source: "x", at: t0)
        func token(_ role: AccessRole, expires: Date? = nil) throws -> (String, Int64) {
            let t = TokenSecret.generate()
            let id = try store.addToken(sha256: TokenSecret.hash(t), role: role, label: "\(role)", at: t0, expires: expires)
            return (t, id)
        }
        let (revoked, revokedID) = try token(.pd("BAPPEDA"))
        _ = try store.revokeToken(id: revokedID, at: t0)
        return Fixture(dir: dir, store: store, bappeda: try token(.pd("BAPPEDA")).0, dinkes: try token(.pd("DINKES")).0,
                       diskominfo: try token(.diskominfo).0, expired: try token(.pd("BAPPEDA"), expires: t0.addingTimeInterval(60)).0,
                       revoked: revoked)
    }

    /// What SNMP collection recorded for Bappeda: its router, linked by LLDP to its core switch.
    /// Drafts are built from the store's inventories, as `pantau diagram draft` builds them.
    func recordBappedaInventories(_ store: PantauStore) throws {
        let at = Date(timeIntervalSince1970: 1_705_000_000)
        var router = DeviceInventory(agent: "udp:10.21.0.1:161", polledAt: at)
        router.sysName = "rtr-bappeda"
        router.sysDescr = "RouterOS RB4011iGS+"
        router.family = "routeros"
        router.vendor = "MikroTik"
        var lldp = Neighbor(protocol: .lldp)
        lldp.localPort = "ether2"
        lldp.remoteSysName = "sw-core"
        lldp.remotePort = "Gi1/0/24"
        router.neighbors = [lldp]
        var sw = DeviceInventory(agent: "udp:10.21.0.2:161", polledAt: at)
        sw.sysName = "sw-core"
        sw.sysDescr = "Cisco IOS Software, C2960X switch"
        sw.forwarding = [ForwardingEntry(mac: "00:11:22:33:44:55", vlan: 30, ifIndex: 24)]
        for inv in [router, sw] {
            try store.record(PollOutcome(name: inv.sysName ?? "", agent: inv.agent, pd: "BAPPEDA", startedAt: at, duration: 0.1,
                                         result: .success(inv)))
        }
    }

    func app(_ f: Fixture, limit: Int = 64 * 1024, settings: SubmissionServiceSettings? = nil) -> some ApplicationProtocol {
        var settings = settings ?? SubmissionServiceSettings(uploadLimit: limit)
        settings.port = 0
        return SubmissionService.makeApplication(store: f.store, settings: settings, clock: FixedClock(Date(timeIntervalSince1970: 1_710_000_000)))
    }

    func auth(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    func file(_ rel: String) throws -> ByteBuffer {
        ByteBuffer(bytes: try Data(contentsOf: URL(fileURLWithPath: "\(Self.repo)/\(rel)")))
    }

    @Test func pdSubmitsAndReadsItsOwnDiagrams() async throws {
        let f = try fixture()
        defer { try? FileManager.default.removeItem(atPath: f.dir) }
        try await app(f).test(.live) { live in
            let client = try LoopbackClient(live)
            let yaml = try file("config/examples/bappeda-lan.yaml")
            let ok = try await client.execute(uri: "/api/v1/pds/BAPPEDA/validate", method: .post, headers: auth(f.bappeda), body: yaml)
            #expect(ok.status == .ok)
            #expect(String(buffer: ok.body).contains("\"valid\" : true"))
            let sub = try await client.execute(uri: "/api/v1/pds/BAPPEDA/diagrams?by=Maria&filename=bappeda-lan.yaml", method: .post,
                                               headers: auth(f.bappeda), body: yaml)
            #expect(sub.status == .created, "\(String(buffer: sub.body))")
            #expect(String(buffer: sub.body).contains("\"version\" : 1"))
            let hist = try await client.execute(uri: "/api/v1/pds/BAPPEDA/diagrams", method: .get, headers: auth(f.bappeda))
            #expect(hist.status == .ok && String(buffer: hist.body).contains("\"submitter\" : \"Maria\""))
            let raw = try await client.execute(uri: "/api/v1/pds/BAPPEDA/diagrams/1?raw=1", method: .get, headers: auth(f.bappeda))
            #expect(raw.body == yaml)
            let status = try await client.execute(uri: "/api/v1/status", method: .get, headers: auth(f.bappeda))
            let statusText = String(buffer: status.body)
            #expect(statusText.contains("\"pd\" : \"BAPPEDA\"") && !statusText.contains("DINKES"))
            // Diskominfo reads everything, and that read is audited.
            let all = try await client.execute(uri: "/api/v1/status", method: .get, headers: auth(f.diskominfo))
            #expect(String(buffer: all.body).contains("\"pd\" : \"DINKES\""))
            let shown = try await client.execute(uri: "/api/v1/pds/BAPPEDA/diagrams/latest", method: .get, headers: auth(f.diskominfo))
            #expect(shown.status == .ok && String(buffer: shown.body).contains("rtr-bappeda"))
        }
        let log = try f.store.auditLog()
        #expect(log.contains { $0.action == "submit" && $0.outcome == "ok" && $0.pd == "BAPPEDA" && $0.detail.contains("by Maria") })
        #expect(log.contains { $0.action == "show" && $0.actor.contains("diskominfo") })
        // Tokens never reach the audit log.
        #expect(!log.contains { $0.actor.contains(f.bappeda) || $0.detail.contains(f.bappeda) })
    }

    @Test func aStockDiagramsNetDrawingIsAcceptedWithItsWarnings() async throws {
        let f = try fixture()
        defer { try? FileManager.default.removeItem(atPath: f.dir) }
        try await app(f).test(.live) { live in
            let client = try LoopbackClient(live)
            // diagrams.net's own LAN template: stock shapes, no shape data; the PD is the token's.
            let lan = try file("Tests/GovernanceTests/Fixtures/drawio-templates/lan.xml")
            let checked = try await client.execute(uri: "/api/v1/pds/BAPPEDA/validate?filename=lan.xml", method: .post, headers: auth(f.bappeda), body: lan)
            let checkedText = String(buffer: checked.body)
            #expect(checked.status == .ok && checkedText.contains("\"valid\" : true"), "\(checkedText)")
            #expect(checkedText.contains("warning: 33 devices have no label"))
            let sub = try await client.execute(uri: "/api/v1/pds/BAPPEDA/diagrams?by=Maria&filename=lan.xml", method: .post,
                                               headers: auth(f.bappeda), body: lan)
            let text = String(buffer: sub.body)
            #expect(sub.status == .created, "\(text)")
            #expect(text.contains("\"version\" : 1"))
            #expect(text.contains("\"warnings\" : ["))
            #expect(text.contains("6 links end on shapes that are not devices Pantau reconciles"))
        }
        let stored = try #require(try f.store.submission(pd: "BAPPEDA", version: nil))
        #expect(stored.diagram.devices.count == 33 && stored.diagram.links.count == 28)
        #expect(stored.diagram.devices.allSatisfy { $0.shape != nil })
        #expect(try f.store.auditLog().contains { $0.action == "submit" && $0.outcome == "ok" && $0.detail.contains("3 warning(s)") })
    }

    /// A submission is reconciled at once; a PD token reads its own findings only.
    @Test func aPDReadsItsOwnFindingsAfterASubmission() async throws {
        let f = try fixture()
        defer { try? FileManager.default.removeItem(atPath: f.dir) }
        try recordBappedaInventories(f.store)
        try await app(f).test(.live) { live in
            let client = try LoopbackClient(live)
            let sub = try await client.execute(uri: "/api/v1/pds/BAPPEDA/diagrams?by=Maria", method: .post, headers: auth(f.bappeda),
                                               body: try file("config/examples/bappeda-lan.yaml"))
            #expect(sub.status == .created, "\(String(buffer: sub.body))")
            let submitted = try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: sub.body).utf8)) as? [String: Any])
            let count = try #require(submitted["findings"] as? Int)
            let own = try await client.execute(uri: "/api/v1/pds/BAPPEDA/findings", method: .get, headers: auth(f.bappeda))
            #expect(own.status == .ok)
            let list = try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: own.body).utf8)) as? [[String: Any]])
            // The polled router and switch were last seen 58 days before the service's clock: missing, under P16(1).
            #expect(list.count == count && count > 0)
            #expect(list.allSatisfy { $0["pd"] as? String == "BAPPEDA" })
            let missing = list.filter { $0["code"] as? String == "missing-device" }.compactMap { ($0["subject"] as? [String: Any])?["device"] as? String }
            #expect(Set(missing).isSuperset(of: ["rtr-bappeda", "sw-core"]), "\(missing)")
            #expect(list.contains { (($0["basis"] as? [String: Any])?["text"] as? String) == "Perbup Manggarai 52/2021 Pasal 16 ayat (1) (wajib)" })
            // Another PD's token may not read them; Diskominfo may, audited.
            let other = try await client.execute(uri: "/api/v1/pds/BAPPEDA/findings", method: .get, headers: auth(f.dinkes))
            #expect(other.status == .forbidden)
            let noc = try await client.execute(uri: "/api/v1/pds/BAPPEDA/findings?all=1", method: .get, headers: auth(f.diskominfo))
            #expect(noc.status == .ok)
        }
        #expect(try f.store.auditLog().contains { $0.action == "findings" && $0.actor.contains("diskominfo") && $0.pd == "BAPPEDA" })
        #expect(try f.store.auditLog().contains { $0.action == "findings" && $0.outcome == "refused" })
    }

    @Test func crossPDAndBadTokensAreRefusedAndStoreNothing() async throws {
        let f = try fixture()
        defer { try? FileManager.default.removeItem(atPath: f.dir) }
        try await app(f).test(.live) { live in
            let client = try LoopbackClient(live)
            let yaml = try file("config/examples/bappeda-lan.yaml")
            let drawio = try file("config/examples/dinkes-compressed.drawio")
            // Dinkes's token cannot submit or read for Bappeda.
            #expect(try await client.execute(uri: "/api/v1/pds/BAPPEDA/diagrams", method: .post, headers: auth(f.dinkes), body: yaml).status == .forbidden)
            #expect(try await client.execute(uri: "/api/v1/pds/BAPPEDA/diagrams", method: .get, headers: auth(f.dinkes)).status == .forbidden)
            #expect(try await client.execute(uri: "/api/v1/pds/BAPPEDA/diff", method: .get, headers: auth(f.dinkes)).status == .forbidden)
            // Bappeda's own token with Dinkes's file: the file is for another PD.
            let wrong = try await client.execute(uri: "/api/v1/pds/BAPPEDA/diagrams", method: .post, headers: auth(f.bappeda), body: drawio)
            #expect(wrong.status == .unprocessableContent)
            #expect(String(buffer: wrong.body).contains("this diagram is for PD \\\"DINKES\\\", not \\\"BAPPEDA\\\""))
            // Diskominfo reads all but does not submit for a PD.
            #expect(try await client.execute(uri: "/api/v1/pds/BAPPEDA/diagrams", method: .post, headers: auth(f.diskominfo), body: yaml).status == .forbidden)
            // No, unknown, expired and revoked tokens.
            #expect(try await client.execute(uri: "/api/v1/status", method: .get).status == .unauthorized)
            #expect(try await client.execute(uri: "/api/v1/status", method: .get, headers: auth("pantau_guess")).status == .unauthorized)
            let expired = try await client.execute(uri: "/api/v1/pds/BAPPEDA/diagrams", method: .post, headers: auth(f.expired), body: yaml)
            #expect(expired.status == .unauthorized && String(buffer: expired.body).contains("token expired"))
            let revoked = try await client.execute(uri: "/api/v1/pds/BAPPEDA/diagrams", method: .post, headers: auth(f.revoked), body: yaml)
            #expect(revoked.status == .unauthorized && String(buffer: revoked.body).contains("token revoked"))
            // Hostile XML and an oversize upload.
            let evil = ByteBuffer(string: "<!DOCTYPE x [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;\">]><mxfile>&b;</mxfile>")
            let e = try await client.execute(uri: "/api/v1/pds/BAPPEDA/diagrams", method: .post, headers: auth(f.bappeda), body: evil)
            #expect(e.status == .unprocessableContent && String(buffer: e.body).contains("DOCTYPE or ENTITY"))
            let big = ByteBuffer(bytes: [UInt8](repeating: 65, count: 64 * 1024 + 1))
            #expect(try await client.execute(uri: "/api/v1/pds/BAPPEDA/diagrams", method: .post, headers: auth(f.bappeda), body: big).status == .contentTooLarge)
        }
        #expect(try f.store.submissions(pd: "BAPPEDA").isEmpty)
        #expect(try f.store.submissions(pd: "DINKES").isEmpty)
        let refusals = try f.store.auditLog().filter { $0.outcome != "ok" }
        // Eleven refused requests, one audit row each (status used to authenticate, and audit, twice).
        #expect(refusals.count == 11, "\(refusals.map { "\($0.action) \($0.outcome) \($0.detail)" })")
        #expect(refusals.contains { $0.detail == "token may not submit for PD BAPPEDA" && $0.actor.contains("pd:DINKES") })
    }

    @Test func draftEditSubmitOverHTTP() async throws {
        let f = try fixture()
        defer { try? FileManager.default.removeItem(atPath: f.dir) }
        try recordBappedaInventories(f.store)
        try await app(f).test(.live) { live in
            let client = try LoopbackClient(live)
            let draft = try await client.execute(uri: "/api/v1/pds/BAPPEDA/draft", method: .get, headers: auth(f.bappeda))
            #expect(draft.status == .ok)
            var xml = String(buffer: draft.body)
            #expect(xml.contains("label=\"rtr-bappeda\"") && xml.contains("boundary=\"yes\""))
            // The PD adds a serial number to its switch, then submits the edited file.
            xml = xml.replacingOccurrences(of: "label=\"sw-core\" role=\"switch\"", with: "label=\"sw-core\" role=\"switch\" serial=\"FOC2031X0AB\"")
            let sub = try await client.execute(uri: "/api/v1/pds/BAPPEDA/diagrams?by=Maria&filename=bappeda.drawio", method: .post,
                                               headers: auth(f.bappeda), body: ByteBuffer(string: xml))
            #expect(sub.status == .created, "\(String(buffer: sub.body))")
            let status = try await client.execute(uri: "/api/v1/status", method: .get, headers: auth(f.bappeda))
            #expect(String(buffer: status.body).contains("\"state\" : \"current\""))
            let dot = try await client.execute(uri: "/api/v1/pds/BAPPEDA/draft?format=dot", method: .get, headers: auth(f.bappeda))
            #expect(String(buffer: dot.body).hasPrefix("graph \"LAN BAPPEDA\""))
            #expect(try await client.execute(uri: "/api/v1/pds/BAPPEDA/draft", method: .get, headers: auth(f.dinkes)).status == .forbidden)
            // Nothing collected for Dinkes: its draft is Dinkes's, with none of Bappeda's devices.
            let dinkes = try await client.execute(uri: "/api/v1/pds/DINKES/draft?format=yaml", method: .get, headers: auth(f.dinkes))
            #expect(dinkes.status == .ok)
            let text = String(buffer: dinkes.body)
            #expect(text.contains("pd: \"DINKES\"") && text.contains("devices: []") && !text.contains("sw-core"), "\(text)")
        }
        let stored = try #require(try f.store.submission(pd: "BAPPEDA", version: nil))
        #expect(stored.format == .drawio)
        #expect(stored.diagram.devices.first { $0.id == "sw-core" }?.serial == "FOC2031X0AB")
    }

    @Test func historyAndDiffAcrossVersionsOverHTTP() async throws {
        let f = try fixture()
        defer { try? FileManager.default.removeItem(atPath: f.dir) }
        let v1 = try String(contentsOfFile: "\(Self.repo)/config/examples/bappeda-lan.yaml", encoding: .utf8)
        let v2 = v1.replacingOccurrences(of: "    model: TL-SG1024\n", with: "    model: TL-SG1024DE\n")
        try await app(f).test(.live) { live in
            let client = try LoopbackClient(live)
            for text in [v1, v2] {
                let r = try await client.execute(uri: "/api/v1/pds/BAPPEDA/diagrams", method: .post, headers: auth(f.bappeda), body: ByteBuffer(string: text))
                #expect(r.status == .created)
            }
            let diff = try await client.execute(uri: "/api/v1/pds/BAPPEDA/diff?from=1&to=2", method: .get, headers: auth(f.bappeda))
            #expect(String(buffer: diff.body) == "~ device sw-lt2 model: TL-SG1024 -> TL-SG1024DE\n")
            let missing = try await client.execute(uri: "/api/v1/pds/BAPPEDA/diagrams/9", method: .get, headers: auth(f.bappeda))
            #expect(missing.status == .notFound)
            // Versions that are not numbers are a bad request; numbers that do not exist are not found.
            for query in ["from=a", "to=x", "from=0", "from=1&to=two"] {
                let r = try await client.execute(uri: "/api/v1/pds/BAPPEDA/diff?\(query)", method: .get, headers: auth(f.bappeda))
                #expect(r.status == .badRequest, "\(query): \(String(buffer: r.body))")
            }
            let outOfRange = try await client.execute(uri: "/api/v1/pds/BAPPEDA/diff?from=1&to=9", method: .get, headers: auth(f.bappeda))
            #expect(outOfRange.status == .notFound && String(buffer: outOfRange.body).contains("has versions 1-2; cannot compare 1 and 9"))
            // Diskominfo reads any PD, but one that is not in the registry is not found (not an empty list).
            for path in ["diagrams", "diff", "draft", "diagrams/latest"] {
                let r = try await client.execute(uri: "/api/v1/pds/NOPE/\(path)", method: .get, headers: auth(f.diskominfo))
                #expect(r.status == .notFound && String(buffer: r.body).contains("PD NOPE is not in the registry"), "\(path)")
            }
        }
        #expect(try f.store.changeReports(pd: "BAPPEDA").count == 1)
    }
}

/// A decompression bomb: a small upload of many highly compressible pages. The service refuses
/// it with 413 after bounded work, off the threads that answer other requests, so a PD's
/// status request stays fast while several bombs are in flight (a bounded load test).
@Suite("Decompression bombs")
struct DecompressionBombTests {
    /// 64 pages, each a valid page that inflates to almost 8 MiB: about 700 KB on the wire.
    static let bomb: [UInt8] = {
        let page = "<mxGraphModel><root><mxCell id=\"0\"/><mxCell id=\"1\" parent=\"0\" value=\""
            + String(repeating: "A", count: 8 * 1024 * 1024 - 200) + "\"/></root></mxGraphModel>"
        let encoded = page.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? page
        let compressed = (try? RawDeflate.deflate(Array(encoded.utf8))) ?? []
        let b64 = Data(compressed).base64EncodedString()
        var file = "<mxfile>"
        for i in 1...64 { file += "<diagram id=\"p\(i)\" name=\"Page-\(i)\">\(b64)</diagram>" }
        return Array((file + "</mxfile>").utf8)
    }()

    @Test func theSharedCheckRefusesItAsTooLarge() {
        #expect(Self.bomb.count < 1_000_000)
        let (_, d, issues) = DiagramFile.check(Self.bomb, fileName: "bomb.drawio", registry: nil, expectedPD: "BAPPEDA",
                                               sizeLimit: 2 * 1024 * 1024)
        #expect(d == nil)
        #expect(issues.count == 1 && issues[0].limitExceeded)
        #expect(issues[0].message.contains("inflate to more than \(DrawIO.maxInflatedBytes) bytes together"), "\(issues)")
    }

    @Test func statusStaysFastWhileBombsAreRefused() async throws {
        let t = SubmissionServiceTests()
        let f = try t.fixture()
        defer { try? FileManager.default.removeItem(atPath: f.dir) }
        try await t.app(f, limit: 2 * 1024 * 1024).test(.live) { client in
            let port = try #require(client.port)
            func request(_ path: String, body: [UInt8]? = nil) async throws -> (Int, Double) {
                var r = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)  // a literal URL with a numeric port
                r.setValue("Bearer \(f.bappeda)", forHTTPHeaderField: "Authorization")
                r.timeoutInterval = 30
                if let body { r.httpMethod = "POST"; r.httpBody = Data(body) }
                let start = ContinuousClock.now
                let (_, response) = try await URLSession.shared.data(for: r)
                let d = ContinuousClock.now - start
                return ((response as? HTTPURLResponse)?.statusCode ?? 0,
                        d.inSeconds)
            }
            try await withThrowingTaskGroup(of: (String, Int, Double).self) { group in
                for _ in 0..<3 {
                    group.addTask { let (code, s) = try await request("/api/v1/pds/BAPPEDA/diagrams?filename=bomb.drawio", body: Self.bomb); return ("bomb", code, s) }
                }
                group.addTask {
                    // While the bombs are read: 20 status requests, one after the other.
                    var slowest = 0.0
                    for _ in 0..<20 {
                        let (code, s) = try await request("/api/v1/status")
                        #expect(code == 200)
                        slowest = max(slowest, s)
                    }
                    return ("status", 200, slowest)
                }
                for try await (what, code, seconds) in group {
                    if what == "bomb" { #expect(code == 413, "a bomb answered \(code)") }
                    else { #expect(seconds < 0.2, "slowest status took \(seconds) s") }
                }
            }
        }
        #expect(try f.store.submissions(pd: "BAPPEDA").isEmpty)
        let refused = try f.store.auditLog().filter { $0.action == "submit" && $0.outcome == "refused" }
        #expect(refused.count == 3 && refused.allSatisfy { $0.detail.hasPrefix("over a limit:") })
    }
}

/// Connections that never finish their request are cut off; error responses close the
/// connection, so the rest of a refused upload is never read. Over real loopback sockets.
@Suite("Slow and abandoned connections")
struct SlowConnectionTests {
    /// A blocking TCP client socket on 127.0.0.1.
    final class Client {
        let fd: Int32
        init(port: Int) throws {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var a = sockaddr_in()
            a.sin_family = sa_family_t(AF_INET)
            a.sin_port = UInt16(port).bigEndian
            a.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
            let r = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            guard r == 0 else { close(fd); throw POSIXError(.ECONNREFUSED) }
            var tv = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        }
        deinit { close(fd) }
        func send(_ text: String) { _ = text.withCString { Glibc.send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) } }
        /// Everything the server sends until it closes the connection (nil: still open after 10 s).
        func readToClose() -> String? {
            var out = [UInt8]()
            var buf = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n == 0 { return String(decoding: out, as: UTF8.self) }
                if n < 0 { return nil }
                out += buf[0..<n]
            }
        }
    }

    @Test func partialHeadersAndSilenceAreCutOffWhileStatusStaysFast() async throws {
        let t = SubmissionServiceTests()
        let f = try t.fixture()
        defer { try? FileManager.default.removeItem(atPath: f.dir) }
        var settings = SubmissionServiceSettings(uploadLimit: 64 * 1024)
        settings.headerTimeout = 1
        settings.bodyTimeout = 2
        settings.idleTimeout = 1
        try await t.app(f, settings: settings).test(.live) { client in
            let port = try #require(client.port)
            let started = ContinuousClock.now
            // 20 connections that send half a request head, 20 that send nothing at all.
            let slow = try (0..<40).map { i in
                let c = try Client(port: port)
                if i < 20 { c.send("GET /api/v1/status HTTP/1.1\r\nHost: x\r\nAuthorization: Bear") }
                return c
            }
            // Meanwhile a PD's status requests are answered at once.
            for _ in 0..<10 {
                let r = try await client.execute(uri: "/api/v1/status", method: .get, headers: [.authorization: "Bearer \(f.bappeda)"])
                #expect(r.status == .ok)
            }
            // Every slow connection is closed by the server (within the header timeout, not 95 s).
            for c in slow { #expect(c.readToClose() != nil, "a connection with a partial request head was kept open") }
            let waited = ContinuousClock.now - started
            #expect(waited < .seconds(8), "closing took \(waited)")
        }
    }

    @Test func anUploadRefusedByItsLengthIsNotReadAndTheConnectionCloses() async throws {
        let t = SubmissionServiceTests()
        let f = try t.fixture()
        defer { try? FileManager.default.removeItem(atPath: f.dir) }
        try await t.app(f).test(.live) { client in
            let port = try #require(client.port)
            let c = try Client(port: port)
            // Declares 50 MB and sends only the head: the answer must not wait for the body.
            c.send("POST /api/v1/pds/BAPPEDA/diagrams HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(f.bappeda)\r\n"
                   + "Content-Length: 50000000\r\n\r\n")
            let answer = try #require(c.readToClose(), "the server kept the connection open to read the body")
            #expect(answer.hasPrefix("HTTP/1.1 413"), "\(answer)")
            #expect(answer.lowercased().contains("connection: close"))
        }
    }
}

/// An HTTP client over real loopback connections that, like a browser or curl, opens a new
/// connection when the service closes one (every error response closes its connection).
struct LoopbackClient {
    struct Reply {
        var status: HTTPResponse.Status
        var body: ByteBuffer
    }
    let port: Int

    init(_ live: some TestClientProtocol) throws {
        port = try #require(live.port)
    }

    func execute(uri: String, method: HTTPRequest.Method, headers: HTTPFields = [:], body: ByteBuffer? = nil) async throws -> Reply {
        var r = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(uri)")!)  // a literal URL with a numeric port
        r.httpMethod = method.rawValue
        for field in headers { r.setValue(field.value, forHTTPHeaderField: field.name.rawName) }
        if let body { r.httpBody = Data(body.readableBytesView) }
        let (data, response) = try await URLSession.shared.data(for: r)
        let code = (response as? HTTPURLResponse)?.statusCode ?? 0
        return Reply(status: HTTPResponse.Status(code: code), body: ByteBuffer(bytes: data))
    }
}

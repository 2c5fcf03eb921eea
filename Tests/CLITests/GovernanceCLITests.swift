import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Governance
import InventoryModel
import InventoryStore
import InventoryTesting
import Testing

/// The PD's yearly diagram flow, tokens and the HTTP service, through the real binary.
@Suite("Diagram submissions through the CLI")
struct GovernanceCLITests {
    var pantauBinary: String { Lab.pantauBinary }

    struct Run { var status: Int32; var out: String; var err: String }

    func pantau(_ args: [String], store: String, now: String? = nil) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: pantauBinary)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: Lab.repo)
        var env = ProcessInfo.processInfo.environment
        env["PANTAU_STORE"] = store
        env["PANTAU_NOW"] = now
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    @Test func manggaraiFlowOverdueAfterTwelveMonthsThenBatang() throws {
        try #require(FileManager.default.isExecutableFile(atPath: pantauBinary), "build first: swift build --build-tests")
        let dir = try Lab.temporaryDirectory("gov-cli")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = "\(dir)/pantau.sqlite"
        #expect(try pantau(["profile", "activate", "manggarai"], store: db).status == 0)
        #expect(try pantau(["registry", "load", "config/registry.example.yaml"], store: db).status == 0)

        // Draft from observations, validate, submit: the PD's yearly flow.
        let observed = ObservedLAN(devices: [
            .init(id: "rtr", name: "rtr-bappeda", role: .router, managementIP: .init("10.21.0.1")),
            .init(id: "sw", name: "sw-core", role: .switch_, managementIP: .init("10.21.0.2")),
        ], links: [.init(deviceA: "rtr", portA: "ether2", deviceB: "sw", portB: "Gi1/0/24")])
        try JSONEncoder().encode(observed).write(to: URL(fileURLWithPath: "\(dir)/observed.json"))
        let draft = try pantau(["diagram", "draft", "--pd", "BAPPEDA", "--from-json", "\(dir)/observed.json", "-o", "\(dir)/draft.drawio",
                                "--dot", "\(dir)/draft.dot"], store: db, now: "2024-01-05")
        #expect(draft.status == 0, "\(draft.err)")
        #expect(draft.out.contains("2 devices, 1 links"))
        #expect(try pantau(["diagram", "validate", "\(dir)/draft.drawio", "--pd", "BAPPEDA"], store: db).status == 0)
        let sub = try pantau(["diagram", "submit", "--pd", "BAPPEDA", "\(dir)/draft.drawio", "--by", "Maria"], store: db, now: "2024-01-10T02:00:00Z")
        #expect(sub.status == 0, "\(sub.err)")
        #expect(sub.out.contains("stored BAPPEDA version 1"))

        // Refusals store nothing: wrong PD, invalid file, hostile XML.
        let wrong = try pantau(["diagram", "submit", "--pd", "DINKES", "\(dir)/draft.drawio"], store: db, now: "2024-01-11")
        #expect(wrong.status != 0)
        #expect(wrong.out.contains("this diagram is for PD \"BAPPEDA\", not \"DINKES\""))
        try "<!DOCTYPE x [<!ENTITY a \"b\">]><mxfile/>".write(toFile: "\(dir)/evil.drawio", atomically: true, encoding: .utf8)
        let evil = try pantau(["diagram", "submit", "--pd", "BAPPEDA", "\(dir)/evil.drawio"], store: db, now: "2024-01-11")
        #expect(evil.status != 0 && evil.out.contains("DOCTYPE or ENTITY declaration is refused"))
        let history = try pantau(["diagram", "history", "--pd", "BAPPEDA"], store: db)
        #expect(history.out.split(separator: "\n").count == 1)
        #expect(try pantau(["diagram", "history", "--pd", "DINKES"], store: db).out.contains("no diagrams submitted"))

        // Second version from the YAML example, then a diff.
        let v2 = try pantau(["diagram", "submit", "--pd", "BAPPEDA", "config/examples/bappeda-lan.yaml"], store: db, now: "2024-01-20T02:00:00Z")
        #expect(v2.status == 0 && v2.out.contains("+ device ap-lobby"))
        #expect(try pantau(["diagram", "diff", "--pd", "BAPPEDA", "1", "2"], store: db).out.contains("+ device srv-file"))

        // Status under Manggarai: current at 12 months, overdue the day after.
        let current = try pantau(["diagram", "status"], store: db, now: "2025-01-20T02:00:00Z")
        #expect(current.out.contains("BAPPEDA      current"), "\(current.out)")
        #expect(current.out.contains("Pasal 16 ayat (1)"))
        #expect(current.out.contains("DINKES       NEVER SUBMITTED"))
        let overdue = try pantau(["diagram", "status"], store: db, now: "2025-01-21T02:00:00Z")
        #expect(overdue.out.contains("BAPPEDA      OVERDUE         latest v2 2024-01-20 (367 days) due 2025-01-20"), "\(overdue.out)")

        // Under Batang there is no diagram duty at all.
        #expect(try pantau(["profile", "activate", "batang"], store: db).status == 0)
        let batang = try pantau(["diagram", "status"], store: db, now: "2027-01-01")
        #expect(batang.out.contains("no LAN diagram duty"))
        #expect(batang.out.contains("BAPPEDA      not_required"))
        #expect(!batang.out.contains("OVERDUE") && !batang.out.contains("Pasal 16"))
    }

    /// diagrams.net's own LAN template, as a PD technician would send it: stock shapes, no
    /// shape data, no pd. Accepted with the warnings, stored for the PD given on the command line.
    @Test func aStockDiagramsNetDrawingIsValidatedAndSubmittedWithWarnings() throws {
        try #require(FileManager.default.isExecutableFile(atPath: pantauBinary), "build first: swift build --build-tests")
        let dir = try Lab.temporaryDirectory("gov-cli")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = "\(dir)/pantau.sqlite"
        #expect(try pantau(["profile", "activate", "manggarai"], store: db).status == 0)
        #expect(try pantau(["registry", "load", "config/registry.example.yaml"], store: db).status == 0)
        let lan = "Tests/GovernanceTests/Fixtures/drawio-templates/lan.xml"
        let valid = try pantau(["diagram", "validate", lan, "--pd", "BAPPEDA"], store: db)
        #expect(valid.status == 0, "\(valid.out)\(valid.err)")
        #expect(valid.out.contains("\(lan): valid drawio diagram of BAPPEDA with 3 warning(s): 33 devices, 28 links"), "\(valid.out)")
        #expect(valid.out.contains("devices: warning: 33 devices have no label"))
        // Without a PD from the drawing or the submitter it cannot be stored anywhere.
        let noPD = try pantau(["diagram", "validate", lan], store: db)
        #expect(noPD.status != 0 && noPD.out.contains("the diagram has no pd"), "\(noPD.out)")
        let sub = try pantau(["diagram", "submit", "--pd", "BAPPEDA", lan, "--by", "Maria"], store: db, now: "2024-01-10T02:00:00Z")
        #expect(sub.status == 0, "\(sub.out)\(sub.err)")
        #expect(sub.out.contains("stored BAPPEDA version 1"))
        #expect(sub.out.contains("warning: no boundary router is marked; Pantau takes router-2 (mxgraph.networks.router), linked to \"Internet\""))
        let shown = try pantau(["diagram", "show", "--pd", "BAPPEDA"], store: db)
        #expect(shown.out.contains("router: \"router-2\""), "\(shown.out)")
        #expect(shown.out.contains("role: pc"))
        // The diagram duty is met: Manggarai's status counts the stock drawing.
        let status = try pantau(["diagram", "status"], store: db, now: "2024-02-01T02:00:00Z")
        #expect(status.out.contains("BAPPEDA      current"), "\(status.out)")
    }

    @Test func annexFilesAreCheckedAndNothingPassesWithoutOne() throws {
        try #require(FileManager.default.isExecutableFile(atPath: pantauBinary), "build first: swift build --build-tests")
        let dir = try Lab.temporaryDirectory("gov-cli")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = "\(dir)/pantau.sqlite"
        let ok = try pantau(["annex", "validate", "config/examples/annex.example.yaml", "--catalogue", "config/examples/catalogue.example.yaml"], store: db)
        #expect(ok.status == 0, "\(ok.err)")
        #expect(ok.out.contains("annex example-1 from INVENTED EXAMPLE"))
        #expect(ok.out.contains("  ups: ups_va ≥ 1500 VA"))
        #expect(ok.out.contains("catalogue.example.yaml: 4 models"))
        try "format: pantau-annex/1\nsource: x\nversion: \"1\"\neffective: 2022-01-01\nclasses:\n  swich: {port_count: 24}\n  ups: {ups_va: 1000}\n"
            .write(toFile: "\(dir)/bad.yaml", atomically: true, encoding: .utf8)
        let bad = try pantau(["annex", "validate", "\(dir)/bad.yaml"], store: db)
        #expect(bad.status != 0)
        #expect(bad.err.contains("bad.yaml:6:3: classes.swich: unknown device class \"swich\" (did you mean \"switch\"?)"), "\(bad.err)")
        #expect(bad.err.contains("bad.yaml:7:17: classes.ups.ups_va: \"1000\" has no unit; use VA or kVA"))

        // A stock drawing submitted, nothing polled: every declared device is "cannot be assessed".
        #expect(try pantau(["profile", "activate", "manggarai"], store: db).status == 0)
        #expect(try pantau(["registry", "load", "config/registry.example.yaml"], store: db).status == 0)
        #expect(try pantau(["diagram", "submit", "--pd", "BAPPEDA", "Tests/GovernanceTests/Fixtures/drawio-templates/lan.xml"], store: db,
                           now: "2024-01-10").status == 0)
        let none = try pantau(["annex", "assess"], store: db)
        #expect(none.status == 0, "\(none.err)")
        #expect(none.out.hasPrefix("no annex loaded: no device can be assessed"))
        #expect(none.out.contains("BAPPEDA router-2 (router; declared, not polled): cannot be assessed"))
        #expect(none.out.contains("device: cannot be assessed (no spec annex is loaded"))
        #expect(!none.out.contains(": meets"))
        #expect(none.out.contains("acquisition date unknown: 31 cannot be assessed"), "\(none.out)")
        let with = try pantau(["annex", "assess", "--annex", "config/examples/annex.example.yaml", "--json", "--config", "config/lab.yaml"], store: db)
        #expect(with.status == 0, "\(with.err)")
        #expect(with.out.contains("\"verdict\" : \"cannot_assess\""))
        #expect(with.out.contains("Pantau does not poll it, and its model is not known, so the model catalogue cannot fill it in"), "\(with.out)")
    }

    @Test func tokensArePrintedOnceAndStoredOnlyAsHashes() throws {
        try #require(FileManager.default.isExecutableFile(atPath: pantauBinary), "build first: swift build --build-tests")
        let dir = try Lab.temporaryDirectory("gov-cli")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = "\(dir)/pantau.sqlite"
        #expect(try pantau(["registry", "load", "config/registry.example.yaml"], store: db).status == 0)
        let made = try pantau(["token", "create", "--pd", "BAPPEDA", "--label", "Bappeda Tier-1", "--expires-days", "30"], store: db)
        #expect(made.status == 0, "\(made.err)")
        let token = made.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("pantau_") && token.count == 50)
        #expect(try pantau(["token", "create", "--pd", "NOPE", "--label", "x"], store: db).status != 0)
        let store = try PantauStore(path: db)
        let stored = try #require(try store.token(sha256: TokenSecret.hash(token)))
        #expect(stored.role == .pd("BAPPEDA"))
        #expect(stored.expiresAt != nil)
        // The clear token appears nowhere in the database files.
        for name in try FileManager.default.contentsOfDirectory(atPath: dir) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(name)"))
            #expect(bytes.range(of: Data(token.utf8)) == nil, "token found in \(name)")
        }
        #expect(try pantau(["token", "revoke", "\(stored.id)"], store: db).status == 0)
        #expect(try store.token(sha256: TokenSecret.hash(token))?.revokedAt != nil)
        #expect(!(try pantau(["token", "list"], store: db).out.contains(token)))
    }

    @Test func serveReadsItsGovernanceConfigAndAnswersOverLoopback() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: pantauBinary), "build first: swift build --build-tests")
        let dir = try Lab.temporaryDirectory("gov-cli")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = "\(dir)/pantau.sqlite"
        let port = 20000 + Int.random(in: 0..<20000)
        try """
            targets: []
            governance:
              registry: \(Lab.repo)/config/registry.example.yaml
              profiles: \(Lab.repo)/config/profiles
              active_profile: manggarai
              http:
                bind: 127.0.0.1
                port: \(port)
                upload_limit_bytes: 4096
            """.write(toFile: "\(dir)/pantau.yaml", atomically: true, encoding: .utf8)
        let activated = try pantau(["profile", "activate", "--config", "\(dir)/pantau.yaml"], store: db)
        #expect(activated.out.contains("active profile: manggarai"), "\(activated.err)")
        let loaded = try pantau(["registry", "load", "--config", "\(dir)/pantau.yaml"], store: db)
        #expect(loaded.out.contains("loaded 5 PDs"), "\(loaded.err)")
        let token = try pantau(["token", "create", "--pd", "DINKES", "--label", "t"], store: db).out.trimmingCharacters(in: .whitespacesAndNewlines)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: pantauBinary)
        p.arguments = ["serve", "--config", "\(dir)/pantau.yaml", "--store", db]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        defer { if p.isRunning { p.terminate(); p.waitUntilExit() } }

        func request(_ path: String, body: Data? = nil) async throws -> (Int, String) {
            var r = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)  // literal URL with a numeric port
            r.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            if let body { r.httpMethod = "POST"; r.httpBody = body }
            let (data, response) = try await URLSession.shared.data(for: r)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
        }
        var answered: (Int, String)?
        for _ in 0..<100 where answered == nil {
            answered = try? await request("/api/v1/status")
            if answered == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        let (code, text) = try #require(answered, "pantau serve did not answer on port \(port)")
        #expect(code == 200 && text.contains("\"pd\" : \"DINKES\"") && !text.contains("BAPPEDA"))
        // The configured 4 KiB limit applies: the 2 KiB compressed example fits, 5 KiB does not.
        let drawio = try Data(contentsOf: URL(fileURLWithPath: Lab.repo + "/config/examples/dinkes-compressed.drawio"))
        let (ok, okText) = try await request("/api/v1/pds/DINKES/diagrams?by=Agustinus&filename=dinkes.drawio", body: drawio)
        #expect(ok == 201, "\(okText)")
        let (big, _) = try await request("/api/v1/pds/DINKES/diagrams", body: Data(repeating: 65, count: 5000))
        #expect(big == 413)
        p.terminate()
        p.waitUntilExit()
        #expect(try PantauStore(path: db).submissions(pd: "DINKES").map(\.submitter) == ["Agustinus"])
    }
}

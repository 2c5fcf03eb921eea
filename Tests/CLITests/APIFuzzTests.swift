import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import InventoryTesting
import Testing

/// The HTTP service against its own OpenAPI document: schemathesis (PyPI) generates requests
/// from the document and checks every answer, with a PD token and with a Diskominfo token,
/// against the real `pantau serve` on loopback. No 5xx, every response as documented, and
/// the store intact afterwards.
@Suite(.serialized) struct APIFuzzTests {
    func pantau(_ args: [String], store: String) throws -> (status: Int32, stdout: String, stderr: String) {
        try run(Lab.pantauBinary, args + ["--store", store], timeout: 60)
    }

    @Test func schemathesisFindsNothingAndTheStoreIsIntact() async throws {
        let schemathesis = Lab.repo + "/.venv/bin/schemathesis"
        try #require(FileManager.default.isExecutableFile(atPath: schemathesis), "run scripts/setup.sh (it installs schemathesis)")
        let dir = try Lab.temporaryDirectory("api-fuzz")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = dir + "/p.sqlite"
        #expect(try pantau(["profile", "activate", "manggarai", "--profiles", Lab.repo + "/config/profiles"], store: store).status == 0)
        #expect(try pantau(["registry", "load", Lab.repo + "/config/registry.example.yaml"], store: store).status == 0)
        let submitted = try pantau(["diagram", "submit", "--pd", "BAPPEDA", Lab.repo + "/config/examples/bappeda-lan.yaml", "--by", "Maria"], store: store)
        #expect(submitted.status == 0, "\(submitted.stderr)")
        let pdToken = try pantau(["token", "create", "--pd", "BAPPEDA", "--label", "fuzz"], store: store).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let dinas = try pantau(["token", "create", "--diskominfo", "--label", "fuzz"], store: store).stdout.trimmingCharacters(in: .whitespacesAndNewlines)

        let port = Lab.freeTCPPort()
        let serve = try ManagedProcess(name: "pantau serve", executable: Lab.pantauBinary,
                                       arguments: ["serve", "--port", String(port), "--store", store], logPath: dir + "/serve.log")
        defer { serve.stop() }
        let document = URL(string: "http://127.0.0.1:\(port)/api/v1/openapi.yaml")!  // a literal URL with a numeric port
        var served: String?
        for _ in 0..<100 where served == nil && serve.isRunning {
            served = try? await String(decoding: URLSession.shared.data(from: document).0, as: UTF8.self)
            if served == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        let text = try #require(served, "pantau serve did not answer: \(serve.log)")
        #expect(text == (try String(contentsOfFile: Lab.repo + "/Sources/SubmissionService/openapi.yaml", encoding: .utf8)))

        let checks = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
        for token in [pdToken, dinas] {
            let r = try run(schemathesis, ["run", document.absoluteString, "-H", "Authorization: Bearer \(token)", "--checks", checks,
                                           "--phases", "examples,coverage,fuzzing", "-n", "25", "--seed", "20261201", "--no-color"],
                            timeout: 600)
            #expect(r.status == 0, "schemathesis found problems:\n\(r.stdout.suffix(6000))\n\(r.stderr.suffix(2000))")
            #expect(r.stdout.contains("passed") && !r.stdout.contains("0 generated"), "\(r.stdout.suffix(2000))")
            #expect(!r.stdout.contains(token) && !serve.log.contains(token))
        }
        #expect(serve.isRunning, "the service died: \(serve.log)")
        serve.stop()

        // The store is intact: SQLite's own check, and the one version submitted before.
        let check = try run("/usr/bin/python3", ["-c", "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])", store])
        #expect(check.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "ok", "\(check.stdout) \(check.stderr)")
        let history = try pantau(["diagram", "history", "--pd", "BAPPEDA"], store: store)
        #expect(history.stdout.split(separator: "\n").count == 1 && history.stdout.contains("by Maria via cli"), "\(history.stdout)")
    }
}

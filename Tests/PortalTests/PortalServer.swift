import Foundation
import InventoryTesting
import Testing

/// The real `pantau serve` on a free loopback port with a temporary store: the Manggarai
/// profile, the example registry, and tokens made with `pantau token create`.
final class PortalServer {
    let dir: String
    let store: String
    let port: Int
    let process: ManagedProcess
    let bappeda: String
    let dinkes: String
    let diskominfo: String
    var base: String { "http://127.0.0.1:\(port)" }

    static func pantau(_ args: [String], store: String) throws -> (status: Int32, stdout: String, stderr: String) {
        try run(Lab.pantauBinary, args + ["--store", store], environment: ["PANTAU_PROFILES": Lab.repo + "/config/profiles"], timeout: 60)
    }

    init(label: String, extra: [String] = []) async throws {
        let dir = try Lab.temporaryDirectory(label)
        let store = dir + "/p.sqlite"
        self.dir = dir
        self.store = store
        for args in [["profile", "activate", "manggarai"], ["registry", "load", Lab.repo + "/config/registry.example.yaml"]] {
            let r = try Self.pantau(args, store: store)
            try #require(r.status == 0, "\(args): \(r.stderr)")
        }
        @Sendable func token(_ args: [String]) throws -> String {
            let r = try Self.pantau(["token", "create"] + args, store: store)
            try #require(r.status == 0, "\(r.stderr)")
            return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        bappeda = try token(["--pd", "BAPPEDA", "--label", "Maria (Bappeda)"])
        dinkes = try token(["--pd", "DINKES", "--label", "Yosef (Dinkes)"])
        diskominfo = try token(["--diskominfo", "--label", "NOC"])
        let port = Lab.freeTCPPort()
        self.port = port
        process = try ManagedProcess(name: "pantau serve", executable: Lab.pantauBinary,
                                     arguments: ["serve", "--port", String(port), "--store", store] + extra, logPath: dir + "/serve.log")
        var up = false
        for _ in 0..<100 where !up && process.isRunning {
            up = (try? run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/"], timeout: 5))?.stdout == "200"
            if !up { try await Task.sleep(for: .milliseconds(100)) }
        }
        try #require(up, "pantau serve did not answer: \(process.log)")
    }

    func stop() { process.stop() }
    func remove() { try? FileManager.default.removeItem(atPath: dir) }
}

/// A curl session with its own cookie jar: what a browser without JavaScript does.
struct CurlClient {
    let jar: String
    let base: String

    init(_ server: PortalServer, name: String) {
        jar = server.dir + "/\(name).cookies"
        base = server.base
    }

    struct Answer {
        var status: Int
        var headers: String
        var body: String
        func header(_ name: String) -> [String] {
            headers.split(separator: "\r\n").compactMap { line in
                let parts = line.split(separator: ":", maxSplits: 1)
                guard parts.count == 2, parts[0].lowercased() == name.lowercased() else { return nil }
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
    }

    func request(_ path: String, _ args: [String] = []) throws -> Answer {
        let headerFile = jar + ".h-\(UUID().uuidString.prefix(6))"
        defer { unlink(headerFile) }
        let r = try run("/usr/bin/curl", ["-s", "-b", jar, "-c", jar, "-D", headerFile, "-w", "\n%{http_code}"] + args + [base + path], timeout: 30)
        var lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.popLast() ?? "") ?? 0
        return Answer(status: status, headers: (try? String(contentsOfFile: headerFile, encoding: .utf8)) ?? "",
                      body: lines.joined(separator: "\n"))
    }

    func get(_ path: String) throws -> Answer { try request(path) }

    func post(_ path: String, _ fields: [String: String]) throws -> Answer {
        try request(path, fields.sorted { $0.key < $1.key }.flatMap { ["--data-urlencode", "\($0.key)=\($0.value)"] })
    }

    func upload(_ path: String, csrf: String?, file: String, as name: String) throws -> Answer {
        try request(path, (csrf.map { ["-F", "csrf=\($0)"] } ?? []) + ["-F", "file=@\(file);filename=\(name)"])
    }

    /// The value of the first hidden field `name` in a page.
    static func field(_ name: String, in html: String) -> String? {
        guard let r = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        return String(html[r.upperBound...].prefix { $0 != "\"" })
    }

    /// Signs in with `token` and returns the home page the sign-in leads to.
    func signIn(_ token: String) throws -> Answer {
        let page = try get("/")
        let csrf = try #require(Self.field("csrf", in: page.body))
        let r = try post("/signin", ["csrf": csrf, "token": token])
        guard r.status == 303 else { return r }
        return try request("/", ["-L"])
    }
}

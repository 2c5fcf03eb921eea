import Collectors
import Foundation
import InventoryStore
import InventoryTesting
import Storage
import Testing

/// The daemon reconciles on its own: with a registry loaded, findings appear (and are
/// recorded once) without anyone running `pantau reconcile`.
@Suite("The collector daemon's housekeeping", .serialized)
struct DaemonHousekeepingTests {
    typealias T = CollectorDaemonTests

    @Test("with a registry loaded, the daemon reconciles after its inventory polls: findings appear, once each")
    func reconcilesOnItsOwn() async throws {
        let agent = try ControlledSNMPD()
        try agent.start()
        let dir = try T.setUp([T.target("lab", agent.agent, extra: ", pd: BAPPEDA")], daemon: "interval: 1\n  inventory_interval: 2\n  metrics: off")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = dir + "/pantau.sqlite"
        for args in [["profile", "activate", "manggarai"], ["registry", "load", TestEnv.repo + "/config/registry.example.yaml"]] {
            let r = try runProcess(TestEnv.pantauBinary, args + ["--store", store])
            #expect(r.status == 0, "\(args): \(r.stderr)")
        }
        let p = try T.daemon(dir)
        defer { p.stop() }
        // No PD has submitted a diagram: each registered PD's diagram is overdue under Manggarai.
        var overdue: [[String: Any]] = []
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let r = try runProcess(TestEnv.pantauBinary, ["findings", "list", "--json", "--store", store])
            let all = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
            overdue = all.filter { $0["code"] as? String == "diagram-overdue" }
            if overdue.count >= 5 { break }
            try await Task.sleep(for: .milliseconds(300))
        }
        #expect(Set(overdue.compactMap { $0["pd"] as? String }) == ["BAPPEDA", "BPKAD", "DINKES", "DISDUKCAPIL", "DISKOMINFO"], "\(overdue)")
        // Later turns change nothing: still one finding per PD.
        try await Task.sleep(for: .seconds(3))
        p.stop()
        let again = try runProcess(TestEnv.pantauBinary, ["findings", "list", "--json", "--store", store])
        let all = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [[String: Any]])
        #expect(all.filter { $0["code"] as? String == "diagram-overdue" }.count == 5)
    }

    @Test("pantau store housekeeping runs the chores once, on SQLite and on a fleet's central PostgreSQL: retention of raw status polls and traffic, then reconciliation; again, nothing to do")
    func housekeepingCommand() async throws {
        let agent = try ControlledSNMPD()
        try agent.start()
        let dir = try T.setUp([T.target("lab", agent.agent, extra: ", pd: BAPPEDA")],
                              daemon: "interval: 1\n  metrics: off\nuptime:\n  retention_days: {raw: 30}\ntraffic:\n  retention_days: {raw: 2}")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sqlite = dir + "/pantau.sqlite"
        for args in [["profile", "activate", "manggarai"], ["registry", "load", TestEnv.repo + "/config/registry.example.yaml"]] {
            let r = try runProcess(TestEnv.pantauBinary, args + ["--store", sqlite])
            #expect(r.status == 0, "\(args): \(r.stderr)")
        }
        // A few seconds of status and counter polls (the daemon's own housekeeping does not turn in that time).
        let p = try T.daemon(dir, ["--duration", "4"])
        #expect(p.waitForExit(seconds: 30) == 0, Comment(rawValue: p.log))
        let polls = try T.polls(dir).count
        let raw = try PantauStore(path: sqlite, access: .readOnly).trafficSeries(device: "lab").count
        #expect(polls >= 3 && raw >= 1, "\(polls) polls, \(raw) series")

        // The same data in PostgreSQL, as a central store would hold it.
        let server = try PostgresServer.shared()
        let central = try server.createDatabase("housekeeping")
        let copy = try runProcess(TestEnv.pantauBinary, ["store", "copy", "--from", "sqlite:" + sqlite, "--to", central], environment: server.environment)
        #expect(copy.status == 0, Comment(rawValue: copy.stdout + copy.stderr))

        struct Report: Decodable {
            struct Reconciliation: Decodable { var opened: Int; var resolved: Int; var present: Int }
            var trafficRowsDropped: Int?
            var statusPollsDropped: Int?
            var reconciliation: Reconciliation?
            var problems: [String]
        }
        func housekeeping(_ store: String, daysLater: Int) throws -> Report {
            let later = ISO8601DateFormatter().string(from: Date().addingTimeInterval(Double(daysLater) * 86_400))
            let r = try runProcess(TestEnv.pantauBinary, ["store", "housekeeping", "--config", dir + "/pantau.yaml", "--store", store, "--json"],
                                   environment: server.environment.merging(["PANTAU_NOW": later]) { $1 })
            #expect(r.status == 0, Comment(rawValue: r.stderr))
            let d = JSONDecoder()
            d.keyDecodingStrategy = .convertFromSnakeCase
            return try d.decode(Report.self, from: Data(r.stdout.utf8))
        }
        for store in ["sqlite:" + sqlite, central] {
            // Today: everything is within its retention; reconciliation opens each PD's overdue diagram.
            let today = try housekeeping(store, daysLater: 0)
            #expect(today.statusPollsDropped == 0 && today.trafficRowsDropped == 0 && today.problems.isEmpty, "\(store): \(today)")
            #expect(today.reconciliation?.opened ?? 0 >= 5, "\(store): \(today)")
            // 40 days on: the raw status polls (kept 30 days; each device's last answered poll stays) and the raw traffic intervals (kept 2) go.
            let later = try housekeeping(store, daysLater: 40)
            #expect(later.statusPollsDropped == polls - 1, "\(store): \(later)")
            #expect((later.trafficRowsDropped ?? 0) > 0 && later.problems.isEmpty, "\(store): \(later)")
            #expect(later.reconciliation?.present == today.reconciliation?.present, "\(store): \(later)")
            // Again: nothing left to drop.
            let again = try housekeeping(store, daysLater: 40)
            #expect(again.statusPollsDropped == 0 && again.trafficRowsDropped == 0 && again.reconciliation?.opened == 0, "\(store): \(again)")
            // The text form says the same to an operator.
            let text = try runProcess(TestEnv.pantauBinary, ["store", "housekeeping", "--config", dir + "/pantau.yaml", "--store", store],
                                      environment: server.environment)
            #expect(text.status == 0 && text.stdout.contains("status poll retention  0 polls dropped (raw polls kept 30 days)")
                    && text.stdout.contains("finding(s) opened"), Comment(rawValue: text.stdout + text.stderr))
            #expect(!text.stdout.contains(server.password))
        }
        // A store that is not there is refused, naming it.
        let bad = try runProcess(TestEnv.pantauBinary, ["store", "housekeeping", "--config", dir + "/pantau.yaml", "--store", "nope://x"])
        #expect(bad.status != 0 && bad.stderr.contains("unknown kind of store"), Comment(rawValue: bad.stderr))
    }
}

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
}

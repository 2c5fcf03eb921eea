import Collectors
import Foundation
import InventoryModel
import InventoryStore
import InventoryTesting
import Storage
import Testing

/// The daemon's counter polls reach the traffic series and /metrics: a real snmpd's loopback
/// interface carries the daemon's own SNMP traffic, so its counters grow between polls.
@Suite("The collector daemon records traffic", .serialized)
struct DaemonTrafficTests {
    typealias T = CollectorDaemonTests

    @Test("counter polls become rate intervals per interface in the store and rate gauges on /metrics")
    func countersBecomeRates() async throws {
        let agent = try ControlledSNMPD()
        try agent.start()
        let port = T.freeTCPPort()
        let dir = try T.setUp([T.target("lab", agent.agent)], daemon: "interval: 2\n  metrics: 127.0.0.1:\(port)")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = try T.daemon(dir)
        defer { p.stop() }
        try await T.waitFor(dir) { ps in ps.filter { $0.device == "lab" && $0.reachable }.count >= 5 }
        let text = try runProcess("/usr/bin/curl", ["-s", "--max-time", "5", "http://127.0.0.1:\(port)/metrics"]).stdout
        // The loopback interface has a rate gauge (snmpd caches its interface counters for a few
        // seconds, so the last 1-second interval may well have carried nothing).
        let lo = text.split(separator: "\n").first { $0.hasPrefix(#"pantau_interface_in_bits_per_second{device="lab",interface="lo"}"#) }
        let rate = lo.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }
        #expect(rate.map { $0 >= 0 } == true, Comment(rawValue: text))
        p.stop()

        let store = try PantauStore(path: dir + "/pantau.sqlite", access: .readOnly)
        let series = try store.trafficSeries(device: "lab")
        #expect(series.contains { $0.key.interface == "lo" }, "\(series.map(\.key))")
        let key = TrafficSeriesKey(device: "lab", interface: "lo")
        let intervals = try store.trafficIntervals(key, from: .distantPast, to: .distantFuture)
        let rates = intervals.filter { $0.kind == .rate }
        #expect(rates.count >= 2, "\(intervals.map { ($0.kind, $0.seconds, String(describing: $0.inOctets), String(describing: $0.reason)) })")
        #expect(rates.allSatisfy { $0.seconds > 1.5 && $0.seconds < 5 && $0.inOctets != nil && $0.outOctets != nil }, "\(rates)")
        // Every poll's own datagrams pass through lo: once snmpd refreshes its counters, they grew.
        #expect(rates.contains { ($0.inOctets ?? 0) > 0 }, "\(rates)")

        // Before any 5-minute sample closes, `pantau traffic` shows each interface's latest rate.
        let r = try runProcess(TestEnv.pantauBinary, ["traffic", "--store", dir + "/pantau.sqlite", "--period", "last-1h", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let loRow = (json["interfaces"] as? [[String: Any]])?.first { $0["device"] as? String == "lab" && $0["interface"] as? String == "lo" }
        let latest = try #require(loRow?["latest"] as? [String: Any], "\(r.stdout.prefix(2000))")
        let last = try #require(rates.last)
        #expect((latest["in_bps"] as? Double).map { abs($0 - (last.inBitsPerSecond ?? -1)) < 0.01 } == true, "\(latest) vs \(last)")
        let table = try runProcess(TestEnv.pantauBinary, ["traffic", "--store", dir + "/pantau.sqlite", "--period", "last-1h"])
        #expect(table.stdout.contains("NOW IN") && table.stdout.contains("lo "), "\(table.stdout)")
    }
}

import Foundation
import InventoryModel
import InventoryStore
import InventoryTesting
import Operations
import Testing

/// `pantau traffic` as an operator runs it, on a store filled through the daemon's use case
/// (`TrafficRecorder`) with a series whose 95th percentile is computed by hand.
@Suite struct TrafficCLITests {
    /// 2026-11-02T00:00:00Z.
    static let t0 = Date(timeIntervalSince1970: 1_793_577_600)

    func pantau(_ args: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try run(Lab.pantauBinary, args, timeout: 60)
    }

    /// A store with the example registry and bappeda-gw's uplink (ge-0/0/0, alias "WAN Telkom")
    /// polled every 5 minutes for 40 buckets: bucket k carries (k+1) Mbit/s in and 1 Mbit/s out,
    /// except bucket 19, across which the agent restarted (counters and sysUpTime back to
    /// zero): it must leave no trace but a missing bucket.
    func filledStore(_ dir: String) throws -> String {
        let path = dir + "/p.sqlite"
        let load = try pantau(["registry", "load", Lab.repo + "/config/registry.example.yaml", "--store", path])
        try #require(load.status == 0, "\(load.stderr)")
        let store = try PantauStore(path: path)
        let recorder = TrafficRecorder(store: store, clock: FixedClock(Self.t0))
        var inOctets: UInt64 = 0, outOctets: UInt64 = 0, up: UInt32 = 1_000
        for k in 0...40 {
            if k == 20 {
                inOctets = 0; outOctets = 0; up = 500   // restarted between the polls: bucket 19 has no rate
            } else if k > 0 {
                inOctets += UInt64(k) * 1_000_000 / 8 * 300; outOctets += 1_000_000 / 8 * 300; up += 30_000
            }
            let poll = CounterPoll(device: "bappeda-gw", time: Self.t0.addingTimeInterval(Double(k * 300)), sysUpTime: up, interfaces: [
                InterfaceCounterSnapshot(ifIndex: 2, name: "ge-0/0/0", alias: "WAN Telkom", speed: 100_000_000, hcInOctets: inOctets,
                                         hcOutOctets: outOctets, inErrors: 0, outErrors: 0)])
            try recorder.record(poll, pollInterval: 300)
        }
        return path
    }

    @Test func p95PerPDAgainstItsAllocationInJSONAndTable() throws {
        #expect(FileManager.default.isExecutableFile(atPath: Lab.pantauBinary), "build pantau first: \(Lab.pantauBinary)")
        let dir = try Lab.temporaryDirectory("traffic-cli")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try filledStore(dir)

        let json = try pantau(["traffic", "--period", "2026-11-02", "--json", "--store", store])
        #expect(json.status == 0, "\(json.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "\(json.stdout)")
        #expect(doc["time_zone"] as? String == "UTC" && (doc["note"] as? String)?.contains("UTC") == true)
        #expect(doc["from"] as? String == "2026-11-02T00:00:00.000Z" && doc["to"] as? String == "2026-11-03T00:00:00.000Z")
        let pds = try #require(doc["pds"] as? [[String: Any]])
        let bappeda = try #require(pds.first { $0["pd"] as? String == "BAPPEDA" })
        let st = try #require(bappeda["statistics"] as? [String: Any])
        let inbound = try #require(st["in"] as? [String: Any])
        // 39 five-minute samples of 1...40 Mbit/s with 20 missing (never a zero):
        // nearest rank ⌈0.95·39⌉ = 38th smallest of {1..19, 21..40} = 39 Mbit/s.
        #expect((st["samples"] as? NSNumber)?.intValue == 39)
        #expect((inbound["p95_bps"] as? NSNumber)?.int64Value == 39_000_000)
        #expect((inbound["peak_bps"] as? NSNumber)?.int64Value == 40_000_000)
        #expect((st["p95_bps"] as? NSNumber)?.int64Value == 39_000_000)
        #expect((bappeda["p95_allocation_pct"] as? NSNumber)?.doubleValue == 78)
        #expect((bappeda["approved_mbps"] as? NSNumber)?.doubleValue == 50)
        let flags = try #require(doc["flags"] as? [[String: Any]])
        #expect(!flags.contains { $0["pd"] as? String == "BAPPEDA" })
        #expect(flags.contains { $0["kind"] as? String == "uplink-not-found" && $0["pd"] as? String == "DISKOMINFO" })

        let table = try pantau(["traffic", "--period", "2026-11-02", "--pd", "BAPPEDA", "--allocation-share", "0.75", "--store", store])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("Note: no active regional profile"))
        #expect(table.stdout.contains("39.00 Mbit/s") && table.stdout.contains("78.0%"), "\(table.stdout)")
        #expect(table.stdout.contains("over-allocation: BAPPEDA: 95th percentile 39.00 Mbit/s is 78.0% of the approved 50.00 Mbit/s"))
    }

    @Test func periodsAreReadInTheActiveProfilesTimeZone() throws {
        let dir = try Lab.temporaryDirectory("traffic-cli")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try filledStore(dir)
        #expect(try pantau(["profile", "activate", "manggarai", "--profiles", Lab.repo + "/config/profiles", "--store", store]).status == 0)
        // Manggarai is WITA (UTC+8): 2026-11-01 ends at 2026-11-01T16:00Z, before the series.
        let before = try pantau(["traffic", "--period", "2026-11-01", "--interface", "bappeda-gw:WAN Telkom", "--json", "--store", store])
        #expect(before.status == 0, "\(before.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(before.stdout.utf8)) as? [String: Any])
        #expect(doc["time_zone"] as? String == "UTC+08:00" && doc["note"] is NSNull)
        #expect(doc["from"] as? String == "2026-10-31T16:00:00.000Z")
        let iface = try #require((doc["interfaces"] as? [[String: Any]])?.first)
        #expect(iface["interface"] as? String == "ge-0/0/0" && iface["statistics"] is NSNull)
        // 2026-11-02 in WITA (from 2026-11-01T16:00Z) holds the whole series.
        let day = try pantau(["traffic", "--period", "2026-11-02", "--interface", "bappeda-gw:ge-0/0/0", "--store", store])
        #expect(day.status == 0 && day.stdout.contains("UTC+08:00") && day.stdout.contains("39.00 Mbit/s"), "\(day.stdout)")
    }

    @Test func badArgumentsAreRefusedClearly() throws {
        let dir = try Lab.temporaryDirectory("traffic-cli")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try filledStore(dir)
        let noColon = try pantau(["traffic", "--interface", "bappeda-gw", "--store", store])
        #expect(noColon.status == 64 && noColon.stderr.contains("DEVICE:INTERFACE"))
        let badPeriod = try pantau(["traffic", "--period", "2026-13", "--store", store])
        #expect(badPeriod.status == 64 && badPeriod.stderr.contains("is not a period"))
        let unknown = try pantau(["traffic", "--interface", "bappeda-gw:xe-9/9/9", "--store", store])
        #expect(unknown.status == 1 && unknown.stderr.contains("no traffic series for interface xe-9/9/9 of bappeda-gw"))
        let noPD = try pantau(["traffic", "--pd", "NOPE", "--store", store])
        #expect(noPD.status == 1 && noPD.stderr.contains("no PD NOPE"))
    }
}

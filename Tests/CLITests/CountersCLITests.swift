import Foundation
import InventoryTesting
import Testing

/// `pantau sample --sflow` and `pantau counters` as an operator runs them: counter samples
/// sent over a real UDP socket to the real binary, including an agent restart, read back
/// as intervals. The datagrams are built here so the counter values are known exactly;
/// SFlowCounterTests does the same with a real exporter, whose values are not.
@Suite(.serialized) struct CountersCLITests {
    func pantau(_ args: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try run(Lab.pantauBinary, args, timeout: 60)
    }

    /// (in octets, out octets, in errors, out errors) of each sample, 1.5 s apart; the
    /// fourth is the agent after a restart.
    static let samples: [(UInt64, UInt64, UInt32, UInt32)] = [
        (1_000_000, 2_000_000, 0, 0),
        (2_500_000, 2_007_500, 3, 0),
        (5_500_000, 2_007_500, 3, 1),
        (10_000, 20_000, 0, 0),
        (610_000, 23_000, 0, 0),
    ]

    @Test func sampleThenCountersShowsRatesAndTheReset() throws {
        #expect(FileManager.default.isExecutableFile(atPath: Lab.pantauBinary), "build pantau first: \(Lab.pantauBinary)")
        let dir = try Lab.temporaryDirectory("counters")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = dir + "/p.sqlite"
        // 10.20.0.1 is the DISKOMINFO boundary router in the example registry.
        let load = try pantau(["registry", "load", Lab.repo + "/config/registry.example.yaml", "--store", store])
        #expect(load.status == 0, "\(load.stderr)")

        let port = Lab.freeUDPPort()
        let sampler = try ManagedProcess(name: "pantau sample", executable: Lab.pantauBinary,
                                         arguments: ["sample", "--sflow", "127.0.0.1:\(port)", "--duration", "10", "--capture-point", "uplink",
                                                     "--store", store],
                                         logPath: dir + "/sample.log")
        defer { sampler.stop() }
        try #require(waitUntilBound(port: port, within: 20), "pantau sample did not bind 127.0.0.1:\(port): \(sampler.log)")
        for (i, s) in Self.samples.enumerated() {
            if i > 0 { Thread.sleep(forTimeInterval: 1.5) }
            try sendUDP(counterDatagram(sequence: UInt32(i + 1), inOctets: s.0, outOctets: s.1, inErrors: s.2, outErrors: s.3), port: port)
        }
        for _ in 0..<300 where sampler.isRunning { usleep(50_000) }
        #expect(!sampler.isRunning, "pantau sample did not stop after --duration")
        #expect(sampler.log.contains("sFlow datagrams: 5 decoded, 0 rejected"), "\(sampler.log)")

        let json = try pantau(["counters", "--store", store, "--json", "--intervals"])
        #expect(json.status == 0, "\(json.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]], "\(json.stdout)")
        try #require(doc.count == 1)
        let obj = doc[0]
        #expect(obj["agent"] as? String == "10.20.0.1" && (obj["if_index"] as? NSNumber)?.intValue == 7)
        #expect(obj["capture_point"] as? String == "uplink" && obj["pd"] as? String == "DISKOMINFO")
        #expect((obj["samples"] as? NSNumber)?.intValue == 5)
        #expect((obj["resets"] as? NSNumber)?.intValue == 1 && (obj["gaps"] as? NSNumber)?.intValue == 0)
        #expect((obj["duplicates"] as? NSNumber)?.intValue == 0)
        #expect((obj["if_speed"] as? NSNumber)?.intValue == 100_000_000)
        // Octets and errors are the differences of the counters sent, the reset contributing none.
        #expect((obj["in_octets"] as? NSNumber)?.intValue == 1_500_000 + 3_000_000 + 600_000)
        #expect((obj["out_octets"] as? NSNumber)?.intValue == 7_500 + 3_000)
        #expect((obj["in_errors"] as? NSNumber)?.intValue == 3 && (obj["out_errors"] as? NSNumber)?.intValue == 1)

        let intervals = try #require(obj["intervals"] as? [[String: Any]])
        #expect(intervals.map { $0["kind"] as? String } == ["rate", "rate", "reset", "rate"])
        #expect(intervals.map { ($0["in_octets"] as? NSNumber)?.intValue } == [1_500_000, 3_000_000, nil, 600_000])
        #expect(intervals.map { ($0["out_octets"] as? NSNumber)?.intValue } == [7_500, 0, nil, 3_000])
        #expect(intervals.map { ($0["in_errors"] as? NSNumber)?.intValue } == [3, 0, nil, 0])
        var peak = 0.0
        for i in intervals {
            let seconds = try #require((i["seconds"] as? NSNumber)?.doubleValue)
            #expect(seconds >= 1 && seconds < 4, "received \(seconds) s apart, sent 1.5 s apart")
            guard let octets = (i["in_octets"] as? NSNumber)?.doubleValue else {
                #expect(i["in_bps"] == nil || i["in_bps"] is NSNull)
                continue
            }
            let bps = try #require((i["in_bps"] as? NSNumber)?.doubleValue)
            #expect(abs(bps - octets * 8 / seconds) <= 1e-6 * bps)
            let util = try #require((i["in_utilisation_pct"] as? NSNumber)?.doubleValue)
            #expect(abs(util - bps / 100_000_000 * 100) <= 1e-9 * max(util, 1))
            peak = max(peak, bps)
        }
        #expect((obj["peak_in_bps"] as? NSNumber)?.doubleValue == peak)
        let rateSeconds = try #require((obj["rate_seconds"] as? NSNumber)?.doubleValue)
        #expect(abs(((obj["avg_in_bps"] as? NSNumber)?.doubleValue ?? 0) - 5_100_000 * 8 / rateSeconds) < 1e-6)

        #expect(intervals.map { $0["reason"] as? String } == [nil, nil, "counter-went-back", nil])

        // The same samples fed the traffic series (one notion of an interface's traffic): the
        // agent's address is the device, "ifIndex 7" the interface.
        let traffic = try pantau(["traffic", "--store", store, "--interface", "10.20.0.1:ifIndex 7", "--period", "last-1h", "--json"])
        #expect(traffic.status == 0, "\(traffic.stderr)")
        let tdoc = try #require(try JSONSerialization.jsonObject(with: Data(traffic.stdout.utf8)) as? [String: Any])
        let series = try #require((tdoc["interfaces"] as? [[String: Any]])?.first, "\(traffic.stdout)")
        #expect(series["device"] as? String == "10.20.0.1" && (series["speed_bps"] as? NSNumber)?.intValue == 100_000_000)

        // The table: human units, the PD, the reset in the interval list.
        let table = try pantau(["counters", "--store", store, "--intervals"])
        #expect(table.status == 0, "\(table.stderr)")
        let lines = table.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("AGENT") == true && lines.first?.contains("PEAK UTIL") == true)
        let row = try #require(lines.first { $0.hasPrefix("10.20.0.1 ") }, "\(table.stdout)")
        #expect(row.contains("DISKOMINFO") && row.contains("100.00 Mbit/s") && row.contains("kbit/s") && row.contains("uplink"))
        #expect(lines.contains("10.20.0.1 ifIndex 7 (DISKOMINFO) at uplink: 4 intervals"))
        #expect(lines.filter { $0.contains(" reset ") }.count == 1)

        // Filters and refusals.
        let other = try pantau(["counters", "--store", store, "--agent", "10.99.0.1"])
        #expect(other.status == 0 && other.stdout.hasPrefix("No interface counters recorded from agent 10.99.0.1"))
        let recent = try pantau(["counters", "--store", store, "--agent", "10.20.0.1", "--period", "1h", "--json"])
        #expect((try JSONSerialization.jsonObject(with: Data(recent.stdout.utf8)) as? [Any])?.count == 1)
        let bad = try pantau(["counters", "--store", store, "--agent", "core-router"])
        #expect(bad.status == 64 && bad.stderr.contains("not an IP address"))
        let badPeriod = try pantau(["counters", "--store", store, "--period", "yesterday"])
        #expect(badPeriod.status == 64)
        let missing = try pantau(["counters", "--store", dir + "/none.sqlite", "--json"])
        // A read-only command on a missing store fails, naming the path, and creates nothing.
        #expect(missing.status == 1 && missing.stdout.isEmpty)
        #expect(missing.stderr.contains(dir + "/none.sqlite") && missing.stderr.contains("no store here"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/none.sqlite"), "a read-only command created a store")
    }

    @Test func helpExplainsTheCommand() throws {
        let help = try pantau(["counters", "--help"])
        #expect(help.status == 0)
        for text in ["sFlow", "reset", "gap", "--agent", "--period", "--intervals", "--json", "Examples:", "pantau sample --sflow"] {
            #expect(help.stdout.contains(text), "help lacks \(text)")
        }
    }
}

/// A generic interface counter sample (sflow_version_5.txt, counter record 1) from agent
/// 10.20.0.1, ifIndex 7, 100 Mbit/s.
func counterDatagram(sequence: UInt32, inOctets: UInt64, outOctets: UInt64, inErrors: UInt32, outErrors: UInt32) -> [UInt8] {
    func u32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }
    func u64(_ v: UInt64) -> [UInt8] { u32(UInt32(v >> 32)) + u32(UInt32(v & 0xffff_ffff)) }
    // ifIndex, ifType, ifSpeed, ifDirection, ifStatus; in: octets, ucast, mcast, bcast, discards, errors, unknown protos;
    // out: octets, ucast, mcast, bcast, discards, errors; promiscuous mode.
    let generic = u32(7) + u32(6) + u64(100_000_000) + u32(1) + u32(3)
        + u64(inOctets) + u32(0) + u32(0) + u32(0) + u32(0) + u32(inErrors) + u32(0)
        + u64(outOctets) + u32(0) + u32(0) + u32(0) + u32(0) + u32(outErrors) + u32(0)
    let sample = u32(sequence) + u32(7) + u32(1) + u32(1) + u32(UInt32(generic.count)) + generic
    return u32(5) + u32(1) + [10, 20, 0, 1] + u32(0) + u32(sequence) + u32(1000 * sequence) + u32(1)
        + u32(2) + u32(UInt32(sample.count)) + sample
}

/// True once something holds 127.0.0.1:`port` (our own bind then fails with EADDRINUSE).
func waitUntilBound(port: Int, within seconds: Double) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = UInt16(port).bigEndian
        a.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let rc = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        let busy = rc != 0 && errno == EADDRINUSE
        close(fd)
        if busy { return true }
        usleep(50_000)
    }
    return false
}

func sendUDP(_ bytes: [UInt8], port: Int) throws {
    let s = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
    defer { close(s) }
    var a = sockaddr_in()
    a.sin_family = sa_family_t(AF_INET)
    a.sin_port = UInt16(port).bigEndian
    a.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
    let n = bytes.withUnsafeBytes { b in
        withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(s, b.baseAddress, b.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    }
    #expect(n == bytes.count)
}

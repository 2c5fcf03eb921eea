import Foundation
import InventoryModel
import InventoryStore
import InventoryTesting
import Storage
import Testing

/// A fleet collector's spool held to its size cap (issue 21): over it, the oldest raw counter
/// intervals go first (their counter polls' 5-minute samples and states stay), then sampling
/// windows, inventory polls and whole counter polls, and status polls (the outage evidence)
/// only when nothing else is left; what was given up is reported.
@Suite("collector spool: the size cap gives up raw intervals first, status polls last")
struct CollectorSpoolCapTests {
    static let t0 = Date(timeIntervalSince1970: 1_764_547_200)

    /// A counter poll of 48 interfaces: their raw intervals, states and one closed 5-minute sample each.
    static func traffic(_ i: Int) -> TrafficBatch {
        let end = t0.addingTimeInterval(Double(i) * 60)
        let keys = (0..<48).map { TrafficSeriesKey(device: "sw-\(i % 4)", interface: "ge-0/0/\($0)") }
        let rates = keys.map { k in
            InterfaceRate(key: k, ifIndex: 1, interval: CounterInterval(start: end.addingTimeInterval(-60), end: end, kind: .rate,
                                                                       ifSpeed: 1_000_000_000, inOctets: 7_500_000, outOctets: 2_500_000,
                                                                       inErrors: 0, outErrors: 0, inDiscards: 0, outDiscards: 0))
        }
        return TrafficBatch(rates: rates)
    }

    static func status(_ i: Int) -> StatusPoll {
        StatusPoll(device: "sw-\(i % 4)", time: t0.addingTimeInterval(Double(i) * 60), interval: 60, reachable: i % 7 != 0,
                   sysUpTime: UInt32(i * 6000), duration: 0.02, error: i % 7 == 0 ? "timeout" : nil)
    }

    static func sightings(_ i: Int) -> SightingBatch {
        var b = SightingBatch()
        b.hosts = (0..<20).map { h in
            HostSighting(mac: MACAddress("02:00:00:00:\(String(format: "%02x", i % 256)):\(String(format: "%02x", h))")!, vlan: 10,
                         capturePoint: "span", vendor: nil, pd: "DINKES", firstSeen: t0, lastSeen: t0.addingTimeInterval(Double(i)), framesSampled: 3)
        }
        return b
    }

    /// Kinds left in the spool, oldest first, and whether the traffic entries still carry raw intervals.
    func kinds(_ spool: CollectorSpool) throws -> [(seq: Int64, kind: String, rates: Int)] {
        try spool.pending(limit: 1_000_000).map { e in
            if case .traffic(let b) = e.write { return (e.seq, e.write.kind, b.rates.count) }
            return (e.seq, e.write.kind, 0)
        }
    }

    @Test func overItsCapTheSpoolGivesUpRawIntervalsFirstAndStatusPollsLast() throws {
        let dir = try Lab.temporaryDirectory("spool-cap")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let spool = try CollectorSpool(path: dir + "/spool.sqlite", collector: "site-c")
        for i in 0..<120 {
            try spool.append(.status(Self.status(i)))
            try spool.record(traffic: Self.traffic(i))
            if i % 10 == 0 { try spool.record(sightings: Self.sightings(i), captureFile: nil) }
        }
        let full = try spool.usedBytes()
        #expect(try spool.trim(toBytes: full + 4096) == nil)

        // A little over: only raw intervals go, the oldest counter polls' first.
        let first = try #require(try spool.trim(toBytes: full / 10 * 8))
        #expect(first.intervals > 0 && first.entries.isEmpty && first.after <= full / 10 * 8 && first.before == full, "\(first)")
        #expect(first.description.contains("raw traffic intervals (their 5-minute samples kept)") && first.description.contains("MiB"), "\(first)")
        var left = try kinds(spool)
        #expect(left.count == 120 * 2 + 12)
        let traffic = left.filter { $0.kind == "traffic" }
        let stripped = traffic.prefix { $0.rates == 0 }.count
        #expect(stripped > 0 && stripped < traffic.count && traffic.dropFirst(stripped).allSatisfy { $0.rates == 48 }, "\(traffic.map(\.rates))")

        // Far over: sampling windows and counter polls go too, status polls last and oldest first.
        // A cap that holds the spool's own tables and about half the status polls.
        let only = try CollectorSpool(path: dir + "/status-only.sqlite", collector: "site-c")
        let empty = try only.usedBytes()
        for i in 0..<120 { try only.append(.status(Self.status(i))) }
        let statusBytes = try only.usedBytes() - empty
        let cap = (empty + statusBytes / 10 * 6) / 9 * 10
        let second = try #require(try spool.trim(toBytes: cap))
        left = try kinds(spool)
        #expect(second.entries["sightings"] == 12 && second.entries["traffic"] == 120 && (second.entries["status"] ?? 0) > 0, "\(second)")
        #expect(second.description.contains("12 sampling windows") && second.description.contains("120 counter polls")
                && second.description.contains("status polls"), "\(second)")
        #expect(!left.isEmpty && left.allSatisfy { $0.kind == "status" }, "\(left.map(\.kind))")
        // The newest status polls are the ones kept.
        let kept = try spool.pending(limit: 1000).compactMap { e -> Date? in if case .status(let p) = e.write { p.time } else { nil } }
        #expect(kept.last == Self.status(119).time && kept == kept.sorted())
        let used = try spool.usedBytes()
        #expect(kept.count < 120 && used <= cap / 10 * 9, "\(kept.count) status polls kept, \(used) bytes")
    }
}

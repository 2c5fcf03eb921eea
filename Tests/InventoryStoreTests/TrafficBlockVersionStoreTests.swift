import Foundation
import GRDB
import InventoryModel
import InventoryTesting
import Storage
import Testing

/// Stores written before version 2 blocks (every block as version 1 wrote it) keep working on
/// both backends: read, summed up, merged into (the merged block is then written as version 2).
@Suite("traffic blocks of version 1 in a store")
struct TrafficBlockVersionStoreTests {
    let key = TrafficSeriesKey(device: "rtr-dinkes", interface: "ether1")
    let day: Int64 = 1_793_577_600   // 2026-11-02T00:00:00Z

    /// The version byte of each block (by resolution and start), read behind the store's back.
    func versions(_ made: TestStore) throws -> [Int] {
        let sql = "SELECT %@ FROM traffic_block ORDER BY resolution, start"
        switch made.backend {
        case .sqlite:
            return try DatabaseQueue(path: made.location).read { db in
                try Int.fetchAll(db, sql: String(format: sql, "CAST(hex(substr(data, 1, 1)) AS INTEGER)"))
            }
        case .postgres:
            let out = try PostgresServer.shared().psql(String(format: sql, "get_byte(data, 0)"),
                                                       database: String(made.location.split(separator: "/").last ?? ""))
            return out.split(separator: "\n").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        }
    }

    /// Replaces a block's bytes, as a store of version 1 held them.
    func storeAsVersion1(_ made: TestStore, resolution: TrafficResolution, start: Int64, _ samples: [TrafficSample]) throws {
        let hex = TrafficBlockCodec.encodeVersion1(samples).map { String(format: "%02x", $0) }.joined()
        let literal = made.backend == .sqlite ? "X'\(hex)'" : "'\\x\(hex)'::bytea"
        let r = try made.rawSQL("UPDATE traffic_block SET data = \(literal) WHERE resolution = \(resolution.rawValue) AND start = \(start)")
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test("blocks written as version 1 read, sum up and merge as before", arguments: StoreBackend.allCases)
    func versionOneBlocksKeepWorking(backend: StoreBackend) throws {
        let made = try backend.makeStore("traffic-v1")
        defer { made.remove() }
        // A day and a half of noisy samples (a gap, idle zeros, a short sample), and an hour.
        var rng = SplitMix64(seed: 16)
        let samples = (0..<432).filter { $0 % 100 != 7 }.map { k -> TrafficSample in
            let v = k % 288 < 60 ? 0 : Int64.random(in: 1_000...90_000_000, using: &rng)
            return TrafficSample(start: day + Int64(k) * 300, covered: k == 200 ? 120 : 300, inBPS: v, outBPS: v / 3, inErrors: Int64(k % 2))
        }
        let hour = TrafficSample(start: day, covered: 3_600, inBPS: 5_000_000, outBPS: 7, peakInBPS: 9_000_000, peakOutBPS: 8)
        do {
            let store = try made.open()
            try store.record(traffic: TrafficBatch(runs: [TrafficSampleRun(key: key, resolution: .fiveMinutes, samples: samples),
                                                          TrafficSampleRun(key: key, resolution: .hour, samples: [hour])]))
        }
        #expect(try versions(made) == [2, 2, 2])
        try storeAsVersion1(made, resolution: .fiveMinutes, start: day, samples.filter { $0.start < day + 86_400 })
        try storeAsVersion1(made, resolution: .fiveMinutes, start: day + 86_400, samples.filter { $0.start >= day + 86_400 })
        try storeAsVersion1(made, resolution: .hour, start: TrafficBlockCodec.blockStart(.hour, day), [hour])
        #expect(try versions(made) == [1, 1, 1])

        let store = try made.open()
        let everything = (Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 2e9))
        #expect(try store.trafficSamples([key], resolution: .fiveMinutes, from: everything.0, to: everything.1)[key] == samples)
        #expect(try store.trafficSamples(nil, resolution: .hour, from: everything.0, to: everything.1)[key] == [hour])
        for (lo, hi) in [(0, 432), (50, 300), (287, 289)] {
            let from = Date(timeIntervalSince1970: TimeInterval(day + Int64(lo) * 300)), to = Date(timeIntervalSince1970: TimeInterval(day + Int64(hi) * 300))
            let expected = TrafficStatistics(fiveMinute: samples.filter { $0.start >= day + Int64(lo) * 300 && $0.start < day + Int64(hi) * 300 })
            #expect(try store.trafficStatistics(nil, from: from, to: to)[key] == expected, "\(lo)..<\(hi)")
            #expect(try store.trafficStatistics([key], from: from, to: to)[key] == expected, "\(lo)..<\(hi)")
        }

        // New samples merge into the second day's version 1 block (one replaces a sample),
        // which is written back as version 2; the first day's block and the hour's are left as they were.
        let later = (432..<500).map { k in TrafficSample(start: day + Int64(k) * 300, covered: 300, inBPS: Int64(k) * 1_000, outBPS: 1) }
        let replaced = TrafficSample(start: day + 300 * 300, covered: 300, inBPS: 77, outBPS: 78)
        try store.record(traffic: TrafficBatch(runs: [TrafficSampleRun(key: key, resolution: .fiveMinutes, samples: later + [replaced])]))
        #expect(try versions(made) == [1, 2, 1])
        let merged = samples.map { $0.start == replaced.start ? replaced : $0 } + later
        #expect(try store.trafficSamples([key], resolution: .fiveMinutes, from: everything.0, to: everything.1)[key] == merged)
        #expect(try store.trafficStatistics(nil, from: everything.0, to: everything.1)[key] == TrafficStatistics(fiveMinute: merged))
    }
}

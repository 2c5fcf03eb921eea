import Foundation
import GRDB
import InventoryModel
import InventoryStore
import InventoryTesting
import Storage
import Testing

/// A run written `withRollups` (the store rolls each block up as it writes it) stores exactly
/// what the run and its rollups written as runs of their own store (`TrafficSampleRun.expanded`):
/// hours are `TrafficSample.rollups` of the 5-minute samples, days those of the hours.
@Suite("traffic runs written with their rollups")
struct TrafficRollupRunTests {
    static let keys = [TrafficSeriesKey(device: "rtr-bappeda", interface: "ge-0/0/0"), TrafficSeriesKey(device: "sw-dinkes", interface: "1")]

    /// Random 5-minute samples over `days` days from `start`: gaps (some across midnight and
    /// whole days), partly covered samples, peaks above the averages, counters; with `shuffled`
    /// a few neighbours swapped (a run out of order, sorted by the store before encoding).
    static func samples(_ rng: inout SplitMix64, start: Int64, days: Int, shuffled: Bool) -> [TrafficSample] {
        var out: [TrafficSample] = []
        var t = start
        let end = start + Int64(days) * 86_400
        while t < end {
            let r = rng.next() % 100
            if r == 0 { t += 300 * Int64(1 + rng.next() % 400); continue }   // a gap, up to a day and a bit
            let v = Int64(rng.next() % 900_000_000)
            let covered: Int64 = r < 90 ? 300 : Int64(1 + rng.next() % 299)
            out.append(TrafficSample(start: t, covered: covered, inBPS: v, outBPS: v / Int64(1 + rng.next() % 9),
                                     peakInBPS: r % 3 == 0 ? v + Int64(rng.next() % 1_000) : nil,
                                     inErrors: r == 7 ? 3 : 0, outErrors: Int64(rng.next() % 2), inDiscards: 0, outDiscards: r == 9 ? 1 : 0))
            t += 300
        }
        if shuffled && out.count > 10 {
            for _ in 0 ..< 5 {
                let i = Int(rng.next() % UInt64(out.count - 1))
                out.swapAt(i, i + 1)
            }
        }
        return out
    }

    /// Every sample at every resolution, per series.
    func held(_ store: any PantauStorage) throws -> [String: [TrafficSample]] {
        var out: [String: [TrafficSample]] = [:]
        for r in TrafficResolution.allCases {
            for (k, v) in try store.trafficSamples(nil, resolution: r, from: Date(timeIntervalSince1970: 0), to: Date(timeIntervalSince1970: 4e9)) {
                out["\(k) \(r)"] = v
            }
        }
        return out
    }

    @Test("the same samples as the run and its rollups written as runs, also merged into blocks already there",
          arguments: StoreBackend.allCases, [1, 2, 3])
    func withRollupsEqualsTheExpandedRuns(backend: StoreBackend, seed: Int) throws {
        var rng = SplitMix64(seed: UInt64(seed) &* 0x5151)
        let day: Int64 = 1_793_577_600   // 2026-11-02T00:00:00Z
        // An earlier batch (already stored) that the runs' blocks merge into: some of its
        // samples are replaced, some are kept.
        let earlier = Self.keys.map { k in
            TrafficSampleRun(key: k, resolution: .fiveMinutes, samples: Self.samples(&rng, start: day + 3 * 86_400, days: 2, shuffled: false))
        }
        let runs = Self.keys.enumerated().map { i, k in
            TrafficSampleRun(key: k, resolution: .fiveMinutes, samples: Self.samples(&rng, start: day + Int64(i) * 3_900, days: 25, shuffled: i == 1),
                             withRollups: true)
        }
        let hourly = TrafficSampleRun(key: Self.keys[0], resolution: .hour,
                                      samples: TrafficSample.rollups(Self.samples(&rng, start: day + 40 * 86_400, days: 30, shuffled: false)[...], to: .hour),
                                      withRollups: true)
        let a = try backend.makeStore("rollup-run-a"), b = try backend.makeStore("rollup-run-b")
        defer { a.remove(); b.remove() }
        let fused = try a.open(), expanded = try b.open()
        for store in [fused, expanded] { try store.record(traffic: TrafficBatch(runs: earlier.map(\.expanded).flatMap { $0 })) }
        try fused.record(traffic: TrafficBatch(runs: runs + [hourly]))
        try expanded.record(traffic: TrafficBatch(runs: (runs + [hourly]).flatMap(\.expanded)))
        let got = try held(fused), want = try held(expanded)
        #expect(got.count == 2 * 3 && got == want)
        // The expanded runs are the documented rollups: hours of the 5-minute samples, days of the hours.
        let first = runs[0].expanded
        #expect(first.map(\.resolution) == [.fiveMinutes, .hour, .day] && !first.contains(where: \.withRollups))
        #expect(first[1].samples == TrafficSample.rollups(runs[0].samples[...], to: .hour))
        #expect(first[2].samples == TrafficSample.rollups(first[1].samples[...], to: .day))
        #expect(hourly.expanded.map(\.resolution) == [.hour, .day])
        // On SQLite the blocks themselves are the same bytes.
        if backend == .sqlite {
            let sql = "SELECT s.device, s.interface, b.resolution, b.start, b.count, b.last, hex(b.data) FROM traffic_block b JOIN traffic_series s ON s.id = b.series_id ORDER BY 1, 2, 3, 4"
            func blocks(_ path: String) throws -> [String] {
                try DatabaseQueue(path: path).read { db in try Row.fetchAll(db, sql: sql).map { "\($0)" } }
            }
            let fusedBlocks = try blocks(a.location), expandedBlocks = try blocks(b.location)
            #expect(fusedBlocks.count > 50 && fusedBlocks == expandedBlocks)
        }
    }

    @Test("a spooled batch keeps its rollups, as the runs they make")
    func spooledRollups() throws {
        let dir = try Lab.temporaryDirectory("spool-rollups")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let spool = try CollectorSpool(path: dir + "/spool.sqlite", collector: "site-r")
        var rng = SplitMix64(seed: 99)
        let run = TrafficSampleRun(key: Self.keys[0], resolution: .fiveMinutes,
                                   samples: Self.samples(&rng, start: 1_793_577_600, days: 3, shuffled: false), withRollups: true)
        try spool.record(traffic: TrafficBatch(runs: [run]))
        let entry = try #require(try spool.pending(limit: 10).first)
        guard case .traffic(let batch) = entry.write else { Issue.record("\(entry.write.kind)"); return }
        #expect(batch.runs == run.expanded)
    }
}

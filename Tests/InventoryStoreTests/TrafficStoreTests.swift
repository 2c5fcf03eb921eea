import Foundation
import GRDB
import InventoryModel
import InventoryStore
import InventoryTesting
import Storage
import Testing

@Suite("traffic series in the store")
struct TrafficStoreTests {
    let key = TrafficSeriesKey(device: "rtr-bappeda", interface: "ge-0/0/0")
    let day: Int64 = 1_793_577_600   // 2026-11-02T00:00:00Z

    func five(_ k: Int64, _ bps: Int64, covered: Int64 = 300) -> ClosedTrafficSample {
        ClosedTrafficSample(key: key, resolution: .fiveMinutes,
                            sample: TrafficSample(start: day + k * 300, covered: covered, inBPS: bps, outBPS: bps / 2, inErrors: k % 3))
    }

    @Test("a batch's states, intervals and samples come back as written, from a store reopened", arguments: StoreBackend.allCases)
    func roundTripThroughAFile(backend: StoreBackend) throws {
        let made = try backend.makeStore("traffic")
        defer { made.remove() }
        var state = TrafficSeriesState(key: key, ifIndex: 3, name: "ge-0/0/0", alias: "WAN Telkom", speed: 100_000_000,
                                       last: CounterReading(time: Date(timeIntervalSince1970: 1_793_577_900.25), ifSpeed: 100_000_000,
                                                            inOctets: 123_456_789, outOctets: 42, width: .bits32, sysUpTime: 77, ifIndex: 3))
        state.open[0] = TrafficBucket(start: day + 300)
        let interval = CounterInterval(start: Date(timeIntervalSince1970: 1_793_577_840.25), end: Date(timeIntervalSince1970: 1_793_577_900.25),
                                       kind: .rate, ifSpeed: 100_000_000, inOctets: 750_000, outOctets: 1, inErrors: 0, outErrors: 0,
                                       inDiscards: 2, outDiscards: 0)
        let reset = CounterInterval(start: Date(timeIntervalSince1970: 1_793_577_900.25), end: Date(timeIntervalSince1970: 1_793_577_960.25),
                                    kind: .reset, ifSpeed: 100_000_000, reason: .agentRestarted)
        do {
            let store = try made.open()
            if let sqlite = store as? PantauStore {
                #expect(try sqlite.appliedMigrations().contains("v5-traffic") && sqlite.appliedMigrations().contains("v6-traffic-prune"))
            }
            try store.record(traffic: TrafficBatch(states: [state], rates: [InterfaceRate(key: key, ifIndex: 3, interval: interval),
                                                                            InterfaceRate(key: key, ifIndex: 3, interval: reset)],
                                                   samples: (0..<10).map { five($0, 1_000_000 + $0 * 7_919) }))
        }
        let store = try made.open(.readOnly)
        #expect(try store.trafficStates(device: "rtr-bappeda") == [state])
        #expect(try store.trafficStates(device: "other").isEmpty)
        #expect(try store.trafficIntervals(key, from: Date(timeIntervalSince1970: 0), to: Date(timeIntervalSince1970: 2e9)) == [interval, reset])
        let samples = try store.trafficSamples([key], resolution: .fiveMinutes, from: Date(timeIntervalSince1970: TimeInterval(day + 600)),
                                               to: Date(timeIntervalSince1970: TimeInterval(day + 1_500)))
        #expect(samples[key] == (2..<5).map { five($0, 1_000_000 + $0 * 7_919).sample })
        #expect(try store.trafficSamples(nil, resolution: .fiveMinutes, from: Date(timeIntervalSince1970: 0),
                                         to: Date(timeIntervalSince1970: 2e9))[key]?.count == 10)
        #expect(try store.trafficSamples(nil, resolution: .hour, from: Date(timeIntervalSince1970: 0), to: Date(timeIntervalSince1970: 2e9)).isEmpty)
    }

    @Test("the latest rate of every series comes from one read and agrees with reading each series' intervals",
          arguments: StoreBackend.allCases)
    func latestRatesOfEverySeries(backend: StoreBackend) throws {
        let made = try backend.makeStore("traffic-latest")
        defer { made.remove() }
        let store = try made.open()
        let other = TrafficSeriesKey(device: "rtr-dinkes", interface: "ether1"), idle = TrafficSeriesKey(device: "sw-1", interface: "1")
        func at(_ k: TrafficSeriesKey, _ end: Double, _ kind: CounterInterval.Kind, _ octets: UInt64) -> InterfaceRate {
            InterfaceRate(key: k, ifIndex: 1, interval: CounterInterval(
                start: Date(timeIntervalSince1970: end - 60), end: Date(timeIntervalSince1970: end), kind: kind, ifSpeed: 1_000_000,
                inOctets: kind == .rate ? octets : nil, outOctets: kind == .rate ? octets / 2 : nil, reason: kind == .rate ? nil : .agentRestarted))
        }
        try store.record(traffic: TrafficBatch(rates: [
            at(key, 1_000, .rate, 100), at(key, 1_060, .rate, 200), at(key, 1_120, .reset, 0),   // newest is a reset: the rate before it counts
            at(other, 1_000, .rate, 7), at(other, 1_300, .rate, 9),                             // the newest ends after `to`
            at(idle, 1_060, .reset, 0),                                                         // no rate at all
        ]))
        let from = Date(timeIntervalSince1970: 900), to = Date(timeIntervalSince1970: 1_200)
        let latest = try store.latestTrafficRates(nil, from: from, to: to)
        #expect(latest.mapValues(\.inOctets) == [key: 200, other: 7])
        #expect(latest[key]?.end == Date(timeIntervalSince1970: 1_060))
        #expect(try store.latestTrafficRates([other], from: from, to: to).keys.sorted { $0.device < $1.device } == [other])
        // The protocol's per-series reading (what a backend without its own query does) agrees.
        struct PerSeries: TrafficStorage {
            let base: any PantauStorage
            func trafficStates(device: String) throws(StoreError) -> [TrafficSeriesState] { try base.trafficStates(device: device) }
            func trafficSeries(device: String?) throws(StoreError) -> [TrafficSeriesState] { try base.trafficSeries(device: device) }
            func record(traffic: TrafficBatch) throws(StoreError) { try base.record(traffic: traffic) }
            func trafficSamples(_ keys: [TrafficSeriesKey]?, resolution: TrafficResolution, from: Date, to: Date) throws(StoreError) -> [TrafficSeriesKey: [TrafficSample]] {
                try base.trafficSamples(keys, resolution: resolution, from: from, to: to)
            }
            func trafficStatistics(_ keys: [TrafficSeriesKey]?, from: Date, to: Date) throws(StoreError) -> [TrafficSeriesKey: TrafficStatistics] {
                try base.trafficStatistics(keys, from: from, to: to)
            }
            func trafficIntervals(_ key: TrafficSeriesKey, from: Date, to: Date) throws(StoreError) -> [CounterInterval] {
                try base.trafficIntervals(key, from: from, to: to)
            }
            func pruneTraffic(retention: TrafficRetention, now: Date) throws(StoreError) -> Int { try base.pruneTraffic(retention: retention, now: now) }
        }
        #expect(try PerSeries(base: store).latestTrafficRates(nil, from: from, to: to) == latest)
    }

    @Test("samples merge into their day's block across batches; a later sample with the same start replaces the earlier",
          arguments: StoreBackend.allCases)
    func samplesMergeIntoBlocks(backend: StoreBackend) throws {
        let made = try backend.makeStore("traffic")
        defer { made.remove() }
        let store = try made.open()
        try store.record(traffic: TrafficBatch(samples: [five(0, 10), five(1, 20), five(287, 30), five(288, 40)]))
        try store.record(traffic: TrafficBatch(samples: [five(2, 25), five(1, 21)]))
        let all = try store.trafficSamples([key], resolution: .fiveMinutes, from: Date(timeIntervalSince1970: 0), to: Date(timeIntervalSince1970: 2e9))
        #expect(all[key]?.map(\.inBPS) == [10, 21, 25, 30, 40])
        #expect(all[key]?.map(\.start) == [day, day + 300, day + 600, day + 287 * 300, day + 288 * 300])
    }

    @Test("pruning drops raw intervals and blocks older than their retention, and keeps the rest", arguments: StoreBackend.allCases)
    func pruning(backend: StoreBackend) throws {
        let made = try backend.makeStore("traffic")
        defer { made.remove() }
        let store = try made.open()
        let old = Date(timeIntervalSince1970: TimeInterval(day))
        let i = CounterInterval(start: old, end: old.addingTimeInterval(60), kind: .gap, ifSpeed: 0, reason: .gap)
        try store.record(traffic: TrafficBatch(rates: [InterfaceRate(key: key, ifIndex: nil, interval: i)],
                                               samples: [five(0, 1), ClosedTrafficSample(key: key, resolution: .hour,
                                                                                        sample: TrafficSample(start: day, covered: 3600, inBPS: 1, outBPS: 1))]))
        // 10 days later: raw (8 days) goes, 5-minute (400 days) and hourly stay.
        let n = try store.pruneTraffic(retention: TrafficRetention(), now: old.addingTimeInterval(10 * 86_400))
        #expect(n == 1)
        #expect(try store.trafficIntervals(key, from: .distantPast, to: .distantFuture).isEmpty)
        // With 1 day of 5-minute retention, the day block goes once its whole window is older.
        #expect(try store.pruneTraffic(retention: TrafficRetention(fiveMinuteDays: 1), now: old.addingTimeInterval(3 * 86_400)) == 1)
        #expect(try store.trafficSamples([key], resolution: .fiveMinutes, from: .distantPast, to: .distantFuture).isEmpty)
        #expect(try store.trafficSamples([key], resolution: .hour, from: .distantPast, to: .distantFuture)[key]?.count == 1)
    }

    @Test("statistics read straight from the blocks equal those of the samples, over block edges and a period's bounds",
          arguments: StoreBackend.allCases)
    func statisticsFromBlocksEqualThoseOfTheSamples(backend: StoreBackend) throws {
        let made = try backend.makeStore("traffic")
        defer { made.remove() }
        let store = try made.open()
        var rng = SystemRandomNumberGenerator()
        let other = TrafficSeriesKey(device: "rtr-bappeda", interface: "ge-0/0/1")
        // Three days of one series (a missing stretch included) and one day of another.
        var samples: [ClosedTrafficSample] = []
        for k in 0..<(3 * 288) where k % 97 != 5 {
            samples.append(five(Int64(k), Int64.random(in: 0...90_000_000, using: &rng), covered: k % 50 == 0 ? 120 : 300))
        }
        for k in 0..<288 {
            let x = TrafficSample(start: day + Int64(k) * 300, covered: 300, inBPS: Int64(k), outBPS: 1)
            samples.append(ClosedTrafficSample(key: other, resolution: .fiveMinutes, sample: x))
        }
        try store.record(traffic: TrafficBatch(samples: samples))
        for (lo, hi) in [(0, 3 * 288), (100, 700), (288, 576), (287, 289)] {
            let from = Date(timeIntervalSince1970: TimeInterval(day + Int64(lo) * 300)), to = Date(timeIntervalSince1970: TimeInterval(day + Int64(hi) * 300))
            let fromBlocks = try store.trafficStatistics(nil, from: from, to: to)
            let fromSamples = try store.trafficSamples(nil, resolution: .fiveMinutes, from: from, to: to).compactMapValues { TrafficStatistics(fiveMinute: $0) }
            #expect(fromBlocks == fromSamples, "\(lo)..<\(hi)")
            #expect(try store.trafficStatistics([other], from: from, to: to).keys.sorted() == (lo < 288 ? [other] : []))
        }
    }

    @Test("a store from before v6-traffic-prune (every v5 migration applied) is upgraded, its series kept")
    func upgradeAddsThePruneIndex() throws {
        let dir = try Lab.temporaryDirectory("traffic-upgrade")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/t.sqlite"
        do {
            let store = try PantauStore(path: path)
            try store.record(traffic: TrafficBatch(samples: [five(0, 42)]))
        }
        // Back to the schema main had: no index, the migration not applied.
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "DROP INDEX traffic_raw_time")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v6-traffic-prune'")
            try db.execute(sql: "PRAGMA user_version = \(PantauStore.schemaVersion - 1)")
        }
        try queue.close()
        let store = try PantauStore(path: path)
        #expect(try store.appliedMigrations().contains("v6-traffic-prune"))
        #expect(try store.trafficSamples([key], resolution: .fiveMinutes, from: .distantPast, to: .distantFuture)[key]?.map(\.inBPS) == [42])
        let indexes = try DatabaseQueue(path: path).read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index'") }
        #expect(indexes.contains("traffic_raw_time"))
    }

    @Test("a store from before v7-traffic-blocks-by-series loses its index by time and keeps its blocks, read and pruned by series")
    func upgradeDropsTheBlockTimeIndex() throws {
        let dir = try Lab.temporaryDirectory("traffic-upgrade7")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/t.sqlite"
        do {
            let store = try PantauStore(path: path)
            try store.record(traffic: TrafficBatch(samples: [five(0, 42), five(1, 7)]))
        }
        // Back to the schema before: the index by time, the migration not applied.
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "CREATE INDEX traffic_block_time ON traffic_block(resolution, start)")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v7-traffic-blocks-by-series'")
            try db.execute(sql: "PRAGMA user_version = \(PantauStore.schemaVersion - 1)")
        }
        try queue.close()
        let store = try PantauStore(path: path)
        #expect(try store.appliedMigrations().contains("v7-traffic-blocks-by-series"))
        let indexes = try DatabaseQueue(path: path).read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index'") }
        #expect(!indexes.contains("traffic_block_time"))
        let all = try store.trafficStatistics(nil, from: .distantPast, to: .distantFuture)
        #expect(all[key]?.samples == 2)
        #expect(all[key]?.inbound.peak == 42)
        #expect(try store.pruneTraffic(retention: TrafficRetention(fiveMinuteDays: 1), now: Date().addingTimeInterval(10 * 365 * 86_400)) >= 1)
        #expect(try store.trafficStatistics(nil, from: .distantPast, to: .distantFuture).isEmpty)
    }
}

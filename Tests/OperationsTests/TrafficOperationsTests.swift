import Foundation
import Governance
import InventoryModel
import InventoryStore
import InventoryTesting
import Operations
import Reconciliation
import Settings
import Storage
import Testing

/// TrafficRecorder (the daemon's call for each counter poll, and sFlow's) and TrafficReports
/// (per interface and per PD against the registry), on a real SQLite store.
@Suite struct TrafficOperationsTests {
    /// 2026-11-02T00:00:00Z.
    static let t0 = Date(timeIntervalSince1970: 1_793_577_600)
    let clock = FixedClock(TrafficOperationsTests.t0.addingTimeInterval(86_400))

    func store() throws -> PantauStore {
        let store = try PantauStore(inMemory: ())
        let profile = try RegionalProfile.load(path: Lab.repo + "/config/profiles/manggarai.yaml")
        try store.saveRegistry(try PDRegistry.load(path: Lab.repo + "/config/registry.example.yaml", profile: profile), source: "example", at: Self.t0)
        return store
    }

    /// Polls of bappeda-gw every 300 s: in bucket k the uplink ("WAN Telkom", ifName ge-0/0/0)
    /// carries `mbps(k)` Mbit/s in and 1 Mbit/s out.
    static func polls(_ buckets: Int, mbps: (Int) -> UInt64) -> [CounterPoll] {
        var inOctets: UInt64 = 0, outOctets: UInt64 = 0
        return (0...buckets).map { k in
            if k > 0 { inOctets += mbps(k - 1) * 1_000_000 / 8 * 300; outOctets += 1_000_000 / 8 * 300 }
            return CounterPoll(device: "bappeda-gw", time: t0.addingTimeInterval(Double(k * 300)), sysUpTime: UInt32(1_000 + k * 30_000),
                               interfaces: [InterfaceCounterSnapshot(ifIndex: 2, name: "ge-0/0/0", alias: "WAN Telkom", speed: 100_000_000,
                                                                     hcInOctets: inOctets, hcOutOctets: outOctets, inErrors: 0, outErrors: 0)])
        }
    }

    @Test func recordReturnsEachPollsRatesAndStoresTheSeries() throws {
        let s = try store()
        let recorder = TrafficRecorder(store: s, clock: clock)
        let polls = Self.polls(3) { UInt64($0 + 1) }
        #expect(try recorder.record(polls[0], pollInterval: 300).isEmpty)   // a first reading has no interval
        let rates = try recorder.record(polls[1], pollInterval: 300)
        #expect(rates.count == 1 && rates[0].key == TrafficSeriesKey(device: "bappeda-gw", interface: "ge-0/0/0"))
        #expect(rates[0].interval.inBitsPerSecond == 1_000_000 && rates[0].interval.outBitsPerSecond == 1_000_000)
        #expect(rates[0].interval.inUtilisation == 1)
        // A new recorder (a restarted daemon) continues from the stored state: no spike, no lost interval.
        let again = TrafficRecorder(store: s, clock: clock)
        #expect(try again.record(polls[2], pollInterval: 300).map(\.interval.inBitsPerSecond) == [2_000_000])
        let samples = try s.trafficSamples(nil, resolution: .fiveMinutes, from: .distantPast, to: .distantFuture)
        #expect(samples.values.first?.map(\.inBPS) == [1_000_000, 2_000_000])   // the poll at 600 s closed the second bucket
        #expect(try s.trafficIntervals(rates[0].key, from: .distantPast, to: .distantFuture).count == 2)
    }

    @Test func pollsEverySecondWithJitterEachGiveAnInterval() throws {
        let s = try store()
        let recorder = TrafficRecorder(store: s, clock: clock)
        // A 1 s schedule whose polls land 0.9 to 1.1 s apart: each is its own interval at 8 Mbit/s.
        var octets: UInt64 = 0, t = Self.t0
        var rates: [InterfaceRate] = []
        for k in 0..<10 {
            let dt = k == 0 ? 0 : (k % 2 == 0 ? 0.9 : 1.1)
            t = t.addingTimeInterval(dt); octets += UInt64(dt * 1_000_000)
            rates += try recorder.record(CounterPoll(device: "bappeda-gw", time: t, sysUpTime: UInt32(1_000 + k * 100), interfaces: [
                InterfaceCounterSnapshot(ifIndex: 2, name: "ge-0/0/0", speed: 100_000_000, hcInOctets: octets, hcOutOctets: 0)]), pollInterval: 1)
        }
        #expect(rates.count == 9)
        #expect(rates.allSatisfy { $0.interval.kind == .rate && abs(($0.interval.inBitsPerSecond ?? 0) - 8_000_000) < 1 }, "\(rates.map(\.interval))")
        // A reading delivered twice (0.2 s apart on a 1 s schedule) is still a duplicate.
        t = t.addingTimeInterval(0.2)
        #expect(try recorder.record(CounterPoll(device: "bappeda-gw", time: t, sysUpTime: 2_000, interfaces: [
            InterfaceCounterSnapshot(ifIndex: 2, name: "ge-0/0/0", speed: 100_000_000, hcInOctets: octets, hcOutOctets: 0)]), pollInterval: 1).isEmpty)
    }

    @Test func aPDsUplinkP95AgainstItsAllocationMatchesAHandComputation() throws {
        let s = try store()
        // 40 buckets at 1...40 Mbit/s in; nearest-rank p95 of 40 values = the 38th = 38 Mbit/s.
        try TrafficRecorder(store: s, clock: clock).record(Self.polls(40) { UInt64($0 + 1) }, pollInterval: 300)
        let day = try #require(ReportPeriod.parse("2026-11-02", now: clock.now(), zone: .gmt))
        let r = try TrafficReports.report(.init(period: day, allocationShare: 0.8), zone: .gmt, note: nil, store: s)
        let bappeda = try #require(r.pds.first { $0.pd == "BAPPEDA" })
        #expect(bappeda.uplinks == [.init(router: "rtr-bappeda", device: "bappeda-gw", uplink: "WAN Telkom", interface: "ge-0/0/0")])
        let st = try #require(bappeda.statistics)
        #expect(st.samples == 40 && st.inbound.p95BPS == 38_000_000 && st.outbound.p95BPS == 1_000_000 && st.p95BPS == 38_000_000)
        #expect(st.inbound.peakBPS == 40_000_000 && st.inbound.averageBPS == 20_500_000)
        #expect(bappeda.allocationUse == 76)   // 38 of 50 Mbit/s
        #expect(!r.flags.contains { $0.pd == "BAPPEDA" })
        let uplink = try #require(r.interfaces.first)
        #expect(uplink.pd == "BAPPEDA" && uplink.p95Utilisation == 38 && uplink.statistics == st)
        // DISKOMINFO and DINKES declare uplinks nobody polls.
        #expect(r.flags.filter { $0.kind == .uplinkNotFound }.map(\.pd) == ["DINKES", "DISKOMINFO"])

        let strict = try TrafficReports.report(.init(pd: "BAPPEDA", period: day, allocationShare: 0.7), zone: .gmt, note: nil, store: s)
        #expect(strict.flags.map(\.kind) == [.overAllocation] && strict.pds.map(\.pd) == ["BAPPEDA"])
        let one = try TrafficReports.report(.init(interface: "bappeda-gw:WAN Telkom", period: day), zone: .gmt, note: nil, store: s)
        #expect(one.interfaces.map(\.interface) == ["ge-0/0/0"] && one.pds.isEmpty)
        #expect(throws: OperationError.self) { try TrafficReports.report(.init(pd: "NOPE", period: day), zone: .gmt, note: nil, store: s) }
    }

    @Test func trafficOnAnUplinkWithoutAnApprovedAllocationIsFlagged() throws {
        let s = try store()
        var registry = try #require(try s.registry())
        // DINKES has no bandwidth entry: point its router at the polled device.
        let i = try #require(registry.pds.firstIndex { $0.code == "DINKES" })
        registry.pds[i].boundaryRouters[0].target = "bappeda-gw"
        registry.pds[i].boundaryRouters[0].uplink = "ge-0/0/0"
        try s.saveRegistry(registry, source: "test", at: Self.t0)
        try TrafficRecorder(store: s, clock: clock).record(Self.polls(12) { _ in 5 }, pollInterval: 300)
        let day = try #require(ReportPeriod.parse("2026-11-02", now: clock.now(), zone: .gmt))
        let r = try TrafficReports.report(.init(pd: "DINKES", period: day), zone: .gmt, note: nil, store: s)
        #expect(r.flags.map(\.kind) == [.noAllocation])
        #expect(r.pds.first?.statistics?.p95BPS == 5_000_000 && r.pds.first?.allocationUse == nil)
    }

    /// The flags as findings: under Lebong the allocation findings cite its Pasal 24 ayat (4);
    /// an unmonitored uplink names its router; a finding resolves when its flag clears.
    @Test func theFlagsBecomeFindingsThatResolveThemselves() throws {
        let s = try store()
        try s.activate(profile: try RegionalProfile.load(path: Lab.repo + "/config/profiles/lebong.yaml"), by: "test", at: Self.t0)
        try TrafficRecorder(store: s, clock: clock).record(Self.polls(40) { UInt64($0 + 1) }, pollInterval: 300)
        let day = try #require(ReportPeriod.parse("2026-11-02", now: clock.now(), zone: .gmt))
        let ops = FindingOperations(store: s, clock: clock)
        func record(share: Double) throws -> [Finding] {
            let r = try TrafficReports.report(.init(period: day, allocationShare: share), zone: .gmt, note: nil, store: s)
            return try ops.record(TrafficReports.detections(r), codes: TrafficReports.findingCodes)
        }
        let strict = try record(share: 0.7)
        let over = try #require(strict.first { $0.code == .bandwidthOverAllocation })
        #expect(over.pd == "BAPPEDA" && over.message.contains("76.0% of the approved 50.00 Mbit/s"), "\(over.message)")
        #expect(over.basis.description.contains("Pasal 24 ayat (4)"), "\(over.basis)")
        #expect(over.evidence.first?.details["p95_bps"] == "38000000")
        let unmonitored = strict.filter { $0.code == .uplinkUnmonitored }
        #expect(Set(unmonitored.map(\.pd)) == ["DINKES", "DISKOMINFO"] && unmonitored.allSatisfy { $0.subject.device != nil && $0.subject.port != nil })
        // At the default share (80 %) 76 % is within the allocation: the finding resolves; the others stay.
        let relaxed = try record(share: 0.8)
        #expect(!relaxed.contains { $0.code == .bandwidthOverAllocation })
        #expect(Set(relaxed.map(\.id)) == Set(unmonitored.map(\.id)))
        let all = try ops.list(includeResolved: true, codes: [.bandwidthOverAllocation])
        #expect(all.count == 1 && all.first?.isActive == false)
    }

    @Test func sFlowCounterSamplesFeedTheSameSeries() throws {
        let s = try store()
        let agent = try #require(IPAddress("10.20.0.1"))
        let samples = (0...10).map { k in
            InterfaceCounterSighting(agent: agent, ifIndex: 7, sampledAt: Self.t0.addingTimeInterval(Double(k * 30)), capturePoint: "uplink",
                                     ifSpeed: 100_000_000, inOctets: Int64(k) * 3_750_000, outOctets: 0, inErrors: 0, outErrors: 0)
        }
        let rates = try TrafficRecorder(store: s, clock: clock).record(sFlowCounters: samples)
        #expect(rates.count == 10 && rates.allSatisfy { $0.interval.inBitsPerSecond == 1_000_000 })
        // The same intervals `pantau counters` computes from the stored sightings.
        let series = CounterSeries(readings: samples.map(\.reading))
        #expect(rates.map(\.interval.inOctets) == series.intervals.map(\.inOctets))
        #expect(try s.trafficSeries(device: "10.20.0.1").map(\.key.interface) == ["ifIndex 7"])
        #expect(try s.trafficSamples(nil, resolution: .fiveMinutes, from: .distantPast, to: .distantFuture).values.first?.map(\.inBPS) == [1_000_000])
    }
}

import Foundation
import InventoryModel
import Testing

/// Counter polls to intervals and 5-minute samples: rates where there are rates, and no false
/// spike (nor zero) across wraps, restarts, discontinuities, renumbering, gaps and clock steps.
@Suite struct TrafficTrackerTests {
    /// 2026-11-02 00:00:00 UTC, a 5-minute, hour and day boundary.
    let t0 = Date(timeIntervalSince1970: 1_793_577_600)
    let mbit: UInt64 = 1_000_000

    func snap(_ index: Int = 1, name: String? = "ge-0/0/1", mac: MACAddress? = nil, speed: UInt64? = 100_000_000,
              hcIn: UInt64? = nil, hcOut: UInt64? = nil, in32: UInt32? = nil, out32: UInt32? = nil,
              inErr: UInt32? = 0, disc: UInt32? = nil) -> InterfaceCounterSnapshot {
        InterfaceCounterSnapshot(ifIndex: index, name: name, mac: mac, speed: speed, hcInOctets: hcIn, hcOutOctets: hcOut,
                                 inOctets: in32, outOctets: out32, inErrors: inErr, outErrors: 0, inDiscards: 0, outDiscards: 0,
                                 counterDiscontinuityTime: disc)
    }

    func poll(_ s: Double, up: UInt32? = nil, _ interfaces: InterfaceCounterSnapshot...) -> CounterPoll {
        CounterPoll(device: "rtr-bappeda", time: t0.addingTimeInterval(s), sysUpTime: up ?? UInt32(100_000 + s * 100),
                    interfaces: interfaces)
    }

    /// Runs polls through the tracker from no state; returns every rate and closed sample.
    func run(_ polls: [CounterPoll], gapOver: TimeInterval = 180, from start: [TrafficSeriesState] = [])
        -> (states: [TrafficSeriesState], rates: [InterfaceRate], closed: [ClosedTrafficSample]) {
        var states = start, rates: [InterfaceRate] = [], closed: [ClosedTrafficSample] = []
        for p in polls {
            let step = TrafficTracker.advance(states, with: p, gapOver: gapOver)
            var byKey = Dictionary(uniqueKeysWithValues: states.map { ($0.key, $0) })
            for s in step.states { byKey[s.key] = s }
            states = byKey.values.sorted { $0.key < $1.key }
            rates += step.rates; closed += step.closed
        }
        return (states, rates, closed)
    }

    func fiveMinute(_ c: [ClosedTrafficSample]) -> [TrafficSample] { c.filter { $0.resolution == .fiveMinutes }.map(\.sample) }

    /// Octets for `mbps` Mbit/s over `s` seconds.
    func octets(_ mbps: Double, _ s: Double) -> UInt64 { UInt64(mbps * 1_000_000 / 8 * s) }

    @Test func steadyHCCountersGiveExactRatesAndFiveMinuteSamples() throws {
        // 10 Mbit/s in, 2 Mbit/s out, polled every 60 s for 11 minutes.
        let polls: [CounterPoll] = (0...11).map { (k: Int) -> CounterPoll in
            poll(Double(k * 60), snap(hcIn: 5_000_000_000 + octets(10, Double(k * 60)), hcOut: octets(2, Double(k * 60))))
        }
        let r = run(polls)
        #expect(r.rates.count == 11)
        #expect(r.rates.allSatisfy { $0.interval.kind == .rate && $0.interval.inBitsPerSecond == 10_000_000 })
        #expect(r.rates.allSatisfy { $0.interval.outBitsPerSecond == 2_000_000 && $0.interval.inUtilisation == 10 })
        let five = fiveMinute(r.closed)
        // 00:00 and 00:05 closed; 00:10 still open.
        #expect(five.map(\.start) == [1_793_577_600, 1_793_577_900])
        #expect(five.allSatisfy { $0.covered == 300 && $0.inBPS == 10_000_000 && $0.outBPS == 2_000_000 && $0.peakInBPS == 10_000_000 })
        #expect(r.states.count == 1 && r.states[0].key == TrafficSeriesKey(device: "rtr-bappeda", interface: "ge-0/0/1"))
    }

    @Test func aPlausible32BitWrapIsARateWithTheWrapCounted() throws {
        // 50 Mbit/s on 100 Mbit/s for 60 s = 375,000,000 octets; the counter wraps.
        let start: UInt32 = 4_200_000_000
        let end = UInt32((UInt64(start) + 375_000_000) % (1 << 32))
        let r = run([poll(0, snap(in32: start, out32: 0)), poll(60, snap(in32: end, out32: 0))])
        let i = try #require(r.rates.first?.interval)
        #expect(i.kind == .rate && i.wrapped && i.inOctets == 375_000_000 && i.inBitsPerSecond == 50_000_000)
    }

    @Test func a32BitCounterGoingBackIsAResetWhenAWrapWouldExceedTheSpeedOrSpeedIsUnknown() throws {
        // Went back by a little: a wrap would mean ~570 Mbit/s on a 100 Mbit/s port.
        let r = run([poll(0, snap(in32: 4_000_000_000, out32: 10)), poll(60, snap(in32: 3_999_000_000, out32: 20))])
        #expect(r.rates.map(\.interval.kind) == [.reset])
        #expect(r.rates[0].interval.reason == .counterWentBack && r.rates[0].interval.inOctets == nil)
        let u = run([poll(0, snap(speed: nil, in32: 4_294_000_000, out32: 10)), poll(60, snap(speed: nil, in32: 1_000, out32: 20))])
        #expect(u.rates.map(\.interval.reason) == [.counterWentBack])
        #expect(fiveMinute(r.closed + u.closed).isEmpty)
    }

    @Test func anAgentRestartGivesNoRateEvenWhenCountersGrew() throws {
        // sysUpTime went back from 5,000,000 to 3,000 ticks; counters happen to be higher.
        let r = run([poll(0, up: 5_000_000, snap(hcIn: 1_000, hcOut: 1_000)),
                     poll(60, up: 3_000, snap(hcIn: 900_000_000, hcOut: 1_000)),
                     poll(120, up: 9_000, snap(hcIn: 900_000_000 + octets(1, 60), hcOut: 1_000))])
        #expect(r.rates.map(\.interval.reason) == [.agentRestarted, nil])
        #expect(r.rates[1].interval.inBitsPerSecond == 1_000_000)
        // A restart between polls shows as an uptime shorter than the time since the last poll.
        let between = run([poll(0, up: 50_000, snap(hcIn: 1_000, hcOut: 1_000)),
                           poll(3_000, up: 200_000, snap(hcIn: 2_000, hcOut: 2_000))], gapOver: 10_000)
        #expect(between.rates.map(\.interval.reason) == [.agentRestarted])
    }

    @Test func theSysUpTime497DayWrapIsNotARestart() throws {
        // 2^32 - 3000 ticks, then 60 s later: wrapped to 3000.
        let r = run([poll(0, up: 4_294_964_296, snap(hcIn: 1_000, hcOut: 0)),
                     poll(60, up: 3_000, snap(hcIn: 1_000 + octets(8, 60), hcOut: 0))])
        #expect(r.rates.map(\.interval.kind) == [.rate])
        #expect(r.rates[0].interval.inBitsPerSecond == 8_000_000)
        #expect(!CounterInterval.agentRestarted(from: 4_294_964_296, to: 3_000, seconds: 60))
        #expect(CounterInterval.agentRestarted(from: 4_294_964_296, to: 3_000, seconds: 3_600))
    }

    @Test func aDiscontinuityTimeChangeIsAReset() throws {
        let r = run([poll(0, snap(hcIn: 5_000, hcOut: 0, disc: 0)), poll(60, snap(hcIn: 9_000_000, hcOut: 0, disc: 12_345)),
                     poll(120, snap(hcIn: 9_000_000 + octets(1, 60), hcOut: 0, disc: 12_345))])
        #expect(r.rates.map(\.interval.reason) == [.discontinuity, nil])
    }

    @Test func anInterfaceIsFollowedByNameAcrossIfIndexRenumbering() throws {
        let r = run([poll(0, snap(3, hcIn: 1_000, hcOut: 0), snap(4, name: "ge-0/0/2", hcIn: 10, hcOut: 0)),
                     poll(60, snap(17, hcIn: 5_000, hcOut: 0), snap(4, name: "ge-0/0/2", hcIn: 10 + octets(1, 60), hcOut: 0)),
                     poll(120, snap(17, hcIn: 5_000 + octets(2, 60), hcOut: 0))])
        let renumbered = r.rates.filter { $0.key.interface == "ge-0/0/1" }
        #expect(renumbered.map(\.interval.reason) == [.renumbered, nil])
        #expect(renumbered[1].interval.inBitsPerSecond == 2_000_000 && renumbered[1].ifIndex == 17)
        #expect(r.rates.filter { $0.key.interface == "ge-0/0/2" }.map(\.interval.inBitsPerSecond) == [1_000_000])
        #expect(r.states.map(\.key.interface) == ["ge-0/0/1", "ge-0/0/2"])
    }

    @Test func anUnnamedInterfaceIsFollowedByMACThenIndex() throws {
        let mac = MACAddress(0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x10)
        // Known only by MAC (no ifName or ifDescr): the series is named by its first ifIndex.
        let r = run([poll(0, snap(5, name: nil, mac: mac, hcIn: 100, hcOut: 0)),
                     poll(60, snap(9, name: nil, mac: mac, hcIn: 200, hcOut: 0))])
        #expect(r.states.count == 1 && r.states[0].key.interface == "ifIndex 5" && r.states[0].ifIndex == 9)
        #expect(r.rates.map(\.interval.reason) == [.renumbered])
        let byIndex = run([poll(0, snap(5, name: nil, hcIn: 100, hcOut: 0)), poll(60, snap(5, name: nil, hcIn: 100 + octets(1, 60), hcOut: 0))])
        #expect(byIndex.rates.map(\.interval.inBitsPerSecond) == [1_000_000])
    }

    @Test func aGapIsAGapNeitherZeroNorABurst() throws {
        // 4 Mbit/s, polled each minute; polls from 00:03 to 00:19 are lost (16 minutes), then resume.
        var polls: [CounterPoll] = []
        for m in [0, 1, 2, 3, 19, 20, 21, 22, 23, 24, 25] {
            polls.append(poll(Double(m * 60), snap(hcIn: octets(4, Double(m * 60)), hcOut: 0)))
        }
        let r = run(polls)
        #expect(r.rates.map(\.interval.kind) == [.rate, .rate, .rate, .gap, .rate, .rate, .rate, .rate, .rate, .rate])
        let five = fiveMinute(r.closed)
        // 00:00 covered 180 s; 00:05, 00:10 untouched (no sample, not zero); 00:15 covered 00:19-00:20; 00:20 whole.
        #expect(five.map(\.start) == [1_793_577_600, 1_793_578_500, 1_793_578_800])
        #expect(five.map(\.covered) == [180, 60, 300])
        #expect(five.allSatisfy { $0.inBPS == 4_000_000 })
    }

    @Test func aMissedPollWithinTheThresholdIsAnAverageNotABurst() throws {
        // 6 Mbit/s; the 00:04 poll is missed, so one interval spans 00:03-00:05 across a bucket edge.
        let polls: [CounterPoll] = [0, 1, 2, 3, 5, 6, 7, 8, 9, 10].map { (m: Int) -> CounterPoll in poll(Double(m * 60), snap(hcIn: octets(6, Double(m * 60)), hcOut: 0)) }
        let r = run(polls)
        #expect(r.rates.allSatisfy { $0.interval.kind == .rate && $0.interval.inBitsPerSecond == 6_000_000 })
        #expect(fiveMinute(r.closed).map(\.inBPS) == [6_000_000, 6_000_000])
        #expect(fiveMinute(r.closed).map(\.covered) == [300, 300])
    }

    @Test func theClockSteppingBackGivesNoRateAndDuplicatesAreIgnored() throws {
        let r = run([poll(0, snap(hcIn: 0, hcOut: 0)), poll(60, snap(hcIn: octets(1, 60), hcOut: 0)),
                     poll(60.2, snap(hcIn: octets(1, 60) + 999_999, hcOut: 0)),
                     poll(30, snap(hcIn: octets(1, 90), hcOut: 0)), poll(90, snap(hcIn: octets(1, 150), hcOut: 0))])
        #expect(r.rates.map(\.interval.reason) == [nil, .clockWentBack, nil])
        #expect(r.rates.map(\.interval.inBitsPerSecond) == [1_000_000, nil, 1_000_000])
    }

    @Test func aRestartedCollectorContinuesFromItsPersistedState() throws {
        let polls: [CounterPoll] = (0...40).map { (k: Int) -> CounterPoll in poll(Double(k * 60), snap(hcIn: octets(3, Double(k * 60)) + UInt64(k % 7) * 1_000_000, hcOut: 7)) }
        let whole = run(polls)
        var first = run(Array(polls[..<17]))
        // The state goes through the store as JSON; the series continues as if never stopped.
        let data = try JSONEncoder().encode(first.states)
        let restored = try JSONDecoder().decode([TrafficSeriesState].self, from: data)
        #expect(restored == first.states)
        let second = run(Array(polls[17...]), from: restored)
        first.rates += second.rates; first.closed += second.closed
        #expect(first.rates == whole.rates)
        #expect(first.closed == whole.closed)
    }

    @Test func hoursAndDaysRollUpCoverageWeightedAveragesAndPeaks() throws {
        // Two hours and five minutes at 5-minute polls: 1 Mbit/s in the first hour except one
        // 5-minute bucket at 13 Mbit/s, 2 Mbit/s in the second.
        var polls: [CounterPoll] = []
        var total: UInt64 = 0
        polls.append(poll(0, snap(hcIn: 0, hcOut: 0)))
        for k in 1...25 {
            let mbps: Double = k <= 12 ? (k == 4 ? 13 : 1) : 2
            total += octets(mbps, 300)
            polls.append(poll(Double(k * 300), snap(hcIn: total, hcOut: 0)))
        }
        let r = run(polls, gapOver: 900)
        let hours = r.closed.filter { $0.resolution == .hour }.map(\.sample)
        #expect(hours.count == 2)
        #expect(hours[0].inBPS == 2_000_000 && hours[0].peakInBPS == 13_000_000 && hours[0].covered == 3_600)
        #expect(hours[1].inBPS == 2_000_000 && hours[1].peakInBPS == 2_000_000)
        #expect(TrafficSample.rollup(fiveMinute(r.closed).filter { $0.start < 1_793_581_200 }, start: 1_793_577_600) == hours[0])
    }

    @Test func theSameArithmeticServesStoredSFlowSeries() throws {
        // CounterSeries (sFlow, `pantau counters`) builds its intervals with CounterInterval.between.
        let a = CounterReading(time: t0, ifSpeed: mbit * 100, inOctets: 1_000, outOctets: 0)
        let b = CounterReading(time: t0.addingTimeInterval(30), ifSpeed: mbit * 100, inOctets: 1_000 + octets(1, 30), outOctets: 0)
        let s = CounterSeries(readings: [a, b])
        #expect(s.intervals == [CounterInterval.between(a, b, gapOver: .infinity)])
    }
}

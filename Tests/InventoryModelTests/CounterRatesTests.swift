import Foundation
import InventoryModel
import Testing

/// Counter readings to rate intervals: the arithmetic, and the cases where there must be no rate.
@Suite struct CounterRatesTests {
    let t0 = Date(timeIntervalSince1970: 1_763_900_000)

    /// A reading `s` seconds after t0.
    func r(_ s: Double, in i: UInt64, out o: UInt64, speed: UInt64 = 100_000_000, inErr: UInt64 = 0, outErr: UInt64 = 0) -> CounterReading {
        CounterReading(time: t0.addingTimeInterval(s), ifSpeed: speed, inOctets: i, outOctets: o, inErrors: inErr, outErrors: outErr)
    }

    @Test func steadySeriesGivesExactRatesUtilisationAndErrorDeltas() throws {
        // 30 s apart: 3,750,000 octets in 30 s = 1 Mbit/s = 1% of 100 Mbit/s.
        let s = CounterSeries(readings: [
            r(0, in: 1_000_000, out: 500, inErr: 10, outErr: 0),
            r(30, in: 4_750_000, out: 7_500_500, inErr: 12, outErr: 1),
            r(60, in: 8_500_000, out: 7_500_500, inErr: 12, outErr: 4),
        ])
        #expect(s.duplicates == 0)
        #expect(s.medianInterval == 30)
        try #require(s.intervals.count == 2)
        let a = s.intervals[0], b = s.intervals[1]
        #expect(a.kind == .rate && b.kind == .rate)
        #expect(a.start == t0 && a.end == t0.addingTimeInterval(30) && a.seconds == 30)
        #expect(a.inOctets == 3_750_000 && a.outOctets == 7_500_000)
        #expect(a.inBitsPerSecond == 1_000_000 && a.outBitsPerSecond == 2_000_000)
        #expect(a.inUtilisation == 1 && a.outUtilisation == 2)
        #expect(a.inErrors == 2 && a.outErrors == 1)
        #expect(b.outOctets == 0 && b.outBitsPerSecond == 0 && b.outErrors == 3)

        let sum = s.summary
        #expect(sum.samples == 3 && sum.first == t0 && sum.last == t0.addingTimeInterval(60))
        #expect(sum.rateIntervals == 2 && sum.resets == 0 && sum.gaps == 0)
        #expect(sum.rateSeconds == 60)
        #expect(sum.inOctets == 7_500_000 && sum.outOctets == 7_500_000)
        #expect(sum.averageInBitsPerSecond == 1_000_000 && sum.averageOutBitsPerSecond == 1_000_000)
        #expect(sum.peakInBitsPerSecond == 1_000_000 && sum.peakOutBitsPerSecond == 2_000_000)
        #expect(sum.peakUtilisation == 2)
        #expect(sum.inErrors == 2 && sum.outErrors == 4)
        #expect(sum.ifSpeed == 100_000_000)
    }

    @Test func aCounterGoingBackwardsIsAResetNotANegativeOrHugeRate() throws {
        let s = CounterSeries(readings: [
            r(0, in: 9_000_000, out: 9_000_000),
            r(20, in: 9_500_000, out: 9_250_000),
            r(40, in: 1_000, out: 2_000),           // agent restarted
            r(60, in: 251_000, out: 2_000),
        ])
        try #require(s.intervals.count == 3)
        #expect(s.intervals.map(\.kind) == [.rate, .reset, .rate])
        let reset = s.intervals[1]
        #expect(reset.inOctets == nil && reset.outOctets == nil && reset.inBitsPerSecond == nil && reset.inUtilisation == nil)
        #expect(reset.inErrors == nil && reset.outErrors == nil)
        // After the reset, rates continue from the restarted counters.
        #expect(s.intervals[2].inOctets == 250_000 && s.intervals[2].inBitsPerSecond == 100_000)
        let sum = s.summary
        #expect(sum.resets == 1 && sum.rateIntervals == 2 && sum.rateSeconds == 40)
        #expect(sum.inOctets == 750_000)
        #expect(sum.peakInBitsPerSecond == 200_000)
    }

    @Test func aWrapFromNearTheTopOfA64BitCounterIsAResetToo() throws {
        let s = CounterSeries(readings: [r(0, in: UInt64.max - 10, out: 0), r(30, in: 5, out: 0)])
        #expect(s.intervals.map(\.kind) == [.reset])
        #expect(s.summary.peakInBitsPerSecond == nil && s.summary.averageInBitsPerSecond == nil)
    }

    @Test func eitherDirectionGoingBackwardsIsAReset() {
        let s = CounterSeries(readings: [r(0, in: 100, out: 5_000), r(30, in: 200, out: 10)])
        #expect(s.intervals.map(\.kind) == [.reset])
    }

    @Test func anErrorCounterGoingBackwardsAloneLosesOnlyTheErrorDelta() throws {
        let s = CounterSeries(readings: [r(0, in: 0, out: 0, inErr: 4_294_967_290, outErr: 7), r(30, in: 3_000, out: 0, inErr: 3, outErr: 9)])
        let i = try #require(s.intervals.first)
        #expect(i.kind == .rate && i.inOctets == 3_000)
        #expect(i.inErrors == nil && i.outErrors == 2)
        #expect(s.summary.inErrors == 0 && s.summary.outErrors == 2)
    }

    @Test func anIntervalFarLongerThanTheMedianIsAGap() throws {
        // Every 30 s, then nothing for 5 minutes (10 × the median), then every 30 s again.
        let times: [Double] = [0, 30, 60, 90, 390, 420]
        let s = CounterSeries(readings: times.enumerated().map { r($0.element, in: UInt64($0.offset) * 1_000_000, out: 0) })
        #expect(s.medianInterval == 30)
        #expect(s.intervals.map(\.kind) == [.rate, .rate, .rate, .gap, .rate])
        let gap = s.intervals[3]
        #expect(gap.start == t0.addingTimeInterval(90) && gap.end == t0.addingTimeInterval(390))
        #expect(gap.inOctets == nil && gap.inBitsPerSecond == nil)
        let sum = s.summary
        #expect(sum.gaps == 1 && sum.rateSeconds == 120)
        // The average is over the 4 measured intervals only, not smeared over the gap.
        #expect(sum.inOctets == 4_000_000)
        #expect(sum.averageInBitsPerSecond == 4_000_000.0 * 8 / 120)
    }

    @Test func exactlyTheGapFactorIsStillARate() {
        let s = CounterSeries(readings: [r(0, in: 0, out: 0), r(30, in: 1, out: 0), r(60, in: 2, out: 0), r(150, in: 3, out: 0)])
        #expect(s.medianInterval == 30)
        #expect(s.intervals.map(\.kind) == [.rate, .rate, .rate])  // 90 s = 3 × 30 s
        let more = CounterSeries(readings: [r(0, in: 0, out: 0), r(30, in: 1, out: 0), r(60, in: 2, out: 0), r(151, in: 3, out: 0)])
        #expect(more.intervals.map(\.kind) == [.rate, .rate, .gap])
    }

    @Test func anIntervalOverTenMinutesIsAGapWhateverTheMedian() {
        // Two readings only: the median is the interval itself, so only the absolute limit applies.
        #expect(CounterSeries(readings: [r(0, in: 0, out: 0), r(601, in: 10, out: 0)]).intervals.map(\.kind) == [.gap])
        #expect(CounterSeries(readings: [r(0, in: 0, out: 0), r(600, in: 10, out: 0)]).intervals.map(\.kind) == [.rate])
        // A configured limit is honoured.
        let strict = CounterRatePolicy(gapFactor: 3, maxInterval: 60, minInterval: 1)
        #expect(CounterSeries(readings: [r(0, in: 0, out: 0), r(61, in: 10, out: 0)], policy: strict).intervals.map(\.kind) == [.gap])
    }

    @Test func aResetOverAGapIsReportedAsAReset() {
        let s = CounterSeries(readings: [r(0, in: 50, out: 0), r(30, in: 60, out: 0), r(60, in: 70, out: 0), r(3_600, in: 1, out: 0)])
        #expect(s.intervals.map(\.kind) == [.rate, .rate, .reset])
    }

    @Test func unknownSpeedGivesRatesButNoUtilisation() throws {
        let s = CounterSeries(readings: [r(0, in: 0, out: 0, speed: 0), r(10, in: 1_250, out: 2_500, speed: 0)])
        let i = try #require(s.intervals.first)
        #expect(i.inBitsPerSecond == 1_000 && i.outBitsPerSecond == 2_000)
        #expect(i.inUtilisation == nil && i.outUtilisation == nil)
        #expect(s.summary.peakUtilisation == nil && s.summary.ifSpeed == 0)
    }

    @Test func utilisationUsesTheSpeedReportedAtTheEndOfTheInterval() throws {
        // The link renegotiated from 100 Mbit/s to 1 Gbit/s between the samples.
        let s = CounterSeries(readings: [r(0, in: 0, out: 0, speed: 100_000_000), r(8, in: 10_000_000, out: 0, speed: 1_000_000_000)])
        let i = try #require(s.intervals.first)
        #expect(i.ifSpeed == 1_000_000_000)
        #expect(i.inBitsPerSecond == 10_000_000 && i.inUtilisation == 1)
    }

    @Test func oneSampleOrNoneGivesNoInterval() {
        let one = CounterSeries(readings: [r(0, in: 5, out: 5)])
        #expect(one.intervals.isEmpty && one.medianInterval == nil)
        let sum = one.summary
        #expect(sum.samples == 1 && sum.first == t0 && sum.last == t0)
        #expect(sum.rateIntervals == 0 && sum.averageInBitsPerSecond == nil && sum.peakInBitsPerSecond == nil && sum.peakUtilisation == nil)
        let none = CounterSeries(readings: [])
        #expect(none.intervals.isEmpty && none.summary.samples == 0 && none.summary.first == nil)
    }

    @Test func outOfOrderInputGivesTheSameIntervalsAsSortedInput() {
        let sorted = [r(0, in: 0, out: 0), r(30, in: 3_000, out: 30), r(60, in: 100, out: 40), r(90, in: 9_100, out: 70), r(500, in: 9_200, out: 80)]
        let shuffled = [sorted[3], sorted[0], sorted[4], sorted[2], sorted[1]]
        let a = CounterSeries(readings: sorted), b = CounterSeries(readings: shuffled)
        #expect(a == b)
        #expect(b.intervals.map(\.kind) == [.rate, .reset, .rate, .gap])
        #expect(b.readings.map(\.time) == sorted.map(\.time))
    }

    @Test func duplicateTimestampsAndSubSecondRepeatsAreIgnoredWithoutLosingOctets() throws {
        let s = CounterSeries(readings: [
            r(0, in: 0, out: 0),
            r(0, in: 999_999, out: 999_999),       // same time: ignored, the first given is kept
            r(30, in: 3_000, out: 0),
            r(30.2, in: 3_100, out: 0),            // a burst 200 ms later: ignored
            r(60, in: 6_000, out: 0),
        ])
        #expect(s.duplicates == 2)
        #expect(s.readings.map(\.inOctets) == [0, 3_000, 6_000])
        #expect(s.intervals.map(\.kind) == [.rate, .rate])
        #expect(s.intervals.map(\.inOctets) == [3_000, 3_000])
        #expect(s.summary.duplicates == 2 && s.summary.samples == 3)
        // With no minimum interval only identical timestamps are duplicates.
        let exact = CounterSeries(readings: [r(0, in: 0, out: 0), r(0, in: 1, out: 0), r(0.5, in: 500, out: 0)],
                                  policy: CounterRatePolicy(minInterval: 0))
        #expect(exact.duplicates == 1)
        #expect(exact.intervals.first?.inBitsPerSecond == 8_000)
    }

    @Test func groupingSeparatesInterfacesAndOrdersByAgentAddress() throws {
        func key(_ a: String, _ i: Int, _ cp: String = "core") throws -> InterfaceCounterKey {
            InterfaceCounterKey(agent: try #require(IPAddress(a)), ifIndex: i, capturePoint: cp)
        }
        let k10 = try key("10.0.0.10", 1), k9a = try key("10.0.0.9", 2), k9b = try key("10.0.0.9", 1), k9c = try key("10.0.0.9", 1, "branch")
        let readings: [(key: InterfaceCounterKey, reading: CounterReading)] = [
            (k10, r(0, in: 0, out: 0)), (k9a, r(0, in: 0, out: 0)), (k10, r(30, in: 30, out: 0)),
            (k9b, r(0, in: 100, out: 0)), (k9a, r(30, in: 60, out: 0)), (k9b, r(30, in: 50, out: 0)), (k9c, r(0, in: 1, out: 1)),
        ]
        let groups = CounterSeries.grouped(readings)
        #expect(groups.map(\.key) == [k9c, k9b, k9a, k10])
        #expect(groups.map(\.series.readings.count) == [1, 2, 2, 2])
        #expect(groups[1].series.intervals.map(\.kind) == [.reset])
        #expect(groups[2].series.intervals.first?.inOctets == 60)
        #expect(groups[3].series.intervals.first?.inOctets == 30)
    }

    /// Random series with restarts and lost samples: no interval ever has a negative,
    /// infinite or unexplained rate, and the rate intervals add up to the counters.
    @Test func randomSeriesKeepTheInvariants() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var time = 0.0, inO: UInt64 = .random(in: 0...UInt64(1) << 62, using: &rng), outO: UInt64 = 0
            var readings: [CounterReading] = []
            for _ in 0..<Int.random(in: 0...40, using: &rng) {
                time += [0, 0.3, 20, 20, 20, 21, 19, 200, 900].randomElement(using: &rng)!  // never empty
                switch Int.random(in: 0..<10, using: &rng) {
                case 0: inO = .random(in: 0...1_000, using: &rng); outO = 0  // restart
                default: inO &+= .random(in: 0...10_000_000, using: &rng); outO &+= .random(in: 0...10_000_000, using: &rng)
                }
                readings.append(r(time, in: inO, out: outO, speed: [0, 10_000_000, 1_000_000_000].randomElement(using: &rng)!))
            }
            let s = CounterSeries(readings: readings.shuffled(using: &rng))
            #expect(s.readings.count + s.duplicates == readings.count)
            #expect(s.intervals.count == max(0, s.readings.count - 1))
            let median = s.medianInterval ?? 0
            for (i, iv) in s.intervals.enumerated() {
                let a = s.readings[i], b = s.readings[i + 1]
                #expect(iv.seconds >= 1)
                switch iv.kind {
                case .rate:
                    #expect(b.inOctets >= a.inOctets && iv.inOctets == b.inOctets - a.inOctets)
                    #expect(iv.inBitsPerSecond.map { $0.isFinite && $0 >= 0 } == true)
                    #expect(iv.seconds <= min(600, 3 * median))
                case .reset: #expect(b.inOctets < a.inOctets || b.outOctets < a.outOctets)
                case .gap: #expect(iv.seconds > min(600, 3 * median))
                }
            }
        }
    }
}

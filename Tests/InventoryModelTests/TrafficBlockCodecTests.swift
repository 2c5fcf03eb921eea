import Foundation
import InventoryModel
import Testing

/// A small seeded generator, so property tests are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The block codec: exact round trips of any input, compact for regular series, and no trap
/// on malformed bytes.
@Suite struct TrafficBlockCodecTests {
    @Test func aRegularDayOfFiveMinuteSamplesRoundTripsCompactly() throws {
        var rng = SeededGenerator(state: 7)
        let samples = (0..<288).map { k in
            let v = Int64(20_000_000 + Int(k % 50) * 100_000) + Int64.random(in: -50_000...50_000, using: &rng)
            return TrafficSample(start: 1_793_577_600 + Int64(k) * 300, covered: 300, inBPS: v, outBPS: v / 4)
        }
        let bytes = TrafficBlockCodec.encode(samples)
        #expect(try TrafficBlockCodec.decodeSamples(bytes) == samples)
        // Times, coverage, peaks (= averages) and the zero error columns cost almost nothing:
        // about 3 bytes per rate value with this noise.
        #expect(bytes.count < 288 * 7)
    }

    @Test(arguments: 0..<200)
    func anyColumnsRoundTrip(seed: Int) throws {
        var rng = SeededGenerator(state: UInt64(seed))
        let n = Int.random(in: 0...300, using: &rng)
        var t = Int64.random(in: -1_000_000_000_000...1_000_000_000_000, using: &rng)
        var times: [Int64] = []
        for _ in 0..<n {
            times.append(t)
            t += [1, 300, 300, 300, Int64.random(in: 1...1_000_000, using: &rng)].randomElement(using: &rng) ?? 1
        }
        let columns = (0..<Int.random(in: 0...9, using: &rng)).map { _ in
            let kind = Int.random(in: 0...3, using: &rng)
            return (0..<n).map { k -> Int64 in
                switch kind {
                case 0: 42
                case 1: Int64.random(in: Int64.min...Int64.max, using: &rng)
                case 2: k % 40 < 35 ? 0 : Int64.random(in: 0...5, using: &rng)
                default: Int64(k) * 1_000 + Int64.random(in: -10...10, using: &rng)
                }
            }
        }
        let bytes = TrafficBlockCodec.encode(times: times, columns: columns)
        let back = try TrafficBlockCodec.decode(bytes)
        #expect(back.times == times)
        #expect(back.columns == columns)
    }

    /// Varints of every length (1 to 10 bytes), each one at every distance from the block's
    /// end: the word-at-a-time reading (8 bytes left) and the byte-at-a-time one (the last
    /// bytes) give the same values.
    @Test func varintsOfEveryLengthDecodeAtEveryPosition() throws {
        var values: [Int64] = [0, -1, 1, .max, .min]
        for bits in 1..<63 { values += [1 << bits, -(1 << bits), (1 << bits) - 1, -(1 << bits) + 1] }
        for n in 1...values.count {
            let column = Array(values.prefix(n))
            let times = (0..<Int64(n)).map { $0 * 300 }
            let back = try TrafficBlockCodec.decode(TrafficBlockCodec.encode(times: times, columns: [column, column.reversed()]))
            #expect(back.columns == [column, column.reversed()])
        }
    }

    /// The stored format does not change under a faster decoder: bytes written by the first
    /// version of the codec (pinned here) still decode to the same samples.
    @Test func blocksWrittenByTheFirstVersionStillDecode() throws {
        let samples = [TrafficSample(start: 1_800_000_000, covered: 300, inBPS: 1_000_000, outBPS: 250),
                       TrafficSample(start: 1_800_000_300, covered: 300, inBPS: 999_000, outBPS: 250),
                       TrafficSample(start: 1_800_000_900, covered: 120, inBPS: 5, outBPS: 260)]
        let stored: [UInt8] = [1, 3, 9, 128, 200, 206, 180, 13, 216, 4, 1, 176, 9, 1, 1, 216, 4, 0, 231, 2, 1, 128, 137, 122,
                               207, 15, 165, 249, 121, 1, 244, 3, 0, 20, 3, 1, 3, 2, 0, 0, 3, 5, 3, 5, 3, 5]
        #expect(try TrafficBlockCodec.decodeSamples(stored) == samples)
        // The version 1 encoder, kept for such tests, still writes exactly those bytes.
        #expect(TrafficBlockCodec.encodeVersion1(samples) == stored)
        #expect(TrafficBlockCodec.encode(samples).first == 2)
    }

    /// Version 2's bytes are pinned too: a later codec must keep reading them.
    @Test func blocksOfVersionTwoArePinned() throws {
        let samples = [TrafficSample(start: 1_800_000_000, covered: 300, inBPS: 1_000_000, outBPS: 250),
                       TrafficSample(start: 1_800_000_300, covered: 300, inBPS: 999_000, outBPS: 250),
                       TrafficSample(start: 1_800_000_600, covered: 300, inBPS: 0, outBPS: 260, inErrors: 3),
                       TrafficSample(start: 1_800_000_900, covered: 120, inBPS: 5, outBPS: 270, inErrors: 1)]
        // Times as in version 1; coverage in runs; inbound a frame (base 0, 20 bits: 10 bytes);
        // outbound a frame (base 250, 5 bits); peaks the same as the averages; inbound errors
        // a frame of 2 bits (0, 0, 3, 1 in one byte); the other counters constant 0.
        let stored: [UInt8] = [2, 4, 9, 128, 200, 206, 180, 13, 216, 4, 3,
                               2, 216, 4, 3, 240, 1, 1,
                               4, 0, 20, 64, 66, 143, 229, 243, 0, 0, 80, 0, 0,
                               4, 244, 3, 5, 0, 40, 10,
                               3, 1, 3, 2,
                               4, 0, 2, 112,
                               0, 0, 3, 6, 3, 6]
        #expect(TrafficBlockCodec.encode(samples) == stored)
        #expect(try TrafficBlockCodec.decodeSamples(stored) == samples)
    }

    /// Random traffic samples: rates noisy or repeating, coverage and errors mostly constant,
    /// peaks equal to the averages or not.
    static func randomSamples(_ rng: inout SeededGenerator) -> [TrafficSample] {
        let n = Int.random(in: 0...300, using: &rng)
        let peaks = Bool.random(using: &rng), errors = Bool.random(using: &rng), steady = Bool.random(using: &rng)
        var t = Int64.random(in: 0...2_000_000_000, using: &rng)
        return (0..<n).map { _ in
            t += Bool.random(using: &rng) ? 300 : 600
            let v = steady ? 1_000 : Int64.random(in: 0...400_000_000, using: &rng)
            return TrafficSample(start: t, covered: Int.random(in: 0..<10, using: &rng) == 0 ? 120 : 300, inBPS: v,
                                 outBPS: Int64.random(in: 0...v, using: &rng),
                                 peakInBPS: peaks ? v + Int64.random(in: 0...9, using: &rng) : nil,
                                 inErrors: errors ? Int64.random(in: 0...2, using: &rng) : 0, outDiscards: errors ? 1 : 0)
        }
    }

    @Test(arguments: 0..<100)
    func samplesEncodedInPlaceGiveTheColumnsEncoding(seed: Int) throws {
        var rng = SeededGenerator(state: UInt64(seed) + 5_000)
        let samples = Self.randomSamples(&rng)
        let columns: [[Int64]] = [samples.map(\.covered), samples.map(\.inBPS), samples.map(\.outBPS), samples.map(\.peakInBPS),
                                  samples.map(\.peakOutBPS), samples.map(\.inErrors), samples.map(\.outErrors),
                                  samples.map(\.inDiscards), samples.map(\.outDiscards)]
        let bytes = TrafficBlockCodec.encode(samples)
        #expect(bytes == TrafficBlockCodec.encode(times: samples.map(\.start), columns: columns))
        #expect(try TrafficBlockCodec.decodeSamples(bytes) == samples)
        let cut = samples.count / 3
        #expect(TrafficBlockCodec.encode(samples[cut...]) == TrafficBlockCodec.encode(Array(samples[cut...])))
    }

    /// The statistics fast path (blocks read where they lie, constant columns not filled in)
    /// gives what the samples one at a time give, over blocks in a row and any period.
    @Test(arguments: 0..<60)
    func accumulatingBlocksGivesTheStatisticsOfTheirSamples(seed: Int) throws {
        var rng = SeededGenerator(state: UInt64(seed) + 9_000)
        let blocks = (0..<Int.random(in: 1...4, using: &rng)).map { _ in Self.randomSamples(&rng) }
        let times = blocks.flatMap { $0.map(\.start) }
        let from = (times.randomElement(using: &rng) ?? 0) - Int64.random(in: 0...1, using: &rng)
        let to = from + Int64.random(in: 0...50_000, using: &rng)
        var fast = TrafficStatistics.Accumulator(), scratch = TrafficBlockCodec.DecodedBlock()
        fast.add(TrafficSample(start: 0, covered: 1, inBPS: 5, outBPS: 5))
        fast.reset()
        for b in blocks {
            try TrafficBlockCodec.encode(b).withUnsafeBytes { raw in
                try TrafficBlockCodec.accumulate(raw, into: &fast, from: from, to: to, scratch: &scratch)
            }
        }
        let expected = TrafficStatistics(fiveMinute: blocks.flatMap { $0.filter { $0.start >= from && $0.start < to } })
        #expect(fast.statistics() == expected)
    }

    @Test func accumulatingRefusesABlockThatIsNotTraffic() throws {
        var acc = TrafficStatistics.Accumulator(), scratch = TrafficBlockCodec.DecodedBlock()
        let two = TrafficBlockCodec.encode(times: [0, 300], columns: [[1, 2], [3, 4]])
        let wrong = #expect(throws: TrafficBlockCodec.DecodingError.self) {
            try two.withUnsafeBytes { try TrafficBlockCodec.accumulate($0, into: &acc, from: 0, to: 600, scratch: &scratch) }
        }
        #expect(wrong?.description == "traffic block: 2 columns where a traffic block has 9")
        let good = TrafficBlockCodec.encode((0..<50).map { TrafficSample(start: Int64($0) * 300, covered: 300, inBPS: Int64($0) << 40, outBPS: 1) })
        #expect(throws: TrafficBlockCodec.DecodingError.self) {
            try Array(good.dropLast(3)).withUnsafeBytes { try TrafficBlockCodec.accumulate($0, into: &acc, from: 0, to: 600, scratch: &scratch) }
        }
        let unknown = #expect(throws: TrafficBlockCodec.DecodingError.self) {
            try ([3] + good.dropFirst()).withUnsafeBytes { try TrafficBlockCodec.accumulate($0, into: &acc, from: 0, to: 600, scratch: &scratch) }
        }
        #expect(unknown?.message == "unknown version 3")
        #expect(acc.statistics() == nil)
    }

    @Test func malformedBytesThrowAndNeverTrap() throws {
        var rng = SeededGenerator(state: 99)
        let good = TrafficBlockCodec.encode((0..<50).map { TrafficSample(start: Int64($0) * 300, covered: 300, inBPS: Int64($0), outBPS: 1) })
        #expect(throws: TrafficBlockCodec.DecodingError.self) { try TrafficBlockCodec.decode(Array(good.dropLast())) }
        #expect(throws: TrafficBlockCodec.DecodingError.self) { try TrafficBlockCodec.decode([]) }
        #expect(throws: TrafficBlockCodec.DecodingError.self) { try TrafficBlockCodec.decode([1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]) }
        for _ in 0..<2_000 {
            var b = good
            for _ in 0..<Int.random(in: 1...4, using: &rng) { b[Int.random(in: 0..<b.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
            if Bool.random(using: &rng) { b = Array(b.prefix(Int.random(in: 0...b.count, using: &rng))) }
            _ = try? TrafficBlockCodec.decode(b)
        }
    }

    @Test func mergeReplacesSamplesWithTheSameStartAndKeepsOrder() {
        let a = [TrafficSample(start: 0, covered: 300, inBPS: 1, outBPS: 1), TrafficSample(start: 300, covered: 300, inBPS: 2, outBPS: 2)]
        let b = [TrafficSample(start: 300, covered: 300, inBPS: 9, outBPS: 9), TrafficSample(start: 150, covered: 10, inBPS: 5, outBPS: 5)]
        #expect(TrafficBlockCodec.merge(a, b).map(\.inBPS) == [1, 5, 9])
        #expect(TrafficBlockCodec.merge(a, [TrafficSample(start: 600, covered: 1, inBPS: 3, outBPS: 3)]).map(\.start) == [0, 300, 600])
    }

    @Test func percentile95IsTheNearestRankAsTransitBillingReadsIt() {
        // 20 samples 1...20: ⌈0.95·20⌉ = 19th smallest = 19 (the single highest is dropped).
        var v: [Int64] = (1...20).reversed().map { Int64($0) }
        #expect(TrafficStatistics.percentile95(&v) == 19)
        // 8640 samples (a 30-day month): ⌈0.95·8640⌉ = 8208; the 432 highest are dropped.
        var rng = SeededGenerator(state: 5)
        var m: [Int64] = (1...8640).map { Int64($0) }.shuffled(using: &rng)
        #expect(TrafficStatistics.percentile95(&m) == 8208)
        var one: [Int64] = [7]
        #expect(TrafficStatistics.percentile95(&one) == 7)
    }

    @Test func aResetAccumulatorGivesWhatAFreshOneGives() {
        let a = (0..<Int64(500)).map { (k: Int64) -> TrafficSample in
            TrafficSample(start: k * 300, covered: 300, inBPS: k * 7 % 311, outBPS: k % 13)
        }
        let b = (0..<Int64(40)).map { (k: Int64) -> TrafficSample in
            TrafficSample(start: k * 300, covered: 200, inBPS: 40 - k, outBPS: 3, inErrors: 1)
        }
        var reused = TrafficStatistics.Accumulator()
        for x in a { reused.add(x) }
        _ = reused.statistics()
        reused.reset()
        for x in b { reused.add(x) }
        #expect(reused.statistics() == TrafficStatistics(fiveMinute: b))
    }

    /// Months of samples (the sampled bracket first, quickselect when it misses): shuffled,
    /// ascending, descending, a daily curve, mostly zero, all equal, a few distinct values.
    @Test(arguments: 0..<7)
    func percentile95OfManyValuesAgreesWithSorting(shape: Int) {
        var rng = SeededGenerator(state: UInt64(shape) + 77)
        for n in [1_024, 1_025, 4_000, 8_640, 8_928] {
            var v: [Int64] = (0..<n).map { k in
                switch shape {
                case 0: Int64.random(in: 0...1_000_000_000, using: &rng)
                case 1: Int64(k)
                case 2: Int64(n - k)
                case 3: Int64(1_000 * (2 + sin(Double(k) / 288 * 2 * .pi))) + Int64.random(in: 0...50, using: &rng)
                case 4: Int.random(in: 0..<10, using: &rng) == 0 ? Int64.random(in: 1...9, using: &rng) : 0
                case 5: 42
                default: Int64.random(in: 0...3, using: &rng)
                }
            }
            let sorted = v.sorted()
            #expect(TrafficStatistics.percentile95(&v) == sorted[(n * 95 + 99) / 100 - 1], "n=\(n)")
        }
    }

    @Test(arguments: 0..<100)
    func percentile95AgreesWithSorting(seed: Int) {
        var rng = SeededGenerator(state: UInt64(seed) + 1_000)
        let n = Int.random(in: 1...500, using: &rng)
        var v = (0..<n).map { _ in Int64.random(in: 0...Int64(Int.random(in: 1...1_000, using: &rng)), using: &rng) }
        let sorted = v.sorted()
        #expect(TrafficStatistics.percentile95(&v) == sorted[Int((Double(n) * 0.95).rounded(.up)) - 1])
    }

    @Test func statisticsOfFiveMinuteSamples() throws {
        let s = try #require(TrafficStatistics(fiveMinute: [
            TrafficSample(start: 0, covered: 300, inBPS: 10, outBPS: 40),
            TrafficSample(start: 300, covered: 100, inBPS: 40, outBPS: 10, inErrors: 2),
        ]))
        #expect(s.samples == 2 && s.coveredSeconds == 400)
        #expect(s.inbound.average == 17.5 && s.outbound.average == 32.5)
        #expect(s.inbound.peak == 40 && s.outbound.p95 == 40 && s.p95 == 40 && s.inErrors == 2)
    }
}

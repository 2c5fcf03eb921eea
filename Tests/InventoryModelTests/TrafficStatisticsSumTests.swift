import InventoryModel
import Testing

/// A period's statistics read from blocks whose coverage is constant (the rates summed in
/// integers while that is exact) equal those of the same samples added one at a time, also
/// when the totals pass 2^53 part way (then summed as `Double`s from there on), and with
/// negative or huge values.
@Suite struct TrafficStatisticsSumTests {
    @Test(arguments: 0..<40)
    func blockStatisticsEqualThoseOfTheSamples(seed: Int) throws {
        var rng = SeededGenerator(state: UInt64(seed) + 210_000)
        // 2^33 crosses 2^53 after about a dozen blocks of 288; 2^45 in the first block.
        let scale: Int64 = [400_000_000, 1 << 33, 1 << 33, 1 << 45, Int64.max / 400].randomElement(using: &rng)!
        let covered: Int64 = [300, 300, 1, 299, 0].randomElement(using: &rng)!
        let negative = seed % 5 == 4
        var t: Int64 = 1_748_736_000
        let blocks = (0 ..< Int.random(in: 1 ... 40, using: &rng)).map { _ -> [TrafficSample] in
            (0 ..< Int.random(in: 1 ... 288, using: &rng)).map { k -> TrafficSample in
                t += 300
                let v = Int64.random(in: 0 ... scale, using: &rng) * (negative && k % 9 == 0 ? -1 : 1)
                return TrafficSample(start: t, covered: covered, inBPS: v, outBPS: v / 3)
            }
        }
        let all = blocks.flatMap { $0 }
        let from = all[Int.random(in: 0 ..< all.count, using: &rng)].start - 1, to = from + Int64.random(in: 300 ... 12_000_000, using: &rng)
        var acc = TrafficStatistics.Accumulator(), scratch = TrafficBlockCodec.DecodedBlock()
        for b in blocks {
            try TrafficBlockCodec.encode(b).withUnsafeBytes { try TrafficBlockCodec.accumulate($0, into: &acc, from: from, to: to, scratch: &scratch) }
        }
        let expected = TrafficStatistics(fiveMinute: all.filter { $0.start >= from && $0.start < to })
        let got = acc.statistics()
        #expect(got == expected)
        // Bit for bit (== on Double treats -0 and 0 alike).
        #expect(got?.inbound.average.bitPattern == expected?.inbound.average.bitPattern)
        #expect(got?.outbound.average.bitPattern == expected?.outbound.average.bitPattern)
    }
}

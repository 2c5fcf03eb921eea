import InventoryModel
import Testing

/// `TrafficSample.rollups(_:to:)` (every bucket in one pass, summed in integers where that is
/// exact) gives, bucket by bucket, what `rollup(_:start:)` gives.
@Suite struct TrafficRollupTests {
    /// Each bucket's samples rolled up one by one: the reference.
    func reference(_ xs: ArraySlice<TrafficSample>, _ r: TrafficResolution) -> [TrafficSample] {
        Dictionary(grouping: xs) { r.bucket($0.start) }.sorted { $0.key < $1.key }.compactMap { TrafficSample.rollup($0.value, start: $0.key) }
    }

    /// Random 5-minute series: gaps, partly covered and uncovered samples, idle zeros, peaks
    /// above the averages, counters; some with rates or counters too large for exact integer
    /// sums in a Double (2^40 to Int64's range), or negative, which take the `Double` path.
    @Test(arguments: 0..<60)
    func rollupsEqualEachBucketsRollup(seed: Int) {
        var rng = SeededGenerator(state: UInt64(seed) + 160_000)
        let scale: Int64 = [400_000_000, 400_000_000, 1 << 40, 1 << 50, Int64.max / 4].randomElement(using: &rng)!
        let negative = seed % 7 == 3
        var t = Int64.random(in: -2_000_000 ... 1_800_000_000, using: &rng) / 300 * 300
        let samples = (0 ..< Int.random(in: 0 ... 3_000, using: &rng)).map { k -> TrafficSample in
            t += Int.random(in: 0 ..< 40, using: &rng) == 0 ? 300 * Int64.random(in: 2 ... 40, using: &rng) : 300
            let idle = k % 200 < 30
            let v = idle ? 0 : Int64.random(in: 0 ... scale, using: &rng) * (negative && k % 11 == 0 ? -1 : 1)
            let covered: Int64 = [300, 300, 300, 0, 1, Int64.random(in: 1 ... 299, using: &rng)].randomElement(using: &rng)!
            return TrafficSample(start: t, covered: covered, inBPS: v, outBPS: v / Int64.random(in: 1 ... 9, using: &rng),
                                 peakInBPS: Bool.random(using: &rng) ? v &+ Int64.random(in: 0 ... 1_000, using: &rng) : nil,
                                 inErrors: Int.random(in: 0 ..< 30, using: &rng) == 0 ? 4_294_967_295 : 0,
                                 outErrors: Int64.random(in: 0 ... 3, using: &rng), inDiscards: 0,
                                 outDiscards: Int.random(in: 0 ..< 50, using: &rng) == 0 ? min(scale, 1 << 50) : 0)
        }
        // A slice that does not start at index 0 as well as the whole.
        for part in [samples[...], samples.dropFirst(min(samples.count, 17))] {
            let hours = TrafficSample.rollups(part, to: .hour)
            #expect(hours == reference(part, .hour))
            #expect(TrafficSample.rollups(hours[...], to: .day) == reference(hours[...], .day))
            #expect(TrafficSample.rollups(part, to: .day) == reference(part, .day))
        }
    }

    @Test func aYearOfFiveMinuteSamplesRollsUpIntoHoursAndDays() {
        let day0: Int64 = 1_735_689_600   // 2025-01-01T00:00:00Z
        let samples = (0 ..< 365 * 288).map { (k: Int) -> TrafficSample in
            let n = Int64(k)
            return TrafficSample(start: day0 + n * 300, covered: 300, inBPS: (n % 977) * 1_000_003, outBPS: n % 13)
        }
        let hours = TrafficSample.rollups(samples[...], to: .hour)
        #expect(hours.count == 365 * 24)
        #expect(hours == reference(samples[...], .hour))
        let days = TrafficSample.rollups(hours[...], to: .day)
        #expect(days.count == 365 && days.allSatisfy { $0.covered == 86_400 })
        #expect(days == reference(hours[...], .day))
        #expect(TrafficSample.rollups([], to: .hour).isEmpty)
    }
}

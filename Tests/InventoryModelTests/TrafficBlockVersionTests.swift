import InventoryModel
import Testing

/// Version 2 blocks (frames of fixed bit width): exact round trips of awkward series, the
/// same statistics and rollups as version 1, every width at every position, and no trap on
/// malformed bytes.
@Suite struct TrafficBlockVersionTests {
    /// A column of one awkward shape: noise, zeros, a 32-bit counter that wraps, a 64-bit one
    /// that overflows, the extremes of Int64, a few huge jumps, a ramp (one difference).
    static func column(_ shape: Int, _ n: Int, _ rng: inout SeededGenerator) -> [Int64] {
        var x = Int64.random(in: 0...(1 << 32), using: &rng)
        return (0..<n).map { k -> Int64 in
            switch shape {
            case 0: return Int64.random(in: 0...400_000_000, using: &rng)
            case 1: return 0
            case 2: return Int.random(in: 0..<3, using: &rng) == 0 ? 0 : Int64.random(in: 1...9_000_000, using: &rng)
            case 3:
                x = (x + Int64.random(in: 0...900_000_000, using: &rng)) % (1 << 32)
                return x
            case 4:
                x = x &+ Int64.random(in: 0...(Int64.max / 3), using: &rng)
                return x
            case 5: return [Int64.max, Int64.min, 0, -1, 1].randomElement(using: &rng)!
            case 6: return Int.random(in: 0..<20, using: &rng) == 0 ? Int64.random(in: .min ... .max, using: &rng) : 1_000
            case 7: return Int64(k) * 300 - 7
            default: return Int64.random(in: -5...5, using: &rng) * (1 << Int64.random(in: 0...58, using: &rng))
            }
        }
    }

    /// Times strictly ascending with gaps (a missed poll, an hour, a day) and odd steps.
    static func times(_ n: Int, _ rng: inout SeededGenerator) -> [Int64] {
        var t = Int64.random(in: -4_000_000_000...4_000_000_000, using: &rng)
        return (0..<n).map { _ in
            defer { t += [300, 300, 300, 600, 3_600, 86_400, 1, Int64.random(in: 1...10_000_000, using: &rng)].randomElement(using: &rng)! }
            return t
        }
    }

    @Test(arguments: 0..<300)
    func awkwardSeriesRoundTripExactly(seed: Int) throws {
        var rng = SeededGenerator(state: UInt64(seed) + 40_000)
        // Single samples and empty blocks often; otherwise up to two days.
        let n = [0, 1, 1, 2, 3, Int.random(in: 4...600, using: &rng)].randomElement(using: &rng)!
        let times = Self.times(n, &rng)
        let columns = (0..<Int.random(in: 0...9, using: &rng)).map { _ in Self.column(Int.random(in: 0...8, using: &rng), n, &rng) }
        let bytes = TrafficBlockCodec.encode(times: times, columns: columns)
        #expect(bytes.first == 2)
        let back = try TrafficBlockCodec.decode(bytes)
        #expect(back.times == times)
        #expect(back.columns == columns)
        // The same through the reused buffers of a block decoded before (of another length).
        var block = TrafficBlockCodec.DecodedBlock()
        try TrafficBlockCodec.encode(times: [1, 2, 3], columns: Array(repeating: [9, -9, 1 << 40], count: 9)).withUnsafeBytes {
            try TrafficBlockCodec.decode($0, into: &block)
        }
        try bytes.withUnsafeBytes { try TrafficBlockCodec.decode($0, into: &block) }
        #expect(block.times == times && block.columns == columns)
    }

    /// Every width from 1 to 64 bits at every bit position and distance from the block's end
    /// (the word-at-a-time reading and the byte-by-byte one), as values and as differences.
    @Test func everyWidthUnpacksAtEveryPosition() throws {
        var rng = SeededGenerator(state: 64)
        for w in 1...64 {
            let top = w == 64 ? UInt64.max : (1 << UInt64(w)) - 1
            for n in [1, 2, 7, 8, 9, 17, 64, 65] {
                // Values spanning exactly w bits above a base (the extremes included).
                let base = Int64.random(in: -1_000...1_000, using: &rng)
                var values = (0..<n).map { _ in base &+ Int64(bitPattern: UInt64.random(in: 0...top, using: &rng)) }
                values[0] = base
                values[n - 1] = base &+ Int64(bitPattern: top)
                let times = (0..<Int64(n)).map { $0 * 300 }
                // Alone, and followed by another column (so the word reads run into its bytes).
                let shifted: [Int64] = values.map { $0 &+ 1 }.reversed()
                for columns: [[Int64]] in [[values], [values, shifted], [values.reversed(), Array(repeating: 5, count: n)]] {
                    let back = try TrafficBlockCodec.decode(TrafficBlockCodec.encode(times: times, columns: columns))
                    #expect(back.columns == columns, "width \(w), \(n) values")
                }
            }
        }
    }

    /// A noisy day of rates costs fewer bytes as version 2 than as version 1 (a fixed width
    /// rather than 7-bit groups), and both decode to the same samples.
    @Test(arguments: [10_000, 2_000_000, 400_000_000] as [Int64])
    func aNoisyDayIsSmallerAsVersionTwo(mean: Int64) throws {
        var rng = SeededGenerator(state: UInt64(mean))
        let samples = (0..<288).map { k -> TrafficSample in
            let v = mean * Int64(85 + Int.random(in: 0...30, using: &rng)) / 100
            return TrafficSample(start: 1_793_577_600 + Int64(k) * 300, covered: 300, inBPS: v, outBPS: v / 3)
        }
        let one = TrafficBlockCodec.encodeVersion1(samples), two = TrafficBlockCodec.encode(samples)
        #expect(try TrafficBlockCodec.decodeSamples(one) == samples)
        #expect(try TrafficBlockCodec.decodeSamples(two) == samples)
        #expect(two.count < one.count * 9 / 10, "\(two.count) bytes against \(one.count)")
    }

    /// Random traffic (gaps, idle zeros, wraps turned into a reset's gap, huge rates, blocks
    /// of one sample): the statistics of any period and the hourly rollups are the same
    /// whether the blocks were written as version 1 or 2, and equal to the samples' own.
    @Test(arguments: 0..<80)
    func versionsOneAndTwoGiveTheSameStatisticsAndRollups(seed: Int) throws {
        var rng = SeededGenerator(state: UInt64(seed) + 70_000)
        var t = Int64.random(in: 1_700_000_000...1_800_000_000, using: &rng) / 300 * 300
        let blocks = (0..<Int.random(in: 1...5, using: &rng)).map { _ -> [TrafficSample] in
            let n = [1, 1, 2, Int.random(in: 3...288, using: &rng)].randomElement(using: &rng)!
            let mean = Int64.random(in: 0...Int64(Int.random(in: 1...40, using: &rng)) * 100_000_000, using: &rng)
            let idle = Bool.random(using: &rng), peaks = Bool.random(using: &rng)
            return (0..<n).map { k -> TrafficSample in
                t += Int.random(in: 0..<12, using: &rng) == 0 ? 300 * Int64.random(in: 2...12, using: &rng) : 300
                let v = idle && k % 50 < 20 ? 0 : mean / 2 + Int64.random(in: 0...max(mean, 1), using: &rng)
                let covered: Int64 = Int.random(in: 0..<15, using: &rng) == 0 ? Int64.random(in: 1...299, using: &rng) : 300
                return TrafficSample(start: t, covered: covered, inBPS: v, outBPS: v / Int64.random(in: 1...5, using: &rng),
                                     peakInBPS: peaks ? v + Int64.random(in: 0...1_000_000, using: &rng) : nil,
                                     inErrors: Int.random(in: 0..<30, using: &rng) == 0 ? 4_294_967_295 : 0,
                                     outDiscards: Int64.random(in: 0...1, using: &rng))
            }
        }
        let all = blocks.flatMap { $0 }
        let from = all[Int.random(in: 0..<all.count, using: &rng)].start - Int64.random(in: 0...1, using: &rng)
        let to = from + Int64.random(in: 0...400_000, using: &rng)
        func statistics(_ encode: ([TrafficSample]) -> [UInt8]) throws -> (TrafficStatistics?, [TrafficSample]) {
            var acc = TrafficStatistics.Accumulator(), scratch = TrafficBlockCodec.DecodedBlock()
            var decoded: [TrafficSample] = []
            for b in blocks {
                let bytes = encode(b)
                try bytes.withUnsafeBytes { try TrafficBlockCodec.accumulate($0, into: &acc, from: from, to: to, scratch: &scratch) }
                decoded += try TrafficBlockCodec.decodeSamples(bytes)
            }
            return (acc.statistics(), decoded)
        }
        let (one, oneSamples) = try statistics(TrafficBlockCodec.encodeVersion1)
        let (two, twoSamples) = try statistics(TrafficBlockCodec.encode)
        #expect(oneSamples == all && twoSamples == all)
        #expect(one == two)
        #expect(two == TrafficStatistics(fiveMinute: all.filter { $0.start >= from && $0.start < to }))
        func hourly(_ xs: [TrafficSample]) -> [TrafficSample?] {
            Dictionary(grouping: xs) { TrafficResolution.hour.bucket($0.start) }.sorted { $0.key < $1.key }
                .map { TrafficSample.rollup($0.value, start: $0.key) }
        }
        #expect(hourly(oneSamples) == hourly(twoSamples))
    }

    /// Blocks of the usual shape (coverage and counters constant, peaks equal to averages)
    /// are planned in one pass over the samples: the bytes are those of the columns' encoding,
    /// also when one field of one sample breaks the shape.
    @Test(arguments: 0..<120)
    func usualBlocksEncodeAsTheirColumns(seed: Int) throws {
        var rng = SeededGenerator(state: UInt64(seed) + 90_000)
        let n = Int.random(in: 1...288, using: &rng)
        let covered = [300, 300, 120, 0].randomElement(using: &rng)!, errors = [0, 0, 3, 300].randomElement(using: &rng)!
        let mean = Int64.random(in: 0...400_000_000, using: &rng)
        var samples = (0..<n).map { k -> TrafficSample in
            let v = [0, mean, mean / 2 + Int64.random(in: 0...max(mean, 1), using: &rng)].randomElement(using: &rng)!
            return TrafficSample(start: 1_800_000_000 + Int64(k) * 300, covered: Int64(covered), inBPS: v,
                                 outBPS: Bool.random(using: &rng) ? v : v / 3, inErrors: Int64(errors), outDiscards: Int64(errors))
        }
        if n > 1 && Bool.random(using: &rng) {
            let k = Int.random(in: 0..<n, using: &rng)
            switch Int.random(in: 0..<5, using: &rng) {
            case 0: samples[k].covered += 1
            case 1: samples[k].peakInBPS += 1
            case 2: samples[k].outDiscards = 1
            case 3: samples[k].outBPS = samples[k].inBPS
            default: samples[k].peakOutBPS = samples[k].outBPS - 1
            }
        }
        let columns: [[Int64]] = [samples.map(\.covered), samples.map(\.inBPS), samples.map(\.outBPS), samples.map(\.peakInBPS),
                                  samples.map(\.peakOutBPS), samples.map(\.inErrors), samples.map(\.outErrors),
                                  samples.map(\.inDiscards), samples.map(\.outDiscards)]
        let bytes = TrafficBlockCodec.encode(samples)
        #expect(bytes == TrafficBlockCodec.encode(times: samples.map(\.start), columns: columns))
        #expect(try TrafficBlockCodec.decodeSamples(bytes) == samples)
    }

    @Test func malformedVersionTwoBytesThrowAndNeverTrap() throws {
        var rng = SeededGenerator(state: 2_002)
        let good = TrafficBlockCodec.encode((0..<60).map {
            TrafficSample(start: Int64($0) * 300, covered: 300, inBPS: Int64($0) * 1_000_003 % 77_777, outBPS: Int64($0) * 5, inErrors: Int64($0 % 2))
        })
        #expect(good.first == 2)
        #expect(throws: TrafficBlockCodec.DecodingError.self) { try TrafficBlockCodec.decode(Array(good.dropLast())) }
        #expect(throws: TrafficBlockCodec.DecodingError.self) { try TrafficBlockCodec.decode(good + [0]) }
        // A width over 64 bits, and a varint-delta column (version 1's mode 1) in a version 2 block.
        let wide = TrafficBlockCodec.encode(times: [0, 300, 600], columns: [[0, 1 << 40, 5]])
        #expect(wide.count == 26 && wide[7] == 4 && wide[9] == 41)   // a frame: mode 4, base 0, 41 bits, 16 bytes
        var bad = wide
        bad[9] = 65
        let width = #expect(throws: TrafficBlockCodec.DecodingError.self) { try TrafficBlockCodec.decode(bad) }
        #expect(width?.message == "width 65 over 64 bits")
        let mode = #expect(throws: TrafficBlockCodec.DecodingError.self) { try TrafficBlockCodec.decode(Array(wide[0..<7]) + [1, 0, 2, 2]) }
        #expect(mode?.message == "unknown column mode 1 in version 2")
        for _ in 0..<3_000 {
            var b = good
            for _ in 0..<Int.random(in: 1...4, using: &rng) { b[Int.random(in: 0..<b.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
            if Bool.random(using: &rng) { b = Array(b.prefix(Int.random(in: 0...b.count, using: &rng))) }
            _ = try? TrafficBlockCodec.decode(b)
            var acc = TrafficStatistics.Accumulator(), scratch = TrafficBlockCodec.DecodedBlock()
            _ = try? b.withUnsafeBytes { try TrafficBlockCodec.accumulate($0, into: &acc, from: 0, to: 1 << 40, scratch: &scratch) }
        }
    }
}

// What a period of 5-minute traffic samples amounts to, as transit billing reads it: the
// average, the peak and the 95th percentile of the 5-minute averages, in and out separately
// and the larger of the two. Pure.

/// Average, peak and 95th percentile of one direction (bit/s).
public struct DirectionStatistics: Sendable, Hashable, Codable {
    /// Bits over covered seconds.
    public var average: Double
    /// Highest 5-minute average (or highest rollup peak, for rollups).
    public var peak: Int64
    /// 95th percentile of the 5-minute averages (nearest rank: the highest 5 % are dropped).
    public var p95: Int64
    public init(average: Double, peak: Int64, p95: Int64) { self.average = average; self.peak = peak; self.p95 = p95 }
}

/// A period's traffic statistics for one interface or a sum of interfaces.
public struct TrafficStatistics: Sendable, Hashable, Codable {
    /// 5-minute samples used.
    public var samples: Int
    /// Seconds covered by rate intervals (gaps and resets excluded).
    public var coveredSeconds: Int64
    public var inbound: DirectionStatistics
    public var outbound: DirectionStatistics
    public var inErrors: Int64
    public var outErrors: Int64
    public var inDiscards: Int64
    public var outDiscards: Int64

    /// The larger direction's 95th percentile: what transit billing charges.
    public var p95: Int64 { max(inbound.p95, outbound.p95) }
    public var peak: Int64 { max(inbound.peak, outbound.peak) }
    public var average: Double { max(inbound.average, outbound.average) }

    /// Statistics of 5-minute samples; nil when there are none.
    public init?(fiveMinute samples: [TrafficSample]) {
        var a = Accumulator()
        for x in samples { a.add(x) }
        guard let s = a.statistics() else { return nil }
        self = s
    }

    /// Gathers 5-minute samples one by one, or a decoded block's columns at once (the fast
    /// path of a month's statistics for every interface).
    public struct Accumulator: Sendable {
        var covered: Int64 = 0, inBits = 0.0, outBits = 0.0
        var ie: Int64 = 0, oe: Int64 = 0, id: Int64 = 0, od: Int64 = 0
        var ins: [Int64] = [], outs: [Int64] = []
        var peakIn = Int64.min, peakOut = Int64.min

        public init() {}

        /// Empties the accumulator but keeps its buffers (reading many interfaces allocates once).
        public mutating func reset() {
            covered = 0; inBits = 0; outBits = 0; ie = 0; oe = 0; id = 0; od = 0
            ins.removeAll(keepingCapacity: true); outs.removeAll(keepingCapacity: true)
            peakIn = .min; peakOut = .min
        }

        public mutating func add(_ x: TrafficSample) {
            covered += x.covered
            inBits += Double(x.inBPS) * Double(x.covered); outBits += Double(x.outBPS) * Double(x.covered)
            ie &+= x.inErrors; oe &+= x.outErrors; id &+= x.inDiscards; od &+= x.outDiscards
            ins.append(x.inBPS); outs.append(x.outBPS)
            peakIn = max(peakIn, x.peakInBPS); peakOut = max(peakOut, x.peakOutBPS)
        }

        /// Adds the samples of a decoded traffic block (`TrafficBlockCodec.decode`) whose
        /// start is in [from, to).
        public mutating func add(times: [Int64], columns c: [[Int64]], from: Int64, to: Int64) {
            guard c.count == 9 else { return }
            var lo = 0, hi = times.count
            while lo < hi && times[lo] < from { lo += 1 }
            while hi > lo && times[hi - 1] >= to { hi -= 1 }
            guard lo < hi else { return }
            let c0 = c[0], c1 = c[1], c2 = c[2], c3 = c[3], c4 = c[4], c5 = c[5], c6 = c[6], c7 = c[7], c8 = c[8]
            guard c0.count >= hi, c1.count >= hi, c2.count >= hi, c3.count >= hi, c4.count >= hi, c5.count >= hi,
                  c6.count >= hi, c7.count >= hi, c8.count >= hi else { return }
            ins.append(contentsOf: c1[lo..<hi]); outs.append(contentsOf: c2[lo..<hi])
            // In locals (the same sums in the same order as one sample at a time).
            var cv: Int64 = 0, ib = inBits, ob = outBits, pi = peakIn, po = peakOut, e0: Int64 = 0, e1: Int64 = 0, d0: Int64 = 0, d1: Int64 = 0
            for k in lo..<hi {
                let cov = c0[k]
                cv &+= cov
                ib += Double(c1[k]) * Double(cov); ob += Double(c2[k]) * Double(cov)
                pi = max(pi, c3[k]); po = max(po, c4[k])
                e0 &+= c5[k]; e1 &+= c6[k]; d0 &+= c7[k]; d1 &+= c8[k]
            }
            covered += cv; inBits = ib; outBits = ob; peakIn = pi; peakOut = po
            ie &+= e0; oe &+= e1; id &+= d0; od &+= d1
        }

        /// Adds coverage and rates of samples `range` (the rest of a block is added by the
        /// caller), in the same order as one sample at a time.
        mutating func add(covered c0: [Int64], in c1: [Int64], out c2: [Int64], _ range: Range<Int>) {
            guard c0.count >= range.upperBound, c1.count >= range.upperBound, c2.count >= range.upperBound else { return }
            ins.append(contentsOf: c1[range]); outs.append(contentsOf: c2[range])
            var cv: Int64 = 0, ib = inBits, ob = outBits
            for k in range {
                let cov = c0[k]
                cv &+= cov
                ib += Double(c1[k]) * Double(cov); ob += Double(c2[k]) * Double(cov)
            }
            covered &+= cv; inBits = ib; outBits = ob
        }

        /// As `add(covered:in:out:_:)`, every sample covering `cov` seconds.
        mutating func add(covered cov: Int64, in c1: [Int64], out c2: [Int64], _ range: Range<Int>) {
            guard c1.count >= range.upperBound, c2.count >= range.upperBound else { return }
            ins.append(contentsOf: c1[range]); outs.append(contentsOf: c2[range])
            let dc = Double(cov)
            if let i = Self.exactSum(inBits, c1, range, cov), let o = Self.exactSum(outBits, c2, range, cov) {
                inBits = i; outBits = o
            } else {
                var ib = inBits, ob = outBits
                for k in range { ib += Double(c1[k]) * dc; ob += Double(c2[k]) * dc }
                inBits = ib; outBits = ob
            }
            covered &+= cov &* Int64(range.count)
        }

        /// `total` plus each of `values[range]` times `cov`, added one at a time in `Double`s,
        /// when every one of those additions is exact (the total a whole number, the values
        /// and `cov` not negative, the sum below 2^53, as traffic's always is): then it is the
        /// integers' sum, taken here in integers in one vectorisable loop. nil otherwise.
        @inline(__always) static func exactSum(_ total: Double, _ values: [Int64], _ range: Range<Int>, _ cov: Int64) -> Double? {
            guard total >= 0, total < 9_007_199_254_740_992, total == total.rounded(.towardZero), cov >= 0 else { return nil }
            var sum: Int64 = 0, all: Int64 = 0
            for k in range { let v = values[k]; sum &+= v; all |= v }
            // Each value below 2^w, so the sum below 2^(w + bits of count), and times cov below 2^53.
            func bits(_ v: Int64) -> Int { 64 - v.leadingZeroBitCount }
            guard all >= 0, bits(all) + bits(Int64(range.count)) + bits(cov) <= 53 else { return nil }
            let product = sum * cov
            let result = Int64(total) + product
            guard result < 1 << 53 else { return nil }
            return Double(result)
        }

        /// The statistics; nil when no sample was added. Reorders what was gathered.
        public mutating func statistics() -> TrafficStatistics? {
            guard !ins.isEmpty else { return nil }
            let c = Double(max(covered, 1))
            return TrafficStatistics(samples: ins.count, coveredSeconds: covered,
                                     inbound: DirectionStatistics(average: inBits / c, peak: peakIn, p95: TrafficStatistics.percentile95(&ins)),
                                     outbound: DirectionStatistics(average: outBits / c, peak: peakOut, p95: TrafficStatistics.percentile95(&outs)),
                                     inErrors: ie, outErrors: oe, inDiscards: id, outDiscards: od)
        }
    }

    public init(samples: Int, coveredSeconds: Int64, inbound: DirectionStatistics, outbound: DirectionStatistics,
                inErrors: Int64, outErrors: Int64, inDiscards: Int64, outDiscards: Int64) {
        self.samples = samples; self.coveredSeconds = coveredSeconds; self.inbound = inbound; self.outbound = outbound
        self.inErrors = inErrors; self.outErrors = outErrors; self.inDiscards = inDiscards; self.outDiscards = outDiscards
    }

    /// The 95th percentile by nearest rank: sorted ascending, the value at rank ⌈0.95·n⌉ (so
    /// the highest 5 % of samples, rounded down, are dropped). Reorders `values`.
    public static func percentile95(_ values: inout [Int64]) -> Int64 {
        guard !values.isEmpty else { return 0 }
        let rank = (values.count * 95 + 99) / 100       // ⌈0.95·n⌉ in integers
        let k = max(rank, 1) - 1
        return values.withUnsafeMutableBufferPointer { select($0, k) }
    }

    /// The `k`-th smallest of `v` (from 0). With many values, first brackets it between two
    /// values of a sorted sample and selects among the few values between them (one pass
    /// over all, without a branch per value); when the bracket misses, or with few values,
    /// quickselect over all. Exact either way. Reorders `v`.
    static func select(_ v: UnsafeMutableBufferPointer<Int64>, _ k: Int) -> Int64 {
        let n = v.count
        if n >= 1_024 {
            let s = 128
            var sample = (0..<s).map { v[$0 * n / s] }
            sample.sort()
            let at = k * s / n
            let a = sample[max(at - 8, 0)], b = sample[min(at + 8, s - 1)]
            // The values in [a, b] gathered without a branch per value (about one in eight is
            // kept, at no predictable place): each is written after those kept so far and
            // counted when it is in range. On the heap: a year of samples would be most of a
            // thread's stack.
            let middle = UnsafeMutablePointer<Int64>.allocate(capacity: n)
            defer { middle.deallocate() }
            var below = 0, kept = 0
            for x in v {
                below &+= x < a ? 1 : 0
                middle[kept] = x
                kept &+= (x >= a ? 1 : 0) & (x <= b ? 1 : 0)
            }
            if k >= below && k - below < kept {
                return quickselect(UnsafeMutableBufferPointer(start: middle, count: kept), k - below)
            }
        }
        return quickselect(v, k)
    }

    /// Quickselect of the `k`-th smallest (from 0), in place.
    static func quickselect(_ v: UnsafeMutableBufferPointer<Int64>, _ k: Int) -> Int64 {
        var lo = 0, hi = v.count - 1
        while lo < hi {
            let pivot = v[(lo + hi) / 2]
            var i = lo, j = hi
            while i <= j {
                while v[i] < pivot { i += 1 }
                while v[j] > pivot { j -= 1 }
                if i <= j { v.swapAt(i, j); i += 1; j -= 1 }
            }
            if k <= j { hi = j } else if k >= i { lo = i } else { break }
        }
        return v[k]
    }

    /// Adds the samples of several interfaces that share buckets (a PD's uplinks): one
    /// summed sample per bucket start.
    public static func sum(_ series: [[TrafficSample]]) -> [TrafficSample] {
        var byStart: [Int64: TrafficSample] = [:]
        for s in series {
            for x in s {
                if var y = byStart[x.start] {
                    y.covered = max(y.covered, x.covered)
                    y.inBPS += x.inBPS; y.outBPS += x.outBPS
                    y.peakInBPS += x.peakInBPS; y.peakOutBPS += x.peakOutBPS
                    y.inErrors += x.inErrors; y.outErrors += x.outErrors
                    y.inDiscards += x.inDiscards; y.outDiscards += x.outDiscards
                    byStart[x.start] = y
                } else {
                    byStart[x.start] = x
                }
            }
        }
        return byStart.values.sorted { $0.start < $1.start }
    }
}

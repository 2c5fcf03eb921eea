// Rolling many samples up at once (a backfill, an import, the storage benchmark): every bucket
// of a coarser resolution in one pass, each exactly what `TrafficSample.rollup(_:start:)` gives
// for its samples. Pure.

extension TrafficSample {
    /// The rollups into `resolution` of samples sorted by start (one per start): one sample per
    /// bucket that samples fall in, in order, each equal to `rollup(_:start:)` of that bucket's
    /// samples (buckets none covered are left out, as there).
    ///
    /// The sums are taken in integers when they are exact in a `Double` (every term and partial
    /// sum below 2^53, which 5-minute and hourly traffic always is): then they are the same
    /// numbers `rollup` adds up one `Double` at a time, without converting each value. A
    /// bucket with a negative value or a larger one is summed by `rollup` itself.
    public static func rollups(_ samples: ArraySlice<TrafficSample>, to resolution: TrafficResolution) -> [TrafficSample] {
        var out: [TrafficSample] = []
        if let first = samples.first, let last = samples.last {
            let span = last.start &- first.start
            out.reserveCapacity(span >= 0 ? min(samples.count, Int(span / resolution.seconds) &+ 1) : samples.count)
        }
        appendRollups(samples, to: resolution, into: &out)
        return out
    }

    /// As `rollups(_:to:)`, appending to `out` (a store rolling up block by block: the rollups
    /// of consecutive parts of a run, each part ending where a bucket does, are the run's).
    public static func appendRollups(_ samples: ArraySlice<TrafficSample>, to resolution: TrafficResolution, into out: inout [TrafficSample]) {
        samples.withUnsafeBufferPointer { p in
            let n = p.count
            guard n > 0 else { return }
            let window = UInt64(resolution.seconds)
            var from = 0
            while from < n {
                let start = resolution.bucket(p[from].start)
                var to = from
                var covered: Int64 = 0, inBits: Int64 = 0, outBits: Int64 = 0, peakIn: Int64 = 0, peakOut: Int64 = 0
                // Every summed value ORed together: its width bounds them all (and its sign
                // shows a negative one). The counters (errors, discards; mostly zero) are only
                // ORed here, and summed after the loop when one is not zero: fewer values live
                // in the loop.
                var values: Int64 = 0, coverages: Int64 = 0, counters: Int64 = 0
                // The samples that follow in the same bucket (start - bucket in [0, window),
                // compared unsigned: one before the bucket ends the run too).
                while to < n && UInt64(bitPattern: p[to].start &- start) < window {
                    let x = p[to]
                    coverages |= x.covered
                    values |= x.inBPS | x.outBPS
                    counters |= x.inErrors | x.outErrors | x.inDiscards | x.outDiscards
                    covered &+= x.covered
                    inBits &+= x.inBPS &* x.covered; outBits &+= x.outBPS &* x.covered
                    peakIn = max(peakIn, x.peakInBPS); peakOut = max(peakOut, x.peakOutBPS)
                    to &+= 1
                }
                values |= counters
                // Products below 2^(wv+wc), their sum below 2^(wv+wc+wn): exact when that is at most 2^53.
                let exact = values >= 0 && coverages >= 0
                    && Self.bits(values) + Self.bits(coverages) + Self.bits(Int64(to - from)) <= 53
                if exact {
                    // `TrafficBucket.sample(peaks: true)` of these sums: every sum is a whole
                    // number below 2^53, so rounding it changes nothing; only the two rates are
                    // a quotient to round.
                    if covered >= 1 {
                        var inErrors: Int64 = 0, outErrors: Int64 = 0, inDiscards: Int64 = 0, outDiscards: Int64 = 0
                        if counters != 0 {
                            for k in from ..< to {
                                inErrors &+= p[k].inErrors; outErrors &+= p[k].outErrors
                                inDiscards &+= p[k].inDiscards; outDiscards &+= p[k].outDiscards
                            }
                        }
                        let c = Double(covered)
                        let i = Int64((Double(inBits) / c).rounded()), o = Int64((Double(outBits) / c).rounded())
                        out.append(TrafficSample(start: start, covered: covered, inBPS: i, outBPS: o,
                                                 peakInBPS: max(peakIn, i), peakOutBPS: max(peakOut, o),
                                                 inErrors: inErrors, outErrors: outErrors, inDiscards: inDiscards, outDiscards: outDiscards))
                    }
                } else if let s = rollup(samples[(samples.startIndex + from) ..< (samples.startIndex + to)], start: start) {
                    out.append(s)
                }
                from = to
            }
        }
    }

    /// Bits needed for a non-negative value.
    @inline(__always) static func bits(_ v: Int64) -> Int { 64 - v.leadingZeroBitCount }
}

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
        samples.withUnsafeBufferPointer { p in
            let n = p.count
            guard n > 0 else { return }
            let span = p[n - 1].start &- p[0].start
            out.reserveCapacity(span >= 0 ? min(n, Int(span / resolution.seconds) &+ 1) : n)
            let window = UInt64(resolution.seconds)
            var from = 0
            while from < n {
                let start = resolution.bucket(p[from].start)
                var to = from
                var covered: Int64 = 0, inBits: Int64 = 0, outBits: Int64 = 0, peakIn: Int64 = 0, peakOut: Int64 = 0
                var inErrors: Int64 = 0, outErrors: Int64 = 0, inDiscards: Int64 = 0, outDiscards: Int64 = 0
                // Every summed value ORed together: its width bounds them all (and its sign
                // shows a negative one).
                var values: Int64 = 0, coverages: Int64 = 0
                // The samples that follow in the same bucket (start - bucket in [0, window),
                // compared unsigned: one before the bucket ends the run too).
                while to < n && UInt64(bitPattern: p[to].start &- start) < window {
                    let x = p[to]
                    coverages |= x.covered
                    values |= x.inBPS | x.outBPS | x.inErrors | x.outErrors | x.inDiscards | x.outDiscards
                    covered &+= x.covered
                    inBits &+= x.inBPS &* x.covered; outBits &+= x.outBPS &* x.covered
                    peakIn = max(peakIn, x.peakInBPS); peakOut = max(peakOut, x.peakOutBPS)
                    inErrors &+= x.inErrors; outErrors &+= x.outErrors
                    inDiscards &+= x.inDiscards; outDiscards &+= x.outDiscards
                    to &+= 1
                }
                // Products below 2^(wv+wc), their sum below 2^(wv+wc+wn): exact when that is at most 2^53.
                let exact = values >= 0 && coverages >= 0
                    && Self.bits(values) + Self.bits(coverages) + Self.bits(Int64(to - from)) <= 53
                if exact {
                    var b = TrafficBucket(start: start)
                    b.covered = Double(covered); b.inBits = Double(inBits); b.outBits = Double(outBits)
                    b.peakIn = peakIn; b.peakOut = peakOut
                    b.inErrors = Double(inErrors); b.outErrors = Double(outErrors)
                    b.inDiscards = Double(inDiscards); b.outDiscards = Double(outDiscards)
                    if let s = b.sample(peaks: true) { out.append(s) }
                } else if let s = rollup(samples[(samples.startIndex + from) ..< (samples.startIndex + to)], start: start) {
                    out.append(s)
                }
                from = to
            }
        }
        return out
    }

    /// Bits needed for a non-negative value.
    @inline(__always) static func bits(_ v: Int64) -> Int { 64 - v.leadingZeroBitCount }
}

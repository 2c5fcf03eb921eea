// The compact form of a block of traffic samples: one series over one time window in one
// byte string, as time-series databases keep them (Prometheus/Gorilla chunks). Pure, so every
// storage backend (SQLite's BLOB, PostgreSQL's bytea) holds the same bytes.
//
// Layout, all integers LEB128 varints unless said otherwise, signed ones zigzag-encoded:
//   version (1 byte) · count · column count
//   times: first time · then runs of equal deltas as (delta, run length) pairs up to count-1
//          deltas (a regular series is one pair however long)
//   each column: mode (1 byte) and its data, the smallest of
//     0 constant     one value
//     1 delta        first value, then each value's difference from the previous
//                    (version 1 only)
//     2 runs         (value, run length) pairs
//     3 same-as      the index of an earlier identical column (e.g. a 5-minute peak, which
//                    is its average), no data
//     4 frame        (version 2) the least value, a width w (1 byte, 0...64), then every value
//                    minus the least in w bits, packed from the lowest bit of the first byte
//                    up (⌈count·w/8⌉ bytes)
//     5 delta frame  (version 2) the first value, the least difference between successive
//                    values, a width w (1 byte), then each of the count-1 differences minus
//                    the least, packed in w bits as in a frame
// Version 1 blocks were a chain of varints: where a value starts depends on the length of
// the one before, so they decode one at a time. A frame's values are read independently (the
// k-th at bit k·w, one unaligned word load, a shift and a mask), in tight loops, and are
// smaller on noisy rates: a fixed width per block rather than 7-bit groups. Version 2 is
// written; both are read (stores written before it keep working, block by block).
// Decoding never traps: malformed bytes throw.

/// Encodes and decodes blocks of samples (times and integer columns).
public enum TrafficBlockCodec {
    /// The version `encode` writes. `decode` reads this one and version 1.
    public static let version: UInt8 = 2

    public struct DecodingError: Error, Sendable, Hashable, CustomStringConvertible {
        public var message: String
        public var description: String { "traffic block: \(message)" }
    }

    /// Encodes `times` (strictly ascending) and `columns` (each as long as `times`).
    public static func encode(times: [Int64], columns: [[Int64]]) -> [UInt8] {
        precondition(columns.allSatisfy { $0.count == times.count }, "every column has one value per time")
        return encode(count: times.count, times: times, columns: columns)
    }

    /// Encodes as version 1 did (kept so that tests can write what stores from before version
    /// 2 hold, and check that they still read).
    package static func encodeVersion1(times: [Int64], columns: [[Int64]]) -> [UInt8] {
        precondition(columns.allSatisfy { $0.count == times.count }, "every column has one value per time")
        return encodeVersion1(count: times.count, times: times, columns: columns)
    }

    /// How a column is written.
    enum Plan { case same(Int), constant(Int64), delta, runs, frame(base: Int64, width: Int), deltaFrame(base: Int64, width: Int) }

    /// What one pass over a column tells: its first value, its range and the range of the
    /// differences between successive values, and how many values repeat the one before.
    struct ColumnSummary {
        var first: Int64 = 0, low: Int64 = 0, high: Int64 = 0, deltaLow: Int64 = 0, deltaHigh: Int64 = 0, repeats = 0
    }

    @inline(__always) static func summary<C: ColumnValues>(_ col: C, count n: Int) -> ColumnSummary {
        guard n > 0 else { return ColumnSummary() }
        let first = col[0]
        var low = first, high = first, deltaLow = Int64.max, deltaHigh = Int64.min, repeats = 0, previous = first
        for k in 1 ..< n {
            let v = col[k], d = v &- previous
            low = min(low, v); high = max(high, v)
            deltaLow = min(deltaLow, d); deltaHigh = max(deltaHigh, d)
            repeats &+= d == 0 ? 1 : 0
            previous = v
        }
        return ColumnSummary(first: first, low: low, high: high, deltaLow: deltaLow, deltaHigh: deltaHigh, repeats: repeats)
    }

    /// Bits needed for the unsigned value `v` (0 for 0).
    @inline(__always) static func width(_ v: UInt64) -> Int { 64 - v.leadingZeroBitCount }

    /// Encodes `count` samples as version 2: their times and columns, each read where it lies
    /// (arrays, or the fields of traffic samples without copying them out).
    static func encode<C: ColumnValues>(count n: Int, times: C, columns: [C]) -> [UInt8] {
        var plans: [Plan] = []
        plans.reserveCapacity(columns.count)
        // Each column's value when it is constant (nil for the others): a constant column is
        // the same as the first earlier column holding that value.
        var constants: [Int64?] = []
        constants.reserveCapacity(columns.count)
        var size = 0
        for c in columns.indices {
            let col = columns[c]
            // Constant (one cheap pass that stops at the first difference) or the same as an
            // earlier column (compared only with those that are not constant, mostly stopping
            // at the first value): most columns of traffic are one or the other, and skip the
            // summary.
            let first = n > 0 ? col[0] : 0
            var k = 1
            while k < n && col[k] == first { k &+= 1 }
            if k >= n {
                size += planConstant(first, &constants, &plans)
                continue
            }
            constants.append(nil)
            if let same = (0 ..< c).first(where: { constants[$0] == nil && equal(columns[$0], col, count: n) }) {
                plans.append(.same(same)); size += 1 + unsignedSize(UInt64(same)); continue
            }
            size += planValues(col, count: n, summary(col, count: n), &plans)
        }
        return write(count: n, times: times, columns: columns, plans: plans, size: size)
    }

    /// Plans a constant column: the same as the first earlier constant column of that value,
    /// else the value. Returns its size.
    @inline(__always) static func planConstant(_ v: Int64, _ constants: inout [Int64?], _ plans: inout [Plan]) -> Int {
        defer { constants.append(v) }
        if let same = constants.firstIndex(where: { $0 == v }) {
            plans.append(.same(same)); return 1 + unsignedSize(UInt64(same))
        }
        plans.append(.constant(v)); return 1 + signedSize(v)
    }

    /// Plans a column that varies (n ≥ 2): a frame of the values, or of their differences, or
    /// runs, whichever is smallest. Returns its size.
    static func planValues<C: ColumnValues>(_ col: C, count n: Int, _ s: ColumnSummary, _ plans: inout [Plan]) -> Int {
        let frameWidth = width(UInt64(bitPattern: s.high &- s.low)), deltaWidth = width(UInt64(bitPattern: s.deltaHigh &- s.deltaLow))
        let frameSize = 2 + signedSize(s.low) + (n &* frameWidth &+ 7) >> 3
        let deltaSize = 2 + signedSize(s.first) + signedSize(s.deltaLow) + ((n &- 1) &* deltaWidth &+ 7) >> 3
        var best = frameSize, plan = Plan.frame(base: s.low, width: frameWidth)
        if deltaSize < frameSize { best = deltaSize; plan = .deltaFrame(base: s.deltaLow, width: deltaWidth) }
        // Runs only pay when values repeat: give up as soon as they cost more.
        if s.repeats * 4 >= n {
            var runsSize = 1, k = 0
            while k < n && runsSize < best {
                var run = 1
                while k + run < n && col[k + run] == col[k] { run += 1 }
                runsSize += signedSize(col[k]) + unsignedSize(UInt64(run))
                k += run
            }
            if k == n && runsSize < best { best = runsSize; plan = .runs }
        }
        plans.append(plan)
        return best
    }

    /// Writes a version 2 block whose columns are planned (`size`: the columns' bytes).
    static func write<C: ColumnValues>(count n: Int, times: C, columns: [C], plans: [Plan], size columnBytes: Int) -> [UInt8] {
        var size = 1 + unsignedSize(UInt64(n)) + unsignedSize(UInt64(columns.count)) + columnBytes
        // The times' runs of equal steps, found once (a block has one, or a few around a gap:
        // only those after the first are kept in an array).
        var firstRun: (step: Int64, run: Int)?
        var timeRuns: [(step: Int64, run: Int)] = []
        if n > 0 {
            size += signedSize(times[0])
            forEachRun(of: times, count: n, deltas: true) { d, run in
                size += signedSize(d) + unsignedSize(UInt64(run))
                if firstRun == nil { firstRun = (d, run) } else { timeRuns.append((d, run)) }
            }
        }
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, written in
            var w = Writer(buffer: buffer)
            w.byte(version)
            w.unsigned(UInt64(n))
            w.unsigned(UInt64(columns.count))
            if n > 0 {
                w.signed(times[0])
                if let (d, run) = firstRun { w.signed(d); w.unsigned(UInt64(run)) }
                for (d, run) in timeRuns { w.signed(d); w.unsigned(UInt64(run)) }
            }
            for c in columns.indices {
                let col = columns[c]
                switch plans[c] {
                case .same(let other): w.byte(3); w.unsigned(UInt64(other))
                case .constant(let v): w.byte(0); w.signed(v)
                case .runs:
                    w.byte(2)
                    forEachRun(of: col, count: n, deltas: false) { v, run in w.signed(v); w.unsigned(UInt64(run)) }
                case .frame(let base, let bits):
                    w.byte(4); w.signed(base); w.byte(UInt8(bits))
                    w.pack(count: n, width: bits) { k in UInt64(bitPattern: col[k] &- base) }
                case .deltaFrame(let base, let bits):
                    w.byte(5); w.signed(col[0]); w.signed(base); w.byte(UInt8(bits))
                    w.pack(count: n &- 1, width: bits) { k in UInt64(bitPattern: (col[k &+ 1] &- col[k]) &- base) }
                case .delta:
                    preconditionFailure("version 2 writes no varint deltas")
                }
            }
            precondition(w.offset == size, "planned \(size) bytes, wrote \(w.offset)")
            written = w.offset
        }
    }

    /// Plans a block of traffic samples of the usual shape in one pass over them, instead of
    /// a pass per column: coverage and the four counters constant, each peak equal to its
    /// average (as at 5 minutes), inbound and outbound varying and not equal. The plans are
    /// those `encode` would make (so are the bytes); nil when the block has another shape.
    static func planUsualSamples(_ p: UnsafePointer<TrafficSample>, count n: Int) -> (plans: [Plan], size: Int)? {
        guard n >= 2 else { return nil }
        let f = p[0]
        // The shape first (coverage, counters and peaks as the first sample's, inbound and
        // outbound not equal), then each rate's summary in a pass of its own: passes over a
        // block in the cache, each with few values live, cost less than one pass keeping
        // them all (which spilled to the stack).
        var shape = (f.peakInBPS ^ f.inBPS) | (f.peakOutBPS ^ f.outBPS), inOut = f.inBPS ^ f.outBPS
        for k in 1 ..< n {
            let x = p[k]
            shape |= (x.covered ^ f.covered) | (x.inErrors ^ f.inErrors) | (x.outErrors ^ f.outErrors) | (x.inDiscards ^ f.inDiscards)
                | (x.outDiscards ^ f.outDiscards) | (x.peakInBPS ^ x.inBPS) | (x.peakOutBPS ^ x.outBPS)
            inOut |= x.inBPS ^ x.outBPS
        }
        guard shape == 0, inOut != 0 else { return nil }
        let raw = UnsafeRawPointer(p)
        let a = summary(SampleField(samples: raw, offset: sampleOffsets[2]), count: n)
        guard a.low != a.high else { return nil }
        let b = summary(SampleField(samples: raw, offset: sampleOffsets[3]), count: n)
        guard b.low != b.high else { return nil }
        // The plans `encode` makes for this shape, without its bookkeeping arrays: coverage
        // constant, the rates' frames (or runs), each peak the same as its rate, and each
        // counter the same as the first earlier constant column of its value (coverage or an
        // earlier counter), else constant.
        var plans: [Plan] = []
        plans.reserveCapacity(9)
        plans.append(.constant(f.covered))
        var size = 1 + signedSize(f.covered)
        size += planValues(SampleField(samples: raw, offset: sampleOffsets[2]), count: n, a, &plans)
        size += planValues(SampleField(samples: raw, offset: sampleOffsets[3]), count: n, b, &plans)
        plans.append(.same(1)); plans.append(.same(2))
        size += 4
        let firstCounters = (f.inErrors, f.outErrors, f.inDiscards, f.outDiscards)
        @inline(__always) func counter(_ c: Int) -> Int64 {
            switch c { case 5: firstCounters.0; case 6: firstCounters.1; case 7: firstCounters.2; default: firstCounters.3 }
        }
        for c in 5 ..< 9 {
            let v = counter(c)
            var same = v == f.covered ? 0 : -1
            var j = 5
            while same < 0 && j < c { if counter(j) == v { same = j }; j += 1 }
            if same >= 0 { plans.append(.same(same)); size += 1 + unsignedSize(UInt64(same)) } else { plans.append(.constant(v)); size += 1 + signedSize(v) }
        }
        return (plans, size)
    }

    @inline(__always) static func equal<C: ColumnValues>(_ a: C, _ b: C, count n: Int) -> Bool {
        for k in 0 ..< n where a[k] != b[k] { return false }
        return true
    }

    /// Encodes `count` samples as version 1 did: varint deltas or runs.
    static func encodeVersion1<C: ColumnValues>(count n: Int, times: C, columns: [C]) -> [UInt8] {
        // First the size of each part (choosing each column's smallest form), then one write.
        var size = 1 + unsignedSize(UInt64(n)) + unsignedSize(UInt64(columns.count))
        if n > 0 {
            size += signedSize(times[0])
            forEachRun(of: times, count: n, deltas: true) { d, run in size += signedSize(d) + unsignedSize(UInt64(run)) }
        }
        var plans: [Plan] = []
        plans.reserveCapacity(columns.count)
        for c in columns.indices {
            let col = columns[c]
            if let same = (0 ..< c).first(where: { equal(columns[$0], col, count: n) }) {
                plans.append(.same(same)); size += 1 + unsignedSize(UInt64(same)); continue
            }
            let first = n > 0 ? col[0] : 0
            var constant = true
            for k in 0 ..< n where col[k] != first { constant = false; break }
            if constant { plans.append(.constant(first)); size += 1 + signedSize(first); continue }
            // Deltas' size and the number of repeats in one pass (n ≥ 2 here).
            var deltaSize = signedSize(first), repeats = 0, previous = first
            for k in 1 ..< n {
                let v = col[k]
                deltaSize &+= signedSize(v &- previous)
                if v == previous { repeats &+= 1 }
                previous = v
            }
            // Runs only pay when values repeat: give up as soon as they cost more than deltas.
            var runsSize = 0, k = repeats * 4 < n ? n : 0   // too few repeats: runs cannot win
            if k == n { runsSize = deltaSize }
            while k < n && runsSize < deltaSize {
                var run = 1
                while k + run < n && col[k + run] == col[k] { run += 1 }
                runsSize += signedSize(col[k]) + unsignedSize(UInt64(run))
                k += run
            }
            if k == n && runsSize < deltaSize { plans.append(.runs); size += 1 + runsSize } else { plans.append(.delta); size += 1 + deltaSize }
        }
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, written in
            var w = Writer(buffer: buffer)
            w.byte(1)
            w.unsigned(UInt64(n))
            w.unsigned(UInt64(columns.count))
            if n > 0 {
                w.signed(times[0])
                forEachRun(of: times, count: n, deltas: true) { d, run in w.signed(d); w.unsigned(UInt64(run)) }
            }
            for c in columns.indices {
                let col = columns[c]
                switch plans[c] {
                case .same(let other): w.byte(3); w.unsigned(UInt64(other))
                case .constant(let v): w.byte(0); w.signed(v)
                case .runs:
                    w.byte(2)
                    forEachRun(of: col, count: n, deltas: false) { v, run in w.signed(v); w.unsigned(UInt64(run)) }
                case .delta:
                    w.byte(1)
                    var previous = col[0]
                    w.signed(previous)
                    for k in 1 ..< n { let v = col[k]; w.signed(v &- previous); previous = v }
                case .frame, .deltaFrame:
                    preconditionFailure("version 1 has no frames")
                }
            }
            precondition(w.offset == size, "planned \(size) bytes, wrote \(w.offset)")
            written = w.offset
        }
    }

    /// Calls `body` with each run of equal values (or, with `deltas`, of equal differences
    /// between successive values, from the second value on) and its length.
    @inline(__always) static func forEachRun<C: ColumnValues>(of values: C, count: Int, deltas: Bool, _ body: (Int64, Int) -> Void) {
        var k = deltas ? 1 : 0
        while k < count {
            let v = deltas ? values[k] &- values[k &- 1] : values[k]
            var run = 1
            while k &+ run < count && (deltas ? values[k &+ run] &- values[k &+ run &- 1] : values[k &+ run]) == v { run &+= 1 }
            body(v, run)
            k &+= run
        }
    }

    /// Writes varints into a buffer sized beforehand.
    struct Writer {
        let buffer: UnsafeMutableBufferPointer<UInt8>
        var offset = 0
        @inline(__always) mutating func byte(_ b: UInt8) { buffer[offset] = b; offset += 1 }
        @inline(__always) mutating func unsigned(_ v: UInt64) {
            var v = v
            while v >= 0x80 { byte(UInt8(truncatingIfNeeded: v) | 0x80); v >>= 7 }
            byte(UInt8(v))
        }
        @inline(__always) mutating func signed(_ v: Int64) { unsigned(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }

        /// Writes `count` values of `width` bits each (every value below 2^width), from the
        /// lowest bit of the next byte up: ⌈count·width/8⌉ bytes, a word at a time.
        @inline(__always) mutating func pack(count: Int, width w: Int, _ value: (Int) -> UInt64) {
            guard w > 0, count > 0 else { return }
            let base = UnsafeMutableRawPointer(buffer.baseAddress!)
            var word: UInt64 = 0, fill = 0
            for k in 0 ..< count {
                let x = value(k)
                word |= x &<< UInt64(fill)
                fill &+= w
                if fill >= 64 {
                    base.storeBytes(of: word.littleEndian, toByteOffset: offset, as: UInt64.self)
                    offset &+= 8
                    fill &-= 64
                    word = fill == 0 ? 0 : x &>> UInt64(w &- fill)
                }
            }
            while fill > 0 { byte(UInt8(truncatingIfNeeded: word)); word >>= 8; fill -= 8 }
        }
    }

    @inline(__always) static func unsignedSize(_ v: UInt64) -> Int { v == 0 ? 1 : (70 - v.leadingZeroBitCount) / 7 }
    @inline(__always) static func signedSize(_ v: Int64) -> Int { unsignedSize(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }

    /// Decodes what `encode` wrote.
    public static func decode(_ bytes: [UInt8]) throws(DecodingError) -> (times: [Int64], columns: [[Int64]]) {
        var block = DecodedBlock()
        do {
            try bytes.withUnsafeBytes { raw in try decode(raw, into: &block) }
        } catch let e as DecodingError {
            throw e
        } catch {
            throw DecodingError(message: "\(error)")
        }
        return (block.times, block.columns)
    }

    /// A decoded block whose arrays are reused from one decode to the next (reading many
    /// blocks allocates once).
    public struct DecodedBlock: Sendable {
        public var times: [Int64] = []
        public var columns: [[Int64]] = []
        /// How each column was stored, when decoded lazily (else every one is `.values`).
        var kinds: [Kind] = []
        public init() {}
    }

    /// A column decoded lazily: its values in `columns`, one value repeated (not filled in), or
    /// the same as an earlier column that holds values (not copied).
    enum Kind: Sendable, Equatable { case values, constant(Int64), same(Int) }

    /// Decodes `raw` (a stored block, read in place) into `block`, replacing what it held.
    public static func decode(_ raw: UnsafeRawBufferPointer, into block: inout DecodedBlock) throws(DecodingError) {
        try decode(raw, into: &block, lazily: false)
    }

    /// As `decode(_:into:)`; `lazily`, constant and repeated columns are only noted in
    /// `block.kinds`, their arrays left as they were.
    static func decode(_ raw: UnsafeRawBufferPointer, into block: inout DecodedBlock, lazily: Bool) throws(DecodingError) {
        var r = Reader(bytes: raw)
        let v = try r.byte()
        guard v == 1 || v == version else { throw DecodingError(message: "unknown version \(v)") }
        let count = try r.count(limit: raw.count * 64 + 1)
        let ncol = try r.count(limit: 256)
        // Into a local array of `count` times, overwritten in place.
        var times: [Int64] = []
        swap(&times, &block.times)
        if times.count != count {
            times.removeAll(keepingCapacity: true)
            times.append(contentsOf: repeatElement(0, count: count))
        }
        if count > 0 {
            var t = try r.signed()
            try times.withUnsafeMutableBufferPointer { (p) throws(DecodingError) in
                p[0] = t
                var k = 1
                while k < count {
                    let d = try r.signed()
                    let run = try r.count(limit: count - k)
                    guard run > 0 else { throw DecodingError(message: "empty run") }
                    for j in k ..< k &+ run { t = t &+ d; p[j] = t }
                    k &+= run
                }
            }
        }
        swap(&times, &block.times)
        if block.columns.count > ncol { block.columns.removeLast(block.columns.count - ncol) }
        block.kinds.removeAll(keepingCapacity: true)
        block.kinds.append(contentsOf: repeatElement(.values, count: ncol))
        for c in 0 ..< ncol {
            if c == block.columns.count { block.columns.append([]) }
            let mode = try r.byte()
            switch mode {
            case 0:
                let v = try r.signed()
                if lazily { block.kinds[c] = .constant(v); continue }
                block.columns[c].removeAll(keepingCapacity: true)
                block.columns[c].append(contentsOf: repeatElement(v, count: count))
            case 1 where v == 1:
                // Into a local array (taken out of the block and put back): appends to it are
                // not checked through the block at every value.
                var column: [Int64] = []
                swap(&column, &block.columns[c])
                column.removeAll(keepingCapacity: true)
                column.reserveCapacity(count)
                if count > 0 {
                    var v = try r.signed()
                    column.append(v)
                    for _ in 1 ..< count { v = v &+ (try r.signed()); column.append(v) }
                }
                swap(&column, &block.columns[c])
            case 2:
                // Into a local array; a run of one (a value between runs of zeros, say) is one append.
                var column: [Int64] = []
                swap(&column, &block.columns[c])
                column.removeAll(keepingCapacity: true)
                column.reserveCapacity(count)
                while column.count < count {
                    let v = try r.signed()
                    let run = try r.count(limit: count - column.count)
                    if run == 1 { column.append(v); continue }
                    guard run > 0 else { throw DecodingError(message: "empty run") }
                    column.append(contentsOf: repeatElement(v, count: run))
                }
                swap(&column, &block.columns[c])
            case 3:
                // Copied into this column's own buffer, not shared: a shared buffer would be
                // copied again when the next block is decoded into it.
                let same = try r.count(limit: c - 1)
                if lazily {
                    block.kinds[c] = block.kinds[same] == .values ? .same(same) : block.kinds[same]
                    continue
                }
                let source = block.columns[same]
                block.columns[c].removeAll(keepingCapacity: true)
                block.columns[c].append(contentsOf: source)
            case 4 where v == 2, 5 where v == 2:
                let deltas = mode == 5
                let first = deltas ? try r.signed() : 0
                let base = try r.signed()
                let bits = Int(try r.byte())
                guard bits <= 64 else { throw DecodingError(message: "width \(bits) over 64 bits") }
                let packed = deltas ? max(count - 1, 0) : count
                let at = r.offset
                try r.skip((packed * bits + 7) >> 3)
                // Into a local array of `count` values, overwritten in place.
                var column: [Int64] = []
                swap(&column, &block.columns[c])
                if column.count != count {
                    column.removeAll(keepingCapacity: true)
                    column.append(contentsOf: repeatElement(0, count: count))
                }
                if count > 0 {
                    column.withUnsafeMutableBufferPointer { out in
                        let p = out.baseAddress!
                        if deltas {
                            p[0] = first
                            unpack(raw, at: at, count: packed, width: bits, base: base, into: p + 1)
                            for k in 1 ..< count { p[k] = p[k &- 1] &+ p[k] }
                        } else {
                            unpack(raw, at: at, count: packed, width: bits, base: base, into: p)
                        }
                    }
                }
                swap(&column, &block.columns[c])
            case let m:
                throw DecodingError(message: "unknown column mode \(m) in version \(v)")
            }
        }
        guard r.offset == raw.count else { throw DecodingError(message: "\(raw.count - r.offset) trailing bytes") }
    }

    /// Writes `count` values packed in `width` bits from byte `at` of `raw` (which holds them:
    /// checked by the caller), each plus `base`, to `out`. A value whose 8-byte word lies in
    /// `raw` is one unaligned load, a shift and a mask, independent of the others; the last
    /// few, and widths over 57 bits, are gathered byte by byte.
    @inline(__always) static func unpack(_ raw: UnsafeRawBufferPointer, at: Int, count n: Int, width w: Int, base: Int64,
                                         into out: UnsafeMutablePointer<Int64>) {
        guard n > 0 else { return }
        guard w > 0 else { for k in 0 ..< n { out[k] = base }; return }
        let p = raw.baseAddress! + at, available = raw.count - at
        var k = 0
        if w <= 57 && available >= 8 {
            // Values k with (k·w)/8 + 8 ≤ available.
            let fast = min(n, ((available - 8) * 8 + 7) / w + 1)
            let mask: UInt64 = (1 &<< UInt64(w)) &- 1
            while k < fast {
                let bit = k &* w
                let word = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: bit &>> 3, as: UInt64.self))
                out[k] = base &+ Int64(bitPattern: (word &>> UInt64(bit & 7)) & mask)
                k &+= 1
            }
        }
        while k < n {
            let bit = k * w
            var x: UInt64 = 0, got = 0, at = bit >> 3, shift = bit & 7
            while got < w {
                x |= (UInt64(p.load(fromByteOffset: at, as: UInt8.self)) >> UInt64(shift)) << UInt64(got)
                got += 8 - shift; shift = 0; at += 1
            }
            out[k] = base &+ Int64(bitPattern: w == 64 ? x : x & ((1 << UInt64(w)) - 1))
            k += 1
        }
    }

    /// Adds the samples of a stored traffic block (read in place) that start in [from, to) to
    /// `acc`: the fast path of a period's statistics for many interfaces. Constant columns
    /// (coverage, errors, discards) and peaks that repeat the averages are summed or compared
    /// where they lie, not filled in; `scratch` keeps its buffers from one block to the next.
    public static func accumulate(_ raw: UnsafeRawBufferPointer, into acc: inout TrafficStatistics.Accumulator,
                                  from: Int64, to: Int64, scratch block: inout DecodedBlock) throws(DecodingError) {
        try decode(raw, into: &block, lazily: true)
        guard block.columns.count == 9 else { throw DecodingError(message: "\(block.columns.count) columns where a traffic block has 9") }
        let n = block.times.count
        var lo = 0, hi = n
        while lo < hi && block.times[lo] < from { lo += 1 }
        while hi > lo && block.times[hi - 1] >= to { hi -= 1 }
        guard lo < hi else { return }
        func fill(_ c: Int) {
            switch block.kinds[c] {
            case .values: break
            case .constant(let v):
                block.columns[c].removeAll(keepingCapacity: true)
                block.columns[c].append(contentsOf: repeatElement(v, count: n))
            case .same(let s):
                let source = block.columns[s]
                block.columns[c].removeAll(keepingCapacity: true)
                block.columns[c].append(contentsOf: source)
            }
        }
        // The two rates are needed sample by sample: filled in when stored once. Coverage too,
        // unless constant (as it nearly always is).
        if case .constant(let cov) = block.kinds[0] {
            for c in 1 ..< 3 { fill(c) }
            acc.add(covered: cov, in: block.columns[1], out: block.columns[2], lo ..< hi)
        } else {
            for c in 0 ..< 3 { fill(c) }
            acc.add(covered: block.columns[0], in: block.columns[1], out: block.columns[2], lo ..< hi)
        }
        func fold(_ c: Int, _ initial: Int64, _ constant: (Int64, Int) -> Int64, _ op: (Int64, Int64) -> Int64) -> Int64 {
            switch block.kinds[c] {
            case .constant(let v): return op(initial, constant(v, hi - lo))
            case .values: return block.columns[c][lo ..< hi].reduce(initial, op)
            case .same(let s): return block.columns[s][lo ..< hi].reduce(initial, op)
            }
        }
        acc.peakIn = fold(3, acc.peakIn, { v, _ in v }, max)
        acc.peakOut = fold(4, acc.peakOut, { v, _ in v }, max)
        acc.ie = fold(5, acc.ie, { v, k in v &* Int64(k) }, &+)
        acc.oe = fold(6, acc.oe, { v, k in v &* Int64(k) }, &+)
        acc.id = fold(7, acc.id, { v, k in v &* Int64(k) }, &+)
        acc.od = fold(8, acc.od, { v, k in v &* Int64(k) }, &+)
    }

    // MARK: - Varints

    @inline(__always) static func putUnsigned(_ v: UInt64, _ out: inout [UInt8]) {
        var v = v
        while v >= 0x80 { out.append(UInt8(truncatingIfNeeded: v) | 0x80); v >>= 7 }
        out.append(UInt8(v))
    }

    @inline(__always) static func putSigned(_ v: Int64, _ out: inout [UInt8]) {
        putUnsigned(UInt64(bitPattern: (v << 1) ^ (v >> 63)), &out)
    }

    struct Reader {
        let bytes: UnsafeRawBufferPointer
        var offset = 0

        mutating func byte() throws(DecodingError) -> UInt8 {
            guard offset < bytes.count else { throw DecodingError(message: "truncated") }
            defer { offset += 1 }
            return bytes[offset]
        }

        /// A varint; with 8 bytes left, read as one word without a branch per byte (the 7-bit
        /// groups of a varint of up to 8 bytes gathered by three shifts and masks).
        @inline(__always) mutating func unsigned() throws(DecodingError) -> UInt64 {
            if bytes.count &- offset >= 8, let base = bytes.baseAddress {
                let w = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                let stops = ~w & 0x8080_8080_8080_8080
                if stops != 0 {
                    let bits = stops.trailingZeroBitCount &+ 1          // 8 × the varint's length
                    offset &+= bits >> 3
                    var x = (bits == 64 ? w : w & ((1 << UInt64(bits)) &- 1)) & 0x7f7f_7f7f_7f7f_7f7f
                    x = ((x & 0x7f00_7f00_7f00_7f00) >> 1) | (x & 0x007f_007f_007f_007f)
                    x = ((x & 0x3fff_0000_3fff_0000) >> 2) | (x & 0x0000_3fff_0000_3fff)
                    x = ((x & 0x0fff_ffff_0000_0000) >> 4) | (x & 0x0000_0000_0fff_ffff)
                    return x
                }
            }
            return try unsignedByBytes()
        }

        /// A varint read byte by byte (the last bytes of a block, and varints over 8 bytes).
        mutating func unsignedByBytes() throws(DecodingError) -> UInt64 {
            var v: UInt64 = 0, shift: UInt64 = 0
            while true {
                guard offset < bytes.count else { throw DecodingError(message: "truncated") }
                let b = bytes[offset]
                offset += 1
                guard shift < 64 else { throw DecodingError(message: "varint longer than 64 bits") }
                v |= UInt64(b & 0x7f) << shift
                if b < 0x80 { return v }
                shift += 7
            }
        }

        @inline(__always) mutating func signed() throws(DecodingError) -> Int64 {
            let u = try unsigned()
            return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
        }

        /// Passes over `n` bytes that must be there.
        mutating func skip(_ n: Int) throws(DecodingError) {
            guard n <= bytes.count - offset else { throw DecodingError(message: "truncated") }
            offset += n
        }

        mutating func count(limit: Int) throws(DecodingError) -> Int {
            let u = try unsigned()
            guard limit >= 0, u <= UInt64(limit) else { throw DecodingError(message: "count \(u) exceeds \(max(limit, 0))") }
            return Int(u)
        }
    }
}

/// Integers the encoder reads by index: an array, or one field of every traffic sample.
protocol ColumnValues {
    subscript(_ k: Int) -> Int64 { get }
}

extension Array: ColumnValues where Element == Int64 {}

/// One field (at a byte offset) of each of a buffer of traffic samples, read in place.
struct SampleField: ColumnValues {
    let samples: UnsafeRawPointer
    let offset: Int
    @inline(__always) subscript(_ k: Int) -> Int64 {
        samples.load(fromByteOffset: k &* MemoryLayout<TrafficSample>.stride &+ offset, as: Int64.self)
    }
}

extension TrafficBlockCodec {
    /// The fields of a traffic sample, in block order: the time, then the columns.
    static let sampleOffsets: [Int] = [
        \TrafficSample.start, \.covered, \.inBPS, \.outBPS, \.peakInBPS, \.peakOutBPS, \.inErrors, \.outErrors, \.inDiscards, \.outDiscards,
    ].map { MemoryLayout<TrafficSample>.offset(of: $0)! }

    /// Encodes samples sorted by start, one per start.
    public static func encode(_ samples: [TrafficSample]) -> [UInt8] { encode(samples[...]) }

    /// Encodes part of an array of samples sorted by start, one per start, reading their
    /// fields in place.
    public static func encode(_ samples: ArraySlice<TrafficSample>) -> [UInt8] {
        samples.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return encode(count: 0, times: [Int64](), columns: Array(repeating: [], count: 9)) }
            let raw = UnsafeRawPointer(base)
            let times = SampleField(samples: raw, offset: sampleOffsets[0])
            let columns = (1 ..< sampleOffsets.count).map { SampleField(samples: raw, offset: sampleOffsets[$0]) }
            if let (plans, size) = planUsualSamples(base, count: buffer.count) {
                return write(count: buffer.count, times: times, columns: columns, plans: plans, size: size)
            }
            return encode(count: buffer.count, times: times, columns: columns)
        }
    }

    /// Encodes samples as version 1 did (see `encodeVersion1(times:columns:)`).
    package static func encodeVersion1(_ samples: [TrafficSample]) -> [UInt8] {
        samples.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return encodeVersion1(count: 0, times: [Int64](), columns: Array(repeating: [], count: 9)) }
            let fields = sampleOffsets.map { SampleField(samples: UnsafeRawPointer(base), offset: $0) }
            return encodeVersion1(count: buffer.count, times: fields[0], columns: Array(fields.dropFirst()))
        }
    }

    /// Decodes a block of traffic samples.
    public static func decodeSamples(_ bytes: [UInt8]) throws(DecodingError) -> [TrafficSample] {
        try samples(decode(bytes))
    }

    /// Decodes a block of traffic samples read in place.
    public static func decodeSamples(_ raw: UnsafeRawBufferPointer) throws(DecodingError) -> [TrafficSample] {
        var block = DecodedBlock()
        try decode(raw, into: &block)
        return try samples((block.times, block.columns))
    }

    static func samples(_ decoded: (times: [Int64], columns: [[Int64]])) throws(DecodingError) -> [TrafficSample] {
        let (times, c) = decoded
        guard c.count == 9 else { throw DecodingError(message: "\(c.count) columns where a traffic block has 9") }
        return times.indices.map { k in
            TrafficSample(start: times[k], covered: c[0][k], inBPS: c[1][k], outBPS: c[2][k], peakInBPS: c[3][k], peakOutBPS: c[4][k],
                          inErrors: c[5][k], outErrors: c[6][k], inDiscards: c[7][k], outDiscards: c[8][k])
        }
    }

    /// Whether samples start in strictly ascending order (one per start), as a block holds them.
    public static func isAscending(_ samples: ArraySlice<TrafficSample>) -> Bool {
        samples.withUnsafeBufferPointer { p in
            guard p.count > 1 else { return true }
            var previous = p[0].start
            for k in 1 ..< p.count {
                let t = p[k].start
                if t <= previous { return false }
                previous = t
            }
            return true
        }
    }

    /// Merges `new` samples into a block's: a new sample replaces an old one with the same
    /// start; the result is sorted by start.
    public static func merge(_ old: [TrafficSample], _ new: [TrafficSample]) -> [TrafficSample] {
        if let last = old.last, let first = new.first, first.start > last.start, zip(new, new.dropFirst()).allSatisfy({ $0.start < $1.start }) {
            return old + new
        }
        var byStart: [Int64: TrafficSample] = [:]
        for x in old { byStart[x.start] = x }
        for x in new { byStart[x.start] = x }
        return byStart.values.sorted { $0.start < $1.start }
    }

    /// Samples per block at each resolution: a block is one series over an aligned window of
    /// this many samples (a day of 5-minute samples, 10 days of hours, 100 days).
    public static func samplesPerBlock(_ r: TrafficResolution) -> Int64 {
        switch r { case .fiveMinutes: 288; case .hour: 240; case .day: 100 }
    }

    /// Start of the block window holding a sample that starts at `t`.
    public static func blockStart(_ r: TrafficResolution, _ t: Int64) -> Int64 {
        let w = samplesPerBlock(r) * r.seconds
        return t >= 0 ? t / w * w : ((t + 1) / w - 1) * w
    }
}

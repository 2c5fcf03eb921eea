import Foundation
import GRDB
import InventoryModel
import Storage

extension PantauStore {
    /// One decoder for every state of a read (making one costs more than decoding a state).
    static func trafficState(_ json: String, decoder: JSONDecoder) throws -> TrafficSeriesState {
        try decoder.decode(TrafficSeriesState.self, from: Data(json.utf8))
    }

    public func trafficStates(device: String) throws(StoreError) -> [TrafficSeriesState] {
        try trafficSeries(device: device)
    }

    public func trafficSeries(device: String? = nil) throws(StoreError) -> [TrafficSeriesState] {
        do {
            return try writer.read { db in
                let decoder = JSONDecoder()
                return try String.fetchAll(db, sql: """
                    SELECT state FROM traffic_series \(device == nil ? "" : "WHERE device = ?") ORDER BY device, interface
                    """, arguments: device.map { [$0] } ?? []).map { try Self.trafficState($0, decoder: decoder) }
            }
        } catch {
            throw StoreError(path: location, action: "reading traffic series", underlying: error)
        }
    }

    public func record(traffic batch: TrafficBatch) throws(StoreError) {
        guard !batch.isEmpty else { return }
        do {
            try writer.write { db in
                let encoder = JSONEncoder()
                var ids: [TrafficSeriesKey: Int64] = [:]
                let upsert = try db.cachedStatement(sql: """
                    INSERT INTO traffic_series (device, interface, if_index, speed, state) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (device, interface) DO UPDATE SET if_index = excluded.if_index, speed = excluded.speed, state = excluded.state
                    RETURNING id
                    """)
                for s in batch.states {
                    let json = String(decoding: try encoder.encode(s), as: UTF8.self)
                    ids[s.key] = try Int64.fetchOne(upsert, arguments: [s.key.device, s.key.interface, s.ifIndex, Int64(clamping: s.speed), json])
                }
                func id(_ key: TrafficSeriesKey) throws -> Int64 {
                    if let i = ids[key] { return i }
                    if let i = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM traffic_series WHERE device = ? AND interface = ?"),
                                                  arguments: [key.device, key.interface]) {
                        ids[key] = i; return i
                    }
                    // Samples imported without a poll: the series starts with an empty state.
                    let json = String(decoding: try encoder.encode(TrafficSeriesState(key: key)), as: UTF8.self)
                    let i = try Int64.fetchOne(upsert, arguments: [key.device, key.interface, nil, 0, json]) ?? 0
                    ids[key] = i
                    return i
                }
                let raw = try db.cachedStatement(sql: """
                    INSERT OR REPLACE INTO traffic_raw (series_id, end_time, start_time, kind, reason, speed, in_octets, out_octets,
                      in_errors, out_errors, in_discards, out_discards, wrapped) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                for r in batch.rates {
                    let i = r.interval
                    func v(_ x: UInt64?) -> Int64? { x.map { Int64(clamping: $0) } }
                    try raw.execute(arguments: [try id(r.key), i.end.timeIntervalSince1970, i.start.timeIntervalSince1970, i.kind.rawValue,
                                                i.reason?.rawValue, Int64(clamping: i.ifSpeed), v(i.inOctets), v(i.outOctets), v(i.inErrors),
                                                v(i.outErrors), v(i.inDiscards), v(i.outDiscards), i.wrapped])
                }
                try Self.mergeBlocks(db, batch.runs, id: id)
            }
        } catch {
            throw StoreError(path: location, action: "recording traffic", underlying: error)
        }
    }

    /// Merges samples into their blocks: one write per touched block (and a read only when
    /// the block exists). Samples of one series and resolution usually come together and in
    /// order, so they are taken in runs without hashing each one.
    static func mergeBlocks(_ db: Database, _ runs: [TrafficSampleRun], id: (TrafficSeriesKey) throws -> Int64) throws {
        guard !runs.isEmpty else { return }
        let insert = try db.cachedStatement(sql: """
            INSERT INTO traffic_block (series_id, resolution, start, count, last, data) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (series_id, resolution, start) DO NOTHING
            """)
        let read = try db.cachedStatement(sql: "SELECT data FROM traffic_block WHERE series_id = ? AND resolution = ? AND start = ?")
        let update = try db.cachedStatement(sql: """
            UPDATE traffic_block SET count = ?, last = ?, data = ? WHERE series_id = ? AND resolution = ? AND start = ?
            """)
        func write(_ series: Int64, _ r: TrafficResolution, _ start: Int64, _ new: ArraySlice<TrafficSample>, ascending: Bool) throws {
            let ordered = ascending || TrafficBlockCodec.isAscending(new) ? new : TrafficBlockCodec.merge([], Array(new))[...]
            // A new block (the usual case): its values bound straight into the statement.
            var row = RowBinder(insert)
            row.int(series); row.int(Int64(r.rawValue)); row.int(start); row.int(Int64(ordered.count)); row.int(ordered.last?.start ?? start)
            try TrafficBlockCodec.encode(ordered).withUnsafeBytes { bytes in row.blobInPlace(bytes); try row.execute() }
            guard db.changesCount == 0 else { return }
            let old = try Data.fetchOne(read, arguments: [series, r.rawValue, start]).map { try TrafficBlockCodec.decodeSamples([UInt8]($0)) } ?? []
            let merged = TrafficBlockCodec.merge(old, Array(ordered))
            try update.execute(arguments: [merged.count, merged.last?.start ?? start, Data(TrafficBlockCodec.encode(merged)),
                                           series, r.rawValue, start])
        }
        for first in runs where !first.samples.isEmpty {
            // A run with rollups: each block's samples are rolled up while they are at hand (a
            // bucket of the next coarser resolution never spans two blocks), and the rollups
            // are written the same way after the run (`TrafficSampleRun.expanded`).
            var next: TrafficSampleRun? = first
            while let run = next {
                next = nil
                let series = try id(run.key), r = run.resolution, s = run.samples
                let coarser = run.withRollups ? r.coarser : nil
                var rollups: [TrafficSample] = []
                if let coarser, let a = s.first, let b = s.last, case let spanned = b.start &- a.start, spanned >= 0 {
                    rollups.reserveCapacity(min(s.count, Int(spanned / coarser.seconds) &+ 1))
                }
                let span = TrafficBlockCodec.samplesPerBlock(r) * r.seconds, window = UInt64(span)
                func inWindow(_ k: Int, _ block: Int64) -> Bool { UInt64(bitPattern: s[k].start &- block) < window }
                var from = s.startIndex
                while from < s.endIndex {
                    // The samples that follow in the same block window (start - block in [0, window),
                    // compared unsigned: a sample before the block's start ends the run too).
                    let block = TrafficBlockCodec.blockStart(r, s[from].start)
                    // Usually one sample per step to the window's end: then the block ends where
                    // the window does, which is checked rather than found sample by sample (the
                    // samples ascending, the last in the window and the next not: so are all
                    // between). Else, or when the check fails, found sample by sample.
                    var to = from + 1, ascending = false
                    let slots = (block &+ span &- s[from].start &+ r.seconds &- 1) / r.seconds
                    if slots > 1 && slots <= Int64(s.endIndex - from) {
                        let guess = from + Int(slots)
                        // The ascending check first: it reads the samples in order, so the
                        // block's end is in the cache when it is looked at.
                        if TrafficBlockCodec.isAscending(s[from..<guess]) && inWindow(guess - 1, block)
                            && (guess == s.endIndex || !inWindow(guess, block)) {
                            to = guess; ascending = true
                        }
                    }
                    if !ascending { while to < s.endIndex && inWindow(to, block) { to += 1 } }
                    try write(series, r, block, s[from..<to], ascending: ascending)
                    if let coarser { TrafficSample.appendRollups(s[from..<to], to: coarser, into: &rollups) }
                    from = to
                }
                if let coarser, !rollups.isEmpty {
                    next = TrafficSampleRun(key: run.key, resolution: coarser, samples: rollups, withRollups: true)
                }
            }
        }
    }

    /// Calls `body` with each block of `resolution` that may hold samples starting in [lo, hi),
    /// of the given series (all when nil), in series and time order; the block's bytes are
    /// read in place (valid only during the call).
    func forEachBlock(_ keys: [TrafficSeriesKey]?, resolution: TrafficResolution, lo: Int64, hi: Int64,
                      _ body: (TrafficSeriesKey, UnsafeRawBufferPointer) throws -> Void) throws {
        let blockFrom = TrafficBlockCodec.blockStart(resolution, lo)
        try writer.read { db in
            var names: [Int64: TrafficSeriesKey] = [:]
            if let keys, keys.count <= 1000 {
                // A few series (a PD's uplinks, one device's interfaces): by the unique index,
                // not a scan of every series of the regency.
                let find = try db.cachedStatement(sql: "SELECT id FROM traffic_series WHERE device = ? AND interface = ?")
                for key in Set(keys) {
                    if let id = try Int64.fetchOne(find, arguments: [key.device, key.interface]) { names[id] = key }
                }
            } else {
                for row in try Row.fetchAll(db, sql: "SELECT id, device, interface FROM traffic_series") {
                    names[row["id"]] = TrafficSeriesKey(device: row["device"], interface: row["interface"])
                }
            }
            func each(_ key: TrafficSeriesKey, _ row: Row, column: Int) throws {
                try row.withUnsafeData(atIndex: column) { data in
                    guard let data else { return }
                    try data.withUnsafeBytes { raw in try body(key, raw) }
                }
            }
            if let keys {
                let wanted = Set(keys)
                let stmt = try db.cachedStatement(sql: """
                    SELECT data FROM traffic_block WHERE series_id = ? AND resolution = ? AND start >= ? AND start < ? ORDER BY start
                    """)
                for (id, key) in names.sorted(by: { $0.value < $1.value }) where wanted.contains(key) {
                    let rows = try Row.fetchCursor(stmt, arguments: [id, resolution.rawValue, blockFrom, hi])
                    while let r = try rows.next() { try each(key, r, column: 0) }
                }
            } else {
                // Series by series through the primary key (the CROSS JOIN fixes that order), so
                // the rows come out in order: by the time index they would have to be sorted,
                // blobs and all, in a temporary b-tree (most of the CPU of reading a month).
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT b.series_id, b.data FROM traffic_series s CROSS JOIN traffic_block b
                    WHERE b.series_id = s.id AND b.resolution = ? AND b.start >= ? AND b.start < ? ORDER BY s.id, b.start
                    """, arguments: [resolution.rawValue, blockFrom, hi])
                while let r = try rows.next() {
                    if let key = names[r[0]] { try each(key, r, column: 1) }
                }
            }
        }
    }

    static func bounds(_ from: Date, _ to: Date) -> (Int64, Int64) {
        (Int64(from.timeIntervalSince1970.rounded(.up)), Int64(to.timeIntervalSince1970.rounded(.up)))
    }

    public func trafficSamples(_ keys: [TrafficSeriesKey]?, resolution: TrafficResolution, from: Date, to: Date)
        throws(StoreError) -> [TrafficSeriesKey: [TrafficSample]] {
        let (lo, hi) = Self.bounds(from, to)
        var out: [TrafficSeriesKey: [TrafficSample]] = [:]
        do {
            try forEachBlock(keys, resolution: resolution, lo: lo, hi: hi) { key, raw in
                let samples = try TrafficBlockCodec.decodeSamples(raw).filter { $0.start >= lo && $0.start < hi }
                if !samples.isEmpty { out[key, default: []] += samples }
            }
        } catch {
            throw StoreError(path: location, action: "reading traffic samples", underlying: error)
        }
        return out
    }

    public func trafficStatistics(_ keys: [TrafficSeriesKey]?, from: Date, to: Date) throws(StoreError) -> [TrafficSeriesKey: TrafficStatistics] {
        let (lo, hi) = Self.bounds(from, to)
        var out: [TrafficSeriesKey: TrafficStatistics] = [:]
        do {
            var current: TrafficSeriesKey?
            var acc = TrafficStatistics.Accumulator()
            var block = TrafficBlockCodec.DecodedBlock()
            func finish() { if let k = current, let s = acc.statistics() { out[k] = s } }
            try forEachBlock(keys, resolution: .fiveMinutes, lo: lo, hi: hi) { key, raw in
                if key != current { finish(); current = key; acc.reset() }
                try TrafficBlockCodec.accumulate(raw, into: &acc, from: lo, to: hi, scratch: &block)
            }
            finish()
        } catch {
            throw StoreError(path: location, action: "reading traffic statistics", underlying: error)
        }
        return out
    }

    public func trafficIntervals(_ key: TrafficSeriesKey, from: Date, to: Date) throws(StoreError) -> [CounterInterval] {
        do {
            return try writer.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT r.* FROM traffic_raw r JOIN traffic_series s ON s.id = r.series_id
                    WHERE s.device = ? AND s.interface = ? AND r.end_time >= ? AND r.end_time < ? ORDER BY r.end_time
                    """, arguments: [key.device, key.interface, from.timeIntervalSince1970, to.timeIntervalSince1970]).map(Self.counterInterval)
            }
        } catch {
            throw StoreError(path: location, action: "reading traffic intervals", underlying: error)
        }
    }

    public func latestTrafficRates(_ keys: [TrafficSeriesKey]?, from: Date, to: Date) throws(StoreError) -> [TrafficSeriesKey: CounterInterval] {
        let wanted = keys.map(Set.init)
        do {
            return try writer.read { db in
                // SQLite takes the bare columns of an aggregate query from the row that gave MAX().
                let rows = try Row.fetchAll(db, sql: """
                    SELECT s.device, s.interface, r.*, MAX(r.end_time) AS newest FROM traffic_raw r JOIN traffic_series s ON s.id = r.series_id
                    WHERE r.kind = 'rate' AND r.end_time >= ? AND r.end_time < ? GROUP BY r.series_id
                    """, arguments: [from.timeIntervalSince1970, to.timeIntervalSince1970])
                var out: [TrafficSeriesKey: CounterInterval] = [:]
                for r in rows {
                    let key = TrafficSeriesKey(device: r["device"], interface: r["interface"])
                    if wanted?.contains(key) ?? true { out[key] = Self.counterInterval(r) }
                }
                return out
            }
        } catch {
            throw StoreError(path: location, action: "reading the latest traffic rates", underlying: error)
        }
    }

    static func counterInterval(_ r: Row) -> CounterInterval {
        func v(_ c: String) -> UInt64? { (r[c] as Int64?).map { UInt64(clamping: $0) } }
        var i = CounterInterval(start: Date(timeIntervalSince1970: r["start_time"]), end: Date(timeIntervalSince1970: r["end_time"]),
                                kind: CounterInterval.Kind(rawValue: r["kind"]) ?? .reset, ifSpeed: UInt64(clamping: r["speed"] as Int64),
                                inOctets: v("in_octets"), outOctets: v("out_octets"), inErrors: v("in_errors"),
                                outErrors: v("out_errors"), inDiscards: v("in_discards"), outDiscards: v("out_discards"),
                                reason: (r["reason"] as String?).flatMap(CounterInterval.Reason.init(rawValue:)))
        i.wrapped = r["wrapped"]
        return i
    }

    @discardableResult
    public func pruneTraffic(retention: TrafficRetention, now: Date) throws(StoreError) -> Int {
        let t = now.timeIntervalSince1970
        do {
            return try writer.write { db in
                try db.execute(sql: "DELETE FROM traffic_raw WHERE end_time < ?", arguments: [t - Double(retention.rawDays) * 86_400])
                var n = db.changesCount
                for r in TrafficResolution.allCases {
                    // A block goes when its whole window is older than the retention.
                    let window = TrafficBlockCodec.samplesPerBlock(r) * r.seconds
                    let cutoff = Int64(t) - Int64(retention.days(r)) * 86_400 - window
                    // Series by series through the primary key (there is no index by time).
                    try db.execute(sql: """
                        DELETE FROM traffic_block WHERE series_id IN (SELECT id FROM traffic_series) AND resolution = ? AND start < ?
                        """, arguments: [r.rawValue, cutoff])
                    n += db.changesCount
                }
                return n
            }
        } catch {
            throw StoreError(path: location, action: "pruning traffic", underlying: error)
        }
    }

    /// Copies the write-ahead log into the database file and truncates it (for measuring the
    /// store's size; SQLite does this by itself as the log grows).
    public func checkpoint() throws(StoreError) {
        do { try writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") } } catch {
            throw StoreError(path: location, action: "checkpointing the write-ahead log", underlying: error)
        }
    }
}

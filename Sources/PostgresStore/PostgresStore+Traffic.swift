import Foundation
import InventoryModel
import Storage

extension PostgresStore {
    public func trafficStates(device: String) throws(StoreError) -> [TrafficSeriesState] {
        try trafficSeries(device: device)
    }

    public func trafficSeries(device: String? = nil) throws(StoreError) -> [TrafficSeriesState] {
        try read("reading traffic series") { c in
            let decoder = JSONDecoder()
            return try c.fetchAll("""
                SELECT state FROM traffic_series \(device == nil ? "" : "WHERE device = ?") ORDER BY device, interface
                """, device.map { [$0] } ?? []).map { try decoder.decode(TrafficSeriesState.self, from: Data(($0[0] as String).utf8)) }
        }
    }

    public func record(traffic given: TrafficBatch) throws(StoreError) {
        guard !given.isEmpty else { return }
        // Runs with rollups are written as the runs they make (`TrafficSampleRun.expanded`).
        let batch = given.rollupsExpanded
        try write("recording traffic", prepare: { c in try prepareTraffic(c, batch) }) { c in try writeTraffic(c, batch) }
    }

    /// Makes the partitions a batch writes into (outside the transaction that writes it).
    func prepareTraffic(_ c: PGConnection, _ batch: TrafficBatch) throws {
        try ensurePartitions(c, PGPartitions.trafficRaw, times: batch.rates.map { $0.interval.end.timeIntervalSince1970 })
        for r in TrafficResolution.allCases {
            let starts = batch.runs.filter { $0.resolution == r }.flatMap { run in
                run.samples.map { Double(TrafficBlockCodec.blockStart(r, $0.start)) }
            }
            try ensurePartitions(c, PGPartitions.trafficBlock(r.rawValue), times: starts)
        }
    }

    /// Writes a batch inside the caller's transaction (`record(traffic:)`, or a fleet replay).
    func writeTraffic(_ c: PGConnection, _ batch: TrafficBatch) throws {
        do {
            let encoder = JSONEncoder()
            var ids: [TrafficSeriesKey: Int64] = [:]
            let upsert = """
                INSERT INTO traffic_series (device, interface, if_index, speed, state) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (device, interface) DO UPDATE SET if_index = excluded.if_index, speed = excluded.speed, state = excluded.state
                RETURNING id
                """
            // States in multi-row upserts (a poll cycle of 10,000 interfaces is a few statements, not 10,000).
            var latest: [TrafficSeriesKey: TrafficSeriesState] = [:]
            var order: [TrafficSeriesKey] = []
            for s in batch.states {
                if latest[s.key] == nil { order.append(s.key) }
                latest[s.key] = s
            }
            for start in stride(from: 0, to: order.count, by: 10_000) {
                let chunk = order[start..<min(start + 10_000, order.count)]
                var values: [any PGArgument] = []
                for k in chunk {
                    let s = latest[k]!
                    values += [k.device, k.interface, s.ifIndex.map { Int64($0) }, Int64(clamping: s.speed),
                               String(decoding: try encoder.encode(s), as: UTF8.self)] as [any PGArgument]
                }
                for r in try c.fetchAll("""
                    INSERT INTO traffic_series (device, interface, if_index, speed, state) VALUES \(Array(repeating: "(?, ?, ?, ?, ?)", count: chunk.count).joined(separator: ", "))
                    ON CONFLICT (device, interface) DO UPDATE SET if_index = excluded.if_index, speed = excluded.speed, state = excluded.state
                    RETURNING id, device, interface
                    """, values) {
                    ids[TrafficSeriesKey(device: r["device"], interface: r["interface"])] = r["id"]
                }
            }
            // The ids of the other series the batch names, in one query per 10,000 (not one per series).
            let named = Set(batch.rates.map(\.key) + batch.runs.map(\.key)).subtracting(ids.keys).sorted { ($0.device, $0.interface) < ($1.device, $1.interface) }
            for start in stride(from: 0, to: named.count, by: 10_000) {
                let chunk = named[start..<min(start + 10_000, named.count)]
                for r in try c.fetchAll("""
                    SELECT id, device, interface FROM traffic_series WHERE (device, interface) IN (VALUES \(Array(repeating: "(?, ?)", count: chunk.count).joined(separator: ", ")))
                    """, chunk.flatMap { [$0.device, $0.interface] as [any PGArgument] }) {
                    ids[TrafficSeriesKey(device: r["device"], interface: r["interface"])] = r["id"]
                }
            }
            func id(_ key: TrafficSeriesKey) throws -> Int64 {
                if let i = ids[key] { return i }
                if let i: Int64 = try c.fetchValue("SELECT id FROM traffic_series WHERE device = ? AND interface = ?", [key.device, key.interface]) {
                    ids[key] = i; return i
                }
                // Samples imported without a poll: the series starts with an empty state.
                let json = String(decoding: try encoder.encode(TrafficSeriesState(key: key)), as: UTF8.self)
                let i: Int64 = try c.fetchValue(upsert, [key.device, key.interface, PGValue.null, 0, json]) ?? 0
                ids[key] = i
                return i
            }
            var rawRows: [[any PGArgument]] = []
            for r in batch.rates {
                let i = r.interval
                func v(_ x: UInt64?) -> Int64? { x.map { Int64(clamping: $0) } }
                rawRows.append([try id(r.key), i.end.timeIntervalSince1970, i.start.timeIntervalSince1970, i.kind.rawValue,
                                i.reason?.rawValue, Int64(clamping: i.ifSpeed), v(i.inOctets), v(i.outOctets), v(i.inErrors),
                                v(i.outErrors), v(i.inDiscards), v(i.outDiscards), i.wrapped])
            }
            try insertMany(c, """
                INSERT INTO traffic_raw (series_id, end_time, start_time, kind, reason, speed, in_octets, out_octets,
                  in_errors, out_errors, in_discards, out_discards, wrapped) VALUES
                """, width: 13, keyWidth: 2, """
                ON CONFLICT (series_id, end_time) DO UPDATE SET start_time = excluded.start_time, kind = excluded.kind,
                  reason = excluded.reason, speed = excluded.speed, in_octets = excluded.in_octets, out_octets = excluded.out_octets,
                  in_errors = excluded.in_errors, out_errors = excluded.out_errors, in_discards = excluded.in_discards,
                  out_discards = excluded.out_discards, wrapped = excluded.wrapped
                """, rawRows, merge: { _, new in new })
            try Self.mergeBlocks(c, batch.runs, id: id)
        }
    }

    /// Merges samples into their blocks (see `PantauStore.mergeBlocks`): the blocks a batch
    /// touches are read in one query, merged in memory, and written back in multi-row upserts.
    static func mergeBlocks(_ c: PGConnection, _ runs: [TrafficSampleRun], id: (TrafficSeriesKey) throws -> Int64) throws {
        struct BlockKey: Hashable { var series: Int64; var resolution: Int; var start: Int64 }
        var touched: [BlockKey: [TrafficSample]] = [:]
        var order: [BlockKey] = []
        for run in runs where !run.samples.isEmpty {
            let series = try id(run.key), r = run.resolution
            for s in run.samples {
                let k = BlockKey(series: series, resolution: r.rawValue, start: TrafficBlockCodec.blockStart(r, s.start))
                if touched[k] == nil { order.append(k) }
                touched[k, default: []].append(s)
            }
        }
        guard !order.isEmpty else { return }
        // The existing blocks, read in chunks of keys.
        var existing: [BlockKey: [TrafficSample]] = [:]
        for start in stride(from: 0, to: order.count, by: 5000) {
            let chunk = order[start..<min(start + 5000, order.count)]
            let series = chunk.map { String($0.series) }.joined(separator: ","), res = chunk.map { String($0.resolution) }.joined(separator: ",")
            let starts = chunk.map { String($0.start) }.joined(separator: ",")
            for r in try c.fetchAll("""
                SELECT b.series_id, b.resolution, b.start, b.data FROM traffic_block b
                JOIN unnest(ARRAY[\(series)]::bigint[], ARRAY[\(res)]::bigint[], ARRAY[\(starts)]::bigint[]) AS k(s, r, t)
                  ON b.series_id = k.s AND b.resolution = k.r AND b.start = k.t
                """) {
                let k = BlockKey(series: r[0], resolution: r[1], start: r[2])
                existing[k] = try TrafficBlockCodec.decodeSamples(r[3] as [UInt8])
            }
        }
        var rows: [[any PGArgument]] = []
        for k in order {
            let new = touched[k] ?? []
            let ordered = zip(new, new.dropFirst()).allSatisfy { $0.start < $1.start } ? new : TrafficBlockCodec.merge([], new)
            let merged = existing[k].map { TrafficBlockCodec.merge($0, ordered) } ?? ordered
            rows.append([k.series, k.resolution, k.start, merged.count, merged.last?.start ?? k.start, TrafficBlockCodec.encode(merged)])
        }
        try PostgresStore.insertRows(c, """
            INSERT INTO traffic_block (series_id, resolution, start, count, last, data) VALUES
            """, width: 6, """
            ON CONFLICT (series_id, resolution, start) DO UPDATE SET count = excluded.count, last = excluded.last, data = excluded.data
            """, rows)
    }

    /// Inserts rows (distinct keys) in multi-row statements.
    static func insertRows(_ c: PGConnection, _ head: String, width: Int, _ tail: String, _ rows: [[any PGArgument]]) throws {
        let per = max(1, 60_000 / width)
        let tuple = "(" + Array(repeating: "?", count: width).joined(separator: ", ") + ")"
        for start in stride(from: 0, to: rows.count, by: per) {
            let chunk = rows[start..<min(start + per, rows.count)]
            try c.execute(head + " " + Array(repeating: tuple, count: chunk.count).joined(separator: ", ") + "\n" + tail, chunk.flatMap { $0 })
        }
    }

    /// Calls `body` with each block of `resolution` that may hold samples starting in [lo, hi),
    /// of the given series (all when nil), in series and time order.
    func forEachBlock(_ keys: [TrafficSeriesKey]?, resolution: TrafficResolution, lo: Int64, hi: Int64,
                      _ body: (TrafficSeriesKey, [UInt8]) throws -> Void) throws {
        let blockFrom = TrafficBlockCodec.blockStart(resolution, lo)
        try pool.withConnection { c in
            var names: [Int64: TrafficSeriesKey] = [:]
            for row in try c.fetchAll("SELECT id, device, interface FROM traffic_series") {
                names[row["id"]] = TrafficSeriesKey(device: row["device"], interface: row["interface"])
            }
            if let keys {
                let wanted = Set(keys)
                for (id, key) in names.sorted(by: { $0.value < $1.value }) where wanted.contains(key) {
                    for r in try c.fetchAll("""
                        SELECT data FROM traffic_block WHERE series_id = ? AND resolution = ? AND start >= ? AND start < ? ORDER BY start
                        """, [id, resolution.rawValue, blockFrom, hi]) {
                        try body(key, r[0])
                    }
                }
            } else {
                // In pages by series, so a month of 10,000 interfaces never sits in memory at once.
                var after: Int64 = -1
                while true {
                    let rows = try c.fetchAll("""
                        SELECT series_id, data FROM traffic_block WHERE resolution = ? AND start >= ? AND start < ?
                          AND series_id IN (SELECT DISTINCT series_id FROM traffic_block WHERE resolution = ? AND start >= ? AND start < ?
                                            AND series_id > ? ORDER BY series_id LIMIT 500)
                        ORDER BY series_id, start
                        """, [resolution.rawValue, blockFrom, hi, resolution.rawValue, blockFrom, hi, after])
                    guard let last = rows.last else { break }
                    for r in rows { if let key = names[r[0]] { try body(key, r[1]) } }
                    after = last[0]
                }
            }
        }
    }

    public func trafficSamples(_ keys: [TrafficSeriesKey]?, resolution: TrafficResolution, from: Date, to: Date)
        throws(StoreError) -> [TrafficSeriesKey: [TrafficSample]] {
        let lo = Int64(from.timeIntervalSince1970.rounded(.up)), hi = Int64(to.timeIntervalSince1970.rounded(.up))
        var out: [TrafficSeriesKey: [TrafficSample]] = [:]
        do {
            try forEachBlock(keys, resolution: resolution, lo: lo, hi: hi) { key, raw in
                let samples = try TrafficBlockCodec.decodeSamples(raw).filter { $0.start >= lo && $0.start < hi }
                if !samples.isEmpty { out[key, default: []] += samples }
            }
        } catch {
            throw StoreError(postgres: location, action: "reading traffic samples", underlying: error)
        }
        return out
    }

    public func trafficStatistics(_ keys: [TrafficSeriesKey]?, from: Date, to: Date) throws(StoreError) -> [TrafficSeriesKey: TrafficStatistics] {
        let lo = Int64(from.timeIntervalSince1970.rounded(.up)), hi = Int64(to.timeIntervalSince1970.rounded(.up))
        var out: [TrafficSeriesKey: TrafficStatistics] = [:]
        do {
            var current: TrafficSeriesKey?
            var acc = TrafficStatistics.Accumulator()
            var block = TrafficBlockCodec.DecodedBlock()
            func finish() { if let k = current, let s = acc.statistics() { out[k] = s } }
            try forEachBlock(keys, resolution: .fiveMinutes, lo: lo, hi: hi) { key, raw in
                if key != current { finish(); current = key; acc.reset() }
                try raw.withUnsafeBytes { try TrafficBlockCodec.accumulate($0, into: &acc, from: lo, to: hi, scratch: &block) }
            }
            finish()
        } catch {
            throw StoreError(postgres: location, action: "reading traffic statistics", underlying: error)
        }
        return out
    }

    public func trafficIntervals(_ key: TrafficSeriesKey, from: Date, to: Date) throws(StoreError) -> [CounterInterval] {
        try read("reading traffic intervals") { c in
            try c.fetchAll("""
                SELECT r.* FROM traffic_raw r JOIN traffic_series s ON s.id = r.series_id
                WHERE s.device = ? AND s.interface = ? AND r.end_time >= ? AND r.end_time < ? ORDER BY r.end_time
                """, [key.device, key.interface, from.timeIntervalSince1970, to.timeIntervalSince1970]).map(Self.counterInterval)
        }
    }

    /// The newest rate interval of each series in one query (`DISTINCT ON` the series, newest first).
    public func latestTrafficRates(_ keys: [TrafficSeriesKey]?, from: Date, to: Date) throws(StoreError) -> [TrafficSeriesKey: CounterInterval] {
        let wanted = keys.map(Set.init)
        return try read("reading the latest traffic rates") { c in
            var out: [TrafficSeriesKey: CounterInterval] = [:]
            for r in try c.fetchAll("""
                SELECT DISTINCT ON (r.series_id) s.device, s.interface, r.* FROM traffic_raw r JOIN traffic_series s ON s.id = r.series_id
                WHERE r.kind = 'rate' AND r.end_time >= ? AND r.end_time < ? ORDER BY r.series_id, r.end_time DESC
                """, [from.timeIntervalSince1970, to.timeIntervalSince1970]) {
                let key = TrafficSeriesKey(device: r["device"], interface: r["interface"])
                if wanted?.contains(key) ?? true { out[key] = Self.counterInterval(r) }
            }
            return out
        }
    }

    static func counterInterval(_ r: PGRow) -> CounterInterval {
        func v(_ col: String) -> UInt64? { (r[col] as Int64?).map { UInt64(clamping: $0) } }
        var i = CounterInterval(start: Date(timeIntervalSince1970: r["start_time"]), end: Date(timeIntervalSince1970: r["end_time"]),
                                kind: CounterInterval.Kind(rawValue: r["kind"]) ?? .reset, ifSpeed: UInt64(clamping: r["speed"] as Int64),
                                inOctets: v("in_octets"), outOctets: v("out_octets"), inErrors: v("in_errors"),
                                outErrors: v("out_errors"), inDiscards: v("in_discards"), outDiscards: v("out_discards"),
                                reason: (r["reason"] as String?).flatMap(CounterInterval.Reason.init(rawValue:)))
        i.wrapped = r["wrapped"]
        return i
    }

    /// Deletes what the retention no longer keeps (the same rows as the SQLite store):
    /// monthly partitions wholly older than the cutoff are dropped, not deleted row by row.
    @discardableResult
    public func pruneTraffic(retention: TrafficRetention, now: Date) throws(StoreError) -> Int {
        let t = now.timeIntervalSince1970
        return try write("pruning traffic") { c in
            var n = try prune(c, PGPartitions.trafficRaw, column: "end_time", below: t - Double(retention.rawDays) * 86_400)
            for r in TrafficResolution.allCases {
                let window = TrafficBlockCodec.samplesPerBlock(r) * r.seconds
                let cutoff = Int64(t) - Int64(retention.days(r)) * 86_400 - window
                n += try prune(c, PGPartitions.trafficBlock(r.rawValue), column: "start", below: Double(cutoff))
            }
            return n
        }
    }
}

import Foundation
import GRDB
import InventoryModel
import Storage

/// A fleet collector's local spool (`CollectorSpooling`): one SQLite file that only its
/// collector writes. Every status, counter and inventory poll (and sampling window) is appended here in one
/// transaction (a traffic batch with its series' new states, so the next counter poll
/// continues from the spool even while the central store is out of reach); the forwarder
/// replays the entries in order and removes them once the central store has committed them.
///
/// Tables: `spool_meta` (format, collector, spool id), `spool_entry` (seq, kind, time, JSON),
/// `spool_traffic_state` (each series' latest state), `spool_refused` (writes the central
/// store refused: their device belongs to another collector), `spool_capture_file` (the
/// collector's own capture-file ledger: packet sampling asks it which files are counted, so a
/// file is never counted twice, whether or not the central store can be reached). The file is locked (flock) while
/// open, so two processes never share one spool.
public final class CollectorSpool: CollectorSpooling, @unchecked Sendable {
    public let path: String
    public let collector: String
    public let spoolID: String
    let queue: DatabaseQueue
    let lockFD: Int32
    let encoder: JSONEncoder = { let e = JSONEncoder(); e.outputFormatting = [.sortedKeys]; return e }()
    let decoder = JSONDecoder()
    let clock: any WallClock
    static let format = "pantau-spool-1"

    /// Opens the spool at `path` for `collector`, creating it (and its directory) when missing.
    /// Throws a `StoreError` naming the file and the cause when it is corrupt, not a spool,
    /// another collector's, or open in another process.
    public init(path: String, collector: String, clock: any WallClock = SystemClock()) throws(StoreError) {
        self.path = path
        self.clock = clock
        self.collector = collector
        let fail = { (message: String) in StoreError(path: path, action: "opening the collector's spool", message: message, kind: .unusable) }
        let exists = FileManager.default.fileExists(atPath: path)
        let dir = (path as NSString).deletingLastPathComponent
        if !exists && !dir.isEmpty {
            do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                throw fail("cannot create its directory: \(error.localizedDescription)")
            }
        }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw fail("cannot open the file: \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw fail("it is in use by another pantau process (one spool per collector process); stop that one, or give this collector its own collector.spool")
        }
        lockFD = fd
        var config = Configuration()
        config.busyMode = .timeout(10)
        // WAL with synchronous=NORMAL, as the store: a commit is atomic and costs no fsync (a
        // collector appends a few writes per target and interval); a power cut may lose the
        // last ones, never corrupt the file.
        config.journalMode = .wal
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
            let id: String = try queue.write { db in
                let check = try String.fetchOne(db, sql: "PRAGMA quick_check") ?? "?"
                guard check == "ok" else { throw fail("it is corrupt (SQLite quick_check: \(check))") }
                let tables = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'"))
                if tables.isEmpty {
                    try db.execute(sql: """
                        CREATE TABLE spool_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                        CREATE TABLE spool_entry (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, spooled_at REAL NOT NULL,
                                                  payload BLOB NOT NULL);
                        CREATE TABLE spool_traffic_state (device TEXT NOT NULL, interface TEXT NOT NULL, state BLOB NOT NULL,
                                                          PRIMARY KEY (device, interface));
                        CREATE TABLE spool_refused (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, spooled_at REAL NOT NULL,
                                                    payload BLOB NOT NULL, reason TEXT NOT NULL);
                        """)
                    try Self.createLedger(db)
                    let id = UUID().uuidString.lowercased()
                    for (k, v) in [("format", Self.format), ("collector", collector), ("spool_id", id)] {
                        try db.execute(sql: "INSERT INTO spool_meta (key, value) VALUES (?, ?)", arguments: [k, v])
                    }
                    return id
                }
                guard tables.contains("spool_meta") else {
                    throw fail("it is not a Pantau collector spool (an SQLite file without spool_meta: a store?); name another file in collector.spool")
                }
                var meta: [String: String] = [:]
                for r in try Row.fetchAll(db, sql: "SELECT key, value FROM spool_meta") { meta[r["key"]] = r["value"] }
                guard meta["format"] == Self.format, let owner = meta["collector"], let id = meta["spool_id"] else {
                    throw fail("its format is \(meta["format"] ?? "unknown"), not \(Self.format) (a newer Pantau's spool?)")
                }
                guard owner == collector else {
                    throw fail("it belongs to collector \"\(owner)\", not \"\(collector)\"; give each collector its own collector.spool (its unreplayed polls are \"\(owner)\"'s)")
                }
                // A spool made before sampling was spooled gets its capture-file ledger now.
                try Self.createLedger(db)
                return id
            }
            spoolID = id
        } catch let e as StoreError {
            close(fd)
            throw e
        } catch {
            close(fd)
            if let db = error as? DatabaseError, db.resultCode == .SQLITE_CORRUPT || db.resultCode == .SQLITE_NOTADB {
                throw fail("it is corrupt or not an SQLite file (\(db.message ?? "\(db.resultCode)")); move it aside to start a new spool (its unreplayed polls would be lost)")
            }
            throw fail("\(error)")
        }
    }

    deinit {
        try? queue.close()
        close(lockFD)
    }

    func failure(_ action: String, _ error: any Error) -> StoreError {
        if let e = error as? StoreError { return e }
        if let db = error as? DatabaseError {
            return StoreError(path: path, action: action, message: "SQLite error \(db.resultCode.rawValue): \(db.message ?? "")",
                              kind: db.resultCode == .SQLITE_CORRUPT || db.resultCode == .SQLITE_NOTADB ? .unusable : .operation)
        }
        return StoreError(path: path, action: action, message: "\(error)")
    }

    // MARK: Traffic series (the recorder's store while spooling)

    public func trafficStates(device: String) throws(StoreError) -> [TrafficSeriesState] {
        do {
            return try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT state FROM spool_traffic_state WHERE device = ? ORDER BY interface", arguments: [device])
                    .map { try decoder.decode(TrafficSeriesState.self, from: $0["state"] as Data) }
            }
        } catch { throw failure("reading traffic states of \(device)", error) }
    }

    public func record(traffic: TrafficBatch) throws(StoreError) {
        guard !traffic.isEmpty else { return }
        try append(.traffic(traffic))
    }

    // MARK: The queue

    @discardableResult
    public func append(_ write: SpooledWrite) throws(StoreError) -> Int64 {
        do {
            return try queue.write { db in try insert(db, write) }
        } catch { throw failure("spooling a \(write.kind) poll", error) }
    }

    /// Appends `write` inside the caller's transaction; returns its sequence number.
    func insert(_ db: Database, _ write: SpooledWrite) throws -> Int64 {
        let payload = try encoder.encode(SpoolRecord(write))
        try db.execute(sql: "INSERT INTO spool_entry (kind, spooled_at, payload) VALUES (?, ?, ?)",
                       arguments: [write.kind, clock.now().timeIntervalSince1970, payload])
        let seq = db.lastInsertedRowID
        if case .traffic(let b) = write {
            for s in b.states {
                try db.execute(sql: "INSERT OR REPLACE INTO spool_traffic_state (device, interface, state) VALUES (?, ?, ?)",
                               arguments: [s.key.device, s.key.interface, try encoder.encode(s)])
            }
        }
        return seq
    }

    // MARK: Packet sampling (the sampler's store while spooling)

    static func createLedger(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS spool_capture_file (id INTEGER PRIMARY KEY AUTOINCREMENT, capture_point TEXT NOT NULL,
                                                           fingerprint_bytes INTEGER NOT NULL, fingerprint TEXT NOT NULL,
                                                           record BLOB NOT NULL);
            CREATE INDEX IF NOT EXISTS spool_capture_file_point ON spool_capture_file (capture_point, fingerprint_bytes, fingerprint);
            """)
    }

    /// Spools a window of sightings as one entry and moves the spool's own capture-file ledger
    /// in the same transaction; returns the ledger entry's id (the spool's, not the central
    /// store's: the entry carries it, and the central store keeps which of its entries it is).
    @discardableResult
    public func record(sightings batch: SightingBatch, captureFile progress: CaptureFileProgress?) throws(StoreError) -> Int64? {
        guard !batch.isEmpty || progress != nil else { return nil }
        do {
            return try queue.write { db in
                var spooled = progress
                if let p = progress {
                    var entry: CaptureFileRecord
                    if let id = p.id {
                        guard let data = try Data.fetchOne(db, sql: "SELECT record FROM spool_capture_file WHERE id = ?", arguments: [id]) else {
                            throw StoreError(path: path, action: "recording progress of capture file \(p.path)", message: "no ledger entry \(id) in the spool")
                        }
                        entry = try decoder.decode(CaptureFileRecord.self, from: data)
                        entry.advance(to: p)
                    } else {
                        try db.execute(sql: "INSERT INTO spool_capture_file (capture_point, fingerprint_bytes, fingerprint, record) VALUES (?, ?, ?, x'')",
                                       arguments: [p.capturePoint, p.fingerprint.length, p.fingerprint.sha256])
                        entry = CaptureFileRecord(id: db.lastInsertedRowID, firstOf: p)
                    }
                    try db.execute(sql: "UPDATE spool_capture_file SET fingerprint_bytes = ?, fingerprint = ?, record = ? WHERE id = ?",
                                   arguments: [entry.fingerprint.length, entry.fingerprint.sha256, try encoder.encode(entry), entry.id])
                    spooled?.id = entry.id
                }
                _ = try insert(db, .sightings(batch, spooled))
                return spooled?.id
            }
        } catch { throw failure("spooling packet sightings", error) }
    }

    public func captureFileFingerprintLengths(capturePoint: String, upTo maxLength: Int) throws(StoreError) -> [Int] {
        do {
            return try queue.read { db in
                try Int.fetchAll(db, sql: """
                    SELECT DISTINCT fingerprint_bytes FROM spool_capture_file WHERE capture_point = ? AND fingerprint_bytes <= ?
                    ORDER BY fingerprint_bytes
                    """, arguments: [capturePoint, maxLength])
            }
        } catch { throw failure("reading the spool's capture-file ledger", error) }
    }

    /// The entry whose fingerprint is one of `fingerprints`: as the stores choose, the one hashed
    /// over the most bytes, then the most packets, then the oldest.
    public func captureFile(capturePoint: String, matching fingerprints: [CaptureFileFingerprint]) throws(StoreError) -> CaptureFileRecord? {
        do {
            return try queue.read { db in
                var found: [CaptureFileRecord] = []
                for f in Set(fingerprints) {
                    for data in try Data.fetchAll(db, sql: """
                        SELECT record FROM spool_capture_file WHERE capture_point = ? AND fingerprint_bytes = ? AND fingerprint = ?
                        """, arguments: [capturePoint, f.length, f.sha256]) {
                        found.append(try decoder.decode(CaptureFileRecord.self, from: data))
                    }
                }
                return found.min { a, b in
                    (a.fingerprint.length, a.packets, -a.id) > (b.fingerprint.length, b.packets, -b.id)
                }
            }
        } catch { throw failure("reading the spool's capture-file ledger", error) }
    }

    /// The spool's capture-file ledger, by capture point, first read and id.
    public func captureFiles() throws(StoreError) -> [CaptureFileRecord] {
        do {
            return try queue.read { db in
                try Data.fetchAll(db, sql: "SELECT record FROM spool_capture_file").map { try decoder.decode(CaptureFileRecord.self, from: $0) }
                    .sorted { ($0.capturePoint, $0.firstRead, $0.id) < ($1.capturePoint, $1.firstRead, $1.id) }
            }
        } catch { throw failure("reading the spool's capture-file ledger", error) }
    }

    public func pending(limit: Int) throws(StoreError) -> [SpoolEntry] {
        do {
            return try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT seq, payload FROM spool_entry ORDER BY seq LIMIT ?", arguments: [limit]).map { r in
                    SpoolEntry(seq: r["seq"], write: try decoder.decode(SpoolRecord.self, from: r["payload"] as Data).write)
                }
            }
        } catch { throw failure("reading the spool", error) }
    }

    public func acknowledge(through seq: Int64, refused: [(seq: Int64, reason: String)]) throws(StoreError) {
        do {
            try queue.write { db in
                for r in refused {
                    try db.execute(sql: """
                        INSERT OR REPLACE INTO spool_refused (seq, kind, spooled_at, payload, reason)
                        SELECT seq, kind, spooled_at, payload, ? FROM spool_entry WHERE seq = ?
                        """, arguments: [r.reason, r.seq])
                }
                try db.execute(sql: "DELETE FROM spool_entry WHERE seq <= ?", arguments: [seq])
            }
        } catch { throw failure("removing replayed entries from the spool", error) }
    }

    public func backlog() throws(StoreError) -> (count: Int, oldest: Date?) {
        do {
            return try queue.read { db in
                let r = try Row.fetchOne(db, sql: "SELECT count(*), min(spooled_at) FROM spool_entry")
                return (r?[0] ?? 0, (r?[1] as Double?).map { Date(timeIntervalSince1970: $0) })
            }
        } catch { throw failure("reading the spool's backlog", error) }
    }

    // MARK: The size cap

    /// Bytes the spool's file holds in use: its pages less the free ones (deleted entries'
    /// pages are reused, so the file itself does not shrink).
    public func usedBytes() throws(StoreError) -> Int64 {
        do { return try queue.read { db in try Self.usedBytes(db) } } catch { throw failure("measuring the spool", error) }
    }

    static func usedBytes(_ db: Database) throws -> Int64 {
        let pages = try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0
        let free = try Int64.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
        let size = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
        return (pages - free) * size
    }

    /// Brings the spool under `limit` bytes in use when it is over it, to 90 % of it, giving
    /// up the oldest of each kind in `SpoolTrim.order` before touching the next; nil when it was
    /// under.
    public func trim(toBytes limit: Int64) throws(StoreError) -> SpoolTrim? {
        do {
            return try queue.write { db -> SpoolTrim? in
                let before = try Self.usedBytes(db)
                guard before > limit else { return nil }
                let target = limit / 10 * 9
                var trim = SpoolTrim(limit: limit, before: before, after: before)
                func note(_ time: Double) {
                    let d = Date(timeIntervalSince1970: time)
                    trim.oldest = min(trim.oldest ?? d, d)
                    trim.newest = max(trim.newest ?? d, d)
                }
                // The raw intervals of the oldest counter polls.
                var cursor: Int64 = 0
                while try Self.usedBytes(db) > target {
                    let rows = try Row.fetchAll(db, sql: """
                        SELECT seq, spooled_at, payload FROM spool_entry WHERE kind = 'traffic' AND seq > ? ORDER BY seq LIMIT 100
                        """, arguments: [cursor])
                    guard let last = rows.last else { break }
                    for r in rows {
                        var record = try decoder.decode(SpoolRecord.self, from: r["payload"] as Data)
                        guard let n = record.traffic?.rates.count, n > 0 else { continue }
                        record.traffic?.rates = []
                        try db.execute(sql: "UPDATE spool_entry SET payload = ? WHERE seq = ?", arguments: [try encoder.encode(record), r["seq"] as Int64])
                        trim.intervals += n
                        note(r["spooled_at"])
                    }
                    cursor = last["seq"]
                }
                // Then whole entries, oldest first, kind by kind.
                for kind in SpoolTrim.order.dropFirst() {
                    while try Self.usedBytes(db) > target {
                        let rows = try Row.fetchAll(db, sql: "SELECT seq, spooled_at FROM spool_entry WHERE kind = ? ORDER BY seq LIMIT 100",
                                                    arguments: [kind])
                        guard let last = rows.last else { break }
                        try db.execute(sql: "DELETE FROM spool_entry WHERE kind = ? AND seq <= ?", arguments: [kind, last["seq"] as Int64])
                        trim.entries[kind, default: 0] += rows.count
                        for r in rows { note(r["spooled_at"]) }
                    }
                }
                trim.after = try Self.usedBytes(db)
                return trim
            }
        } catch { throw failure("trimming the spool to its size cap", error) }
    }

    /// Keeps the PD segments of the central store's registry (read when it answered), so that
    /// sampling started while it cannot be reached still attributes hosts and traffic to PDs.
    public func remember(registrySegments segments: [PDSegment]) throws(StoreError) {
        do {
            let data = String(decoding: try encoder.encode(segments), as: UTF8.self)
            try queue.write { db in
                try db.execute(sql: "INSERT OR REPLACE INTO spool_meta (key, value) VALUES ('registry_segments', ?)", arguments: [data])
            }
        } catch { throw failure("keeping the PD registry's segments in the spool", error) }
    }

    /// The PD segments last kept by `remember(registrySegments:)`; nil when none were.
    public func rememberedRegistrySegments() throws(StoreError) -> [PDSegment]? {
        do {
            guard let text = try queue.read({ db in
                try String.fetchOne(db, sql: "SELECT value FROM spool_meta WHERE key = 'registry_segments'")
            }) else { return nil }
            return try decoder.decode([PDSegment].self, from: Data(text.utf8))
        } catch { throw failure("reading the PD registry's segments kept in the spool", error) }
    }

    /// Writes the central store refused, oldest first (seq, kind, reason).
    public func refused() throws(StoreError) -> [(seq: Int64, kind: String, reason: String)] {
        do {
            return try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT seq, kind, reason FROM spool_refused ORDER BY seq").map { ($0["seq"], $0["kind"], $0["reason"]) }
            }
        } catch { throw failure("reading the spool's refused writes", error) }
    }
}

/// A spooled write as JSON (dates as seconds, exact).
struct SpoolRecord: Codable {
    struct Run: Codable { var key: TrafficSeriesKey; var resolution: TrafficResolution; var samples: [TrafficSample] }
    struct Batch: Codable { var states: [TrafficSeriesState]; var rates: [InterfaceRate]; var runs: [Run] }
    struct Outcome: Codable {
        var name: String, agent: String, pd: String?, startedAt: Date, duration: Double
        var inventory: DeviceInventory?, failure: String?
    }
    struct Sightings: Codable { var batch: SightingBatch; var progress: CaptureFileProgress? }
    var status: StatusPoll?
    var traffic: Batch?
    var inventory: Outcome?
    var sightings: Sightings?

    init(_ w: SpooledWrite) {
        switch w {
        case .status(let p): status = p
        case .traffic(let b):
            // Rollups asked for are spooled as the runs they make (the record has no flag).
            traffic = Batch(states: b.states, rates: b.rates, runs: b.rollupsExpanded.runs.map { Run(key: $0.key, resolution: $0.resolution, samples: $0.samples) })
        case .inventory(let o):
            var rec = Outcome(name: o.name, agent: o.agent, pd: o.pd, startedAt: o.startedAt, duration: o.duration)
            switch o.result {
            case .success(let inv): rec.inventory = inv
            case .failure(let f): rec.failure = f.description
            }
            inventory = rec
        case .sightings(let batch, let progress): sightings = Sightings(batch: batch, progress: progress)
        }
    }

    var write: SpooledWrite {
        get throws {
            if let status { return .status(status) }
            if let traffic {
                return .traffic(TrafficBatch(states: traffic.states, rates: traffic.rates,
                                             runs: traffic.runs.map { TrafficSampleRun(key: $0.key, resolution: $0.resolution, samples: $0.samples) }))
            }
            if let o = inventory {
                let result: Result<DeviceInventory, PollFailure> = o.inventory.map { .success($0) } ?? .failure(PollFailure(o.failure ?? "unknown"))
                return .inventory(PollOutcome(name: o.name, agent: o.agent, pd: o.pd, startedAt: o.startedAt, duration: o.duration, result: result))
            }
            if let s = sightings { return .sightings(s.batch, s.progress) }
            throw StoreError(path: "", action: "reading a spooled write", message: "an entry with no write in it")
        }
    }
}


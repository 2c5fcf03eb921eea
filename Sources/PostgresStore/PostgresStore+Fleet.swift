import Foundation
import InventoryModel
import Storage

/// The central side of a fleet of collectors (`FleetStorage`): leases on identities, replay
/// positions, and which collector writes which device. Times are the server's clock.
extension PGSchema {
    static let fleet = PGMigration(name: "pg2-fleet", statements: [
        """
        CREATE TABLE collector (
            id \(t) PRIMARY KEY,
            host \(t),
            pid BIGINT,
            spool \(t),
            spool_id \(t),
            lease_token \(t),
            lease_until DOUBLE PRECISION,
            first_contact DOUBLE PRECISION NOT NULL,
            last_contact DOUBLE PRECISION,
            backlog BIGINT NOT NULL DEFAULT 0,
            oldest_backlog DOUBLE PRECISION,
            clock_offset DOUBLE PRECISION,
            applied_seq BIGINT NOT NULL DEFAULT 0,
            applied BIGINT NOT NULL DEFAULT 0,
            refused BIGINT NOT NULL DEFAULT 0,
            last_refusal \(t)
        )
        """,
        """
        CREATE TABLE collector_device (
            device \(t) PRIMARY KEY,
            collector \(t) NOT NULL REFERENCES collector(id) ON DELETE CASCADE,
            since DOUBLE PRECISION NOT NULL
        )
        """,
        "CREATE INDEX collector_device_collector ON collector_device(collector)",
    ])
}

extension PostgresStore: FleetStorage {
    static let serverNow = "extract(epoch from clock_timestamp())::double precision"

    /// The holder of an identity, for an error message.
    static func holder(_ r: PGRow, now: Double) -> String {
        var parts: [String] = []
        if let h: String = r["host"] { parts.append("host \(h)") }
        if let p: Int64 = r["pid"] { parts.append("pid \(p)") }
        if let s: String = r["spool"] { parts.append("spool \(s)") }
        if let l: Double = r["last_contact"] { parts.append("last contact \(Int((now - l).rounded())) s ago") }
        return parts.joined(separator: ", ")
    }

    @discardableResult
    public func claimCollector(_ claim: CollectorClaim) throws(StoreError) -> Date {
        try write("claiming collector \(claim.id)") { c in
            try c.execute("INSERT INTO collector (id, first_contact) VALUES (?, \(Self.serverNow)) ON CONFLICT (id) DO NOTHING", [claim.id])
            guard let r = try c.fetchOne("SELECT *, \(Self.serverNow) AS now FROM collector WHERE id = ? FOR UPDATE", [claim.id]) else {
                throw StoreError(path: location, action: "claiming collector \(claim.id)", message: "the collector row vanished")
            }
            let now: Double = r["now"]
            if let token: String = r["lease_token"], token != claim.token, let until: Double = r["lease_until"], until > now {
                // The same host, spool file and spool: the holder is dead (a live one would hold the spool's lock).
                let sameInstallation = (r["host"] as String?) == claim.host && (r["spool"] as String?) == claim.spool
                    && (r["spool_id"] as String?) == claim.spoolID
                if !(claim.takeOver && sameInstallation) {
                    throw StoreError(path: location, action: "claiming collector \(claim.id)", message: """
                        collector "\(claim.id)" is already running (\(Self.holder(r, now: now))); two collectors cannot share one \
                        identity: stop the other one, or give this one another collector.id (its lease ends in \(Int((until - now).rounded(.up))) s \
                        without a heartbeat)
                        """, kind: .unusable)
                }
            }
            try c.execute("""
                UPDATE collector SET lease_token = ?, lease_until = ? + ?, host = ?, pid = ?, spool = ?,
                  applied_seq = CASE WHEN spool_id IS NOT DISTINCT FROM ? THEN applied_seq ELSE 0 END, spool_id = ?, last_contact = ?
                WHERE id = ?
                """, [claim.token, now, claim.leaseSeconds, claim.host, claim.pid, claim.spool, claim.spoolID, claim.spoolID, now, claim.id])
            return Date(timeIntervalSince1970: now)
        }
    }

    /// Locks the collector's row and checks the caller holds its lease; returns the row.
    func lockCollector(_ c: PGConnection, _ id: String, token: String, action: String) throws -> PGRow {
        guard let r = try c.fetchOne("SELECT *, \(Self.serverNow) AS now FROM collector WHERE id = ? FOR UPDATE", [id]) else {
            throw StoreError(path: location, action: action, message: "collector \"\(id)\" is not registered (was it forgotten?); restart it to claim it again",
                             kind: .unusable)
        }
        guard (r["lease_token"] as String?) == token else {
            throw StoreError(path: location, action: action, message: """
                collector "\(id)" was claimed by another process (\(Self.holder(r, now: r["now"]))) after this one's lease ran out; \
                two collectors cannot share one identity: this one stops (its spool keeps what it has not replayed)
                """, kind: .unusable)
        }
        return r
    }

    public func heartbeat(collector: String, token: String, backlog: Int, oldestBacklog: Date?, sentAt: Date, leaseSeconds: Double) throws(StoreError) {
        try write("heartbeat of collector \(collector)") { c in
            let r = try lockCollector(c, collector, token: token, action: "heartbeat of collector \(collector)")
            let now: Double = r["now"]
            try c.execute("""
                UPDATE collector SET lease_until = ?, last_contact = ?, backlog = ?, oldest_backlog = ?, clock_offset = ? WHERE id = ?
                """, [now + leaseSeconds, now, backlog, oldestBacklog?.timeIntervalSince1970, sentAt.timeIntervalSince1970 - now, collector])
        }
    }

    public func releaseCollector(_ id: String, token: String, backlog: Int, oldestBacklog: Date?) throws(StoreError) {
        try write("releasing collector \(id)") { c in
            try c.execute("""
                UPDATE collector SET lease_token = NULL, lease_until = NULL, last_contact = \(Self.serverNow), backlog = ?, oldest_backlog = ?
                WHERE id = ? AND lease_token = ?
                """, [backlog, oldestBacklog?.timeIntervalSince1970, id, token])
        }
    }

    public func applySpooled(_ entries: [SpoolEntry], collector: String, token: String, spoolID: String) throws(StoreError) -> [SpoolApplyOutcome] {
        guard !entries.isEmpty else { return [] }
        let action = "replaying collector \(collector)'s spool"
        return try write(action, prepare: { c in
            try ensurePartitions(c, PGPartitions.statusPoll, times: entries.compactMap {
                if case .status(let p) = $0.write { p.time.timeIntervalSince1970 } else { nil }
            })
            for e in entries {
                switch e.write {
                case .traffic(let b): try prepareTraffic(c, b)
                case .sightings(let b, _): try prepareSightings(c, b)
                case .status, .inventory: break
                }
            }
        }) { c in
            // The spool forgets what this commits: the commit must be durable before it answers,
            // whatever the server's default (a store tuned with synchronous_commit=off).
            try c.executeRaw("SET LOCAL synchronous_commit = on")
            let r = try lockCollector(c, collector, token: token, action: action)
            var position: Int64 = (r["spool_id"] as String?) == spoolID ? r["applied_seq"] : 0
            // Who writes each device the new entries write: claimed for this collector where no
            // one does yet, in two statements per batch (not two per device).
            var owners: [String: String] = [:]
            let devices = Array(Set(entries.filter { $0.seq > position }.flatMap(\.write.devices))).sorted()
            for start in stride(from: 0, to: devices.count, by: 5000) {
                let chunk = Array(devices[start..<min(start + 5000, devices.count)])
                try c.execute("""
                    INSERT INTO collector_device (device, collector, since)
                    VALUES \(Array(repeating: "(?, ?, \(Self.serverNow))", count: chunk.count).joined(separator: ", ")) ON CONFLICT (device) DO NOTHING
                    """, chunk.flatMap { [$0, collector] as [any PGArgument] })
                for r in try c.fetchAll("""
                    SELECT device, collector FROM collector_device WHERE device IN (\(Array(repeating: "?", count: chunk.count).joined(separator: ", ")))
                    """, chunk.map { $0 as any PGArgument }) {
                    let device: String = r["device"], owner: String = r["collector"]
                    owners[device] = owner
                }
            }
            var out: [SpoolApplyOutcome] = []
            var applied: Int64 = 0, refused: Int64 = 0
            var lastRefusal: String?
            // The batch's counter polls, written together at the end (one set of multi-row
            // statements per batch instead of per poll): later states win, as written in turn.
            var traffic = TrafficBatch()
            for e in entries {
                guard e.seq > position else { out.append(.duplicate); continue }
                position = e.seq
                if let (device, other) = e.write.devices.lazy.map({ ($0, owners[$0] ?? collector) }).first(where: { $0.1 != collector }) {
                    let why = "device \(device) belongs to collector \(other); collector \(collector)'s \(e.write.kind) poll of it was not written"
                    out.append(.refused(why)); refused += 1; lastRefusal = why
                    continue
                }
                switch e.write {
                case .status(let p): try insertStatusPoll(c, p)
                case .traffic(let b):
                    traffic.states += b.states; traffic.rates += b.rates; traffic.runs += b.runs
                case .inventory(let o):
                    var w = PGInventoryWriter(c: c, poll: o)
                    _ = try w.write()
                case .sightings(let b, let p): try writeSpooledSightings(c, b, p, collector: collector, spoolID: spoolID)
                }
                out.append(.applied); applied += 1
            }
            if !traffic.isEmpty { try writeTraffic(c, traffic) }
            try c.execute("""
                UPDATE collector SET spool_id = ?, applied_seq = ?, applied = applied + ?, refused = refused + ?,
                  last_refusal = COALESCE(?, last_refusal), last_contact = \(Self.serverNow) WHERE id = ?
                """, [spoolID, position, applied, refused, lastRefusal, collector])
            return out
        }
    }

    /// One status poll's row and its share of the uptime rollup, inside the caller's
    /// transaction: `record(status:)` and a collector's replayed spool both write through here.
    func insertStatusPoll(_ c: PGConnection, _ p: StatusPoll) throws {
        try c.execute("""
            INSERT INTO status_poll (device, time, interval, pd, hosting, reachable, sys_uptime, hr_uptime,
                                     engine_boots, engine_time, duration, error)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [p.device, p.time.timeIntervalSince1970, p.interval, p.pd, p.hosting?.rawValue,
                  p.reachable, p.sysUpTime.map { Int64($0) }, p.hrSystemUptime.map { Int64($0) },
                  p.engineBoots.map { Int64($0) }, p.engineTime.map { Int64($0) }, p.duration, p.error])
        try Self.rollUp(c, p)
    }

    public func collectors() throws(StoreError) -> [CollectorStatus] {
        try read("reading the collectors") { c in
            try c.fetchAll("""
                SELECT k.*, (SELECT count(*) FROM collector_device d WHERE d.collector = k.id) AS devices, \(Self.serverNow) AS now
                FROM collector k ORDER BY k.id
                """).map { r in
                let now: Double = r["now"]
                func date(_ col: String) -> Date? { (r[col] as Double?).map { Date(timeIntervalSince1970: $0) } }
                let until: Double? = r["lease_until"]
                return CollectorStatus(
                    id: r["id"], host: r["host"], pid: (r["pid"] as Int64?).map { Int($0) }, spool: r["spool"], spoolID: r["spool_id"],
                    running: (r["lease_token"] as String?) != nil && (until ?? 0) > now, leaseUntil: date("lease_until"),
                    firstContact: date("first_contact"), lastContact: date("last_contact"),
                    secondsSinceContact: (r["last_contact"] as Double?).map { now - $0 }, backlog: Int(r["backlog"] as Int64),
                    oldestBacklog: date("oldest_backlog"), clockOffset: r["clock_offset"], appliedSeq: r["applied_seq"],
                    applied: r["applied"], refused: r["refused"], lastRefusal: r["last_refusal"], devices: Int(r["devices"] as Int64))
            }
        }
    }

    /// Forgets a stopped collector: its row and its claim on its devices (another collector
    /// may then write them). Returns the number of devices released; throws while it runs.
    @discardableResult
    public func forgetCollector(_ id: String) throws(StoreError) -> Int {
        try write("forgetting collector \(id)") { c in
            guard let r = try c.fetchOne("SELECT *, \(Self.serverNow) AS now FROM collector WHERE id = ? FOR UPDATE", [id]) else {
                throw StoreError(path: location, action: "forgetting collector \(id)", message: "no collector \"\(id)\" in this store")
            }
            if (r["lease_token"] as String?) != nil, let until: Double = r["lease_until"], until > (r["now"] as Double) {
                throw StoreError(path: location, action: "forgetting collector \(id)", message:
                    "it is running (\(Self.holder(r, now: r["now"]))); stop it first")
            }
            let n = try c.fetchValue("SELECT count(*) FROM collector_device WHERE collector = ?", [id], as: Int.self) ?? 0
            try c.execute("DELETE FROM collector WHERE id = ?", [id])
            return n
        }
    }
}

import Foundation
import InventoryModel
import Storage

extension PostgresStore {
    static let statusPollColumns = "s.device, s.time, s.interval, s.pd, s.hosting, s.reachable, s.sys_uptime, s.hr_uptime, s.engine_boots, s.engine_time, s.duration, s.error"

    public func record(status p: StatusPoll) throws(StoreError) {
        try write("recording a status poll of \(p.device)", prepare: { c in
            try ensurePartitions(c, PGPartitions.statusPoll, times: [p.time.timeIntervalSince1970])
        }) { c in
            try insertStatusPoll(c, p)
        }
    }

    // MARK: The rollup, kept as polls are recorded (as the SQLite store does)

    static let rollupEncoder = JSONEncoder()
    static let rollupDecoder = JSONDecoder()

    static func rollupGrid(_ c: PGConnection) throws -> UptimeDayGrid {
        let hours = try c.fetchValue("""
            SELECT (profile_json::jsonb ->> 'utcOffsetHours')::bigint FROM gov_profile_activation ORDER BY id DESC LIMIT 1
            """, as: Int64.self)
        return UptimeDayGrid(offsetSeconds: Int(hours ?? 0) * 3600)
    }

    static func rollUp(_ c: PGConnection, _ p: StatusPoll) throws {
        let prior = try c.fetchValue("SELECT state_json FROM uptime_latest WHERE device = ?", [p.device], as: String.self)
            .map { try rollupDecoder.decode(UptimeDeviceState.self, from: Data($0.utf8)) }
        let grid = try rollupGrid(c)
        guard let ch = UptimeRollup.step(prior, p, grid: grid) else {
            try rebuild(c, device: p.device, grid: grid)
            return
        }
        for (day, s) in ch.monitored { try addMonitored(c, p.device, day, s) }
        if let k = ch.runKey {
            for (day, s) in ch.runMonitored {
                try c.execute("""
                    INSERT INTO uptime_run_day (device, first_failed, day, monitored) VALUES (?, ?, ?, ?)
                    ON CONFLICT (device, first_failed, day) DO UPDATE SET monitored = uptime_run_day.monitored + excluded.monitored
                    """, [p.device, k, day, s])
            }
        }
        if let r = ch.run { try writeRun(c, r) }
        if let k = ch.settleRun {
            try c.execute("""
                INSERT INTO uptime_day (device, day, monitored, polls)
                SELECT device, day, monitored, 0 FROM uptime_run_day WHERE device = ? AND first_failed = ?
                ON CONFLICT (device, day) DO UPDATE SET monitored = uptime_day.monitored + excluded.monitored
                """, [p.device, k])
        }
        if let r = ch.restart { try writeRestart(c, r) }
        try c.execute("""
            INSERT INTO uptime_day (device, day, monitored, polls, last_time, last_reachable, last_pd, last_hosting)
            VALUES (?, ?, 0, 1, ?, ?, ?, ?)
            ON CONFLICT (device, day) DO UPDATE SET polls = uptime_day.polls + 1, last_time = excluded.last_time,
                last_reachable = excluded.last_reachable, last_pd = excluded.last_pd, last_hosting = excluded.last_hosting
            """, [p.device, ch.pollDay, p.time.timeIntervalSince1970, p.reachable, p.pd, p.hosting?.rawValue])
        if let pd = p.pd { try c.execute("INSERT INTO uptime_device_pd (pd, device) VALUES (?, ?) ON CONFLICT DO NOTHING", [pd, p.device]) }
        try writeState(c, ch.state)
    }

    static func addMonitored(_ c: PGConnection, _ device: String, _ day: Double, _ s: Double) throws {
        try c.execute("""
            INSERT INTO uptime_day (device, day, monitored, polls) VALUES (?, ?, ?, 0)
            ON CONFLICT (device, day) DO UPDATE SET monitored = uptime_day.monitored + excluded.monitored
            """, [device, day, s])
    }

    static func writeRun(_ c: PGConnection, _ r: UptimeRun) throws {
        try c.execute("""
            INSERT INTO uptime_run (device, first_failed, start, end_time, missed, last_error, watched_until, pd, hosting)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (device, first_failed) DO UPDATE SET start = excluded.start, end_time = excluded.end_time, missed = excluded.missed,
                last_error = excluded.last_error, watched_until = excluded.watched_until, pd = excluded.pd, hosting = excluded.hosting
            """, [r.device, r.firstFailed, r.start, r.end, r.missedPolls, r.lastError, r.watchedUntil, r.pd, r.hosting?.rawValue])
    }

    static func writeRestart(_ c: PGConnection, _ r: RestartEvent) throws {
        try c.execute("""
            INSERT INTO uptime_restart (device, before, after, time, kind, pd, evidence_json) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (device, before) DO UPDATE SET after = excluded.after, time = excluded.time, kind = excluded.kind, pd = excluded.pd,
                evidence_json = excluded.evidence_json
            """, [r.device, r.before.timeIntervalSince1970, r.after.timeIntervalSince1970, r.time.timeIntervalSince1970,
                  r.kind.rawValue, r.pd, String(decoding: try rollupEncoder.encode(r.evidence), as: UTF8.self)])
    }

    static func writeState(_ c: PGConnection, _ s: UptimeDeviceState) throws {
        try c.execute("""
            INSERT INTO uptime_latest (device, last_time, up, since, last_answered, pd, state_json) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (device) DO UPDATE SET last_time = excluded.last_time, up = excluded.up, since = excluded.since,
                last_answered = excluded.last_answered, pd = excluded.pd, state_json = excluded.state_json
            """, [s.device, s.last.time.timeIntervalSince1970, s.last.reachable, s.since, s.answered?.time.timeIntervalSince1970,
                  s.last.pd, String(decoding: try rollupEncoder.encode(s), as: UTF8.self)])
    }

    static func statusPoll(_ r: PGRow) -> StatusPoll {
        StatusPoll(device: r[0], time: Date(timeIntervalSince1970: r[1]), interval: r[2],
                   pd: r[3], hosting: (r[4] as String?).flatMap(HostingType.init(rawValue:)),
                   reachable: (r[5] as Int64) != 0, sysUpTime: (r[6] as Int64?).map { UInt32(truncatingIfNeeded: $0) },
                   hrSystemUptime: (r[7] as Int64?).map { UInt32(truncatingIfNeeded: $0) },
                   engineBoots: (r[8] as Int64?).map { UInt32(truncatingIfNeeded: $0) },
                   engineTime: (r[9] as Int64?).map { UInt32(truncatingIfNeeded: $0) },
                   duration: r[10], error: r[11])
    }

    /// Builds the rollup of one device (or all, a device at a time) from its raw polls.
    @discardableResult
    static func rebuild(_ c: PGConnection, device: String?, grid: UptimeDayGrid) throws -> Int {
        let devices = try device.map { [$0] } ?? c.fetchAll("SELECT DISTINCT device FROM status_poll ORDER BY device").map { $0[0] as String }
        var total = 0
        for d in devices {
            for table in ["uptime_latest", "uptime_day", "uptime_run", "uptime_run_day", "uptime_restart", "uptime_device_pd"] {
                try c.execute("DELETE FROM \(table) WHERE device = ?", [d])
            }
            var builder = UptimeRollupBuilder(grid: grid)
            var pds: Set<String> = []
            for r in try c.fetchAll("SELECT \(statusPollColumns) FROM status_poll s WHERE s.device = ? ORDER BY s.time, s.id", [d]) {
                let p = statusPoll(r)
                if let pd = p.pd { pds.insert(pd) }
                builder.add(p)
            }
            guard let state = builder.state else { continue }
            for x in builder.days.values {
                try c.execute("""
                    INSERT INTO uptime_day (device, day, monitored, polls, last_time, last_reachable, last_pd, last_hosting)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, [d, x.day, x.monitored, x.polls, x.polls > 0 ? x.lastTime : nil, x.polls > 0 ? x.lastReachable : nil,
                          x.lastPD, x.lastHosting?.rawValue])
            }
            for r in builder.runs.values { try writeRun(c, r) }
            for (k, days) in builder.runDays {
                for (x, s) in days { try c.execute("INSERT INTO uptime_run_day (device, first_failed, day, monitored) VALUES (?, ?, ?, ?)", [d, k, x, s]) }
            }
            for r in builder.restarts { try writeRestart(c, r) }
            for pd in pds { try c.execute("INSERT INTO uptime_device_pd (pd, device) VALUES (?, ?) ON CONFLICT DO NOTHING", [pd, d]) }
            try writeState(c, state)
            total += builder.polls
        }
        return total
    }

    public func rebuildUptimeRollup(device: String?) throws(StoreError) -> Int {
        try write("building the uptime rollup") { c in try Self.rebuild(c, device: device, grid: try Self.rollupGrid(c)) }
    }

    public func pruneStatusPolls(keepDays: Int, now: Date) throws(StoreError) -> Int {
        try write("pruning status polls") { c in
            try c.execute("""
                DELETE FROM status_poll WHERE time < ?
                  AND time < COALESCE((SELECT l.last_answered FROM uptime_latest l WHERE l.device = status_poll.device), -1e300)
                """, [now.timeIntervalSince1970 - Double(keepDays) * 86_400])
        }
    }

    // MARK: Reading

    static func deviceSelection(device: String?, pd: String?) -> (sql: String, args: [any PGArgument]) {
        switch (device, pd) {
        case let (d?, p?): ("SELECT device FROM uptime_device_pd WHERE pd = ? AND device = ?", [p, d])
        case let (d?, nil): ("SELECT CAST(? AS TEXT) COLLATE \"C\" AS device", [d])
        case let (nil, p?): ("SELECT device FROM uptime_device_pd WHERE pd = ?", [p])
        case (nil, nil): ("SELECT device FROM uptime_latest", [])
        }
    }

    public func statusPolls(device: String?, pd: String?, from: Date?, to: Date?) throws(StoreError) -> [StatusPoll] {
        var out: [StatusPoll] = []
        try forEachStatusPoll(device: device, pd: pd, from: from, to: to) { out.append($0) }
        return out
    }

    /// A device at a time (one query each), so memory holds one device's polls.
    public func forEachStatusPoll(device: String?, pd: String?, from: Date?, to: Date?, _ body: (StatusPoll) throws -> Void) throws(StoreError) {
        try read("reading status polls") { c in
            let (devices, args) = Self.deviceSelection(device: device, pd: pd)
            for d in try c.fetchAll("SELECT device FROM (\(devices)) devs ORDER BY device", args).map({ $0[0] as String }) {
                var start = "-1e300", stop = "1e300"
                var a: [any PGArgument] = []
                if let from {
                    start = """
                        COALESCE((SELECT MAX(b.time) FROM status_poll b WHERE b.device = ? AND b.reachable = 1 AND b.time < ?),
                                 (SELECT MIN(b.time) FROM status_poll b WHERE b.device = ?))
                        """
                    a += [d, from.timeIntervalSince1970, d]
                }
                if let to {
                    stop = "COALESCE((SELECT MIN(b.time) FROM status_poll b WHERE b.device = ? AND b.reachable = 1 AND b.time >= ?), 1e300)"
                    a += [d, to.timeIntervalSince1970]
                }
                a.append(d)
                for r in try c.fetchAll("""
                    SELECT \(Self.statusPollColumns) FROM status_poll s
                    WHERE s.time >= \(start) AND s.time <= \(stop) AND s.device = ?
                    ORDER BY s.time, s.id
                    """, a) {
                    try body(Self.statusPoll(r))
                }
            }
        }
    }

    public func forEachStatusPollSinceLastAnswer(device: String?, pd: String?, _ body: (StatusPoll) throws -> Void) throws(StoreError) {
        try read("reading status polls") { c in
            let (devices, args) = Self.deviceSelection(device: device, pd: pd)
            for r in try c.fetchAll("""
                SELECT \(Self.statusPollColumns) FROM (\(devices)) devs JOIN uptime_latest l ON l.device = devs.device
                JOIN status_poll s ON s.device = l.device AND s.time >= COALESCE(l.last_answered, -1e300)
                ORDER BY s.device, s.time, s.id
                """, args) {
                try body(Self.statusPoll(r))
            }
        }
    }

    public func uptimeStates(device: String?, pd: String?) throws(StoreError) -> [UptimeDeviceState] {
        try read("reading the latest status") { c in
            let (devices, args) = Self.deviceSelection(device: device, pd: pd)
            return try c.fetchAll("""
                SELECT l.state_json FROM (\(devices)) devs JOIN uptime_latest l ON l.device = devs.device ORDER BY l.device
                """, args).map { try Self.rollupDecoder.decode(UptimeDeviceState.self, from: Data(($0[0] as String).utf8)) }
        }
    }

    public func uptimeDays(device: String?, pd: String?, from: Date, to: Date) throws(StoreError) -> [String: UptimeDaysSummary] {
        try read("reading the uptime rollup") { c in
            let (devices, args) = Self.deviceSelection(device: device, pd: pd)
            return try Self.readDays(c, devices: devices, args, from: from, to: to)
        }
    }

    /// The days of the devices `devices` (a one-column `device` select) selects.
    static func readDays(_ c: PGConnection, devices: String, _ args: [any PGArgument], from: Date, to: Date) throws -> [String: UptimeDaysSummary] {
        let (f, t) = (from.timeIntervalSince1970, to.timeIntervalSince1970)
        let day = UptimeDayGrid.dayLength
        var out: [String: UptimeDaysSummary] = [:]
        // Rows after `from - 1 day` and before `from` cross `from`; those after `to - 1 day` cross `to`.
        for r in try c.fetchAll("""
            SELECT d.device, d.day, d.monitored, d.polls, d.last_time, d.last_reachable, d.last_pd, d.last_hosting
            FROM (\(devices)) devs JOIN uptime_day d ON d.device = devs.device AND d.day > ? AND d.day < ?
            ORDER BY d.device, d.day
            """, args + [f - day, t]) {
            let dev: String = r[0], d: Double = r[1]
            var s = out[dev] ?? UptimeDaysSummary(device: dev, monitored: 0, last: nil, straddlesStart: false, straddlesEnd: false)
            if d < f { s.straddlesStart = true; out[dev] = s; continue }
            if d + day > t { s.straddlesEnd = true }
            let m: Double = r[2]
            s.monitored += m
            let polls = Int(r[3] as Int64)
            if polls > 0 {
                s.last = UptimeDay(device: dev, day: d, monitored: m, polls: polls, lastTime: r[4], lastReachable: (r[5] as Int64) != 0,
                                   lastPD: r[6], lastHosting: (r[7] as String?).flatMap(HostingType.init(rawValue:)))
            }
            out[dev] = s
        }
        return out
    }

    public func uptimeRuns(device: String?, pd: String?, from: Date, to: Date) throws(StoreError) -> [UptimeRunInPeriod] {
        try read("reading the uptime rollup") { c in
            let (devices, args) = Self.deviceSelection(device: device, pd: pd)
            return try Self.readRuns(c, devices: devices, args, from: from, to: to)
        }
    }

    /// The ended runs of the devices `devices` (a one-column `device` select) selects.
    static func readRuns(_ c: PGConnection, devices: String, _ args: [any PGArgument], from: Date, to: Date) throws -> [UptimeRunInPeriod] {
        let (f, t) = (from.timeIntervalSince1970, to.timeIntervalSince1970)
        return try c.fetchAll("""
            SELECT r.device, r.first_failed, r.start, r.end_time, r.missed, r.last_error, r.watched_until, r.pd, r.hosting,
                   (SELECT COALESCE(SUM(x.monitored), 0) FROM uptime_run_day x
                     WHERE x.device = r.device AND x.first_failed = r.first_failed AND x.day >= ? AND x.day < ?)
            FROM (\(devices)) devs JOIN uptime_run r ON r.device = devs.device
            WHERE r.end_time IS NOT NULL AND r.start < ? AND r.end_time > ?
            ORDER BY r.device, r.first_failed
            """, [f, t] + args + [t, f]).map { r in
            UptimeRunInPeriod(run: UptimeRun(device: r[0], firstFailed: r[1], start: r[2], end: r[3], missedPolls: Int(r[4] as Int64),
                                             lastError: r[5], watchedUntil: r[6], pd: r[7],
                                             hosting: (r[8] as String?).flatMap(HostingType.init(rawValue:))),
                              monitoredInside: r[9])
        }
    }

    public func uptimeRestarts(device: String?, pd: String?, from: Date, to: Date) throws(StoreError) -> [RestartEvent] {
        try read("reading the uptime rollup") { c in
            let (devices, args) = Self.deviceSelection(device: device, pd: pd)
            return try c.fetchAll("""
                SELECT r.device, r.pd, r.kind, r.time, r.after, r.before, r.evidence_json
                FROM (\(devices)) devs JOIN uptime_restart r ON r.device = devs.device WHERE r.time >= ? AND r.time < ?
                ORDER BY r.device, r.time
                """, args + [from.timeIntervalSince1970, to.timeIntervalSince1970]).map { r in
                RestartEvent(device: r[0], pd: r[1], kind: RestartKind(rawValue: r[2]) ?? .reboot, time: Date(timeIntervalSince1970: r[3]),
                             after: Date(timeIntervalSince1970: r[4]), before: Date(timeIntervalSince1970: r[5]),
                             evidence: try Self.rollupDecoder.decode([String].self, from: Data((r[6] as String).utf8)))
            }
        }
    }
}

import Foundation
import GRDB
import InventoryModel
import Storage

extension PantauStore {
    static let statusPollColumns = "s.device, s.time, s.interval, s.pd, s.hosting, s.reachable, s.sys_uptime, s.hr_uptime, s.engine_boots, s.engine_time, s.duration, s.error"

    public func record(status p: StatusPoll) throws(StoreError) {
        do {
            try writer.write { db in
                try db.execute(sql: """
                    INSERT INTO status_poll (device, time, interval, pd, hosting, reachable, sys_uptime, hr_uptime,
                                             engine_boots, engine_time, duration, error)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [p.device, p.time.timeIntervalSince1970, p.interval, p.pd, p.hosting?.rawValue,
                                     p.reachable, p.sysUpTime.map { Int64($0) }, p.hrSystemUptime.map { Int64($0) },
                                     p.engineBoots.map { Int64($0) }, p.engineTime.map { Int64($0) }, p.duration, p.error])
                try Self.rollUp(db, p)
            }
        } catch {
            throw StoreError(path: location, action: "recording a status poll of \(p.device)", underlying: error)
        }
    }

    // MARK: The rollup, kept as polls are recorded

    static let rollupEncoder = JSONEncoder()
    static let rollupDecoder = JSONDecoder()

    /// The grid of rollup days: the active profile's UTC offset, or UTC.
    static func rollupGrid(_ db: Database) throws -> UptimeDayGrid {
        let hours = try Int.fetchOne(db, sql: """
            SELECT json_extract(profile_json, '$.utcOffsetHours') FROM gov_profile_activation ORDER BY id DESC LIMIT 1
            """)
        return UptimeDayGrid(offsetSeconds: (hours ?? 0) * 3600)
    }

    static func rollUp(_ db: Database, _ p: StatusPoll) throws {
        let prior = try String.fetchOne(db, sql: "SELECT state_json FROM uptime_latest WHERE device = ?", arguments: [p.device])
            .map { try rollupDecoder.decode(UptimeDeviceState.self, from: Data($0.utf8)) }
        let grid = try rollupGrid(db)
        guard let c = UptimeRollup.step(prior, p, grid: grid) else {
            // Older than the device's last poll: its rollup is built again from its polls.
            try rebuild(db, device: p.device, grid: grid)
            return
        }
        for (day, s) in c.monitored { try addMonitored(db, p.device, day, s) }
        if let k = c.runKey {
            for (day, s) in c.runMonitored {
                try db.execute(sql: """
                    INSERT INTO uptime_run_day (device, first_failed, day, monitored) VALUES (?, ?, ?, ?)
                    ON CONFLICT(device, first_failed, day) DO UPDATE SET monitored = monitored + excluded.monitored
                    """, arguments: [p.device, k, day, s])
            }
        }
        if let r = c.run { try writeRun(db, r) }
        if let k = c.settleRun {
            try db.execute(sql: """
                INSERT INTO uptime_day (device, day, monitored, polls)
                SELECT device, day, monitored, 0 FROM uptime_run_day WHERE device = ? AND first_failed = ?
                ON CONFLICT(device, day) DO UPDATE SET monitored = monitored + excluded.monitored
                """, arguments: [p.device, k])
        }
        if let r = c.restart { try writeRestart(db, r) }
        try db.execute(sql: """
            INSERT INTO uptime_day (device, day, monitored, polls, last_time, last_reachable, last_pd, last_hosting)
            VALUES (?, ?, 0, 1, ?, ?, ?, ?)
            ON CONFLICT(device, day) DO UPDATE SET polls = polls + 1, last_time = excluded.last_time,
                last_reachable = excluded.last_reachable, last_pd = excluded.last_pd, last_hosting = excluded.last_hosting
            """, arguments: [p.device, c.pollDay, p.time.timeIntervalSince1970, p.reachable, p.pd, p.hosting?.rawValue])
        if let pd = p.pd { try db.execute(sql: "INSERT OR IGNORE INTO uptime_device_pd (pd, device) VALUES (?, ?)", arguments: [pd, p.device]) }
        try writeState(db, c.state)
    }

    static func addMonitored(_ db: Database, _ device: String, _ day: Double, _ s: Double) throws {
        try db.execute(sql: """
            INSERT INTO uptime_day (device, day, monitored, polls) VALUES (?, ?, ?, 0)
            ON CONFLICT(device, day) DO UPDATE SET monitored = monitored + excluded.monitored
            """, arguments: [device, day, s])
    }

    static func writeRun(_ db: Database, _ r: UptimeRun) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO uptime_run (device, first_failed, start, end_time, missed, last_error, watched_until, pd, hosting)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [r.device, r.firstFailed, r.start, r.end, r.missedPolls, r.lastError, r.watchedUntil, r.pd, r.hosting?.rawValue])
    }

    static func writeRestart(_ db: Database, _ r: RestartEvent) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO uptime_restart (device, before, after, time, kind, pd, evidence_json) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [r.device, r.before.timeIntervalSince1970, r.after.timeIntervalSince1970, r.time.timeIntervalSince1970,
                             r.kind.rawValue, r.pd, String(decoding: try rollupEncoder.encode(r.evidence), as: UTF8.self)])
    }

    static func writeState(_ db: Database, _ s: UptimeDeviceState) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO uptime_latest (device, last_time, up, since, last_answered, pd, state_json) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [s.device, s.last.time.timeIntervalSince1970, s.last.reachable, s.since, s.answered?.time.timeIntervalSince1970,
                             s.last.pd, String(decoding: try rollupEncoder.encode(s), as: UTF8.self)])
    }

    /// Builds the rollup of one device (or all) from its raw polls, replacing what was there.
    @discardableResult
    static func rebuild(_ db: Database, device: String?, grid: UptimeDayGrid) throws -> Int {
        let filter = device == nil ? "" : " WHERE device = ?"
        let args: StatementArguments = device.map { [$0] } ?? []
        for table in ["uptime_latest", "uptime_day", "uptime_run", "uptime_run_day", "uptime_restart", "uptime_device_pd"] {
            try db.execute(sql: "DELETE FROM \(table)\(filter)", arguments: args)
        }
        var builder = UptimeRollupBuilder(grid: grid)
        var total = 0
        var pds: Set<String> = []
        func flush() throws {
            guard let state = builder.state else { return }
            let d = state.device
            let day = try db.makeStatement(sql: """
                INSERT INTO uptime_day (device, day, monitored, polls, last_time, last_reachable, last_pd, last_hosting)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for x in builder.days.values {
                try day.execute(arguments: [d, x.day, x.monitored, x.polls, x.polls > 0 ? x.lastTime : nil,
                                            x.polls > 0 ? x.lastReachable : nil, x.lastPD, x.lastHosting?.rawValue])
            }
            for r in builder.runs.values { try writeRun(db, r) }
            let runDay = try db.makeStatement(sql: "INSERT INTO uptime_run_day (device, first_failed, day, monitored) VALUES (?, ?, ?, ?)")
            for (k, days) in builder.runDays { for (x, s) in days { try runDay.execute(arguments: [d, k, x, s]) } }
            for r in builder.restarts { try writeRestart(db, r) }
            for pd in pds { try db.execute(sql: "INSERT OR IGNORE INTO uptime_device_pd (pd, device) VALUES (?, ?)", arguments: [pd, d]) }
            try writeState(db, state)
            total += builder.polls
            builder = UptimeRollupBuilder(grid: grid)
            pds = []
        }
        let cursor = try Row.fetchCursor(db, sql: "SELECT \(statusPollColumns) FROM status_poll s\(filter) ORDER BY s.device, s.time, s.id",
                                         arguments: args)
        while let r = try cursor.next() {
            let p = statusPoll(r)
            if let s = builder.state, s.device != p.device { try flush() }
            if let pd = p.pd { pds.insert(pd) }
            builder.add(p)
        }
        try flush()
        return total
    }

    public func rebuildUptimeRollup(device: String?) throws(StoreError) -> Int {
        do {
            return try writer.write { db in try Self.rebuild(db, device: device, grid: try Self.rollupGrid(db)) }
        } catch {
            throw StoreError(path: location, action: "building the uptime rollup", underlying: error)
        }
    }

    public func pruneStatusPolls(keepDays: Int, now: Date) throws(StoreError) -> Int {
        do {
            return try writer.write { db in
                try db.execute(sql: """
                    DELETE FROM status_poll WHERE time < ?
                      AND time < COALESCE((SELECT l.last_answered FROM uptime_latest l WHERE l.device = status_poll.device), -1e300)
                    """, arguments: [now.timeIntervalSince1970 - Double(keepDays) * 86_400])
                return db.changesCount
            }
        } catch {
            throw StoreError(path: location, action: "pruning status polls", underlying: error)
        }
    }

    // MARK: Reading

    /// By position (the columns listed in `statusPollColumns`): a lookup by name lowercases
    /// the name at every access, a tenth of an audit export's time over millions of polls.
    static func statusPoll(_ r: Row) -> StatusPoll {
        StatusPoll(device: r[0], time: Date(timeIntervalSince1970: r[1]), interval: r[2],
                   pd: r[3], hosting: (r[4] as String?).flatMap(HostingType.init(rawValue:)),
                   reachable: r[5], sysUpTime: (r[6] as Int64?).map { UInt32(truncatingIfNeeded: $0) },
                   hrSystemUptime: (r[7] as Int64?).map { UInt32(truncatingIfNeeded: $0) },
                   engineBoots: (r[8] as Int64?).map { UInt32(truncatingIfNeeded: $0) },
                   engineTime: (r[9] as Int64?).map { UInt32(truncatingIfNeeded: $0) },
                   duration: r[10], error: r[11])
    }

    /// The devices a filter selects, as SQL (a one-column `device` select) and its arguments.
    static func deviceSelection(device: String?, pd: String?) -> (sql: String, args: [any DatabaseValueConvertible]) {
        switch (device, pd) {
        case let (d?, p?): ("SELECT device FROM uptime_device_pd WHERE pd = ? AND device = ?", [p, d])
        case let (d?, nil): ("SELECT ? AS device", [d])
        case let (nil, p?): ("SELECT device FROM uptime_device_pd WHERE pd = ?", [p])
        case (nil, nil): ("SELECT device FROM uptime_latest", [])
        }
    }

    public func statusPolls(device: String?, pd: String?, from: Date?, to: Date?) throws(StoreError) -> [StatusPoll] {
        var out: [StatusPoll] = []
        try forEachStatusPoll(device: device, pd: pd, from: from, to: to) { out.append($0) }
        return out
    }

    public func forEachStatusPoll(device: String?, pd: String?, from: Date?, to: Date?, _ body: (StatusPoll) throws -> Void) throws(StoreError) {
        do {
            try writer.read { db in
                let (devices, deviceArgs) = Self.deviceSelection(device: device, pd: pd)
                var args = deviceArgs
                // Each device's first poll read: its last answered poll before `from`, else its first poll.
                var start = "-1e300"
                if let from {
                    start = """
                        COALESCE((SELECT MAX(b.time) FROM status_poll b WHERE b.device = devs.device AND b.reachable = 1 AND b.time < ?),
                                 (SELECT MIN(b.time) FROM status_poll b WHERE b.device = devs.device))
                        """
                    args.append(from.timeIntervalSince1970)
                }
                // Its last: its first answered poll at or after `to`, else its last poll.
                var stop = "1e300"
                if let to {
                    stop = "COALESCE((SELECT MIN(b.time) FROM status_poll b WHERE b.device = devs.device AND b.reachable = 1 AND b.time >= ?), 1e300)"
                    args.append(to.timeIntervalSince1970)
                }
                let sql = """
                    WITH devs(device) AS (\(devices)),
                         ranges(device, start, stop) AS (SELECT device, \(start), \(stop) FROM devs)
                    SELECT \(Self.statusPollColumns) FROM ranges JOIN status_poll s ON s.device = ranges.device
                        AND s.time >= ranges.start AND s.time <= ranges.stop
                    ORDER BY s.device, s.time, s.id
                    """
                let cursor = try Row.fetchCursor(db, sql: sql, arguments: StatementArguments(args))
                while let r = try cursor.next() { try body(Self.statusPoll(r)) }
            }
        } catch {
            throw StoreError(path: location, action: "reading status polls", underlying: error)
        }
    }

    public func forEachStatusPollSinceLastAnswer(device: String?, pd: String?, _ body: (StatusPoll) throws -> Void) throws(StoreError) {
        do {
            try writer.read { db in
                let (devices, args) = Self.deviceSelection(device: device, pd: pd)
                try Self.forEachTailPoll(db, devices: devices, args, body)
            }
        } catch {
            throw StoreError(path: location, action: "reading status polls", underlying: error)
        }
    }

    /// The polls from the last answered poll on of the devices `devices` (a one-column `device` select) selects.
    /// CROSS JOIN keeps SQLite's join order: each device's tail found by `status_poll_device_time`
    /// (left to itself, with every device selected, it walked every status poll in that index
    /// to spare the ORDER BY's sort: 600,000 rows for 5,000 devices' 6,200 tail polls).
    static func forEachTailPoll(_ db: Database, devices: String, _ args: [any DatabaseValueConvertible], _ body: (StatusPoll) throws -> Void) throws {
        let cursor = try Row.fetchCursor(db, sql: """
            WITH devs(device) AS (\(devices))
            SELECT \(Self.statusPollColumns) FROM devs CROSS JOIN uptime_latest l ON l.device = devs.device
            CROSS JOIN status_poll s ON s.device = l.device AND s.time >= COALESCE(l.last_answered, -1e300)
            ORDER BY s.device, s.time, s.id
            """, arguments: StatementArguments(args))
        while let r = try cursor.next() { try body(Self.statusPoll(r)) }
    }

    public func uptimeStates(device: String?, pd: String?) throws(StoreError) -> [UptimeDeviceState] {
        do {
            return try writer.read { db in
                let (devices, args) = Self.deviceSelection(device: device, pd: pd)
                return try String.fetchAll(db, sql: """
                    WITH devs(device) AS (\(devices))
                    SELECT l.state_json FROM devs JOIN uptime_latest l ON l.device = devs.device ORDER BY l.device
                    """, arguments: StatementArguments(args)).map { try Self.rollupDecoder.decode(UptimeDeviceState.self, from: Data($0.utf8)) }
            }
        } catch {
            throw StoreError(path: location, action: "reading the latest status", underlying: error)
        }
    }

    public func uptimeDays(device: String?, pd: String?, from: Date, to: Date) throws(StoreError) -> [String: UptimeDaysSummary] {
        do {
            return try writer.read { db in
                let (devices, deviceArgs) = Self.deviceSelection(device: device, pd: pd)
                return try Self.readDays(db, devices: devices, deviceArgs, from: from, to: to)
            }
        } catch {
            throw StoreError(path: location, action: "reading the uptime rollup", underlying: error)
        }
    }

    /// The days of the devices `devices` (a one-column `device` select) selects.
    static func readDays(_ db: Database, devices: String, _ deviceArgs: [any DatabaseValueConvertible], from: Date, to: Date) throws
        -> [String: UptimeDaysSummary] {
        let (f, t) = (from.timeIntervalSince1970, to.timeIntervalSince1970)
        let day = UptimeDayGrid.dayLength
        var out: [String: UptimeDaysSummary] = [:]
        // Rows after `from - 1 day` and before `from` cross `from`; those after `to - 1 day` cross `to`.
        // CROSS JOIN: each device's days found by the primary key, never every day of every device scanned.
        let rows = try Row.fetchCursor(db, sql: """
            WITH devs(device) AS (\(devices))
            SELECT d.device, d.day, d.monitored, d.polls, d.last_time, d.last_reachable, d.last_pd, d.last_hosting
            FROM devs CROSS JOIN uptime_day d ON d.device = devs.device AND d.day > ? AND d.day < ?
            ORDER BY d.device, d.day
            """, arguments: StatementArguments(deviceArgs + [f - day, t]))
        while let r = try rows.next() {
            let dev: String = r[0], d: Double = r[1]
            var s = out[dev] ?? UptimeDaysSummary(device: dev, monitored: 0, last: nil, straddlesStart: false, straddlesEnd: false)
            if d < f { s.straddlesStart = true; out[dev] = s; continue }
            if d + day > t { s.straddlesEnd = true }
            s.monitored += r[2]
            let polls: Int = r[3]
            if polls > 0 {
                s.last = UptimeDay(device: dev, day: d, monitored: r[2], polls: polls, lastTime: r[4], lastReachable: r[5],
                                   lastPD: r[6], lastHosting: (r[7] as String?).flatMap(HostingType.init(rawValue:)))
            }
            out[dev] = s
        }
        return out
    }

    public func uptimeRuns(device: String?, pd: String?, from: Date, to: Date) throws(StoreError) -> [UptimeRunInPeriod] {
        do {
            return try writer.read { db in
                let (devices, deviceArgs) = Self.deviceSelection(device: device, pd: pd)
                return try Self.readRuns(db, devices: devices, deviceArgs, from: from, to: to)
            }
        } catch {
            throw StoreError(path: location, action: "reading the uptime rollup", underlying: error)
        }
    }

    /// The ended runs of the devices `devices` (a one-column `device` select) selects.
    static func readRuns(_ db: Database, devices: String, _ deviceArgs: [any DatabaseValueConvertible], from: Date, to: Date) throws
        -> [UptimeRunInPeriod] {
        let (f, t) = (from.timeIntervalSince1970, to.timeIntervalSince1970)
        return try Row.fetchAll(db, sql: """
            WITH devs(device) AS (\(devices))
            SELECT r.device, r.first_failed, r.start, r.end_time, r.missed, r.last_error, r.watched_until, r.pd, r.hosting,
                   (SELECT COALESCE(SUM(x.monitored), 0) FROM uptime_run_day x
                     WHERE x.device = r.device AND x.first_failed = r.first_failed AND x.day >= ? AND x.day < ?)
            FROM devs JOIN uptime_run r ON r.device = devs.device
            WHERE r.end_time IS NOT NULL AND r.start < ? AND r.end_time > ?
            ORDER BY r.device, r.first_failed
            """, arguments: StatementArguments(deviceArgs + [f, t, t, f])).map { r in
            UptimeRunInPeriod(run: UptimeRun(device: r[0], firstFailed: r[1], start: r[2], end: r[3], missedPolls: r[4], lastError: r[5],
                                             watchedUntil: r[6], pd: r[7], hosting: (r[8] as String?).flatMap(HostingType.init(rawValue:))),
                              monitoredInside: r[9])
        }
    }

    public func uptimeRestarts(device: String?, pd: String?, from: Date, to: Date) throws(StoreError) -> [RestartEvent] {
        do {
            return try writer.read { db in
                let (devices, deviceArgs) = Self.deviceSelection(device: device, pd: pd)
                return try Row.fetchAll(db, sql: """
                    WITH devs(device) AS (\(devices))
                    SELECT r.device, r.pd, r.kind, r.time, r.after, r.before, r.evidence_json
                    FROM devs JOIN uptime_restart r ON r.device = devs.device WHERE r.time >= ? AND r.time < ?
                    ORDER BY r.device, r.time
                    """, arguments: StatementArguments(deviceArgs + [from.timeIntervalSince1970, to.timeIntervalSince1970])).map { r in
                    RestartEvent(device: r[0], pd: r[1], kind: RestartKind(rawValue: r[2]) ?? .reboot, time: Date(timeIntervalSince1970: r[3]),
                                 after: Date(timeIntervalSince1970: r[4]), before: Date(timeIntervalSince1970: r[5]),
                                 evidence: try Self.rollupDecoder.decode([String].self, from: Data((r[6] as String).utf8)))
                }
            }
        } catch {
            throw StoreError(path: location, action: "reading the uptime rollup", underlying: error)
        }
    }
}

import Foundation

/// Monthly range partitions of the time-series tables. A row's partition is the UTC calendar
/// month of its time column; partitions are made when a write first needs one (in their own
/// statement, before the write's transaction, so a rolled-back write never leaves the cache
/// believing in a partition that is not there) and dropped whole by retention.
enum PGPartitions {
    /// A partitioned table and the unit of its partition key (seconds).
    struct Parent: Hashable, Sendable {
        let name: String
    }

    static let trafficRaw = Parent(name: "traffic_raw")
    static func trafficBlock(_ resolution: Int) -> Parent { Parent(name: "traffic_block_r\(resolution)") }
    static let statusPoll = Parent(name: "status_poll")
    static let sightingTraffic = Parent(name: "sighting_traffic")
    static let interfaceCounters = Parent(name: "sighting_interface_counters")

    /// Days since 1970-01-01 of a civil date (proleptic Gregorian).
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil year and month of a day count since 1970-01-01.
    static func yearMonth(days z0: Int64) -> (year: Int64, month: Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month)
    }

    /// The UTC month holding `seconds`: its year, month, and bounds [start, end) in seconds.
    static func month(of seconds: Double) -> (year: Int64, month: Int64, start: Int64, end: Int64) {
        let s = Int64(seconds.rounded(.down))
        let d = s >= 0 ? s / 86_400 : (s - 86_399) / 86_400
        let (y, m) = yearMonth(days: d)
        let start = days(year: y, month: m, day: 1) * 86_400
        let end = (m == 12 ? days(year: y + 1, month: 1, day: 1) : days(year: y, month: m + 1, day: 1)) * 86_400
        return (y, m, start, end)
    }

    static func partitionName(_ parent: Parent, year: Int64, month: Int64) -> String {
        let y = year < 0 ? "n\(-year)" : String(format: "%04lld", year)
        return "\(parent.name)_y\(y)m\(String(format: "%02lld", month))"
    }

    /// The month a partition's name stands for, as its bounds in seconds.
    static func bounds(ofPartition name: String, parent: Parent) -> (start: Int64, end: Int64)? {
        let prefix = parent.name + "_y"
        guard name.hasPrefix(prefix) else { return nil }
        let rest = name.dropFirst(prefix.count)
        let parts = rest.split(separator: "m")
        guard parts.count == 2, let m = Int64(parts[1]) else { return nil }
        let y: Int64?
        if parts[0].hasPrefix("n") { y = Int64(parts[0].dropFirst()).map { -$0 } } else { y = Int64(parts[0]) }
        guard let y else { return nil }
        let start = days(year: y, month: m, day: 1) * 86_400
        let end = (m == 12 ? days(year: y + 1, month: 1, day: 1) : days(year: y, month: m + 1, day: 1)) * 86_400
        return (start, end)
    }
}

extension PostgresStore {
    /// Makes sure the partitions of `parent` holding `times` exist.
    func ensurePartitions(_ c: PGConnection, _ parent: PGPartitions.Parent, times: some Sequence<Double>) throws {
        var months: [String: (Int64, Int64)] = [:]
        var lastStart = Int64.min, lastEnd = Int64.min
        for t in times {
            let ti = Int64(t.rounded(.down))
            if ti >= lastStart && ti < lastEnd { continue }
            let m = PGPartitions.month(of: t)
            lastStart = m.start; lastEnd = m.end
            months[PGPartitions.partitionName(parent, year: m.year, month: m.month)] = (m.start, m.end)
        }
        for (name, (start, end)) in months.sorted(by: { $0.key < $1.key }) {
            partitionLock.lock()
            let known = knownPartitions.contains(name)
            partitionLock.unlock()
            if known { continue }
            do {
                try c.executeRaw("CREATE TABLE IF NOT EXISTS \(name) PARTITION OF \(parent.name) FOR VALUES FROM (\(start)) TO (\(end))")
            } catch {
                // Another writer made it at the same moment: fine when it is there now.
                guard try c.fetchValue("SELECT to_regclass(?) IS NOT NULL", [name], as: Bool.self) == true else { throw error }
            }
            partitionLock.lock()
            knownPartitions.insert(name)
            partitionLock.unlock()
        }
    }

    /// The partitions of `parent` by name.
    func partitions(_ c: PGConnection, of parent: PGPartitions.Parent) throws -> [String] {
        try c.fetchAll("""
            SELECT ch.relname AS name FROM pg_inherits i JOIN pg_class ch ON ch.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
            WHERE p.relname = ? AND p.relnamespace = to_regnamespace(current_schema()) ORDER BY ch.relname
            """, [parent.name]).map { $0["name"] }
    }

    /// Deletes the rows of `parent` whose `column` is below `cutoff`: partitions wholly below
    /// it are dropped (their rows counted first), the rest deleted row by row. Returns the
    /// number of rows removed.
    func prune(_ c: PGConnection, _ parent: PGPartitions.Parent, column: String, below cutoff: Double) throws -> Int {
        var n = 0
        for name in try partitions(c, of: parent) {
            guard let b = PGPartitions.bounds(ofPartition: name, parent: parent), Double(b.end) <= cutoff else { continue }
            n += try c.fetchValue("SELECT count(*) FROM \(name)", as: Int.self) ?? 0
            try c.executeRaw("DROP TABLE \(name)")
            partitionLock.lock()
            knownPartitions.remove(name)
            partitionLock.unlock()
        }
        n += try c.execute("DELETE FROM \(parent.name) WHERE \(column) < ?", [cutoff])
        return n
    }
}

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
            }
        } catch {
            throw StoreError(path: location, action: "recording a status poll of \(p.device)", underlying: error)
        }
    }

    public func statusPolls(device: String?, pd: String?, from: Date?, to: Date?) throws(StoreError) -> [StatusPoll] {
        do {
            return try writer.read { db in
                var filters: [String] = []
                var args: [any DatabaseValueConvertible] = []
                let sql: String
                if let from {
                    // Each device's start (its last answered poll before `from`, or `from`) is found
                    // once, then its polls are read by an index range from there.
                    var devices: String
                    if let device {
                        devices = "SELECT ? AS device"
                        args.append(device)
                        if let pd { devices += " WHERE ? IN (SELECT device FROM status_poll WHERE pd = ?)"; args.append(device); args.append(pd) }
                    } else if let pd {
                        devices = "SELECT DISTINCT device FROM status_poll WHERE pd = ?"
                        args.append(pd)
                    } else {
                        devices = "SELECT DISTINCT device FROM status_poll"
                    }
                    args.append(from.timeIntervalSince1970); args.append(from.timeIntervalSince1970)
                    if let to { filters.append("s.time < ?"); args.append(to.timeIntervalSince1970) }
                    sql = """
                        WITH devs(device) AS (\(devices)),
                             starts(device, start) AS (
                                 SELECT device, COALESCE((SELECT MAX(b.time) FROM status_poll b
                                                          WHERE b.device = devs.device AND b.reachable = 1 AND b.time < ?), ?) FROM devs)
                        SELECT \(Self.statusPollColumns) FROM starts JOIN status_poll s ON s.device = starts.device AND s.time >= starts.start
                        \(filters.isEmpty ? "" : "WHERE " + filters.joined(separator: " AND "))
                        ORDER BY s.device, s.time, s.id
                        """
                } else {
                    if let device { filters.append("s.device = ?"); args.append(device) }
                    if let pd { filters.append("s.device IN (SELECT DISTINCT device FROM status_poll WHERE pd = ?)"); args.append(pd) }
                    if let to { filters.append("s.time < ?"); args.append(to.timeIntervalSince1970) }
                    sql = """
                        SELECT \(Self.statusPollColumns) FROM status_poll s \(filters.isEmpty ? "" : "WHERE " + filters.joined(separator: " AND "))
                        ORDER BY s.device, s.time, s.id
                        """
                }
                let rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args))
                // By position (the columns listed in `statusPollColumns`): a lookup by name lowercases
                // the name at every access, a tenth of an audit export's time over millions of polls.
                return rows.map { r in
                    StatusPoll(device: r[0], time: Date(timeIntervalSince1970: r[1]), interval: r[2],
                               pd: r[3], hosting: (r[4] as String?).flatMap(HostingType.init(rawValue:)),
                               reachable: r[5], sysUpTime: (r[6] as Int64?).map { UInt32(truncatingIfNeeded: $0) },
                               hrSystemUptime: (r[7] as Int64?).map { UInt32(truncatingIfNeeded: $0) },
                               engineBoots: (r[8] as Int64?).map { UInt32(truncatingIfNeeded: $0) },
                               engineTime: (r[9] as Int64?).map { UInt32(truncatingIfNeeded: $0) },
                               duration: r[10], error: r[11])
                }
            }
        } catch {
            throw StoreError(path: location, action: "reading status polls", underlying: error)
        }
    }
}

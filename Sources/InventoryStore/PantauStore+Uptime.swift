import Foundation
import GRDB
import InventoryModel
import Storage

extension PantauStore {
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
                        SELECT s.* FROM starts JOIN status_poll s ON s.device = starts.device AND s.time >= starts.start
                        \(filters.isEmpty ? "" : "WHERE " + filters.joined(separator: " AND "))
                        ORDER BY s.device, s.time, s.id
                        """
                } else {
                    if let device { filters.append("s.device = ?"); args.append(device) }
                    if let pd { filters.append("s.device IN (SELECT DISTINCT device FROM status_poll WHERE pd = ?)"); args.append(pd) }
                    if let to { filters.append("s.time < ?"); args.append(to.timeIntervalSince1970) }
                    sql = """
                        SELECT s.* FROM status_poll s \(filters.isEmpty ? "" : "WHERE " + filters.joined(separator: " AND "))
                        ORDER BY s.device, s.time, s.id
                        """
                }
                let rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args))
                return rows.map { r in
                    StatusPoll(device: r["device"], time: Date(timeIntervalSince1970: r["time"]), interval: r["interval"],
                               pd: r["pd"], hosting: (r["hosting"] as String?).flatMap(HostingType.init(rawValue:)),
                               reachable: r["reachable"], sysUpTime: (r["sys_uptime"] as Int64?).map { UInt32(truncatingIfNeeded: $0) },
                               hrSystemUptime: (r["hr_uptime"] as Int64?).map { UInt32(truncatingIfNeeded: $0) },
                               engineBoots: (r["engine_boots"] as Int64?).map { UInt32(truncatingIfNeeded: $0) },
                               engineTime: (r["engine_time"] as Int64?).map { UInt32(truncatingIfNeeded: $0) },
                               duration: r["duration"], error: r["error"])
                }
            }
        } catch {
            throw StoreError(path: location, action: "reading status polls", underlying: error)
        }
    }
}

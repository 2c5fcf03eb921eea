import Foundation
import InventoryModel
import Storage

extension PostgresStore {
    public func record(status p: StatusPoll) throws(StoreError) {
        try write("recording a status poll of \(p.device)", prepare: { c in
            try ensurePartitions(c, PGPartitions.statusPoll, times: [p.time.timeIntervalSince1970])
        }) { c in
            try c.execute("""
                INSERT INTO status_poll (device, time, interval, pd, hosting, reachable, sys_uptime, hr_uptime,
                                         engine_boots, engine_time, duration, error)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [p.device, p.time.timeIntervalSince1970, p.interval, p.pd, p.hosting?.rawValue,
                      p.reachable, p.sysUpTime.map { Int64($0) }, p.hrSystemUptime.map { Int64($0) },
                      p.engineBoots.map { Int64($0) }, p.engineTime.map { Int64($0) }, p.duration, p.error])
        }
    }

    public func statusPolls(device: String?, pd: String?, from: Date?, to: Date?) throws(StoreError) -> [StatusPoll] {
        try read("reading status polls") { c in
            var filters: [String] = []
            var args: [any PGArgument] = []
            if let device { filters.append("s.device = ?"); args.append(device) }
            if let pd { filters.append("s.device IN (SELECT DISTINCT device FROM status_poll WHERE pd = ?)"); args.append(pd) }
            if let from {
                // From each device's last answered poll before `from` (or `from` when it has none).
                filters.append("""
                    s.time >= COALESCE((SELECT MAX(b.time) FROM status_poll b
                                        WHERE b.device = s.device AND b.reachable = 1 AND b.time < ?), ?)
                    """)
                args.append(from.timeIntervalSince1970); args.append(from.timeIntervalSince1970)
            }
            if let to { filters.append("s.time < ?"); args.append(to.timeIntervalSince1970) }
            return try c.fetchAll("""
                SELECT s.* FROM status_poll s \(filters.isEmpty ? "" : "WHERE " + filters.joined(separator: " AND "))
                ORDER BY s.device, s.time, s.id
                """, args).map { r in
                StatusPoll(device: r["device"], time: Date(timeIntervalSince1970: r["time"]), interval: r["interval"],
                           pd: r["pd"], hosting: (r["hosting"] as String?).flatMap(HostingType.init(rawValue:)),
                           reachable: r["reachable"], sysUpTime: (r["sys_uptime"] as Int64?).map { UInt32(truncatingIfNeeded: $0) },
                           hrSystemUptime: (r["hr_uptime"] as Int64?).map { UInt32(truncatingIfNeeded: $0) },
                           engineBoots: (r["engine_boots"] as Int64?).map { UInt32(truncatingIfNeeded: $0) },
                           engineTime: (r["engine_time"] as Int64?).map { UInt32(truncatingIfNeeded: $0) },
                           duration: r["duration"], error: r["error"])
            }
        }
    }
}

import Foundation
import InventoryModel
import Storage

extension PostgresStore {
    /// A list of devices as a one-column `device` select: one JSON array argument, whatever its length.
    static func deviceList(_ devices: [String]?) throws -> (sql: String, args: [any PGArgument]) {
        guard let devices else { return ("SELECT device FROM uptime_latest", []) }
        let json = String(decoding: try JSONEncoder().encode(Set(devices).sorted()), as: UTF8.self)
        return ("SELECT value COLLATE \"C\" AS device FROM jsonb_array_elements_text(CAST(? AS jsonb)) AS value", [json])
    }

    public func uptimeLatest(devices: [String]?) throws(StoreError) -> [UptimeLatestRow] {
        try read("reading the latest status") { c in
            let (list, args) = try Self.deviceList(devices)
            return try c.fetchAll("""
                SELECT l.device, l.pd, l.last_time, l.up, l.since, l.last_answered
                FROM (\(list)) devs JOIN uptime_latest l ON l.device = devs.device ORDER BY l.device
                """, args).map { r in
                UptimeLatestRow(device: r[0], pd: r[1], lastPoll: Date(timeIntervalSince1970: r[2]), up: (r[3] as Int64) != 0,
                                since: Date(timeIntervalSince1970: r[4]), lastAnswered: (r[5] as Double?).map { Date(timeIntervalSince1970: $0) })
            }
        }
    }

    public func uptimeParts(devices: [String]?, from: Date, to: Date) throws(StoreError) -> UptimeRollupParts {
        try read("reading the uptime rollup") { c in
            let (list, args) = try Self.deviceList(devices)
            var parts = UptimeRollupParts()
            parts.days = try Self.readDays(c, devices: list, args, from: from, to: to)
            parts.runs = Dictionary(grouping: try Self.readRuns(c, devices: list, args, from: from, to: to), by: \.run.device)
            for r in try c.fetchAll("""
                SELECT \(Self.statusPollColumns) FROM (\(list)) devs JOIN uptime_latest l ON l.device = devs.device
                JOIN status_poll s ON s.device = l.device AND s.time >= COALESCE(l.last_answered, -1e300)
                ORDER BY s.device, s.time, s.id
                """, args) {
                let p = Self.statusPoll(r)
                parts.tails[p.device, default: []].append(p)
            }
            return parts
        }
    }
}

import Foundation
import GRDB
import InventoryModel
import Storage

extension PantauStore {
    /// A list of devices as a one-column `device` select: one JSON array argument, whatever its length.
    static func deviceList(_ devices: [String]?) throws -> (sql: String, args: [any DatabaseValueConvertible]) {
        guard let devices else { return ("SELECT device FROM uptime_latest", []) }
        let json = String(decoding: try JSONEncoder().encode(Set(devices).sorted()), as: UTF8.self)
        return ("SELECT value AS device FROM json_each(?)", [json])
    }

    public func uptimeLatest(devices: [String]?) throws(StoreError) -> [UptimeLatestRow] {
        do {
            return try writer.read { db in
                let (list, args) = try Self.deviceList(devices)
                var out: [UptimeLatestRow] = []
                // Read column by column: a console reads every device's row every few seconds.
                let statement = try db.makeStatement(sql: """
                    WITH devs(device) AS (\(list))
                    SELECT l.device, l.pd, l.last_time, l.up, l.since, l.last_answered
                    FROM devs JOIN uptime_latest l ON l.device = devs.device ORDER BY l.device
                    """)
                try statement.setArguments(StatementArguments(args))
                try RowStepper.forEachRow(statement) { r in
                    out.append(UptimeLatestRow(device: r.string(0), pd: r.optionalString(1), lastPoll: Date(timeIntervalSince1970: r.double(2)), up: r.bool(3),
                                               since: Date(timeIntervalSince1970: r.double(4)),
                                               lastAnswered: r.optionalDouble(5).map { Date(timeIntervalSince1970: $0) }))
                }
                return out
            }
        } catch {
            throw StoreError(path: location, action: "reading the latest status", underlying: error)
        }
    }

    public func uptimeParts(devices: [String]?, from: Date, to: Date) throws(StoreError) -> UptimeRollupParts {
        do {
            return try writer.read { db in
                let (list, args) = try Self.deviceList(devices)
                var parts = UptimeRollupParts()
                parts.days = try Self.readDays(db, devices: list, args, from: from, to: to)
                parts.runs = Dictionary(grouping: try Self.readRuns(db, devices: list, args, from: from, to: to), by: \.run.device)
                try Self.forEachTailPoll(db, devices: list, args) { parts.tails[$0.device, default: []].append($0) }
                return parts
            }
        } catch {
            throw StoreError(path: location, action: "reading the uptime rollup", underlying: error)
        }
    }
}

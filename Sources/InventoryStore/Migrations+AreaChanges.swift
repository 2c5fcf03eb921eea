import GRDB
import Storage

extension PantauStore {
    /// The tables of each `StoreArea`: a commit inserting, updating or deleting any of their rows raises the area's counter.
    static let areaTables: [(area: StoreArea, tables: [String])] = [
        (.inventory, ["device", "poll_run", "inventory_change"]),
        (.findings, ["finding", "finding_action", "finding_suppression"]),
        (.governance, ["gov_pd", "gov_registry_load", "gov_profile_activation", "gov_submission", "gov_change_report", "gov_change_duty"]),
        (.sightings, ["sighting_host", "sighting_host_address", "sighting_host_name", "sighting_traffic"]),
    ]

    /// Schema for `AreaChangeReading`: `area_change` holds one counter per area, raised by
    /// triggers on the area's tables in the writing transaction (whoever writes).
    static func registerAreaChangeMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v9-area-changes") { db in
            try db.execute(sql: "CREATE TABLE area_change (area TEXT PRIMARY KEY, generation INTEGER NOT NULL) WITHOUT ROWID")
            for (area, tables) in areaTables {
                try db.execute(sql: "INSERT INTO area_change (area, generation) VALUES (?, 0)", arguments: [area.rawValue])
                for table in tables {
                    for op in ["INSERT", "UPDATE", "DELETE"] {
                        try db.execute(sql: """
                            CREATE TRIGGER area_change_\(table)_\(op.lowercased()) AFTER \(op) ON \(table)
                            BEGIN UPDATE area_change SET generation = generation + 1 WHERE area = '\(area.rawValue)'; END
                            """)
                    }
                }
            }
        }
    }

    public func areaGenerations() throws(StoreError) -> [StoreArea: Int64]? {
        do {
            return try writer.read { db in
                var out: [StoreArea: Int64] = [:]
                for r in try Row.fetchAll(db, sql: "SELECT area, generation FROM area_change") {
                    if let a = StoreArea(rawValue: r[0]) { out[a] = r[1] }
                }
                return out.count == StoreArea.allCases.count ? out : nil
            }
        } catch {
            throw StoreError(path: location, action: "reading the change counters", underlying: error)
        }
    }
}

import Storage

extension PGSchema {
    /// The tables of each `StoreArea` (the same as the SQLite store's `areaTables`).
    static let areaTables: [(area: StoreArea, tables: [String])] = [
        (.inventory, ["device", "poll_run", "inventory_change"]),
        (.findings, ["finding", "finding_action", "finding_suppression"]),
        (.governance, ["gov_pd", "gov_registry_load", "gov_profile_activation", "gov_submission", "gov_change_report", "gov_change_duty"]),
        (.sightings, ["sighting_host", "sighting_host_address", "sighting_host_name", "sighting_traffic"]),
    ]

    /// `AreaChangeReading`'s counters (see the SQLite store's `Migrations+AreaChanges.swift`):
    /// here one statement-level trigger per table raises its area's counter in the writing
    /// transaction (the counter's row stays locked until that transaction ends; these areas
    /// are written seldom).
    static let areaChanges = PGMigration(name: "pg3-area-changes", statements: [
        "CREATE TABLE area_change (area \(t) PRIMARY KEY, generation BIGINT NOT NULL)",
        "INSERT INTO area_change (area, generation) VALUES " + areaTables.map { "('\($0.area.rawValue)', 0)" }.joined(separator: ", "),
        """
        CREATE FUNCTION pantau_area_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE area_change SET generation = generation + 1 WHERE area = TG_ARGV[0];
            RETURN NULL;
        END
        $$
        """,
    ] + areaTables.flatMap { area, tables in
        tables.map { table in
            """
            CREATE TRIGGER area_change_\(table) AFTER INSERT OR UPDATE OR DELETE ON \(table)
            FOR EACH STATEMENT EXECUTE FUNCTION pantau_area_changed('\(area.rawValue)')
            """
        }
    })
}

/// Looking after a store as a whole: which backend and schema it has, how many rows each
/// table holds, and its rows as plain values, so that `pantau store copy` can move an
/// installation from one backend to another (SQLite to PostgreSQL) and verify the copy.
/// Every backend has the same tables and columns (`StoreTables`), with its own DDL.
public protocol StoreMaintenance: Sendable {
    /// `sqlite` or `postgresql`.
    var backend: String { get }
    /// The schema: the version this store has, the version this Pantau writes, the migrations applied.
    func schema() throws(StoreError) -> StoreSchema
    /// Rows in each of `StoreTables.all`, by table name.
    func rowCounts() throws(StoreError) -> [String: Int]
    /// Up to `limit` rows of `table` (the given columns, in that order), ordered by the table's
    /// key, starting after `after` (a key's values; from the first row when nil).
    func rows(_ table: StoreTable, columns: [String], after: [StoreValue]?, limit: Int) throws(StoreError) -> [[StoreValue]]
    /// The last row's key in key order, nil when the table is empty.
    func lastKey(_ table: StoreTable) throws(StoreError) -> [StoreValue]?
    /// The table's column names, in the store's order.
    func columns(_ table: StoreTable) throws(StoreError) -> [String]
    /// Inserts rows in one transaction; a row whose key is already there is left as it is
    /// (a copy that is run again never doubles a row). Ids are kept as given, and the store's
    /// id sequences move past them.
    func insert(_ table: StoreTable, columns: [String], rows: [[StoreValue]]) throws(StoreError)
}

/// A column value, in the types every backend stores.
public enum StoreValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

public struct StoreSchema: Sendable, Equatable, Codable {
    /// The version the store has (its number of migrations applied).
    public var version: Int
    /// The version this Pantau writes.
    public var current: Int
    public var applied: [String]
    public init(version: Int, current: Int, applied: [String]) {
        self.version = version; self.current = current; self.applied = applied
    }
}

/// A table every backend has, and the columns that order it (its primary key).
public struct StoreTable: Sendable, Hashable {
    public var name: String
    public var area: String
    public var key: [String]
    public init(_ name: String, area: String, key: [String]) { self.name = name; self.area = area; self.key = key }
}

public enum StoreTables {
    /// Every table, parents before the tables that refer to them.
    public static let all: [StoreTable] = [
        StoreTable("device", area: "inventory", key: ["id"]),
        StoreTable("poll_run", area: "inventory", key: ["id"]),
        StoreTable("inventory_change", area: "inventory", key: ["id"]),
        StoreTable("interface", area: "inventory", key: ["device_id", "if_index"]),
        StoreTable("neighbor", area: "inventory", key: ["device_id", "protocol", "local_port", "remote_chassis", "remote_port"]),
        StoreTable("fdb_entry", area: "inventory", key: ["device_id", "mac", "vlan"]),
        StoreTable("arp_entry", area: "inventory", key: ["device_id", "ip", "mac"]),
        StoreTable("ip_address", area: "inventory", key: ["device_id", "address"]),
        StoreTable("sighting_host", area: "sightings", key: ["mac", "vlan", "capture_point"]),
        StoreTable("sighting_host_address", area: "sightings", key: ["mac", "vlan", "capture_point", "address", "source"]),
        StoreTable("sighting_host_name", area: "sightings", key: ["mac", "vlan", "capture_point", "name", "source"]),
        StoreTable("sighting_neighbour", area: "sightings", key: ["protocol", "mac", "vlan", "capture_point"]),
        StoreTable("sighting_dhcp_server", area: "sightings", key: ["server", "mac", "vlan", "capture_point"]),
        StoreTable("sighting_traffic", area: "sightings", key: ["minute", "scope", "key", "capture_point", "sampling_rate"]),
        StoreTable("sighting_interface_counters", area: "sightings", key: ["agent", "if_index", "sampled_at"]),
        StoreTable("capture_file", area: "sightings", key: ["id"]),
        StoreTable("gov_pd", area: "governance", key: ["code"]),
        StoreTable("gov_registry_load", area: "governance", key: ["id"]),
        StoreTable("gov_profile_activation", area: "governance", key: ["id"]),
        StoreTable("gov_submission", area: "governance", key: ["id"]),
        StoreTable("gov_change_report", area: "governance", key: ["id"]),
        StoreTable("gov_change_duty", area: "governance", key: ["id"]),
        StoreTable("gov_token", area: "access", key: ["id"]),
        StoreTable("gov_audit", area: "access", key: ["id"]),
        StoreTable("traffic_series", area: "traffic", key: ["id"]),
        StoreTable("traffic_raw", area: "traffic", key: ["series_id", "end_time"]),
        StoreTable("traffic_block", area: "traffic", key: ["series_id", "resolution", "start"]),
        StoreTable("status_poll", area: "uptime", key: ["id"]),
        StoreTable("uptime_latest", area: "uptime", key: ["device"]),
        StoreTable("uptime_day", area: "uptime", key: ["device", "day"]),
        StoreTable("uptime_run", area: "uptime", key: ["device", "first_failed"]),
        StoreTable("uptime_run_day", area: "uptime", key: ["device", "first_failed", "day"]),
        StoreTable("uptime_restart", area: "uptime", key: ["device", "before"]),
        StoreTable("uptime_device_pd", area: "uptime", key: ["pd", "device"]),
        StoreTable("finding", area: "findings", key: ["id"]),
        StoreTable("finding_action", area: "findings", key: ["id"]),
        StoreTable("finding_suppression", area: "findings", key: ["id"]),
    ]
}

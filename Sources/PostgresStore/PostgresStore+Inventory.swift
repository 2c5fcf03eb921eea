import Foundation
import InventoryModel
import Storage

extension PostgresStore {
    /// Records one poll in one transaction (see `PantauStore.record(_:)`: the same rows).
    @discardableResult
    public func record(_ poll: PollOutcome) throws(StoreError) -> [InventoryChange] {
        try write("recording poll of \(poll.name)") { c in
            var w = PGInventoryWriter(c: c, poll: poll)
            return try w.write()
        }
    }

    public func devices() throws(StoreError) -> [DeviceSummary] {
        try read("listing devices") { c in
            try c.fetchAll(Self.summarySQL + " ORDER BY d.name").map(Self.summary)
        }
    }

    public func device(_ key: String) throws(StoreError) -> (summary: DeviceSummary, inventory: DeviceInventory?)? {
        try read("reading device \(key)") { c in
            guard let row = try c.fetchOne(Self.summarySQL + """
                 WHERE d.name = ? OR d.agent = ? OR d.sys_name = ? OR d.serial = ?
                 ORDER BY (d.name = ?) DESC, d.name LIMIT 1
                """, [key, key, key, key, key])
            else { return nil }
            let json: String? = try c.fetchValue("SELECT inventory_json FROM device WHERE name = ?", [row["name"] as String])
            let inventory = json.flatMap { try? Self.decoder.decode(DeviceInventory.self, from: Data($0.utf8)) }
            return (Self.summary(row), inventory)
        }
    }

    public func changes(device name: String) throws(StoreError) -> [InventoryChange] {
        try read("reading changes of \(name)") { c in
            try c.fetchAll("""
                SELECT c.at, c.kind, c.subject, c.old_value, c.new_value FROM inventory_change c
                JOIN device d ON d.id = c.device_id WHERE d.name = ? ORDER BY c.at, c.id
                """, [name]).map {
                InventoryChange(at: Date(timeIntervalSince1970: $0["at"]), kind: $0["kind"], subject: $0["subject"],
                                oldValue: $0["old_value"], newValue: $0["new_value"])
            }
        }
    }

    public func sightings(device name: String, of kind: String) throws(StoreError) -> [Sighting] {
        let (table, key): (String, String)
        switch kind {
        case "interface": (table, key) = ("interface", "CAST(if_index AS TEXT) COLLATE \"C\"")
        case "neighbor": (table, key) = ("neighbor", "protocol || ' ' || local_port || ' ' || remote_chassis || ' ' || remote_port")
        case "fdb": (table, key) = ("fdb_entry", "mac || ' vlan ' || vlan")
        case "arp": (table, key) = ("arp_entry", "ip || ' ' || mac")
        case "address": (table, key) = ("ip_address", "address")
        default: throw StoreError(path: location, action: "reading sightings", message: "unknown kind \(kind)")
        }
        return try read("reading sightings of \(name)") { c in
            try c.fetchAll("""
                SELECT \(key) AS k, t.first_seen, t.last_seen, (t.last_seen = d.last_seen) AS current
                FROM \(table) t JOIN device d ON d.id = t.device_id WHERE d.name = ? ORDER BY k
                """, [name]).map {
                Sighting(key: $0["k"], firstSeen: Date(timeIntervalSince1970: $0["first_seen"]),
                         lastSeen: Date(timeIntervalSince1970: $0["last_seen"]), current: ($0["current"] as Bool?) ?? false)
            }
        }
    }

    public func latestInventories() throws(StoreError) -> [(name: String, pd: String?, inventory: DeviceInventory)] {
        try read("reading inventories") { c in
            try c.fetchAll("SELECT name, pd, inventory_json FROM device WHERE inventory_json IS NOT NULL ORDER BY name")
                .compactMap { row in
                    let json: String = row["inventory_json"]
                    guard let inv = try? Self.decoder.decode(DeviceInventory.self, from: Data(json.utf8)) else { return nil }
                    return (row["name"], row["pd"], inv)
                }
        }
    }

    static let summarySQL = """
        SELECT d.*,
          (SELECT COUNT(*) FROM interface i WHERE i.device_id = d.id AND i.last_seen = d.last_seen) AS n_if,
          (SELECT COUNT(*) FROM neighbor n WHERE n.device_id = d.id AND n.last_seen = d.last_seen) AS n_nb,
          (SELECT COUNT(*) FROM fdb_entry f WHERE f.device_id = d.id AND f.last_seen = d.last_seen) AS n_fdb,
          (SELECT COUNT(*) FROM arp_entry a WHERE a.device_id = d.id AND a.last_seen = d.last_seen) AS n_arp
        FROM device d
        """

    static func summary(_ r: PGRow) -> DeviceSummary {
        DeviceSummary(
            name: r["name"], agent: r["agent"], pd: r["pd"], sysName: r["sys_name"], sysObjectID: r["sys_object_id"],
            vendor: r["vendor"], family: r["family"], model: r["model"], serial: r["serial"], version: r["version"],
            firstSeen: (r["first_seen"] as Double?).map(Date.init(timeIntervalSince1970:)),
            lastSeen: (r["last_seen"] as Double?).map(Date.init(timeIntervalSince1970:)),
            lastPollAt: Date(timeIntervalSince1970: r["last_poll_at"]), lastPollOK: r["last_poll_ok"],
            lastError: r["last_error"], interfaces: r["n_if"], neighbors: r["n_nb"], forwardingEntries: r["n_fdb"],
            arpEntries: r["n_arp"])
    }
}

/// Writes one poll inside a transaction (the counterpart of the SQLite store's writer).
struct PGInventoryWriter {
    let c: PGConnection
    let poll: PollOutcome
    var deviceID: Int64 = 0
    var now: Double = 0

    init(c: PGConnection, poll: PollOutcome) {
        self.c = c
        self.poll = poll
    }

    mutating func write() throws -> [InventoryChange] {
        let existing = try c.fetchOne("SELECT id, agent, last_poll_ok, inventory_json FROM device WHERE name = ? FOR UPDATE", [poll.name])
        let previous = existing.map { row in
            InventoryChanges.Previous(
                agent: row["agent"], lastPollOK: row["last_poll_ok"],
                inventory: (row["inventory_json"] as String?).flatMap { try? PostgresStore.decoder.decode(DeviceInventory.self, from: Data($0.utf8)) })
        }
        let changes = InventoryChanges.of(poll, previous: previous)
        now = (try? poll.result.get().polledAt.timeIntervalSince1970) ?? poll.startedAt.timeIntervalSince1970
        if let existing {
            deviceID = existing["id"]
        } else {
            deviceID = try c.fetchValue("INSERT INTO device (name, agent, pd, last_poll_at, last_poll_ok) VALUES (?, ?, ?, ?, 0) RETURNING id",
                                        [poll.name, poll.agent, poll.pd, now]) ?? 0
        }
        switch poll.result {
        case .failure(let failure):
            try c.execute("UPDATE device SET agent = ?, pd = ?, last_poll_at = ?, last_poll_ok = 0, last_error = ? WHERE id = ?",
                          [poll.agent, poll.pd, now, failure.description, deviceID])
            try runRow(ok: false, error: failure.description, warnings: 0)
        case .success(let inv):
            try writeDevice(inv)
            try upsert("interface", inv.interfaces, keyColumns: ["if_index"],
                       valueColumns: ["if_name", "if_descr", "if_alias", "if_type", "speed", "mac", "admin_status", "oper_status"],
                       key: { [$0.ifIndex] },
                       values: { [$0.ifName, $0.ifDescr, $0.ifAlias, $0.ifType, $0.speed.map { Int64(truncatingIfNeeded: min($0, UInt64(Int64.max))) },
                                  $0.mac, $0.adminStatus, $0.operStatus] })
            try upsert("neighbor", inv.neighbors, keyColumns: ["protocol", "local_port", "remote_chassis", "remote_port"],
                       valueColumns: ["local_if_index", "remote_sys_name", "remote_platform", "remote_mgmt_address"],
                       key: { [$0.protocol.rawValue, $0.localPort ?? $0.localIfIndex.map(String.init) ?? "", $0.remoteChassisId ?? "", $0.remotePort ?? ""] },
                       values: { [$0.localIfIndex, $0.remoteSysName, $0.remotePlatform, $0.remoteMgmtAddress] })
            try upsert("fdb_entry", inv.forwarding, keyColumns: ["mac", "vlan"], valueColumns: ["if_index"],
                       key: { [$0.mac, $0.vlan ?? 0] }, values: { [$0.ifIndex] })
            try upsert("arp_entry", inv.arp, keyColumns: ["ip", "mac"], valueColumns: ["if_index"],
                       key: { [$0.ip, $0.mac] }, values: { [$0.ifIndex] })
            try upsert("ip_address", inv.ipAddresses, keyColumns: ["address"], valueColumns: ["prefix_length", "if_index"],
                       key: { [$0.address] }, values: { [$0.prefixLength, $0.ifIndex] })
            try runRow(ok: true, error: inv.warnings.isEmpty ? nil : inv.warnings.joined(separator: "; "), warnings: inv.warnings.count)
        }
        for ch in changes {
            try c.execute("INSERT INTO inventory_change (device_id, at, kind, subject, old_value, new_value) VALUES (?, ?, ?, ?, ?, ?)",
                          [deviceID, ch.at.timeIntervalSince1970, ch.kind, ch.subject, ch.oldValue, ch.newValue])
        }
        return changes
    }

    func runRow(ok: Bool, error: String?, warnings: Int) throws {
        try c.execute("INSERT INTO poll_run (device_id, started_at, duration_ms, ok, error, warnings) VALUES (?, ?, ?, ?, ?, ?)",
                      [deviceID, poll.startedAt.timeIntervalSince1970, Int(poll.duration * 1000), ok, error, warnings])
    }

    func writeDevice(_ inv: DeviceInventory) throws {
        let json = String(decoding: try PostgresStore.encoder.encode(inv), as: UTF8.self)
        try c.execute("""
            UPDATE device SET agent = ?, pd = ?, sys_name = ?, sys_descr = ?, sys_object_id = ?, sys_contact = ?,
              sys_location = ?, vendor = ?, family = ?, model = ?, serial = ?, version = ?, sys_uptime = ?,
              first_seen = COALESCE(first_seen, ?), last_seen = ?, last_poll_at = ?, last_poll_ok = 1, last_error = NULL,
              inventory_json = ?
            WHERE id = ?
            """, [poll.agent, poll.pd, inv.sysName, inv.sysDescr, inv.sysObjectID, inv.sysContact, inv.sysLocation,
                  inv.vendor, inv.family, inv.model, inv.serial, inv.version, inv.sysUpTime.map { Int64($0) },
                  now, now, now, json, deviceID])
    }

    /// Upserts one section's items (the first item of each key), widening first/last seen.
    /// Rows go in multi-row statements (one round trip per 500 rows, not per row).
    func upsert<Item>(_ table: String, _ items: [Item], keyColumns: [String], valueColumns: [String],
                      key: (Item) -> [(any PGArgument)?], values: (Item) -> [(any PGArgument)?]) throws {
        let cols = keyColumns + valueColumns
        let updates = valueColumns.map { "\($0) = excluded.\($0)" } + ["last_seen = excluded.last_seen"]
        var seen = Set<[PGValue]>()
        var rows: [[any PGArgument]] = []
        for item in items {
            let k = key(item)
            guard seen.insert(k.map { $0?.pgValue ?? .null }).inserted else { continue }
            rows.append(([deviceID] + k + values(item) + [now, now]).map { $0 ?? PGValue.null })
        }
        let width = cols.count + 3
        for start in stride(from: 0, to: rows.count, by: 500) {
            let chunk = rows[start..<min(start + 500, rows.count)]
            let tuple = "(" + Array(repeating: "?", count: width).joined(separator: ", ") + ")"
            try c.execute("""
                INSERT INTO \(table) (device_id, \(cols.joined(separator: ", ")), first_seen, last_seen)
                VALUES \(Array(repeating: tuple, count: chunk.count).joined(separator: ", "))
                ON CONFLICT (device_id, \(keyColumns.joined(separator: ", "))) DO UPDATE SET \(updates.joined(separator: ", "))
                """, chunk.flatMap { $0 })
        }
    }
}

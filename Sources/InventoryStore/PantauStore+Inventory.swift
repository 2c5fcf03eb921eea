import Foundation
import GRDB
import InventoryModel

/// The outcome of polling one target once.
public struct PollOutcome: Sendable {
    /// The operator's name for the target (unique in the configuration).
    public var name: String
    public var agent: String
    public var pd: String?
    public var startedAt: Date
    public var duration: Double
    public var result: Result<DeviceInventory, PollFailure>

    public init(name: String, agent: String, pd: String?, startedAt: Date, duration: Double,
                result: Result<DeviceInventory, PollFailure>) {
        self.name = name
        self.agent = agent
        self.pd = pd
        self.startedAt = startedAt
        self.duration = duration
        self.result = result
    }
}

/// Why a poll failed, already phrased for an operator (`agent: action: cause`). Never
/// contains a secret.
public struct PollFailure: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// One row of `pantau inventory list`.
public struct DeviceSummary: Sendable, Codable, Equatable {
    public var name: String
    public var agent: String
    public var pd: String?
    public var sysName: String?
    public var sysObjectID: String?
    public var vendor: String?
    public var family: String?
    public var model: String?
    public var serial: String?
    public var version: String?
    public var firstSeen: Date?
    public var lastSeen: Date?
    public var lastPollAt: Date
    public var lastPollOK: Bool
    public var lastError: String?
    public var interfaces: Int
    public var neighbors: Int
    public var forwardingEntries: Int
    public var arpEntries: Int
}

/// One recorded change: an attribute that changed, or an item that appeared or went away.
public struct InventoryChange: Sendable, Codable, Equatable {
    public var at: Date
    /// `changed`, `added`, `removed`, `unreachable`, `reachable`.
    public var kind: String
    /// What changed, e.g. `serial`, `interface 3 ifAlias`, `neighbor lldp Gi0/1`.
    public var subject: String
    public var oldValue: String?
    public var newValue: String?
}

/// First and last time an item of a device was seen.
public struct Sighting: Sendable, Codable, Equatable {
    public var key: String
    public var firstSeen: Date
    public var lastSeen: Date
    /// Seen in the device's latest successful poll.
    public var current: Bool
}

extension PantauStore {
    /// Records one poll: the device row (created on first sight), a poll-run row, and for a
    /// successful poll every interface, neighbour, forwarding and ARP entry and address,
    /// with first/last-seen times and a change row for each difference from the previous
    /// poll. A failed poll changes nothing already known about the device; it records the
    /// failure. One transaction per poll.
    @discardableResult
    public func record(_ poll: PollOutcome) throws(StoreError) -> [InventoryChange] {
        do {
            return try writer.write { db in
                var w = InventoryWriter(db: db, poll: poll)
                return try w.write()
            }
        } catch {
            throw StoreError(path: "", action: "recording poll of \(poll.name)", underlying: error)
        }
    }

    /// Every device, ordered by name.
    public func devices() throws(StoreError) -> [DeviceSummary] {
        do {
            return try writer.read { db in
                try Row.fetchAll(db, sql: Self.summarySQL + " ORDER BY d.name").map(Self.summary)
            }
        } catch { throw StoreError(path: "", action: "listing devices", underlying: error) }
    }

    /// A device by name, agent, sysName or serial, with its latest inventory.
    public func device(_ key: String) throws(StoreError) -> (summary: DeviceSummary, inventory: DeviceInventory?)? {
        do {
            return try writer.read { db in
                guard let row = try Row.fetchOne(db, sql: Self.summarySQL + """
                     WHERE d.name = ? OR d.agent = ? OR d.sys_name = ? OR d.serial = ?
                     ORDER BY (d.name = ?) DESC, d.name LIMIT 1
                    """, arguments: [key, key, key, key, key])
                else { return nil }
                let json: String? = try String.fetchOne(db, sql: "SELECT inventory_json FROM device WHERE name = ?",
                                                        arguments: [row["name"] as String])
                let inventory = json.flatMap { try? Self.decoder.decode(DeviceInventory.self, from: Data($0.utf8)) }
                return (Self.summary(row), inventory)
            }
        } catch { throw StoreError(path: "", action: "reading device \(key)", underlying: error) }
    }

    /// Changes recorded for a device, oldest first.
    public func changes(device name: String) throws(StoreError) -> [InventoryChange] {
        do {
            return try writer.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT c.at, c.kind, c.subject, c.old_value, c.new_value FROM inventory_change c
                    JOIN device d ON d.id = c.device_id WHERE d.name = ? ORDER BY c.at, c.id
                    """, arguments: [name]).map {
                    InventoryChange(at: Date(timeIntervalSince1970: $0["at"]), kind: $0["kind"], subject: $0["subject"],
                                    oldValue: $0["old_value"], newValue: $0["new_value"])
                }
            }
        } catch { throw StoreError(path: "", action: "reading changes of \(name)", underlying: error) }
    }

    /// First/last-seen history of a device's items of one kind: `interface`, `neighbor`,
    /// `fdb`, `arp`, `address`. Ordered by key.
    public func sightings(device name: String, of kind: String) throws(StoreError) -> [Sighting] {
        let (table, key): (String, String)
        switch kind {
        case "interface": (table, key) = ("interface", "CAST(if_index AS TEXT)")
        case "neighbor": (table, key) = ("neighbor", "protocol || ' ' || local_port || ' ' || remote_chassis || ' ' || remote_port")
        case "fdb": (table, key) = ("fdb_entry", "mac || ' vlan ' || vlan")
        case "arp": (table, key) = ("arp_entry", "ip || ' ' || mac")
        case "address": (table, key) = ("ip_address", "address")
        default: throw StoreError(path: "", action: "reading sightings", message: "unknown kind \(kind)")
        }
        do {
            return try writer.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT \(key) AS k, t.first_seen, t.last_seen, (t.last_seen = d.last_seen) AS current
                    FROM \(table) t JOIN device d ON d.id = t.device_id WHERE d.name = ? ORDER BY k
                    """, arguments: [name]).map {
                    Sighting(key: $0["k"], firstSeen: Date(timeIntervalSince1970: $0["first_seen"]),
                             lastSeen: Date(timeIntervalSince1970: $0["last_seen"]), current: $0["current"])
                }
            }
        } catch { throw StoreError(path: "", action: "reading sightings of \(name)", underlying: error) }
    }

    /// Latest inventory of every device that has one, ordered by device name.
    public func latestInventories() throws(StoreError) -> [(name: String, pd: String?, inventory: DeviceInventory)] {
        do {
            return try writer.read { db in
                try Row.fetchAll(db, sql: "SELECT name, pd, inventory_json FROM device WHERE inventory_json IS NOT NULL ORDER BY name")
                    .compactMap { row in
                        let json: String = row["inventory_json"]
                        guard let inv = try? Self.decoder.decode(DeviceInventory.self, from: Data(json.utf8)) else { return nil }
                        return (row["name"], row["pd"], inv)
                    }
            }
        } catch { throw StoreError(path: "", action: "reading inventories", underlying: error) }
    }

    static let summarySQL = """
        SELECT d.*,
          (SELECT COUNT(*) FROM interface i WHERE i.device_id = d.id AND i.last_seen = d.last_seen) AS n_if,
          (SELECT COUNT(*) FROM neighbor n WHERE n.device_id = d.id AND n.last_seen = d.last_seen) AS n_nb,
          (SELECT COUNT(*) FROM fdb_entry f WHERE f.device_id = d.id AND f.last_seen = d.last_seen) AS n_fdb,
          (SELECT COUNT(*) FROM arp_entry a WHERE a.device_id = d.id AND a.last_seen = d.last_seen) AS n_arp
        FROM device d
        """

    static func summary(_ r: Row) -> DeviceSummary {
        DeviceSummary(
            name: r["name"], agent: r["agent"], pd: r["pd"], sysName: r["sys_name"], sysObjectID: r["sys_object_id"],
            vendor: r["vendor"], family: r["family"], model: r["model"], serial: r["serial"], version: r["version"],
            firstSeen: (r["first_seen"] as Double?).map(Date.init(timeIntervalSince1970:)),
            lastSeen: (r["last_seen"] as Double?).map(Date.init(timeIntervalSince1970:)),
            lastPollAt: Date(timeIntervalSince1970: r["last_poll_at"]), lastPollOK: r["last_poll_ok"],
            lastError: r["last_error"], interfaces: r["n_if"], neighbors: r["n_nb"], forwardingEntries: r["n_fdb"],
            arpEntries: r["n_arp"])
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.dateEncodingStrategy = .iso8601
        return e
    }()

    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }()
}

/// Writes one poll inside a transaction. Loads the device's current items, compares, and
/// upserts, recording a change row for each difference.
private struct InventoryWriter {
    let db: Database
    let poll: PollOutcome
    var changes: [InventoryChange] = []
    var deviceID: Int64 = 0
    /// No successful poll before this one: everything is a baseline, not a change.
    var isFirst = true
    /// The device's `last_seen` before this poll: items with that time were current.
    var previousLastSeen: Double = -1
    var now: Double = 0

    init(db: Database, poll: PollOutcome) {
        self.db = db
        self.poll = poll
    }

    mutating func write() throws -> [InventoryChange] {
        let existing = try Row.fetchOne(db, sql: "SELECT * FROM device WHERE name = ?", arguments: [poll.name])
        now = (try? poll.result.get().polledAt.timeIntervalSince1970) ?? poll.startedAt.timeIntervalSince1970
        if let existing {
            deviceID = existing["id"]
            if existing["agent"] as String != poll.agent {
                change("changed", "agent", existing["agent"], poll.agent)
            }
        } else {
            try db.execute(sql: "INSERT INTO device (name, agent, pd, last_poll_at, last_poll_ok) VALUES (?, ?, ?, ?, 0)",
                           arguments: [poll.name, poll.agent, poll.pd, now])
            deviceID = db.lastInsertedRowID
        }
        let wasOK = existing.map { $0["last_poll_ok"] as Bool } ?? true
        switch poll.result {
        case .failure(let failure):
            try db.execute(sql: "UPDATE device SET agent = ?, pd = ?, last_poll_at = ?, last_poll_ok = 0, last_error = ? WHERE id = ?",
                           arguments: [poll.agent, poll.pd, now, failure.description, deviceID])
            if wasOK && existing != nil { change("unreachable", "device", nil, failure.description) }
            try runRow(ok: false, error: failure.description, warnings: 0)
        case .success(let inv):
            isFirst = (existing?["first_seen"] as Double?) == nil
            previousLastSeen = (existing?["last_seen"] as Double?) ?? -1
            if !wasOK { change("reachable", "device", nil, nil) }
            try writeDevice(inv, existing: existing)
            try writeInterfaces(inv)
            try writeNeighbors(inv)
            try writeFDB(inv)
            try writeARP(inv)
            try writeAddresses(inv)
            try runRow(ok: true, error: inv.warnings.isEmpty ? nil : inv.warnings.joined(separator: "; "), warnings: inv.warnings.count)
        }
        for c in changes {
            try db.execute(sql: "INSERT INTO inventory_change (device_id, at, kind, subject, old_value, new_value) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [deviceID, c.at.timeIntervalSince1970, c.kind, c.subject, c.oldValue, c.newValue])
        }
        return changes
    }

    mutating func change(_ kind: String, _ subject: String, _ old: String?, _ new: String?) {
        changes.append(InventoryChange(at: Date(timeIntervalSince1970: now), kind: kind, subject: subject, oldValue: old, newValue: new))
    }

    func runRow(ok: Bool, error: String?, warnings: Int) throws {
        try db.execute(sql: "INSERT INTO poll_run (device_id, started_at, duration_ms, ok, error, warnings) VALUES (?, ?, ?, ?, ?, ?)",
                       arguments: [deviceID, poll.startedAt.timeIntervalSince1970, Int(poll.duration * 1000), ok, error, warnings])
    }

    mutating func writeDevice(_ inv: DeviceInventory, existing: Row?) throws {
        let fields: [(String, String, String?)] = [
            ("sys_name", "sysName", inv.sysName), ("sys_descr", "sysDescr", inv.sysDescr),
            ("sys_object_id", "sysObjectID", inv.sysObjectID), ("sys_contact", "sysContact", inv.sysContact),
            ("sys_location", "sysLocation", inv.sysLocation), ("vendor", "vendor", inv.vendor), ("family", "family", inv.family),
            ("model", "model", inv.model), ("serial", "serial", inv.serial), ("version", "version", inv.version),
        ]
        if let existing, existing["first_seen"] as Double? != nil {
            for (column, label, value) in fields {
                let old: String? = existing[column]
                if old != value { change("changed", label, old, value) }
            }
        }
        let json = String(decoding: try PantauStore.encoder.encode(inv), as: UTF8.self)
        try db.execute(sql: """
            UPDATE device SET agent = ?, pd = ?, sys_name = ?, sys_descr = ?, sys_object_id = ?, sys_contact = ?,
              sys_location = ?, vendor = ?, family = ?, model = ?, serial = ?, version = ?, sys_uptime = ?,
              first_seen = COALESCE(first_seen, ?), last_seen = ?, last_poll_at = ?, last_poll_ok = 1, last_error = NULL,
              inventory_json = ?
            WHERE id = ?
            """, arguments: [poll.agent, poll.pd, inv.sysName, inv.sysDescr, inv.sysObjectID, inv.sysContact, inv.sysLocation,
                             inv.vendor, inv.family, inv.model, inv.serial, inv.version, inv.sysUpTime.map { Int64($0) },
                             now, now, now, json, deviceID])
    }

    /// Generic upsert of one section: `key` identifies an item, `values` are the attributes
    /// compared for change rows.
    mutating func sync<Item>(
        table: String, label: String, items: [Item], keyColumns: [String], valueColumns: [String],
        key: (Item) -> [(any DatabaseValueConvertible)?], values: (Item) -> [(any DatabaseValueConvertible)?],
        describe: (Item) -> String
    ) throws {
        let cols = keyColumns + valueColumns
        let previous = try Row.fetchAll(db, sql: "SELECT * FROM \(table) WHERE device_id = ? AND last_seen = ?",
                                        arguments: [deviceID, previousLastSeen])
        func text(_ v: DatabaseValue) -> String {
            switch v.storage {
            case .string(let s): s
            case .int64(let i): String(i)
            case .double(let d): String(d)
            case .blob(let b): "<\(b.count) bytes>"
            case .null: ""
            }
        }
        func keyString(_ parts: [DatabaseValue]) -> String { parts.map(text).joined(separator: "|") }
        var before: [String: Row] = [:]
        for r in previous { before[keyString(keyColumns.map { r[$0] as DatabaseValue })] = r }
        var seen = Set<String>()
        for item in items {
            let k = key(item)
            let v = values(item)
            let ks = keyString(k.map { $0?.databaseValue ?? .null })
            guard seen.insert(ks).inserted else { continue }
            if let old = before[ks] {
                for (i, c) in valueColumns.enumerated() {
                    let o: DatabaseValue = old[c]
                    let n = v[i]?.databaseValue ?? .null
                    if o != n { change("changed", "\(label) \(describe(item)) \(c)", o.isNull ? nil : text(o), n.isNull ? nil : text(n)) }
                }
            } else if !isFirst {
                change("added", "\(label) \(describe(item))", nil, nil)
            }
            let placeholders = Array(repeating: "?", count: cols.count + 3).joined(separator: ", ")
            let updates = valueColumns.map { "\($0) = excluded.\($0)" } + ["last_seen = excluded.last_seen"]
            try db.execute(sql: """
                INSERT INTO \(table) (device_id, \(cols.joined(separator: ", ")), first_seen, last_seen) VALUES (\(placeholders))
                ON CONFLICT (device_id, \(keyColumns.joined(separator: ", "))) DO UPDATE SET \(updates.joined(separator: ", "))
                """, arguments: StatementArguments([deviceID] + k + v + [now, now]))
        }
        for (ks, r) in before where !seen.contains(ks) {
            change("removed", "\(label) \(keyColumns.map { text(r[$0]) }.joined(separator: " "))", nil, nil)
        }
    }

    mutating func writeInterfaces(_ inv: DeviceInventory) throws {
        try sync(table: "interface", label: "interface", items: inv.interfaces, keyColumns: ["if_index"],
                 valueColumns: ["if_name", "if_descr", "if_alias", "if_type", "speed", "mac", "admin_status", "oper_status"],
                 key: { [$0.ifIndex] },
                 values: { [$0.ifName, $0.ifDescr, $0.ifAlias, $0.ifType, $0.speed.map { Int64(truncatingIfNeeded: min($0, UInt64(Int64.max))) }, $0.mac, $0.adminStatus, $0.operStatus] },
                 describe: { "\($0.ifIndex)" + ($0.ifName.map { " (\($0))" } ?? "") })
    }

    mutating func writeNeighbors(_ inv: DeviceInventory) throws {
        try sync(table: "neighbor", label: "neighbor", items: inv.neighbors,
                 keyColumns: ["protocol", "local_port", "remote_chassis", "remote_port"],
                 valueColumns: ["local_if_index", "remote_sys_name", "remote_platform", "remote_mgmt_address"],
                 key: { [$0.protocol.rawValue, $0.localPort ?? $0.localIfIndex.map(String.init) ?? "", $0.remoteChassisId ?? "", $0.remotePort ?? ""] },
                 values: { [$0.localIfIndex, $0.remoteSysName, $0.remotePlatform, $0.remoteMgmtAddress] },
                 describe: { "\($0.protocol.rawValue) \($0.localPort ?? "?") → \($0.remoteSysName ?? $0.remoteChassisId ?? "?") \($0.remotePort ?? "")" })
    }

    mutating func writeFDB(_ inv: DeviceInventory) throws {
        try sync(table: "fdb_entry", label: "mac", items: inv.forwarding, keyColumns: ["mac", "vlan"], valueColumns: ["if_index"],
                 key: { [$0.mac, $0.vlan ?? 0] }, values: { [$0.ifIndex] },
                 describe: { "\($0.mac) vlan \($0.vlan ?? 0)" })
    }

    mutating func writeARP(_ inv: DeviceInventory) throws {
        try sync(table: "arp_entry", label: "arp", items: inv.arp, keyColumns: ["ip", "mac"], valueColumns: ["if_index"],
                 key: { [$0.ip, $0.mac] }, values: { [$0.ifIndex] }, describe: { "\($0.ip) \($0.mac)" })
    }

    mutating func writeAddresses(_ inv: DeviceInventory) throws {
        try sync(table: "ip_address", label: "address", items: inv.ipAddresses, keyColumns: ["address"],
                 valueColumns: ["prefix_length", "if_index"],
                 key: { [$0.address] }, values: { [$0.prefixLength, $0.ifIndex] }, describe: { $0.address })
    }
}

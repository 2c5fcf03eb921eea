import Foundation
import Storage

/// The store as a whole, for `pantau store status|migrate|copy` (`StoreMaintenance`).
extension PostgresStore {
    public var backend: String { "postgresql" }

    public func schema() throws(StoreError) -> StoreSchema {
        let applied = try appliedMigrations()
        return StoreSchema(version: applied.count, current: Self.schemaVersion, applied: applied)
    }

    public func rowCounts() throws(StoreError) -> [String: Int] {
        try read("counting rows") { c in
            var out: [String: Int] = [:]
            for t in StoreTables.all { out[t.name] = try c.fetchValue("SELECT count(*) FROM \(Self.quoted(t.name))") ?? 0 }
            return out
        }
    }

    static func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    public func columns(_ table: StoreTable) throws(StoreError) -> [String] {
        try read("reading the columns of \(table.name)") { c in
            try c.fetchAll("""
                SELECT column_name::text AS name FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position
                """, [table.name]).map { $0["name"] }
        }
    }

    static func value(_ v: PGValue) -> StoreValue {
        switch v {
        case .null: .null
        case .int(let i): .integer(i)
        case .double(let d): .real(d)
        case .text(let s): .text(s)
        case .bytes(let b): .blob(b)
        case .bool(let b): .integer(b ? 1 : 0)
        }
    }

    static func value(_ v: StoreValue) -> PGValue {
        switch v {
        case .null: .null
        case .integer(let i): .int(i)
        case .real(let d): .double(d)
        case .text(let s): .text(s)
        case .blob(let b): .bytes(b)
        }
    }

    public func rows(_ table: StoreTable, columns: [String], after: [StoreValue]?, limit: Int) throws(StoreError) -> [[StoreValue]] {
        let cols = columns.map(Self.quoted).joined(separator: ", ")
        let key = table.key.map(Self.quoted).joined(separator: ", ")
        let condition = after == nil ? "" : "WHERE (\(key)) > (\(Array(repeating: "?", count: table.key.count).joined(separator: ", ")))"
        return try read("reading \(table.name)") { c in
            try c.fetchAll("SELECT \(cols) FROM \(Self.quoted(table.name)) \(condition) ORDER BY \(key) LIMIT ?",
                           (after ?? []).map { Self.value($0) as any PGArgument } + [limit]).map { $0.values.map(Self.value) }
        }
    }

    public func lastKey(_ table: StoreTable) throws(StoreError) -> [StoreValue]? {
        let key = table.key.map(Self.quoted)
        return try read("reading \(table.name)") { c in
            try c.fetchOne("SELECT \(key.joined(separator: ", ")) FROM \(Self.quoted(table.name)) ORDER BY "
                           + key.map { $0 + " DESC" }.joined(separator: ", ") + " LIMIT 1").map { $0.values.map(Self.value) }
        }
    }

    /// The partitioned parent a copied row goes through, and its time column (for making partitions).
    private func partitionTimes(_ table: StoreTable, columns: [String], rows: [[StoreValue]]) -> [(PGPartitions.Parent, [Double])] {
        func times(_ column: String, _ filter: ([StoreValue]) -> Bool = { _ in true }) -> [Double] {
            guard let i = columns.firstIndex(of: column) else { return [] }
            return rows.filter(filter).compactMap { r in
                switch r[i] { case .integer(let v): Double(v); case .real(let v): v; default: nil }
            }
        }
        switch table.name {
        case "traffic_raw": return [(PGPartitions.trafficRaw, times("end_time"))]
        case "status_poll": return [(PGPartitions.statusPoll, times("time"))]
        case "sighting_traffic": return [(PGPartitions.sightingTraffic, times("minute"))]
        case "sighting_interface_counters": return [(PGPartitions.interfaceCounters, times("sampled_at"))]
        case "traffic_block":
            guard let ri = columns.firstIndex(of: "resolution") else { return [] }
            return [300, 3600, 86400].map { res in
                (PGPartitions.trafficBlock(res), times("start") { $0[ri] == .integer(Int64(res)) || $0[ri] == .real(Double(res)) })
            }
        default: return []
        }
    }

    public func insert(_ table: StoreTable, columns: [String], rows: [[StoreValue]]) throws(StoreError) {
        guard !rows.isEmpty else { return }
        let head = "INSERT INTO \(Self.quoted(table.name)) (\(columns.map(Self.quoted).joined(separator: ", "))) VALUES"
        try write("copying rows into \(table.name)", prepare: { c in
            for (parent, times) in partitionTimes(table, columns: columns, rows: rows) { try ensurePartitions(c, parent, times: times) }
        }) { c in
            try Self.insertRows(c, head, width: columns.count, "ON CONFLICT DO NOTHING", rows.map { $0.map { Self.value($0) as any PGArgument } })
            // Ids were copied as they are: the next id the store hands out comes after them.
            if table.key == ["id"] {
                let sequence = table.name == "status_poll" ? "'status_poll_id'" : "pg_get_serial_sequence('\(table.name)', 'id')"
                try c.executeRaw("SELECT setval(\(sequence), (SELECT max(id) FROM \(Self.quoted(table.name))))")
            }
        }
    }
}

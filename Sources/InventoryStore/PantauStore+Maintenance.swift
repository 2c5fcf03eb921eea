import Foundation
import GRDB
import Storage

/// The store as a whole, for `pantau store status|migrate|copy` (`StoreMaintenance`).
extension PantauStore {
    public var backend: String { "sqlite" }

    public func schema() throws(StoreError) -> StoreSchema {
        let applied = try appliedMigrations()
        return StoreSchema(version: applied.count, current: Self.schemaVersion, applied: applied)
    }

    public func rowCounts() throws(StoreError) -> [String: Int] {
        do {
            return try writer.read { db in
                var out: [String: Int] = [:]
                for t in StoreTables.all { out[t.name] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(t.name.quotedDatabaseIdentifier)") ?? 0 }
                return out
            }
        } catch { throw StoreError(path: location, action: "counting rows", underlying: error) }
    }

    public func columns(_ table: StoreTable) throws(StoreError) -> [String] {
        do {
            return try writer.read { db in try db.columns(in: table.name).map(\.name) }
        } catch { throw StoreError(path: location, action: "reading the columns of \(table.name)", underlying: error) }
    }

    private static func value(_ v: DatabaseValue) -> StoreValue {
        switch v.storage {
        case .null: .null
        case .int64(let i): .integer(i)
        case .double(let d): .real(d)
        case .string(let s): .text(s)
        case .blob(let b): .blob([UInt8](b))
        }
    }

    private static func value(_ v: StoreValue) -> DatabaseValue {
        switch v {
        case .null: .null
        case .integer(let i): i.databaseValue
        case .real(let d): d.databaseValue
        case .text(let s): s.databaseValue
        case .blob(let b): Data(b).databaseValue
        }
    }

    public func rows(_ table: StoreTable, columns: [String], after: [StoreValue]?, limit: Int) throws(StoreError) -> [[StoreValue]] {
        let cols = columns.map(\.quotedDatabaseIdentifier).joined(separator: ", ")
        let key = table.key.map(\.quotedDatabaseIdentifier).joined(separator: ", ")
        let condition = after == nil ? "" : "WHERE (\(key)) > (\(Array(repeating: "?", count: table.key.count).joined(separator: ", ")))"
        do {
            return try writer.read { db in
                try Row.fetchAll(db, sql: "SELECT \(cols) FROM \(table.name.quotedDatabaseIdentifier) \(condition) ORDER BY \(key) LIMIT ?",
                                 arguments: StatementArguments((after ?? []).map(Self.value) + [limit.databaseValue]))
                    .map { row in (0..<row.count).map { Self.value(row[$0] as DatabaseValue) } }
            }
        } catch { throw StoreError(path: location, action: "reading \(table.name)", underlying: error) }
    }

    public func lastKey(_ table: StoreTable) throws(StoreError) -> [StoreValue]? {
        let key = table.key.map(\.quotedDatabaseIdentifier)
        do {
            return try writer.read { db in
                try Row.fetchOne(db, sql: "SELECT \(key.joined(separator: ", ")) FROM \(table.name.quotedDatabaseIdentifier) ORDER BY "
                                 + key.map { $0 + " DESC" }.joined(separator: ", ") + " LIMIT 1")
                    .map { row in (0..<row.count).map { Self.value(row[$0] as DatabaseValue) } }
            }
        } catch { throw StoreError(path: location, action: "reading \(table.name)", underlying: error) }
    }

    public func insert(_ table: StoreTable, columns: [String], rows: [[StoreValue]]) throws(StoreError) {
        guard !rows.isEmpty else { return }
        let cols = columns.map(\.quotedDatabaseIdentifier).joined(separator: ", ")
        let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        do {
            try writer.write { db in
                let statement = try db.makeStatement(sql: "INSERT INTO \(table.name.quotedDatabaseIdentifier) (\(cols)) VALUES (\(marks)) ON CONFLICT DO NOTHING")
                for r in rows { try statement.execute(arguments: StatementArguments(r.map(Self.value))) }
            }
        } catch { throw StoreError(path: location, action: "copying rows into \(table.name)", underlying: error) }
    }
}

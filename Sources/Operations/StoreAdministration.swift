import Crypto
import Foundation
import Storage

/// `pantau store status|copy`: what a store holds, and moving it to another backend.
public enum StoreAdministration {
    /// A store's backend, location (never a password), schema and rows per table.
    public struct Status: Sendable, Codable, Equatable {
        public var backend: String
        public var location: String
        public var schema: StoreSchema
        public var tables: [TableCount]
        /// The fleet's collectors (a central PostgreSQL store that collectors replay into).
        public var collectors: [CollectorStatus]?
        /// How the connection is protected (a store reached over the network): "TLSv1.3 (sslmode verify-full)".
        public var connection: String?
    }

    public struct TableCount: Sendable, Codable, Equatable {
        public var area: String
        public var table: String
        public var rows: Int
    }

    public static func status(_ store: any PantauStorage) throws(StoreError) -> Status {
        let counts = try store.rowCounts()
        let fleet = try FleetQueries.collectors(store)
        return Status(backend: store.backend, location: store.location, schema: try store.schema(),
                      tables: StoreTables.all.map { TableCount(area: $0.area, table: $0.name, rows: counts[$0.name] ?? 0) },
                      collectors: fleet.isEmpty ? nil : fleet,
                      connection: try (store as? any ConnectionSecurityReading)?.connectionSecurity())
    }

    /// What a copy did, table by table, and how it was verified.
    public struct CopyReport: Sendable, Codable, Equatable {
        public var from: String
        public var to: String
        public var tables: [CopiedTable]
        /// The copy stopped at `maxRows` before it was done; run it again to continue.
        public var stoppedEarly: Bool
        /// Every table has the same rows (counts and checksums) on both sides.
        public var verified: Bool
    }

    public struct CopiedTable: Sendable, Codable, Equatable {
        public var table: String
        /// Rows written by this run (a resumed run writes only what was missing).
        public var copied: Int
        public var sourceRows: Int
        public var targetRows: Int
        /// SHA-256 of the table's rows in key order (values canonical across backends).
        public var sourceChecksum: String
        public var targetChecksum: String
        public var matches: Bool { sourceRows == targetRows && sourceChecksum == targetChecksum }

        enum CodingKeys: String, CodingKey { case table, copied, sourceRows, targetRows, sourceChecksum, targetChecksum, matches }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(table, forKey: .table); try c.encode(copied, forKey: .copied)
            try c.encode(sourceRows, forKey: .sourceRows); try c.encode(targetRows, forKey: .targetRows)
            try c.encode(sourceChecksum, forKey: .sourceChecksum); try c.encode(targetChecksum, forKey: .targetChecksum)
            try c.encode(matches, forKey: .matches)
        }
        public init(table: String, copied: Int, sourceRows: Int, targetRows: Int, sourceChecksum: String, targetChecksum: String) {
            self.table = table; self.copied = copied; self.sourceRows = sourceRows; self.targetRows = targetRows
            self.sourceChecksum = sourceChecksum; self.targetChecksum = targetChecksum
        }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(table: try c.decode(String.self, forKey: .table), copied: try c.decode(Int.self, forKey: .copied),
                      sourceRows: try c.decode(Int.self, forKey: .sourceRows), targetRows: try c.decode(Int.self, forKey: .targetRows),
                      sourceChecksum: try c.decode(String.self, forKey: .sourceChecksum),
                      targetChecksum: try c.decode(String.self, forKey: .targetChecksum))
        }
    }

    /// Copies every table of `source` into `target`, parents first, in key order and in
    /// batches of `batch` rows (each batch one transaction on the target). Resumable: each
    /// table continues after the last key the target already has, and a row already there
    /// is never written twice. Then verifies every table by its row count and checksum on
    /// both sides. `maxRows` stops after about that many rows (a copy in slices).
    public static func copy(from source: any PantauStorage, to target: any PantauStorage, batch: Int = 2_000, maxRows: Int? = nil,
                            progress: (String, Int) -> Void = { _, _ in }) throws -> CopyReport {
        guard source.location != target.location else {
            throw OperationError(.invalid, "the source and the target are the same store (\(source.location))")
        }
        let (s, t) = (try source.schema(), try target.schema())
        guard s.version == s.current, t.version == t.current else {
            throw OperationError(.unavailable, "both stores must have this pantau's schema (version \(s.current)); "
                                 + "run pantau store migrate on \(s.version != s.current ? source.location : target.location) first")
        }
        var copied: [String: Int] = [:]
        var budget = maxRows ?? Int.max
        var stoppedEarly = false
        for table in StoreTables.all {
            let columns = try source.columns(table)
            let targetColumns = try target.columns(table)
            guard Set(columns) == Set(targetColumns) else {
                throw OperationError(.unavailable, "table \(table.name) has other columns in \(target.location) "
                                     + "(\(Set(columns).symmetricDifference(targetColumns).sorted().joined(separator: ", ")))")
            }
            let keyIndex = table.key.map { k in columns.firstIndex(of: k)! }
            var after = try target.lastKey(table)
            var n = 0
            while budget > 0 {
                let rows = try source.rows(table, columns: columns, after: after, limit: min(batch, budget))
                guard let last = rows.last else { break }
                try target.insert(table, columns: columns, rows: rows)
                n += rows.count
                budget -= rows.count
                progress(table.name, n)
                after = keyIndex.map { last[$0] }
                if rows.count < batch { break }
            }
            copied[table.name] = n
            if budget <= 0 { stoppedEarly = true; break }
        }
        var tables: [CopiedTable] = []
        let (sc, tc) = (try source.rowCounts(), try target.rowCounts())
        for table in StoreTables.all {
            let columns = try source.columns(table)
            tables.append(CopiedTable(table: table.name, copied: copied[table.name] ?? 0, sourceRows: sc[table.name] ?? 0,
                                      targetRows: tc[table.name] ?? 0, sourceChecksum: try checksum(source, table, columns: columns),
                                      targetChecksum: try checksum(target, table, columns: columns)))
        }
        return CopyReport(from: source.location, to: target.location, tables: tables, stoppedEarly: stoppedEarly,
                          verified: !stoppedEarly && tables.allSatisfy(\.matches))
    }

    /// SHA-256 (hex) of a table's rows in key order, over values made canonical: a real that
    /// is a whole number counts as that integer (SQLite and PostgreSQL may store either), text
    /// and blobs by their bytes with their length.
    public static func checksum(_ store: any PantauStorage, _ table: StoreTable, columns: [String], batch: Int = 5_000) throws -> String {
        var hash = SHA256()
        let keyIndex = table.key.map { k in columns.firstIndex(of: k) ?? 0 }
        var after: [StoreValue]?
        while true {
            let rows = try store.rows(table, columns: columns, after: after, limit: batch)
            for r in rows {
                var bytes: [UInt8] = []
                for v in r { canonical(v, into: &bytes) }
                bytes.append(0x0A)
                hash.update(data: bytes)
            }
            guard let last = rows.last, rows.count == batch else { break }
            after = keyIndex.map { last[$0] }
        }
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }

    static func canonical(_ v: StoreValue, into out: inout [UInt8]) {
        func int(_ i: Int64) { out.append(UInt8(ascii: "I")); withUnsafeBytes(of: i.littleEndian) { out += $0 } }
        switch v {
        case .null: out.append(UInt8(ascii: "N"))
        case .integer(let i): int(i)
        case .real(let d):
            if d.rounded() == d, abs(d) < 9.0e15 { int(Int64(d)) } else {
                out.append(UInt8(ascii: "R")); withUnsafeBytes(of: d.bitPattern.littleEndian) { out += $0 }
            }
        case .text(let s):
            out.append(UInt8(ascii: "T")); withUnsafeBytes(of: Int64(s.utf8.count).littleEndian) { out += $0 }; out += s.utf8
        case .blob(let b):
            out.append(UInt8(ascii: "B")); withUnsafeBytes(of: Int64(b.count).littleEndian) { out += $0 }; out += b
        }
    }
}

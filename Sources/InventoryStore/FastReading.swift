import GRDB
import GRDBSQLite

/// Reading a select's rows straight from SQLite's columns, for the reads a console repeats
/// every few seconds over thousands of rows (each device's latest status): GRDB's `Row`
/// boxes every value it hands out, which on those reads was most of their cost.
struct ColumnReader {
    let stmt: OpaquePointer

    func isNull(_ i: Int32) -> Bool { sqlite3_column_type(stmt, i) == SQLITE_NULL }

    func text(_ i: Int32) -> String {
        guard let p = sqlite3_column_text(stmt, i) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(stmt, i))), as: UTF8.self)
    }

    func optionalText(_ i: Int32) -> String? { isNull(i) ? nil : text(i) }
    func double(_ i: Int32) -> Double { sqlite3_column_double(stmt, i) }
    func optionalDouble(_ i: Int32) -> Double? { isNull(i) ? nil : double(i) }
    func bool(_ i: Int32) -> Bool { sqlite3_column_int64(stmt, i) != 0 }

    /// Runs `sql` with `arguments`, calling `body` with each row.
    static func forEachRow(_ db: Database, sql: String, arguments: StatementArguments, _ body: (ColumnReader) throws -> Void) throws {
        let statement = try db.makeStatement(sql: sql)
        try statement.setArguments(arguments)
        let stmt = statement.sqliteStatement
        defer { sqlite3_reset(stmt) }
        while true {
            let rc = sqlite3_step(stmt)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(stmt))))
            }
            try body(ColumnReader(stmt: stmt))
        }
    }
}

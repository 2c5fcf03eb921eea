import GRDB
import GRDBSQLite

/// Stepping a prepared SELECT straight through SQLite, for the bulk reads of reconciliation
/// (a regency's 100,000 host sightings and their addresses on every run) and the reads a
/// console repeats every few seconds over thousands of rows (each device's latest status):
/// GRDB's rows box each value, and a text column becomes a String before it is parsed. Here
/// text columns are read as UTF-8 bytes that stay valid only until the next row, or as a
/// String where one is wanted.
struct RowStepper {
    let statement: OpaquePointer

    /// Runs `body` for each row of `statement` (its arguments already set), then resets it.
    /// A failure is a `DatabaseError` with SQLite's code and message.
    static func forEachRow(_ statement: Statement, _ body: (RowStepper) throws -> Void) throws {
        let stmt = statement.sqliteStatement
        defer { sqlite3_reset(stmt) }
        let row = RowStepper(statement: stmt)
        while true {
            let rc = sqlite3_step(stmt)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(stmt))),
                                    sql: statement.sql)
            }
            try body(row)
        }
    }

    func isNull(_ i: Int32) -> Bool { sqlite3_column_type(statement, i) == SQLITE_NULL }
    func int(_ i: Int32) -> Int { Int(sqlite3_column_int64(statement, i)) }
    func double(_ i: Int32) -> Double { sqlite3_column_double(statement, i) }

    /// A text column's UTF-8 bytes (empty for an empty text or NULL).
    func text(_ i: Int32) -> UnsafeBufferPointer<UInt8> {
        guard let p = sqlite3_column_text(statement, i) else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(statement, i)))
    }

    /// The same, nil for NULL.
    func optionalText(_ i: Int32) -> UnsafeBufferPointer<UInt8>? { isNull(i) ? nil : text(i) }

    /// A text column as a String ("" for NULL), and nil for NULL.
    func string(_ i: Int32) -> String { String(decoding: text(i), as: UTF8.self) }
    func optionalString(_ i: Int32) -> String? { isNull(i) ? nil : string(i) }
    func optionalDouble(_ i: Int32) -> Double? { isNull(i) ? nil : double(i) }
    func bool(_ i: Int32) -> Bool { sqlite3_column_int64(statement, i) != 0 }
}

import GRDB
import GRDBSQLite

/// Binding one row's values straight into a prepared statement, for the bulk writes of
/// packet sampling (a window can be tens of thousands of rows). GRDB's `execute(arguments:)`
/// builds an argument array of boxed values per row; on this path that was most of the cost.
/// Values are copied by SQLite (SQLITE_TRANSIENT), so the Swift strings may go right after.
struct RowBinder {
    let statement: Statement
    private var index: Int32 = 0

    init(_ statement: Statement) { self.statement = statement }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    mutating func text(_ value: String?) {
        index += 1
        guard let value else { sqlite3_bind_null(statement.sqliteStatement, index); return }
        var v = value
        v.withUTF8 { buf in
            _ = sqlite3_bind_text(statement.sqliteStatement, index, UnsafeRawPointer(buf.baseAddress)?.assumingMemoryBound(to: CChar.self),
                                  Int32(buf.count), Self.transient)
        }
    }

    mutating func int(_ value: Int64?) {
        index += 1
        if let value { sqlite3_bind_int64(statement.sqliteStatement, index, value) } else { sqlite3_bind_null(statement.sqliteStatement, index) }
    }

    mutating func int(_ value: Int?) { int(value.map(Int64.init)) }

    /// A blob (at least one byte: an empty buffer would bind NULL).
    mutating func blob(_ bytes: UnsafeRawBufferPointer) {
        index += 1
        sqlite3_bind_blob(statement.sqliteStatement, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
    }

    /// A blob SQLite reads where it lies, without a copy of its own (SQLITE_STATIC): `bytes`
    /// must stay valid until `execute()` returns, which unbinds it (NULL) so no later step
    /// can read it.
    mutating func blobInPlace(_ bytes: UnsafeRawBufferPointer) {
        index += 1
        sqlite3_bind_blob(statement.sqliteStatement, index, bytes.baseAddress, Int32(bytes.count), nil)
        inPlace = index
    }
    private var inPlace: Int32 = 0

    mutating func double(_ value: Double) {
        index += 1
        sqlite3_bind_double(statement.sqliteStatement, index, value)
    }

    /// Runs the statement with the values bound (a write: no rows come back), then makes it
    /// ready for the next row. A failure is a `DatabaseError` with SQLite's code and message.
    mutating func execute() throws {
        let stmt = statement.sqliteStatement
        precondition(index == sqlite3_bind_parameter_count(stmt), "bound \(index) of \(sqlite3_bind_parameter_count(stmt)) values")
        index = 0
        let rc = sqlite3_step(stmt)
        sqlite3_reset(stmt)
        if inPlace > 0 { sqlite3_bind_null(stmt, inPlace); inPlace = 0 }
        guard rc == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(stmt))))
        }
    }
}

import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Storage

/// A value read from or bound to PostgreSQL, in the few types Pantau's schema uses.
enum PGValue: Sendable, Hashable {
    case null, int(Int64), double(Double), text(String), bytes([UInt8]), bool(Bool)
}

/// A Swift value that can be bound as a query argument.
protocol PGArgument { var pgValue: PGValue { get } }
extension Int: PGArgument { var pgValue: PGValue { .int(Int64(self)) } }
extension Int64: PGArgument { var pgValue: PGValue { .int(self) } }
extension Double: PGArgument { var pgValue: PGValue { .double(self) } }
extension String: PGArgument { var pgValue: PGValue { .text(self) } }
/// Flags are stored as 0/1 integers, as in the SQLite store.
extension Bool: PGArgument { var pgValue: PGValue { .int(self ? 1 : 0) } }
extension Data: PGArgument { var pgValue: PGValue { .bytes([UInt8](self)) } }
extension Array: PGArgument where Element == UInt8 { var pgValue: PGValue { .bytes(self) } }
extension Optional: PGArgument where Wrapped: PGArgument { var pgValue: PGValue { self?.pgValue ?? .null } }
extension PGValue: PGArgument { var pgValue: PGValue { self } }

/// A Swift value a column can be read as. Like GRDB's row subscripts, reading NULL or a
/// mismatched type into a non-optional is a programming error (the schema guarantees it).
protocol PGColumn { static func from(_ v: PGValue) -> Self? }
extension Int64: PGColumn {
    static func from(_ v: PGValue) -> Int64? {
        switch v {
        case .int(let i): i
        case .double(let d): Int64(exactly: d.rounded(.towardZero))
        case .bool(let b): b ? 1 : 0
        case .text(let s): Int64(s)
        default: nil
        }
    }
}
extension Int: PGColumn { static func from(_ v: PGValue) -> Int? { Int64.from(v).map { Int($0) } } }
extension Double: PGColumn {
    static func from(_ v: PGValue) -> Double? {
        switch v {
        case .double(let d): d
        case .int(let i): Double(i)
        case .text(let s): Double(s)
        default: nil
        }
    }
}
extension String: PGColumn { static func from(_ v: PGValue) -> String? { if case .text(let s) = v { s } else { nil } } }
extension Bool: PGColumn {
    static func from(_ v: PGValue) -> Bool? {
        switch v {
        case .bool(let b): b
        case .int(let i): i != 0
        default: nil
        }
    }
}
extension Data: PGColumn { static func from(_ v: PGValue) -> Data? { if case .bytes(let b) = v { Data(b) } else { nil } } }
extension Array: PGColumn where Element == UInt8 { static func from(_ v: PGValue) -> [UInt8]? { if case .bytes(let b) = v { b } else { nil } } }
extension Optional: PGColumn where Wrapped: PGColumn {
    static func from(_ v: PGValue) -> Wrapped?? {
        if case .null = v { return .some(nil) }
        return Wrapped.from(v).map { .some($0) }
    }
}

/// One result row: columns by name or position.
struct PGRow {
    final class Columns: @unchecked Sendable {
        let names: [String]
        let index: [String: Int]
        init(_ names: [String]) {
            self.names = names
            var index: [String: Int] = [:]
            for (i, n) in names.enumerated() where index[n] == nil { index[n] = i }
            self.index = index
        }
    }
    let columns: Columns
    let values: [PGValue]

    func value(_ name: String) -> PGValue {
        guard let i = columns.index[name] else { fatalError("no column \(name) in \(columns.names)") }
        return values[i]
    }

    subscript<T: PGColumn>(_ name: String) -> T {
        guard let v = T.from(value(name)) else { fatalError("column \(name): cannot read \(value(name)) as \(T.self)") }
        return v
    }

    subscript<T: PGColumn>(_ index: Int) -> T {
        guard let v = T.from(values[index]) else { fatalError("column \(index): cannot read \(values[index]) as \(T.self)") }
        return v
    }
}

/// Where a PostgreSQL store is and how to log in: parsed from `postgres://user@host:port/db`
/// (`postgresql://` too), with libpq's `?sslmode=...&sslrootcert=FILE` if given (`PGTLSSetup`).
/// The password never comes from the URL (it would end up in shell history, configuration
/// files and process lists): it comes from `PGPASSWORD`, or from a password file (`PGPASSFILE`,
/// else `~/.pgpass`, libpq's `host:port:database:user:password` lines), like every PostgreSQL
/// client.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    /// `sslmode` from the URL (nil: `PGSSLMODE`, else `prefer`).
    public var tlsMode: PostgresTLSMode?
    /// `sslrootcert` from the URL: the authorities a `verify-*` mode trusts (nil: `PGSSLROOTCERT`, else the system's).
    public var rootCertificate: String?

    /// The URL without any secret: what `location`, errors and `store status` show.
    public var description: String {
        let query = [tlsMode.map { "sslmode=\($0.rawValue)" }, rootCertificate.map { "sslrootcert=\($0)" }].compactMap { $0 }
        return "postgres://\(user)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)"
            + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }

    /// Whether `text` names a PostgreSQL store (a `postgres://` or `postgresql://` URL).
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses a store URL. Errors name the URL without its password.
    public init(url text: String) throws(StoreError) {
        let rest: Substring
        if text.hasPrefix("postgresql://") { rest = text.dropFirst("postgresql://".count) } else if text.hasPrefix("postgres://") {
            rest = text.dropFirst("postgres://".count)
        } else {
            throw StoreError(path: text, action: "opening the store", message: "not a postgres:// URL", kind: .unusable)
        }
        let halves = rest.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let noQuery = halves[0]
        guard let at = noQuery.lastIndex(of: "@") else {
            throw StoreError(path: "postgres://\(noQuery)", action: "opening the store", message:
                "the URL names no user; write postgres://USER@HOST:PORT/DATABASE", kind: .unusable)
        }
        let userPart = noQuery[..<at]
        let hostPart = noQuery[noQuery.index(after: at)...]
        let slash = hostPart.firstIndex(of: "/")
        let hostPort = slash.map { hostPart[..<$0] } ?? hostPart
        let db = slash.map { String(hostPart[hostPart.index(after: $0)...]) } ?? ""
        var host = String(hostPort), port = 5432
        if hostPort.hasPrefix("["), let close = hostPort.firstIndex(of: "]") {
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let after = hostPort[hostPort.index(after: close)...]
            if after.hasPrefix(":") { port = Int(after.dropFirst()) ?? -1 }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = String(hostPort[..<colon])
            port = Int(hostPort[hostPort.index(after: colon)...]) ?? -1
        }
        let user = String(userPart.split(separator: ":", maxSplits: 1)[0]).removingPercentEncoding ?? String(userPart)
        let shown = "postgres://\(user)@\(hostPort)/\(db)"
        if userPart.contains(":") {
            throw StoreError(path: shown, action: "opening the store", message:
                "the URL holds a password; remove it and give the password in PGPASSWORD or a password file (PGPASSFILE or ~/.pgpass)",
                kind: .unusable)
        }
        guard !user.isEmpty, !host.isEmpty, !db.isEmpty, (1...65535).contains(port) else {
            throw StoreError(path: shown, action: "opening the store", message:
                "write the store as postgres://USER@HOST:PORT/DATABASE (a user, a host, a port from 1 to 65535 and a database)",
                kind: .unusable)
        }
        self.host = host; self.port = port; self.user = user; self.database = db.removingPercentEncoding ?? db
        for pair in halves.count > 1 ? halves[1].split(separator: "&") : [] {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(kv[0]), value = kv.count > 1 ? (String(kv[1]).removingPercentEncoding ?? String(kv[1])) : ""
            switch key {
            case "sslmode":
                guard let m = PostgresTLSMode(rawValue: value) else {
                    throw StoreError(path: shown, action: "opening the store", message:
                        "sslmode=\(value) is not one of \(PostgresTLSMode.allCases.map(\.rawValue).joined(separator: ", "))", kind: .unusable)
                }
                tlsMode = m
            case "sslrootcert" where !value.isEmpty:
                rootCertificate = value
            default:
                throw StoreError(path: shown, action: "opening the store", message:
                    "the URL's parameter \(key.isEmpty ? String(pair) : key) is not one Pantau reads (it reads sslmode and sslrootcert)",
                    kind: .unusable)
            }
        }
    }

    /// The password: `PGPASSWORD`, else the first matching line of the password file.
    func password(environment: [String: String]) -> String? {
        if let p = environment["PGPASSWORD"] { return p }
        let file = environment["PGPASSFILE"] ?? environment["HOME"].map { $0 + "/.pgpass" }
        guard let file, let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            // Fields are separated by ':'; '\:' and '\\' escape.
            var fields: [String] = [], field = "", escaped = false
            for c in line {
                if escaped { field.append(c); escaped = false } else if c == "\\" { escaped = true } else if c == ":" {
                    fields.append(field); field = ""
                } else { field.append(c) }
            }
            fields.append(field)
            guard fields.count == 5 else { continue }
            func matches(_ f: String, _ v: String) -> Bool { f == "*" || f == v }
            if matches(fields[0], host), matches(fields[1], String(port)), matches(fields[2], database), matches(fields[3], user) {
                return fields[4]
            }
        }
        return nil
    }
}

/// A small pool of PostgreSQL connections used from synchronous code.
///
/// The storage protocols are synchronous (`throws(StoreError)`), like the SQLite store they
/// share with every front end. Each call here runs postgres-nio's EventLoopFuture API on the
/// pool's own event-loop thread and blocks the calling thread on `wait()` until the result is
/// in. The calling thread is never one of those event-loop threads (they belong to this pool
/// and run only postgres-nio's I/O), so a blocked caller can never stall the I/O it waits for.
final class PGPool: @unchecked Sendable {
    let location: PostgresLocation
    private let group: MultiThreadedEventLoopGroup
    private let logger: Logger
    private let lock = NSLock()
    private var idle: [PostgresConnection] = []
    private let slots: DispatchSemaphore
    private var nextID = 0
    private var closed = false

    /// Sessions refuse writes at the server too (a read-only store).
    let readOnly: Bool
    private let password: String?
    /// How connections use TLS.
    let tls: PGTLSSetup

    /// Seconds to wait for the server to accept a connection.
    static let connectTimeout = 10
    /// Seconds that sent data may stay unacknowledged, or an idle connection unanswered, before
    /// the connection counts as dead (TCP_USER_TIMEOUT; keepalive probes after 15 s idle, every
    /// 5 s). A WAN link that drops packets rather than refusing them (the usual way a remote
    /// site's link fails) would otherwise hold a statement for the kernel's retransmission
    /// limit, about 15 minutes, while a collector's spool waits behind it. A slow server still
    /// acknowledges what it is sent, so a long query is not cut short by this.
    static let deadLinkSeconds = 30

    init(_ location: PostgresLocation, password: String?, tls: PGTLSSetup, readOnly: Bool = false, size: Int = 4) {
        self.location = location
        self.readOnly = readOnly
        self.password = password
        self.tls = tls
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var l = Logger(label: "pantau.postgres")
        l.logLevel = .critical
        logger = l
        slots = DispatchSemaphore(value: size)
    }

    /// A read-only pool of one connection to the same server and database (a read snapshot
    /// pins its transaction to that connection: every read of the snapshot goes through it).
    func single() -> PGPool { PGPool(location, password: password, tls: tls, readOnly: true, size: 1) }

    deinit { shutdown() }

    func shutdown() {
        lock.lock()
        let conns = idle
        idle = []
        let wasClosed = closed
        closed = true
        lock.unlock()
        guard !wasClosed else { return }
        for c in conns { try? c.close().wait() }
        try? group.syncShutdownGracefully()
    }

    /// Runs `body` with a connection of the pool (a new one when none is idle).
    func withConnection<T>(_ body: (PGConnection) throws -> T) throws -> T {
        slots.wait()
        defer { slots.signal() }
        lock.lock()
        // A connection the server closed while it was idle (a restart) is dropped, not reused.
        var reused = idle.popLast()
        while let r = reused, r.isClosed { reused = idle.popLast() }
        nextID += 1
        let id = nextID
        lock.unlock()
        let conn: PostgresConnection
        if let reused { conn = reused } else {
            conn = try connect(id: id)
            if readOnly {
                do { try PGConnection(conn, logger: logger).executeRaw("SET default_transaction_read_only = on") } catch {
                    try? conn.close().wait()
                    throw error
                }
            }
        }
        let wrapped = PGConnection(conn, logger: logger)
        do {
            let result = try body(wrapped)
            release(conn)
            return result
        } catch {
            release(conn)
            throw error
        }
    }

    /// A new connection over a TCP socket that notices a dead link (`deadLinkSeconds`).
    private func connect(id: Int) throws -> PostgresConnection {
        let tcp = { (name: Int32) in ChannelOptions.Types.SocketOption(level: .init(IPPROTO_TCP), name: .init(name)) }
        let channel = try ClientBootstrap(group: group)
            .connectTimeout(.seconds(Int64(Self.connectTimeout)))
            .channelOption(ChannelOptions.socketOption(.so_keepalive), value: 1)
            .channelOption(tcp(TCP_KEEPIDLE), value: 15)
            .channelOption(tcp(TCP_KEEPINTVL), value: 5)
            .channelOption(tcp(TCP_KEEPCNT), value: 3)
            .channelOption(tcp(TCP_USER_TIMEOUT), value: .init(Self.deadLinkSeconds * 1000))
            .channelOption(tcp(TCP_NODELAY), value: 1)
            .connect(host: location.host, port: location.port).wait()
        do {
            var c = PostgresConnection.Configuration(establishedChannel: channel, tls: tls.tls, username: location.user, password: password,
                                                     database: location.database)
            c.options.tlsServerName = tls.serverName
            return try PostgresConnection.connect(on: channel.eventLoop, configuration: c, id: id, logger: logger).wait()
        } catch {
            try? channel.close().wait()
            throw error
        }
    }

    private func release(_ conn: PostgresConnection) {
        if conn.isClosed { return }
        lock.lock()
        if closed { lock.unlock(); try? conn.close().wait(); return }
        idle.append(conn)
        lock.unlock()
    }
}

/// One connection, with queries written with `?` placeholders (as in the SQLite store).
struct PGConnection {
    let connection: PostgresConnection
    let logger: Logger
    init(_ c: PostgresConnection, logger: Logger) { connection = c; self.logger = logger }

    /// Rewrites `?` placeholders (outside quotes) to PostgreSQL's `$1`, `$2`, ...
    static func numbered(_ sql: String) -> String {
        var out = "", n = 0, quoted = false
        out.reserveCapacity(sql.utf8.count + 16)
        for c in sql {
            if c == "'" { quoted.toggle() }
            if c == "?" && !quoted { n += 1; out += "$\(n)" } else { out.append(c) }
        }
        return out
    }

    static func bindings(_ args: [any PGArgument]) -> PostgresBindings {
        var b = PostgresBindings(capacity: args.count)
        for a in args {
            switch a.pgValue {
            case .null: b.appendNull()
            case .int(let i): b.append(i)
            case .double(let d): b.append(d)
            case .text(let s): b.append(s)
            case .bytes(let bytes): b.append(ByteBuffer(bytes: bytes))
            case .bool(let v): b.append(v)
            }
        }
        return b
    }

    static func value(_ cell: PostgresCell) throws -> PGValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8, .oid: return .int(try cell.decode(Int64.self))
        case .float4, .float8: return .double(try cell.decode(Double.self))
        case .bool: return .bool(try cell.decode(Bool.self))
        case .bytea:
            let buf = try cell.decode(ByteBuffer.self)
            return .bytes(buf.getBytes(at: buf.readerIndex, length: buf.readableBytes) ?? [])
        case .numeric:
            let s = try cell.decode(String.self)
            if let i = Int64(s) { return .int(i) }
            return .double(Double(s) ?? .nan)
        default: return .text(try cell.decode(String.self))
        }
    }

    /// Runs a statement; returns the number of rows it changed (or returned).
    @discardableResult
    func execute(_ sql: String, _ args: [any PGArgument] = []) throws -> Int {
        let q = PostgresQuery(unsafeSQL: Self.numbered(sql), binds: Self.bindings(args))
        let result = try connection.query(q, logger: logger).wait()
        return result.metadata.rows ?? 0
    }

    /// Runs a statement as written (no placeholders), e.g. DDL with `?` in its text.
    func executeRaw(_ sql: String) throws {
        _ = try connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).wait()
    }

    func fetchAll(_ sql: String, _ args: [any PGArgument] = []) throws -> [PGRow] {
        let q = PostgresQuery(unsafeSQL: Self.numbered(sql), binds: Self.bindings(args))
        let result = try connection.query(q, logger: logger).wait()
        var columns: PGRow.Columns?
        var rows: [PGRow] = []
        for row in result.rows {
            var values: [PGValue] = []
            var names: [String] = []
            for cell in row {
                values.append(try Self.value(cell))
                if columns == nil { names.append(cell.columnName) }
            }
            if columns == nil { columns = PGRow.Columns(names) }
            rows.append(PGRow(columns: columns!, values: values))
        }
        return rows
    }

    func fetchOne(_ sql: String, _ args: [any PGArgument] = []) throws -> PGRow? { try fetchAll(sql, args).first }

    func fetchValue<T: PGColumn>(_ sql: String, _ args: [any PGArgument] = [], as: T.Type = T.self) throws -> T? {
        guard let row = try fetchOne(sql, args), let v = row.values.first else { return nil }
        if case .null = v { return nil }
        return T.from(v)
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try executeRaw("BEGIN")
        do {
            let r = try body()
            try executeRaw("COMMIT")
            return r
        } catch {
            try? executeRaw("ROLLBACK")
            throw error
        }
    }
}

extension StoreError {
    /// The gist of a connection failure's description (NIO's are long and nested).
    static func cause(_ text: String) -> String {
        let known = [("Connection refused", "connection refused: is the server running, and on that port?"),
                     ("CERTIFICATE_VERIFY_FAILED", "the server's TLS certificate is not trusted (sslrootcert, or the system's authorities)"),
                     ("unable to get local issuer", "the server's TLS certificate is not trusted (sslrootcert, or the system's authorities)"),
                     ("self-signed certificate", "the server's TLS certificate is not trusted (sslrootcert, or the system's authorities)"),
                     ("Hostname mismatch", "the server's TLS certificate does not name the URL's host"),
                     ("handshakeFailed", "the TLS handshake failed"),
                     ("timed out", "timed out"), ("Timeout", "timed out"), ("No route to host", "no route to host"),
                     ("Network is unreachable", "network unreachable"), ("resolve", "the host name does not resolve"),
                     ("NXDOMAIN", "the host name does not resolve"), ("UnknownHost", "the host name does not resolve")]
        return known.first { text.contains($0.0) }?.1 ?? text
    }

    /// Wraps a PostgreSQL or connection error: the server's SQLSTATE and message, or the
    /// connection failure's cause; never the query or its arguments.
    init(postgres location: String, action: String, underlying: any Error, kind: Kind = .operation) {
        var kind = kind
        let message: String
        if let e = underlying as? StoreError {
            message = e.message
            if e.kind == .unusable { kind = .unusable }
        } else if let e = underlying as? PSQLError {
            if let info = e.serverInfo {
                let state = info[.sqlState] ?? "?"
                message = "PostgreSQL error \(state): \(info[.message] ?? "unknown")"
                // Authentication (28xxx), a missing database (3D000) or no permission to connect: the store cannot be used.
                if state.hasPrefix("28") || state == "3D000" || state == "42501" && action.hasPrefix("opening") { kind = .unusable }
            } else {
                switch e.code {
                case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
                    message = "cannot reach the PostgreSQL server (\(Self.cause(e.underlying.map { "\($0)" } ?? "\(e.code)")))"
                case .sslUnsupported:
                    message = "the server does not offer TLS, and the store's sslmode asks for it; turn ssl on at the server, or use sslmode=prefer"
                    kind = .unusable
                case .failedToAddSSLHandler:
                    message = "cannot start TLS with the server (\(e.underlying.map { "\($0)" } ?? "no detail"))"
                    kind = .unusable
                case .authMechanismRequiresPassword:
                    message = "the server asks for a password; set PGPASSWORD or a password file (PGPASSFILE or ~/.pgpass)"
                    kind = .unusable
                default:
                    message = "PostgreSQL client error \(e.code)" + (e.underlying.map { " (\($0))" } ?? "")
                }
            }
        } else if underlying is ChannelError || underlying is IOError || "\(type(of: underlying))".contains("Connect") {
            message = "cannot reach the PostgreSQL server (\(Self.cause("\(underlying)")))"
            kind = .unusable
        } else {
            message = "\(underlying)"
        }
        self.init(path: location, action: action, message: message, kind: kind)
    }
}

import Foundation
import Logging
import SNMPCore
import Synchronization
internal import CNetSNMP

/// The Net-SNMP-backed SNMP engine.
///
/// One dedicated thread runs every Net-SNMP call for every session: it opens sessions,
/// sends asynchronous requests and multiplexes all session sockets in a single `select`.
/// Callers `await` replies; no thread is blocked per agent and Swift's cooperative pool is
/// never blocked, so hundreds of agents can be polled at once from one process.
///
/// Why one thread: Debian's libnetsnmp is built without `--enable-reentrant`, so its
/// shared state (USM user list, engine-ID cache, request ids) must not be touched from two
/// threads at once. The single-session API is used throughout; the loop thread is the only
/// thread that ever holds a session pointer.
public final class NetSNMPEngine: Sendable {
    /// The process-wide engine. Starting it initialises the library once.
    public static let shared = NetSNMPEngine()

    let loop: EventLoop
    /// SNMPv3 sessions whose user names clash with other keys wait here (see `USMLeases`).
    let leases = USMLeases()

    init() {
        loop = EventLoop(leases: leases)
        loop.start()
    }

    /// Opens a session to `target`. Fails fast on invalid credentials or an unresolvable
    /// host. Network trouble shows up as a timeout: on the first request, or for SNMPv3 here,
    /// when the agent's engine ID is not known yet and its discovery gets no answer (the
    /// discovery waits beside every other request; it never holds up other agents).
    public func client(
        target: SNMPTarget, credentials: SNMPCredentials, options: SNMPOptions = SNMPOptions()
    ) async throws(SNMPError) -> NetSNMPClient {
        if case .usm(let usm) = credentials, let problem = usm.problems.first {
            throw SNMPError(.invalidConfiguration, agent: target.description, action: "opening session", detail: problem)
        }
        var usm: USMCredentials?
        if case .usm(let u) = credentials {
            usm = u
            await leases.acquire(u)
        }
        let config = SessionConfig(target: target, credentials: credentials, options: options)
        let result: Result<Int, SNMPError> = await withCheckedContinuation { cont in
            loop.submit(.open(config, cont))
        }
        let id: Int
        do { id = try result.get() } catch {
            if let usm { leases.release(usm) }
            throw error
        }
        return NetSNMPClient(engine: self, sessionID: id, target: target, version: credentials.version, options: options, usm: usm)
    }

    /// Number of sessions currently open (for tests and diagnostics).
    public var openSessionCount: Int {
        get async { await withCheckedContinuation { cont in loop.submit(.count(cont)) } }
    }

    /// SNMPv3 engine-ID discoveries started so far (for tests and diagnostics): one per agent
    /// while it answers, since each engine ID is kept for later sessions.
    public var engineIDDiscoveries: Int {
        get async { await withCheckedContinuation { cont in loop.submit(.discoveryCount(cont)) } }
    }
}

/// A session to one agent. Safe to share between tasks; requests from several tasks are
/// multiplexed on the same session.
public final class NetSNMPClient: SNMPClient {
    let engine: NetSNMPEngine
    let sessionID: Int
    public let target: SNMPTarget
    public let version: SNMPVersion
    public let options: SNMPOptions
    private let closed = Mutex(false)

    /// The SNMPv3 credentials whose lease this session holds until it closes.
    let usm: USMCredentials?

    init(engine: NetSNMPEngine, sessionID: Int, target: SNMPTarget, version: SNMPVersion, options: SNMPOptions, usm: USMCredentials?) {
        self.engine = engine
        self.sessionID = sessionID
        self.target = target
        self.version = version
        self.options = options
        self.usm = usm
    }

    deinit {
        if !closed.withLock({ $0 }) {
            // The loop closes the session and releases its lease.
            engine.loop.submit(.close(sessionID, usm, nil))
        }
    }

    public var agentDescription: String { target.description }

    public func get(_ oids: [OID]) async throws(SNMPError) -> [VarBind] {
        try await send(.get, oids, action: "GET \(Self.summary(oids))")
    }

    public func getNext(_ oids: [OID]) async throws(SNMPError) -> [VarBind] {
        try await send(.getNext, oids, action: "GETNEXT \(Self.summary(oids))")
    }

    public func getBulk(_ oids: [OID], nonRepeaters: Int, maxRepetitions: Int) async throws(SNMPError) -> [VarBind] {
        guard version != .v1 else {
            throw SNMPError(.invalidConfiguration, agent: agentDescription, action: "GETBULK", detail: "GETBULK does not exist in SNMPv1")
        }
        return try await send(.getBulk(nonRepeaters: nonRepeaters, maxRepetitions: maxRepetitions), oids,
                              action: "GETBULK \(Self.summary(oids))")
    }

    public func close() async {
        let wasClosed = closed.withLock { c in
            defer { c = true }
            return c
        }
        if wasClosed { return }
        await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
            engine.loop.submit(.close(sessionID, usm, { cont.resume() }))
        }
    }

    private func send(_ kind: RequestKind, _ oids: [OID], action: String) async throws(SNMPError) -> [VarBind] {
        if closed.withLock({ $0 }) {
            throw SNMPError(.send, agent: agentDescription, action: action, detail: "session is closed")
        }
        if oids.isEmpty { return [] }
        let request = Request(kind: kind, oids: oids)
        let result: Result<Response, SNMPError> = await withCheckedContinuation { cont in
            engine.loop.submit(.send(sessionID, request, cont))
        }
        switch result {
        case .failure(var e):
            e.agent = agentDescription
            e.action = action
            throw e
        case .success(let response):
            if response.errorStatus != 0 {
                throw SNMPError(.errorStatus(response.errorStatus, index: response.errorIndex), agent: agentDescription, action: action)
            }
            if case .getBulk = kind {} else if response.bindings.count != oids.count {
                throw SNMPError(.invalidResponse, agent: agentDescription, action: action,
                                detail: "asked for \(oids.count) bindings, got \(response.bindings.count)")
            }
            return response.bindings
        }
    }

    static func summary(_ oids: [OID]) -> String {
        oids.count == 1 ? oids[0].description : "\(oids[0]) (+\(oids.count - 1) more)"
    }
}

// MARK: - Messages between callers and the loop thread

enum RequestKind: Sendable {
    case get, getNext
    case getBulk(nonRepeaters: Int, maxRepetitions: Int)
}

struct Request: Sendable {
    var kind: RequestKind
    var oids: [OID]
}

struct Response: Sendable {
    var errorStatus: Int
    var errorIndex: Int
    var bindings: [VarBind]
}

struct SessionConfig: Sendable {
    var target: SNMPTarget
    var credentials: SNMPCredentials
    var options: SNMPOptions
}

enum Command: Sendable {
    case open(SessionConfig, CheckedContinuation<Result<Int, SNMPError>, Never>)
    case send(Int, Request, CheckedContinuation<Result<Response, SNMPError>, Never>)
    /// Closes a session and releases its SNMPv3 lease; the closure runs on the loop thread
    /// once it is closed.
    case close(Int, USMCredentials?, (@Sendable () -> Void)?)
    case count(CheckedContinuation<Int, Never>)
    case discoveryCount(CheckedContinuation<Int, Never>)
}

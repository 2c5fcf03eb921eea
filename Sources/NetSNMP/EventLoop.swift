import Foundation
import SNMPCore
import Synchronization
internal import CNetSNMP

/// The thread that owns every Net-SNMP session (see `NetSNMPEngine` for why).
///
/// Other threads talk to it only through `submit(_:)`: commands go into a locked queue
/// and a byte on a self-pipe wakes the `select`. Everything else here runs on the loop
/// thread alone, which is what makes the `@unchecked Sendable` below sound.
final class EventLoop: @unchecked Sendable {
    private let queue = Mutex<[Command]>([])
    /// SNMPv3 sessions by user name (see `USMLeases`); released on this thread as sessions close.
    let leases: USMLeases

    init(leases: USMLeases) { self.leases = leases }
    private var wakeRead: Int32 = -1
    private var wakeWrite: Int32 = -1

    // Loop-thread-only state.
    private var sessions: [Int: SessionBox] = [:]
    private var nextSessionID = 1
    /// SNMPv3 agents' engine IDs by peer, learnt by discovery and kept for later sessions, so a
    /// daemon polling every minute discovers each agent once. Forgotten when the agent says
    /// it does not know the engine ID any more (it was replaced or reinstalled).
    private var engineIDs: [String: [UInt8]] = [:]
    /// Engine-ID discoveries under way, by peer, with the sessions waiting to open once each ends.
    private var discoveries: [String: (sessionID: Int, waiting: [(SessionConfig, CheckedContinuation<Result<Int, SNMPError>, Never>)])] = [:]
    /// Discoveries that ended during this turn of the loop (handled after dispatch, never from
    /// inside a Net-SNMP callback, because ending one closes its session).
    private var discovered: [(peer: String, result: Result<[UInt8], SNMPError>)] = []
    private var discoveriesStarted = 0

    func start() {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { fatalError("NetSNMP engine: cannot create wake pipe: errno \(errno)") }
        wakeRead = fds[0]
        wakeWrite = fds[1]
        _ = fcntl(wakeRead, F_SETFL, fcntl(wakeRead, F_GETFL) | O_NONBLOCK)
        _ = fcntl(wakeWrite, F_SETFL, fcntl(wakeWrite, F_GETFL) | O_NONBLOCK)
        let thread = Thread { [self] in run() }
        thread.name = "pantau-netsnmp"
        thread.start()
    }

    /// Hands a command to the loop thread. Never blocks.
    func submit(_ command: Command) {
        let wasEmpty = queue.withLock { q in
            q.append(command)
            return q.count == 1
        }
        if wasEmpty {
            var byte: UInt8 = 1
            _ = write(wakeWrite, &byte, 1)
        }
    }

    // MARK: - Loop thread

    private func run() {
        Self.initialiseLibrary()
        while true {
            drainWakePipe()
            let commands = queue.withLock { q in
                defer { q.removeAll(keepingCapacity: true) }
                return q
            }
            for c in commands { handle(c) }
            waitAndDispatch()
        }
    }

    /// One-time library set-up: no MIB files (Pantau is numeric-only), no config files
    /// (every parameter is passed explicitly), no persistent state under /var/lib/snmp,
    /// and no library logging to stderr (errors come back as values and are reported by
    /// Pantau with the agent named).
    private static func initialiseLibrary() {
        setenv("MIBS", "", 1)
        netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1)
        netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1)
        netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1)
        snmp_disable_log()
        init_snmp("pantau")
    }

    private func drainWakePipe() {
        var buf = [UInt8](repeating: 0, count: 256)
        while read(wakeRead, &buf, buf.count) > 0 {}
    }

    private func handle(_ command: Command) {
        switch command {
        case .open(let config, let cont):
            let peer = config.target.description
            guard case .usm = config.credentials, engineIDs[peer] == nil else {
                open(config, engineID: engineIDs[peer], cont)
                return
            }
            // SNMPv3 needs the agent's engine ID before it can localize keys. Net-SNMP would
            // discover it inside snmp_sess_open, blocking this thread (and so every other
            // agent) for timeout × (retries + 1) when the agent is silent. Instead the
            // discovery is one more asynchronous request; the session opens when it ends.
            if discoveries[peer] != nil {
                discoveries[peer]!.waiting.append((config, cont))
                return
            }
            let id = nextSessionID
            nextSessionID += 1
            let box = SessionBox(id: id, peer: peer)
            if case .failure(let e) = box.openForDiscovery(config) {
                cont.resume(returning: .failure(e))
                return
            }
            sessions[id] = box
            discoveriesStarted += 1
            discoveries[peer] = (id, [(config, cont)])
            box.discoverEngineID { [self] result in discovered.append((peer, result)) }
        case .send(let id, let request, let cont):
            guard let box = sessions[id] else {
                cont.resume(returning: .failure(SNMPError(.send, agent: "", action: "", detail: "session is closed")))
                return
            }
            box.send(request, cont)
        case .close(let id, let usm, let done):
            // The USM user (engine ID and name) is shared by every open session with the same
            // credentials: only the last of them forgets it. Counting and releasing here, on
            // the loop thread, keeps the count exact however closes interleave.
            let shared = usm.map { leases.openCount(user: $0.user) > 1 } ?? false
            if let box = sessions.removeValue(forKey: id) { box.close(forgetUSMUser: !shared) }
            if let usm { leases.release(usm) }
            done?()
        case .count(let cont):
            cont.resume(returning: sessions.count)
        case .discoveryCount(let cont):
            cont.resume(returning: discoveriesStarted)
        }
    }

    /// Opens a session now (the engine ID, for SNMPv3, is known) and answers `cont`.
    private func open(_ config: SessionConfig, engineID: [UInt8]?, _ cont: CheckedContinuation<Result<Int, SNMPError>, Never>) {
        let id = nextSessionID
        nextSessionID += 1
        let box = SessionBox(id: id, peer: config.target.description)
        switch box.open(config, engineID: engineID) {
        case .success:
            sessions[id] = box
            cont.resume(returning: .success(id))
        case .failure(let e):
            cont.resume(returning: .failure(e))
        }
    }

    /// Ends the discoveries that finished: their sessions close, and the sessions waiting for
    /// them open with the engine ID, or fail with the discovery's error.
    private func finishDiscoveries() {
        let done = discovered
        discovered.removeAll()
        for (peer, result) in done {
            guard let d = discoveries.removeValue(forKey: peer) else { continue }
            sessions.removeValue(forKey: d.sessionID)?.close(forgetUSMUser: false)
            switch result {
            case .success(let engineID):
                engineIDs[peer] = engineID
                for (config, cont) in d.waiting { open(config, engineID: engineID, cont) }
            case .failure(let e):
                for (_, cont) in d.waiting { cont.resume(returning: .failure(e)) }
            }
        }
        // A session told by its agent that the engine ID is unknown: the agent was replaced
        // or reinstalled. The next session to it discovers again.
        for box in sessions.values where box.engineIDRejected { engineIDs[box.peer] = nil }
    }

    /// One `select` over the wake pipe and every session socket, then lets each session read
    /// what arrived and handle its retransmissions and timeouts.
    private func waitAndDispatch() {
        var fdset = netsnmp_large_fd_set()
        netsnmp_large_fd_set_init(&fdset, Int32(FD_SETSIZE))
        defer { netsnmp_large_fd_set_cleanup(&fdset) }
        var numfds = wakeRead + 1
        netsnmp_large_fd_setfd(wakeRead, &fdset)
        var tv = timeval(tv_sec: 1, tv_usec: 0)
        var block: Int32 = 1
        for box in sessions.values { box.selectInfo(&numfds, &fdset, &tv, &block) }
        if block != 0 || tv.tv_sec > 1 { tv = timeval(tv_sec: 1, tv_usec: 0) }
        let ready = netsnmp_large_fd_set_select(numfds, &fdset, nil, nil, &tv)
        if ready > 0 {
            for box in sessions.values { box.read(&fdset) }
        }
        for box in sessions.values { box.checkTimeouts() }
        finishDiscoveries()
    }
}

/// One Net-SNMP session and its outstanding requests. Loop thread only.
final class SessionBox {
    let id: Int
    let peer: String
    private var handle: UnsafeMutableRawPointer?
    private var pending: [Int32: Pending] = [:]
    /// How long a request may stay unanswered in total: Net-SNMP's own timeout and retries,
    /// plus grace. A backstop only: the library normally reports timeouts itself.
    private var requestLifetime: Double = 5

    struct Pending {
        var waiter: Waiter
        /// Monotonic: a wall clock stepped back by NTP must not keep a request waiting.
        var deadline: ContinuousClock.Instant
    }

    /// Who waits for a request: a caller, or the loop itself for an engine-ID discovery.
    enum Waiter {
        case caller(CheckedContinuation<Result<Response, SNMPError>, Never>)
        case discovery((Result<[UInt8], SNMPError>) -> Void)

        func fail(_ e: SNMPError) {
            switch self {
            case .caller(let c): c.resume(returning: .failure(e))
            case .discovery(let done): done(.failure(e))
            }
        }
    }

    /// This session's agent answered that it does not know the engine ID the session uses.
    private(set) var engineIDRejected = false

    init(id: Int, peer: String) {
        self.id = id
        self.peer = peer
    }

    /// Opens the session. For SNMPv3, `engineID` is the agent's, already discovered: the
    /// library then derives the localized keys without probing the agent.
    func open(_ config: SessionConfig, engineID: [UInt8]? = nil, discovering: Bool = false) -> Result<Void, SNMPError> {
        var s = netsnmp_session()
        snmp_sess_init(&s)
        var owned: [UnsafeMutablePointer<CChar>] = []
        defer { owned.forEach { free($0) } }
        func cstr(_ text: String) -> UnsafeMutablePointer<CChar> {
            let p = strdup(text)!  // strdup fails only when out of memory
            owned.append(p)
            return p
        }
        func fail(_ detail: String) -> Result<Void, SNMPError> {
            .failure(SNMPError(.sessionOpen, agent: peer, action: "opening session", detail: detail))
        }
        s.peername = cstr(config.target.description)
        s.timeout = Int(config.options.timeout * 1_000_000)
        requestLifetime = config.options.timeout * Double(config.options.retries + 1) + 2
        s.retries = Int32(config.options.retries)
        s.callback = snmpCallback
        s.callback_magic = Unmanaged.passUnretained(self).toOpaque()

        switch config.credentials {
        case .community(let version, let community):
            s.version = version == .v1 ? Int(SNMP_VERSION_1) : Int(SNMP_VERSION_2c)
            let c = cstr(community.revealed)
            s.community = UnsafeMutableRawPointer(c).assumingMemoryBound(to: UInt8.self)
            s.community_len = strlen(c)
        case .usm(let usm):
            s.version = Int(SNMP_VERSION_3)
            let name = cstr(usm.user)
            s.securityName = name
            s.securityNameLen = strlen(name)
            if let ctx = usm.context {
                let c = cstr(ctx)
                s.contextName = c
                s.contextNameLen = strlen(c)
            }
            switch usm.level {
            case .noAuthNoPriv: s.securityLevel = Int32(cnetsnmp_SEC_LEVEL_NOAUTH)
            case .authNoPriv: s.securityLevel = Int32(cnetsnmp_SEC_LEVEL_AUTHNOPRIV)
            case .authPriv: s.securityLevel = Int32(cnetsnmp_SEC_LEVEL_AUTHPRIV)
            }
            if usm.level != .noAuthNoPriv {
                let authProto = usm.authProtocol ?? .sha256
                var len = 0
                guard let proto = cnetsnmp_auth_proto(Self.authCode(authProto), &len) else {
                    return fail("this Net-SNMP build does not support auth protocol \(authProto.rawValue)")
                }
                s.securityAuthProto = UnsafeMutablePointer(mutating: proto)
                s.securityAuthProtoLen = len
                guard let keyLen = Self.deriveKey(hash: proto, hashLength: len, password: usm.authPassword, into: &s.securityAuthKey)
                else { return fail("cannot derive the authentication key") }
                s.securityAuthKeyLen = keyLen
                if usm.level == .authPriv {
                    let privProto = usm.privProtocol ?? .aes
                    var plen = 0
                    guard let pproto = cnetsnmp_priv_proto(Self.privCode(privProto), &plen) else {
                        return fail("this Net-SNMP build does not support privacy protocol \(privProto.rawValue)")
                    }
                    s.securityPrivProto = UnsafeMutablePointer(mutating: pproto)
                    s.securityPrivProtoLen = plen
                    // The privacy key is derived with the *authentication* hash (RFC 3414 §2.6).
                    guard let pkeyLen = Self.deriveKey(hash: proto, hashLength: len, password: usm.privPassword, into: &s.securityPrivKey)
                    else { return fail("cannot derive the privacy key") }
                    s.securityPrivKeyLen = pkeyLen
                }
            }
            if let engineID {
                // Copied by the library when it copies the session.
                let raw = malloc(max(engineID.count, 1))!  // fails only when out of memory
                let id = raw.assumingMemoryBound(to: UInt8.self)
                id.update(from: engineID, count: engineID.count)
                owned.append(raw.assumingMemoryBound(to: CChar.self))
                s.securityEngineID = id
                s.securityEngineIDLen = engineID.count
                s.contextEngineID = id
                s.contextEngineIDLen = engineID.count
            }
            if engineID != nil || discovering { s.flags |= UInt(SNMP_FLAGS_DONT_PROBE) }
        }
        guard let h = snmp_sess_open(&s) else {
            var lib: Int32 = 0, sys: Int32 = 0
            var msg: UnsafeMutablePointer<CChar>?
            snmp_error(&s, &lib, &sys, &msg)
            let text = msg.map { String(cString: $0) } ?? "unknown error"
            free(msg)
            return fail(text)
        }
        handle = h
        return .success(())
    }

    /// Opens a session that only discovers the agent's engine ID (RFC 3414 §4): SNMPv3 with no
    /// user and no authentication, and no probe of its own.
    func openForDiscovery(_ config: SessionConfig) -> Result<Void, SNMPError> {
        // The empty user the discovery message is sent as (the library's own probe adds it too).
        if usm_get_user(nil, 0, "") == nil, let user = usm_create_user() {
            user.pointee.name = strdup("")
            user.pointee.secName = strdup("")
            usm_add_user(user)
        }
        var discovery = config
        discovery.credentials = .usm(USMCredentials(user: "", level: .noAuthNoPriv))
        let opened = open(discovery, discovering: true)
        // The library clears "don't probe" once the session is open, and would then probe,
        // blocking, before sending the discovery request itself.
        if case .success = opened, let handle, let session = snmp_sess_session(handle) {
            session.pointee.flags |= UInt(SNMP_FLAGS_DONT_PROBE)
        }
        return opened
    }

    /// Sends the discovery request: an empty GET the agent answers with a report that
    /// carries its engine ID. `done` runs on the loop thread.
    func discoverEngineID(_ done: @escaping (Result<[UInt8], SNMPError>) -> Void) {
        guard let handle, let pdu = snmp_pdu_create(Int32(cnetsnmp_MSG_GET)) else {
            done(.failure(SNMPError(.send, agent: peer, action: Self.discovering, detail: "session is closed")))
            return
        }
        pdu.pointee.version = Int(SNMP_VERSION_3)
        pdu.pointee.securityName = strdup("")
        pdu.pointee.securityNameLen = 0
        pdu.pointee.securityLevel = Int32(cnetsnmp_SEC_LEVEL_NOAUTH)
        pdu.pointee.securityModel = Int32(SNMP_SEC_MODEL_USM)
        let reqid = snmp_sess_async_send(handle, pdu, snmpCallback, Unmanaged.passUnretained(self).toOpaque())
        guard reqid != 0 else {
            snmp_free_pdu(pdu)
            done(.failure(SNMPError(.send, agent: peer, action: Self.discovering, detail: lastError(handle))))
            return
        }
        pending[reqid] = Pending(waiter: .discovery(done), deadline: .now + .seconds(requestLifetime))
    }

    static let discovering = "discovering the SNMPv3 engine ID"

    private func lastError(_ handle: UnsafeMutableRawPointer) -> String {
        var lib: Int32 = 0, sys: Int32 = 0
        var msg: UnsafeMutablePointer<CChar>?
        snmp_sess_error(handle, &lib, &sys, &msg)
        defer { free(msg) }
        return msg.map { String(cString: $0) } ?? "unknown error"
    }

    /// Derives a USM master key (Ku) from a password into one of the session's fixed-size
    /// key arrays (imported as tuples); returns the key length, or nil on failure.
    static func deriveKey<Key>(hash: UnsafePointer<oid>, hashLength: Int, password: Secret?, into key: inout Key) -> Int? {
        let pass = password?.revealed ?? ""
        var keyLen = MemoryLayout<Key>.size
        let rc = withUnsafeMutableBytes(of: &key) { buf in
            // The tuple's storage is never empty (USM_AUTH_KU_LEN bytes).
            generate_Ku(hash, UInt32(hashLength), pass, pass.utf8.count, buf.baseAddress!.assumingMemoryBound(to: UInt8.self), &keyLen)
        }
        return rc == SNMPERR_SUCCESS ? keyLen : nil
    }

    static func authCode(_ p: AuthProtocol) -> Int32 {
        switch p {
        case .md5: 1
        case .sha: 2
        case .sha224: 3
        case .sha256: 4
        case .sha384: 5
        case .sha512: 6
        }
    }

    static func privCode(_ p: PrivProtocol) -> Int32 {
        switch p {
        case .des: 1
        case .aes: 2
        case .aes192: 3
        case .aes256: 4
        }
    }

    func send(_ request: Request, _ cont: CheckedContinuation<Result<Response, SNMPError>, Never>) {
        guard let handle else {
            cont.resume(returning: .failure(SNMPError(.send, agent: peer, action: "", detail: "session is closed")))
            return
        }
        let command: Int32
        switch request.kind {
        case .get: command = Int32(cnetsnmp_MSG_GET)
        case .getNext: command = Int32(cnetsnmp_MSG_GETNEXT)
        case .getBulk: command = Int32(cnetsnmp_MSG_GETBULK)
        }
        guard let pdu = snmp_pdu_create(command) else {
            cont.resume(returning: .failure(SNMPError(.send, agent: peer, action: "", detail: "out of memory")))
            return
        }
        if case .getBulk(let nr, let mr) = request.kind {
            // non_repeaters and max_repetitions are #define aliases of errstat/errindex.
            pdu.pointee.errstat = nr
            pdu.pointee.errindex = mr
        }
        for o in request.oids {
            let subids = o.components.map { oid($0) }
            _ = subids.withUnsafeBufferPointer { buf in snmp_add_null_var(pdu, buf.baseAddress, buf.count) }
        }
        let reqid = snmp_sess_async_send(handle, pdu, snmpCallback, Unmanaged.passUnretained(self).toOpaque())
        if reqid == 0 {
            var lib: Int32 = 0, sys: Int32 = 0
            var msg: UnsafeMutablePointer<CChar>?
            snmp_sess_error(handle, &lib, &sys, &msg)
            let text = msg.map { String(cString: $0) } ?? "unknown error"
            free(msg)
            snmp_free_pdu(pdu)
            cont.resume(returning: .failure(SNMPError(.send, agent: peer, action: "", detail: text)))
            return
        }
        pending[reqid] = Pending(waiter: .caller(cont), deadline: .now + .seconds(requestLifetime))
    }

    func selectInfo(_ numfds: inout Int32, _ fdset: inout netsnmp_large_fd_set, _ tv: inout timeval, _ block: inout Int32) {
        guard let handle else { return }
        _ = snmp_sess_select_info2(handle, &numfds, &fdset, &tv, &block)
    }

    func read(_ fdset: inout netsnmp_large_fd_set) {
        guard let handle else { return }
        // Net-SNMP drops a datagram that is not SNMP without a word. Look at the first byte of
        // the waiting datagram (every SNMP message is a BER SEQUENCE, 0x30) and count those
        // that are not, so a timeout can say what came instead.
        if let transport = snmp_sess_transport(handle), transport.pointee.sock >= 0,
           netsnmp_large_fd_is_set(transport.pointee.sock, &fdset) != 0 {
            var first: UInt8 = 0
            if recv(transport.pointee.sock, &first, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) == 1, first != 0x30 { unreadable += 1 }
        }
        _ = snmp_sess_read2(handle, &fdset)
    }

    /// Datagrams this session received that were not SNMP.
    private var unreadable = 0

    /// A timeout, saying what arrived instead of an answer when something did.
    func timeoutError(action: String = "") -> SNMPError {
        guard unreadable > 0 else { return SNMPError(.timeout, agent: peer, action: action) }
        return SNMPError(.timeout, agent: peer, action: action,
                         detail: "\(unreadable) packet\(unreadable == 1 ? "" : "s") came back that \(unreadable == 1 ? "is" : "are") not SNMP (another service on that port?)")
    }

    func checkTimeouts() {
        guard let handle, !pending.isEmpty else { return }
        snmp_sess_timeout(handle)
        let now = ContinuousClock.now
        for (reqid, p) in pending where p.deadline < now {
            pending[reqid] = nil
            p.waiter.fail(timeoutError())
        }
    }

    func close(forgetUSMUser forget: Bool = true) {
        // Outstanding requests end now; their callers get an error instead of waiting forever.
        for (_, p) in pending {
            p.waiter.fail(SNMPError(.cancelled, agent: peer, action: "", detail: "session closed"))
        }
        pending.removeAll()
        if let handle {
            if forget { forgetUSMUser(handle) }
            snmp_sess_close(handle)
        }
        handle = nil
    }

    /// Net-SNMP keeps SNMPv3 users (with their localized keys) in a process-wide list keyed
    /// by engine ID and user name, and a new session for the same agent and user silently
    /// reuses the old keys. Removing the user when its session closes makes a changed or
    /// mistyped password take effect on the next session instead of at the next restart.
    private func forgetUSMUser(_ handle: UnsafeMutableRawPointer) {
        guard let sess = snmp_sess_session(handle), sess.pointee.version == Int(SNMP_VERSION_3),
            sess.pointee.securityEngineIDLen > 0, let name = sess.pointee.securityName,
            let user = usm_get_user(sess.pointee.securityEngineID, sess.pointee.securityEngineIDLen, name)
        else { return }
        _ = usm_remove_user(user)
        _ = usm_free_user(user)
    }

    /// Called by Net-SNMP (on the loop thread, from read/timeout) for each finished request.
    func complete(operation: Int32, reqid: Int32, pdu: UnsafeMutablePointer<netsnmp_pdu>?) {
        // RESEND is informational (a retransmission went out); the request is still pending.
        if operation == Int32(cnetsnmp_OP_RESEND) { return }
        let report = pdu.map { $0.pointee.command == Int32(cnetsnmp_MSG_REPORT) } ?? false
        // notInTimeWindow: the agent's clock (engine boots and time) was not known yet or it
        // rebooted. The library learns the agent's time from the report and sends the request
        // again by itself, so the caller keeps waiting for that answer.
        if report, operation == Int32(cnetsnmp_OP_RECEIVED_MESSAGE), let pdu, pending[reqid] != nil,
           snmpv3_get_report_type(pdu) == SNMPERR_NOT_IN_TIME_WINDOW, case .caller = pending[reqid]!.waiter {
            return
        }
        guard let waiter = pending.removeValue(forKey: reqid)?.waiter else {
            // SNMPv3 reports about a failed request (wrong digest, unknown user, decryption
            // error) arrive with request-id 0, so they cannot be matched to one request. They
            // concern the session's credentials, so every outstanding request fails with them.
            if let pdu, report, operation == Int32(cnetsnmp_OP_RECEIVED_MESSAGE) || operation == Int32(cnetsnmp_OP_SEC_ERROR) {
                let error = Self.reportError(pdu, peer: peer)
                if snmpv3_get_report_type(pdu) == SNMPERR_UNKNOWN_ENG_ID { engineIDRejected = true }
                let all = pending
                pending.removeAll()
                for (_, p) in all { p.waiter.fail(error) }
            }
            return
        }
        switch waiter {
        case .discovery(let done):
            // The expected answer is a report (unknownEngineID, which the library passes on as a
            // security error); any message from the agent names its engine ID.
            if operation == Int32(cnetsnmp_OP_RECEIVED_MESSAGE) || operation == Int32(cnetsnmp_OP_SEC_ERROR),
               let pdu, pdu.pointee.securityEngineIDLen > 0,
               let id = pdu.pointee.securityEngineID {
                done(.success(Array(UnsafeBufferPointer(start: id, count: pdu.pointee.securityEngineIDLen))))
            } else if operation == Int32(cnetsnmp_OP_TIMED_OUT) {
                done(.failure(timeoutError(action: Self.discovering)))
            } else {
                done(.failure(SNMPError(.invalidResponse, agent: peer, action: Self.discovering, detail: "the agent's answer names no engine ID")))
            }
        case .caller(let cont):
            switch operation {
            case Int32(cnetsnmp_OP_RECEIVED_MESSAGE):
                guard let pdu else {
                    cont.resume(returning: .failure(SNMPError(.invalidResponse, agent: peer, action: "", detail: "empty PDU")))
                    return
                }
                if report {
                    if snmpv3_get_report_type(pdu) == SNMPERR_UNKNOWN_ENG_ID { engineIDRejected = true }
                    cont.resume(returning: .failure(Self.reportError(pdu, peer: peer)))
                    return
                }
                cont.resume(returning: .success(PDUCodec.response(pdu)))
            case Int32(cnetsnmp_OP_SEC_ERROR):
                // A USM failure (wrong digest, unknown user, decryption error) detected while
                // processing the reply or report.
                if let pdu, report {
                    cont.resume(returning: .failure(Self.reportError(pdu, peer: peer)))
                } else {
                    cont.resume(returning: .failure(SNMPError(.authenticationFailure, agent: peer, action: "",
                                                              detail: "security error on the reply")))
                }
            case Int32(cnetsnmp_OP_TIMED_OUT):
                cont.resume(returning: .failure(timeoutError()))
            default:
                cont.resume(returning: .failure(SNMPError(.send, agent: peer, action: "", detail: "transport failure")))
            }
        }
    }

    static func reportError(_ pdu: UnsafeMutablePointer<netsnmp_pdu>, peer: String) -> SNMPError {
        let type = snmpv3_get_report_type(pdu)
        let code: SNMPError.Code
        switch type {
        case SNMPERR_AUTHENTICATION_FAILURE: code = .authenticationFailure
        case SNMPERR_DECRYPTION_ERR: code = .decryptionFailure
        case SNMPERR_UNKNOWN_USER_NAME: code = .unknownUser
        case SNMPERR_UNSUPPORTED_SEC_LEVEL: code = .unsupportedSecurityLevel
        default: code = .invalidResponse
        }
        if type == SNMPERR_UNKNOWN_ENG_ID {
            return SNMPError(.invalidResponse, agent: peer, action: "",
                             detail: "the agent no longer has the engine ID it had (replaced or reinstalled?); the next session discovers it again")
        }
        let text = String(cString: snmp_api_errstring(type))
        return SNMPError(code, agent: peer, action: "", detail: code == .invalidResponse ? "agent sent report: \(text)" : "")
    }
}

/// The C callback Net-SNMP invokes. `magic` is the unretained `SessionBox` (kept alive by
/// the loop's session table for as long as the session is open).
private let snmpCallback: netsnmp_callback = { operation, _, reqid, pdu, magic in
    guard let magic else { return 1 }
    Unmanaged<SessionBox>.fromOpaque(magic).takeUnretainedValue().complete(operation: operation, reqid: reqid, pdu: pdu)
    return 1
}

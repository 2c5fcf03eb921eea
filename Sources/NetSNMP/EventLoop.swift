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
            let id = nextSessionID
            nextSessionID += 1
            let box = SessionBox(id: id, peer: config.target.description)
            switch box.open(config) {
            case .success:
                sessions[id] = box
                cont.resume(returning: .success(id))
            case .failure(let e):
                cont.resume(returning: .failure(e))
            }
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
        }
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
        var continuation: CheckedContinuation<Result<Response, SNMPError>, Never>
        var deadline: Date
    }

    init(id: Int, peer: String) {
        self.id = id
        self.peer = peer
    }

    func open(_ config: SessionConfig) -> Result<Void, SNMPError> {
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
            // Engine-ID discovery happens asynchronously on the first request (the agent's
            // report carries its engine ID), so opening never blocks the loop thread.
            // s.flags |= UInt(SNMP_FLAGS_DONT_PROBE)
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
        pending[reqid] = Pending(continuation: cont, deadline: Date().addingTimeInterval(requestLifetime))
    }

    func selectInfo(_ numfds: inout Int32, _ fdset: inout netsnmp_large_fd_set, _ tv: inout timeval, _ block: inout Int32) {
        guard let handle else { return }
        _ = snmp_sess_select_info2(handle, &numfds, &fdset, &tv, &block)
    }

    func read(_ fdset: inout netsnmp_large_fd_set) {
        guard let handle else { return }
        _ = snmp_sess_read2(handle, &fdset)
    }

    func checkTimeouts() {
        guard let handle, !pending.isEmpty else { return }
        snmp_sess_timeout(handle)
        let now = Date()
        for (reqid, p) in pending where p.deadline < now {
            pending[reqid] = nil
            p.continuation.resume(returning: .failure(SNMPError(.timeout, agent: peer, action: "")))
        }
    }

    func close(forgetUSMUser forget: Bool = true) {
        // Outstanding requests end now; their callers get an error instead of waiting forever.
        for (_, p) in pending {
            p.continuation.resume(returning: .failure(SNMPError(.cancelled, agent: peer, action: "", detail: "session closed")))
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
        guard let cont = pending.removeValue(forKey: reqid)?.continuation else {
            // SNMPv3 reports about a failed request (wrong digest, unknown user, decryption
            // error) arrive with request-id 0, so they cannot be matched to one request. They
            // concern the session's credentials, so every outstanding request fails with them.
            if let pdu, operation == Int32(cnetsnmp_OP_RECEIVED_MESSAGE) || operation == Int32(cnetsnmp_OP_SEC_ERROR),
                pdu.pointee.command == Int32(cnetsnmp_MSG_REPORT) {
                let error = Self.reportError(pdu, peer: peer)
                let all = pending
                pending.removeAll()
                for (_, p) in all { p.continuation.resume(returning: .failure(error)) }
            }
            return
        }
        switch operation {
        case Int32(cnetsnmp_OP_RECEIVED_MESSAGE):
            guard let pdu else {
                cont.resume(returning: .failure(SNMPError(.invalidResponse, agent: peer, action: "", detail: "empty PDU")))
                return
            }
            if pdu.pointee.command == Int32(cnetsnmp_MSG_REPORT) {
                cont.resume(returning: .failure(Self.reportError(pdu, peer: peer)))
                return
            }
            cont.resume(returning: .success(PDUCodec.response(pdu)))
        case Int32(cnetsnmp_OP_SEC_ERROR):
            // A USM failure (wrong digest, unknown user, decryption error) detected while
            // processing the reply or report.
            if let pdu, pdu.pointee.command == Int32(cnetsnmp_MSG_REPORT) {
                cont.resume(returning: .failure(Self.reportError(pdu, peer: peer)))
            } else {
                cont.resume(returning: .failure(SNMPError(.authenticationFailure, agent: peer, action: "",
                                                          detail: "security error on the reply")))
            }
        case Int32(cnetsnmp_OP_TIMED_OUT):
            cont.resume(returning: .failure(SNMPError(.timeout, agent: peer, action: "")))
        default:
            cont.resume(returning: .failure(SNMPError(.send, agent: peer, action: "", detail: "transport failure")))
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

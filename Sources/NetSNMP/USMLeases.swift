import SNMPCore
import Synchronization

/// Keeps SNMPv3 keys apart. Net-SNMP's USM user table is process-wide, keyed by engine ID
/// and user name: two sessions open at once with the same user name and different keys
/// overwrite each other's keys (one target then authenticates with the other's password,
/// or both fail), and agents may share an engine ID (cloned images do). So a session waits
/// until no session with its user name and other credentials is open. Sessions with the same
/// credentials share; waiters are served in order, so neither side starves.
final class USMLeases: Sendable {
    private struct Waiter {
        var credentials: USMCredentials
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct UserState {
        var active: USMCredentials?
        var count = 0
        var waiting: [Waiter] = []
    }

    private let state = Mutex<[String: UserState]>([:])

    /// Waits until a session with `credentials` may be open, and counts it.
    func acquire(_ credentials: USMCredentials) async {
        await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
            let grantNow = state.withLock { users -> Bool in
                var u = users[credentials.user] ?? UserState()
                defer { users[credentials.user] = u }
                if u.waiting.isEmpty && (u.count == 0 || u.active == credentials) {
                    u.active = credentials
                    u.count += 1
                    return true
                }
                u.waiting.append(Waiter(credentials: credentials, continuation: cont))
                return false
            }
            if grantNow { cont.resume() }
        }
    }

    /// A session with `credentials` closed (or failed to open).
    func release(_ credentials: USMCredentials) {
        let granted = state.withLock { users -> [CheckedContinuation<Void, Never>] in
            guard var u = users[credentials.user] else { return [] }
            u.count = max(0, u.count - 1)
            var granted: [CheckedContinuation<Void, Never>] = []
            if u.count == 0 {
                u.active = nil
                // The next credentials in line, with every waiter right behind them that shares them.
                if let next = u.waiting.first?.credentials {
                    while let w = u.waiting.first, w.credentials == next {
                        u.waiting.removeFirst()
                        granted.append(w.continuation)
                    }
                    u.active = next
                    u.count = granted.count
                }
            }
            users[credentials.user] = u.count == 0 && u.waiting.isEmpty ? nil : u
            return granted
        }
        for c in granted { c.resume() }
    }

    /// Sessions counted for `user` (opening or open, all with the same credentials).
    func openCount(user: String) -> Int { state.withLock { $0[user]?.count ?? 0 } }

    /// Users with sessions open or waiting (for tests and diagnostics).
    var usersInUse: Int { state.withLock { $0.count } }
}

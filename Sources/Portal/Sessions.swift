import Foundation
import Operations

/// A browser's session with the portal, kept in memory by the running service (a restart signs
/// everyone out). Every browser gets one on its first page (anonymous: it carries the sign-in
/// form's CSRF token and the language); signing in replaces it with a new id, so an id seen
/// before sign-in is worthless after.
struct PortalSession: Sendable {
    var id: String
    /// The token every form of this session carries (compared in constant time).
    var csrf: String
    /// Who signed in; nil before sign-in.
    var caller: AccessOperations.Caller?
    var expires: ContinuousClock.Instant
    /// The last checked upload, kept until it is submitted or replaced (one per session).
    var pending: PendingUpload?
}

/// A file that was checked and not yet submitted.
struct PendingUpload: Sendable {
    var id: String
    var pd: String
    var fileName: String
    var bytes: [UInt8]
}

/// The sessions of the running service, and the failed sign-ins per client address.
final class SessionStore: @unchecked Sendable {
    private let lock = NSLock()
    private var sessions: [String: PortalSession] = [:]
    private var failures: [String: [ContinuousClock.Instant]] = [:]
    let lifetime: Duration
    /// A session before sign-in (it holds only the sign-in form's CSRF token and the language).
    let anonymousLifetime: Duration
    let maxSessions: Int
    let maxPendingBytes: Int
    let attempts: Int
    let window: Duration

    init(lifetime: Duration, anonymousLifetime: Duration = .seconds(3600), maxSessions: Int = 20_000, maxPendingBytes: Int = 64 << 20,
         attempts: Int, window: Duration) {
        self.lifetime = lifetime
        self.maxPendingBytes = maxPendingBytes
        self.anonymousLifetime = anonymousLifetime
        self.maxSessions = maxSessions
        self.attempts = attempts
        self.window = window
    }

    static func randomID() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
    }

    /// The live session with this id, its expiry pushed back (sliding), or nil.
    func session(_ id: String?) -> PortalSession? {
        guard let id, !id.isEmpty else { return nil }
        let now = ContinuousClock.now
        return lock.withLock {
            guard var s = sessions[id] else { return nil }
            guard s.expires > now else { sessions[id] = nil; return nil }
            s.expires = now + (s.caller == nil ? anonymousLifetime : lifetime)
            sessions[id] = s
            return s
        }
    }

    /// A new session (anonymous when `caller` is nil).
    func create(caller: AccessOperations.Caller?) -> PortalSession {
        let now = ContinuousClock.now
        let s = PortalSession(id: Self.randomID(), csrf: Self.randomID(), caller: caller,
                              expires: now + (caller == nil ? anonymousLifetime : lifetime))
        lock.withLock {
            if sessions.count >= maxSessions {
                sessions = sessions.filter { $0.value.expires > now }
                // Still full: drop anonymous sessions first, the oldest first.
                if sessions.count >= maxSessions {
                    let anonymous = sessions.values.filter { $0.caller == nil }.sorted { $0.expires < $1.expires }
                    for a in anonymous.prefix(max(1, sessions.count - maxSessions + 1)) { sessions[a.id] = nil }
                }
            }
            sessions[s.id] = s
        }
        return s
    }

    func remove(_ id: String) { lock.withLock { sessions[id] = nil } }

    /// Holds `pending` for the session (nil: drops it). Checked files wait in memory, at most
    /// `maxPendingBytes` together: past that the longest-idle sessions' files are dropped (their
    /// owners are asked to upload again).
    func setPending(_ id: String, _ pending: PendingUpload?) {
        lock.withLock {
            sessions[id]?.pending = pending
            var total = sessions.values.reduce(0) { $0 + ($1.pending?.bytes.count ?? 0) }
            guard total > maxPendingBytes else { return }
            for s in sessions.values.filter({ $0.pending != nil && $0.id != id }).sorted(by: { $0.expires < $1.expires }) {
                total -= s.pending?.bytes.count ?? 0
                sessions[s.id]?.pending = nil
                if total <= maxPendingBytes { break }
            }
        }
    }

    func count() -> Int { lock.withLock { sessions.count } }

    /// Whether `address` may try to sign in now (fewer than `attempts` failures in `window`).
    func mayTry(_ address: String) -> Bool {
        let now = ContinuousClock.now
        return lock.withLock {
            let recent = (failures[address] ?? []).filter { now - $0 < window }
            failures[address] = recent.isEmpty ? nil : recent
            return recent.count < attempts
        }
    }

    func recordFailure(_ address: String) {
        let now = ContinuousClock.now
        lock.withLock {
            if failures.count > 50_000 { failures = failures.filter { !$0.value.isEmpty && now - ($0.value.last ?? now) < window } }
            failures[address, default: []].append(now)
        }
    }
}

/// Compares two strings in time that does not depend on where they differ.
func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var diff: UInt8 = 0
    for i in 0..<x.count { diff |= x[i] ^ y[i] }
    return diff == 0
}

import Foundation
import Testing
@testable import Portal

/// Sessions expire, rate limits forget, and a full store drops anonymous sessions first.
@Suite struct PortalSessionTests {
    @Test func sessionsExpireAndFailuresAgeOutOfTheWindow() async throws {
        let store = SessionStore(lifetime: .milliseconds(400), anonymousLifetime: .milliseconds(400), attempts: 2, window: .milliseconds(400))
        let s = store.create(caller: nil), kept = store.create(caller: nil), removed = store.create(caller: nil)
        #expect(store.session(s.id)?.csrf == s.csrf && s.id.count == 64 && s.csrf != s.id)
        #expect(store.session("nope") == nil && store.session(nil) == nil)
        store.remove(removed.id)
        #expect(store.session(removed.id) == nil)
        // Sliding: a session seen within its lifetime lives on; one left alone expires.
        for _ in 0..<4 {
            try await Task.sleep(for: .milliseconds(150))
            #expect(store.session(kept.id) != nil)
        }
        #expect(store.session(s.id) == nil)
        #expect(store.mayTry("10.0.0.1"))
        store.recordFailure("10.0.0.1")
        store.recordFailure("10.0.0.1")
        #expect(!store.mayTry("10.0.0.1") && store.mayTry("10.0.0.2"))
        try await Task.sleep(for: .milliseconds(450))
        #expect(store.mayTry("10.0.0.1"))
    }

    @Test func aFullStoreDropsTheOldestAnonymousSessionFirst() {
        let store = SessionStore(lifetime: .seconds(60), maxSessions: 3, attempts: 5, window: .seconds(60))
        let first = store.create(caller: nil)
        let others = (0..<3).map { _ in store.create(caller: nil) }
        #expect(store.count() == 3)
        #expect(store.session(first.id) == nil && others.allSatisfy { store.session($0.id) != nil })
    }

    @Test func checkedFilesWaitingInMemoryAreBounded() {
        let store = SessionStore(lifetime: .seconds(60), maxPendingBytes: 1000, attempts: 5, window: .seconds(60))
        let (a, b, c) = (store.create(caller: nil), store.create(caller: nil), store.create(caller: nil))
        store.setPending(a.id, PendingUpload(id: "1", pd: "X", fileName: "a", bytes: Array(repeating: 1, count: 400)))
        store.setPending(b.id, PendingUpload(id: "2", pd: "X", fileName: "b", bytes: Array(repeating: 1, count: 400)))
        #expect(store.session(a.id)?.pending != nil && store.session(b.id)?.pending != nil)
        // c's file does not fit: the longest-idle other session's file (a's, touched before b's) goes.
        _ = store.session(b.id)
        store.setPending(c.id, PendingUpload(id: "3", pd: "X", fileName: "c", bytes: Array(repeating: 1, count: 400)))
        #expect(store.session(a.id)?.pending == nil && store.session(b.id)?.pending != nil && store.session(c.id)?.pending?.id == "3")
    }

    @Test func constantTimeComparison() {
        #expect(constantTimeEqual("abc", "abc") && !constantTimeEqual("abc", "abd") && !constantTimeEqual("abc", "abcd"))
    }
}

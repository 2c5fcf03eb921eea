import Foundation
import Governance
import InventoryStore
import InventoryTesting
import Reconciliation
import Storage
import Testing

/// Findings in a real SQLite file: one row per key (an update keeps the number), an
/// append-only action log, the allow-list with expiries.
@Suite struct FindingStoreTests {
    let t0 = Date(timeIntervalSince1970: 1_760_000_000)

    func finding(_ device: String, status: FindingStatus = .open) -> Finding {
        let subject = FindingSubject(device: device)
        return Finding(key: Finding.key(code: .unregisteredDevice, pd: "BAPPEDA", subject: subject), code: .unregisteredDevice, severity: .warning,
                       pd: "BAPPEDA", subject: subject, message: "\(device) answers SNMP",
                       evidence: [Evidence(source: "snmp", firstSeen: t0, lastSeen: t0, details: ["serial": "X1"])],
                       basis: .dinasPolicy, status: status, firstSeen: t0, lastSeen: t0)
    }

    @Test(arguments: StoreBackend.allCases)
    func findingsUpsertByKeyAndTheLogIsAppendOnly(backend: StoreBackend) throws {
        let made = try backend.makeStore("findings")
        defer { made.remove() }
        let store = try made.open()
        if let sqlite = store as? PantauStore { #expect(try sqlite.appliedMigrations().contains("v5-findings")) }
        let a = finding("sw-a")
        let saved = try store.saveFindings([a, finding("sw-b")], actions: [FindingAction(key: a.key, at: t0, actor: "pantau", action: "opened")])
        let id = try #require(saved[0].id)
        var resolved = saved[0]
        resolved.status = .resolved
        resolved.resolvedAt = t0.addingTimeInterval(60)
        let again = try store.saveFindings([resolved], actions: [FindingAction(key: a.key, at: t0.addingTimeInterval(60), actor: "pantau", action: "resolved")])
        #expect(again[0].id == id)
        #expect(try store.findings(pd: "BAPPEDA", includeResolved: false).map(\.subject.device) == ["sw-b"])
        #expect(try store.findings(pd: nil, includeResolved: true).count == 2)
        let back = try #require(try store.finding(id: id))
        #expect(back.status == .resolved && back.evidence == a.evidence && back.firstSeen == t0 && back.basis == .dinasPolicy)
        #expect(try store.findingActions(id: id).map(\.action) == ["opened", "resolved"])
        // The log cannot be rewritten, even behind the store's back.
        for statement in ["DELETE FROM finding_action", "UPDATE finding_action SET actor = 'x'"] {
            let r = try made.rawSQL(statement)
            #expect(r.status != 0 && r.stderr.contains("the finding log is append-only"), "\(statement): \(r)")
        }
        #expect(try store.findingActions(id: id).map(\.actor) == ["pantau", "pantau"])
    }

    @Test(arguments: StoreBackend.allCases)
    func suppressionsExpire(backend: StoreBackend) throws {
        let made = try backend.makeStore("findings")
        defer { made.remove() }
        let store = try made.open()
        let note = FindingNote(by: "ani", at: t0, reason: "vendor laptop")
        let id = try store.addSuppression(Suppression(match: "00:11:22:33:44:55", code: .unknownEndpoint, pd: "DINKES", note: note, until: t0.addingTimeInterval(86400)))
        _ = try store.addSuppression(Suppression(match: "sw-x", note: note, until: nil))
        #expect(try store.suppressions(activeAt: t0).map(\.id) == [id, id + 1])
        #expect(try store.suppressions(activeAt: t0.addingTimeInterval(2 * 86400)).map(\.match) == ["sw-x"])
        let all = try store.suppressions(activeAt: nil)
        #expect(all.first?.code == .unknownEndpoint && all.first?.pd == "DINKES" && all.first?.note == note)
    }
}

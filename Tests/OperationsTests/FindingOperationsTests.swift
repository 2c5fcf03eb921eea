import Foundation
import Governance
import InventoryModel
import InventoryStore
import InventoryTesting
import Operations
import Reconciliation
import Storage
import Testing

/// The findings use case on a real (in-memory) SQLite store with a fixed clock: another
/// check's findings slot into the same lifecycle, and reconciliation leaves them alone.
@Suite struct FindingOperationsTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    func store() throws -> PantauStore {
        let store = try PantauStore(inMemory: ())
        let profile = try RegionalProfile.load(path: Lab.repo + "/config/profiles/manggarai.yaml")
        try store.activate(profile: profile, by: "test", at: Self.now)
        try store.saveRegistry(try PDRegistry.load(path: Lab.repo + "/config/registry.example.yaml", profile: profile), source: "example", at: Self.now)
        return store
    }

    @Test func anotherChecksFindingsGoThroughTheSameLifecycle() throws {
        let s = try store()
        let belowSpec = Detection(code: .belowSpec, pd: "BAPPEDA", subject: FindingSubject(device: "sw-core", detail: "port_speed"),
                                  message: "sw-core: 100 Mbit/s ports, the annex asks for 1000", evidence: [Evidence(source: "annex")])
        let ops = FindingOperations(store: s, clock: FixedClock(Self.now))
        let opened = try ops.record([belowSpec], codes: [.belowSpec])
        #expect(opened.count == 1 && opened[0].status == .open && opened[0].basis == .dinasPolicy)
        // Reconciliation does not decide below-spec: it neither duplicates nor resolves it.
        let report = try ops.reconcile()
        #expect(!report.findings.contains { $0.code == .belowSpec && $0.status == .resolved })
        #expect(try s.findings(pd: "BAPPEDA", includeResolved: false).filter { $0.code == .belowSpec }.count == 1)
        // The check no longer finds it: resolved by its own check, logged.
        let later = FindingOperations(store: s, clock: FixedClock(Self.now.addingTimeInterval(3600)))
        #expect(try later.record([], codes: [.belowSpec]).isEmpty)
        let id = try #require(opened[0].id)
        #expect(try later.show(id: id).log.map(\.action) == ["opened", "resolved"])
        // Acknowledging needs a reason and an active finding.
        #expect { try later.acknowledge(id: id, by: "ani", reason: "ok") } throws: { ($0 as? OperationError)?.kind == .invalid }
        #expect { try later.allow(match: "x", code: "no-such-code", pd: nil, by: "ani", reason: "r", until: nil) } throws: {
            ($0 as? OperationError)?.kind == .invalid
        }
        #expect { try later.reconcile(pd: "NOPE") } throws: { ($0 as? OperationError)?.kind == .notFound }
        #expect { try FindingOperations(store: try PantauStore(inMemory: ()), clock: FixedClock(Self.now)).reconcile() } throws: {
            ($0 as? OperationError)?.kind == .unavailable
        }
    }
}

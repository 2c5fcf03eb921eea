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

    /// A store reconciled on later days with nothing changed is not written: no finding's row
    /// changes (message, evidence, last seen) and the log gains nothing, while a declared device
    /// still goes missing once its days are up. Messages carry dates, never a count of days.
    @Test func findingsStayUnwrittenOnLaterDaysWhileNothingChanges() throws {
        let s = try store()
        let day0 = Self.now
        func day(_ n: Double) -> Date { day0.addingTimeInterval(n * 86400) }
        func submit(_ pd: String, _ yaml: String, at: Date) throws {
            let (d, issues) = Diagram.parseYAML(yaml, file: "\(pd).yaml")
            #expect(issues.isEmpty, "\(issues)")
            _ = try s.submit(NewSubmission(pd: pd, submitter: "t", submittedAt: at, format: .yaml, fileName: "\(pd).yaml", channel: "cli",
                                           content: Array(yaml.utf8), diagram: try #require(d)))
        }
        // Bappeda declares a switch nobody ever sees and an access point seen once (day 1);
        // Dinkes's only diagram is 400 days old (overdue); the other PDs never submitted one.
        try submit("BAPPEDA", """
            format: pantau-diagram/1
            pd: BAPPEDA
            boundary: {router: rtr}
            devices:
              - {id: rtr, role: router}
              - {id: sw-gone, role: switch, management_ip: 10.21.0.40, snmp: true}
              - {id: ap-aula, role: access_point, macs: ["00:11:22:33:44:01"]}
            vlans:
              - {id: 30, name: staf, subnet: 10.21.1.0/24, gateway: 10.21.1.1}
            """, at: day0)
        try submit("DINKES", "format: pantau-diagram/1\npd: DINKES\nboundary: {router: rtr-dinkes}\ndevices:\n  - {id: rtr-dinkes, role: router}\n",
                   at: day(-400))
        var batch = SightingBatch()
        for (mac, ip) in [("00:11:22:33:44:01", "10.21.1.20"), ("00:11:22:33:44:99", "10.21.2.9")] {
            let at = day(1)
            batch.hosts.append(HostSighting(mac: try #require(MACAddress(mac)), vlan: 30, capturePoint: "mirror", vendor: nil, pd: "BAPPEDA",
                                            firstSeen: at, lastSeen: at, framesSampled: 1,
                                            addresses: [AddressSighting(address: try #require(IPAddress(ip)), source: "arp", firstSeen: at, lastSeen: at)]))
        }
        try s.record(sightings: batch, captureFile: nil)

        func reconcile(on n: Double) throws -> FindingOperations.Report { try FindingOperations(store: s, clock: FixedClock(day(n))).reconcile() }
        func snapshot() throws -> ([Finding], [[FindingAction]]) {
            let all = try s.findings(pd: nil, includeResolved: true).sorted { $0.key < $1.key }
            return (all, try all.map { try s.findingActions(id: try #require($0.id)) })
        }
        // Within the 7 days nothing is missing yet.
        let early = try reconcile(on: 3)
        #expect(!early.findings.contains { $0.code == .missingDevice })
        #expect(early.findings.contains { $0.code == .diagramOverdue && $0.pd == "DINKES" }, "\(early.findings.map(\.message))")
        #expect(early.findings.contains { $0.code == .unknownEndpoint })
        let (atDay3, _) = try snapshot()
        // A day later, nothing changed: nothing is written.
        let next = try reconcile(on: 4)
        #expect(next.opened == 0 && next.resolved == 0 && next.reopened == 0)
        #expect(try snapshot().0 == atDay3)

        // Past the 7 days both Bappeda devices are missing, each message dated, never counted.
        let late = try reconcile(on: 9)
        let missing = Dictionary(uniqueKeysWithValues: late.findings.filter { $0.code == .missingDevice }.map { ($0.subject.device ?? "", $0) })
        #expect(Set(missing.keys) == ["sw-gone", "ap-aula"], "\(late.findings.map(\.message))")
        // 1_790_000_000 is 2026-09-21 14:13 UTC, 22:13 WITA (Manggarai's zone).
        #expect(missing["sw-gone"]?.message == "sw-gone is declared in diagram v1 but has not been seen since it was declared on 2026-09-21")
        #expect(missing["ap-aula"]?.message == "ap-aula is declared in diagram v1 but has not been seen since 2026-09-22")
        #expect(missing["ap-aula"]?.evidence.first?.details["not_seen_since"] == "2026-09-22")
        #expect(late.findings.first { $0.code == .diagramOverdue && $0.pd == "DINKES" }?.message
                == "latest diagram v1 of 2025-08-17 was due by 2026-08-17")
        let (before, beforeLog) = try snapshot()
        #expect(beforeLog.joined().map(\.action).sorted() == Array(repeating: "opened", count: beforeLog.joined().count))
        // The next day, and a month on: the same rows and the same log.
        for n in [10.0, 40] {
            let again = try reconcile(on: n)
            #expect(again.opened == 0 && again.resolved == 0 && again.reopened == 0)
            let (after, afterLog) = try snapshot()
            #expect(after == before, "day \(n): \(zip(before, after).filter { $0 != $1 }.map { "\($0.message) -> \($1.message)" })")
            #expect(afterLog == beforeLog)
        }
        #expect(try s.findings(pd: nil, includeResolved: false).allSatisfy { !$0.message.contains(" days") })
    }
}

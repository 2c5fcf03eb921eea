import Foundation
import Governance
import InventoryModel
import InventoryStore
import InventoryTesting
import Operations
import Storage
import Testing

/// The duty status from each PD's latest version alone equals the one read with every diagram.
@Suite struct DiagramStatusQueriesTests {
    static let t0 = Date(timeIntervalSince1970: 1_640_000_000)  // 2021-12-20

    @Test func sameRowsAsDiagramOperationsForEveryPDAndForOne() throws {
        let store = try PantauStore(inMemory: ())
        let profile = try RegionalProfile.load(path: Lab.repo + "/config/profiles/manggarai.yaml")
        try store.activate(profile: profile, by: "test", at: Self.t0)
        try store.saveRegistry(try PDRegistry.load(path: Lab.repo + "/config/registry.example.yaml", profile: profile), source: "x", at: Self.t0)
        let bytes = Array(try String(contentsOfFile: Lab.repo + "/config/examples/bappeda-lan.yaml", encoding: .utf8).utf8)
        // BAPPEDA: two versions, the latest old enough to be overdue; DINKES: one, current.
        for (pd, at, by) in [("BAPPEDA", Self.t0, "Maria"), ("BAPPEDA", Self.t0.addingTimeInterval(86400 * 30), "Yosef"),
                             ("DINKES", Self.t0.addingTimeInterval(86400 * 700), "Agus")] {
            let text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "pd: BAPPEDA", with: "pd: \(pd)")
            let (_, d, issues) = DiagramFile.check(Array(text.utf8), fileName: "x.yaml", registry: nil, expectedPD: pd)
            let diagram = try #require(d, "\(issues)")
            _ = try store.submit(NewSubmission(pd: pd, submitter: by, submittedAt: at, format: .yaml, fileName: "x.yaml", channel: "test",
                                               content: Array(text.utf8), diagram: diagram))
        }
        let clock = FixedClock(Self.t0.addingTimeInterval(86400 * 720))
        let full = try DiagramOperations(store: store, clock: clock).status()
        let light = try DiagramStatusQueries(store: store, clock: clock).status()
        #expect(light.pds == full.pds)
        #expect(full.pds.first { $0.pd == "BAPPEDA" }?.duty.state == .overdue && full.pds.first { $0.pd == "DINKES" }?.duty.state == .current)
        #expect(light.latest["BAPPEDA"] == SubmissionHead(pd: "BAPPEDA", version: 2, submittedAt: Self.t0.addingTimeInterval(86400 * 30), submitter: "Yosef"))
        let one = try DiagramStatusQueries(store: store, clock: clock).status(pd: "BAPPEDA")
        #expect(one.pds == full.pds.filter { $0.pd == "BAPPEDA" } && Array(one.latest.keys) == ["BAPPEDA"])
        #expect(try DiagramStatusQueries(store: store, clock: clock).status(pd: "DISDUKCAPIL").pds.first?.duty.state == .neverSubmitted)
    }
}

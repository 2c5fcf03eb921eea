import Collectors
import Foundation
import Governance
import InventoryModel
import InventoryStore
import InventoryTesting
import Operations
import Probes
import Reconciliation
import SNMPCore
import Storage
import Testing

/// The spec annex against devices as the probes read them from real recordings (the SNMP
/// corpus), stored as `pantau collect` stores them, with the example annex and catalogue.
@Suite struct SpecOperationsTests {
    static let at = Date(timeIntervalSince1970: 1_720_000_000)

    func inventory(_ recording: String, agent: String) async throws -> DeviceInventory {
        let rec = try SNMPRecording(contentsOf: "\(Lab.snmpCorpus)/\(recording).snmprec")
        return try await ProbeRunner(catalog: try ProbeCatalog.load(directory: Lab.repo + "/probes"))
            .inventory(client: RecordingSNMPClient(recording: rec, name: agent), agent: agent)
    }

    func store() async throws -> PantauStore {
        let store = try PantauStore(inMemory: ())
        let profile = try RegionalProfile.load(path: Lab.repo + "/config/profiles/manggarai.yaml")
        try store.activate(profile: profile, by: "test", at: Self.at)
        try store.saveRegistry(try PDRegistry.load(path: Lab.repo + "/config/registry.example.yaml", profile: profile), source: "x", at: Self.at)
        for (name, recording, agent) in [("ups-bappeda", "eaton-mgeups_9pxle", "udp:10.21.0.20:161"),
                                         ("sw-core", "routeros_crs317", "udp:10.21.0.2:161"),
                                         ("srv-stream", "linux_icecast", "udp:10.21.0.30:161")] {
            let inv = try await inventory(recording, agent: agent)
            _ = try store.record(PollOutcome(name: name, agent: agent, pd: "BAPPEDA", startedAt: Self.at, duration: 0.1, result: .success(inv)))
        }
        // Bappeda declares its core switch (by management IP) with its acquisition date.
        let yaml = """
            format: pantau-diagram/1
            pd: BAPPEDA
            boundary: {router: rtr}
            devices:
              - {id: rtr, role: router}
              - {id: core, role: switch, management_ip: 10.21.0.2, asset: {acquired: 2021-05-01}}
            links:
              - {a: "rtr:ether2", b: "core:sfp1"}
            """
        let (d, issues) = Diagram.parseYAML(yaml, file: "b.yaml")
        #expect(issues.isEmpty, "\(issues)")
        _ = try store.submit(NewSubmission(pd: "BAPPEDA", submitter: "t", submittedAt: Self.at, format: .yaml, fileName: "b.yaml",
                                           channel: "cli", content: Array(yaml.utf8), diagram: try #require(d)))
        return store
    }

    /// The assessment recorded as findings: below-spec and spec-unknown open with their figures,
    /// stay the same findings when recorded again, and resolve when the condition clears.
    @Test func theAssessmentBecomesFindingsThatResolveThemselves() async throws {
        let store = try await store()
        let ops = SpecOperations(store: store)
        let annex = try SpecAnnex.load(path: Lab.repo + "/config/examples/annex.example.yaml")
        let catalogue = try ModelCatalogue.load(path: Lab.repo + "/config/examples/catalogue.example.yaml")
        var now = Self.at
        func findings(_ annex: SpecAnnex?) throws -> [Finding] {
            let clock = FixedClock(now)
            return try FindingOperations(store: store, clock: clock)
                .record(SpecOperations.detections(try ops.assess(annex: annex, catalogue: catalogue)), codes: SpecOperations.specCodes)
        }
        let first = try findings(annex)
        let below = Dictionary(uniqueKeysWithValues: first.filter { $0.code == .belowSpec }.map { ($0.subject.device ?? "", $0) })
        #expect(Set(below.keys) == ["ups-bappeda", "sw-core", "srv-stream"], "\(first.map(\.message))")
        let ups = try #require(below["ups-bappeda"])
        #expect(ups.pd == "BAPPEDA" && ups.message == "ups-bappeda: ups_va: below spec (1000 VA < 1500 VA)")
        #expect(ups.evidence.first?.details["ups_va"]?.contains("annex line") == true)
        #expect(ups.evidence.first?.details["annex"]?.contains("effective") == true)
        // The router Bappeda declares but nobody polls: nothing to assess it with.
        #expect(first.contains { $0.code == .specUnknown && $0.subject.device == "rtr" })
        // Again: the same findings, first seen kept.
        now = now.addingTimeInterval(3600)
        let again = try findings(annex)
        #expect(Set(again.map(\.id)) == Set(first.map(\.id)))
        #expect(again.first { $0.id == ups.id }?.firstSeen == ups.firstSeen)
        // Without an annex nothing is below spec any more (nothing can be assessed): the
        // below-spec findings resolve and every device is spec-unknown.
        now = now.addingTimeInterval(3600)
        let none = try findings(nil)
        #expect(none.allSatisfy { $0.code == .specUnknown } && none.count == 4, "\(none.map(\.message))")
        let all = try FindingOperations(store: store, clock: FixedClock(now)).list(includeResolved: true, codes: [.belowSpec])
        #expect(all.count == 3 && all.allSatisfy { !$0.isActive })
    }

    @Test func oneDeviceIsBelowSpecOneCannotBeAssessedAndNoneWithoutAnAnnex() async throws {
        let store = try await store()
        let ops = SpecOperations(store: store)
        let annex = try SpecAnnex.load(path: Lab.repo + "/config/examples/annex.example.yaml")
        let catalogue = try ModelCatalogue.load(path: Lab.repo + "/config/examples/catalogue.example.yaml")
        let report = try ops.assess(annex: annex, catalogue: catalogue)
        let by = Dictionary(uniqueKeysWithValues: report.assessments.map { ($0.assessment.device, $0) })

        // The Eaton 9PX answers UPS-MIB: rated 1000 VA, below the (invented) 1500 VA.
        let ups = try #require(by["ups-bappeda"]?.assessment)
        #expect(ups.deviceClass == .ups)
        #expect(ups.overall == .below)
        #expect(ups.results.map(\.description) == ["ups_va: below spec (1000 VA < 1500 VA)"])

        // The CRS317, declared by Bappeda as a switch bought before the annex took effect:
        // ports from IF-MIB, PoE budget and SNMPv3 from the catalogue.
        let sw = try #require(by["sw-core"])
        #expect(sw.declared == "core")
        #expect(sw.assessment.deviceClass == .switch_ && sw.assessment.period == .beforeEffective)
        let swResults = Dictionary(uniqueKeysWithValues: sw.assessment.results.compactMap { r in r.requirement.map { ($0, r) } })
        #expect(swResults[.portCount]?.verdict == .below, "\(sw.assessment.results)")
        #expect(swResults[.portSpeed]?.verdict == .meets)
        #expect(swResults[.poeBudget]?.verdict == .below)
        #expect(swResults[.snmpv3]?.verdict == .meets)

        // The Linux streaming server: HOST-RESOURCES-MIB says 1 core; its class comes from
        // what it says of itself (no declaration).
        let srv = try #require(by["srv-stream"]?.assessment)
        #expect(srv.deviceClass == .server)
        #expect(srv.results.first { $0.requirement == .cpuCores }?.verdict == .below)
        #expect(srv.results.first { $0.requirement == .snmpv3 }?.verdict == .cannotAssess)

        // The declared router is not polled: it cannot be assessed, and says why.
        let rtr = try #require(report.assessments.first { $0.from == "diagram" && $0.declared == "rtr" })
        #expect(rtr.assessment.overall == .cannotAssess)
        #expect(rtr.assessment.results.allSatisfy { $0.verdict == .cannotAssess && $0.reason != nil })

        #expect(report.summary.counts[.beforeEffective]?[.below] == 1)
        #expect(report.summary.counts[.unknown]?[.below] == 2)
        #expect(report.summary.counts[.unknown]?[.cannotAssess] == 1)

        // Polled with SNMPv3 (the collector's configuration says so): the Linux server meets it.
        let v3 = try ops.assess(annex: annex, catalogue: catalogue, snmpVersions: ["srv-stream": 3])
        let srv3 = try #require(v3.assessments.first { $0.assessment.device == "srv-stream" }?.assessment)
        #expect(srv3.results.first { $0.requirement == .snmpv3 }?.description == "snmpv3: meets (speaks SNMPv3)")

        // No annex loaded: nothing passes.
        let none = try ops.assess(annex: nil, catalogue: catalogue)
        #expect(none.annex == nil)
        #expect(none.assessments.count == report.assessments.count)
        #expect(none.assessments.allSatisfy { $0.assessment.overall == .cannotAssess })
        // The report is JSON for the front ends.
        let json = try PantauJSON.text(report)
        #expect(json.contains("\"before_effective\""))
    }
}

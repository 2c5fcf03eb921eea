import Foundation
import Governance
import InventoryModel
import InventoryTesting
import InventoryStore
import Storage
import Testing

@Suite("Diagram submissions in the store")
struct GovernanceStoreTests {
    func at(_ iso: String) -> Date {
        // Test literals are valid ISO 8601 times.
        ISO8601DateFormatter().date(from: iso)!
    }

    func new(_ d: Diagram, _ text: String, _ when: String, by: String = "Maria") -> NewSubmission {
        NewSubmission(pd: d.pd, submitter: by, submittedAt: at(when), format: .yaml, fileName: "bappeda.yaml", channel: "cli",
                      content: Array(text.utf8), diagram: d)
    }

    static func profile(_ id: String) throws -> RegionalProfile { try RegionalProfile.load(path: "\(Lab.repo)/config/profiles/\(id).yaml") }

    static func exampleRegistry() throws -> PDRegistry {
        try PDRegistry.load(path: "\(Lab.repo)/config/registry.example.yaml", profile: try profile("manggarai"))
    }

    func parse(_ text: String) throws -> Diagram {
        let (_, d, issues) = DiagramFile.check(Array(text.utf8), fileName: "x.yaml", registry: try Self.exampleRegistry(), expectedPD: "BAPPEDA")
        return try #require(d, "\(issues)")
    }

    /// A stored submission cannot be changed or removed, even by someone who opens the
    /// database file with another SQLite client: the store's triggers refuse it.
    @Test(arguments: StoreBackend.allCases)
    func submissionsAreImmutableInTheFileItself(backend: StoreBackend) throws {
        let made = try backend.makeStore("gov")
        defer { made.remove() }
        let text = try String(contentsOfFile: Lab.repo + "/config/examples/bappeda-lan.yaml", encoding: .utf8)
        do {
            let store = try made.open()
            try store.saveRegistry(try Self.exampleRegistry(), source: "registry.example.yaml", at: at("2024-01-01T00:00:00Z"))
            try store.submit(new(try parse(text), text, "2024-01-10T02:00:00Z"))
        }
        try #require(backend != .sqlite || FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3"), "sqlite3 is installed by scripts/setup.sh")
        for statement in ["UPDATE gov_submission SET submitter = 'Mallory'",
                          backend == .sqlite ? "UPDATE gov_submission SET content = x'00'" : "UPDATE gov_submission SET content = '\\x00'",
                          "DELETE FROM gov_submission"] {
            let r = try made.rawSQL(statement)
            #expect(r.status != 0 && r.stderr.contains("diagram submissions are immutable"), "\(statement): \(r)")
        }
        let store = try made.open(.readOnly)
        #expect(try store.submissions(pd: "BAPPEDA").map(\.submitter) == ["Maria"])
        #expect(try store.submissionContent(pd: "BAPPEDA", version: 1) == Array(text.utf8))
    }

    @Test(arguments: StoreBackend.allCases)
    func threeVersionsHistoryDiffAndChangeReports(backend: StoreBackend) throws {
        let made = try backend.makeStore("gov")
        defer { made.remove() }
        let store = try made.open()
        try store.saveRegistry(try Self.exampleRegistry(), source: "registry.example.yaml", at: at("2024-01-01T00:00:00Z"))
        try store.activate(profile: try Self.profile("manggarai"), by: "test", at: at("2024-01-01T00:00:00Z"))
        let t1 = try String(contentsOfFile: Lab.repo + "/config/examples/bappeda-lan.yaml", encoding: .utf8)
        let t2 = t1.replacingOccurrences(of: "    model: TL-SG1024\n", with: "    model: TL-SG1024DE\n")
        let t3 = t2.replacingOccurrences(of: "  - {a: \"sw-core:Gi1/0/3\", b: \"ap-lobby:eth0\", media: copper, speed_mbps: 1000}\n", with: "")
        try store.openChangeDuty(pd: "BAPPEDA", reason: "switch sw-lt2 replaced (seen by reconciliation)", at: at("2024-03-01T00:00:00Z"), due: nil)

        let (s1, r1) = try store.submit(new(try parse(t1), t1, "2024-01-10T02:00:00Z"))
        #expect(s1.version == 1 && r1 == nil)
        #expect(s1.sha256 == sha256Hex(Array(t1.utf8)))
        let (s2, r2) = try store.submit(new(try parse(t2), t2, "2024-06-10T02:00:00Z"))
        #expect(s2.version == 2)
        #expect(r2?.diff.devicesChanged.map(\.id) == ["sw-lt2"])
        let (s3, r3) = try store.submit(new(try parse(t3), t3, "2025-01-05T02:00:00Z", by: "Diskominfo on behalf of Bappeda"))
        #expect(s3.version == 3)
        #expect(r3?.diff.linksRemoved == ["ap-lobby:eth0 <-> sw-core:Gi1/0/3"])
        // Same content again: a new version, but no change report.
        let (s4, r4) = try store.submit(new(try parse(t3), t3, "2025-01-06T02:00:00Z"))
        #expect(s4.version == 4 && r4 == nil)
        // The latest version's head (the portal's duty status), without its diagram, on every backend.
        let head = SubmissionHead(pd: "BAPPEDA", version: 4, submittedAt: at("2025-01-06T02:00:00Z"), submitter: "Maria")
        #expect(try store.latestSubmissionHeads(pd: nil) == ["BAPPEDA": head])
        #expect(try store.latestSubmissionHeads(pd: "BAPPEDA") == ["BAPPEDA": head] && store.latestSubmissionHeads(pd: "DINKES").isEmpty)

        // Reopen the file: everything persisted.
        let again = try made.open()
        let history = try again.submissions(pd: "BAPPEDA")
        #expect(history.map(\.version) == [1, 2, 3, 4])
        #expect(history.map(\.submitter)[2] == "Diskominfo on behalf of Bappeda")
        #expect(try again.submissionContent(pd: "BAPPEDA", version: 1) == Array(t1.utf8))
        #expect(try again.changeReports(pd: "BAPPEDA").map(\.toVersion) == [2, 3])
        let diff13 = DiagramDiff(from: history[0].diagram, to: history[2].diagram)
        #expect(diff13.devicesChanged.map(\.id) == ["sw-lt2"] && diff13.linksRemoved.count == 1)
        // The change duty closed with the first submission after it was opened.
        let duties = try again.changeDuties(pd: "BAPPEDA", includeClosed: true)
        #expect(duties.count == 1 && duties[0].closedByVersion == 1)
        #expect(try again.changeDuties(pd: "BAPPEDA", includeClosed: false).isEmpty)
        #expect(try again.activeProfile()?.id == "manggarai")
        #expect(try again.registry()?.pds.count == 5)
    }
}

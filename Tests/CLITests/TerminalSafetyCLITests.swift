import Foundation
import Governance
import InventoryModel
import InventoryStore
import InventoryTesting
import Storage
import Testing

/// Text from outside (a device's strings, an uploader's name, a diagram's fields) reaches the
/// terminal with its control characters escaped; the store keeps it exactly as received.
@Suite struct TerminalSafetyCLITests {
    static let hostile = "evil\u{1B}]0;PWNED\u{07}\u{1B}[2J\nFAKE ROW"
    static let shown = "evil\\e]0;PWNED\\x07\\e[2J\\nFAKE ROW"

    func pantau(_ args: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try run(Lab.pantauBinary, args, environment: ["PANTAU_PROBES": Lab.repo + "/probes"], timeout: 120)
    }

    func expectClean(_ text: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "\(what): raw control characters", sourceLocation: sourceLocation)
        #expect(!text.contains("\nFAKE ROW"), "\(what): a forged line", sourceLocation: sourceLocation)
    }

    /// An agent (snmpsim over a recording written here) whose sysName and sysLocation hold
    /// escape sequences and a newline.
    @Test func aDevicesStringsAreEscapedInPollCollectAndInventory() throws {
        let dir = try Lab.temporaryDirectory("terminal")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/data", withIntermediateDirectories: true)
        let hex = Self.hostile.utf8.map { String(format: "%02x", $0) }.joined()
        try """
            1.3.6.1.2.1.1.1.0|4|Linux gw 5.10.0 #1 SMP x86_64
            1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.8072.3.2.10
            1.3.6.1.2.1.1.3.0|67|123456
            1.3.6.1.2.1.1.5.0|4x|\(hex)
            1.3.6.1.2.1.1.6.0|4x|\(hex)
            """.write(toFile: dir + "/data/hostile.snmprec", atomically: true, encoding: .utf8)
        let sim = try SNMPSimAgent(dataDir: dir + "/data", readyCommunity: "hostile")
        defer { sim.stop() }
        let poll = try pantau(["poll", sim.agent, "--community", "hostile", "--timeout", "5", "--retries", "1"])
        #expect(poll.status == 0, "\(poll.stderr)")
        expectClean(poll.stdout, "poll")
        #expect(poll.stdout.contains("sysName       \(Self.shown)"), "\(poll.stdout)")

        try """
            credentials: { c: { version: v2c, community: hostile } }
            targets:
              - { name: gw, agent: "\(sim.agent)", credentials: c }
            """.write(toFile: dir + "/c.yaml", atomically: true, encoding: .utf8)
        let store = dir + "/p.sqlite"
        let collect = try pantau(["collect", "--once", "--config", dir + "/c.yaml", "--store", store])
        #expect(collect.status == 0, "\(collect.stdout) \(collect.stderr)")
        expectClean(collect.stdout, "collect")
        let list = try pantau(["inventory", "list", "--store", store])
        expectClean(list.stdout, "inventory list")
        #expect(list.stdout.split(separator: "\n").count == 2, "one header and one row:\n\(list.stdout)")
        let show = try pantau(["inventory", "show", "gw", "--store", store])
        expectClean(show.stdout, "inventory show")
        // The JSON and the store keep the value exactly.
        let json = try pantau(["inventory", "show", "gw", "--json", "--store", store])
        let inv = try JSONDecoder.iso.decode(DeviceInventory.self, from: Data(json.stdout.utf8))
        #expect(inv.sysName == Self.hostile && inv.sysLocation == Self.hostile)
        #expect(try PantauStore(path: store, access: .readOnly).device("gw")?.summary.sysName == Self.hostile)
    }

    /// An uploader's name as it arrives over HTTP, and escape codes in a diagram's fields.
    @Test func uploaderNamesAndDiagramFieldsAreEscapedInHistoryAndDiff() throws {
        let dir = try Lab.temporaryDirectory("terminal")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/p.sqlite"
        let store = try PantauStore(path: path)
        let profile = try RegionalProfile.load(path: Lab.repo + "/config/profiles/manggarai.yaml")
        try store.activate(profile: profile, by: "test", at: Date(timeIntervalSince1970: 1_700_000_000))
        let registry = try PDRegistry.load(path: Lab.repo + "/config/registry.example.yaml", profile: profile)
        try store.saveRegistry(registry, source: "example", at: Date(timeIntervalSince1970: 1_700_000_000))
        let v1 = try String(contentsOfFile: Lab.repo + "/config/examples/bappeda-lan.yaml", encoding: .utf8)
        let v2 = v1.replacingOccurrences(of: "    model: TL-SG1024\n", with: "    model: \"TL-SG1024\\e[2J\\nFAKE ROW\"\n")
        for (i, text) in [v1, v2].enumerated() {
            let (_, d, issues) = DiagramFile.check(Array(text.utf8), fileName: "b.yaml", registry: registry, expectedPD: "BAPPEDA")
            let diagram = try #require(d, "\(issues)")
            try store.submit(NewSubmission(pd: "BAPPEDA", submitter: Self.hostile, submittedAt: Date(timeIntervalSince1970: 1_705_000_000 + Double(i)),
                                           format: .yaml, fileName: "b.yaml", channel: "http", content: Array(text.utf8), diagram: diagram))
        }
        let history = try pantau(["diagram", "history", "--pd", "BAPPEDA", "--store", path])
        #expect(history.status == 0, "\(history.stderr)")
        expectClean(history.stdout, "diagram history")
        #expect(history.stdout.split(separator: "\n").count == 2 && history.stdout.contains("by \(Self.shown) via http"), "\(history.stdout)")
        let diff = try pantau(["diagram", "diff", "--pd", "BAPPEDA", "--store", path])
        expectClean(diff.stdout, "diagram diff")
        #expect(diff.stdout.contains("~ device sw-lt2 model: TL-SG1024 -> TL-SG1024\\e[2J\\nFAKE ROW"), "\(diff.stdout)")
        #expect(try store.submissions(pd: "BAPPEDA").allSatisfy { $0.submitter == Self.hostile })
    }
}

extension JSONDecoder {
    static var iso: JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }
}

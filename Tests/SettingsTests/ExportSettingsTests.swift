import Foundation
import InventoryTesting
import Settings
import Testing

@Suite struct ExportSettingsTests {
    func load(_ yaml: String) throws -> PantauConfig {
        try loadConfig("credentials: {c: {version: v2c, community: x}}\ntargets: [{name: r, agent: \"udp:10.0.0.1:161\", credentials: c}]\n" + yaml)
    }

    @Test func theSectionIsReadPathsResolveAndTheExampleLoads() throws {
        let none = try load("").exports
        #expect(none.classification == nil && none.annex == nil && none.chromium == "chromium")
        let e = try load("exports:\n  classification: \" RAHASIA \"\n  annex: annex.yaml\n  catalogue: /etc/pantau/models.yaml\n  chromium: /usr/bin/chromium\n").exports
        #expect(e.classification == "RAHASIA" && e.annex?.hasSuffix("/annex.yaml") == true && e.annex != "annex.yaml")
        #expect(e.catalogue == "/etc/pantau/models.yaml" && e.chromium == "/usr/bin/chromium")
        let text = try String(contentsOfFile: Lab.repo + "/config/pantau.example.yaml", encoding: .utf8)
        let section = try #require(text.components(separatedBy: "\nexports:\n").last)
        #expect(try load("exports:\n" + section).exports.classification == "TERBATAS / RESTRICTED")
    }

    @Test func aBadLabelOrKeyIsNamedWithItsLine() throws {
        do {
            _ = try load("exports:\n  classification: \"\"\n  colour: red\n")
            Issue.record("expected issues")
        } catch {
            let text = "\(error)"
            #expect(text.contains("pantau.yaml:4:") && text.contains("1 to 80 characters") && text.contains("colour"), "\(text)")
        }
    }
}

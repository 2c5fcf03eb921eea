import Foundation
import InventoryTesting
import Settings
import Testing
import YAMLSupport

/// The `uptime:` section: raw status poll retention, its default (the example file documents it),
/// and a bad value named with its line.
@Suite struct UptimeSettingsTests {
    func load(_ yaml: String) throws -> PantauConfig {
        try loadConfig("credentials: {c: {version: v2c, community: x}}\ntargets: [{name: r, agent: \"udp:10.0.0.1:161\", credentials: c}]\n" + yaml)
    }

    @Test func defaultsWithoutTheSectionAndTheExampleMatchesThem() throws {
        #expect(try load("").uptime == UptimeSettings() && UptimeSettings().rawDays == 90)
        let text = try String(contentsOfFile: Lab.repo + "/config/pantau.example.yaml", encoding: .utf8)
        let section = try #require(text.components(separatedBy: "\nuptime:\n").last?.components(separatedBy: "\n\n").first)
        #expect(try load("uptime:\n" + section + "\n").uptime == UptimeSettings())
    }

    @Test func valuesAreReadAndBadOnesNamedWithTheirLine() throws {
        #expect(try load("uptime:\n  retention_days: {raw: 30}\n").uptime.rawDays == 30)
        do {
            _ = try load("uptime:\n  retention_days: {raw: 0, daily: 3}\n")
            Issue.record("expected issues")
        } catch {
            let text = "\(error)"
            #expect(text.contains("pantau.yaml:4:") && text.contains("between 1 and 36600") && text.contains("daily"))
        }
    }
}

import Foundation
import InventoryModel
import InventoryTesting
import Settings
import Testing
import YAMLSupport

@Suite struct TrafficSettingsTests {
    /// `yaml` after one target, so the file is a whole configuration.
    func load(_ yaml: String) throws -> PantauConfig {
        try loadConfig("credentials: {c: {version: v2c, community: x}}\ntargets: [{name: r, agent: \"udp:10.0.0.1:161\", credentials: c}]\n" + yaml)
    }

    @Test func defaultsWithoutTheSectionAndTheExampleMatchesThem() throws {
        let none = try load("")
        #expect(none.traffic == TrafficSettings())
        #expect(none.traffic.retention.fiveMinuteDays == 400 && none.traffic.allocationShare == 0.8)
        // The example file documents the defaults, and loads.
        let text = try String(contentsOfFile: Lab.repo + "/config/pantau.example.yaml", encoding: .utf8)
        let section = try #require(text.components(separatedBy: "\ntraffic:\n").last)
        #expect(try load("traffic:\n" + section).traffic == TrafficSettings())
    }

    @Test func valuesAreReadAndBadOnesNamedWithTheirLine() throws {
        let t = try load("traffic:\n  retention_days: {raw: 2, five_minute: 40}\n  allocation_share: 0.9\n  gap_factor: 4\n").traffic
        #expect(t.retention.rawDays == 2 && t.retention.fiveMinuteDays == 40 && t.retention.hourlyDays == 1_100)
        #expect(t.allocationShare == 0.9 && t.gapFactor == 4 && t.policy.gapThreshold(median: 60) == 240)
        do {
            _ = try load("traffic:\n  retention_days: {five_minute: 7}\n  allocation_share: 1.5\n  stray: 1\n")
            Issue.record("expected issues")
        } catch {
            let text = "\(error)"
            #expect(text.contains("pantau.yaml:4:") && text.contains("five_minute") && text.contains("between 32 and 36600"))
            #expect(text.contains("pantau.yaml:5:") && text.contains("at most 1"))
            #expect(text.contains("stray"))
        }
    }
}

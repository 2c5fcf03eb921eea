import Foundation
import InventoryTesting
import Settings
import Testing

/// The `collector:` section (a fleet collector's identity, spool and targets).
@Suite struct CollectorSettingsTests {
    func load(_ yaml: String) throws -> PantauConfig {
        try loadConfig("""
            credentials: {c: {version: v2c, community: x}}
            targets:
              - {name: r1, agent: "udp:10.0.0.1:161", credentials: c, pd: DINKES}
              - {name: r2, agent: "udp:10.0.0.2:161", credentials: c, pd: BAPPEDA}
              - {name: r3, agent: "udp:10.0.0.3:161", credentials: c}

            """ + yaml)
    }

    @Test func theSectionSelectsTargetsByPDAndNameAndTheSpoolResolves() throws {
        #expect(try load("").collector == nil)
        let all = try #require(try load("collector: {id: site-a}\n").collector)
        #expect(all.spool.hasSuffix("/var/spool-site-a.sqlite") && all.spool.hasPrefix("/") && all.heartbeatSeconds == 5 && all.leaseSeconds == 30)
        #expect(all.spoolMaxMB == 2048)
        let config = try load("collector: {id: puskesmas.ruteng-1, spool: s/spool.sqlite, pds: [DINKES], targets: [r3], heartbeat_seconds: 2, spool_max_mb: 64}\n")
        let c = try #require(config.collector)
        #expect(c.id == "puskesmas.ruteng-1" && c.spool.hasSuffix("/s/spool.sqlite") && c.heartbeatSeconds == 2 && c.spoolMaxMB == 64)
        #expect(c.selected(config).targets.map(\.name) == ["r1", "r3"])
        #expect(all.selected(config).targets.count == 3)
        // The example's (commented) section, uncommented, loads.
        let text = try String(contentsOfFile: Lab.repo + "/config/pantau.example.yaml", encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).drop { !$0.hasPrefix("# collector:") }
            .prefix { $0.hasPrefix("#") }.map { String($0.dropFirst(2)) }
        #expect(lines.count >= 6)
        let example = try #require(try load(lines.joined(separator: "\n").replacingOccurrences(of: "[core-router]", with: "[r3]") + "\n").collector)
        #expect(example.id == "puskesmas-ruteng" && example.spool == "/var/lib/pantau/spool.sqlite")
    }

    @Test func aBadIdAnUnknownPDOrTargetIsNamedWithItsLine() throws {
        do {
            _ = try load("collector:\n  id: \"site a/b\"\n")
            Issue.record("expected issues")
        } catch {
            #expect("\(error)".contains("pantau.yaml:7:") && "\(error)".contains("letters, digits"), "\(error)")
        }
        do {
            _ = try load("collector:\n  id: a\n  pds: [KOMINFO]\n  targets: [r9]\n  heartbeat_seconds: 0\n  spoool: x\n  spool_max_mb: 0\n")
            Issue.record("expected issues")
        } catch {
            let text = "\(error)"
            #expect(text.contains("no target belongs to PD \"KOMINFO\"") && text.contains("no target is named \"r9\"")
                    && text.contains("between 1 and 600") && text.contains("spoool") && text.contains("between 1 and 1048576 MiB"), "\(text)")
        }
        do {
            _ = try load("collector: {spool: x}\n")
            Issue.record("expected issues")
        } catch {
            #expect("\(error)".contains("id"), "\(error)")
        }
    }
}

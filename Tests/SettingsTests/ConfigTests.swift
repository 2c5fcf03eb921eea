import Settings
import Foundation
import InventoryTesting
import SNMPCore
import Testing
import YAMLSupport

@Suite struct ConfigTests {
    @Test func exampleConfigurationLoads() throws {
        let env = ["PANTAU_V3_AUTH": "auth-secret-1", "PANTAU_V3_PRIV": "priv-secret-1", "PANTAU_PRINTER_COMMUNITY": "printers"]
        let dir = try Lab.temporaryDirectory("cfg")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // The example points community_file at /etc; load a copy that points at a temp file.
        let text = try String(contentsOfFile: Lab.repo + "/config/pantau.example.yaml", encoding: .utf8)
            .replacingOccurrences(of: "/etc/pantau/secrets/legacy-community", with: dir + "/community")
        try "legacy-secret\n".write(toFile: dir + "/community", atomically: true, encoding: .utf8)
        try text.write(toFile: dir + "/pantau.yaml", atomically: true, encoding: .utf8)
        let cfg = try PantauConfig.load(path: dir + "/pantau.yaml", environment: env)
        #expect(cfg.targets.map(\.name) == ["core-router", "bappeda-sw1", "bappeda-printer"])
        #expect(cfg.targets[1].options.timeout == 5 && cfg.targets[1].options.retries == 3)
        #expect(cfg.targets[1].agent.description == "udp:10.20.1.2:161")
        #expect(cfg.targets[2].credentials.version == .v1)
        guard case .usm(let usm) = cfg.targets[0].credentials else { Issue.record("expected v3"); return }
        #expect(usm.authProtocol == .sha256 && usm.privProtocol == .aes && usm.authPassword?.revealed == "auth-secret-1")
        guard case .community(_, let c) = cfg.targets[1].credentials else { Issue.record("expected community"); return }
        #expect(c.revealed == "legacy-secret")
        let sampling = try #require(cfg.sampling)
        #expect(sampling.capturePoint == "core-span" && sampling.rate == 100 && sampling.reread == false)
        #expect(sampling.source == .files(["/var/spool/pantau/rotated/"]))
        #expect(sampling.pdMap == dir + "/pd-map.yaml")
        #expect(cfg.reconciliation.missingAfterDays == 7 && cfg.reconciliation.unmanagedSwitchMACs == 4 && cfg.reconciliation.sightingsDays == 30)
    }

    @Test func reconciliationSectionIsChecked() throws {
        let dir = try Lab.temporaryDirectory("cfg")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "reconciliation:\n  missing_after_days: -1\n  unmanaged_switch_macs: 1\n  colour: red\n".write(toFile: dir + "/c.yaml", atomically: true, encoding: .utf8)
        #expect(throws: ConfigIssues.self) { try PantauConfig.load(path: dir + "/c.yaml", environment: [:]) }
        do { _ = try PantauConfig.load(path: dir + "/c.yaml", environment: [:]) } catch {
            let text = error.description
            #expect(text.contains("c.yaml:2:23: reconciliation.missing_after_days: must be between 0 and 3650 days"), "\(text)")
            #expect(text.contains("c.yaml:3:26: reconciliation.unmanaged_switch_macs: must be between 2 and 4096"), "\(text)")
            #expect(text.contains("c.yaml:4:3: reconciliation.colour: unknown key"), "\(text)")
        }
        // Absent, the defaults.
        try "targets: []\n".write(toFile: dir + "/d.yaml", atomically: true, encoding: .utf8)
        #expect(try PantauConfig.load(path: dir + "/d.yaml", environment: [:]).reconciliation == ReconciliationSettings())
    }

    @Test func labConfigurationLoads() throws {
        let cfg = try PantauConfig.load(path: Lab.repo + "/config/lab.yaml")
        // Every recording, the lab's snmpd and the two PD routers in their namespaces.
        #expect(cfg.targets.count == Lab.recordings.count + 3)
        #expect(cfg.daemon.interval == 5 && cfg.targets.first { $0.name == "rtr-dinkes" }?.schedule.interval == 2)
        #expect(Set(cfg.targets.map(\.name)).isSuperset(of: Lab.recordings))
    }

    @Test func everyProblemIsReportedWithFileLineAndColumn() throws {
        let dir = try Lab.temporaryDirectory("cfg")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/bad.yaml"
        try """
            concurency: 4
            defaults:
              timeout: -1
            credentials:
              a:
                version: v3
                user: noc
                auth_password_env: NOT_SET_ANYWHERE
              b:
                version: v2c
              c:
                version: v2c
                community: hunter2-community
                comunity_file: /nowhere
            targets:
              - name: x
                agent: "udp:host:99999"
                credentials: a
              - name: y
                agent: 10.0.0.2
                credentials: missing
            """.write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try PantauConfig.load(path: path, environment: [:])
            Issue.record("expected errors")
        } catch {
            let lines = error.issues.map(\.description)
            #expect(lines.contains { $0.hasPrefix("\(path):1:1: concurency: unknown key \"concurency\" (did you mean \"concurrency\"?)") })
            #expect(lines.contains { $0 == "\(path):3:12: defaults.timeout: timeout must be more than 0 and at most 120 seconds" }, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("\(path):8:24: credentials.a.auth_password_env: environment variable NOT_SET_ANYWHERE is not set") })
            #expect(lines.contains { $0.hasPrefix("\(path):10:5: credentials.b: a v1/v2c credential set needs community") })
            #expect(lines.contains { $0.contains("targets[0].agent: \"udp:host:99999\" is not") })
            #expect(lines.contains { $0.contains("targets[1].credentials: no credential set named \"missing\"") })
            // The set with a mistake is reported; its community string is not.
            #expect(lines.contains { $0.contains("credentials.c.comunity_file: unknown key") }, "\(lines)")
            #expect(!lines.joined().contains("hunter2-community"))
        }
    }
}

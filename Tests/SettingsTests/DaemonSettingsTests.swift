import Settings
import Foundation
import InventoryModel
import InventoryTesting
import Testing
import YAMLSupport

@Suite("daemon: configuration section and target schedules")
struct DaemonSettingsTests {
    func load(_ yaml: String) throws -> PantauConfig {
        let dir = try Lab.temporaryDirectory("pantau-config")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/pantau.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return try PantauConfig.load(path: path, environment: [:])
    }

    @Test("defaults, a full section, and each target's interval, inventory_interval and hosting")
    func full() throws {
        let none = try load("targets: []")
        #expect(none.daemon == DaemonSettings() && none.daemon.interval == 60 && none.daemon.inventoryInterval == 21_600)
        #expect(none.daemon.downAfter == 2 && none.daemon.metrics?.host == "127.0.0.1" && none.daemon.metrics?.port == 9464)
        let c = try load("""
            credentials: { c: { community: x } }
            daemon:
              interval: 30s
              inventory_interval: 2h
              down_after: 3
              metrics: "[::1]:9100"
              availability_targets: { colocation: 99.9, vps: 99.5 }
            targets:
              - { name: a, agent: "udp:10.0.0.1", credentials: c, interval: 15, inventory_interval: 1d, hosting: vps }
              - { name: b, agent: "udp:10.0.0.2", credentials: c }
            """)
        #expect(c.daemon.interval == 30 && c.daemon.inventoryInterval == 7200 && c.daemon.downAfter == 3)
        #expect(c.daemon.metrics?.host == "::1" && c.daemon.metrics?.port == 9100)
        #expect(c.daemon.availabilityTargets == [.colocation: 99.9, .vps: 99.5])
        #expect(c.targets[0].schedule == TargetSchedule(interval: 15, inventoryInterval: 86_400, hosting: .vps))
        #expect(c.targets[1].schedule == TargetSchedule())
        #expect(try load("daemon: { metrics: off }\ntargets: []").daemon.metrics == nil)
    }

    @Test("every mistake is reported at its line, all at once")
    func errors() throws {
        do {
            _ = try load("""
                credentials: { c: { community: x } }
                daemon:
                  interval: 0
                  inventory_interval: soon
                  down_after: 0
                  metrics: everywhere
                  availability_targets: { colo: 99, vps: 101 }
                targets:
                  - { name: a, agent: "udp:10.0.0.1", credentials: c, hosting: cloud, interval: 2w }
                """)
            Issue.record("accepted a bad section")
        } catch {
            let lines = ((error as? ConfigIssues)?.issues ?? []).map { $0.description.replacingOccurrences(of: $0.file, with: "FILE") }
            #expect(lines.count == 8, "\(lines)")
            #expect(lines.contains("FILE:3:13: daemon.interval: must be between 1 and 86400 seconds (a number, or with s, m, h or d)"), "\(lines)")
            #expect(lines.contains { $0.hasPrefix("FILE:4:23: daemon.inventory_interval: expected seconds") }, "\(lines)")
            #expect(lines.contains("FILE:5:15: daemon.down_after: down_after must be between 1 and 100 polls"), "\(lines)")
            #expect(lines.contains { $0.hasPrefix("FILE:6:12: daemon.metrics: \"everywhere\" is not HOST:PORT") }, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("FILE:7:27: daemon.availability_targets.colo: unknown key") }, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("FILE:7:42: daemon.availability_targets.vps: an availability target is a percentage") }, "\(lines)")
            #expect(lines.contains { $0.contains("targets[0].hosting: \"cloud\" is not one of: colocation, vps, pd") }, "\(lines)")
            #expect(lines.contains { $0.contains("targets[0].interval: expected seconds") }, "\(lines)")
        }
    }
}

import Settings
import Foundation
import InventoryModel
import InventoryTesting
import Testing
import YAMLSupport

@Suite("sampling: configuration section")
struct SamplingSettingsTests {
    func load(_ yaml: String) throws -> PantauConfig { try loadConfig(yaml) }

    @Test("a full section parses, relative paths resolve against the config file")
    func full() throws {
        let c = try load("""
            targets: []
            sampling:
              capture_point: core-span
              read: [captures/, extra.pcapng]
              rate: 100
              mode: deterministic
              filter: "not port 22"
              flush_interval: 30
              max_hosts: 5000
              max_traffic_keys: 9000
              pd_map: pd-map.yaml
            """)
        let s = try #require(c.sampling)
        guard case .files(let files) = s.source else { Issue.record("source \(s.source)"); return }
        #expect(files.count == 2 && files[0].hasSuffix("/captures/") && files[0].hasPrefix("/"))
        #expect(s.capturePoint == "core-span" && s.rate == 100 && s.mode == .deterministic && s.filter == "not port 22")
        #expect(s.flushInterval == 30 && s.maxHosts == 5000 && s.maxTrafficKeys == 9000 && s.pdMap?.hasSuffix("/pd-map.yaml") == true)
    }

    @Test("sflow and interface sources; defaults")
    func sources() throws {
        let a = try #require(try load("targets: []\nsampling:\n  sflow: 127.0.0.1:6343\n  duration: 60\n").sampling)
        #expect(a.source == .sflow(host: "127.0.0.1", port: 6343) && a.duration == 60 && a.rate == 1 && a.mode == .random)
        let b = try #require(try load("targets: []\nsampling:\n  sflow: \"[::1]:9999\"\n").sampling)
        #expect(b.source == .sflow(host: "::1", port: 9999))
        let c = try #require(try load("targets: []\nsampling:\n  interface: eth1\n  promiscuous: true\n  snaplen: 128\n").sampling)
        #expect(c.source == .interface("eth1") && c.promiscuous && c.snaplen == 128 && c.capturePoint == "eth1")
    }

    @Test("every mistake is reported with its location, all at once")
    func errors() throws {
        do {
            _ = try load("""
                targets: []
                sampling:
                  interface: eth1
                  sflow: somewhere
                  rate: 0
                  mode: sometimes
                  snaplen: 10
                  max_hostz: 5
                """)
            Issue.record("accepted a bad section")
        } catch {
            // Every mistake, each at its line and column, in one report.
            let lines = ((error as? ConfigIssues)?.issues ?? []).map { $0.description.replacingOccurrences(of: $0.file, with: "FILE") }
            #expect(lines == [
                "FILE:3:3: sampling: has interface and sflow; give exactly one source",
                "FILE:4:10: sampling.sflow: \"somewhere\" is not ADDRESS[:PORT] (an IPv4 or [IPv6] literal, e.g. 127.0.0.1:6343)",
                "FILE:5:9: sampling.rate: rate must be between 1 and 1000000 (1 = every packet)",
                "FILE:6:9: sampling.mode: \"sometimes\" is not one of: random, deterministic",
                "FILE:7:12: sampling.snaplen: snaplen must be between 64 and 65535",
                "FILE:8:3: sampling.max_hostz: unknown key \"max_hostz\" (did you mean \"max_hosts\"?); allowed: capture_point, duration, "
                    + "filter, flush_interval, interface, max_hosts, max_traffic_keys, mode, oui_file, pd_map, promiscuous, rate, read, "
                    + "reread, sflow, snaplen",
            ], "\(lines)")
        }
        do {
            _ = try load("targets: []\nsampling:\n  sflow: nowhere\n  rate: 0\n  mode: sometimes\n  snaplen: 10\n")
            Issue.record("accepted a bad section")
        } catch {
            let text = "\(error)"
            #expect(text.contains("not ADDRESS[:PORT]"))
            #expect(text.contains("rate must be between 1"))
            #expect(text.contains("sometimes"))
        }
        do {
            _ = try load("targets: []\nsampling:\n  interface: eth0\n  snaplen: 10\n")
            Issue.record("accepted snaplen 10")
        } catch { #expect("\(error)".contains("snaplen must be between 64")) }
    }

    @Test("PD map file")
    func pdMap() throws {
        let dir = try Lab.temporaryDirectory("pantau-config")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/pd.yaml"
        try "DISKOMINFO:\n  subnets: [10.10.0.0/24]\n  vlans: [10]\nBAPPEDA:\n  subnets: [10.20.0.0/16, 2001:db8::/48]\n".write(toFile: path, atomically: true, encoding: .utf8)
        let segs = try loadPDMap(path: path)
        #expect(segs.map(\.pd) == ["DISKOMINFO", "BAPPEDA"])
        #expect(segs.pd(for: IPAddress("10.20.3.4"), vlan: nil) == "BAPPEDA")
        try "X:\n  subnets: [10.0.0.0/33]\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ConfigIssues.self) { try loadPDMap(path: path) }
    }
}

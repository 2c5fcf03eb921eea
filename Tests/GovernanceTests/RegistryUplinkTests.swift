import Foundation
import Governance
import Testing

/// A boundary router's uplink interface (and the collector target polling it), where a PD's
/// traffic is read against its approved bandwidth.
@Suite struct RegistryUplinkTests {
    @Test func theExampleDeclaresUplinksByNameOrAliasAndATargetWhereNamesDiffer() throws {
        let r = try exampleRegistry()
        let bappeda = try #require(r["BAPPEDA"]?.boundaryRouters.first)
        #expect(bappeda.uplink == "WAN Telkom" && bappeda.target == "bappeda-gw")
        let diskominfo = try #require(r["DISKOMINFO"]?.boundaryRouters.first)
        #expect(diskominfo.uplink == "ge-0/0/0" && diskominfo.target == nil)
        #expect(r["DINKES"]?.boundaryRouters.map(\.uplink) == ["ether1", nil])
    }

    @Test func anEmptyUplinkOrAnUnknownKeyIsReportedWithItsLine() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let text = try String(contentsOfFile: repoFile("config/registry.example.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "uplink: ge-0/0/0}", with: "uplink: \" \", uplnk: x}")
        try text.write(toFile: dir + "/r.yaml", atomically: true, encoding: .utf8)
        do {
            _ = try PDRegistry.load(path: dir + "/r.yaml", profile: try profile("manggarai"))
            Issue.record("expected issues")
        } catch {
            let line = text.components(separatedBy: "\n").firstIndex { $0.contains("uplnk") }.map { $0 + 1 } ?? 0
            #expect("\(error)".contains("r.yaml:\(line):") && "\(error)".contains("must name an interface") && "\(error)".contains("uplnk"))
        }
    }
}

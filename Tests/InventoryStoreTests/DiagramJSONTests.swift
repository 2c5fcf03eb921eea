import Foundation
import Governance
import InventoryTesting
import Testing

@testable import InventoryStore

/// The store reads its diagrams' JSON directly (`DiagramJSON`); JSONDecoder reads what that
/// reader does not take. Both must give the same diagram.
@Suite("stored diagrams' JSON: the direct reader and JSONDecoder agree")
struct DiagramJSONTests {
    func direct(_ text: String) -> Diagram? { Array(text.utf8).withUnsafeBufferPointer { DiagramJSON.decode($0) } }
    func decoded(_ text: String) -> Diagram? { try? JSONDecoder().decode(Diagram.self, from: Data(text.utf8)) }

    func diagrams() throws -> [Diagram] {
        var rng = SplitMix64(seed: 61)
        let words = ["", "sw-core", "Gi1/0/24", "Lantai 2 – “aula”", "ruang \"server\" \\ rak", "émoji 🛰️", "10.21.0.0/24", "\u{1}\t\n"]
        func w() -> String { words[Int.random(in: 0..<words.count, using: &rng)] }
        func maybe<T>(_ v: @autoclosure () -> T) -> T? { Bool.random(using: &rng) ? v() : nil }
        func src() -> SourceRef { SourceRef(line: maybe(Int.random(in: 1...500, using: &rng)), column: maybe(3), cell: maybe(w()), page: maybe(w())) }
        var out: [Diagram] = []
        let (example, issues) = Diagram.parseYAML(try String(contentsOfFile: Lab.repo + "/config/examples/bappeda-lan.yaml", encoding: .utf8), file: "b.yaml")
        #expect(issues.filter { $0.severity == .error }.isEmpty)
        out.append(try #require(example))
        for n in 0..<60 {
            let devices = (0..<Int.random(in: 0...12, using: &rng)).map { k in
                Diagram.Device(id: "dev\(k)\(w())", role: Diagram.Role.allCases[(n + k) % Diagram.Role.allCases.count], name: maybe(w()), vendor: maybe(w()),
                               model: maybe(w()), serial: maybe(w()), firmware: maybe(w()), managementIP: maybe("10.21.0.\(k)"),
                               macs: (0..<Int.random(in: 0...2, using: &rng)).map { "02:00:00:00:00:0\($0)" }, location: maybe(w()),
                               snmp: maybe(Bool.random(using: &rng)),
                               asset: maybe(Diagram.Asset(acquired: maybe("2021-05-01"), source: maybe(Diagram.Asset.Source.allCases[k % 5]), registerNumber: maybe(w()))),
                               source: src(), shape: maybe("mxgraph.cisco.switches.workgroup_switch"))
            }
            let links = (0..<Int.random(in: 0...5, using: &rng)).map { k in
                Diagram.Link(a: .init(device: w(), port: maybe(w())), b: .init(device: "sw\(k)", port: maybe("24")), media: maybe(Diagram.Media.allCases[k % 4]),
                             speedMbps: maybe(1000), source: src())
            }
            let vlans = (0..<Int.random(in: 0...3, using: &rng)).map { k in
                Diagram.VLAN(id: 10 + k, name: maybe(w()), subnet: maybe("10.21.\(k).0/24"), gateway: maybe("10.21.\(k).1"), source: src())
            }
            let segments = (0..<Int.random(in: 0...2, using: &rng)).map { k in
                Diagram.Segment(name: w() + "\(k)", vlan: maybe(10), kind: maybe(w()), approxHosts: maybe(40), accessSwitch: maybe(w()), accessPorts: maybe("1-20"),
                                source: src())
            }
            var d = Diagram(pd: "PD\(n)", site: maybe(w()), asOf: maybe("2026-11-01"),
                            boundary: maybe(Diagram.Boundary(router: "rtr", wanPort: maybe("ether1"), upstream: maybe(w()), wanAddress: maybe("10.0.0.2"),
                                                             bandwidthMbps: maybe([50, 0.5, 1e3][n % 3]), source: src())),
                            devices: devices, links: links, vlans: vlans, segments: segments, source: src())
            d.stockDrawing = maybe(Bool.random(using: &rng))
            out.append(d)
        }
        return out
    }

    @Test("the store's encoding of a diagram is read directly, to the diagram it came from")
    func roundTrip() throws {
        let pretty = JSONEncoder()
        pretty.outputFormatting = [.prettyPrinted, .sortedKeys]
        for d in try diagrams() {
            for text in [String(decoding: try JSONEncoder().encode(d), as: UTF8.self), String(decoding: try pretty.encode(d), as: UTF8.self)] {
                #expect(direct(text) != nil, "\(text)")
                #expect(direct(text) == d && decoded(text) == d, "\(text)")
            }
        }
    }

    @Test("text that is not such a diagram is refused, never misread")
    func refusals() throws {
        let good = String(decoding: try JSONEncoder().encode(try diagrams()[1]), as: UTF8.self)
        var broken: [String] = []
        for cut in stride(from: 0, to: good.utf8.count, by: 11) { broken.append(String(decoding: Array(good.utf8).prefix(cut), as: UTF8.self)) }
        broken += [good + "]", good.replacingOccurrences(of: "\"role\":\"", with: "\"role\":\"x"), good.replacingOccurrences(of: "\"pd\":", with: "\"pd\":1,\"p\":"),
                   good.replacingOccurrences(of: "\"macs\":[", with: "\"macs\":[1,"), good.replacingOccurrences(of: "\"id\":1", with: "\"id\":1.5"),
                   "{}", "{\"pd\":\"X\"}", "[]"]
        for text in broken {
            let d = direct(text)
            #expect(d == nil || d == decoded(text), "\(text)")
            if decoded(text) == nil { #expect(d == nil, "\(text)") }
        }
    }
}

import Compression
import Foundation
import Governance
import Testing

/// Every diagram check reports a stable code with exactly the parameters the code declares,
/// so a front end can say it in any language. Bad diagrams, each breaking rules on purpose,
/// between them produce every code there is (`DiagramIssueCode.allCases`, the source of truth).
@Suite("Diagram issue codes and their parameters")
struct DiagramIssueCodeTests {
    func check(_ text: String, name: String = "d.yaml", pd: String? = "BAPPEDA", limit: Int = DiagramFile.defaultSizeLimit) throws -> [DiagramIssue] {
        DiagramFile.check(Array(text.utf8), fileName: name, registry: try exampleRegistry(), expectedPD: pd, sizeLimit: limit).2
    }

    /// A drawing page: cells given as XML, inside the root every page has.
    static func page(_ name: String, _ cells: String) -> String {
        "<diagram name=\"\(name)\"><mxGraphModel><root><mxCell id=\"0\"/><mxCell id=\"1\" parent=\"0\"/>\(cells)</root></mxGraphModel></diagram>"
    }

    static func device(_ id: String, _ data: String, label: String? = nil) -> String {
        "<object id=\"\(id)\" label=\"\(label ?? id)\" \(data)><mxCell vertex=\"1\" parent=\"1\" style=\"rounded=1;\"><mxGeometry/></mxCell></object>"
    }

    static func edge(_ id: String, _ source: String?, _ target: String?, _ data: String = "") -> String {
        let ends = (source.map { " source=\"\($0)\"" } ?? "") + (target.map { " target=\"\($0)\"" } ?? "")
        return "<object id=\"\(id)\" label=\"\" \(data)><mxCell edge=\"1\" parent=\"1\"\(ends)><mxGeometry/></mxCell></object>"
    }

    /// Every rule of `Diagram.validate`, broken in YAML.
    static let badYAML = """
        format: pantau-diagram/1
        pd: BAPPEDA
        site: gedung-b
        boundary:
          router: sw-a
          wan_address: "not an address"
        devices:
          - {id: "bad id", role: switch}
          - {id: sw-a, role: switch, management_ip: 10.99.0.9, macs: ["48:8f:5a:10:21:01"]}
          - {id: sw-a, role: switch}
          - {id: sw-b, role: switch, management_ip: 10.21.0.300, macs: ["zz", "48:8f:5a:10:21:01"], asset: {acquired: "2021-13-45"}}
          - {id: srv, role: server, management_ip: 10.99.0.9}
        links:
          - {a: "sw-a:1", b: "ghost:2"}
          - {a: "sw-a:1", b: "sw-b:3"}
          - {a: "sw-b:5", b: "sw-b:5"}
          - {a: "sw-b:6", b: "sw-a:7", speed_mbps: 0}
          - {a: "sw-b:6", b: "sw-a:7"}
        vlans:
          - {id: 5000}
          - {id: 30, subnet: 10.99.1.0/24, gateway: 10.21.1.1}
          - {id: 30, subnet: 10.21.1.5/24, gateway: nope}
        segments:
          - {name: s1, vlan: 99, approx_hosts: -1, access_switch: ghost}
          - {name: s2, access_switch: sw-a, access_ports: "x-y"}
          - {name: s3, access_switch: srv}
          - {name: s4, access_switch: sw-a, access_ports: "1"}
        """

    /// A drawing declared with shape data, every shape and line wrong in its own way.
    static let badDrawing = "<mxfile>" + page("LAN", """
        <object id="bg" label="" pd="BAPPEDA" as_of="yesterday"><mxCell/></object>
        \(device("r1", "role=\"router\" boundary=\"yes\" bandwidth_mbps=\"lots\"", label: "Router A"))
        \(device("r2", "role=\"router\" boundary=\"yes\"", label: "Router B"))
        \(device("s1", "role=\"swich\""))
        \(device("s2", "role=\"switch\" colour=\"red\" acquired=\"2021-13-45\" snmp=\"maybe\" asset_source=\"gift\"", label: "SW-Lt2"))
        \(device("v1", "role=\"vlan\"", label: "VLAN tanpa nomor"))
        \(device("g1", "role=\"segment\" vlan=\"x\" hosts=\"many\"", label: "Staf"))
        <mxCell id="n1" value="Catatan" vertex="1" parent="1" style="rounded=1;"><mxGeometry/></mxCell>
        \(edge("e1", "r1", "s2", "media=\"pigeon\" speed_mbps=\"fast\""))
        \(edge("e2", "r1", nil))
        \(edge("e3", "r2", "n1"))
        """) + page("Lantai 2", "<object id=\"bg2\" label=\"\" pd=\"DINKES\"><mxCell/></object>") + "</mxfile>"

    /// Stock shapes only: an unlabelled and a repeated router, an unknown stencil, lines that make no cable.
    static let stockDrawing = "<mxfile>" + page("LAN", """
        <mxCell id="a" value="" vertex="1" parent="1" style="shape=mxgraph.cisco.routers.router;"><mxGeometry/></mxCell>
        <mxCell id="b" value="Switch" vertex="1" parent="1" style="shape=mxgraph.cisco.switches.workgroup_switch;"><mxGeometry/></mxCell>
        <mxCell id="c" value="Switch" vertex="1" parent="1" style="shape=mxgraph.cisco.switches.workgroup_switch;"><mxGeometry/></mxCell>
        <mxCell id="d" value="Mesin X" vertex="1" parent="1" style="shape=mxgraph.veeam.2d.proxy;"><mxGeometry/></mxCell>
        <mxCell id="e" value="Kotak" vertex="1" parent="1" style="rounded=1;"><mxGeometry/></mxCell>
        <mxCell id="f" value="Internet" vertex="1" parent="1" style="ellipse;shape=cloud;"><mxGeometry/></mxCell>
        <mxCell id="l1" edge="1" parent="1" source="b"><mxGeometry/></mxCell>
        <mxCell id="l2" edge="1" parent="1" source="b" target="b"><mxGeometry/></mxCell>
        <mxCell id="l3" edge="1" parent="1" source="c" target="d"><mxGeometry/></mxCell>
        <mxCell id="l4" edge="1" parent="1" source="c" target="f"><mxGeometry/></mxCell>
        <mxCell id="l5" edge="1" parent="1" source="a" target="f"><mxGeometry/></mxCell>
        """) + "</mxfile>"

    func everyIssue() throws -> [DiagramIssue] {
        var out: [DiagramIssue] = []
        out += try check(Self.badYAML)
        // Another PD's diagram, a PD with two sites and none named, an unknown boundary router.
        out += try check("format: pantau-diagram/1\npd: DINKES\nboundary: {router: ghost}\ndevices: [{id: a, role: switch}]\n")
        // An unregistered PD with no boundary router.
        out += try check("format: pantau-diagram/1\npd: NOPE\ndevices: [{id: a, role: switch}]\n", pd: nil)
        out += try check("format: pantau-diagram/1\npd: [BAPPEDA\n")
        out += DiagramFile.check([0xFF, 0xFE, 0x41], fileName: "x.yaml", registry: nil, expectedPD: nil).2
        out += try check(Self.badYAML, limit: 100)
        out += try check(Self.badDrawing, name: "d.drawio")
        out += try check(Self.stockDrawing, name: "s.drawio")
        // A drawing with no PD, and one of plain boxes only with no router drawn.
        out += try check("<mxfile>" + Self.page("p", Self.device("x", "role=\"switch\"")) + "</mxfile>", name: "p.drawio", pd: nil)
        out += try check("<mxfile>" + Self.page("p", "<mxCell id=\"x\" value=\"Box\" vertex=\"1\" parent=\"1\" style=\"rounded=1;\"><mxGeometry/></mxCell>")
                         + "</mxfile>", name: "b.drawio")
        // Only one router drawn, linked to nothing: taken as the boundary.
        out += try check("<mxfile>" + Self.page("p", "<mxCell id=\"r\" value=\"Gateway\" vertex=\"1\" parent=\"1\" style=\"shape=mxgraph.cisco.routers.router;\"><mxGeometry/></mxCell>")
                         + "</mxfile>", name: "r.drawio")
        out += try check("<mxfile></mxfile>", name: "e.drawio")
        let bomb = try RawDeflate.deflate([UInt8](repeating: 65, count: 20 * 1024 * 1024))
        out += try check("<mxfile><diagram name=\"p\">\(Data(bomb).base64EncodedString())</diagram></mxfile>", name: "bomb.drawio")
        return out
    }

    @Test func everyCodeIsReportedWithExactlyItsParameters() throws {
        let issues = try everyIssue()
        for issue in issues {
            let code = try #require(issue.code, "no code: \(issue)")
            #expect(Set(issue.params.keys) == Set(code.parameters), "\(code.rawValue) carries \(issue.params.keys.sorted()), declares \(code.parameters): \(issue)")
            #expect(issue.params.values.allSatisfy { !$0.isEmpty }, "\(code.rawValue) has an empty parameter: \(issue.params)")
        }
        let seen = Set(issues.compactMap(\.code))
        let unseen = DiagramIssueCode.allCases.filter { !seen.contains($0) }
        #expect(unseen.isEmpty, "codes no bad diagram produced: \(unseen.map(\.rawValue))")
    }

    @Test func theShapeIsNamedByItsLabelAndTheJSONFormIsUnchanged() throws {
        let issues = try check(Self.badDrawing, name: "d.drawio")
        let snmp = try #require(issues.first { $0.code == .snmpNotYesNo })
        #expect(snmp.params == ["shape": "SW-Lt2", "value": "maybe"])
        let acquired = try #require(issues.first { $0.code == .acquiredNotDate })
        #expect(acquired.params == ["device": "SW-Lt2", "value": "2021-13-45"])
        #expect(snmp.message == "\"maybe\" is not yes or no")
        let json = String(decoding: try JSONEncoder().encode(snmp), as: UTF8.self)
        #expect(!json.contains("params") && !json.contains("code") && json.contains("\"message\""), "\(json)")
        let back = try JSONDecoder().decode(DiagramIssue.self, from: Data(json.utf8))
        #expect(back.code == nil && back.message == snmp.message)
    }
}

import Foundation
import Governance
import Testing
import YAMLSupport

/// Drawings as PD technicians make them: diagrams.net's own network templates (stock shapes,
/// labels, no shape data; Fixtures/drawio-templates/SOURCES.md), read with the stencil table.
@Suite("Stock diagrams.net drawings")
struct DrawIOTemplateTests {
    static let fixtures = repoFile("Tests/GovernanceTests/Fixtures/drawio-templates")

    /// What each template draws, counted from its XML shape by shape (stencil → role by hand,
    /// not by the table): devices by role, and edges with a device at both ends.
    struct Expected: Sendable, CustomStringConvertible {
        var name: String
        var roles: [String: Int]
        var links: Int
        var labels: [String] = []
        var description: String { name }
    }

    static let templates: [Expected] = [
        Expected(name: "lan", roles: ["access_point": 4, "firewall": 1, "nas": 1, "pc": 20, "printer": 4, "router": 2, "server": 1], links: 28),
        Expected(name: "internet", roles: ["firewall": 10, "pc": 72, "printer": 12, "router": 6, "server": 27, "switch": 12], links: 142,
                 labels: ["NSP", "ISP", "router", "switch", "workstation", "printer", "firewall"]),
        Expected(name: "cisco_1", roles: ["access_point": 16, "firewall": 1, "pc": 1, "router": 5, "server": 11, "switch": 36], links: 55),
        Expected(name: "cisco_2", roles: ["firewall": 1, "nas": 4, "router": 21, "server": 2, "switch": 6], links: 30,
                 labels: ["Route Switch Processor"]),
        Expected(name: "citrix", roles: ["firewall": 5, "notebook": 2, "pc": 6, "router": 1, "server": 10, "switch": 1], links: 24,
                 labels: ["Client", "client", "Web Server", "DNS", "Secure Server", "Web service"]),
        Expected(name: "enterprise_1", roles: ["access_point": 4, "firewall": 1, "notebook": 31, "pc": 11, "router": 7, "server": 6,
                                               "switch": 2, "ups": 1], links: 13),
        Expected(name: "wireless_home_network", roles: ["access_point": 1, "firewall": 1, "notebook": 2, "pc": 2, "printer": 1], links: 6,
                 labels: ["Firewall", "PC", "Printer", "Laptop"]),
    ]

    func check(_ name: String, pd: String? = "BAPPEDA") throws -> (Diagram?, [DiagramIssue]) {
        let bytes = try readBytes("\(Self.fixtures)/\(name).xml")
        let (format, d, issues) = DiagramFile.check(bytes, fileName: "\(name).xml", registry: try exampleRegistry(), expectedPD: pd)
        #expect(format == .drawio)
        return (d, issues)
    }

    @Test(arguments: templates)
    func eachTemplateIsAcceptedWithWarningsAndEveryDeviceAndLinkRead(_ t: Expected) throws {
        let (d, issues) = try check(t.name)
        let diagram = try #require(d, "\(t.name) refused: \(issues.filter { !$0.isWarning })")
        #expect(issues.allSatisfy { $0.isWarning })
        #expect(!issues.isEmpty)
        // Repeated problems are summarised: one warning a kind, not one a cell.
        #expect(issues.count <= 8, "\(issues.map(\.description).joined(separator: "\n"))")
        #expect(Set(issues.map(\.path)).count == issues.count || issues.filter { $0.path == "links" }.count <= 4)
        #expect(diagram.pd == "BAPPEDA")
        var roles: [String: Int] = [:]
        for dev in diagram.devices { roles[dev.role.rawValue, default: 0] += 1 }
        #expect(roles == t.roles)
        #expect(diagram.links.count == t.links)
        #expect(diagram.devices.allSatisfy { $0.shape != nil && $0.source.cell != nil })
        // Ids are unique and valid; a labelled device keeps its label as its name.
        #expect(Set(diagram.devices.map(\.id)).count == diagram.devices.count)
        #expect(diagram.devices.allSatisfy { !$0.id.contains(where: \.isWhitespace) && !$0.id.contains(":") })
        let names = Set(diagram.devices.compactMap(\.name))
        for label in t.labels { #expect(names.contains(label), "\(t.name): no device named \"\(label)\" among \(names.sorted())") }
        // Every link joins two devices of the diagram.
        let ids = Set(diagram.devices.map(\.id))
        #expect(diagram.links.allSatisfy { ids.contains($0.a.device) && ids.contains($0.b.device) })
        // The stored form round-trips.
        let back = try JSONDecoder().decode(Diagram.self, from: JSONEncoder().encode(diagram))
        #expect(back == diagram)
    }

    @Test func lanTemplateNamesWhatReconciliationWillMiss() throws {
        let (d, issues) = try check("lan")
        let diagram = try #require(d)
        let text = issues.map(\.description).joined(separator: "\n")
        // Unlabelled: named by role and number, and said once for all 33.
        #expect(text.contains("warning: 33 devices have no label, so reconciliation cannot match them by name: 20 × mxgraph.networks.pc"), "\(text)")
        #expect(diagram.devices.filter { $0.role == .pc }.map(\.id).prefix(3) == ["pc-1", "pc-2", "pc-3"])
        // Edges to phones and clouds: one message, tallied by what the other end is.
        #expect(text.contains("6 links end on shapes that are not devices Pantau reconciles, so they are not checked: 4 × an unlabelled mxgraph.networks.mobile, \"Internet\" (mxgraph.networks.cloud) and \"Campus 2\" (mxgraph.networks.cloud)"), "\(text)")
        // The boundary: the one router drawn linked to the Internet cloud.
        let boundary = try #require(diagram.boundary)
        let router = try #require(diagram.devices.first { $0.id == boundary.router })
        #expect(router.role == .router && router.source.cell == "7c3789c024ecab99-54")
        #expect(text.contains("Pantau takes \(router.id) (mxgraph.networks.router), linked to \"Internet\", as where the WAN meets this LAN"))
        // Messages name the cell by page and id too, for diagrams.net's Edit → Find.
        #expect(issues.allSatisfy { $0.source.cell != nil && $0.source.page != nil })
    }

    @Test func ciscoTemplateKeepsDanglingEdgesAndSelfLoopsAsWarnings() throws {
        let (d, issues) = try check("cisco_1")
        #expect(d != nil)
        let text = issues.map(\.description).joined(separator: "\n")
        #expect(text.contains("links are not attached at both ends, so reconciliation will not check them: "), "\(text)")
        #expect(text.contains("from switch-"))
        #expect(text.contains("1 link starts and ends on the same shape, so it is ignored: \"WAN\" (a plain shape)"), "\(text)")
        #expect(text.contains("2 links end on shapes that are not devices Pantau reconciles, so they are not checked: an unlabelled mxgraph.cisco.misc.token and an unlabelled line"))
        #expect(text.contains("19 links are not attached at both ends"))
        // Several routers, none linked to a cloud: no boundary is guessed, and that is a warning.
        #expect(d?.boundary == nil)
        #expect(text.contains("boundary: warning: boundary router missing, so reconciliation will not check where the WAN meets this LAN"))
    }

    @Test func repeatedLabelsAreNumberedAndSaidOnce() throws {
        let (d, issues) = try check("citrix")
        let diagram = try #require(d)
        let clients = diagram.devices.filter { $0.name == "Client" }.map(\.id)
        #expect(clients == ["Client", "Client-2", "Client-3", "Client-4", "Client-5", "Client-6", "Client-7"].prefix(clients.count).map { $0 })
        #expect(clients.count >= 2)
        let repeated = issues.filter { $0.message.contains("several devices, so Pantau numbers them") }
        #expect(repeated.count == 1)
        #expect(repeated.first?.message.contains("\"Client\" × \(clients.count)") == true, "\(repeated)")
    }

    @Test func unrecognisedPicturesAreWarnedOnceWithTheirShape() throws {
        // network.xml draws with inline SVG pictures no table can name: read, not refused.
        let xml = """
            <mxfile><diagram name="p"><mxGraphModel><root><mxCell id="0"/><mxCell id="1" parent="0"/>
            <mxCell id="r" value="Core&lt;br&gt;Router" style="shape=mxgraph.cisco.routers.router;html=1;" vertex="1" parent="1"><mxGeometry as="geometry"/></mxCell>
            <mxCell id="v1" value="Proxy A" style="shape=mxgraph.veeam.2d.proxy;" vertex="1" parent="1"><mxGeometry as="geometry"/></mxCell>
            <mxCell id="v2" value="" style="shape=mxgraph.veeam.2d.proxy;" vertex="1" parent="1"><mxGeometry as="geometry"/></mxCell>
            <mxCell id="t" value="Lantai 2" style="text;html=1;" vertex="1" parent="1"><mxGeometry as="geometry"/></mxCell>
            <mxCell id="e1" edge="1" parent="1" source="r" target="v1"><mxGeometry relative="1" as="geometry"/></mxCell>
            <mxCell id="e2" edge="1" parent="1" source="r" target="r"><mxGeometry relative="1" as="geometry"/></mxCell>
            </root></mxGraphModel></diagram></mxfile>
            """
        let (d, issues) = try DrawIO.importDiagram(Array(xml.utf8), file: "x.drawio", defaultPD: "BAPPEDA")
        let diagram = try #require(d)
        #expect(diagram.pd == "BAPPEDA")
        #expect(diagram.devices.map(\.id) == ["Core-Router"])
        #expect(diagram.devices.first?.name == "Core Router")
        #expect(diagram.links.isEmpty)
        let text = issues.map(\.description).joined(separator: "\n")
        #expect(text.contains("x.drawio: page \"p\" cell \"v1\": shapes: warning: 2 shapes have no recognisable role, so reconciliation will not know what they are: \"Proxy A\" (mxgraph.veeam.2d.proxy) and mxgraph.veeam.2d.proxy"), "\(text)")
        #expect(text.contains("1 link is attached to a shape with no role, so reconciliation will not check it: \"Proxy A\" (mxgraph.veeam.2d.proxy)"))
        #expect(text.contains("1 link starts and ends on the same shape, so it is ignored: Core-Router (mxgraph.cisco.routers.router)"))
        #expect(!text.contains("Lantai 2"))
        #expect(issues.allSatisfy { $0.isWarning })
        #expect(diagram.boundary?.router == "Core-Router")
    }

    @Test func aDrawingWithNoRecognisableDeviceIsStillAcceptedAndSaysSo() throws {
        // network.xml draws with inline SVG pictures: nothing says what they are.
        let (d, issues) = try check("network")
        let diagram = try #require(d, "\(issues)")
        #expect(diagram.devices.isEmpty && diagram.links.isEmpty)
        #expect(diagram.stockDrawing == true)
        #expect(issues.allSatisfy { $0.isWarning })
        let text = issues.map(\.description).joined(separator: "\n")
        #expect(text.contains("devices: warning: no shape is recognised as a device (19 shapes"), "\(text)")
        #expect(text.contains("19 shapes have no recognisable role"))
        #expect(text.contains("18 links are attached to shapes with no role"))
    }

    @Test func anAddressInALabelIsTheManagementIP() throws {
        let xml = """
            <mxfile><diagram name="Lantai 1"><mxGraphModel><root><mxCell id="0"/><mxCell id="1" parent="0"/>
            <mxCell id="r" value="Router Bappeda&lt;br&gt;10.21.0.1" style="shape=mxgraph.networks.router;html=1;" vertex="1" parent="1"><mxGeometry as="geometry"/></mxCell>
            <mxCell id="s" value="&lt;div&gt;SW&amp;nbsp;Lt2&lt;/div&gt;&lt;div&gt;10.99.0.2&lt;/div&gt;" style="shape=mxgraph.cisco.switches.workgroup_switch;html=1;" vertex="1" parent="1"><mxGeometry as="geometry"/></mxCell>
            <mxCell id="p" value="10.21.1.50" style="shape=mxgraph.networks.printer;" vertex="1" parent="1"><mxGeometry as="geometry"/></mxCell>
            <mxCell id="e" edge="1" parent="1" source="r" target="s"><mxGeometry relative="1" as="geometry"/></mxCell>
            </root></mxGraphModel></diagram></mxfile>
            """
        let (_, d, issues) = DiagramFile.check(Array(xml.utf8), fileName: "b.drawio", registry: try exampleRegistry(), expectedPD: "BAPPEDA")
        let diagram = try #require(d, "\(issues)")
        #expect(diagram.devices.map(\.id) == ["Router-Bappeda", "SW-Lt2", "10.21.1.50"])
        #expect(diagram.devices.map(\.name) == ["Router Bappeda", "SW Lt2", "10.21.1.50"])
        #expect(diagram.devices.map(\.managementIP) == ["10.21.0.1", "10.99.0.2", "10.21.1.50"])
        #expect(diagram.links.map(\.key) == ["Router-Bappeda <-> SW-Lt2"])
        // Outside Bappeda's subnets: said, and the drawing is still stored.
        let outside = try #require(issues.first { $0.path.hasSuffix("management_ip") })
        #expect(outside.isWarning)
        #expect(outside.description == "b.drawio: page \"Lantai 1\" cell \"s\": devices[1].management_ip: warning: 10.99.0.2 is outside PD BAPPEDA's registered subnets (10.21.0.0/22)")
    }

    @Test func aStockDrawingWithNoPDAndNoSubmitterCannotBeStored() throws {
        let (d, issues) = try check("lan", pd: nil)
        #expect(d == nil)
        #expect(issues.contains { !$0.isWarning && $0.message.contains("the diagram has no pd") })
    }

    @Test func aStockDrawingForAPDNotInTheRegistryIsRefused() throws {
        let (d, issues) = try check("wireless_home_network", pd: "NOPE")
        #expect(d == nil)
        #expect(issues.contains { !$0.isWarning && $0.message.contains("PD \"NOPE\" is not in the registry") })
    }

    // MARK: The stencil table

    @Test func theTableIsTheShippedFileAndParses() throws {
        let file = try readText(repoFile("Sources/Governance/Resources/stencil-roles.txt"))
        #expect(StencilRoles.standardText == file)
        let table = try StencilRoles.parse(file, file: "stencil-roles.txt")
        #expect(table.rules.count == StencilRoles.standard.rules.count)
        #expect(table.rules.count > 100)
    }

    @Test(arguments: [
        ("shape=mxgraph.cisco.routers.router;html=1;", "router"),
        ("shape=mxgraph.cisco.routers.atm_router;", "router"),
        ("shape=mxgraph.cisco.switches.layer_3_switch;", "switch"),
        ("shape=mxgraph.cisco.security.pix_firewall;", "firewall"),
        ("verticalLabelPosition=bottom;shape=mxgraph.networks.router;", "router"),
        ("shape=mxgraph.networks.switch;", "switch"),
        ("shape=mxgraph.networks.firewall;", "firewall"),
        ("shape=mxgraph.networks.server;", "server"),
        ("shape=mxgraph.networks.printer;", "printer"),
        ("shape=mxgraph.networks.wireless_hub;", "access_point"),
        ("shape=mxgraph.networks.pc;", "pc"),
        ("shape=mxgraph.networks.laptop;", "notebook"),
        ("shape=mxgraph.networks.mobile;", "none"),
        ("shape=mxgraph.citrix.xenapp_server;", "server"),
        ("shape=mxgraph.citrix.users;", "none"),
        ("shape=mxgraph.rack.cisco.cisco_nexus_5548p_switch;", "switch"),
        ("shape=mxgraph.rack.dell.power_strip;", "none"),
        ("shape=mxgraph.rack.oracle.sunfire_x4100;", "server"),
        ("shape=mxgraph.cisco19.rect;prIcon=router;", "router"),
        ("image;html=1;image=img/lib/clip_art/networking/Wireless_Router_128x128.png", "access_point"),
        ("image;html=1;image=img/lib/clip_art/networking/UPS_128x128.png", "ups"),
        ("image;html=1;image=img/lib/clip_art/computers/Netbook_128x128.png", "notebook"),
        ("text;html=1;", "none"),
        ("ellipse;shape=cloud;whiteSpace=wrap;", "none"),
    ] as [(String, String)])
    func stencilsOfNetworkDiagramsHaveTheirRole(style: String, role: String) {
        #expect(StencilRoles.standard.match(style: style)?.meaning.description == role)
    }

    @Test func plainGeometryAndUnknownStencilsHaveNoRole() {
        #expect(StencilRoles.standard.match(style: "rounded=1;whiteSpace=wrap;html=1;") == nil)
        #expect(StencilRoles.standard.match(style: "shape=mxgraph.veeam.2d.proxy;") == nil)
        #expect(StencilRoles.isPictorial(style: "shape=mxgraph.veeam.2d.proxy;"))
        #expect(!StencilRoles.isPictorial(style: "ellipse;whiteSpace=wrap;"))
    }

    @Test func aBadTableLineIsReportedWithItsLine() {
        #expect {
            try StencilRoles.parse("# roles\nrouter mxgraph.x.*\nrouterr mxgraph.y.*\nswitch\n", file: "t.txt")
        } throws: { error in
            let d = (error as? ConfigIssues)?.description ?? ""
            return d.contains("t.txt:3:1") && d.contains("\"routerr\" is not one of") && d.contains("t.txt:4:1")
        }
    }
}

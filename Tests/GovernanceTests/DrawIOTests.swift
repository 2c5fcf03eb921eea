import Compression
import Foundation
import Governance
import InventoryModel
import Testing

@Suite("draw.io import, export and drafts")
struct DrawIOTests {
    func read(_ bytes: [UInt8], pd: String? = nil) throws -> (Diagram?, [DiagramIssue]) {
        let (_, d, issues) = DiagramFile.check(bytes, fileName: "f.drawio", registry: try exampleRegistry(), expectedPD: pd)
        return (d, issues)
    }

    @Test func plainStarterImports() throws {
        let (d, issues) = try read(try readBytes(repoFile("config/examples/starter.drawio")), pd: "DISDUKCAPIL")
        #expect(issues.isEmpty, "\(issues)")
        let diagram = try #require(d)
        #expect(diagram.site == "kantor")
        #expect(diagram.asOf == "2025-02-01")
        #expect(diagram.devices.map(\.id) == ["rtr-disdukcapil", "sw-core", "sw-pelayanan"])
        #expect(diagram.boundary?.router == "rtr-disdukcapil")
        #expect(diagram.boundary?.wanAddress == "10.255.3.2/30")
        #expect(diagram.devices[0].macs == ["48:8f:5a:23:00:01"])
        #expect(diagram.devices[0].asset?.acquired == "2022-03-01")
        #expect(diagram.devices[2].snmp == false)
        // Port from the label, and from edge data.
        #expect(diagram.links.map(\.key) == ["rtr-disdukcapil:ether2 <-> sw-core:Gi1", "sw-core:Gi2 <-> sw-pelayanan:24"])
        #expect(diagram.links[0].speedMbps == 1000)
        #expect(diagram.vlans.map(\.id) == [50])
        #expect(diagram.segments.first?.approxHosts == 30)
        #expect(diagram.segments.first?.accessSwitch == "sw-pelayanan")
        #expect(diagram.devices[0].source.cell == "r1")
    }

    @Test func compressedMultiPageImports() throws {
        let bytes = try readBytes(repoFile("config/examples/dinkes-compressed.drawio"))
        #expect(String(decoding: bytes, as: UTF8.self).contains("compressed=\"true\""))
        let (d, issues) = try read(bytes, pd: "DINKES")
        #expect(issues.isEmpty, "\(issues)")
        let diagram = try #require(d)
        #expect(diagram.devices.map(\.id) == ["rtr-dinkes", "sw-core-dinkes", "srv-simpus", "sw-lt2-dinkes", "ap-lt2"])
        #expect(Set(diagram.devices.compactMap(\.source.page)) == ["Lantai 1", "Lantai 2"])
        #expect(diagram.links.map(\.key).sorted() == [
            "ap-lt2:eth0 <-> sw-lt2-dinkes:21", "rtr-dinkes:ether1 <-> sw-core-dinkes:24", "srv-simpus:eth0 <-> sw-core-dinkes:1",
            "sw-core-dinkes:2 <-> sw-lt2-dinkes:28",
        ])
        #expect(diagram.vlans.map(\.id) == [40, 41])
    }

    @Test func portsFromLabelsAtEachEndOfAnEdge() throws {
        let xml = """
            <mxfile><diagram name="p"><mxGraphModel><root>
            <object label="" pd="BAPPEDA" id="0"><mxCell/></object><mxCell id="1" parent="0"/>
            <UserObject label="rtr" role="router" boundary="yes" id="a"><mxCell vertex="1" parent="1"><mxGeometry as="geometry"/></mxCell></UserObject>
            <UserObject label="&lt;b&gt;sw&lt;/b&gt;" role="switch" id="b"><mxCell vertex="1" parent="1" style="html=1;"><mxGeometry as="geometry"/></mxCell></UserObject>
            <mxCell id="e" edge="1" parent="1" source="a" target="b" style="endArrow=none;"><mxGeometry relative="1" as="geometry"/></mxCell>
            <mxCell id="l1" value="ether5" style="edgeLabel;html=1;" vertex="1" connectable="0" parent="e"><mxGeometry x="-0.8" relative="1" as="geometry"/></mxCell>
            <mxCell id="l2" value="Gi0/7" style="edgeLabel;html=1;" vertex="1" connectable="0" parent="e"><mxGeometry x="0.75" relative="1" as="geometry"/></mxCell>
            </root></mxGraphModel></diagram></mxfile>
            """
        let (d, issues) = try DrawIO.importDiagram(Array(xml.utf8), file: "x.drawio")
        #expect(issues.isEmpty)
        #expect(d?.devices.map(\.id) == ["rtr", "sw"])
        #expect(d?.links.map(\.key) == ["rtr:ether5 <-> sw:Gi0/7"])
    }

    @Test func problemsNameTheCell() throws {
        var text = try readText(repoFile("config/examples/starter.drawio"))
        text = text.replacingOccurrences(of: "ip=\"10.23.0.2\"", with: "ip=\"10.23.0.999\"")
            .replacingOccurrences(of: "target=\"s2\"", with: "target=\"nowhere\"")
            .replacingOccurrences(of: "role=\"switch\" vendor=\"TP-Link\"", with: "role=\"swich\" vendor=\"TP-Link\"")
        let (d, issues) = try read(Array(text.utf8), pd: "DISDUKCAPIL")
        #expect(d == nil)
        let text2 = issues.map(\.description).joined(separator: "\n")
        #expect(text2.contains("f.drawio: page \"LAN\" cell \"s1\": devices[1].management_ip: \"10.23.0.999\" is not an IP address"))
        #expect(text2.contains("cell \"s2\": role: \"swich\" is not one of"))
        #expect(text2.contains("cell \"e2\": edge: edge connects cell \"nowhere\""))
    }

    @Test(arguments: [
        ("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]><mxfile><diagram>&lol2;</diagram></mxfile>",
         "DOCTYPE or ENTITY declaration is refused"),
        ("<mxfile><diagram name=\"p\"><mxGraphModel><root><mxCell id=\"0\"/></root></mxGraphModel></diagram>", "broken XML"),
        ("<mxfile><diagram name=\"p\">!!!not base64!!!</diagram></mxfile>", "not valid base64"),
        ("<mxfile><diagram name=\"p\">aGVsbG8gd29ybGQ=</diagram></mxfile>", "cannot be decompressed"),
        ("<svg xmlns=\"http://www.w3.org/2000/svg\"/>", "not a draw.io file"),
        ("<mxfile></mxfile>", "has no pages"),
        ("<?xml version=\"1.0\" encoding=\"UTF-7\"?><mxfile>+ADwAIQ-DOCTYPE</mxfile>", "only UTF-8 is accepted"),
    ] as [(String, String)])
    func hostileOrBrokenXMLIsRefused(xml: String, message: String) throws {
        let (d, issues) = try read(Array(xml.utf8))
        #expect(d == nil)
        #expect(issues.count == 1)
        #expect(issues.first?.message.contains(message) == true, "\(issues)")
    }

    @Test func entityHiddenInsideACompressedPageIsRefused() throws {
        let inner = "<!DOCTYPE x [<!ENTITY a \"b\">]><mxGraphModel><root/></mxGraphModel>"
        let encoded = inner.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? inner
        let page = Data(try RawDeflate.deflate(Array(encoded.utf8))).base64EncodedString()
        let (d, issues) = try read(Array("<mxfile><diagram name=\"p\">\(page)</diagram></mxfile>".utf8))
        #expect(d == nil)
        #expect(issues.first?.message.contains("DOCTYPE or ENTITY declaration is refused") == true)
    }

    @Test func utf16XMLCannotHideADoctype() throws {
        let xml = "<!DOCTYPE x [<!ENTITY a \"b\">]><mxfile/>"
        var utf16: [UInt8] = [0xFF, 0xFE]
        for unit in xml.utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        // As an upload it is not even taken for XML...
        let (d, issues) = try read(utf16)
        #expect(d == nil && !issues.isEmpty)
        // ...and the draw.io reader itself refuses it before any parser sees it.
        #expect { try DrawIO.importDiagram(utf16, file: "u.drawio") } throws: { "\($0)".contains("must be UTF-8") }
    }

    @Test func compressionBombIsRefused() throws {
        // 40 MB of "A" deflates to about 40 KB; the page limit stops it long before memory does.
        let bomb = try RawDeflate.deflate([UInt8](repeating: 65, count: 40 * 1024 * 1024))
        #expect(bomb.count < 100_000)
        let (d, issues) = try read(Array("<mxfile><diagram name=\"p\">\(Data(bomb).base64EncodedString())</diagram></mxfile>".utf8))
        #expect(d == nil)
        #expect(issues.first?.message.contains("inflate to more than \(DrawIO.maxInflatedBytes) bytes") == true, "\(issues)")
        #expect(issues.first?.limitExceeded == true)
    }

    @Test func oversizeFileIsRefusedBeforeParsing() throws {
        let big = [UInt8](repeating: 32, count: DiagramFile.defaultSizeLimit + 1)
        let (_, d, issues) = DiagramFile.read(big, fileName: "big.drawio")
        #expect(d == nil)
        #expect(issues.first?.message.contains("the limit is \(DiagramFile.defaultSizeLimit) bytes") == true)
    }

    @Test func compressionRoundTripAndLimits() throws {
        let text = Array(String(repeating: "Pantau LAN diagram ", count: 1000).utf8)
        let packed = try RawDeflate.deflate(text)
        #expect(packed.count < text.count / 10)
        #expect(try RawDeflate.inflate(packed, limit: text.count) == text)
        #expect(throws: CompressionError.self) { try RawDeflate.inflate(packed, limit: text.count - 1) }
        #expect { try RawDeflate.inflate(Array(packed.prefix(packed.count / 2)), limit: 1 << 20) } throws: {
            "\($0)" == "compressed data is truncated"
        }
    }

    // MARK: Drafts

    func observed() -> ObservedLAN {
        func ip(_ s: String) -> IPAddress? { IPAddress(s) }
        func mac(_ s: String) -> MACAddress { MACAddress(s) ?? MACAddress(0, 0, 0, 0, 0, 1) }
        return ObservedLAN(
            devices: [
                .init(id: "10.21.0.1", name: "rtr-bappeda", role: .router, vendor: "MikroTik", model: "RB4011iGS+", serial: "HD40801A2B3",
                      firmware: "7.14.2", managementIP: ip("10.21.0.1"), macs: [mac("48:8f:5a:10:21:01")], interfaces: ["ether1", "ether2"]),
                .init(id: "10.21.0.2", name: "sw-core", role: .switch_, vendor: "Cisco", model: "WS-C2960X-24TS-L",
                      managementIP: ip("10.21.0.2"), interfaces: ["Gi1/0/1", "Gi1/0/24"]),
                .init(id: "10.21.0.3", name: "sw lt3", role: .switch_, managementIP: ip("10.21.0.3")),
                .init(id: "10.24.0.2", name: "sw-bpkad", role: .switch_, managementIP: ip("10.24.0.2")),
            ],
            links: [
                .init(deviceA: "10.21.0.1", portA: "ether2", deviceB: "10.21.0.2", portB: "Gi1/0/24", protocolName: "lldp"),
                .init(deviceA: "10.21.0.2", portA: "Gi1/0/24", deviceB: "10.21.0.1", portB: "ether2", protocolName: "lldp"),
                .init(deviceA: "10.21.0.2", portA: "Gi1/0/1", deviceB: "10.21.0.3", portB: "24", protocolName: "cdp"),
                .init(deviceA: "10.21.0.2", portA: "Gi1/0/2", deviceB: "10.24.0.2", portB: "1", protocolName: "lldp"),
            ],
            hosts: (1...12).map { i in
                .init(mac: mac(String(format: "02:00:00:00:00:%02x", i)), ip: ip("10.21.1.\(i + 10)"), vlan: 30, switchID: "10.21.0.3", port: "\(i)")
            } + [.init(mac: mac("02:00:00:00:01:01"), ip: ip("10.24.1.5"), vlan: 60)]
        )
    }

    @Test func draftFromObservationsRoundTripsThroughDrawIO() throws {
        let reg = try exampleRegistry()
        let draft = DiagramDraft.make(pd: "BAPPEDA", registry: reg, observed: observed(), asOf: date("2025-06-01"))
        #expect(draft.devices.map(\.id) == ["rtr-bappeda", "sw-core", "sw-lt3"])  // BPKAD's switch is not Bappeda's
        #expect(draft.boundary?.router == "rtr-bappeda")
        #expect(draft.devices.first?.firmware == "7.14.2", "the draft carries the version the router reports")
        #expect(draft.boundary?.bandwidthMbps == 50)
        #expect(draft.links.map(\.key) == ["rtr-bappeda:ether2 <-> sw-core:Gi1/0/24", "sw-core:Gi1/0/1 <-> sw-lt3:24"])
        #expect(draft.vlans.map(\.id) == [30, 31])
        #expect(draft.vlans[0].subnet == "10.21.0.0/22")
        #expect(draft.segments.map(\.approxHosts) == [12])
        #expect(draft.segments.first?.accessSwitch == "sw-lt3")
        #expect(draft.validate(file: "draft", registry: reg, expectedPD: "BAPPEDA").isEmpty)
        for compressed in [false, true] {
            let xml = DrawIO.export(draft, compressed: compressed)
            let (_, back, issues) = DiagramFile.check(Array(xml.utf8), fileName: "draft.drawio", registry: reg, expectedPD: "BAPPEDA")
            #expect(issues.isEmpty, "\(issues)")
            #expect(back?.withoutSources == draft.withoutSources)
        }
        let (_, fromYAML, yamlIssues) = DiagramFile.check(Array(draft.yamlText().utf8), fileName: "draft.yaml", registry: reg, expectedPD: "BAPPEDA")
        #expect(yamlIssues.isEmpty, "\(yamlIssues)")
        #expect(fromYAML?.withoutSources == draft.withoutSources)
        #expect(draft.yamlText().contains("    firmware: \"7.14.2\"\n") || draft.yamlText().contains("    firmware: 7.14.2\n"))
        let dot = DOTExport.render(draft)
        #expect(dot.hasPrefix("graph \"LAN BAPPEDA\" {"))
        #expect(dot.contains("\"rtr-bappeda\" -- \"sw-core\" [taillabel=\"ether2\", headlabel=\"Gi1/0/24\"];"))
    }

    @Test func observedLANJSONIsItsCodableForm() throws {
        let data = try JSONEncoder().encode(observed())
        #expect(try ObservedLAN.fromJSON(data) == observed())
    }
}

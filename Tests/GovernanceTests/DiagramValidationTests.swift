import Foundation
import Governance
import Testing

@Suite("Diagram YAML format and validation")
struct DiagramValidationTests {
    let examplePath = repoFile("config/examples/bappeda-lan.yaml")

    func check(_ text: String, pd: String? = "BAPPEDA") throws -> (Diagram?, [DiagramIssue]) {
        let (_, d, issues) = DiagramFile.check(Array(text.utf8), fileName: "d.yaml", registry: try exampleRegistry(), expectedPD: pd)
        return (d, issues)
    }

    @Test func exampleIsValid() throws {
        let (d, issues) = try check(try readText(examplePath))
        #expect(issues.isEmpty, "\(issues)")
        let diagram = try #require(d)
        #expect(diagram.devices.map(\.id) == ["rtr-bappeda", "sw-core", "sw-lt2", "ap-lobby", "srv-file", "ups-server"])
        #expect(diagram.links.count == 4)
        #expect(diagram.boundary?.router == "rtr-bappeda")
        #expect(diagram.segments.first?.approxHosts == 40)
        #expect(diagram.devices.first?.asset?.source == .apbd)
    }

    /// Each rule, broken on purpose in the real example file; the message and the line it names.
    @Test(arguments: [
        ("b: \"sw-core:Gi1/0/24\"", "b: \"sw-cor:Gi1/0/24\"", "unknown device \"sw-cor\"", 59),
        ("  - id: sw-lt2", "  - id: sw-core", "duplicate device id \"sw-core\"", 32),
        ("macs: [\"48:8f:5a:10:21:01\"]", "macs: [\"48:8f:5a:10:21:0g\"]", "\"48:8f:5a:10:21:0g\" is not a MAC address", 13),
        ("management_ip: 10.21.0.2\n", "management_ip: 10.21.0.300\n", "\"10.21.0.300\" is not an IP address", 23),
        ("subnet: 10.21.2.0/24", "subnet: 10.21.2.0/33", "\"10.21.2.0/33\" is not a CIDR network", 65),
        ("subnet: 10.21.2.0/24", "subnet: 10.99.2.0/24", "subnet 10.99.2.0/24 is outside PD BAPPEDA's registered subnets", 65),
        ("b: \"srv-file:eth0\"", "b: \"sw-lt2:24\"", "port sw-lt2:24 is already used by links[1]", 61),
        ("  router: rtr-bappeda", "  router: rtr-bapeda", "boundary router \"rtr-bapeda\" is not among the devices", 7),
        ("pd: BAPPEDA", "pd: DINKES", "this diagram is for PD \"DINKES\", not \"BAPPEDA\"", 3),
        ("access_ports: \"1-23\"", "access_ports: \"1-24\"", "port sw-lt2:24 is both an access port and used by a link", 67),
        ("vlan: 31, kind", "vlan: 32, kind", "VLAN 32 is not declared under vlans", 68),
        ("    role: ups\n", "    role: battery\n", "\"battery\" is not one of", 54),
        ("    vendor: APC", "    vendr: APC", "unknown key \"vendr\" (did you mean \"vendor\"?)", 55),
    ] as [(String, String, String, Int)])
    func eachRuleFails(original: String, broken: String, message: String, line: Int) throws {
        let text = try readText(examplePath)
        #expect(text.contains(original), "fixture drifted: \(original)")
        let (d, issues) = try check(text.replacingOccurrences(of: original, with: broken))
        #expect(d == nil)
        let hit = issues.first { $0.message.contains(message) }
        #expect(hit != nil, "expected \(message) in \(issues)")
        #expect(hit?.source.line == line, "\(hit?.description ?? "")")
    }

    @Test func missingBoundaryAndAllProblemsTogether() throws {
        let text = """
            format: pantau-diagram/1
            pd: BAPPEDA
            devices:
              - {id: a, role: switch, management_ip: 10.21.0.9}
              - {id: a, role: switch}
            links:
              - {a: "a:1", b: "ghost:2"}
              - {a: "a:1", b: "a:3"}
            """
        let (d, issues) = try check(text)
        #expect(d == nil)
        let messages = issues.map(\.message)
        #expect(messages.contains { $0.hasPrefix("boundary router missing") })
        #expect(messages.contains("duplicate device id \"a\""))
        #expect(messages.contains { $0.contains("unknown device \"ghost\"") })
        #expect(messages.contains("port a:1 is already used by links[0]"))
        #expect(issues.count >= 4)
    }

    @Test func malformedYAMLIsOneClearIssue() throws {
        let (d, issues) = try check("format: pantau-diagram/1\npd: [BAPPEDA\n")
        #expect(d == nil)
        #expect(issues.count == 1)
        #expect(issues[0].description.hasPrefix("d.yaml:"))
        #expect(issues[0].message.contains("YAML syntax error"))
        let (d2, issues2) = try check("\u{FF}\u{FE}garbage")
        #expect(d2 == nil && !issues2.isEmpty)
    }

    @Test func yamlWriterRoundTrips() throws {
        let (d, _) = try check(try readText(examplePath))
        let original = try #require(d)
        let (again, issues) = Diagram.parseYAML(original.yamlText(), file: "again.yaml")
        #expect(issues.isEmpty)
        #expect(again?.withoutSources == original.withoutSources)
    }

    @Test func diffAcrossVersions() throws {
        let text = try readText(examplePath)
        let v1 = try #require(try check(text).0)
        let v2src = text.replacingOccurrences(of: "    model: TL-SG1024\n", with: "    model: TL-SG1024DE\n")
            .replacingOccurrences(of: "  - id: ups-server\n    role: ups\n    vendor: APC\n    model: SMT1500I\n    location: Ruang server lantai 1\n", with: "")
            .replacingOccurrences(of: "links:\n", with: "  - {id: sw-lt3, role: switch}\nlinks:\n  - {a: \"sw-core:Gi1/0/4\", b: \"sw-lt3:24\"}\n")
        let (v2parsed, v2issues) = try check(v2src)
        let v2 = try #require(v2parsed, "\(v2issues)")
        let diff = DiagramDiff(from: v1, to: v2)
        #expect(diff.devicesAdded == ["sw-lt3"])
        #expect(diff.devicesRemoved == ["ups-server"])
        #expect(diff.devicesChanged.map(\.id) == ["sw-lt2"])
        #expect(diff.devicesChanged.first?.changes.first?.description == "model: TL-SG1024 -> TL-SG1024DE")
        #expect(diff.linksAdded == ["sw-core:Gi1/0/4 <-> sw-lt3:24"])
        #expect(DiagramDiff(from: v1, to: v1).isEmpty)
        #expect(diff.text.contains("+ device sw-lt3\n- device ups-server\n~ device sw-lt2 model: TL-SG1024 -> TL-SG1024DE\n"))
    }
}

import Foundation
import Probes
import SNMPCore
import Testing
import YAMLSupport

@Suite struct CatalogTests {
    @Test func everyShippedProbeFileLoads() throws {
        let cat = try catalog()
        let files = ["enums", "modules", "families"].flatMap { sub in
            ((try? FileManager.default.contentsOfDirectory(atPath: "\(Paths.probes)/\(sub)")) ?? []).filter { $0.hasSuffix(".yaml") }
        }
        #expect(cat.fileCount == files.count)
        #expect(lint(directory: Paths.probes).isEmpty)
        // The vendors of the shared corpus each have a family.
        let names = Set(cat.families.map(\.name))
        for n in ["mikrotik-routeros", "cisco-ios", "cisco-sb", "hpe-procurve", "juniper-junos", "ubiquiti-switch",
                  "tplink-jetstream", "dlink", "huawei-vrp", "ruijie", "fortinet-fortigate", "zyxel", "net-snmp-linux",
                  "eaton-ups", "hp-printer"] {
            #expect(names.contains(n), "missing family \(n)")
        }
        // Modules the issue asks for.
        for m in ["system", "if-mib", "entity", "lldp", "cdp", "bridge", "ip-mib", "host-resources", "ups", "printer"] {
            #expect(cat.modules[m] != nil, "missing module \(m)")
        }
    }

    /// Line and column (1-based) of the first occurrence of `token` in a fixture file.
    func position(of token: String, in file: String) throws -> (Int, Int) {
        let text = try String(contentsOfFile: file, encoding: .utf8)
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let r = line.range(of: token) { return (i + 1, line.distance(from: line.startIndex, to: r.lowerBound) + 1) }
        }
        Issue.record("\(token) not in \(file)")
        return (0, 0)
    }

    @Test func malformedFilesReportEveryIssueWithItsPosition() throws {
        let dir = "\(Paths.fixtures)/broken"
        var caught: ConfigIssues?
        do { _ = try ProbeCatalog.load(directory: dir) } catch { caught = error }
        let issues = try #require(caught).issues
        let a = "\(dir)/modules/a.yaml", one = "\(dir)/families/one.yaml", two = "\(dir)/families/two.yaml"

        func expectIssue(_ file: String, _ token: String, _ path: String, _ message: String, at fixed: (Int, Int)? = nil,
                         sourceLocation: SourceLocation = #_sourceLocation) throws {
            let (line, col) = try fixed ?? position(of: token, in: file)
            let hit = issues.first { $0.file == file && $0.line == line && $0.column == col && $0.path == path && $0.message.contains(message) }
            #expect(hit != nil, "no issue \(file):\(line):\(col): \(path): …\(message)… in:\n\(ConfigIssues(issues))", sourceLocation: sourceLocation)
        }
        try expectIssue(a, "colour", "tables.fooTable.colour", "unknown key \"colour\"")
        try expectIssue(a, "1.3.6.x.1", "tables.fooTable.columns.ifType", "\"1.3.6.x.1\" is not a numeric OID")
        try expectIssue(a, "'(unclosed'", "tables.fooTable.fields.ifDescr.regex", "invalid regular expression")
        try expectIssue(a, "no-such-enum", "tables.fooTable.fields.operStatus.enum", "unknown enum \"no-such-enum\"")
        try expectIssue(a, "", "module", "include cycle: a -> b -> a", at: (1, 9))  // the "a" of "module: a"
        try expectIssue(one, "'[bad'", "match.sysDescr[0]", "invalid regular expression")
        try expectIssue(two, "one", "family", "duplicate family \"one\"")
        try expectIssue(two, "1.3.6.1.4.1.9", "match.sysObjectID[0]", "already matched by family \"one\"")
        try expectIssue("\(dir)/families/generic.yaml", "Nobody", "vendor", "the generic family names no vendor")
        // A standard MIB names no maker.
        try expectIssue(two, "1.3.6.1.2.1.33", "match.mib[0]", "is not below an enterprise")
        #expect(issues.count == 10, "\(ConfigIssues(issues))")
        // Printed form, one per line, as `pantau probes lint` shows it.
        #expect(ConfigIssues(issues).description.split(separator: "\n").allSatisfy { $0.hasPrefix(dir) })
        #expect(lint(directory: dir).count == issues.count)
    }

    @Test func missingDirectoryIsAnIssue() {
        let issues = lint(directory: "\(Paths.fixtures)/does-not-exist")
        #expect(issues.count == 1)
        #expect(issues.first?.message == "probe directory not found")
    }

    @Test(arguments: [
        ("1.3.6.1.4.1.890.1.15.3", nil, "zyxel-es"),                // longest prefix wins over 890
        ("1.3.6.1.4.1.890.1.5.8.1", nil, "zyxel"),
        ("1.3.6.1.4.1.8072.3.2.10", "Linux host 5.10", "net-snmp-linux"),
        ("1.3.6.1.4.1.8072.3.2.8", "FreeBSD host 13.2", "net-snmp-unix"),
        ("1.3.6.1.4.1", "USW-Flex-XG, 6.2.14.13855", "ubiquiti-switch"),  // bare enterprises OID: sysDescr decides
        ("1.3.6.1.4.1.99999.1", "Linux box 6.1.0", "net-snmp-linux"),    // unknown vendor, sysDescr fallback
        ("1.3.6.1.4.1.1711.2", "something", "generic"),           // prefix match is per sub-identifier (not 171)
        ("1.3.6.1.4.1.99999.1", nil, "generic"),
        ("1.3.6.1.4.1.4413", "Inteno XG6846", "generic"),            // Broadcom FASTPATH: many makers, no family
        ("1.3.6.1.4.1.4413", "US-8, 5.76.7.13442, Linux 3.6.5", "ubiquiti-switch"),
        ("1.3.6.1.4.1.47196.4.1.1.1.50", "Aruba JL635A 8325 GL.10.04.2000", "arubaos-cx"),  // not hpe-comware
        ("1.3.6.1.4.1.25506.11.1.239", nil, "hpe-comware"),
    ] as [(String, String?, String)])
    func familyMatching(oid: String, descr: String?, family: String) throws {
        let cat = try catalog()
        #expect(cat.family(sysObjectID: OID(oid), sysDescr: descr).name == family)
    }

    /// A maker's family's sysDescr pattern wins over a prefix of a family that knows only the
    /// agent software (Net-SNMP's number), never over a maker's own prefix.
    @Test(arguments: [
        ("1.3.6.1.4.1.8072.3.2.10", "UAP-nanoHD 5.43.36.12724", "ubiquiti-unifi"),
        ("1.3.6.1.4.1.8072.3.2.10", "Linux nas 3.10.77 #8451 SMP x86_64", "net-snmp-linux"),
        ("1.3.6.1.4.1.9.1.1208", "Windows-like text", "cisco-ios"),
    ] as [(String, String, String)])
    func makersSysDescrRefinesAnAgentFamily(oid: String, descr: String, family: String) throws {
        #expect(try catalog().family(sysObjectID: OID(oid), sysDescr: descr).name == family)
    }

    /// `match.mib`: the first family (by file name) with a subtree the agent answered below.
    @Test func makersMIBNamesTheFamily() throws {
        let cat = try catalog()
        #expect(cat.mibSubtrees.contains(OID(stringLiteral: "1.3.6.1.4.1.6574.1")))
        #expect(cat.family(answeringBelow: [OID(stringLiteral: "1.3.6.1.4.1.6574.1")])?.name == "synology")
        #expect(cat.family(answeringBelow: [OID(stringLiteral: "1.3.6.1.4.1.41112")])?.name == "ubiquiti-linux")
        #expect(cat.family(answeringBelow: []) == nil)
    }

    @Test func genericWhenNothingIsKnown() throws {
        #expect(try catalog().family(sysObjectID: nil, sysDescr: nil).name == "generic")
    }
}

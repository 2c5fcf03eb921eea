import Testing
@testable import SNMPCore

@Suite struct OIDTests {
    @Test(arguments: [
        ("1.3.6.1.2.1.1.1.0", [1, 3, 6, 1, 2, 1, 1, 1, 0] as [UInt32]),
        (".1.3.6.1", [1, 3, 6, 1]),
        ("0", [0]),
        ("1.3.4294967295", [1, 3, 4294967295]),
    ])
    func parsesDottedDecimal(text: String, expected: [UInt32]) throws {
        let oid = try #require(OID(text))
        #expect(oid.components == expected)
        #expect(oid.description == expected.map(String.init).joined(separator: "."))
    }

    @Test(arguments: ["", ".", "1..3", "1.3.", "iso.3.6", "1.3.6.x", "1.3.4294967296", "-1.3", " 1.3"])
    func rejectsNonNumeric(text: String) {
        #expect(OID(text) == nil)
    }

    @Test func ordersLexicographically() {
        let a: OID = "1.3.6.1.2.1.2.2.1.2.9"
        let b: OID = "1.3.6.1.2.1.2.2.1.2.10"
        let c: OID = "1.3.6.1.2.1.2.2.1.3"
        #expect(a < b && b < c)
        #expect(OID([1, 3, 6]) < OID([1, 3, 6, 0]))
        #expect(b.isDescendant(of: "1.3.6.1.2.1.2.2.1.2"))
        #expect(!c.isDescendant(of: "1.3.6.1.2.1.2.2.1.2"))
        #expect(b.suffix(after: "1.3.6.1.2.1.2.2.1.2") == [10])
    }
}

@Suite struct TargetTests {
    @Test(arguments: [
        ("10.0.0.1", "udp:10.0.0.1:161"),
        ("udp:127.0.0.1:1161", "udp:127.0.0.1:1161"),
        ("core-sw1:2161", "udp:core-sw1:2161"),
        ("tcp:10.1.1.1", "tcp:10.1.1.1:161"),
        ("udp6:[fe80::1]:161", "udp6:[fe80::1]:161"),
        ("[2001:db8::1]:1161", "udp6:[2001:db8::1]:1161"),
    ])
    func parsesAgentSyntax(text: String, expected: String) throws {
        let t = try #require(SNMPTarget(parsing: text))
        #expect(t.description == expected)
    }

    @Test(arguments: ["", "udp:", "host:0", "host:70000", "host:abc", "a b"])
    func rejectsBadAgents(text: String) {
        #expect(SNMPTarget(parsing: text) == nil)
    }

    @Test func secretsNeverPrint() {
        let c = SNMPCredentials.community(.v2c, Secret("s3cr3t-community"))
        #expect(!"\(c)".contains("s3cr3t"))
        #expect("\(Secret("pw"))" == "<secret>")
        let u = USMCredentials(user: "noc", level: .authPriv, authProtocol: .sha256, authPassword: Secret("authpass123"),
                               privProtocol: .aes, privPassword: Secret("privpass123"))
        #expect(!"\(SNMPCredentials.usm(u))".contains("pass"))
        #expect(u.problems.isEmpty)
        let weak = USMCredentials(user: "noc", level: .authPriv, authProtocol: .sha, authPassword: Secret("short"))
        #expect(weak.problems.count == 2)
    }
}

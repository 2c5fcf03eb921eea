import Foundation
import InventoryModel
import Probes
import Testing

/// The comparison rules of `Agreement`, each with a value it forgives and one it must not.
@Suite struct AgreementTests {
    func outcome(_ fact: String, _ expected: String?, _ actual: String?) -> FactOutcome? {
        Agreement.judge(fact: fact, expected: expected, actual: actual)?.outcome
    }

    @Test func strictMissingUnjudged() {
        #expect(outcome("model", "RB2011iL", " RB2011iL") == .strict)
        #expect(outcome("model", "RB2011iL", nil) == .missing)
        #expect(outcome("model", nil, "RB2011iL") == .unjudged)
        #expect(outcome("model", nil, nil) == nil)
    }

    @Test(arguments: [
        ("model", "SG350-10", "sg350-10", "case"),
        ("version", "Build 1.50.018", "1.50.018", "version-word"),
        ("version", "v4.0.3", "4.0.3", "version-word"),
        ("serial", "b8:a4:4f:2:fe:1", "b8:a4:4f:02:fe:01", "mac-form"),
        ("model", "DES-3528 Rev. A2", "DES-3528", "decoration"),
        ("version", "Software 2.5.9.13, Bootldr 3.5.7.13, Firmware 3.5.7.13", "2.5.9.13", "decoration"),
        ("version", "12.2(31)SGA8", "cat4500-IPBASE-M 12.2(31)SGA8", "decoration"),
        ("model", "Rittal RITTAL PMC Extension", "RITTAL PMC Extension", "decoration"),
        ("version", "1.5.0-ej76_svrbuild_wvsrvr", "1.5.0", "build-tag"),
        ("version", "7.1.2-ED-R", "ibos-ms4k-7.1.2-ED-R", "build-tag"),
        ("model", "FortiGate 501E", "FGT_501E", "product-name"),
        ("model", "VSP-8608", "8608", "product-name"),
    ])
    func lenientRules(fact: String, expected: String, actual: String, rule: String) {
        let c = Agreement.judge(fact: fact, expected: expected, actual: actual)
        #expect(c?.outcome == .lenient && c?.rule == rule, "\(String(describing: c))")
    }

    @Test(arguments: [
        ("model", "DCS-7050TX-128", "DCS-7050S-52"),          // another model of the series
        ("version", "1.10.010", "1.10"),                      // a shorter release is not the same release
        ("version", "1.50-2", "1.5"),
        ("model", "SGE2010-48 00.00.01", "48-port"),
        ("model", "Cisco 2960", "Cisco"),                     // a bare word never agrees by containment
        ("version", "v4.0.3", "#1"),
        ("version", "2.6", "6.6.0-qno"),
        ("model", "SG350X-24P V04", "SG350X-48P-K9"),
        ("version", "6.1-15217", "3.10.77"),
        ("serial", "b8:a4:4f:2:fe:1", "b8:a4:4f:02:fe:02"),  // another address
    ])
    func wrongStaysWrong(fact: String, expected: String, actual: String) {
        #expect(outcome(fact, expected, actual) == .wrong)
    }

    /// A processor architecture where LibreNMS puts a model is set aside, not counted as
    /// a model LibreNMS reports; a real model that mentions an architecture is still judged.
    @Test func architecturePlaceholdersAreSetAside() {
        for p in ["Generic x86 64-bit", "Generic x86", "Generic ARMv6", "Generic MIPS", "Intel x64", "AMD x64", "amd64", "amd64/OpenSSL",
                  "amd64 Intel(R) Xeon(R) CPU E5-2620 v2 @ 2.10GHz running at 2100"] {
            #expect(Agreement.isArchitecturePlaceholder(p), "\(p)")
        }
        for m in ["x86 Server R640", "Generic", "amd64-board X1", "DS918+"] { #expect(!Agreement.isArchitecturePlaceholder(m), "\(m)") }
        var inv = DeviceInventory(agent: "x")
        let e = DeviceExpectation(sysName: nil, sysDescr: nil, sysObjectID: nil, os: "linux", hardware: "Generic x86 64-bit",
                                  serial: nil, version: nil)
        #expect(Agreement.compare(inv, with: e).map(\.outcome) == [.placeholder])
        inv.model = "PowerEdge R640"  // Pantau's value has nothing to be judged by
        #expect(Agreement.compare(inv, with: e).map(\.outcome) == [.unjudged])
        // An anonymised serial (only zeros) likewise; a serial with zeros in it is judged.
        #expect(Agreement.isAnonymisedSerial("000000000000") && !Agreement.isAnonymisedSerial("CN0000000000000000000"))
        inv.serial = "000000000001"
        let z = DeviceExpectation(sysName: nil, sysDescr: nil, sysObjectID: nil, os: "panos", hardware: nil, serial: "000000000000", version: nil)
        #expect(Agreement.compare(inv, with: z).map(\.outcome) == [.unjudged, .unjudged])
    }

    @Test func comparesTheThreeFactsOfAnInventory() {
        var inv = DeviceInventory(agent: "x")
        inv.model = "RB5009UPr+S+"
        inv.version = "7.15"
        let e = DeviceExpectation(sysName: nil, sysDescr: nil, sysObjectID: nil, os: "routeros", hardware: "RB5009UPr+S+",
                                  serial: "HE408XXXX", version: "")
        let facts = Agreement.compare(inv, with: e)
        #expect(facts.map(\.fact) == ["model", "serial", "version"])
        #expect(facts.map(\.outcome) == [.strict, .missing, .unjudged])  // an empty expectation is no value
    }
}

import Foundation
import InventoryModel
import InventoryTesting
import Probes
import SNMPCore
import Testing

/// Every recording in the shared corpus, run through the shipped probes and compared with
/// LibreNMS's own reading of the same walk.
@Suite struct CorpusTests {
    /// Deliberate disagreements with LibreNMS, per recording (shared with the CLI tests).
    static let waivers = CorpusWaivers.all

    @Test func corpusIsPresent() {
        #expect(Paths.recordings.count >= 16, "expected the shared SNMP corpus at \(Paths.snmpCorpus)")
    }

    @Test(arguments: Paths.recordings)
    func agreesWithLibreNMS(name: String) async throws {
        let rec = try SNMPRecording(contentsOf: "\(Paths.snmpCorpus)/\(name).snmprec")
        let expected = try LibreNMSExpectation.load(path: "\(Paths.snmpCorpus)/\(name).expected.json")
        let runner = ProbeRunner(catalog: try catalog())
        let inv = try await runner.inventory(client: RecordingSNMPClient(recording: rec, name: name), agent: "udp:127.0.0.1:161")
        let report = expected.compare(inv, waivers: Self.waivers[name] ?? [:])
        #expect(report.agrees, "\(name) (family \(inv.family ?? "?")):\n\(report)")
        #expect(inv.warnings.isEmpty, "\(name): \(inv.warnings)")
        // Every waiver must still be needed, or it hides nothing and should go.
        for field in (Self.waivers[name] ?? [:]).keys {
            #expect(report.waived.contains { $0.hasPrefix(field) }, "\(name): waiver for \(field) no longer needed")
        }
        print("corpus \(name): family \(inv.family ?? "-"), \(report.checks) checks, \(report.mismatches.count) mismatches, \(report.waived.count) waived")
    }

    /// Sections other than interfaces against the table row counts in SOURCES.md.
    @Test(arguments: Paths.recordings)
    func sectionCountsMatchTableRows(name: String) async throws {
        let counts = try #require(try CorpusTableCounts.load(sourcesPath: "\(Paths.snmpCorpus)/SOURCES.md")[name])
        let rec = try SNMPRecording(contentsOf: "\(Paths.snmpCorpus)/\(name).snmprec")
        let cat = try catalog()
        let inv = try await ProbeRunner(catalog: cat).inventory(client: RecordingSNMPClient(recording: rec, name: name), agent: name)
        let family = cat.family(sysObjectID: inv.sysObjectID.flatMap { OID($0) }, sysDescr: inv.sysDescr)
        func has(_ module: String) -> Bool { family.modules.contains(module) }

        #expect(inv.interfaces.count == counts["ifTable"], "\(name) interfaces")
        if has("lldp") {
            #expect(inv.neighbors.filter { $0.protocol == .lldp }.count == counts["lldpRemTable"], "\(name) LLDP neighbours")
        }
        if has("cdp") {
            #expect(inv.neighbors.filter { $0.protocol == .cdp }.count == counts["cdpCacheTable"], "\(name) CDP neighbours")
        }
        if has("bridge") {
            let q = counts["dot1qTpFdbTable"] ?? 0
            #expect(inv.forwarding.count == (q > 0 ? q : counts["dot1dTpFdbTable"] ?? 0), "\(name) forwarding entries")
        }
        if has("entity") {
            #expect(inv.components.count == counts["entPhysicalTable"], "\(name) components")
        }
        if has("ip-mib") {
            let media = counts["ipNetToMediaTable"] ?? 0, phys = counts["ipNetToPhysicalTable"] ?? 0
            // IPv4 entries appear in both tables and are merged; IPv6 ones only in ipNetToPhysical.
            // (Some agents fill ipNetToPhysicalTable with rows whose index is not an address:
            // eaton-mgeups_9pxle; those are dropped, so only the ipNetToMedia count is a floor.)
            #expect(inv.arp.count >= media && inv.arp.count <= media + phys, "\(name) ARP entries \(inv.arp.count)")
            #expect(inv.ipAddresses.count >= counts["ipAddrTable"] ?? 0, "\(name) IP addresses")
        }
        if has("host-resources") {
            #expect((inv.resources?.storage.count ?? 0) == counts["hrStorageTable"], "\(name) storage")
        }
        print("sections \(name): lldp \(inv.neighbors.count) (mapped \(inv.neighbors.filter { $0.localIfIndex != nil }.count)), fdb \(inv.forwarding.count) (mapped \(inv.forwarding.filter { $0.ifIndex != nil }.count)), arp \(inv.arp.count), ip \(inv.ipAddresses.count), components \(inv.components.count)")
    }
}

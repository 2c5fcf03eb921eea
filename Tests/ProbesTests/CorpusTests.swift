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
        let family = try #require(cat.families.first { $0.name == inv.family } ?? (inv.family == "generic" ? cat.generic : nil))
        // A table with rows in the recording must be read by the family chosen: a module missing
        // from it fails here instead of skipping its check.
        func reads(_ module: String, _ tables: String...) -> Bool {
            let rows = tables.reduce(0) { $0 + (counts[$1] ?? 0) }
            if rows > 0 { #expect(family.modules.contains(module), "\(name): \(rows) rows in \(tables) but family \(family.name) lacks \(module)") }
            return rows > 0
        }

        #expect(inv.interfaces.count == counts["ifTable"], "\(name) interfaces")
        if reads("lldp", "lldpRemTable") {
            #expect(inv.neighbors.filter { $0.protocol == .lldp }.count == counts["lldpRemTable"], "\(name) LLDP neighbours")
        }
        if reads("cdp", "cdpCacheTable") {
            #expect(inv.neighbors.filter { $0.protocol == .cdp }.count == counts["cdpCacheTable"], "\(name) CDP neighbours")
        }
        if reads("bridge", "dot1qTpFdbTable", "dot1dTpFdbTable") {
            let q = counts["dot1qTpFdbTable"] ?? 0
            #expect(inv.forwarding.count == (q > 0 ? q : counts["dot1dTpFdbTable"] ?? 0), "\(name) forwarding entries")
        }
        if reads("entity", "entPhysicalTable") {
            #expect(inv.components.count == counts["entPhysicalTable"], "\(name) components")
        }
        if reads("ip-mib", "ipNetToMediaTable", "ipNetToPhysicalTable", "ipAddrTable") {
            // Exact, from the recording itself: IPv4 rows present in both ARP tables are one
            // entry; rows whose index is not an address (eaton-mgeups_9pxle fills
            // ipNetToPhysicalTable with such) are none.
            let oracle = IPMIBOracle(rec)
            #expect(Set(inv.arp.map { ARPKey(ifIndex: $0.ifIndex, ip: $0.ip) }) == oracle.arp, "\(name) ARP entries")
            #expect(inv.arp.count == oracle.arp.count, "\(name) ARP entries counted once")
            #expect(Set(inv.ipAddresses.map(\.address)) == oracle.addresses, "\(name) IP addresses")
        }
        if reads("host-resources", "hrStorageTable") {
            #expect((inv.resources?.storage.count ?? 0) == counts["hrStorageTable"], "\(name) storage")
        }
        print("sections \(name): lldp \(inv.neighbors.count) (mapped \(inv.neighbors.filter { $0.localIfIndex != nil }.count)), fdb \(inv.forwarding.count) (mapped \(inv.forwarding.filter { $0.ifIndex != nil }.count)), arp \(inv.arp.count), ip \(inv.ipAddresses.count), components \(inv.components.count)")
    }
}

struct ARPKey: Hashable { var ifIndex: Int?; var ip: String }

/// What IP-MIB's address and neighbour tables hold, read straight from a recording's OIDs.
struct IPMIBOracle {
    var arp: Set<ARPKey> = []
    var addresses: Set<String> = []

    init(_ rec: SNMPRecording) {
        let media = OID([1, 3, 6, 1, 2, 1, 4, 22, 1, 2]), physical = OID([1, 3, 6, 1, 2, 1, 4, 35, 1, 4])
        let v4 = OID([1, 3, 6, 1, 2, 1, 4, 20, 1, 2]), any = OID([1, 3, 6, 1, 2, 1, 4, 34, 1, 3])
        /// An InetAddress index part: type, length, bytes (type 1 with 4 bytes or 2 with 16).
        func inet(_ part: ArraySlice<UInt32>) -> IPAddress? {
            guard part.count >= 2 else { return nil }
            let type = part[part.startIndex], len = Int(part[part.startIndex + 1]), bytes = part.dropFirst(2)
            guard (type == 1 && len == 4) || (type == 2 && len == 16), bytes.count == len, bytes.allSatisfy({ $0 < 256 }) else { return nil }
            return IPAddress(bytes: bytes.map { UInt8($0) })
        }
        for b in rec.bindings {
            let c = b.oid.components
            if b.oid.hasPrefix(media), c.count == media.components.count + 5 {
                let idx = c[media.components.count...]
                if let ip = IPAddress(bytes: idx.dropFirst().map { UInt8(truncatingIfNeeded: $0) }), idx.dropFirst().allSatisfy({ $0 < 256 }) {
                    arp.insert(ARPKey(ifIndex: Int(idx.first!), ip: ip.description))
                }
            } else if b.oid.hasPrefix(physical), c.count > physical.components.count + 1 {
                let idx = c[physical.components.count...]
                if let ip = inet(idx.dropFirst()) { arp.insert(ARPKey(ifIndex: Int(idx.first!), ip: ip.description)) }
            } else if b.oid.hasPrefix(v4), c.count == v4.components.count + 4 {
                let idx = c[v4.components.count...]
                if idx.allSatisfy({ $0 < 256 }), let ip = IPAddress(bytes: idx.map { UInt8($0) }) { addresses.insert(ip.description) }
            } else if b.oid.hasPrefix(any), let ip = inet(c[any.components.count...]) {
                addresses.insert(ip.description)
            }
        }
    }
}

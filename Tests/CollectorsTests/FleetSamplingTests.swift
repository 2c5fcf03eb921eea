import Collectors
import Foundation
import InventoryModel
import InventoryStore
import InventoryTesting
import Logging
import Settings
import Storage
import Testing

/// Packet sampling on a fleet collector (issue 21): real captures of the corpus are sampled
/// into a collector's spool (no central store at all meanwhile), then the spool is replayed
/// into a real PostgreSQL. The central store must hold exactly what sampling the same files
/// straight into a fresh SQLite store gives (hosts, neighbours, DHCP servers, per-minute
/// traffic, sFlow interface counters, the capture-file ledger), however often the replay is
/// repeated (an acknowledgement lost after the commit) and however it is cut into batches.
@Suite("fleet sampling: sightings spooled, then replayed into PostgreSQL exactly once", .serialized)
struct FleetSamplingTests {
    static let capturePoint = "puskesmas-span"

    func sample(_ paths: [String], into store: any SightingRecording) async throws -> SamplingSummary {
        var s = SamplingSettings(source: .files(paths), capturePoint: Self.capturePoint)
        s.mode = .deterministic
        s.ouiFile = nil
        return try await runSampling(s, store: store, segments: Self.segments, logger: Logger(label: "test"))
    }

    /// Every private range as one PD, so PD attribution is exercised (and must agree).
    static let segments = [PDSegment(pd: "DINKES", subnets: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].compactMap { IPNetwork($0) }, vlans: [])]

    /// sFlow counter samples, as an sFlow listener's window carries them.
    static var counters: SightingBatch {
        var b = SightingBatch()
        let agent = IPAddress("10.1.2.3")!
        for i in 0..<3 {
            b.interfaceCounters.append(InterfaceCounterSighting(
                agent: agent, ifIndex: 7, sampledAt: Date(timeIntervalSince1970: 1_764_547_200 + Double(i * 30)), capturePoint: "sflow-feed",
                ifSpeed: 100_000_000, inOctets: 1_000_000 + Int64(i) * 375_000, outOctets: 2_000_000 + Int64(i) * 75_000, inErrors: 0, outErrors: Int64(i)))
        }
        return b
    }

    /// What a store holds after sampling, comparable across backends (ledger times are when it was read).
    struct Held: Equatable {
        var hosts: [HostSighting]
        var neighbours: [NeighbourSighting]
        var servers: [DHCPServerSighting]
        var traffic: [TrafficEstimate]
        var counters: [InterfaceCounterSighting]
        var files: [String]

        init(_ store: any PantauStorage) throws {
            hosts = try store.hostSightings(pd: nil, vlan: nil, since: nil)
            neighbours = try store.neighbourSightings(pd: nil)
            servers = try store.dhcpServerSightings(pd: nil)
            traffic = try store.trafficEstimates(scope: nil, from: nil, to: nil)
            counters = try store.interfaceCounterSightings(agent: nil, from: nil, to: nil)
            files = try store.captureFiles(capturePoint: nil).map {
                "\($0.capturePoint) \(($0.path as NSString).lastPathComponent) \($0.size) \($0.fingerprint.length):\($0.fingerprint.sha256) "
                    + "\($0.packets) \($0.complete) \($0.firstPacket?.timeIntervalSince1970 ?? -1) \($0.lastPacket?.timeIntervalSince1970 ?? -1)"
            }.sorted()
        }
    }

    @Test func sightingsSpooledWithoutTheCentralStoreAreReplayedOnceWhateverTheBatches() async throws {
        let dir = try TempDir()
        // A capture that grows between two runs (its first 25 packets, then all): the spool's
        // ledger resumes it, and the central store must move the one entry it made for it.
        let growing = dir.path + "/growing.pcap"
        let mapi = try ClassicPcap(path: TestEnv.pcapDir + "/mapi.pcap")
        try mapi.write(to: growing, first: 25)
        let files = ["dhcp.pcap", "LLDP_and_CDP.pcap", "wikipedia.pcap"].map { TestEnv.pcapDir + "/" + $0 } + [growing]

        let spool = try CollectorSpool(path: dir.path + "/spool.sqlite", collector: "site-s")
        let reference = try PantauStore(path: dir.path + "/reference.sqlite")
        var spooled = try await sample(files, into: spool)
        let direct = try await sample(files, into: reference)
        #expect(spooled.packetsRead == direct.packetsRead && spooled.packetsRead > 0 && spooled.storeFailures == 0, "\(spooled)")
        try spool.record(sightings: Self.counters, captureFile: nil)
        try reference.record(sightings: Self.counters, captureFile: nil)

        // The file grows; the rest of it is read, the others are skipped: the spool's ledger knows them.
        try mapi.write(to: growing)
        spooled = try await sample(files, into: spool)
        let resumed = try await sample(files, into: reference)
        #expect(spooled.filesAlreadyRead == 3 && spooled.filesResumed == 1 && spooled.packetsRead == mapi.records.count - 25, "\(spooled)")
        #expect(resumed.filesAlreadyRead == 3 && resumed.filesResumed == 1, "\(resumed)")
        // Read a third time: nothing is new, nothing is spooled.
        let backlog = try spool.backlog().count
        spooled = try await sample(files, into: spool)
        let after = try spool.backlog().count
        #expect(spooled.filesAlreadyRead == 4 && spooled.packetsRead == 0 && after == backlog, "\(spooled)")
        #expect(try spool.captureFiles().count == 4)

        // The central store comes: every entry is replayed, one per transaction, and each
        // twice (the first answer lost), then everything once more in one batch.
        let entries = try spool.pending(limit: 100_000)
        #expect(entries.filter { $0.write.kind == "sightings" }.count >= 6, "\(entries.map(\.write.kind))")
        let target = try StoreBackend.postgres.makeStore("fleet_sampling")
        let central = try target.open()
        let fleet = try #require(central as? any FleetStorage)
        let claim = CollectorClaim(id: "site-s", token: "t1", host: "test", pid: 1, spool: spool.path, spoolID: spool.spoolID, leaseSeconds: 60)
        try fleet.claimCollector(claim)
        for e in entries {
            #expect(try fleet.applySpooled([e], collector: "site-s", token: "t1", spoolID: spool.spoolID) == [.applied])
            #expect(try fleet.applySpooled([e], collector: "site-s", token: "t1", spoolID: spool.spoolID) == [.duplicate])
        }
        let again = try fleet.applySpooled(entries, collector: "site-s", token: "t1", spoolID: spool.spoolID)
        #expect(again.allSatisfy { $0 == .duplicate })
        try spool.acknowledge(through: try #require(entries.last).seq, refused: [])
        #expect(try spool.backlog().count == 0)

        let held = try Held(central), expected = try Held(reference)
        #expect(!held.hosts.isEmpty && !held.traffic.isEmpty && !held.neighbours.isEmpty && held.counters.count == 3)
        #expect(held.hosts.contains { $0.pd == "DINKES" })
        #expect(held.files.count == 4, "\(held.files)")
        #expect(held.hosts == expected.hosts)
        #expect(held.neighbours == expected.neighbours)
        #expect(held.servers == expected.servers)
        #expect(held.traffic == expected.traffic)
        #expect(held.counters == expected.counters)
        #expect(held.files == expected.files)
        let status = try #require(try fleet.collectors().first { $0.id == "site-s" })
        #expect(status.applied == Int64(entries.count) && status.appliedSeq == entries.last?.seq)
    }
}

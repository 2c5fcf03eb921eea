import Foundation
import InventoryModel
import InventoryStore
import Storage
import InventoryTesting
import Testing

@Suite("capture-file ledger in the store")
struct CaptureFileStoreTests {
    func host(frames: Int, at t: Double) throws -> SightingBatch {
        var b = SightingBatch()
        let mac = try #require(MACAddress("00:50:56:99:ed:bd"))
        b.hosts = [HostSighting(mac: mac, vlan: nil, capturePoint: "span", vendor: nil, pd: nil, firstSeen: Date(timeIntervalSince1970: t),
                                lastSeen: Date(timeIntervalSince1970: t + 5), framesSampled: frames)]
        return b
    }

    func progress(_ id: Int64?, capturePoint: String = "span", packets: Int, complete: Bool = false, restart: Bool = false,
                  fingerprint: CaptureFileFingerprint, first: Double? = nil, last: Double? = nil) -> CaptureFileProgress {
        CaptureFileProgress(id: id, capturePoint: capturePoint, path: "/var/spool/pantau/a.pcap", size: 4096,
                            modified: Date(timeIntervalSince1970: 1_700_000_000), fingerprint: fingerprint, filter: nil, packets: packets,
                            complete: complete, restart: restart, readAt: Date(),
                            firstPacket: first.map(Date.init(timeIntervalSince1970:)), lastPacket: last.map(Date.init(timeIntervalSince1970:)))
    }

    @Test("progress is written with its sightings, in one transaction; the first write creates the entry", arguments: StoreBackend.allCases)
    func progressAndSightingsTogether(backend: StoreBackend) throws {
        let made = try backend.makeStore("ledger")
        defer { made.remove() }
        let store = try made.open()
        if let sqlite = store as? PantauStore { #expect(try sqlite.appliedMigrations().contains("v2-capture-files")) }
        let small = CaptureFileFingerprint(sha256: String(repeating: "a", count: 64), length: 4096)
        let id = try #require(try store.record(sightings: try host(frames: 10, at: 1000),
                                               captureFile: progress(nil, packets: 10, fingerprint: small, first: 1000, last: 1005)))
        let begun = try #require(try store.captureFiles(capturePoint: nil).first)
        #expect(begun.id == id && begun.packets == 10 && !begun.complete && begun.capturePoint == "span" && begun.fingerprint == small)
        #expect(try store.record(sightings: try host(frames: 5, at: 990),
                                 captureFile: progress(id, packets: 15, complete: true, fingerprint: small, first: 990, last: 995)) == id)
        let entry = try #require(try store.captureFiles(capturePoint: "span").first)
        #expect(entry.packets == 15 && entry.complete)
        #expect(entry.firstPacket == Date(timeIntervalSince1970: 990) && entry.lastPacket == Date(timeIntervalSince1970: 1005))
        #expect(try store.hostSightings(pd: nil, vlan: nil, since: nil).first?.framesSampled == 15)

        // The ledger update fails (no such entry, or the entry is another capture point's):
        // the sightings are not stored either.
        for bad in [progress(id + 100, packets: 7, fingerprint: small), progress(id, capturePoint: "other", packets: 7, fingerprint: small)] {
            #expect(throws: StoreError.self) { try store.record(sightings: try host(frames: 7, at: 2000), captureFile: bad) }
        }
        #expect(try store.hostSightings(pd: nil, vlan: nil, since: nil).first?.framesSampled == 15)
        #expect(try made.open().captureFiles(capturePoint: nil) == [entry])
        // Without progress, nothing about files is written.
        #expect(try store.record(sightings: try host(frames: 1, at: 3000), captureFile: nil) == nil)
        #expect(try store.captureFiles(capturePoint: nil) == [entry])
    }

    @Test("lookup by fingerprint: longest match wins, per capture point; a restart replaces the count and span", arguments: StoreBackend.allCases)
    func lookupAndRestart(backend: StoreBackend) throws {
        let made = try backend.makeStore("ledger")
        defer { made.remove() }
        let store = try made.open()
        let short = CaptureFileFingerprint(sha256: String(repeating: "b", count: 64), length: 1000)
        let long = CaptureFileFingerprint(sha256: String(repeating: "c", count: 64), length: 65536)
        let a = try #require(try store.record(sightings: SightingBatch(), captureFile: progress(nil, packets: 3, fingerprint: short)))
        let b = try #require(try store.record(sightings: SightingBatch(), captureFile: progress(nil, packets: 9, fingerprint: long,
                                                                                                 first: 50, last: 60)))
        try store.record(sightings: SightingBatch(), captureFile: progress(nil, capturePoint: "other", packets: 1, fingerprint: long))
        #expect(try store.captureFileFingerprintLengths(capturePoint: "span", upTo: 65536) == [1000, 65536])
        #expect(try store.captureFileFingerprintLengths(capturePoint: "span", upTo: 4096) == [1000])
        #expect(try store.captureFile(capturePoint: "span", matching: [short, long])?.id == b)
        #expect(try store.captureFile(capturePoint: "span", matching: [short])?.id == a)
        #expect(try store.captureFile(capturePoint: "nowhere", matching: [short, long]) == nil)
        let many = (0..<1000).map { CaptureFileFingerprint(sha256: String(format: "%064x", $0), length: 2000 + $0) } + [short]
        #expect(try store.captureFile(capturePoint: "span", matching: many)?.id == a)

        try store.record(sightings: SightingBatch(), captureFile: progress(b, packets: 4, restart: true, fingerprint: long, first: 70, last: 71))
        let restarted = try #require(try store.captureFile(capturePoint: "span", matching: [long]))
        #expect(restarted.packets == 4 && !restarted.complete)
        #expect(restarted.firstPacket == Date(timeIntervalSince1970: 70) && restarted.lastPacket == Date(timeIntervalSince1970: 71))
    }
}

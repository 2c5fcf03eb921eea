import Collectors
import Settings
import Foundation
import InventoryModel
import InventoryStore
import Storage
import Logging
import Testing
import YAMLSupport

/// What the store holds after sampling, in a form two stores can be compared by: every
/// per-minute traffic row and every host's frame count and first/last sighting.
struct StoredTotals: Equatable, CustomStringConvertible {
    struct Host: Equatable { var key: String; var frames: Int; var first: Date; var last: Date }
    var traffic: [TrafficEstimate]
    var hosts: [Host]
    var announcements: Int

    init(_ store: PantauStore) throws {
        traffic = try store.trafficEstimates()
        hosts = try store.hostSightings().map { Host(key: "\($0.mac)@\($0.vlan ?? 0)@\($0.capturePoint)", frames: $0.framesSampled,
                                                     first: $0.firstSeen, last: $0.lastSeen) }
        announcements = try store.neighbourSightings().map(\.announcements).reduce(0, +)
    }

    var bytes: Int64 { traffic.filter { $0.scope == .host }.map { $0.inBytes + $0.outBytes }.reduce(0, +) }
    var packets: Int64 { traffic.filter { $0.scope == .host }.map { $0.inPackets + $0.outPackets }.reduce(0, +) }
    var frames: Int { hosts.map(\.frames).reduce(0, +) }
    var description: String { "\(traffic.count) traffic rows, \(bytes) host bytes, \(packets) host packets, \(hosts.count) hosts, \(frames) frames" }
}

/// Classic pcap files (the corpus format): the global header and the records, to write
/// captures made of some of a corpus file's packets.
struct ClassicPcap {
    var header: Data
    var records: [Data]

    init(path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try #require(data.count >= 24 && data.prefix(4) == Data([0xd4, 0xc3, 0xb2, 0xa1]), "\(path): not little-endian classic pcap")
        header = data.prefix(24)
        records = []
        var off = 24
        while off + 16 <= data.count {
            let caplen = data.subdata(in: off + 8 ..< off + 12).withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) }
            try #require(off + 16 + caplen <= data.count, "\(path): truncated record at \(off)")
            records.append(data.subdata(in: off ..< off + 16 + caplen))
            off += 16 + caplen
        }
    }

    /// Writes the header and the first `count` records (all when nil).
    func write(to path: String, first count: Int? = nil) throws {
        var out = header
        for r in records.prefix(count ?? records.count) { out.append(r) }
        try out.write(to: URL(fileURLWithPath: path))
    }
}

/// Polls `probe` every millisecond on a thread of its own (the tests' cooperative pool may be
/// kept busy by other tests) until it returns more than 0, then calls `then` once.
final class LedgerWatcher: @unchecked Sendable {
    // @unchecked: state behind the lock.
    private let lock = NSLock()
    private var value = 0
    private var stopped = false

    init(timeout: Double = 60, probe: @escaping @Sendable () -> Int, then action: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline && !lock.withLock({ stopped }) {
                let v = probe()
                if v > 0 {
                    lock.withLock { value = v }
                    action()
                    return
                }
                usleep(1000)
            }
        }
        thread.start()
    }

    /// The first value over 0 seen (0: none yet).
    var seen: Int { lock.withLock { value } }
    func stop() { lock.withLock { stopped = true } }
}

@Suite("capture-file ledger: a capture file's traffic is counted once")
struct CaptureFileLedgerTests {
    static let capturePoint = "ledger-test"

    func sample(_ paths: [String], store: PantauStore, capturePoint: String = Self.capturePoint, reread: Bool = false,
                flushInterval: Double = 60) async throws -> SamplingSummary {
        var s = SamplingSettings(source: .files(paths), capturePoint: capturePoint)
        s.mode = .deterministic
        s.ouiFile = nil
        s.reread = reread
        s.flushInterval = flushInterval
        return try await runSampling(s, store: store, segments: [], logger: Logger(label: "test"))
    }

    /// A new store object on the same file for each run, as separate `pantau` runs would have.
    func open(_ dir: TempDir, _ name: String = "store.sqlite") throws -> PantauStore { try PantauStore(path: dir.path + "/" + name) }

    @Test("reading the corpus twice leaves every total unchanged; the second run says why")
    func readTwice() async throws {
        let dir = try TempDir()
        let files = TestEnv.captures.map { TestEnv.pcapDir + "/" + $0 }
        try #require(files.count >= 5, "corpus captures in \(TestEnv.pcapDir)")
        let first = try await sample([TestEnv.pcapDir], store: try open(dir))
        #expect(first.filesAlreadyRead == 0 && first.filesResumed == 0 && first.packetsRead > 0)
        let once = try StoredTotals(try open(dir))
        #expect(once.bytes > 0 && once.frames > 0)

        let ledger = try open(dir).captureFiles()
        #expect(ledger.count == files.count)
        #expect(ledger.allSatisfy { $0.complete && $0.capturePoint == Self.capturePoint && $0.fingerprint.length > 24 })
        #expect(ledger.map(\.packets).reduce(0, +) == first.packetsRead)
        #expect(Set(ledger.map(\.path)) == Set(files))
        for r in ledger {
            let size = (try FileManager.default.attributesOfItem(atPath: r.path)[.size] as? NSNumber)?.int64Value
            #expect(r.size == size, "\(r.path)")
            if let a = r.firstPacket, let b = r.lastPacket { #expect(a <= b) } else { Issue.record("\(r.path): no packet times") }
        }

        let second = try await sample([TestEnv.pcapDir], store: try open(dir))
        #expect(second.packetsRead == 0)
        #expect(second.filesAlreadyRead == files.count)
        #expect(second.description.contains("skipped \(files.count) files already read (use --reread to read them again)"), "\(second)")
        #expect(try StoredTotals(try open(dir)) == once)
        #expect(try open(dir).captureFiles().map(\.packets) == ledger.map(\.packets))

        // The same file twice in one run is read once.
        let dir2 = try TempDir()
        let twice = try await sample([files[0], files[0]], store: try open(dir2))
        let single = try await sample([files[0]], store: try open(dir2, "single.sqlite"))
        #expect(twice.packetsRead == single.packetsRead)
        #expect(twice.warnings.contains { $0.contains("already read in this run") })
        #expect(try StoredTotals(try open(dir2)) == StoredTotals(try open(dir2, "single.sqlite")))
    }

    /// A capture still being written: read the first packets, then the file grows. Both a
    /// prefix under 64 KiB (recognised by the hash of that prefix) and one over it.
    @Test("a grown file is read from the first packet not counted", arguments: [25, 400])
    func grownFile(prefix: Int) async throws {
        let dir = try TempDir()
        let pcap = try ClassicPcap(path: TestEnv.pcapDir + "/mapi.pcap")
        try #require(pcap.records.count > prefix)
        let growing = dir.path + "/growing.pcap"
        try pcap.write(to: growing, first: prefix)
        let first = try await sample([growing], store: try open(dir))
        #expect(first.packetsRead == prefix)
        try pcap.write(to: growing)
        let second = try await sample([growing], store: try open(dir))
        #expect(second.filesResumed == 1 && second.packetsAlreadyCounted == prefix, "\(second)")
        #expect(second.packetsRead == pcap.records.count - prefix)
        #expect(second.description.contains("resumed 1 file after \(prefix) packets counted before"))

        let full = dir.path + "/full.pcap"
        try pcap.write(to: full)
        _ = try await sample([full], store: try open(dir, "once.sqlite"))
        let grown = try StoredTotals(try open(dir)), once = try StoredTotals(try open(dir, "once.sqlite"))
        #expect(grown == once, "grown: \(grown); once: \(once)")

        let ledger = try open(dir).captureFiles()
        #expect(ledger.count == 1)
        #expect(ledger.first?.packets == pcap.records.count && ledger.first?.complete == true)
        #expect(ledger.first?.size == Int64(try Data(contentsOf: URL(fileURLWithPath: growing)).count))
        // Fully read now: a third run reads nothing.
        let third = try await sample([growing], store: try open(dir))
        #expect(third.packetsRead == 0 && third.filesAlreadyRead == 1)
        #expect(try StoredTotals(try open(dir)) == once)
    }

    /// tcpdump writing a capture: the reader meets half a record at the end, then the rest
    /// is written. The half record is not counted; the next run starts with it.
    @Test("a file cut mid-packet is read up to the cut, then on from it once it is complete")
    func cutMidPacket() async throws {
        let dir = try TempDir()
        let pcap = try ClassicPcap(path: TestEnv.pcapDir + "/wikipedia.pcap")
        let path = dir.path + "/writing.pcap"
        var partial = pcap.header
        for r in pcap.records.prefix(60) { partial.append(r) }
        partial.append(pcap.records[60].prefix(30))
        try partial.write(to: URL(fileURLWithPath: path))
        let first = try await sample([path], store: try open(dir))
        #expect(first.packetsRead == 60)
        #expect(first.warnings.contains { $0.contains("stopped early") }, "\(first)")
        // Unchanged, it is as far as it can be read: not read again.
        let again = try await sample([path], store: try open(dir))
        #expect(again.packetsRead == 0 && again.filesAlreadyRead == 1 && again.warnings.isEmpty)

        try pcap.write(to: path)
        let rest = try await sample([path], store: try open(dir))
        #expect(rest.filesResumed == 1 && rest.packetsRead == pcap.records.count - 60 && rest.warnings.isEmpty, "\(rest)")
        try pcap.write(to: dir.path + "/full.pcap")
        _ = try await sample([dir.path + "/full.pcap"], store: try open(dir, "once.sqlite"))
        #expect(try StoredTotals(try open(dir)) == StoredTotals(try open(dir, "once.sqlite")))
    }

    /// tcpdump has just started: the file is a header, which other captures share.
    @Test("a file with no packets yet gets no entry; captures with the same header are all read")
    func headerOnly() async throws {
        let dir = try TempDir()
        let wiki = try ClassicPcap(path: TestEnv.pcapDir + "/wikipedia.pcap"), eap = try ClassicPcap(path: TestEnv.pcapDir + "/eapon1.pcap")
        #expect(wiki.header == eap.header, "the test needs two captures with the same file header")
        try FileManager.default.createDirectory(atPath: dir.path + "/rotated", withIntermediateDirectories: true)
        try wiki.write(to: dir.path + "/rotated/cap0.pcap", first: 0)
        let first = try await sample([dir.path + "/rotated"], store: try open(dir))
        #expect(first.packetsRead == 0 && first.warnings.isEmpty)
        #expect(try open(dir).captureFiles().isEmpty)
        try wiki.write(to: dir.path + "/rotated/cap0.pcap")
        try eap.write(to: dir.path + "/rotated/cap1.pcap")
        let second = try await sample([dir.path + "/rotated"], store: try open(dir))
        #expect(second.packetsRead == wiki.records.count + eap.records.count && second.filesAlreadyRead == 0, "\(second)")
        #expect(try open(dir).captureFiles().map(\.packets) == [wiki.records.count, eap.records.count])
    }

    @Test("a shorter copy of a file read is skipped: everything in it is counted")
    func shorterCopy() async throws {
        let dir = try TempDir()
        let pcap = try ClassicPcap(path: TestEnv.pcapDir + "/mapi.pcap")
        let first = try await sample([TestEnv.pcapDir + "/mapi.pcap"], store: try open(dir))
        let once = try StoredTotals(try open(dir))
        let copy = dir.path + "/head.pcap"
        try pcap.write(to: copy, first: 400)  // over 64 KiB: its fingerprint is the full file's
        let second = try await sample([copy], store: try open(dir))
        #expect(second.packetsRead == 0 && second.filesAlreadyRead == 1, "\(second)")
        #expect(try StoredTotals(try open(dir)) == once)
        #expect(try open(dir).captureFiles().map(\.packets) == [first.packetsRead])
    }

    @Test("a file counted under another filter is left alone, with a warning")
    func otherFilter() async throws {
        let dir = try TempDir()
        let pcap = try ClassicPcap(path: TestEnv.pcapDir + "/wikipedia.pcap")
        let path = dir.path + "/w.pcap"
        try pcap.write(to: path, first: 100)
        var s = SamplingSettings(source: .files([path]), capturePoint: Self.capturePoint)
        s.mode = .deterministic
        s.ouiFile = nil
        s.filter = "tcp"
        let filtered = try await runSampling(s, store: try open(dir), segments: [], logger: Logger(label: "test"))
        // Exactly the packets libpcap's own filter passes: tcpdump over the same file.
        let tcp = try runProcess("/usr/bin/tcpdump", ["-nn", "-r", path, "tcp"])
        let expected = tcp.stdout.split(separator: "\n").count
        #expect(expected > 0 && expected < 100)
        #expect(filtered.packetsRead == expected, "tcpdump passes \(expected)")
        #expect(try open(dir).captureFiles().first?.filter == "tcp")
        let once = try StoredTotals(try open(dir))
        // Read to its end under "tcp": already read, whatever the filter now.
        let same = try await sample([path], store: try open(dir))
        #expect(same.packetsRead == 0 && same.filesAlreadyRead == 1)
        // Grown: the count is a position only under "tcp".
        try pcap.write(to: path)
        let grown = try await sample([path], store: try open(dir))
        #expect(grown.packetsRead == 0 && grown.warnings.contains { $0.contains("under filter \"tcp\"") }, "\(grown)")
        #expect(try StoredTotals(try open(dir)) == once)
        let resumed = try await runSampling(s, store: try open(dir), segments: [], logger: Logger(label: "test"))
        #expect(resumed.filesResumed == 1 && resumed.packetsAlreadyCounted == filtered.packetsRead)
        let all = try await runSampling(s, store: try open(dir, "once.sqlite"), segments: [], logger: Logger(label: "test"))
        #expect(resumed.packetsRead + filtered.packetsRead == all.packetsRead)
        #expect(try StoredTotals(try open(dir)) == StoredTotals(try open(dir, "once.sqlite")))
    }

    @Test("a renamed copy is the same capture: skipped (at the same capture point)")
    func renamedCopy() async throws {
        let dir = try TempDir()
        let original = TestEnv.pcapDir + "/wikipedia.pcap"
        let first = try await sample([original], store: try open(dir))
        let once = try StoredTotals(try open(dir))
        try FileManager.default.createDirectory(atPath: dir.path + "/rotated", withIntermediateDirectories: true)
        let copy = dir.path + "/rotated/core-span-2026-11-23.pcap1"
        try FileManager.default.copyItem(atPath: original, toPath: copy)
        let second = try await sample([dir.path + "/rotated"], store: try open(dir))
        #expect(second.packetsRead == 0 && second.filesAlreadyRead == 1)
        #expect(try StoredTotals(try open(dir)) == once)
        // The ledger keeps one entry per capture point: elsewhere the copy is new traffic.
        let elsewhere = try await sample([copy], store: try open(dir), capturePoint: "another-span")
        #expect(elsewhere.packetsRead == first.packetsRead && elsewhere.filesAlreadyRead == 0)
        #expect(try open(dir).captureFiles().map(\.capturePoint) == ["another-span", Self.capturePoint])
    }

    @Test("reread counts the file again: every total doubles, the ledger still counts it once")
    func rereadDoubles() async throws {
        let dir = try TempDir()
        let file = TestEnv.pcapDir + "/eapon1.pcap"
        let first = try await sample([file], store: try open(dir))
        let once = try StoredTotals(try open(dir))
        let again = try await sample([file], store: try open(dir), reread: true)
        #expect(again.packetsRead == first.packetsRead && again.filesAlreadyRead == 0)
        let twice = try StoredTotals(try open(dir))
        #expect(twice.bytes == 2 * once.bytes && twice.packets == 2 * once.packets && twice.frames == 2 * once.frames)
        #expect(twice.traffic.count == once.traffic.count)
        #expect(zip(twice.traffic, once.traffic).allSatisfy { $0.inBytes == 2 * $1.inBytes && $0.samples == 2 * $1.samples })
        let ledger = try open(dir).captureFiles()
        #expect(ledger.count == 1 && ledger.first?.packets == first.packetsRead && ledger.first?.complete == true)
    }

    /// A run stopped part-way through a big file records the batch it holds with its
    /// progress; the next run skips exactly those packets.
    @Test("an interrupted run resumes without counting anything twice")
    func interruptedRun() async throws {
        let dir = try TempDir()
        let big = dir.path + "/big.pcap"
        let total = 120_000
        try makeBenchCapture(at: big, packets: total)

        let store = try open(dir)
        // Frames are 100 µs apart: with 1 s flushes the store is written every ~12,000 packets.
        let run = Task { try await sample([big], store: store, flushInterval: 1) }
        // Stop the run as soon as its first write shows in the ledger.
        let watcher = LedgerWatcher(probe: { (try? store.captureFiles().first?.packets) ?? 0 }, then: { run.cancel() })
        let stopped = try await run.value
        watcher.stop()
        try #require(watcher.seen > 0, "no flush seen")
        #expect(stopped.ending == "stopped")
        try #require(stopped.packetsRead < total, "the run ended before it could be stopped; make the capture bigger")
        let mid = try #require(try open(dir).captureFiles().first)
        #expect(mid.packets == stopped.packetsRead && !mid.complete)

        let resumed = try await sample([big], store: try open(dir), flushInterval: 1)
        #expect(resumed.filesResumed == 1 && resumed.packetsAlreadyCounted == stopped.packetsRead)
        #expect(stopped.packetsRead + resumed.packetsRead == total)
        let end = try #require(try open(dir).captureFiles().first)
        #expect(end.packets == total && end.complete)

        _ = try await sample([big], store: try open(dir, "once.sqlite"), flushInterval: 1)
        let split = try StoredTotals(try open(dir)), once = try StoredTotals(try open(dir, "once.sqlite"))
        #expect(split == once, "stopped+resumed: \(split); once: \(once)")
    }

    /// `--read` of a named pipe (tcpdump -w into a FIFO) worked before the ledger: it still
    /// does, read once and not recorded (a pipe cannot be fingerprinted without consuming it).
    @Test("a named pipe is read as before, without the ledger")
    func namedPipe() async throws {
        let dir = try TempDir()
        let fifo = dir.path + "/live.pcap"
        try #require(mkfifo(fifo, 0o600) == 0, "mkfifo: errno \(errno)")
        let source = TestEnv.pcapDir + "/icmp_dot1q.pcap"
        let writer = Thread {
            // Opening blocks until the sampler opens the pipe for reading.
            if let h = FileHandle(forWritingAtPath: fifo), let data = FileManager.default.contents(atPath: source) {
                h.write(data)
                try? h.close()
            }
        }
        writer.start()
        let viaPipe = try await sample([fifo], store: try open(dir))
        let direct = try await sample([source], store: try open(dir, "direct.sqlite"))
        #expect(viaPipe.packetsRead == direct.packetsRead && viaPipe.packetsRead > 0, "\(viaPipe)")
        #expect(try open(dir).captureFiles().isEmpty)
        #expect(try StoredTotals(try open(dir)) == StoredTotals(try open(dir, "direct.sqlite")))
    }

    @Test("the reread key: strict, capture files only")
    func rereadKey() throws {
        let tmp = try TempDir()
        let path = tmp.path + "/pantau.yaml"
        try "targets: []\nsampling:\n  read: [a.pcap]\n  reread: true\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try PantauConfig.load(path: path, environment: [:]).sampling?.reread == true)
        try "targets: []\nsampling:\n  read: [a.pcap]\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try PantauConfig.load(path: path, environment: [:]).sampling?.reread == false)
        for bad in ["  interface: eth1\n  reread: true\n", "  sflow: 127.0.0.1:6343\n  reread: false\n"] {
            try ("targets: []\nsampling:\n" + bad).write(toFile: path, atomically: true, encoding: .utf8)
            #expect { try PantauConfig.load(path: path, environment: [:]) } throws: { "\($0)".contains("reread applies to read sources") }
        }
        try "targets: []\nsampling:\n  read: [a.pcap]\n  reread: sometimes\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ConfigIssues.self) { try PantauConfig.load(path: path, environment: [:]) }
    }
}

extension CaptureFileLedgerTests {
    @Test("the ledger's read times come from the injected clock, so a replay at a chosen time records that time")
    func readTimesFromTheClock() async throws {
        let store = try PantauStore()
        var s = SamplingSettings(source: .files([TestEnv.pcapDir + "/dhcp.pcap"]), capturePoint: Self.capturePoint)
        s.mode = .deterministic
        s.ouiFile = nil
        let then = Date(timeIntervalSince1970: 1_234_567_890)
        _ = try await runSampling(s, store: store, segments: [], logger: Logger(label: "test"), clock: FixedClock(then))
        let entry = try #require(try store.captureFiles().first)
        #expect(entry.firstRead == then && entry.lastRead == then, "\(entry)")
        #expect(entry.complete && entry.packets > 0)
    }
}

import Collectors
import Foundation
import InventoryModel
import InventoryStore
import InventoryTesting
import Logging
import Settings
import Storage
import Testing

/// What the README promises about sampling, checked exactly: the rate and how estimates are
/// scaled by it in both modes, the per-host limits, and that no payload is ever stored.
@Suite("Sampling promises: rates, scaling, limits, no payload")
struct SamplingPromiseTests {
    static let t0 = 1_700_000_000.0

    static func hex(_ m: UInt64) -> String { Frames.mac(m).map { String(format: "%02x", $0) }.joined(separator: ":") }

    /// 1,000 frames from 7 hosts with varied wire lengths, all within one minute.
    static func mixedCapture(_ dir: TempDir) throws -> (path: String, frames: [(host: UInt64, wire: Int)]) {
        var w = PcapWriter()
        var frames: [(host: UInt64, wire: Int)] = []
        for i in 0..<1000 {
            let host = 0x0200_0000_0001 + UInt64(i % 7)  // 7 does not divide 10: every host has kept frames
            let wire = 60 + (i * 37) % 1400
            w.add(Frames.udp4(src: host, dst: 0x0200_0000_00fe, from: 0x0a00_0001 + UInt32(i % 7), to: 0x0a00_00fe),
                  at: t0 + Double(i) * 0.01, wire: wire)
            frames.append((host, wire))
        }
        let path = dir.path + "/mixed.pcap"
        try w.write(to: path)
        return (path, frames)
    }

    static func sample(_ path: String, rate: Int, mode: SamplingSettings.Mode, store: PantauStore) async throws -> SamplingSummary {
        var settings = SamplingSettings(source: .files([path]), capturePoint: "rate")
        settings.rate = rate
        settings.mode = mode
        settings.ouiFile = nil
        return try await runSampling(settings, store: store, segments: [], logger: Logger(label: "test"))
    }

    /// Out bytes per host MAC, and the rates the rows were scaled by.
    static func hostTotals(_ store: PantauStore) throws -> (out: [String: Int64], rates: Set<Int>) {
        var out: [String: Int64] = [:]
        var rates = Set<Int>()
        for r in try store.trafficEstimates(scope: .host) where r.outBytes > 0 {
            out[r.key, default: 0] += r.outBytes
            rates.insert(r.samplingRate)
        }
        return (out, rates)
    }

    @Test("--rate 10 --mode deterministic keeps exactly every 10th frame and scales each kept frame by 10")
    func deterministicRateScalesExactly() async throws {
        let dir = try TempDir()
        let (path, frames) = try Self.mixedCapture(dir)
        let store = try PantauStore(path: dir.path + "/p.sqlite")
        let summary = try await Self.sample(path, rate: 10, mode: .deterministic, store: store)
        let kept = frames.enumerated().filter { ($0.offset + 1) % 10 == 0 }.map(\.element)
        #expect(summary.packetsRead == 1000)
        var expected: [String: Int64] = [:]
        var expectedFrames: [String: Int] = [:]
        for f in kept {
            expected[Self.hex(f.host), default: 0] += Int64(f.wire) * 10
            expectedFrames[Self.hex(f.host), default: 0] += 1
        }
        let (out, rates) = try Self.hostTotals(store)
        #expect(out == expected)
        #expect(rates == [10])
        let sampled = Dictionary(uniqueKeysWithValues: try store.hostSightings().map { ($0.mac.description, $0.framesSampled) })
        #expect(sampled.filter { $0.key != Self.hex(0x0200_0000_00fe) } == expectedFrames)
    }

    @Test("--rate 4 --mode random keeps about 1 in 4 and its scaled estimate is close to the true total")
    func randomRateEstimatesTheTotal() async throws {
        let dir = try TempDir()
        let (path, frames) = try Self.mixedCapture(dir)
        let trueTotal = frames.reduce(Int64(0)) { $0 + Int64($1.wire) }
        let store = try PantauStore(path: dir.path + "/p.sqlite")
        _ = try await Self.sample(path, rate: 4, mode: .random, store: store)
        let (out, rates) = try Self.hostTotals(store)
        let estimate = out.values.reduce(0, +)
        #expect(rates == [4])
        // Every stored byte count is a kept frame's length times 4.
        #expect(out.values.allSatisfy { $0 % 4 == 0 })
        // About 250 frames kept of 1,000: the estimate's standard error is about 5.5 %; 25 % is
        // more than four of them, so this fails only when the scaling or the rate is wrong.
        let error = abs(Double(estimate - trueTotal)) / Double(trueTotal)
        #expect(error < 0.25, "estimate \(estimate) vs true \(trueTotal)")
        let sampled = try store.hostSightings().filter { $0.mac.description != Self.hex(0x0200_0000_00fe) }.map(\.framesSampled).reduce(0, +)
        #expect(sampled > 150 && sampled < 350, "\(sampled) frames kept of 1,000 at 1:4")
    }

    @Test("the pantau binary takes --rate and --mode and stores the rate with each estimate")
    func commandLineRate() throws {
        let dir = try TempDir()
        let (path, frames) = try Self.mixedCapture(dir)
        let storePath = dir.path + "/cli.sqlite"
        let r = try runProcess(TestEnv.pantauBinary, ["sample", "--read", path, "--rate", "10", "--mode", "deterministic",
                                                      "--store", storePath, "--capture-point", "cli"])
        #expect(r.status == 0, "\(r.stderr)")
        let store = try PantauStore(path: storePath, access: .readOnly)
        let (out, rates) = try Self.hostTotals(store)
        let kept = frames.enumerated().filter { ($0.offset + 1) % 10 == 0 }.map(\.element)
        #expect(out.values.reduce(0, +) == kept.reduce(Int64(0)) { $0 + Int64($1.wire) * 10 })
        #expect(rates == [10])
        let bad = try runProcess(TestEnv.pantauBinary, ["sample", "--read", path, "--rate", "0", "--store", storePath])
        #expect(bad.status != 0 && bad.stderr.contains("rate"), "\(bad.stderr)")
    }

    @Test("a host is stored with at most 16 distinct addresses, the first ones seen, and all its traffic")
    func addressLimitPerHost() async throws {
        let dir = try TempDir()
        var w = PcapWriter()
        for i in 0..<40 {
            w.add(Frames.udp4(src: 0x0200_0000_0001, dst: 0x0200_0000_00fe, from: 0x0a00_0100 + UInt32(i + 1), to: 0x0a00_00fe),
                  at: Self.t0 + Double(i) * 0.1)
        }
        let path = dir.path + "/many-addresses.pcap"
        try w.write(to: path)
        let store = try PantauStore(path: dir.path + "/p.sqlite")
        _ = try await Self.sample(path, rate: 1, mode: .deterministic, store: store)
        let host = try #require(try store.hostSightings().first { $0.mac.description == "02:00:00:00:00:01" })
        #expect(host.framesSampled == 40)
        #expect(host.addresses.map(\.address.description).sorted { IPAddress($0)! < IPAddress($1)! } == (1...16).map { "10.0.1.\($0)" })
        let (out, _) = try Self.hostTotals(store)
        let total: Int64? = out["02:00:00:00:00:01"]
        #expect(total == Int64(40 * 60))
    }

    @Test("no payload byte reaches the store: the text inside the corpus captures' packets is absent from the database file")
    func payloadIsNeverStored() async throws {
        // Strings that occur only inside packet payloads of these captures (HTTP bodies and
        // headers, SMB and MAPI data), never in a header field Pantau decodes.
        let captures = ["wikipedia.pcap", "mapi.pcap", "smb3_multichannel.pcap"].map { TestEnv.pcapDir + "/" + $0 }
        let markers = ["User-Agent", "Wikipedia", "Content-Type", "Accept-Encoding"]
        var present: [String] = []
        for path in captures {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            for m in markers where bytes.range(of: Data(m.utf8)) != nil { present.append(m) }
        }
        #expect(!present.isEmpty, "the captures should hold payload text to look for")
        let dir = try TempDir()
        let storePath = dir.path + "/payload.sqlite"
        do {
            let store = try PantauStore(path: storePath)
            var settings = SamplingSettings(source: .files(captures), capturePoint: "payload")
            settings.mode = .deterministic
            settings.ouiFile = nil
            let summary = try await runSampling(settings, store: store, segments: [], logger: Logger(label: "test"))
            #expect(summary.packetsRead > 100)
            #expect(!(try store.hostSightings()).isEmpty)
        }
        // The store is closed (its WAL checkpointed into the file); read every byte left.
        var stored = try Data(contentsOf: URL(fileURLWithPath: storePath))
        if let wal = try? Data(contentsOf: URL(fileURLWithPath: storePath + "-wal")) { stored.append(wal) }
        for m in Set(present) {
            #expect(stored.range(of: Data(m.utf8)) == nil, "payload text \"\(m)\" found in the store")
        }
    }
}

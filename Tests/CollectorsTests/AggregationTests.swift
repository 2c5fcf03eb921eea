import Collectors
import Settings
import Foundation
import InventoryModel
import InventoryStore
import Storage
import Logging
import Testing

/// Builds classic pcap files frame by frame, for cases the corpus does not hold.
struct PcapWriter {
    private(set) var data = Data()

    init() {
        append32(0xa1b2_c3d4); append16(2); append16(4); append32(0); append32(0); append32(65535); append32(1)
    }

    mutating func append16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
    mutating func append32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }

    /// One record; `wire` is the original length when only a header is captured.
    mutating func add(_ frame: [UInt8], at t: Double, wire: Int? = nil) {
        let sec = UInt32(t.rounded(.down))
        append32(sec); append32(UInt32(((t - Double(sec)) * 1_000_000).rounded()))
        append32(UInt32(frame.count)); append32(UInt32(wire ?? frame.count))
        data.append(contentsOf: frame)
    }

    func write(to path: String) throws { try data.write(to: URL(fileURLWithPath: path)) }
}

enum Frames {
    static func mac(_ v: UInt64) -> [UInt8] { (0..<6).map { UInt8(v >> UInt64(40 - 8 * $0) & 0xff) } }

    /// Ethernet + IPv4 + UDP (ports 40000 → 53), padded to 60 bytes.
    static func udp4(src: UInt64, dst: UInt64, from a: UInt32, to b: UInt32) -> [UInt8] {
        var f = mac(dst) + mac(src) + [0x08, 0x00]
        let ip: [UInt8] = [0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0] + bytes(a) + bytes(b)
        f += ip + [0x9c, 0x40, 0, 53, 0, 8, 0, 0]
        while f.count < 60 { f.append(0) }
        return f
    }

    /// Ethernet + IPv6 (fe80::1 → ff02::1:ff00:2) + an ICMPv6 neighbour solicitation.
    static func neighbourSolicitation(src: UInt64) -> [UInt8] {
        let source: [UInt8] = [0xfe, 0x80] + [UInt8](repeating: 0, count: 13) + [1]
        let group: [UInt8] = [0xff, 0x02] + [UInt8](repeating: 0, count: 9) + [1, 0xff, 0, 0, 2]
        let target: [UInt8] = [0xfe, 0x80] + [UInt8](repeating: 0, count: 13) + [2]
        let icmp: [UInt8] = [135, 0, 0, 0, 0, 0, 0, 0] + target
        return mac(0x3333_ff00_0002) + mac(src) + [0x86, 0xdd] + [0x60, 0, 0, 0, 0, UInt8(icmp.count), 58, 255] + source + group + icmp
    }

    static func bytes(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }
}

@Suite("Aggregation: what a capture adds up to")
struct AggregationTests {
    static func sample(_ path: String, segments: [PDSegment], store: PantauStore) async throws -> SamplingSummary {
        var settings = SamplingSettings(source: .files([path]), capturePoint: "agg")
        settings.mode = .deterministic
        settings.ouiFile = nil
        return try await runSampling(settings, store: store, segments: segments, logger: Logger(label: "test"))
    }

    @Test("a host whose first frame has no PD address is still counted for its PD")
    func hostPDFromLaterFrame() async throws {
        let host: UInt64 = 0x0250_5600_0001, gateway: UInt64 = 0x0250_5600_00fe
        var w = PcapWriter()
        let t0 = 1_700_000_040.0  // early in a minute, so every frame falls in the same one
        w.add(Frames.neighbourSolicitation(src: host), at: t0)
        w.add(Frames.udp4(src: host, dst: gateway, from: 0x0a14_0005, to: 0x0a14_00fe), at: t0 + 1)
        w.add(Frames.udp4(src: gateway, dst: host, from: 0x0a14_00fe, to: 0x0a14_0005), at: t0 + 2)
        let dir = try TempDir()
        defer { withExtendedLifetime(dir) {} }
        let path = dir.path + "/pd.pcap"
        try w.write(to: path)
        let store = try PantauStore()
        let bappeda = PDSegment(pd: "BAPPEDA", subnets: [try #require(IPNetwork("10.20.0.0/24"))], vlans: [])
        _ = try await Self.sample(path, segments: [bappeda], store: store)

        let talkers = try store.talkers(scope: .host)
        let row = try #require(talkers.first { $0.key == "02:50:56:00:00:01" })
        #expect(row.pd == "BAPPEDA", "\(talkers)")
        #expect(row.outPackets == 2 && row.inPackets == 1)
        let hosts = try store.hostSightings()
        #expect(hosts.first { $0.mac.description == "02:50:56:00:00:01" }?.pd == "BAPPEDA")
    }

    @Test("per-host, per-subnet and per-PD totals equal a plain sum over every frame")
    func totalsMatchAPlainSum() async throws {
        // 20,000 frames among 300 hosts and many addresses over three minutes: far more
        // conversations than the flow cache holds, so slots are reused and collide.
        var rng = SplitMix(seed: 42)
        var w = PcapWriter()
        var expectedHost: [String: (out: Int64, in: Int64)] = [:]
        var expectedPD: [String: (out: Int64, in: Int64)] = [:]
        var expectedSubnet: [String: (out: Int64, in: Int64)] = [:]
        let t0 = 1_700_000_100.0
        for i in 0..<20_000 {
            let src = 0x0200_0000_0000 | rng.next() % 300, dst = 0x0200_0000_0000 | rng.next() % 300
            // Hosts 0-149 are DINKES (10.30.x.x), the rest outside any PD (192.168.x.x).
            func address(_ m: UInt64) -> UInt32 {
                (m & 0xffff) < 150 ? 0x0a1e_0000 | UInt32(m & 0xff) << 8 | UInt32(rng.next() % 4 + 1)
                    : 0xc0a8_0000 | UInt32(m & 0xff) << 8 | UInt32(rng.next() % 4 + 1)
            }
            let a = address(src), b = address(dst)
            let wire = 60 + Int(rng.next() % 1400)
            let t = t0 + Double(i) * 0.009
            w.add(Frames.udp4(src: src, dst: dst, from: a, to: b), at: t, wire: wire)
            let len = Int64(wire)
            func hex(_ m: UInt64) -> String { Frames.mac(m).map { String(format: "%02x", $0) }.joined(separator: ":") }
            let minute = Int(t / 60) * 60
            expectedHost["\(minute) \(hex(src))", default: (0, 0)].out += len
            expectedHost["\(minute) \(hex(dst))", default: (0, 0)].in += len
            // The PD's configured subnet, else the address's /24.
            func subnet(_ ip: UInt32) -> String { ip >> 24 == 10 ? "10.30.0.0/16" : "192.168.\(ip >> 8 & 0xff).0/24" }
            func pd(_ ip: UInt32) -> String? { ip >> 24 == 10 ? "DINKES" : nil }
            expectedSubnet["\(minute) \(subnet(a))", default: (0, 0)].out += len
            expectedSubnet["\(minute) \(subnet(b))", default: (0, 0)].in += len
            if let p = pd(a) { expectedPD["\(minute) \(p)", default: (0, 0)].out += len }
            if let p = pd(b) { expectedPD["\(minute) \(p)", default: (0, 0)].in += len }
        }
        let dir = try TempDir()
        defer { withExtendedLifetime(dir) {} }
        let path = dir.path + "/mix.pcap"
        try w.write(to: path)
        let store = try PantauStore()
        let dinkes = PDSegment(pd: "DINKES", subnets: [try #require(IPNetwork("10.30.0.0/16"))], vlans: [])
        let summary = try await Self.sample(path, segments: [dinkes], store: store)
        #expect(summary.packetsRead == 20_000 && summary.hosts == 300)

        func got(_ scope: TrafficScope) throws -> [String: (out: Int64, in: Int64)] {
            var out: [String: (out: Int64, in: Int64)] = [:]
            for r in try store.trafficEstimates(scope: scope) {
                out["\(Int(r.minute.timeIntervalSince1970)) \(r.key)", default: (0, 0)].out += r.outBytes
                out["\(Int(r.minute.timeIntervalSince1970)) \(r.key)", default: (0, 0)].in += r.inBytes
            }
            return out
        }
        func same(_ a: [String: (out: Int64, in: Int64)], _ b: [String: (out: Int64, in: Int64)]) -> Bool {
            a.count == b.count && a.allSatisfy { k, v in b[k].map { $0.out == v.out && $0.in == v.in } ?? false }
        }
        let hosts = try got(.host), subnets = try got(.subnet), pds = try got(.pd)
        #expect(same(hosts, expectedHost), "host totals differ: \(hosts.count) rows vs \(expectedHost.count)")
        #expect(same(subnets, expectedSubnet), "subnet totals differ: \(subnets.keys.sorted().prefix(4)) vs \(expectedSubnet.keys.sorted().prefix(4))")
        #expect(same(pds, expectedPD), "PD totals differ: \(pds) vs \(expectedPD)")
        // Every DINKES host's traffic row carries its PD; no other host's does.
        for r in try store.trafficEstimates(scope: .host) {
            let n = UInt64(r.key.suffix(5).replacingOccurrences(of: ":", with: ""), radix: 16) ?? 0
            #expect(r.pd == (n < 150 ? "DINKES" : nil), "\(r.key)")
        }
    }
}

extension AggregationTests {
    @Test("a flood of new MACs: bounded tables, one warning, and no byte of traffic lost")
    func macFlood() async throws {
        var w = PcapWriter()
        var total: Int64 = 0
        for i in 0..<5_000 {
            let m = 0x0200_0000_0000 | UInt64(i)
            w.add(Frames.udp4(src: m, dst: 0x0200_00ff_ffff, from: 0x0a00_0000 | UInt32(i), to: 0x0a00_ffff), at: 1_700_000_000 + Double(i) * 0.001)
            total += 60
        }
        let dir = try TempDir()
        defer { withExtendedLifetime(dir) {} }
        let path = dir.path + "/flood.pcap"
        try w.write(to: path)
        let store = try PantauStore()
        var settings = SamplingSettings(source: .files([path]), capturePoint: "flood")
        settings.mode = .deterministic
        settings.ouiFile = nil
        settings.maxHosts = 1_000
        settings.maxTrafficKeys = 600
        let summary = try await runSampling(settings, store: store, segments: [], logger: Logger(label: "test"))
        #expect(summary.overflowFrames == 4_000, "\(summary)")
        #expect(summary.warnings.filter { $0.contains("host table full") }.count == 1, "\(summary.warnings)")
        #expect(summary.warnings.contains { $0.contains("traffic table full") })
        #expect(try store.hostSightings().count == 1_000)
        // Buckets beyond the limit go to `other`, so every byte is still counted once per side.
        let rows = try store.trafficEstimates()
        #expect(rows.count <= 600 + 4)
        let sent = rows.filter { $0.scope == .host || ($0.scope == .other && $0.key == "host") }.reduce(Int64(0)) { $0 + $1.outBytes }
        #expect(sent == total)
    }
}

/// A small deterministic generator, so a failing case can be replayed.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

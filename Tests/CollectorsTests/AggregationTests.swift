import Collectors
import Settings
import Foundation
import InventoryTesting
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
    /// Stored traffic of one scope, summed per "minute key" (the form the tests' plain sums take).
    static func storedTotals(_ store: PantauStore, _ scope: TrafficScope) throws -> [String: (out: Int64, in: Int64)] {
        var out: [String: (out: Int64, in: Int64)] = [:]
        for r in try store.trafficEstimates(scope: scope) {
            out["\(Int(r.minute.timeIntervalSince1970)) \(r.key)", default: (0, 0)].out += r.outBytes
            out["\(Int(r.minute.timeIntervalSince1970)) \(r.key)", default: (0, 0)].in += r.inBytes
        }
        return out
    }

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
        var rng = SplitMix64(seed: 42)
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

        func got(_ scope: TrafficScope) throws -> [String: (out: Int64, in: Int64)] { try Self.storedTotals(store, scope) }
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


extension AggregationTests {
    /// An 802.1Q-tagged IPv4 frame (UDP, or TCP when `tcp`), padded to 64 bytes.
    static func tagged(src: UInt64, dst: UInt64, vlan: UInt16, from a: UInt32, to b: UInt32, tcp: Bool) -> [UInt8] {
        var f = Frames.mac(dst) + Frames.mac(src) + [0x81, 0x00, UInt8(vlan >> 8), UInt8(vlan & 0xff), 0x08, 0x00]
        let l4: [UInt8] = tcp ? [0x9c, 0x40, 0x01, 0xbb] + [UInt8](repeating: 0, count: 8) + [0x50, 0x10, 0x01, 0xf6, 0, 0, 0, 0]
                              : [0x9c, 0x40, 0x00, 0x35, 0, 8, 0, 0]
        f += [0x45, 0, 0, UInt8(20 + l4.count), 0, 0, 0x40, 0, 64, tcp ? 6 : 17, 0, 0] + Frames.bytes(a) + Frames.bytes(b) + l4
        while f.count < 64 { f.append(0) }
        return f
    }

    /// An 802.1Q-tagged ARP request (broadcast) or reply (unicast to `dst`).
    static func taggedARP(src: UInt64, dst: UInt64?, vlan: UInt16, from a: UInt32, to b: UInt32) -> [UInt8] {
        var f = Frames.mac(dst ?? 0xffff_ffff_ffff) + Frames.mac(src) + [0x81, 0x00, UInt8(vlan >> 8), UInt8(vlan & 0xff), 0x08, 0x06]
        f += [0, 1, 0x08, 0x00, 6, 4, 0, dst == nil ? 1 : 2] + Frames.mac(src) + Frames.bytes(a) + Frames.mac(dst ?? 0) + Frames.bytes(b)
        while f.count < 64 { f.append(0) }
        return f
    }

    @Test("many hosts on many VLANs: per-host, per-subnet and per-PD totals equal a plain sum over every frame")
    func manyHostTotalsMatchAPlainSum() async throws {
        // 5,000 hosts on 8 VLANs, 150,000 frames over three minutes: TCP and UDP within a
        // VLAN and, through the VLAN's gateway, across VLANs, and 1 % ARP. Far more
        // conversations than the flow cache has slots, and enough hosts and buckets that the
        // aggregator's tables grow while they are in use.
        var rng = SplitMix64(seed: 13)
        let vlans: [UInt16] = Array(101...108), perVLAN = 625
        // VLANs 101-106 are PDs (subnet 10.v.0.0/22 and the VLAN); 107-108 belong to none.
        func pd(_ ip: UInt32) -> String? {
            let v = Int(ip >> 16 & 0xff)
            return ip >> 24 == 10 && (1...6).contains(v) ? "PD\(v)" : nil
        }
        func subnet(_ ip: UInt32) -> String {
            pd(ip) != nil ? "10.\(ip >> 16 & 0xff).0.0/22" : "10.\(ip >> 16 & 0xff).\(ip >> 8 & 0xff).0/24"
        }
        func mac(_ v: Int, _ h: Int) -> UInt64 { 0x0200_0000_0000 | UInt64(v) << 32 | UInt64(h) }
        func ip(_ v: Int, _ h: Int) -> UInt32 { 0x0a00_0000 | UInt32(v + 1) << 16 | UInt32(h / 250) << 8 | UInt32(h % 250 + 1) }
        func hex(_ m: UInt64) -> String { Frames.mac(m).map { String(format: "%02x", $0) }.joined(separator: ":") }
        // Zipf-like: a host's chance to be drawn falls with its rank.
        func pick() -> (v: Int, h: Int) {
            let r = Double(rng.next() % 1_000_000) / 1_000_000
            let rank = min(vlans.count * perVLAN - 1, Int(pow(Double(vlans.count * perVLAN), r)) - 1)
            let n = (rank &* 7919) % (vlans.count * perVLAN)
            return (n / perVLAN, n % perVLAN)
        }
        var w = PcapWriter()
        var expectedHost: [String: (out: Int64, in: Int64)] = [:]
        var expectedPD: [String: (out: Int64, in: Int64)] = [:]
        var expectedSubnet: [String: (out: Int64, in: Int64)] = [:]
        for i in 0..<150_000 {
            // Whole microseconds, as the capture stores them, so the minute is exact.
            let us = Int64(1_700_000_100) * 1_000_000 + Int64(i) * 1_200
            let t = Double(us) / 1_000_000
            let minute = Int(us / 60_000_000) * 60
            let wire = 64 + Int(rng.next() % 1450)
            let len = Int64(wire)
            let s = pick(), vlan = vlans[s.v]
            func host(_ m: UInt64) -> String { "\(minute) \(hex(m))@\(vlan)" }
            if rng.next() % 100 == 0 {
                // ARP between two hosts of one VLAN: the sender's traffic counts for its
                // host and its VLAN's PD; a reply's for its target host too.
                let d = Int(rng.next() % UInt64(perVLAN)), reply = rng.next() % 2 == 0
                w.add(Self.taggedARP(src: mac(s.v, s.h), dst: reply ? mac(s.v, d) : nil, vlan: vlan, from: ip(s.v, s.h), to: ip(s.v, d)),
                      at: t, wire: wire)
                expectedHost[host(mac(s.v, s.h)), default: (0, 0)].out += len
                if reply { expectedHost[host(mac(s.v, d)), default: (0, 0)].in += len }
                if let p = pd(ip(s.v, s.h)) { expectedPD["\(minute) \(p)", default: (0, 0)].out += len }
                continue
            }
            var d = pick()
            if d == s { d.h = (d.h + 1) % perVLAN }
            let a = ip(s.v, s.h), b = ip(d.v, d.h)
            // Across VLANs a frame goes to the sender's gateway (a MAC that never sends).
            let dstMAC = d.v == s.v ? mac(d.v, d.h) : mac(s.v, 0xfffe)
            w.add(Self.tagged(src: mac(s.v, s.h), dst: dstMAC, vlan: vlan, from: a, to: b, tcp: rng.next() % 4 != 0), at: t, wire: wire)
            expectedHost[host(mac(s.v, s.h)), default: (0, 0)].out += len
            expectedHost[host(dstMAC), default: (0, 0)].in += len
            expectedSubnet["\(minute) \(subnet(a))", default: (0, 0)].out += len
            expectedSubnet["\(minute) \(subnet(b))", default: (0, 0)].in += len
            if let p = pd(a) { expectedPD["\(minute) \(p)", default: (0, 0)].out += len }
            if let p = pd(b) { expectedPD["\(minute) \(p)", default: (0, 0)].in += len }
        }
        let dir = try TempDir()
        defer { withExtendedLifetime(dir) {} }
        let path = dir.path + "/many.pcap"
        try w.write(to: path)
        let store = try PantauStore()
        let segments = try (1...6).map { v in
            PDSegment(pd: "PD\(v)", subnets: [try #require(IPNetwork("10.\(v).0.0/22"))], vlans: [100 + v])
        }
        let summary = try await Self.sample(path, segments: segments, store: store)
        #expect(summary.packetsRead == 150_000 && summary.packetsSkipped == 0, "\(summary)")

        func got(_ scope: TrafficScope) throws -> [String: (out: Int64, in: Int64)] { try Self.storedTotals(store, scope) }
        func differences(_ a: [String: (out: Int64, in: Int64)], _ b: [String: (out: Int64, in: Int64)]) -> [String] {
            Set(a.keys).union(b.keys).filter { k in a[k]?.out != b[k]?.out || a[k]?.in != b[k]?.in }.sorted()
        }
        let hosts = try got(.host), subnets = try got(.subnet), pds = try got(.pd)
        #expect(hosts.count == expectedHost.count && hosts.count > 10_000, "\(hosts.count) host rows vs \(expectedHost.count)")
        #expect(differences(hosts, expectedHost).isEmpty, "host totals differ: \(differences(hosts, expectedHost).prefix(5))")
        #expect(differences(subnets, expectedSubnet).isEmpty, "subnet totals differ: \(differences(subnets, expectedSubnet).prefix(5))")
        #expect(differences(pds, expectedPD).isEmpty, "PD totals differ: \(differences(pds, expectedPD).prefix(5))")
        #expect(try store.trafficEstimates(scope: .other).isEmpty, "nothing overflowed")
    }
}

@Suite("Hosts need evidence")
struct HostEvidenceTests {
    /// An ARP reply whose sender hardware address is `sender` (possibly not the frame's source).
    static func arp(frameSource: UInt64, sender: UInt64, from a: UInt32, to b: UInt32) -> [UInt8] {
        var f = Frames.mac(0x0200_0000_00ff) + Frames.mac(frameSource) + [0x08, 0x06]
        f += [0, 1, 0x08, 0x00, 6, 4, 0, 2] + Frames.mac(sender) + Frames.bytes(a) + Frames.mac(0x0200_0000_00ff) + Frames.bytes(b)
        while f.count < 60 { f.append(0) }
        return f
    }

    @Test("an ARP packet whose sender differs from the frame's source makes no host and binds no address")
    func arpVouchesForItsOwnSenderOnly() async throws {
        let dir = try TempDir()
        var w = PcapWriter()
        // 02:..:01 answers for 02:..:99 (proxy ARP or a spoof); 02:..:02 answers for itself.
        w.add(Self.arp(frameSource: 0x0200_0000_0001, sender: 0x0200_0000_0099, from: 0x0a00_0063, to: 0x0a00_00fe), at: 1_700_000_000)
        w.add(Self.arp(frameSource: 0x0200_0000_0002, sender: 0x0200_0000_0002, from: 0x0a00_0002, to: 0x0a00_00fe), at: 1_700_000_001)
        let path = dir.path + "/arp.pcap"
        try w.write(to: path)
        let store = try PantauStore(path: dir.path + "/p.sqlite")
        _ = try await AggregationTests.sample(path, segments: [], store: store)
        let hosts = Dictionary(uniqueKeysWithValues: try store.hostSightings().map { ($0.mac.description, $0) })
        #expect(hosts["02:00:00:00:00:99"] == nil, "a host from someone else's ARP claim")
        #expect(hosts["02:00:00:00:00:01"]?.framesSampled == 1 && hosts["02:00:00:00:00:01"]?.addresses.isEmpty == true)
        #expect(hosts["02:00:00:00:00:02"]?.addresses.map(\.address.description) == ["10.0.0.2"])
        #expect(hosts.values.allSatisfy { $0.framesSampled > 0 })
    }
}

import Foundation
import PacketDecoding
import InventoryTesting
import Testing

/// Frames of a classic pcap file (test-only reader; Pantau itself reads through libpcap).
func pcapFrames(_ path: String) throws -> [[UInt8]] {
    let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    guard data.count >= 24 else { return [] }
    let le = data[0] == 0xd4
    func u32(_ o: Int) -> Int {
        le ? Int(data[o]) | Int(data[o + 1]) << 8 | Int(data[o + 2]) << 16 | Int(data[o + 3]) << 24
           : Int(data[o]) << 24 | Int(data[o + 1]) << 16 | Int(data[o + 2]) << 8 | Int(data[o + 3])
    }
    var out: [[UInt8]] = []
    var o = 24
    while o + 16 <= data.count {
        let cap = u32(o + 8)
        guard o + 16 + cap <= data.count else { break }
        out.append(Array(data[(o + 16)..<(o + 16 + cap)]))
        o += 16 + cap
    }
    return out
}

var corpusDir: String { (ProcessInfo.processInfo.environment["PANTAU_CORPUS"] ?? "/work/shared/corpus") + "/pcap" }

func hex(_ s: String) -> [UInt8] {
    let digits = s.filter { $0.isHexDigit }
    var out: [UInt8] = []
    var i = digits.startIndex
    while i < digits.endIndex {
        let j = digits.index(i, offsetBy: 2)
        out.append(UInt8(digits[i..<j], radix: 16)!)  // test literals are well-formed
        i = j
    }
    return out
}

@Suite("Packet decoders")
struct DecoderTests {
    let eth = hex("ffffffffffff 001122334455")

    @Test("QinQ: outer S-tag and inner C-tag, host VLAN is the inner one")
    func qinq() {
        let frame = eth + hex("88a8 0064 8100 00c8 0806") + hex("0001 0800 06 04 0001 001122334455 0a000001 000000000000 0a000002")
        let p = PacketDecoder.decode(frame)
        #expect(p.vlan == 100 && p.innerVLAN == 200 && p.hostVLAN == 200)
        guard case .arp(let a) = p.control else { Issue.record("no ARP"); return }
        #expect(a.senderIP == .v4(0x0a00_0001) && a.senderMAC.description == "00:11:22:33:44:55")
    }

    @Test("too many VLAN tags is reported, not followed forever")
    func vlanBomb() {
        var frame = eth
        for _ in 0..<100 { frame += hex("8100 0001") }
        frame += hex("0800")
        #expect(PacketDecoder.decode(frame).issue == .tooDeep)
    }

    @Test("IPv6 hop-by-hop and destination options are skipped to reach UDP")
    func ipv6Extensions() {
        let ip6 = hex("6000 0000 0020 00 40") + hex("20010db8000000000000000000000001") + hex("20010db8000000000000000000000002")
        let hbh = hex("3c00 0000 0000 0000")   // next: dest opts, len 0
        let dst = hex("1100 0000 0000 0000")   // next: UDP
        let udp = hex("1234 0035 0010 0000") + [UInt8](repeating: 0, count: 8)
        let p = PacketDecoder.decode(eth + hex("86dd") + ip6 + hbh + dst + udp)
        #expect(p.issue == nil)
        #expect(p.ipProtocol == 17 && p.sourcePort == 0x1234 && p.destinationPort == 53)
        #expect(p.ipSource?.description == "2001:db8::1")
    }

    @Test("IPv6 neighbour advertisement: target and link-layer option")
    func ndp() {
        let icmp = hex("88 00 0000 60000000") + hex("fe800000000000000211223344556677") + hex("0201 001122334455")
        let ip6 = hex("6000 0000") + [0, UInt8(icmp.count)] + hex("3a ff") + hex("fe800000000000000211223344556677") + hex("ff020000000000000000000000000001")
        let p = PacketDecoder.decode(hex("333300000001 001122334455 86dd") + ip6 + icmp)
        guard case .ndp(let n) = p.control else { Issue.record("no NDP: \(p)"); return }
        #expect(n.type == 136 && n.linkLayer?.description == "00:11:22:33:44:55" && n.target?.description == "fe80::211:2233:4455:6677")
    }

    @Test("NetBIOS header with huge question and answer counts (found by the fuzzer: UInt16 overflow)")
    func netbiosCountOverflow() {
        let frame = hex("ffffffffffff00042357a57a08004500006038d40000801169faa9fe43c2a9feffff00890089004cb504893080808080808080808080808080808080808080808080808080808080808080808080808080808080808080808080291097012f0000000001204545454b4641444a444646444441454b434143414341434143414341434143410000200001c00c00200001000493e000066000a9fe43c2")
        let p = PacketDecoder.decode(frame)
        #expect(p.sourcePort == 137 && p.control == nil)
    }

    @Test("addresses print canonically")
    func addressText() {
        #expect(IPAddr.v6(0x2001_0db8_0000_0000, 1).description == "2001:db8::1")
        #expect(IPAddr.v6(0, 0).description == "::")
        #expect(IPAddr.v6(0x2001_0db8_0000_0001, 0x0000_0000_0001_0000).description == "2001:db8:0:1::1:0")
        #expect(IPAddr.v4(0xc0a8_0101).description == "192.168.1.1")
        #expect(MAC48(raw: 0x0a0b0c0d0e0f).description == "0a:0b:0c:0d:0e:0f")
    }

    @Test("every prefix of every corpus frame decodes without trapping, and cut headers are reported")
    func truncations() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: corpusDir).filter { $0.hasSuffix(".pcap") }.sorted()
        #expect(files.count >= 10)
        var frames = 0, truncated = 0
        for f in files {
            for frame in try pcapFrames(corpusDir + "/" + f).prefix(200) {
                frames += 1
                #expect(PacketDecoder.decode(frame).issue == nil, "\(f): whole frame")
                for n in 0..<min(frame.count, 160) {
                    let p = PacketDecoder.decode(Array(frame[0..<n]), wireLength: frame.count)
                    if p.issue != nil { truncated += 1 }
                    if n < 14 { #expect(p.issue == .truncated) }
                }
            }
        }
        #expect(frames > 500)
        #expect(truncated > frames * 10)
    }

    @Test("random bytes never trap (a quick in-process fuzz; the libFuzzer harness goes further)")
    func randomBytes() {
        var rng = SplitMix64(seed: 0xdec0de)  // the same inputs on every run
        var truncated = 0, decodedIP = 0
        for _ in 0..<20_000 {
            let n = Int.random(in: 0...300, using: &rng)
            var b = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if b.count > 14, Bool.random(using: &rng) { b[12] = [0x08, 0x86, 0x88, 0x81][Int.random(in: 0...3)]; b[13] = [0x00, 0xdd, 0xcc, 0x06][Int.random(in: 0...3)] }
            let p = PacketDecoder.decode(b)
            // Every frame is accounted for at its length; one shorter than an Ethernet header
            // is truncated; decoding is a function of the bytes alone.
            #expect(p.wireLength == n)
            if n < 14 { #expect(p.issue == .truncated) }
            let again = PacketDecoder.decode(b)
            #expect(again.issue == p.issue && again.etherType == p.etherType && again.control == p.control
                    && again.sourcePort == p.sourcePort && again.ipProtocol == p.ipProtocol)
            if p.issue == .truncated { truncated += 1 }
            if p.ipSource != nil { decodedIP += 1 }
            _ = SFlowDecoder.decode(b)
        }
        // The inputs reach past the Ethernet header often enough to exercise the inner decoders.
        #expect(truncated > 1_000 && decodedIP > 20, "truncated \(truncated), with an IP header \(decodedIP)")
    }
}

@Suite("LLDP without its mandatory TLVs")
struct LLDPMandatoryTests {
    /// An LLDP frame with the given TLVs (type, value), then End of LLDPDU.
    static func frame(_ tlvs: [(UInt16, [UInt8])]) -> [UInt8] {
        var f: [UInt8] = [0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x88, 0xcc]
        for (type, value) in tlvs + [(0, [])] {
            let head = type << 9 | UInt16(value.count)
            f += [UInt8(head >> 8), UInt8(head & 0xff)] + value
        }
        return f
    }
    static let chassis: (UInt16, [UInt8]) = (1, [4, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55])  // MAC subtype
    static let port: (UInt16, [UInt8]) = (2, [5] + Array("ether1".utf8))                     // interface name
    static let ttl: (UInt16, [UInt8]) = (3, [0, 120])
    static let name: (UInt16, [UInt8]) = (5, Array("sw-core".utf8))

    @Test func aFrameWithoutChassisOrPortIDIsMalformedAndNamesNoNeighbour() {
        for tlvs in [[Self.port, Self.ttl, Self.name], [Self.chassis, Self.ttl, Self.name], [Self.ttl, Self.name], [(1, [4]), Self.port, Self.ttl]] {
            let p = PacketDecoder.decode(Self.frame(tlvs))
            #expect(p.control == nil, "\(tlvs.map(\.0))")
            #expect(p.issue == .malformed, "\(tlvs.map(\.0))")
        }
        let ok = PacketDecoder.decode(Self.frame([Self.chassis, Self.port, Self.ttl, Self.name]))
        #expect(ok.issue == nil)
        guard case .lldp(let n)? = ok.control else { Issue.record("no neighbour from a complete LLDPDU"); return }
        #expect(n.chassisID == "00:11:22:33:44:55" && n.portID == "ether1" && n.systemName == "sw-core")
    }
}

@Suite("sFlow v5 datagrams")
struct SFlowDecoderTests {
    /// A datagram with one flow sample (rate 512, one raw header record) and one counter
    /// sample (generic interface counters), laid out per sflow_version_5.txt.
    static func datagram(headerBytes: [UInt8]) -> [UInt8] {
        func u32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }
        func u64(_ v: UInt64) -> [UInt8] { u32(UInt32(v >> 32)) + u32(UInt32(v & 0xffff_ffff)) }
        let padded = headerBytes + [UInt8](repeating: 0, count: (4 - headerBytes.count % 4) % 4)
        let raw = u32(1) + u32(1514) + u32(4) + u32(UInt32(headerBytes.count)) + padded
        let flow = u32(7) + u32(3) + u32(512) + u32(9000) + u32(0) + u32(3) + u32(4) + u32(1) + u32(1) + u32(UInt32(raw.count)) + raw
        let generic = u32(3) + u32(6) + u64(1_000_000_000) + u32(1) + u32(3) + u64(123_456_789) + u32(10) + u32(0) + u32(0) + u32(0)
            + u32(2) + u32(0) + u64(987_654_321) + u32(20) + u32(0) + u32(0) + u32(0) + u32(5) + u32(0)
        let counters = u32(8) + u32(3) + u32(1) + u32(1) + u32(UInt32(generic.count)) + generic
        return u32(5) + u32(1) + [192, 0, 2, 1] + u32(0) + u32(42) + u32(1000) + u32(2)
            + u32(1) + u32(UInt32(flow.count)) + flow + u32(2) + u32(UInt32(counters.count)) + counters
    }

    @Test("flow and counter samples decode with the agent's rate")
    func decodes() throws {
        let frame = hex("001122334455 66778899aabb 0800 4500 0028 0000 4000 4006 0000 0a000001 0a000002 1f90 0050")
        let d = try SFlowDecoder.decode(Self.datagram(headerBytes: frame)).get()
        #expect(d.agent == .v4(0xc000_0201) && d.sequence == 42)
        #expect(d.flowSamples.count == 1 && d.flowSamples[0].samplingRate == 512 && d.flowSamples[0].frameLength == 1514)
        let p = PacketDecoder.decode(d.flowSamples[0].header, wireLength: 1514)
        #expect(p.ipSource?.description == "10.0.0.1" && p.destinationPort == 80)
        let c = try #require(d.counterSamples.first)
        #expect(d.counterSamples.count == 1)
        #expect(c.ifIndex == 3 && c.ifType == 6 && c.ifSpeed == 1_000_000_000 && c.ifStatus == 3)
        #expect(c.inOctets == 123_456_789 && c.inUnicastPackets == 10 && c.inErrors == 2)
        #expect(c.outOctets == 987_654_321 && c.outUnicastPackets == 20 && c.outErrors == 5)
    }

    @Test("every truncation of a datagram is rejected or decoded, never trapping")
    func truncated() {
        let full = Self.datagram(headerBytes: [UInt8](repeating: 0xab, count: 64))
        var failures = 0
        for n in 0..<full.count {
            if case .failure = SFlowDecoder.decode(Array(full[0..<n])) { failures += 1 }
        }
        #expect(failures == full.count)
    }

    @Test("hostile counts and lengths are refused without allocating")
    func hostile() {
        var d = Self.datagram(headerBytes: [1, 2, 3, 4])
        d[24..<28] = [0xff, 0xff, 0xff, 0xff]  // sample count
        guard case .failure(let e) = SFlowDecoder.decode(d) else { Issue.record("accepted 4 billion samples"); return }
        #expect(e.reason == .malformed)
        #expect(SFlowDecoder.decode(hex("00000004 00000001")).failureReason == .malformed)
    }
}

extension Result where Failure == SFlowError {
    var failureReason: DecodeIssue? { if case .failure(let e) = self { e.reason } else { nil } }
}

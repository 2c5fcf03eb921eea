import Collectors
import Settings
import Foundation
import InventoryModel
import InventoryStore
import Storage
import Logging
import PacketCapture
import PacketDecoding
import Testing

/// One frame as tshark decodes it (first occurrence of each field unless noted).
struct TsharkFrame {
    static let fields = [
        "frame.number", "eth.src", "eth.dst", "vlan.id", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
        "arp.src.hw_mac", "arp.src.proto_ipv4", "lldp.chassis.id.mac", "lldp.chassis.id", "lldp.port.id.mac", "lldp.port.id",
        "lldp.tlv.system.name", "cdp.deviceid", "cdp.portid", "cdp.platform", "dhcp.hw.mac_addr", "dhcp.option.dhcp_server_id",
        "dhcp.option.hostname", "dhcp.option.requested_ip_address", "dhcp.ip.your", "dhcp.option.dhcp", "stp.bridge.hw",
        "stp.bridge.prio", "stp.bridge.ext", "stp.root.hw", "tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport", "dhcp.ip.client",
        "stp.pvst.origvlan",
    ]
    var values: [String: [String]] = [:]
    func all(_ f: String) -> [String] { values[f] ?? [] }
    func first(_ f: String) -> String? { values[f]?.first }

    static func read(_ file: String) throws -> [TsharkFrame] {
        let tshark = try #require(TestEnv.which("tshark"), "tshark is not installed (scripts/setup.sh installs it)")
        var args = ["-r", file, "-n", "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=|"]
        for f in fields { args += ["-e", f] }
        let r = try runProcess(tshark, args)
        #expect(r.status == 0, "tshark failed on \(file): \(r.stderr)")
        return r.stdout.split(separator: "\n", omittingEmptySubsequences: true).map { line in
            var frame = TsharkFrame()
            for (i, col) in line.split(separator: "\t", omittingEmptySubsequences: false).enumerated() where i < fields.count {
                let v = col.split(separator: "|").map(String.init).filter { !$0.isEmpty }
                if !v.isEmpty { frame.values[fields[i]] = v }
            }
            return frame
        }
    }
}

/// Reads every frame of a capture with Pantau's libpcap adapter and decoders.
func decodeAll(_ file: String) throws -> [DecodedPacket] {
    let src = try PcapSource.open(file: file)
    let link = try #require(src.linkType)
    var out: [DecodedPacket] = []
    _ = src.forEach { _, bytes, wire in
        out.append(PacketDecoder.decode(bytes, wireLength: wire, linkType: link))
        return true
    }
    return out
}

@Suite("Decoders agree with tshark on every corpus capture")
struct TsharkAgreementTests {
    static let captures = TestEnv.captures

    @Test("corpus is present")
    func corpusPresent() {
        #expect(Self.captures.count >= 10, "expected the pcap corpus at \(TestEnv.pcapDir)")
    }

    @Test("frame by frame", arguments: captures)
    func perFrame(_ name: String) throws {
        let file = TestEnv.pcapDir + "/" + name
        let ts = try TsharkFrame.read(file)
        let ours = try decodeAll(file)
        try #require(ts.count == ours.count, "\(name): tshark saw \(ts.count) frames, Pantau \(ours.count)")
        for (i, (t, p)) in zip(ts, ours).enumerated() {
            let where_ = "\(name) frame \(i + 1)"
            #expect(p.issue == nil, "\(where_): \(p.issue?.rawValue ?? "")")
            #expect(p.source.description == t.first("eth.src"), "\(where_) source")
            #expect(p.destination.description == t.first("eth.dst"), "\(where_) destination")
            let vlans = t.all("vlan.id").compactMap { UInt16($0) }
            #expect([p.vlan, p.innerVLAN].compactMap { $0 } == vlans, "\(where_) VLANs")
            let tsIPs = t.first("ip.src").map { ($0, t.first("ip.dst")) } ?? t.first("ipv6.src").map { ($0, t.first("ipv6.dst")) }
            #expect(p.ipSource?.description == tsIPs?.0, "\(where_) IP source")
            #expect(p.ipDestination?.description == tsIPs?.1 ?? nil, "\(where_) IP destination")
            if p.ipProtocol == 6 {
                #expect(p.sourcePort.description == t.first("tcp.srcport") && p.destinationPort.description == t.first("tcp.dstport"), "\(where_) TCP ports")
            } else if p.ipProtocol == 17 {
                #expect(p.sourcePort.description == t.first("udp.srcport") && p.destinationPort.description == t.first("udp.dstport"), "\(where_) UDP ports")
            }
            switch p.control {
            case .arp(let a):
                #expect(a.senderMAC.description == t.first("arp.src.hw_mac") && a.senderIP.description == t.first("arp.src.proto_ipv4"), "\(where_) ARP")
            case .lldp(let n):
                #expect(n.chassisID == (t.first("lldp.chassis.id.mac") ?? t.first("lldp.chassis.id")), "\(where_) LLDP chassis")
                #expect(n.portID == (t.first("lldp.port.id.mac") ?? t.first("lldp.port.id")), "\(where_) LLDP port")
                #expect(n.systemName == t.first("lldp.tlv.system.name"), "\(where_) LLDP system name")
            case .cdp(let n):
                #expect(n.chassisID == t.first("cdp.deviceid"), "\(where_) CDP device id")
                #expect(n.portID == t.first("cdp.portid"), "\(where_) CDP port")
                #expect(n.platform == t.first("cdp.platform"), "\(where_) CDP platform")
            case .dhcp(let d):
                #expect(d.clientMAC?.description == t.first("dhcp.hw.mac_addr"), "\(where_) DHCP client MAC")
                #expect(d.serverIdentifier?.description == t.first("dhcp.option.dhcp_server_id"), "\(where_) DHCP server id")
                #expect(d.hostname == t.first("dhcp.option.hostname"), "\(where_) DHCP hostname")
                #expect(d.requestedIP?.description == t.first("dhcp.option.requested_ip_address"), "\(where_) DHCP requested IP")
                #expect((d.yourIP?.description ?? "0.0.0.0") == t.first("dhcp.ip.your"), "\(where_) DHCP yiaddr")
                #expect(d.messageType.map { String($0) } == t.first("dhcp.option.dhcp"), "\(where_) DHCP message type")
            case .stp(let s):
                let prio = (Int(t.first("stp.bridge.prio") ?? "") ?? -1) + (Int(t.first("stp.bridge.ext") ?? "") ?? 0)
                #expect(s.bridge == "\(prio)/\(t.first("stp.bridge.hw") ?? "")", "\(where_) STP bridge id")
                #expect(s.rootBridge?.hasSuffix(t.first("stp.root.hw") ?? "?") == true, "\(where_) STP root")
            default:
                // Pantau found no control protocol: tshark must not have found one either.
                #expect(t.first("lldp.tlv.system.name") == nil && t.first("cdp.deviceid") == nil && t.first("dhcp.hw.mac_addr") == nil
                        && t.first("stp.bridge.hw") == nil && t.first("arp.src.hw_mac") == nil, "\(where_) missed a control protocol")
            }
        }
    }

    @Test("hosts, addresses, neighbours and DHCP servers in the store", arguments: captures)
    func stored(_ name: String) async throws {
        let file = TestEnv.pcapDir + "/" + name
        let ts = try TsharkFrame.read(file)
        let store = try PantauStore()
        var settings = SamplingSettings(source: .files([file]), capturePoint: "test")
        settings.mode = .deterministic
        let summary = try await runSampling(settings, store: store, segments: [], logger: Logger(label: "test"))
        #expect(summary.packetsRead == ts.count)

        // What tshark's fields say, by the rules in docs/README-sampling.md.
        var expected: [String: Set<String>] = [:]  // "mac@vlan" -> addresses
        func key(_ mac: String, _ vlan: String?) -> String { "\(mac)@\(vlan ?? "0")" }
        func unicast(_ mac: String) -> Bool { guard let b = UInt8(mac.prefix(2), radix: 16) else { return false }; return b & 1 == 0 && mac != "00:00:00:00:00:00" }
        func usable(_ ip: String) -> Bool {
            guard let a = IPAddress(ip) else { return false }
            switch a {
            case .v4(let v): return v != 0 && v >> 28 != 0xe && v != 0xffff_ffff
            case .v6(let b): return b[0] != 0xff && b.contains { $0 != 0 }
            }
        }
        var neighbours = Set<String>()
        var servers = Set<String>()
        for t in ts {
            let vlan = t.all("vlan.id").last
            guard let src = t.first("eth.src") else { continue }
            if unicast(src) {
                let k = key(src, vlan)
                expected[k, default: []].formUnion([t.first("ip.src"), t.first("ipv6.src")].compactMap { $0 }.filter(usable))
            }
            if let m = t.first("arp.src.hw_mac"), unicast(m), let ip = t.first("arp.src.proto_ipv4") {
                expected[key(m, vlan), default: []].formUnion([ip].filter(usable))
            }
            if let m = t.first("dhcp.hw.mac_addr"), unicast(m), let type = t.first("dhcp.option.dhcp").flatMap({ Int($0) }) {
                if type == 5, let ip = t.first("dhcp.ip.your") { expected[key(m, vlan), default: []].formUnion([ip].filter(usable)) }
                if [1, 3, 4, 7, 8].contains(type) {
                    expected[key(m, vlan), default: []].formUnion([t.first("dhcp.ip.client")].compactMap { $0 }.filter(usable))
                }
                if [2, 5, 6].contains(type), unicast(src), let sid = t.first("dhcp.option.dhcp_server_id") ?? t.first("ip.src") {
                    servers.insert("\(sid) \(src)")
                }
            }
            if let n = t.first("lldp.tlv.system.name") ?? t.first("lldp.chassis.id.mac") ?? t.first("lldp.chassis.id") { neighbours.insert("lldp \(src) \(n)") }
            if let n = t.first("cdp.deviceid") { neighbours.insert("cdp \(src) \(n)") }
            if t.first("stp.bridge.hw") != nil { neighbours.insert("stp \(src)") }
        }

        let hosts = try store.hostSightings()
        var got: [String: Set<String>] = [:]
        for h in hosts { got[key(h.mac.description, h.vlan.map(String.init)), default: []].formUnion(h.addresses.map(\.address.description)) }
        #expect(Set(got.keys) == Set(expected.keys), "\(name): hosts differ")
        for (k, want) in expected {
            let have = got[k] ?? []
            if want.count <= 16 {
                #expect(have == want, "\(name) \(k): addresses")
            } else {
                // A router forwarding for many remote addresses: Pantau keeps the first 16.
                #expect(have.count == 16 && have.isSubset(of: want), "\(name) \(k): capped addresses")
            }
        }
        let storedNeighbours = Set(try store.neighbourSightings().filter { $0.protocolName != "ra" }.map { n in
            n.protocolName == "stp" ? "stp \(n.mac)" : "\(n.protocolName) \(n.mac) \(n.systemName ?? n.chassisID ?? "")"
        })
        #expect(storedNeighbours == neighbours, "\(name): neighbours")
        #expect(Set(try store.dhcpServerSightings().map { "\($0.server) \($0.mac)" }) == servers, "\(name): DHCP servers")
    }
}

/// Cisco PVST+ BPDUs (SNAP to 01:00:0c:cc:cc:cd, as trunks send them), checked against tshark:
/// the bridge id and the originating VLAN, and the trunk's native VLAN from the untagged one.
@Suite("PVST+ against tshark")
struct PVSTTests {
    /// A PVST+ BPDU (802.3 + LLC/SNAP 00000c/010b), optionally 802.1Q-tagged, with the
    /// originating-VLAN TLV; RSTP when `rapid`.
    static func pvst(bridge: UInt64, tag: UInt16?, originating: UInt16, rapid: Bool) -> [UInt8] {
        var bpdu: [UInt8] = [0, 0, rapid ? 2 : 0, rapid ? 2 : 0, rapid ? 0x3c : 0]
        bpdu += [0x80, 0x01] + Frames.mac(0x0019_0000_0001) + [0, 0, 0, 4]  // root 32769/00:19:00:00:00:01, cost 4
        bpdu += [0x80, UInt8(originating & 0xff)] + Frames.mac(bridge) + [0x80, 0x18]  // bridge 32768+vlan, port 0x8018
        bpdu += [0, 0, 0x14, 0, 0x02, 0, 0x0f, 0]  // ages and timers
        bpdu.append(0)                              // version 1 length (PVST+ sends it for 802.1D too)
        bpdu += [0, 0, 0, 2, UInt8(originating >> 8), UInt8(originating & 0xff)]
        let llc: [UInt8] = [0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x01, 0x0b] + bpdu
        var f = Frames.mac(0x0100_0ccc_cccd) + Frames.mac(bridge)
        if let tag { f += [0x81, 0x00, UInt8(tag >> 8), UInt8(tag & 0xff)] }
        f += [UInt8(llc.count >> 8), UInt8(llc.count & 0xff)] + llc
        while f.count < 64 { f.append(0) }
        return f
    }

    @Test func originatingVLANAndNativeVLANAgreeWithTshark() async throws {
        let dir = try TempDir()
        var w = PcapWriter()
        let frames = [Self.pvst(bridge: 0x0019_aaaa_0001, tag: nil, originating: 20, rapid: false),
                      Self.pvst(bridge: 0x0019_aaaa_0001, tag: 30, originating: 30, rapid: true)]
        for (i, f) in frames.enumerated() { w.add(f, at: 1_700_000_000 + Double(i)) }
        let path = dir.path + "/pvst.pcap"
        try w.write(to: path)
        let shark = try TsharkFrame.read(path)
        #expect(shark.map { $0.first("stp.pvst.origvlan") } == ["20", "30"])
        for (f, t) in zip(frames, shark) {
            let p = PacketDecoder.decode(f)
            guard case .stp(let s)? = p.control else { Issue.record("no BPDU decoded"); continue }
            #expect(s.pvstVLAN.map(String.init) == t.first("stp.pvst.origvlan"))
            let prio = (Int(t.first("stp.bridge.prio") ?? "") ?? -1) + (Int(t.first("stp.bridge.ext") ?? "") ?? 0)
            #expect(s.bridge == "\(prio)/\(t.first("stp.bridge.hw") ?? "")")
        }
        let store = try PantauStore(path: dir.path + "/p.sqlite")
        _ = try await AggregationTests.sample(path, segments: [], store: store)
        let pvst = try store.neighbourSightings().filter { $0.protocolName == "pvst" }
        // The untagged BPDU gives the trunk's native VLAN; the tagged one (VLAN 30) does not.
        #expect(pvst.map(\.vlan) == [nil, 30])
        #expect(pvst.first { $0.vlan == nil }?.nativeVLAN == 20)
        #expect(pvst.first { $0.vlan == 30 }?.nativeVLAN == nil)
    }
}

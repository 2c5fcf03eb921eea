/// Decodes frame headers into `DecodedPacket`. Pure, allocation-free on the common path
/// (Ethernet/VLAN/IP/TCP/UDP), and safe on any input: every read is bounds-checked and
/// every loop has a fixed upper bound.
public enum PacketDecoder {
    /// Most VLAN tags followed (QinQ uses 2; more is hostile or broken).
    static let maxVLANTags = 4
    /// Most IPv6 extension headers followed.
    static let maxIPv6Extensions = 8

    /// Decodes one captured frame. `wireLength` is the original length (defaults to the
    /// captured length).
    public static func decode(_ bytes: UnsafeRawBufferPointer, wireLength: Int? = nil, linkType: LinkType = .ethernet) -> DecodedPacket {
        var p = DecodedPacket()
        decode(bytes, wireLength: wireLength, linkType: linkType, into: &p)
        return p
    }

    /// Decodes one captured frame into `p`, which is reset first: for a capture loop that
    /// reuses one packet, so the decoded packet is not copied out on every frame.
    public static func decode(_ bytes: UnsafeRawBufferPointer, wireLength: Int? = nil, linkType: LinkType = .ethernet,
                              into p: inout DecodedPacket) {
        p = DecodedPacket()
        p.wireLength = wireLength ?? bytes.count
        let b = ByteView(bytes)
        switch linkType {
        case .ethernet: decodeEthernet(b, into: &p)
        case .raw:
            guard let v = b.u8(0) else { p.issue = .truncated; return }
            if v >> 4 == 4 { p.etherType = 0x0800; decodeIPv4(b, at: 0, into: &p) }
            else if v >> 4 == 6 { p.etherType = 0x86dd; decodeIPv6(b, at: 0, into: &p) }
            else { p.issue = .malformed }
        case .linuxCooked:
            // SLL: packet type(2) ARPHRD(2) addr len(2) addr(8) protocol(2).
            guard let hatype = b.u16(2), let alen = b.u16(4), let proto = b.u16(14) else { p.issue = .truncated; return }
            if hatype == 1, alen == 6, let m = b.mac(6) { p.source = m }
            p.etherType = proto
            decodeNetwork(b, at: 16, into: &p)
        }
    }

    /// Convenience for tests and tools holding bytes in an array.
    public static func decode(_ bytes: [UInt8], wireLength: Int? = nil, linkType: LinkType = .ethernet) -> DecodedPacket {
        bytes.withUnsafeBytes { decode($0, wireLength: wireLength, linkType: linkType) }
    }

    static func decodeEthernet(_ b: ByteView, into p: inout DecodedPacket) {
        guard let dst = b.mac(0), let src = b.mac(6), var type = b.u16(12) else { p.issue = .truncated; return }
        p.destination = dst
        p.source = src
        var o = 14
        var tags = 0
        while type == 0x8100 || type == 0x88a8 || type == 0x9100 {
            tags += 1
            if tags > maxVLANTags { p.issue = .tooDeep; return }
            guard let tci = b.u16(o), let next = b.u16(o + 2) else { p.issue = .truncated; return }
            let id = tci & 0x0fff
            if p.vlan == nil { p.vlan = id } else if p.innerVLAN == nil { p.innerVLAN = id }
            type = next
            o += 4
        }
        if type <= 1500 {
            // IEEE 802.3 length field: LLC follows.
            p.etherType = 0
            decodeLLC(b, at: o, length: Int(type), into: &p)
            return
        }
        p.etherType = type
        decodeNetwork(b, at: o, into: &p)
    }

    static func decodeNetwork(_ b: ByteView, at o: Int, into p: inout DecodedPacket) {
        switch p.etherType {
        case 0x0800: decodeIPv4(b, at: o, into: &p)
        case 0x86dd: decodeIPv6(b, at: o, into: &p)
        case 0x0806: decodeARP(b, at: o, into: &p)
        case 0x88cc:
            if let n = LLDPDecoder.decode(b, at: o, issue: &p.issue) { p.control = .lldp(n) }
        default: break
        }
    }

    static func decodeLLC(_ b: ByteView, at o: Int, length: Int, into p: inout DecodedPacket) {
        guard let dsap = b.u8(o), let ssap = b.u8(o + 1), let ctl = b.u8(o + 2) else { p.issue = .truncated; return }
        if dsap == 0x42 && ssap == 0x42 && ctl == 0x03 {
            if let s = decodeSTP(b, at: o + 3, issue: &p.issue) { p.control = .stp(s) }
        } else if dsap == 0xaa && ssap == 0xaa && ctl == 0x03 {
            // SNAP: OUI(3) + protocol id(2).
            guard let oui = b.u32(o + 2), let pid = b.u16(o + 6) else { p.issue = .truncated; return }
            if oui & 0x00ff_ffff == 0x00_000c && pid == 0x2000 {
                // Only as many bytes as the 802.3 length says belong to the frame (padding follows).
                let end = min(b.count, o + length)
                if let n = CDPDecoder.decode(b, at: o + 8, end: end, issue: &p.issue) { p.control = .cdp(n) }
            } else if oui & 0x00ff_ffff == 0x00_000c && pid == 0x010b {
                // Cisco PVST+ (to 01:00:0c:cc:cc:cd): a BPDU, then TLVs; type 0 carries the
                // originating VLAN.
                let end = min(b.count, o + length)
                if var s = decodeSTP(b, at: o + 8, issue: &p.issue) {
                    s.pvstVLAN = pvstOriginatingVLAN(b, bpdu: o + 8, type: s.bpduType, end: end)
                    p.control = .stp(s)
                }
            } else if oui & 0x00ff_ffff == 0 {
                // RFC 1042 encapsulated EtherType.
                p.etherType = pid
                decodeNetwork(b, at: o + 8, into: &p)
            }
        }
    }

    static func decodeARP(_ b: ByteView, at o: Int, into p: inout DecodedPacket) {
        guard let htype = b.u16(o), let ptype = b.u16(o + 2), let hlen = b.u8(o + 4), let plen = b.u8(o + 5),
              let op = b.u16(o + 6) else { p.issue = .truncated; return }
        guard htype == 1, ptype == 0x0800, hlen == 6, plen == 4 else { return }  // not Ethernet/IPv4 ARP
        guard let sha = b.mac(o + 8), let spa = b.ipv4(o + 14), let tha = b.mac(o + 18), let tpa = b.ipv4(o + 24) else {
            p.issue = .truncated; return
        }
        p.control = .arp(ARPInfo(operation: op, senderMAC: sha, senderIP: spa, targetMAC: tha, targetIP: tpa))
    }

    static func decodeIPv4(_ b: ByteView, at o: Int, into p: inout DecodedPacket) {
        guard let vihl = b.u8(o), let total = b.u16(o + 2), let frag = b.u16(o + 6), let proto = b.u8(o + 9),
              let src = b.ipv4(o + 12), let dst = b.ipv4(o + 16) else { p.issue = .truncated; return }
        let ihl = Int(vihl & 0x0f) * 4
        guard vihl >> 4 == 4, ihl >= 20, Int(total) >= ihl else { p.issue = .malformed; return }
        p.ipSource = src
        p.ipDestination = dst
        p.ipProtocol = proto
        // Later fragments carry no transport header.
        guard frag & 0x1fff == 0 else { return }
        let l4 = o + ihl
        // The IP total length bounds the payload (Ethernet padding follows it).
        let end = min(b.count, o + Int(total))
        decodeTransport(b, at: l4, end: end, into: &p)
    }

    static func decodeIPv6(_ b: ByteView, at o: Int, into p: inout DecodedPacket) {
        guard let v = b.u8(o), let plen = b.u16(o + 4), var next = b.u8(o + 6),
              let src = b.ipv6(o + 8), let dst = b.ipv6(o + 24) else { p.issue = .truncated; return }
        guard v >> 4 == 6 else { p.issue = .malformed; return }
        p.ipSource = src
        p.ipDestination = dst
        let end = min(b.count, o + 40 + Int(plen))
        var h = o + 40
        var count = 0
        loop: while true {
            switch next {
            case 0, 43, 60, 135, 139, 140:  // hop-by-hop, routing, dest opts, mobility, HIP, shim6
                count += 1
                guard count <= maxIPv6Extensions else { p.issue = .tooDeep; break loop }
                guard let n = b.u8(h), let len = b.u8(h + 1) else { p.issue = .truncated; return }
                next = n
                h += (Int(len) + 1) * 8
            case 44:  // fragment
                count += 1
                guard count <= maxIPv6Extensions else { p.issue = .tooDeep; break loop }
                guard let n = b.u8(h), let off = b.u16(h + 2) else { p.issue = .truncated; return }
                next = n
                h += 8
                if off & 0xfff8 != 0 { p.ipProtocol = n; return }  // not the first fragment
            case 51:  // AH: length in 4-octet units minus 2
                count += 1
                guard count <= maxIPv6Extensions else { p.issue = .tooDeep; break loop }
                guard let n = b.u8(h), let len = b.u8(h + 1) else { p.issue = .truncated; return }
                next = n
                h += (Int(len) + 2) * 4
            default:
                break loop
            }
        }
        p.ipProtocol = next
        if p.issue == nil { decodeTransport(b, at: h, end: end, into: &p) }
    }

    static func decodeTransport(_ b: ByteView, at o: Int, end: Int, into p: inout DecodedPacket) {
        switch p.ipProtocol {
        case 6:
            guard let sp = b.u16(o), let dp = b.u16(o + 2) else { p.issue = .truncated; return }
            p.sourcePort = sp
            p.destinationPort = dp
        case 17:
            guard let sp = b.u16(o), let dp = b.u16(o + 2), let ulen = b.u16(o + 4) else { p.issue = .truncated; return }
            p.sourcePort = sp
            p.destinationPort = dp
            let uend = ulen >= 8 ? min(end, o + Int(ulen)) : end
            decodeUDPApplication(b, at: o + 8, end: uend, into: &p)
        case 58:
            decodeICMPv6(b, at: o, end: end, into: &p)
        default: break
        }
    }

    static func decodeUDPApplication(_ b: ByteView, at o: Int, end: Int, into p: inout DecodedPacket) {
        let sp = p.sourcePort, dp = p.destinationPort
        if (sp == 67 || sp == 68) && (dp == 67 || dp == 68) && p.ipSource?.isV4 == true {
            if let d = DHCPDecoder.decode(b, at: o, end: end, issue: &p.issue) { p.control = .dhcp(d) }
        } else if sp == 137 && dp == 137 {
            if let n = NameDecoder.netbios(b, at: o, end: end) { p.control = .name(n) }
        } else if sp == 5353 || dp == 5353 {
            if let n = NameDecoder.mdns(b, at: o, end: end) { p.control = .name(n) }
        }
    }

    static func decodeICMPv6(_ b: ByteView, at o: Int, end: Int, into p: inout DecodedPacket) {
        guard let type = b.u8(o) else { p.issue = .truncated; return }
        guard (133...136).contains(type) else { return }
        var info = NDPInfo(type: type)
        var opts = o + 8
        switch type {
        case 133: opts = o + 8
        case 134: opts = o + 16
        case 135, 136:
            guard let t = b.ipv6(o + 8) else { p.issue = .truncated; return }
            info.target = t
            opts = o + 24
        default: break
        }
        var guardCount = 0
        while opts + 2 <= end, guardCount < 32 {
            guardCount += 1
            guard let ot = b.u8(opts), let ol = b.u8(opts + 1) else { break }
            if ol == 0 { p.issue = .malformed; break }
            if (ot == 1 || ot == 2) && ol == 1, let m = b.mac(opts + 2) { info.linkLayer = m }
            opts += Int(ol) * 8
        }
        p.control = .ndp(info)
    }

    /// The originating-VLAN TLV (type 0, length 2) that follows a PVST+ BPDU, 36 bytes in:
    /// PVST+ keeps the version-1 length byte of an RST BPDU even in 802.1D BPDUs (as tshark
    /// reads them); bounded by `end`.
    static func pvstOriginatingVLAN(_ b: ByteView, bpdu o: Int, type: UInt8, end: Int) -> UInt16? {
        guard type != 0x80 else { return nil }  // a TCN carries no TLV
        let tlv = o + 36
        guard tlv + 6 <= end, let t = b.u16(tlv), let len = b.u16(tlv + 2), t == 0, len == 2, let vlan = b.u16(tlv + 4) else { return nil }
        return vlan & 0x0fff
    }

    static func decodeSTP(_ b: ByteView, at o: Int, issue: inout DecodeIssue?) -> STPInfo? {
        guard let proto = b.u16(o), let version = b.u8(o + 2), let type = b.u8(o + 3) else { issue = .truncated; return nil }
        guard proto == 0 else { return nil }
        var s = STPInfo(version: version, bpduType: type)
        if type == 0x80 { return s }
        guard let rootPrio = b.u16(o + 5), let root = b.mac(o + 7), let cost = b.u32(o + 13),
              let bPrio = b.u16(o + 17), let bridge = b.mac(o + 19), let port = b.u16(o + 25) else {
            issue = .truncated; return nil
        }
        s.rootBridge = "\(rootPrio)/\(root)"
        s.bridge = "\(bPrio)/\(bridge)"
        s.rootPathCost = cost
        s.portID = port
        return s
    }
}

/// LLDP (IEEE 802.1AB) TLV decoding.
enum LLDPDecoder {
    static let capabilityNames = ["other", "repeater", "bridge", "wlan-ap", "router", "telephone", "docsis", "station",
                                  "c-vlan", "s-vlan", "tpmr"]

    /// An LLDPDU must carry a chassis ID and a port ID (IEEE 802.1AB: the first two TLVs,
    /// both mandatory): without either the frame names no neighbour, so it is counted as
    /// malformed and yields nothing (never a neighbour with every field empty).
    static func decode(_ b: ByteView, at start: Int, issue: inout DecodeIssue?) -> NeighbourInfo? {
        guard let n = fields(b, at: start, issue: &issue) else { return nil }
        guard n.chassisID?.isEmpty == false, n.portID?.isEmpty == false else {
            if issue == nil { issue = .malformed }
            return nil
        }
        return n
    }

    static func fields(_ b: ByteView, at start: Int, issue: inout DecodeIssue?) -> NeighbourInfo? {
        var n = NeighbourInfo()
        var o = start
        // Each TLV is at least 2 bytes, so a frame cannot hold more than count/2 of them.
        var remaining = b.count / 2 + 1
        while remaining > 0 {
            remaining -= 1
            guard let head = b.u16(o) else { issue = .truncated; break }
            let type = head >> 9, len = Int(head & 0x1ff)
            let v = o + 2
            guard b.has(v, len) else { issue = .truncated; break }
            switch type {
            case 0: return n
            case 1: n.chassisID = idValue(b, v, len, macSubtype: 4, addrSubtype: 5)
            case 2: n.portID = idValue(b, v, len, macSubtype: 3, addrSubtype: 4)
            case 3: n.ttl = b.u16(v)
            case 4: n.portDescription = b.text(v, len)
            case 5: n.systemName = b.text(v, len)
            case 6: n.systemDescription = b.text(v, len)
            case 7:
                if len >= 4, let enabled = b.u16(v + 2) { n.capabilities = names(enabled, capabilityNames) }
            case 8:
                // mgmt address string length (subtype + address), subtype, address...
                if let alen = b.u8(v), let sub = b.u8(v + 1), Int(alen) <= len - 1 {
                    if sub == 1, alen == 5, let a = b.ipv4(v + 2) { n.managementAddresses.append(a) }
                    if sub == 2, alen == 17, let a = b.ipv6(v + 2) { n.managementAddresses.append(a) }
                }
            case 127:
                // Organisationally specific: 802.1 port VLAN id (OUI 00-80-C2, subtype 1).
                if len >= 6, let oui = b.u32(v), oui >> 8 == 0x0080c2, oui & 0xff == 1, let pvid = b.u16(v + 4) {
                    n.nativeVLAN = pvid
                }
            default: break
            }
            o = v + len
        }
        return n
    }

    /// Chassis/port id: a MAC subtype prints as a MAC, a network address as an IP, else text.
    static func idValue(_ b: ByteView, _ v: Int, _ len: Int, macSubtype: UInt8, addrSubtype: UInt8) -> String? {
        guard len >= 1, let sub = b.u8(v) else { return nil }
        if sub == macSubtype, len == 7, let m = b.mac(v + 1) { return m.description }
        if sub == addrSubtype, len >= 2, let fam = b.u8(v + 1) {
            if fam == 1, len == 6, let a = b.ipv4(v + 2) { return a.description }
            if fam == 2, len == 18, let a = b.ipv6(v + 2) { return a.description }
        }
        return b.text(v + 1, len - 1)
    }

    static func names(_ bits: UInt16, _ table: [String]) -> [String] {
        var out: [String] = []
        for (i, name) in table.enumerated() where bits & (1 << UInt16(i)) != 0 { out.append(name) }
        return out
    }
}

/// Cisco Discovery Protocol (v1/v2) TLV decoding.
enum CDPDecoder {
    static let capabilityNames = ["router", "transparent-bridge", "source-route-bridge", "switch", "host", "igmp",
                                  "repeater", "voip-phone", "remotely-managed", "cvta", "two-port-mac-relay"]

    static func decode(_ b: ByteView, at start: Int, end: Int, issue: inout DecodeIssue?) -> NeighbourInfo? {
        guard let version = b.u8(start), b.has(start, 4) else { issue = .truncated; return nil }
        guard version == 1 || version == 2 else { issue = .malformed; return nil }
        var n = NeighbourInfo()
        n.ttl = b.u8(start + 1).map(UInt16.init)
        var o = start + 4
        var remaining = b.count / 4 + 1
        while o + 4 <= end, remaining > 0 {
            remaining -= 1
            guard let type = b.u16(o), let tlen = b.u16(o + 2) else { issue = .truncated; break }
            let len = Int(tlen) - 4
            guard len >= 0 else { issue = .malformed; break }
            let v = o + 4
            guard b.has(v, len), v + len <= end else { issue = .truncated; break }
            switch type {
            case 0x01: n.chassisID = b.text(v, len); n.systemName = n.chassisID
            case 0x02: n.managementAddresses.append(contentsOf: addresses(b, v, len))
            case 0x03: n.portID = b.text(v, len)
            case 0x04: if len >= 4, let c = b.u32(v) { n.capabilities = LLDPDecoder.names(UInt16(truncatingIfNeeded: c), capabilityNames) }
            case 0x05: n.systemDescription = b.text(v, len)
            case 0x06: n.platform = b.text(v, len)
            case 0x0a: if len >= 2 { n.nativeVLAN = b.u16(v) }
            case 0x16:
                for a in addresses(b, v, len) where !n.managementAddresses.contains(a) { n.managementAddresses.append(a) }
            default: break
            }
            o = v + len
        }
        return n
    }

    /// CDP address list: count(4) then entries of ptype(1) plen(1) protocol(plen) alen(2) address(alen).
    static func addresses(_ b: ByteView, _ v: Int, _ len: Int) -> [IPAddr] {
        guard let count = b.u32(v) else { return [] }
        var out: [IPAddr] = []
        var o = v + 4
        let end = v + len
        var i: UInt32 = 0
        while i < count, i < 16, o < end {
            i += 1
            guard let ptype = b.u8(o), let plen = b.u8(o + 1) else { break }
            let protoAt = o + 2
            guard let alen = b.u16(protoAt + Int(plen)) else { break }
            let addrAt = protoAt + Int(plen) + 2
            guard addrAt + Int(alen) <= end else { break }
            if ptype == 1, plen == 1, b.u8(protoAt) == 0xcc, alen == 4, let a = b.ipv4(addrAt) { out.append(a) }
            else if ptype == 2, alen == 16, let a = b.ipv6(addrAt) { out.append(a) }
            o = addrAt + Int(alen)
        }
        return out
    }
}

/// DHCPv4 (BOOTP with the magic cookie and options).
enum DHCPDecoder {
    static func decode(_ b: ByteView, at o: Int, end: Int, issue: inout DecodeIssue?) -> DHCPInfo? {
        guard let op = b.u8(o), let htype = b.u8(o + 1), let hlen = b.u8(o + 2),
              let ciaddr = b.ipv4(o + 12), let yiaddr = b.ipv4(o + 16) else { issue = .truncated; return nil }
        var d = DHCPInfo(op: op)
        if htype == 1, hlen == 6 { d.clientMAC = b.mac(o + 28) }
        if case .v4(let a) = ciaddr, a != 0 { d.clientIP = ciaddr }
        if case .v4(let a) = yiaddr, a != 0 { d.yourIP = yiaddr }
        // 236 bytes of fixed BOOTP header, then the magic cookie 99.130.83.99.
        guard let cookie = b.u32(o + 236) else { issue = .truncated; return d }
        guard cookie == 0x6382_5363 else { return d }
        var p = o + 240
        var remaining = 256
        while p < end, remaining > 0 {
            remaining -= 1
            guard let code = b.u8(p) else { issue = .truncated; break }
            if code == 255 { break }
            if code == 0 { p += 1; continue }
            guard let l = b.u8(p + 1) else { issue = .truncated; break }
            let v = p + 2, len = Int(l)
            guard b.has(v, len) else { issue = .truncated; break }
            switch code {
            case 53: if len >= 1 { d.messageType = b.u8(v) }
            case 50: if len == 4 { d.requestedIP = b.ipv4(v) }
            case 54: if len == 4 { d.serverIdentifier = b.ipv4(v) }
            case 12: d.hostname = b.text(v, len)
            case 60: d.vendorClass = b.text(v, len)
            default: break
            }
            p = v + len
        }
        return d
    }
}

/// Host names announced on the LAN: NetBIOS name service and multicast DNS.
enum NameDecoder {
    /// NetBIOS name service registration/query/response: the first question or answer name,
    /// decoded from its "first-level encoding" (RFC 1001: 32 letters 'A'..'P').
    static func netbios(_ b: ByteView, at o: Int, end: Int) -> NameInfo? {
        guard let flags = b.u16(o + 2), let qd = b.u16(o + 4), let an = b.u16(o + 6) else { return nil }
        guard Int(qd) + Int(an) > 0, let l = b.u8(o + 12), l == 32, b.has(o + 13, 32), o + 45 <= end else { return nil }
        var raw = [UInt8]()
        raw.reserveCapacity(16)
        for i in 0..<16 {
            guard let hi = b.u8(o + 13 + 2 * i), let lo = b.u8(o + 14 + 2 * i),
                  (0x41...0x50).contains(hi), (0x41...0x50).contains(lo) else { return nil }
            raw.append((hi - 0x41) << 4 | (lo - 0x41))
        }
        // Byte 16 is the service suffix; the name is space padded.
        let suffix = raw[15]
        let name = String(decoding: raw[0..<15], as: UTF8.self).trimmingTrailingSpaces()
        guard !name.isEmpty, name.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7f }) else { return nil }
        _ = flags
        // Workstation (0x00) and server (0x20) names identify the host; group/browser names do not.
        guard suffix == 0x00 || suffix == 0x20 else { return nil }
        return NameInfo(source: "netbios", name: name, address: nil)
    }

    /// mDNS response: the first A or AAAA record's owner name and address.
    static func mdns(_ b: ByteView, at o: Int, end: Int) -> NameInfo? {
        guard let flags = b.u16(o + 2), flags & 0x8000 != 0,
              let qd = b.u16(o + 4), let an = b.u16(o + 6), let ns = b.u16(o + 8), let ar = b.u16(o + 10) else { return nil }
        var p = o + 12
        for _ in 0..<min(Int(qd), 16) {
            guard let next = skipName(b, p, end) else { return nil }
            p = next + 4
        }
        for _ in 0..<min(Int(an) + Int(ns) + Int(ar), 64) {
            guard let nameEnd = skipName(b, p, end), let type = b.u16(nameEnd), let rdlen = b.u16(nameEnd + 8) else { return nil }
            let rdata = nameEnd + 10
            guard rdata + Int(rdlen) <= end else { return nil }
            if type == 1, rdlen == 4, let a = b.ipv4(rdata), let name = readName(b, p, base: o, end: end) {
                return NameInfo(source: "mdns", name: name, address: a)
            }
            if type == 28, rdlen == 16, let a = b.ipv6(rdata), let name = readName(b, p, base: o, end: end) {
                return NameInfo(source: "mdns", name: name, address: a)
            }
            p = rdata + Int(rdlen)
        }
        return nil
    }

    /// Offset just past a (possibly compressed) name.
    static func skipName(_ b: ByteView, _ start: Int, _ end: Int) -> Int? {
        var p = start
        for _ in 0..<128 {
            guard p < end, let l = b.u8(p) else { return nil }
            if l == 0 { return p + 1 }
            if l & 0xc0 == 0xc0 { return p + 2 <= end ? p + 2 : nil }
            if l & 0xc0 != 0 { return nil }
            p += 1 + Int(l)
        }
        return nil
    }

    /// Reads a name, following at most 16 compression pointers (no loops), at most 255 bytes.
    static func readName(_ b: ByteView, _ start: Int, base: Int, end: Int) -> String? {
        var labels: [String] = []
        var p = start
        var jumps = 0
        var total = 0
        for _ in 0..<128 {
            guard p < end, let l = b.u8(p) else { return nil }
            if l == 0 { return labels.isEmpty ? nil : labels.joined(separator: ".") }
            if l & 0xc0 == 0xc0 {
                guard let ptr = b.u16(p) else { return nil }
                jumps += 1
                guard jumps <= 16 else { return nil }
                p = base + Int(ptr & 0x3fff)
                continue
            }
            guard l & 0xc0 == 0, let t = b.text(p + 1, Int(l)) else { return nil }
            total += Int(l) + 1
            guard total <= 255 else { return nil }
            labels.append(t)
            p += 1 + Int(l)
        }
        return nil
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while let last = s.last, last == " " || last == "\0" { s = s.dropLast() }
        return String(s)
    }
}

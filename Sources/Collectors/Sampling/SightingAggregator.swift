import Settings
import Foundation
import InventoryModel
import Storage
import PacketDecoding

/// Chooses which packets to decode: 1 in `rate`, either every Nth (deterministic) or each
/// with probability 1/N (random, a fast xorshift generator; not for cryptography).
public struct PacketSampler: Sendable {
    public let rate: Int
    public let mode: SamplingSettings.Mode
    var counter = 0
    var state: UInt64

    public init(rate: Int, mode: SamplingSettings.Mode, seed: UInt64 = UInt64.random(in: 1...UInt64.max)) {
        self.rate = max(1, rate)
        self.mode = mode
        state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed
    }

    @inline(__always) public mutating func take() -> Bool {
        if rate == 1 { return true }
        switch mode {
        case .deterministic:
            counter += 1
            if counter == rate { counter = 0; return true }
            return false
        case .random:
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return (state &* 0x2545_F491_4F6C_DD1D) % UInt64(rate) == 0
        }
    }
}

/// Accumulates what sampled packets show between two flushes, in bounded memory: at most
/// `maxHosts` hosts and `maxTrafficKeys` traffic buckets. Hosts beyond the limit are
/// counted (not stored); traffic beyond it is added to an `other` bucket. Not thread-safe.
final class SightingAggregator {
    static let maxAddressesPerHost = 16
    static let maxNamesPerHost = 8
    static let maxNeighbours = 4096
    static let maxDHCPServers = 1024

    struct AddrEntry { var ip: IPAddr; var source: UInt8; var first: Double; var last: Double }
    struct NameEntry { var name: String; var source: String; var first: Double; var last: Double }
    struct HostEntry {
        var key: UInt64
        var first: Double
        var last: Double
        var frames: Int = 0
        var pd: Int?
        var addresses: [AddrEntry] = []
        var names: [NameEntry] = []
        var lastIP: IPAddr?
        var lastIPIndex = -1
        var distinctAddresses = 0
        /// The PD comes from an address in a PD subnet (else from the VLAN, or unknown).
        var pdByAddress = false
    }
    struct TrafficKey: Hashable {
        var minute: Int64
        var scope: UInt8   // 0 host, 1 subnet, 2 pd, 3 other (a = overflowed scope)
        var rate: UInt32
        var a: UInt64
        var b: UInt64
        var prefix: Int16
        var v6: Bool

        /// The key's hash for `IndexTable`.
        @inline(__always) var tableHash: UInt64 {
            IndexTable.mix(a ^ IndexTable.mix(b ^ UInt64(bitPattern: minute) << 8 ^ UInt64(scope) ^ UInt64(rate) << 32
                                              ^ UInt64(UInt16(bitPattern: prefix)) << 20 ^ (v6 ? 1 << 19 : 0)))
        }
    }
    struct Counters {
        var inBytes: Int64 = 0, outBytes: Int64 = 0, inPackets: Int64 = 0, outPackets: Int64 = 0
        var samples = 0
        var pd: Int32 = -1
    }

    static let addressSources = ["ip", "arp", "dhcp", "ndp", "mdns"]

    let capturePoint: String
    let matcher: PDMatcher
    let oui: OUIRegistry
    let maxHosts: Int
    let maxTrafficKeys: Int

    // The tables below are touched for every sampled frame. The aggregator is confined to
    // one capture thread and never hands out references into them, so the run-time
    // exclusivity checks on class storage (a measurable share of the per-frame cost) buy
    // nothing here; the compiler still checks every static access.
    @exclusivity(unchecked) var hostIndex = IndexTable()
    @exclusivity(unchecked) var hosts: ContiguousArray<HostEntry> = []
    @exclusivity(unchecked) var trafficIndex = IndexTable()
    @exclusivity(unchecked) var traffic: ContiguousArray<Counters> = []
    @exclusivity(unchecked) var trafficKeys: ContiguousArray<TrafficKey> = []
    struct NeighbourKey: Hashable { var protocolName: String; var key: UInt64 }
    var neighbours: [NeighbourKey: NeighbourSighting] = [:]
    var dhcpServers: [String: DHCPServerSighting] = [:]
    var counters: [InterfaceCounterSighting] = []

    /// Frames from hosts that did not fit in the table (this window), and buckets overflowed.
    @exclusivity(unchecked) var overflowHostFrames = 0
    var overflowTrafficKeys = 0
    var droppedNeighbours = 0

    /// Distinct hosts recorded over the whole run (not just this window), up to `runHostLimit`.
    static let runHostLimit = 100_000
    var runHosts = Set<UInt64>()

    /// A direct-mapped cache of recent conversations: a frame whose addresses, minute and
    /// rate match a slot reuses the slot's host entry and traffic buckets, so the common
    /// frame costs no hash-table lookup at all. A slot is only a shortcut (its key is
    /// compared in full), so collisions cost speed, never correctness.
    struct FlowSlot {
        var src: UInt64 = .max  // host key of the source; .max marks an empty slot
        var dst: UInt64 = 0
        var ipS: IPAddr?
        var ipD: IPAddr?
        var minute: Int64 = 0
        var rate: Int = 0
        /// Source host entry; -1 for a group source, -2 when the host table was full.
        var srcHost: Int32 = -1
        var buckets: (Int32, Int32, Int32, Int32, Int32, Int32) = (-1, -1, -1, -1, -1, -1)
    }
    static let flowSlots = 16384
    @exclusivity(unchecked) var flows = ContiguousArray(repeating: FlowSlot(), count: flowSlots)

    init(capturePoint: String, segments: [PDSegment], oui: OUIRegistry, maxHosts: Int, maxTrafficKeys: Int) {
        self.capturePoint = capturePoint
        matcher = PDMatcher(segments)
        self.oui = oui
        self.maxHosts = maxHosts
        self.maxTrafficKeys = maxTrafficKeys
    }

    @inline(__always) static func hostKey(_ mac: MAC48, _ vlan: UInt16?) -> UInt64 {
        mac.raw | (UInt64(vlan ?? 0) & 0xfff) << 48
    }

    /// The host entry of a host key, if there is one.
    @inline(__always) func hostEntry(_ key: UInt64) -> Int? {
        hostIndex.find(IndexTable.mix(key)) { hosts[$0].key == key }
    }

    /// Host entry index for a unicast MAC, created if room; nil when the table is full.
    @inline(__always) func host(_ mac: MAC48, _ vlan: UInt16?, _ t: Double) -> Int? {
        let key = Self.hostKey(mac, vlan)
        if let i = hostEntry(key) { return i }
        guard hosts.count < maxHosts else { return nil }
        hostIndex.insert(hosts.count, hash: IndexTable.mix(key)) { IndexTable.mix(hosts[$0].key) }
        var entry = HostEntry(key: key, first: t, last: t)
        entry.pd = matcher.pd(vlan: vlan)
        hosts.append(entry)
        if runHosts.count < Self.runHostLimit { runHosts.insert(key) }
        return hosts.count - 1
    }

    func learn(_ i: Int, address ip: IPAddr, source: UInt8, _ t: Double) {
        guard !ip.isUnspecified, !ip.isGroup else { return }
        var known = false
        for j in hosts[i].addresses.indices where hosts[i].addresses[j].ip == ip {
            if hosts[i].addresses[j].source == source {
                hosts[i].addresses[j].last = max(hosts[i].addresses[j].last, t)
                hosts[i].addresses[j].first = min(hosts[i].addresses[j].first, t)
                return
            }
            known = true
        }
        // The cap is on distinct addresses (a router forwarding for the Internet sources many).
        guard known || hosts[i].distinctAddresses < Self.maxAddressesPerHost else { return }
        if !known { hosts[i].distinctAddresses += 1 }
        hosts[i].addresses.append(AddrEntry(ip: ip, source: source, first: t, last: t))
        // An address inside a PD's subnet says more than the VLAN the host was first seen on.
        // A frame's source IP may be one a router forwards, so it never overrides an address
        // the host claimed itself (ARP, DHCP, ND, mDNS).
        if source != 0 || !hosts[i].pdByAddress, let pd = matcher.classify(ip).pd {
            hosts[i].pd = pd
            hosts[i].pdByAddress = true
        }
    }

    func learn(_ i: Int, name: String, source: String, _ t: Double) {
        guard !name.isEmpty else { return }
        if let j = hosts[i].names.firstIndex(where: { $0.name == name && $0.source == source }) {
            hosts[i].names[j].last = max(hosts[i].names[j].last, t)
            return
        }
        guard hosts[i].names.count < Self.maxNamesPerHost else { return }
        hosts[i].names.append(NameEntry(name: name, source: source, first: t, last: t))
    }

    @inline(__always) static func mix(_ x: UInt64) -> UInt64 {
        let z = x &* 0x9E37_79B9_7F4A_7C15
        return z ^ z >> 29
    }

    @inline(__always) static func bits(_ ip: IPAddr?) -> UInt64 {
        switch ip {
        case .v4(let a)?: UInt64(a)
        case .v6(let h, let l)?: h ^ l
        case nil: 0x5555
        }
    }

    /// Records one sampled frame, captured at `t` (Unix seconds), sampled 1-in-`rate`.
    func observe(_ p: DecodedPacket, time t: Double, rate: Int) {
        let vlan = p.hostVLAN
        let srcKey = Self.hostKey(p.source, vlan)
        let dstKey = Self.hostKey(p.destination, vlan)
        let minute = Int64((t / 60).rounded(.down)) * 60
        let slot = Int(truncatingIfNeeded: Self.mix(srcKey ^ Self.mix(dstKey ^ Self.mix(Self.bits(p.ipSource) &+ Self.bits(p.ipDestination) << 1
                                                                                         ^ UInt64(bitPattern: minute) ^ UInt64(rate) << 40))) >> 54)
        if !(flows[slot].src == srcKey && flows[slot].dst == dstKey && flows[slot].minute == minute && flows[slot].rate == rate
             && flows[slot].ipS == p.ipSource && flows[slot].ipD == p.ipDestination) {
            fillSlot(slot, p, srcKey: srcKey, dstKey: dstKey, minute: minute, rate: rate, t)
        }
        var srcHost: Int?
        let h = Int(flows[slot].srcHost)
        if h >= 0 {
            srcHost = h
            hosts[h].frames += 1
            if t > hosts[h].last { hosts[h].last = t }
            if t < hosts[h].first { hosts[h].first = t }
            if let ip = p.ipSource {
                let j = hosts[h].lastIPIndex
                if ip == hosts[h].lastIP, j >= 0, j < hosts[h].addresses.count {
                    if t > hosts[h].addresses[j].last { hosts[h].addresses[j].last = t }
                } else {
                    learn(h, address: ip, source: 0, t)
                    hosts[h].lastIP = ip
                    hosts[h].lastIPIndex = hosts[h].addresses.firstIndex { $0.ip == ip && $0.source == 0 } ?? -1
                }
            }
        } else if h == -2 {
            overflowHostFrames += 1
        }
        if let c = p.control { observeControl(c, p, srcHost: srcHost, t) }
        let len = Int64(p.wireLength)
        let b = flows[slot].buckets
        if b.0 >= 0 { add(out: Int(b.0), len) }
        if b.1 >= 0 { add(in: Int(b.1), len) }
        if b.2 >= 0 { add(out: Int(b.2), len) }
        if b.3 >= 0 { add(in: Int(b.3), len) }
        if b.4 >= 0 { add(out: Int(b.4), len) }
        if b.5 >= 0 { add(in: Int(b.5), len) }
    }

    @inline(__always) func add(out i: Int, _ len: Int64) {
        traffic[i].outBytes &+= len; traffic[i].outPackets &+= 1; traffic[i].samples &+= 1
    }

    @inline(__always) func add(in i: Int, _ len: Int64) {
        traffic[i].inBytes &+= len; traffic[i].inPackets &+= 1; traffic[i].samples &+= 1
    }

    func observeControl(_ c: ControlInfo, _ p: DecodedPacket, srcHost: Int?, _ t: Double) {
        let vlan = p.hostVLAN
        switch c {
        case .arp(let a):
            // An ARP packet vouches for its own sender only: a sender hardware address other
            // than the frame's source (proxy ARP, a spoof, a broken stack) makes no host and
            // binds no address. A host comes from a frame of its own or a DHCP binding.
            if a.senderMAC.isUnicast, a.senderMAC == p.source, let i = srcHost {
                learn(i, address: a.senderIP, source: 1, t)
            }
        case .dhcp(let d):
            if d.isFromServer {
                if let server = d.serverIdentifier ?? p.ipSource, p.source.isUnicast, d.messageType != nil {
                    let key = "\(server)|\(p.source.raw)|\(vlan ?? 0)"
                    if var s = dhcpServers[key] {
                        s.lastSeen = max(s.lastSeen, Date(timeIntervalSince1970: t)); s.replies += 1; dhcpServers[key] = s
                    } else if dhcpServers.count < Self.maxDHCPServers, let ip = IPAddress(bytes: server.bytes), let mac = MACAddress(bytes: p.source.raw.macBytes) {
                        dhcpServers[key] = DHCPServerSighting(server: ip, mac: mac, vlan: vlan.map(Int.init), capturePoint: capturePoint,
                                                              pd: pdName(matcher.classify(server).pd ?? matcher.pd(vlan: vlan)),
                                                              firstSeen: Date(timeIntervalSince1970: t), lastSeen: Date(timeIntervalSince1970: t), replies: 1)
                    }
                }
                // An ACK binds the client's MAC to the address it was given.
                if d.messageType == 5, let mac = d.clientMAC, mac.isUnicast, let ip = d.yourIP, let i = host(mac, vlan, t) {
                    learn(i, address: ip, source: 2, t)
                }
            } else if let mac = d.clientMAC, mac.isUnicast, let i = mac == p.source ? srcHost : host(mac, vlan, t) {
                if let h = d.hostname { learn(i, name: h, source: "dhcp", t) }
                if let ip = d.clientIP { learn(i, address: ip, source: 2, t) }
            }
        case .ndp(let n):
            if let i = srcHost, let ip = p.ipSource, n.type != 134 { learn(i, address: ip, source: 3, t) }
            if n.type == 134, p.source.isUnicast {
                var s = NeighbourInfo()
                if let ip = p.ipSource { s.managementAddresses = [ip] }
                s.capabilities = ["router"]
                recordNeighbour("ra", s, p, t)
            }
        case .name(let n):
            if let i = srcHost {
                learn(i, name: n.name, source: n.source, t)
                if let ip = n.address, ip == p.ipSource { learn(i, address: ip, source: 4, t) }
            }
        case .lldp(let n): recordNeighbour("lldp", n, p, t)
        case .cdp(let n): recordNeighbour("cdp", n, p, t)
        case .stp(let s):
            var n = NeighbourInfo()
            n.chassisID = s.bridge
            n.portID = s.portID.map { id in
                let hex = String(id, radix: 16)
                return "0x" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            }
            n.systemDescription = s.rootBridge.map { "root \($0)" }
            n.capabilities = ["bridge"]
            // An untagged PVST+ BPDU names the VLAN the sender's trunk sends untagged.
            if let v = s.pvstVLAN, p.vlan == nil { n.nativeVLAN = v }
            recordNeighbour(s.pvstVLAN == nil ? "stp" : "pvst", n, p, t)
        }
    }

    func recordNeighbour(_ proto: String, _ n: NeighbourInfo, _ p: DecodedPacket, _ t: Double) {
        let vlan = p.hostVLAN
        let key = NeighbourKey(protocolName: proto, key: Self.hostKey(p.source, vlan))
        let date = Date(timeIntervalSince1970: t)
        let mgmt = n.managementAddresses.compactMap { IPAddress(bytes: $0.bytes) }
        let pdIndex = n.managementAddresses.first.flatMap { matcher.classify($0).pd } ?? matcher.pd(vlan: vlan)
        if var s = neighbours[key] {
            s.lastSeen = max(s.lastSeen, date)
            s.firstSeen = min(s.firstSeen, date)
            s.announcements += 1
            s.chassisID = n.chassisID ?? s.chassisID
            s.portID = n.portID ?? s.portID
            s.portDescription = n.portDescription ?? s.portDescription
            s.systemName = n.systemName ?? s.systemName
            s.systemDescription = n.systemDescription ?? s.systemDescription
            s.platform = n.platform ?? s.platform
            if !n.capabilities.isEmpty { s.capabilities = n.capabilities }
            if !mgmt.isEmpty { s.managementAddresses = mgmt }
            s.nativeVLAN = n.nativeVLAN.map(Int.init) ?? s.nativeVLAN
            neighbours[key] = s
            return
        }
        guard neighbours.count < Self.maxNeighbours, let mac = MACAddress(bytes: p.source.raw.macBytes) else { droppedNeighbours += 1; return }
        neighbours[key] = NeighbourSighting(protocolName: proto, mac: mac, vlan: vlan.map(Int.init), capturePoint: capturePoint,
                                            chassisID: n.chassisID, portID: n.portID, portDescription: n.portDescription,
                                            systemName: n.systemName, systemDescription: n.systemDescription, platform: n.platform,
                                            capabilities: n.capabilities, managementAddresses: mgmt, nativeVLAN: n.nativeVLAN.map(Int.init),
                                            pd: pdName(pdIndex), firstSeen: date, lastSeen: date, announcements: 1)
    }

    func pdName(_ i: Int?) -> String? { i.map { matcher.pds[$0] } }

    /// The index of a traffic bucket, created if room (else the minute's `other` bucket).
    /// A bucket made before its PD was known takes the PD when a later frame tells it.
    func bucket(_ key: TrafficKey, pd: Int?) -> Int32 {
        if let i = trafficBucket(key) {
            if let pd, traffic[i].pd < 0, key.scope != 3 { traffic[i].pd = Int32(pd) }
            return Int32(i)
        }
        var k = key
        if traffic.count >= maxTrafficKeys {
            // Overflow: one `other` bucket per minute, rate and overflowed scope.
            overflowTrafficKeys += 1
            k = TrafficKey(minute: key.minute, scope: 3, rate: key.rate, a: UInt64(key.scope), b: 0, prefix: 0, v6: false)
            if let i = trafficBucket(k) { return Int32(i) }
        }
        var c = Counters()
        if k.scope != 3, let pd { c.pd = Int32(pd) }
        trafficIndex.insert(traffic.count, hash: k.tableHash) { trafficKeys[$0].tableHash }
        traffic.append(c)
        trafficKeys.append(k)
        return Int32(traffic.count - 1)
    }

    @inline(__always) func trafficBucket(_ key: TrafficKey) -> Int? {
        trafficIndex.find(key.tableHash) { trafficKeys[$0] == key }
    }

    /// Resolves a conversation the flow cache does not hold: its source host entry and the
    /// six traffic buckets it adds to (source and destination host, subnet and PD).
    func fillSlot(_ slot: Int, _ p: DecodedPacket, srcKey: UInt64, dstKey: UInt64, minute: Int64, rate: Int, _ t: Double) {
        let vlan = p.hostVLAN
        var srcHost: Int32 = -1
        if p.source.isUnicast { srcHost = host(p.source, vlan, t).map { Int32($0) } ?? -2 }
        let r = UInt32(truncatingIfNeeded: rate)
        var b: (Int32, Int32, Int32, Int32, Int32, Int32) = (-1, -1, -1, -1, -1, -1)
        var srcClass: (pd: Int?, subnet: SubnetKey)?
        var dstClass: (pd: Int?, subnet: SubnetKey)?
        if let ip = p.ipSource, !ip.isUnspecified { srcClass = matcher.classify(ip) }
        if let ip = p.ipDestination, !ip.isUnspecified, !ip.isGroup { dstClass = matcher.classify(ip) }
        // A host's traffic belongs to the host's PD (learned from any of its addresses or its
        // VLAN), so a frame without a PD address (ARP, link-local IPv6) still counts for it.
        let srcPD = srcClass?.pd ?? (srcHost >= 0 ? hosts[Int(srcHost)].pd : nil) ?? (srcClass == nil ? matcher.pd(vlan: vlan) : nil)
        let dstPD = dstClass?.pd
        if p.source.isUnicast {
            let hostPD = srcHost >= 0 ? hosts[Int(srcHost)].pd ?? srcPD : srcPD
            b.0 = bucket(TrafficKey(minute: minute, scope: 0, rate: r, a: srcKey, b: 0, prefix: 0, v6: false), pd: hostPD)
        }
        if p.destination.isUnicast {
            let known = hostEntry(dstKey).flatMap { hosts[$0].pd }
            b.1 = bucket(TrafficKey(minute: minute, scope: 0, rate: r, a: dstKey, b: 0, prefix: 0, v6: false),
                         pd: known ?? dstPD ?? (dstClass == nil ? matcher.pd(vlan: vlan) : nil))
        }
        if let s = srcClass?.subnet {
            b.2 = bucket(TrafficKey(minute: minute, scope: 1, rate: r, a: s.hi, b: s.lo, prefix: s.prefix, v6: s.v6), pd: srcClass?.pd)
        }
        if let d = dstClass?.subnet {
            b.3 = bucket(TrafficKey(minute: minute, scope: 1, rate: r, a: d.hi, b: d.lo, prefix: d.prefix, v6: d.v6), pd: dstClass?.pd)
        }
        if let pd = srcPD { b.4 = bucket(TrafficKey(minute: minute, scope: 2, rate: r, a: UInt64(pd), b: 0, prefix: 0, v6: false), pd: pd) }
        if let pd = dstPD { b.5 = bucket(TrafficKey(minute: minute, scope: 2, rate: r, a: UInt64(pd), b: 0, prefix: 0, v6: false), pd: pd) }
        flows[slot] = FlowSlot(src: srcKey, dst: dstKey, ipS: p.ipSource, ipD: p.ipDestination, minute: minute, rate: rate,
                               srcHost: srcHost, buckets: b)
    }

    /// Moves everything accumulated into a batch for the store and starts a new window.
    func takeBatch() -> SightingBatch {
        var batch = SightingBatch()
        batch.hosts.reserveCapacity(hosts.count)
        for h in hosts {
            let mac48 = MAC48(raw: h.key & 0xffff_ffff_ffff)
            let vlan = Int(h.key >> 48 & 0xfff)
            guard let mac = MACAddress(bytes: mac48.raw.macBytes) else { continue }
            var s = HostSighting(mac: mac, vlan: vlan == 0 ? nil : vlan, capturePoint: capturePoint, vendor: oui.vendor(oui: mac48.oui),
                                 pd: pdName(h.pd), firstSeen: Date(timeIntervalSince1970: h.first), lastSeen: Date(timeIntervalSince1970: h.last),
                                 framesSampled: h.frames)
            s.addresses = h.addresses.compactMap { a in
                IPAddress(bytes: a.ip.bytes).map {
                    AddressSighting(address: $0, source: Self.addressSources[Int(a.source)], firstSeen: Date(timeIntervalSince1970: a.first),
                                    lastSeen: Date(timeIntervalSince1970: a.last))
                }
            }
            s.names = h.names.map { NameSighting(name: $0.name, source: $0.source, firstSeen: Date(timeIntervalSince1970: $0.first),
                                                 lastSeen: Date(timeIntervalSince1970: $0.last)) }
            batch.hosts.append(s)
        }
        batch.neighbours = neighbours.values.sorted { ($0.protocolName, $0.mac) < ($1.protocolName, $1.mac) }
        batch.dhcpServers = dhcpServers.values.sorted { ($0.server, $0.mac) < ($1.server, $1.mac) }
        let scopeNames: [TrafficScope] = [.host, .subnet, .pd, .other]
        batch.traffic.reserveCapacity(traffic.count)
        for (i, k) in trafficKeys.enumerated() {
            let c = traffic[i]
            let key: String
            switch k.scope {
            case 0:
                let mac = MAC48(raw: k.a & 0xffff_ffff_ffff)
                let vlan = k.a >> 48 & 0xfff
                key = vlan == 0 ? mac.description : "\(mac)@\(vlan)"
            case 1: key = (k.v6 ? SubnetKey(v6hi: k.a, lo: k.b, prefix: Int(k.prefix)) : SubnetKey(v4: UInt32(truncatingIfNeeded: k.a), prefix: Int(k.prefix))).description
            case 2: key = matcher.pds[Int(k.a)]
            default: key = scopeNames[Int(min(k.a, 3))].rawValue
            }
            let rate = Int64(k.rate)
            // A host bucket made before its host's PD was known takes the PD learned since.
            var pd = c.pd
            if pd < 0, k.scope == 0, let h = hostEntry(k.a), let hostPD = hosts[h].pd { pd = Int32(hostPD) }
            batch.traffic.append(TrafficEstimate(minute: Date(timeIntervalSince1970: Double(k.minute)), scope: scopeNames[Int(k.scope)], key: key,
                                                 capturePoint: capturePoint, samplingRate: Int(k.rate), pd: pd >= 0 ? matcher.pds[Int(pd)] : nil,
                                                 samples: c.samples, inBytes: c.inBytes * rate, outBytes: c.outBytes * rate,
                                                 inPackets: c.inPackets * rate, outPackets: c.outPackets * rate))
        }
        batch.interfaceCounters = counters
        hostIndex.removeAll()
        hosts.removeAll(keepingCapacity: true)
        trafficIndex.removeAll()
        traffic.removeAll(keepingCapacity: true)
        trafficKeys.removeAll(keepingCapacity: true)
        neighbours.removeAll()
        dhcpServers.removeAll()
        counters.removeAll()
        for i in flows.indices { flows[i].src = .max }
        overflowHostFrames = 0
        overflowTrafficKeys = 0
        return batch
    }
}

extension UInt64 {
    /// The low 48 bits as six network-order bytes.
    var macBytes: [UInt8] { (0..<6).map { UInt8(self >> UInt64(40 - 8 * $0) & 0xff) } }
}

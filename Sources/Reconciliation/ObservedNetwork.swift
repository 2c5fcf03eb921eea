import Foundation
import InventoryModel

/// A device's latest SNMP inventory with the collection target's name and PD and when the
/// device was first and last seen (the store's device summary).
public struct PolledDevice: Sendable {
    public var name: String
    public var pd: String?
    public var inventory: DeviceInventory
    public var firstSeen: Date?
    public var lastSeen: Date?
    public init(name: String, pd: String?, inventory: DeviceInventory, firstSeen: Date? = nil, lastSeen: Date? = nil) {
        self.name = name
        self.pd = pd
        self.inventory = inventory
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }
}

/// What the network shows, merged from every source: infrastructure devices (polled, or
/// announced by LLDP/CDP/STP), the links LLDP/CDP report between them, and where each end
/// host is plugged in.
public struct ObservedNetwork: Sendable {
    /// An infrastructure device seen by one or more sources.
    public struct Device: Sendable, Hashable {
        /// `snmp:NAME` for a polled device, `lldp:…`/`cdp:…`/`stp:…` for an announced one.
        public var key: String
        /// The target name of a polled device, else the announced system name or chassis.
        public var name: String
        public var sysName: String?
        public var pd: String?
        public var polled: Bool
        /// `snmp`, `lldp`, `cdp`, `stp`: every source that saw it.
        public var sources: Set<String>
        public var vendor: String?
        public var model: String?
        public var serial: String?
        public var version: String?
        public var macs: Set<MACAddress>
        public var addresses: Set<IPAddress>
        public var firstSeen: Date?
        public var lastSeen: Date?
        /// Where an announcement was heard: `device:port` or a capture point.
        public var heardAt: Set<String>
        /// Whether the device reports LLDP/CDP neighbours (so its links can be checked).
        public var reportsNeighbours: Bool
    }

    /// One end of a link: a device key and its port as the source names it.
    public struct End: Sendable, Hashable {
        public var device: String
        public var port: String?
        /// Other names of the same port (a remote port's description).
        public var altPort: String?
    }

    public struct Link: Sendable, Hashable {
        public var a: End
        public var b: End
        /// `lldp` or `cdp`.
        public var protocolName: String
        public var lastSeen: Date?
    }

    /// Where a MAC is plugged in, by forwarding tables.
    public struct Placement: Sendable, Hashable {
        public var mac: MACAddress
        public var device: String
        public var port: String?
        public var vlan: Int?
        /// False when every port that learnt the MAC is an uplink (the host is behind another switch).
        public var edge: Bool
        public var lastSeen: Date?
    }

    /// An end host with the addresses that vouch for it being on the LAN.
    public struct Host: Sendable, Hashable {
        public var mac: MACAddress
        /// IPv4/IPv6 addresses from ARP tables and sampled ARP/DHCP, with their source.
        public var addresses: [IPAddress: String]
        public var vlan: Int?
        public var placement: Placement?
        /// Sampling's capture point, when sampled.
        public var capturePoint: String?
        public var vendor: String?
        /// The PD sampling attributed it to (its PD map or the registry), when sampled.
        public var sampledPD: String?
        public var firstSeen: Date?
        public var lastSeen: Date?
    }

    public var devices: [Device]
    public var links: [Link]
    public var hosts: [Host]
    /// Ports that are uplinks, as `deviceKey|port`.
    public var uplinks: Set<String>
    /// MACs learnt per edge port (`deviceKey|port` → MACs), for unmanaged-switch detection.
    public var edgePortMACs: [String: (device: String, port: String, vlans: Set<Int>, macs: Set<MACAddress>)]
    /// The DHCP servers sampling saw.
    public var dhcpServers: [DHCPServerSighting]
    /// Hosts sampled per capture point and VLAN, and whether a managed switch announced itself there.
    public var capturePoints: [CapturePoint]

    public struct CapturePoint: Sendable, Hashable {
        public var name: String
        public var vlan: Int?
        public var pd: String?
        public var macs: Set<MACAddress>
        /// Keys of the devices that announced themselves (LLDP/CDP/STP) at this capture point.
        public var announcers: Set<String>
        public var firstSeen: Date?
        public var lastSeen: Date?
    }

    /// The device that has `mac` among its own MACs.
    public func deviceIndexByMAC() -> [MACAddress: Int] {
        var out: [MACAddress: Int] = [:]
        for (i, d) in devices.enumerated() { for m in d.macs where out[m] == nil { out[m] = i } }
        return out
    }
}

extension ObservedNetwork {
    /// Merges the sources. Pure: the polled inventories, sampling's hosts, neighbours and DHCP
    /// servers, and the registry's PD VLANs (to place sampled hosts) are all passed in.
    public static func build(polled: [PolledDevice], hosts sampled: [HostSighting], neighbours: [NeighbourSighting],
                             dhcpServers: [DHCPServerSighting]) -> ObservedNetwork {
        var devices: [Device] = []
        var byMAC: [MACAddress: Int] = [:]
        var byAddress: [IPAddress: Int] = [:]
        var byName: [String: Int] = [:]

        func index(_ i: Int) {
            let d = devices[i]
            for m in d.macs where byMAC[m] == nil { byMAC[m] = i }
            for a in d.addresses where byAddress[a] == nil { byAddress[a] = i }
            for n in [d.sysName, d.polled ? d.name : nil].compactMap({ $0 }) {
                for k in nameKeys(n) where byName[k] == nil { byName[k] = i }
            }
        }

        // Polled devices first: they are the richest identity.
        for p in polled.sorted(by: { $0.name < $1.name }) {
            let inv = p.inventory
            let macs = Set(inv.interfaces.compactMap { $0.mac.flatMap(MACAddress.init) }.filter(usable))
            var addresses = Set(inv.ipAddresses.compactMap { IPAddress($0.address) }.filter(routable))
            if let host = agentHost(inv.agent), let ip = IPAddress(host), routable(ip) { addresses.insert(ip) }
            let sysName = inv.sysName.flatMap { $0.isEmpty || $0 == "<private>" ? nil : $0 }
            devices.append(Device(key: "snmp:\(p.name)", name: p.name, sysName: sysName, pd: p.pd, polled: true, sources: ["snmp"],
                                  vendor: inv.vendor, model: inv.model, serial: inv.serial, version: inv.version, macs: macs,
                                  addresses: addresses, firstSeen: p.firstSeen ?? inv.polledAt, lastSeen: p.lastSeen ?? inv.polledAt,
                                  heardAt: [], reportsNeighbours: !inv.neighbors.isEmpty))
            index(devices.count - 1)
        }

        // Announced devices: LLDP/CDP tables of polled devices, then sampled announcements.
        func announced(proto: String, chassis: String?, sysName: String?, mgmt: [IPAddress], platform: String?, descr: String?,
                       pd: String?, heardAt: String, first: Date?, last: Date?) -> Int? {
            let chassisMAC = chassis.flatMap(MACAddress.init).flatMap { usable($0) ? $0 : nil }
            let name = sysName.flatMap { $0.isEmpty ? nil : $0 }
            var found: Int?
            if let m = chassisMAC { found = byMAC[m] }
            if found == nil { found = mgmt.lazy.compactMap { byAddress[$0] }.first }
            if found == nil, let name { found = nameKeys(name).lazy.compactMap { byName[$0] }.first }
            if found == nil, chassisMAC == nil, name == nil, mgmt.isEmpty, let c = chassis, !c.isEmpty { found = byName["chassis:" + c.lowercased()] }
            if let i = found {
                devices[i].sources.insert(proto)
                devices[i].heardAt.insert(heardAt)
                if devices[i].pd == nil { devices[i].pd = pd }
                if let last, devices[i].lastSeen.map({ last > $0 }) ?? true, !devices[i].polled { devices[i].lastSeen = last }
                if let first, devices[i].firstSeen.map({ first < $0 }) ?? true, !devices[i].polled { devices[i].firstSeen = first }
                if let m = chassisMAC, !devices[i].macs.contains(m) { devices[i].macs.insert(m); if byMAC[m] == nil { byMAC[m] = i } }
                return i
            }
            guard chassisMAC != nil || name != nil || !mgmt.isEmpty || !(chassis ?? "").isEmpty else { return nil }
            let label = name ?? chassisMAC?.description ?? mgmt.first?.description ?? chassis ?? "?"
            devices.append(Device(key: "\(proto):\(label)", name: label, sysName: name, pd: pd, polled: false, sources: [proto],
                                  vendor: nil, model: platform, serial: nil, version: descr, macs: chassisMAC.map { [$0] } ?? [],
                                  addresses: Set(mgmt.filter(routable)), firstSeen: first, lastSeen: last, heardAt: [heardAt],
                                  reportsNeighbours: false))
            let i = devices.count - 1
            index(i)
            if chassisMAC == nil, name == nil, mgmt.isEmpty, let c = chassis { byName["chassis:" + c.lowercased()] = i }
            return i
        }

        var links: [String: Link] = [:]
        var uplinks = Set<String>()
        for p in polled.sorted(by: { $0.name < $1.name }) {
            let inv = p.inventory
            let local = "snmp:\(p.name)"
            let portName = Dictionary(inv.interfaces.map { ($0.ifIndex, $0.name ?? String($0.ifIndex)) }) { a, _ in a }
            for n in inv.neighbors {
                let port = n.localIfIndex.flatMap { portName[$0] } ?? n.localPort
                let mgmt = n.remoteMgmtAddress.flatMap(IPAddress.init).map { [$0] } ?? []
                guard let r = announced(proto: n.protocol.rawValue, chassis: n.remoteChassisId, sysName: n.remoteSysName, mgmt: mgmt,
                                        platform: n.remotePlatform, descr: n.remoteSysDescr, pd: p.pd,
                                        heardAt: "\(p.name):\(port ?? "?")", first: p.firstSeen ?? inv.polledAt, last: p.lastSeen ?? inv.polledAt)
                else { continue }
                if let port { uplinks.insert("\(local)|\(port)") }
                let remote = devices[r].key
                guard remote != local else { continue }
                let a = End(device: local, port: port), b = End(device: remote, port: n.remotePort, altPort: n.remotePortDescr)
                let key = [a.device + "|" + (a.port ?? ""), b.device + "|" + (b.port ?? "")].sorted().joined(separator: " ")
                // Both sides of the same link merge; the reverse direction keys the same way when ports agree.
                if links[key] == nil {
                    let reverse = links.values.contains { $0.a.device == remote && $0.b.device == local && ($0.a.port == n.remotePort || $0.a.port == n.remotePortDescr) && $0.b.port == port }
                    if !reverse { links[key] = Link(a: a, b: b, protocolName: n.protocol.rawValue, lastSeen: p.lastSeen ?? inv.polledAt) }
                }
            }
        }
        var announcersAt: [String: Set<String>] = [:]
        for n in neighbours.sorted(by: { ($0.capturePoint, $0.mac) < ($1.capturePoint, $1.mac) }) {
            let i = announced(proto: n.protocolName, chassis: n.chassisID ?? n.mac.description, sysName: n.systemName, mgmt: n.managementAddresses,
                          platform: n.platform, descr: n.systemDescription, pd: n.pd, heardAt: n.capturePoint, first: n.firstSeen, last: n.lastSeen)
            if let i { announcersAt[n.capturePoint, default: []].insert(devices[i].key) }
        }

        // Forwarding tables: uplinks are ports with a neighbour (above) or that learnt an
        // infrastructure device's MAC, or whose MACs another switch also learns (MACs from
        // several switches); hosts are placed at edge ports first.
        let infraMACs = Set(byMAC.keys)
        struct Learnt { var device: String; var port: String?; var vlan: Int?; var last: Date? }
        var learnt: [MACAddress: [Learnt]] = [:]
        var portMACs: [String: Set<MACAddress>] = [:]
        for p in polled {
            let inv = p.inventory
            let portName = Dictionary(inv.interfaces.map { ($0.ifIndex, $0.name ?? String($0.ifIndex)) }) { a, _ in a }
            for f in inv.forwarding where f.status != "self" && f.status != "mgmt" && f.status != "invalid" {
                guard let mac = MACAddress(f.mac), usable(mac) else { continue }
                let port = f.ifIndex.flatMap { portName[$0] } ?? f.bridgePort.map { "bridge-port \($0)" }
                learnt[mac, default: []].append(Learnt(device: "snmp:\(p.name)", port: port, vlan: f.vlan, last: p.lastSeen ?? inv.polledAt))
                if let port {
                    let pk = "snmp:\(p.name)|\(port)"
                    portMACs[pk, default: []].insert(mac)
                    if infraMACs.contains(mac), byMAC[mac].map({ devices[$0].key }) != "snmp:\(p.name)" { uplinks.insert(pk) }
                }
            }
        }
        for (pk, macs) in portMACs where !uplinks.contains(pk) && macs.count >= 2 {
            let device = String(pk[..<(pk.firstIndex(of: "|") ?? pk.endIndex)])
            let shared = macs.filter { m in learnt[m]?.contains { $0.device != device } ?? false }
            if shared.count >= 2 { uplinks.insert(pk) }
        }
        var placements: [MACAddress: Placement] = [:]
        var edgePortMACs: [String: (device: String, port: String, vlans: Set<Int>, macs: Set<MACAddress>)] = [:]
        for (mac, list) in learnt where !infraMACs.contains(mac) {
            let ordered = list.sorted { ($0.device, $0.port ?? "") < ($1.device, $1.port ?? "") }
            let edges = ordered.filter { l in l.port.map { !uplinks.contains("\(l.device)|\($0)") } ?? false }
            let pick = edges.first ?? ordered[0]
            placements[mac] = Placement(mac: mac, device: pick.device, port: pick.port, vlan: pick.vlan, edge: !edges.isEmpty, lastSeen: pick.last)
            for e in edges {
                guard let port = e.port else { continue }
                let pk = "\(e.device)|\(port)"
                edgePortMACs[pk, default: (e.device, port, [], [])].macs.insert(mac)
                if let v = e.vlan { edgePortMACs[pk]?.vlans.insert(v) }
            }
        }

        // End hosts: ARP tables and sampled ARP/DHCP vouch for an address.
        var hosts: [MACAddress: Host] = [:]
        for p in polled {
            for e in p.inventory.arp where e.type != "invalid" {
                guard let mac = MACAddress(e.mac), usable(mac), !infraMACs.contains(mac), let ip = IPAddress(e.ip), routable(ip) else { continue }
                hosts[mac, default: Host(mac: mac, addresses: [:], firstSeen: p.firstSeen, lastSeen: p.lastSeen ?? p.inventory.polledAt)]
                    .addresses[ip] = "arp"
            }
        }
        // Changed in place (one lookup each, and their sets are not copied on write).
        func add(_ s: HostSighting, to h: inout Host) {
            for a in s.addresses where (a.source == "arp" || a.source == "dhcp") && routable(a.address) && h.addresses[a.address] == nil {
                h.addresses[a.address] = "sampling \(a.source)"
            }
            h.vlan = h.vlan ?? s.vlan
            h.capturePoint = h.capturePoint ?? s.capturePoint
            h.vendor = h.vendor ?? s.vendor
            h.sampledPD = h.sampledPD ?? s.pd
            h.firstSeen = earlier(h.firstSeen, s.firstSeen)
            h.lastSeen = later(h.lastSeen, s.lastSeen)
        }
        func add(_ s: HostSighting, to cp: inout CapturePoint) {
            cp.macs.insert(s.mac)
            cp.pd = cp.pd ?? s.pd
            cp.firstSeen = earlier(cp.firstSeen, s.firstSeen)
            cp.lastSeen = later(cp.lastSeen, s.lastSeen)
        }
        func counts(_ s: HostSighting) -> Bool { usable(s.mac) && (infraMACs.isEmpty || !infraMACs.contains(s.mac)) }

        // Capture points, in the sightings' order (a point's PD is its first sighting's). Sightings
        // come grouped by point: the last one's number is looked up again before any hashing.
        struct PointKey: Hashable { var name: String; var vlan: Int? }
        var pointNumber: [PointKey: Int] = [:]
        var points: [CapturePoint] = []
        var lastPoint: (name: String, vlan: Int?, number: Int)?
        for s in sampled where counts(s) {
            let n: Int
            if let l = lastPoint, l.vlan == s.vlan, l.name == s.capturePoint {
                n = l.number
            } else {
                let key = PointKey(name: s.capturePoint, vlan: s.vlan)
                if let known = pointNumber[key] { n = known } else {
                    n = points.count
                    pointNumber[key] = n
                    points.append(CapturePoint(name: s.capturePoint, vlan: s.vlan, pd: s.pd, macs: [], announcers: announcersAt[s.capturePoint] ?? []))
                }
                lastPoint = (s.capturePoint, s.vlan, n)
            }
            add(s, to: &points[n])
        }

        // Sampled hosts, one per MAC in MAC order (a host's sightings merge in their own order,
        // into its ARP entry when it has one). A store gives them ordered by MAC: no sort then.
        var order = sampled.indices.filter { counts(sampled[$0]) }
        if zip(order, order.dropFirst()).contains(where: { sampled[$0].mac > sampled[$1].mac }) {
            order.sort { (sampled[$0].mac, $0) < (sampled[$1].mac, $1) }
        }
        var sampledHosts: [Host] = []
        sampledHosts.reserveCapacity(order.count)
        var k = 0
        while k < order.count {
            let mac = sampled[order[k]].mac
            var h = (hosts.isEmpty ? nil : hosts.removeValue(forKey: mac)) ?? Host(mac: mac, addresses: [:])
            repeat {
                add(sampled[order[k]], to: &h)
                k += 1
            } while k < order.count && sampled[order[k]].mac == mac
            sampledHosts.append(h)
        }
        // Placed hosts: a sampled one (found by MAC, they are ordered), one from ARP, or a new one.
        func sampledIndex(_ mac: MACAddress) -> Int? {
            var lo = 0, hi = sampledHosts.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if sampledHosts[mid].mac < mac { lo = mid + 1 } else { hi = mid }
            }
            return lo < sampledHosts.count && sampledHosts[lo].mac == mac ? lo : nil
        }
        for (mac, pl) in placements {
            if let i = sampledIndex(mac) {
                sampledHosts[i].placement = pl
                sampledHosts[i].vlan = sampledHosts[i].vlan ?? pl.vlan
            } else if var h = hosts.removeValue(forKey: mac) {
                h.placement = pl
                h.vlan = h.vlan ?? pl.vlan
                hosts[mac] = h
            } else {
                hosts[mac] = Host(mac: mac, addresses: [:], vlan: pl.vlan, placement: pl, lastSeen: pl.lastSeen)
            }
        }
        // Every host by MAC: the sampled ones and the rest, merged (no MAC is in both).
        var allHosts: [Host] = []
        allHosts.reserveCapacity(sampledHosts.count + hosts.count)
        var rest = hosts.keys.sorted()[...]
        for h in sampledHosts {
            while let m = rest.first, m < h.mac { allHosts.append(hosts[m]!); rest = rest.dropFirst() }
            allHosts.append(h)
        }
        for m in rest { allHosts.append(hosts[m]!) }
        return ObservedNetwork(
            devices: devices, links: links.keys.sorted().compactMap { links[$0] },
            hosts: allHosts, uplinks: uplinks, edgePortMACs: edgePortMACs,
            dhcpServers: dhcpServers.sorted { ($0.server, $0.mac) < ($1.server, $1.mac) },
            capturePoints: points.sorted { ($0.name, $0.vlan ?? 0) < ($1.name, $1.vlan ?? 0) })
    }

    /// Names a device may be known by: the name, and its first label (`sw1.pemda.local` → `sw1`), lower-cased.
    static func nameKeys(_ name: String) -> [String] {
        let n = name.lowercased().trimmingCharacters(in: .whitespaces)
        guard !n.isEmpty else { return [] }
        let short = n.split(separator: ".").first.map(String.init) ?? n
        return short == n || IPAddress(n) != nil ? [n] : [n, short]
    }

    /// The earlier (later) of two optional times; nil only when both are.
    static func earlier(_ a: Date?, _ b: Date?) -> Date? { guard let a else { return b }; guard let b else { return a }; return min(a, b) }
    static func later(_ a: Date?, _ b: Date?) -> Date? { guard let a else { return b }; guard let b else { return a }; return max(a, b) }

    static func usable(_ m: MACAddress) -> Bool { !m.isZero && !m.isMulticast && !m.isBroadcast }
    static func routable(_ ip: IPAddress) -> Bool {
        if case .v4(let v) = ip {  // without building the bytes (called for every sampled address)
            let b0 = v >> 24, b1 = v >> 16 & 0xff
            return b0 != 127 && b0 != 0 && !(b0 == 169 && b1 == 254)
        }
        let b = ip.bytes
        return !(b[0] == 0xfe && b[1] & 0xc0 == 0x80) && b != [UInt8](repeating: 0, count: 15) + [1]
    }
    static func agentHost(_ agent: String) -> String? {
        var s = Substring(agent)
        for p in ["udp:", "tcp:", "udp6:", "tcp6:"] where s.hasPrefix(p) { s = s.dropFirst(p.count) }
        if s.hasPrefix("["), let close = s.firstIndex(of: "]") { return String(s[s.index(after: s.startIndex)..<close]) }
        if s.filter({ $0 == ":" }).count == 1, let c = s.lastIndex(of: ":") { return String(s[..<c]) }
        return String(s)
    }
}

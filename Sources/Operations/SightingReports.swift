import Foundation
import InventoryModel
import Storage

/// What packet sampling saw: hosts, neighbour announcements, DHCP servers (`pantau hosts`)
/// and top talkers (`pantau talkers`). Every optional key is present in JSON (`null` when unknown).
public enum SightingReports {
    public struct HostsQuery: Sendable {
        public var pd: String?
        public var vlan: Int?
        public var since: Date?
        public init(pd: String? = nil, vlan: Int? = nil, since: Date? = nil) {
            self.pd = pd
            self.vlan = vlan
            self.since = since
        }
    }

    public struct Hosts: Sendable, Encodable {
        public var hosts: [Host]
        public var neighbours: [Neighbour]
        public var dhcpServers: [DHCPServer]
        /// VLANs with more than one DHCP server (one may be rogue).
        public var dhcpConflicts: [DHCPServerConflict]
        public var isEmpty: Bool { hosts.isEmpty && neighbours.isEmpty && dhcpServers.isEmpty }

        enum CodingKeys: String, CodingKey { case hosts, neighbours, dhcpServers = "dhcp_servers", dhcpConflicts = "dhcp_conflicts" }
    }

    public struct Host: Sendable, Encodable {
        public var sighting: HostSighting
        enum K: String, CodingKey {
            case mac, vlan, vendor, pd, capturePoint = "capture_point", firstSeen = "first_seen", lastSeen = "last_seen"
            case framesSampled = "frames_sampled", evidence, addresses, names
        }
        /// Why the host is listed: `frames` (frames of its own were sampled), else the claims
        /// that name it without a frame of its own (`dhcp`: a DHCP server's ACK or a relayed
        /// request carried its MAC).
        public var evidence: String {
            if sighting.framesSampled > 0 { return "frames" }
            let sources = Set(sighting.addresses.map(\.source) + sighting.names.map(\.source)).sorted()
            return sources.isEmpty ? "none" : sources.joined(separator: ",")
        }
        struct Address: Encodable {
            var a: AddressSighting
            enum K: String, CodingKey { case address, source, firstSeen = "first_seen", lastSeen = "last_seen" }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: K.self)
                try c.encode(a.address.description, forKey: .address)
                try c.encode(a.source, forKey: .source)
                try c.encode(a.firstSeen, forKey: .firstSeen)
                try c.encode(a.lastSeen, forKey: .lastSeen)
            }
        }
        struct Name: Encodable { var name: String; var source: String }
        public func encode(to encoder: any Encoder) throws {
            let h = sighting
            var c = encoder.container(keyedBy: K.self)
            try c.encode(h.mac.description, forKey: .mac)
            try c.encode(h.vlan, forKey: .vlan)
            try c.encode(h.vendor, forKey: .vendor)
            try c.encode(h.pd, forKey: .pd)
            try c.encode(h.capturePoint, forKey: .capturePoint)
            try c.encode(h.firstSeen, forKey: .firstSeen)
            try c.encode(h.lastSeen, forKey: .lastSeen)
            try c.encode(h.framesSampled, forKey: .framesSampled)
            try c.encode(evidence, forKey: .evidence)
            try c.encode(h.addresses.map(Address.init), forKey: .addresses)
            try c.encode(h.names.map { Name(name: $0.name, source: $0.source) }, forKey: .names)
        }
    }

    public struct Neighbour: Sendable, Encodable {
        public var sighting: NeighbourSighting
        enum K: String, CodingKey {
            case protocolName = "protocol", mac, vlan, chassisID = "chassis_id", portID = "port_id", systemName = "system_name"
            case systemDescription = "system_description", platform, capabilities, managementAddresses = "management_addresses"
            case nativeVLAN = "native_vlan", pd, capturePoint = "capture_point", firstSeen = "first_seen", lastSeen = "last_seen"
        }
        public func encode(to encoder: any Encoder) throws {
            let n = sighting
            var c = encoder.container(keyedBy: K.self)
            try c.encode(n.protocolName, forKey: .protocolName)
            try c.encode(n.mac.description, forKey: .mac)
            try c.encode(n.vlan, forKey: .vlan)
            try c.encode(n.chassisID, forKey: .chassisID)
            try c.encode(n.portID, forKey: .portID)
            try c.encode(n.systemName, forKey: .systemName)
            try c.encode(n.systemDescription, forKey: .systemDescription)
            try c.encode(n.platform, forKey: .platform)
            try c.encode(n.capabilities, forKey: .capabilities)
            try c.encode(n.managementAddresses.map(\.description), forKey: .managementAddresses)
            try c.encode(n.nativeVLAN, forKey: .nativeVLAN)
            try c.encode(n.pd, forKey: .pd)
            try c.encode(n.capturePoint, forKey: .capturePoint)
            try c.encode(n.firstSeen, forKey: .firstSeen)
            try c.encode(n.lastSeen, forKey: .lastSeen)
        }
    }

    public struct DHCPServer: Sendable, Encodable {
        public var sighting: DHCPServerSighting
        enum K: String, CodingKey {
            case server, mac, vlan, pd, capturePoint = "capture_point", replies, firstSeen = "first_seen", lastSeen = "last_seen"
        }
        public func encode(to encoder: any Encoder) throws {
            let s = sighting
            var c = encoder.container(keyedBy: K.self)
            try c.encode(s.server.description, forKey: .server)
            try c.encode(s.mac.description, forKey: .mac)
            try c.encode(s.vlan, forKey: .vlan)
            try c.encode(s.pd, forKey: .pd)
            try c.encode(s.capturePoint, forKey: .capturePoint)
            try c.encode(s.replies, forKey: .replies)
            try c.encode(s.firstSeen, forKey: .firstSeen)
            try c.encode(s.lastSeen, forKey: .lastSeen)
        }
    }

    /// Hosts, neighbours and DHCP servers for a PD and/or VLAN (0: untagged), with the VLANs
    /// where more than one DHCP server answers.
    public static func hosts(_ q: HostsQuery, store: any SightingStorage) throws(StoreError) -> Hosts {
        let inVLAN = { (v: Int?) in q.vlan.map { (v ?? 0) == $0 } ?? true }
        let hosts = try store.hostSightings(pd: q.pd, vlan: q.vlan, since: q.since)
        let neighbours = try store.neighbourSightings(pd: q.pd).filter { inVLAN($0.vlan) }
        let servers = try store.dhcpServerSightings(pd: q.pd).filter { inVLAN($0.vlan) }
        return Hosts(hosts: hosts.map(Host.init), neighbours: neighbours.map(Neighbour.init), dhcpServers: servers.map(DHCPServer.init),
                     dhcpConflicts: DHCPServerConflict.find(in: servers))
    }

    public struct TalkersQuery: Sendable {
        public var scope: TrafficScope
        public var pd: String?
        public var from: Date?
        public var limit: Int
        public init(scope: TrafficScope = .host, pd: String? = nil, from: Date? = nil, limit: Int = 20) {
            self.scope = scope
            self.pd = pd
            self.from = from
            self.limit = limit
        }
    }

    /// One row of top talkers: estimated bytes and packets (sampled counts × rate).
    public struct Talker: Sendable, Encodable {
        public var total: TalkerTotal
        enum K: String, CodingKey {
            case key, scope, pd, inBytes = "in_bytes", outBytes = "out_bytes", inPackets = "in_packets", outPackets = "out_packets"
            case samples, minRate = "sampling_rate_min", maxRate = "sampling_rate_max"
        }
        public func encode(to encoder: any Encoder) throws {
            let r = total
            var c = encoder.container(keyedBy: K.self)
            try c.encode(r.key, forKey: .key)
            try c.encode(r.scope.rawValue, forKey: .scope)
            try c.encode(r.pd, forKey: .pd)
            try c.encode(r.inBytes, forKey: .inBytes)
            try c.encode(r.outBytes, forKey: .outBytes)
            try c.encode(r.inPackets, forKey: .inPackets)
            try c.encode(r.outPackets, forKey: .outPackets)
            try c.encode(r.samples, forKey: .samples)
            try c.encode(r.minRate, forKey: .minRate)
            try c.encode(r.maxRate, forKey: .maxRate)
        }
    }

    /// The top talkers by total bytes.
    public static func talkers(_ q: TalkersQuery, store: any SightingStorage) throws(StoreError) -> [Talker] {
        try store.talkers(scope: q.scope, pd: q.pd, from: q.from, to: nil, limit: q.limit).map(Talker.init)
    }
}

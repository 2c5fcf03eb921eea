import Foundation

/// A host seen on the wire at one capture point: its MAC in one VLAN.
public struct HostSighting: Sendable, Hashable, Codable {
    public var mac: MACAddress
    /// nil when untagged.
    public var vlan: Int?
    public var capturePoint: String
    /// Vendor from the IEEE OUI registry, when known.
    public var vendor: String?
    public var pd: String?
    public var firstSeen: Date
    public var lastSeen: Date
    /// Frames sampled from this host (not scaled).
    public var framesSampled: Int
    public var addresses: [AddressSighting]
    public var names: [NameSighting]

    public init(mac: MACAddress, vlan: Int?, capturePoint: String, vendor: String?, pd: String?, firstSeen: Date, lastSeen: Date,
                framesSampled: Int, addresses: [AddressSighting] = [], names: [NameSighting] = []) {
        self.mac = mac; self.vlan = vlan; self.capturePoint = capturePoint; self.vendor = vendor; self.pd = pd
        self.firstSeen = firstSeen; self.lastSeen = lastSeen; self.framesSampled = framesSampled
        self.addresses = addresses; self.names = names
    }
}

/// An address a host used, and the evidence: `arp`, `dhcp`, `ndp`, `ip` (source address of
/// its own frames), `mdns`.
public struct AddressSighting: Sendable, Hashable, Codable {
    public var address: IPAddress
    public var source: String
    public var firstSeen: Date
    public var lastSeen: Date
    public init(address: IPAddress, source: String, firstSeen: Date, lastSeen: Date) {
        self.address = address; self.source = source; self.firstSeen = firstSeen; self.lastSeen = lastSeen
    }
}

/// A name a host announced or asked for: `dhcp` (option 12), `netbios`, `mdns`.
public struct NameSighting: Sendable, Hashable, Codable {
    public var name: String
    public var source: String
    public var firstSeen: Date
    public var lastSeen: Date
    public init(name: String, source: String, firstSeen: Date, lastSeen: Date) {
        self.name = name; self.source = source; self.firstSeen = firstSeen; self.lastSeen = lastSeen
    }
}

/// A switch, router or access point announcing itself (LLDP, CDP, STP, IPv6 RA).
public struct NeighbourSighting: Sendable, Hashable, Codable {
    /// `lldp`, `cdp`, `stp` or `ra`.
    public var protocolName: String
    public var mac: MACAddress
    public var vlan: Int?
    public var capturePoint: String
    public var chassisID: String?
    public var portID: String?
    public var portDescription: String?
    public var systemName: String?
    public var systemDescription: String?
    public var platform: String?
    public var capabilities: [String]
    public var managementAddresses: [IPAddress]
    public var nativeVLAN: Int?
    public var pd: String?
    public var firstSeen: Date
    public var lastSeen: Date
    public var announcements: Int

    public init(protocolName: String, mac: MACAddress, vlan: Int?, capturePoint: String, chassisID: String? = nil, portID: String? = nil,
                portDescription: String? = nil, systemName: String? = nil, systemDescription: String? = nil, platform: String? = nil,
                capabilities: [String] = [], managementAddresses: [IPAddress] = [], nativeVLAN: Int? = nil, pd: String? = nil,
                firstSeen: Date, lastSeen: Date, announcements: Int) {
        self.protocolName = protocolName; self.mac = mac; self.vlan = vlan; self.capturePoint = capturePoint
        self.chassisID = chassisID; self.portID = portID; self.portDescription = portDescription; self.systemName = systemName
        self.systemDescription = systemDescription; self.platform = platform; self.capabilities = capabilities
        self.managementAddresses = managementAddresses; self.nativeVLAN = nativeVLAN; self.pd = pd
        self.firstSeen = firstSeen; self.lastSeen = lastSeen; self.announcements = announcements
    }
}

/// A DHCP server answering on a VLAN (a second one on the same VLAN is usually rogue).
public struct DHCPServerSighting: Sendable, Hashable, Codable {
    public var server: IPAddress
    public var mac: MACAddress
    public var vlan: Int?
    public var capturePoint: String
    public var pd: String?
    public var firstSeen: Date
    public var lastSeen: Date
    public var replies: Int
    public init(server: IPAddress, mac: MACAddress, vlan: Int?, capturePoint: String, pd: String?, firstSeen: Date, lastSeen: Date, replies: Int) {
        self.server = server; self.mac = mac; self.vlan = vlan; self.capturePoint = capturePoint; self.pd = pd
        self.firstSeen = firstSeen; self.lastSeen = lastSeen; self.replies = replies
    }
}

/// What a traffic estimate is about.
public enum TrafficScope: String, Sendable, CaseIterable, Codable {
    /// `key` is a MAC address (optionally `mac@vlan`).
    case host
    /// `key` is a CIDR subnet.
    case subnet
    /// `key` is a PD code.
    case pd
    /// Overflow when the per-minute key limit was reached; `key` is the scope that overflowed.
    case other
}

/// Bytes and packets in one minute, scaled up from samples by `samplingRate`.
///
/// `out` counts frames the host/subnet/PD sent (it is the source), `in` frames it received.
public struct TrafficEstimate: Sendable, Hashable, Codable {
    /// Start of the minute.
    public var minute: Date
    public var scope: TrafficScope
    public var key: String
    public var capturePoint: String
    /// 1-in-N sampling rate the estimate was scaled by (1 = every packet).
    public var samplingRate: Int
    public var pd: String?
    /// Sampled frames behind the estimate (unscaled), a measure of its accuracy.
    public var samples: Int
    public var inBytes: Int64
    public var outBytes: Int64
    public var inPackets: Int64
    public var outPackets: Int64

    public init(minute: Date, scope: TrafficScope, key: String, capturePoint: String, samplingRate: Int, pd: String?, samples: Int,
                inBytes: Int64, outBytes: Int64, inPackets: Int64, outPackets: Int64) {
        self.minute = minute; self.scope = scope; self.key = key; self.capturePoint = capturePoint; self.samplingRate = samplingRate
        self.pd = pd; self.samples = samples; self.inBytes = inBytes; self.outBytes = outBytes
        self.inPackets = inPackets; self.outPackets = outPackets
    }
}

/// Interface counters an sFlow agent reported (a second bandwidth source).
public struct InterfaceCounterSighting: Sendable, Hashable, Codable {
    public var agent: IPAddress
    public var ifIndex: Int
    public var sampledAt: Date
    public var capturePoint: String
    public var ifSpeed: Int64
    public var inOctets: Int64
    public var outOctets: Int64
    public var inErrors: Int64
    public var outErrors: Int64
    public init(agent: IPAddress, ifIndex: Int, sampledAt: Date, capturePoint: String, ifSpeed: Int64, inOctets: Int64, outOctets: Int64,
                inErrors: Int64, outErrors: Int64) {
        self.agent = agent; self.ifIndex = ifIndex; self.sampledAt = sampledAt; self.capturePoint = capturePoint; self.ifSpeed = ifSpeed
        self.inOctets = inOctets; self.outOctets = outOctets; self.inErrors = inErrors; self.outErrors = outErrors
    }
}

extension InterfaceCounterSighting {
    /// The interface this sample belongs to, for `CounterSeries.grouped`.
    public var key: InterfaceCounterKey { InterfaceCounterKey(agent: agent, ifIndex: ifIndex, capturePoint: capturePoint) }

    /// The sample as a counter reading. Stored values are never negative (they were
    /// clamped from sFlow's unsigned fields); a negative one read back counts as 0.
    public var reading: CounterReading {
        CounterReading(time: sampledAt, ifSpeed: UInt64(clamping: ifSpeed), inOctets: UInt64(clamping: inOctets),
                       outOctets: UInt64(clamping: outOctets), inErrors: UInt64(clamping: inErrors), outErrors: UInt64(clamping: outErrors))
    }
}

/// Everything one flush of the sampler writes, in one transaction.
public struct SightingBatch: Sendable, Codable {
    public var hosts: [HostSighting] = []
    public var neighbours: [NeighbourSighting] = []
    public var dhcpServers: [DHCPServerSighting] = []
    public var traffic: [TrafficEstimate] = []
    public var interfaceCounters: [InterfaceCounterSighting] = []
    public init() {}
    public var isEmpty: Bool { hosts.isEmpty && neighbours.isEmpty && dhcpServers.isEmpty && traffic.isEmpty && interfaceCounters.isEmpty }
}

/// Total traffic of one key over a period (from `talkers`).
public struct TalkerTotal: Sendable, Hashable {
    public var scope: TrafficScope
    public var key: String
    public var pd: String?
    public var inBytes: Int64
    public var outBytes: Int64
    public var inPackets: Int64
    public var outPackets: Int64
    public var samples: Int
    /// Lowest and highest sampling rate behind the estimate.
    public var minRate: Int
    public var maxRate: Int
    public var totalBytes: Int64 { inBytes + outBytes }

    public init(scope: TrafficScope, key: String, pd: String?, inBytes: Int64, outBytes: Int64, inPackets: Int64, outPackets: Int64, samples: Int, minRate: Int, maxRate: Int) {
        self.scope = scope
        self.key = key
        self.pd = pd
        self.inBytes = inBytes
        self.outBytes = outBytes
        self.inPackets = inPackets
        self.outPackets = outPackets
        self.samples = samples
        self.minRate = minRate
        self.maxRate = maxRate
    }
}

/// More than one DHCP server answering in one VLAN: all but one may be rogue.
public struct DHCPServerConflict: Sendable, Hashable, Codable {
    /// The VLAN (0: untagged).
    public var vlan: Int
    /// The distinct servers, ordered by address text.
    public var servers: [String]

    public init(vlan: Int, servers: [String]) {
        self.vlan = vlan
        self.servers = servers
    }

    /// VLANs where sampling saw more than one DHCP server, ordered by VLAN.
    public static func find(in sightings: [DHCPServerSighting]) -> [DHCPServerConflict] {
        Dictionary(grouping: sightings, by: { $0.vlan ?? 0 })
            .compactMap { vlan, list in
                let servers = Set(list.map(\.server.description)).sorted()
                return servers.count > 1 ? DHCPServerConflict(vlan: vlan, servers: servers) : nil
            }
            .sorted { $0.vlan < $1.vlan }
    }
}

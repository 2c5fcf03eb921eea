/// Link-layer header types Pantau decodes (libpcap DLT values).
public enum LinkType: Int32, Sendable {
    case ethernet = 1
    case raw = 101       // raw IPv4/IPv6, no link header
    case linuxCooked = 113  // Linux "any" device (SLL)
}

/// Why a frame was only partly decoded (or not at all). Counted by the sampler, never fatal.
public enum DecodeIssue: String, Sendable, CaseIterable, Comparable {
    /// The captured bytes end before a header does (snap length or a cut frame).
    case truncated
    /// A header contradicts itself (bad length, version, option that runs past its end).
    case malformed
    /// A link type Pantau does not decode.
    case unsupportedLinkType = "unsupported-link-type"
    /// More VLAN tags or IPv6 extension headers than any real network uses.
    case tooDeep = "too-deep"

    public static func < (a: DecodeIssue, b: DecodeIssue) -> Bool { a.rawValue < b.rawValue }

    /// A dense index (0..<allCases.count), so a capture loop can count issues in a plain array.
    @inlinable public var index: Int {
        switch self {
        case .truncated: 0
        case .malformed: 1
        case .unsupportedLinkType: 2
        case .tooDeep: 3
        }
    }
}

/// Everything Pantau learns from one frame's headers. Payload is never kept: only
/// addresses, ports, lengths and the few control-protocol fields listed here.
public struct DecodedPacket: Sendable {
    /// Bytes on the wire (the original frame length, not the captured length).
    public var wireLength: Int = 0
    public var source: MAC48 = .zero
    public var destination: MAC48 = .zero
    /// Outer VLAN id (802.1Q or the S-tag of QinQ); nil when untagged.
    public var vlan: UInt16?
    /// Inner VLAN id of a QinQ frame.
    public var innerVLAN: UInt16?
    /// EtherType after the VLAN tags; 0 for 802.3/LLC frames.
    public var etherType: UInt16 = 0
    public var ipSource: IPAddr?
    public var ipDestination: IPAddr?
    /// IP protocol number (6 TCP, 17 UDP, 58 ICMPv6, ...) after IPv6 extension headers.
    public var ipProtocol: UInt8 = 0
    public var sourcePort: UInt16 = 0
    public var destinationPort: UInt16 = 0
    /// Control-protocol facts, when the frame carries one Pantau understands.
    public var control: ControlInfo?
    /// Set when decoding stopped early.
    public var issue: DecodeIssue?

    public init() {}

    /// The VLAN a host on this frame belongs to: the innermost tag (QinQ's C-tag).
    public var hostVLAN: UInt16? { innerVLAN ?? vlan }
}

/// Facts from control protocols: the frames that tell us who is who.
public enum ControlInfo: Sendable, Equatable {
    case arp(ARPInfo)
    // The large payloads are boxed, so a DecodedPacket stays small to return and copy
    // for the frames (nearly all) that carry no control protocol.
    indirect case dhcp(DHCPInfo)
    indirect case lldp(NeighbourInfo)
    indirect case cdp(NeighbourInfo)
    case stp(STPInfo)
    case ndp(NDPInfo)
    /// A host announcing its own name (NetBIOS name service, mDNS).
    case name(NameInfo)
}

public struct ARPInfo: Sendable, Equatable {
    public var operation: UInt16
    public var senderMAC: MAC48
    public var senderIP: IPAddr
    public var targetMAC: MAC48
    public var targetIP: IPAddr
}

/// DHCPv4 message facts (RFC 2131/2132).
public struct DHCPInfo: Sendable, Equatable {
    /// Option 53 (1 DISCOVER, 2 OFFER, 3 REQUEST, 4 DECLINE, 5 ACK, 6 NAK, 7 RELEASE, 8 INFORM).
    public var messageType: UInt8?
    /// BOOTP op: 1 request (client), 2 reply (server).
    public var op: UInt8
    /// chaddr (when htype is Ethernet).
    public var clientMAC: MAC48?
    public var clientIP: IPAddr?      // ciaddr
    public var yourIP: IPAddr?        // yiaddr (offered/assigned)
    public var requestedIP: IPAddr?   // option 50
    public var serverIdentifier: IPAddr?  // option 54
    public var hostname: String?      // option 12
    public var vendorClass: String?   // option 60

    public var isFromServer: Bool { op == 2 || messageType == 2 || messageType == 5 || messageType == 6 }
}

/// A device announcing itself by LLDP or CDP.
public struct NeighbourInfo: Sendable, Equatable {
    public var chassisID: String?
    public var portID: String?
    public var portDescription: String?
    public var systemName: String?
    public var systemDescription: String?
    /// CDP platform string.
    public var platform: String?
    /// Capability names, e.g. ["bridge", "router"] (enabled ones for LLDP).
    public var capabilities: [String] = []
    public var managementAddresses: [IPAddr] = []
    /// CDP native VLAN / LLDP port VLAN id, when sent.
    public var nativeVLAN: UInt16?
    public var ttl: UInt16?

    public init() {}
}

/// A spanning-tree BPDU (802.1D config, RSTP, or topology change notice).
public struct STPInfo: Sendable, Equatable {
    /// 0 STP, 2 RSTP, 3 MSTP.
    public var version: UInt8
    /// 0x00 config, 0x02 RST/MST, 0x80 TCN.
    public var bpduType: UInt8
    /// Root and sending bridge ids as "prio/mac" (priority includes the system id extension).
    public var rootBridge: String?
    public var bridge: String?
    public var rootPathCost: UInt32?
    public var portID: UInt16?
    /// Cisco PVST+: the VLAN the BPDU was sent for (its originating-VLAN TLV). On an untagged
    /// PVST+ BPDU that is the sending trunk's native VLAN.
    public var pvstVLAN: UInt16?
}

/// IPv6 neighbour discovery (RFC 4861).
public struct NDPInfo: Sendable, Equatable {
    /// 133 RS, 134 RA, 135 NS, 136 NA.
    public var type: UInt8
    /// Target address of NS/NA.
    public var target: IPAddr?
    /// Source/target link-layer address option.
    public var linkLayer: MAC48?
}

public struct NameInfo: Sendable, Equatable {
    /// "netbios" or "mdns".
    public var source: String
    public var name: String
    /// The address the name maps to, when the message says so.
    public var address: IPAddr?
}

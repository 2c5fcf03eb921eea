import Foundation

// What one light counter poll of a device returns: the seam between the collector daemon
// (which polls) and the traffic time series (which turns successive polls into rates). Pure
// data, exactly as the agent answered: no arithmetic here.

/// One interface's counters and identity in one poll (IF-MIB ifTable and ifXTable).
public struct InterfaceCounterSnapshot: Sendable, Hashable, Codable {
    public var ifIndex: Int
    /// ifName, ifDescr and ifAlias: an interface is followed across ifIndex renumbering by
    /// name (and MAC), not by index alone.
    public var name: String?
    public var descr: String?
    public var alias: String?
    /// ifPhysAddress, when the interface has one.
    public var mac: MACAddress?
    /// bit/s: ifHighSpeed × 10⁶ when the agent reports it and it is non-zero, else ifSpeed;
    /// nil when neither is known.
    public var speed: UInt64?
    /// ifOperStatus == up(1); nil when not reported.
    public var operUp: Bool?
    /// ifHCInOctets / ifHCOutOctets (64-bit); nil when the agent has no ifXTable counters.
    public var hcInOctets: UInt64?
    public var hcOutOctets: UInt64?
    /// ifInOctets / ifOutOctets (32-bit, wrap at 2³²).
    public var inOctets: UInt32?
    public var outOctets: UInt32?
    public var inErrors: UInt32?
    public var outErrors: UInt32?
    public var inDiscards: UInt32?
    public var outDiscards: UInt32?
    /// ifCounterDiscontinuityTime (TimeTicks, sysUpTime at the last discontinuity); a change
    /// means the counters were reset and the interval across it has no rate.
    public var counterDiscontinuityTime: UInt32?

    public init(ifIndex: Int, name: String? = nil, descr: String? = nil, alias: String? = nil, mac: MACAddress? = nil,
                speed: UInt64? = nil, operUp: Bool? = nil, hcInOctets: UInt64? = nil, hcOutOctets: UInt64? = nil,
                inOctets: UInt32? = nil, outOctets: UInt32? = nil, inErrors: UInt32? = nil, outErrors: UInt32? = nil,
                inDiscards: UInt32? = nil, outDiscards: UInt32? = nil, counterDiscontinuityTime: UInt32? = nil) {
        self.ifIndex = ifIndex; self.name = name; self.descr = descr; self.alias = alias; self.mac = mac
        self.speed = speed; self.operUp = operUp; self.hcInOctets = hcInOctets; self.hcOutOctets = hcOutOctets
        self.inOctets = inOctets; self.outOctets = outOctets; self.inErrors = inErrors; self.outErrors = outErrors
        self.inDiscards = inDiscards; self.outDiscards = outDiscards; self.counterDiscontinuityTime = counterDiscontinuityTime
    }
}

/// One counter poll of one device: every interface's counters at one moment.
public struct CounterPoll: Sendable, Hashable, Codable {
    /// The collector target's name.
    public var device: String
    /// When the answer arrived (the collector's clock).
    public var time: Date
    /// sysUpTime (TimeTicks, hundredths of a second) from the same poll; it going back
    /// between polls says the agent restarted and its counters may have been cleared.
    public var sysUpTime: UInt32?
    public var interfaces: [InterfaceCounterSnapshot]

    public init(device: String, time: Date, sysUpTime: UInt32? = nil, interfaces: [InterfaceCounterSnapshot]) {
        self.device = device; self.time = time; self.sysUpTime = sysUpTime; self.interfaces = interfaces
    }
}

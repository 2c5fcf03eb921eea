import Foundation

/// Everything one poll learned about one device: the public, documented shape of a device
/// inventory (`pantau poll --json`, `pantau inventory show --json`).
///
/// Field names follow the MIB objects they come from where one exists (`sysName`, `ifAlias`),
/// so a NOC engineer can trace every value back to an OID. Absent facts are omitted, never
/// invented: a device with no LLDP has an empty `neighbors` list, a device whose model is
/// unknown has no `model` key.
public struct DeviceInventory: Codable, Sendable, Equatable {
    /// The agent polled, `udp:HOST:PORT`.
    public var agent: String
    /// When the poll finished.
    public var polledAt: Date

    // MARK: Identity (SNMPv2-MIB system group)
    public var sysName: String?
    public var sysDescr: String?
    /// Dotted decimal, no leading dot.
    public var sysObjectID: String?
    public var sysContact: String?
    public var sysLocation: String?
    /// sysUpTime in hundredths of a second (TimeTicks).
    public var sysUpTime: UInt32?

    // MARK: Classification (from the matching probe family)
    /// The maker: named by the matching family, or, when no family matched (`generic`), the
    /// organisation the sysObjectID's IANA enterprise number is assigned to.
    public var vendor: String?
    public var family: String?
    public var model: String?
    public var serial: String?
    public var version: String?

    // MARK: Sections
    public var components: [Component]
    public var interfaces: [Interface]
    public var ipAddresses: [IPAddressEntry]
    public var neighbors: [Neighbor]
    public var forwarding: [ForwardingEntry]
    public var arp: [ARPEntry]
    public var resources: HostResources?
    public var ups: UPSStatus?
    public var printer: PrinterStatus?

    /// Parts of the poll that failed while the rest succeeded (a table that timed out, an
    /// agent that looped). A device with warnings is still inventoried.
    public var warnings: [String]

    public init(agent: String, polledAt: Date = Date()) {
        self.agent = agent
        self.polledAt = polledAt
        components = []
        interfaces = []
        ipAddresses = []
        neighbors = []
        forwarding = []
        arp = []
        warnings = []
    }

    enum CodingKeys: String, CodingKey {
        case agent, polledAt, sysName, sysDescr, sysObjectID, sysContact, sysLocation, sysUpTime
        case vendor, family, model, serial, version
        case components, interfaces, ipAddresses, neighbors, forwarding, arp, resources, ups, printer, warnings
    }

    /// Where `vendor` came from: `family` (the probe family names it), `enterprise-number`
    /// (IANA's registry, for a device no family matched or matched only by its agent
    /// software) or `ups-mib` (such a device whose sysObjectID names no maker but which
    /// reports itself as a UPS made by `ups.manufacturer`). Derived, never stored.
    public var vendorSource: String? {
        guard let vendor, let family else { return nil }
        guard Self.agentFamilies.contains(family) else { return "family" }
        return vendor == ups?.manufacturer?.trimmingCharacters(in: .whitespacesAndNewlines) ? "ups-mib" : "enterprise-number"
    }

    /// Probe families that recognise the agent software or the operating system, not the
    /// maker: `generic` and the Net-SNMP families. They name no vendor; a device they match
    /// gets the organisation its sysObjectID's enterprise number is assigned to (a Check
    /// Point or Ubiquiti appliance running Net-SNMP with its maker's sysObjectID), and none
    /// when the sysObjectID is Net-SNMP's own.
    public static let agentFamilies: Set<String> = ["generic", "net-snmp-linux", "net-snmp-unix"]

    /// Derived keys: written to JSON, ignored when read back.
    enum DerivedKeys: String, CodingKey { case vendorSource }

    /// Identity and classification keys are always present (`null` when unknown), so
    /// consumers of the public JSON never have to guess whether a key was dropped.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(agent, forKey: .agent)
        try c.encode(polledAt, forKey: .polledAt)
        try c.encode(sysName, forKey: .sysName)
        try c.encode(sysDescr, forKey: .sysDescr)
        try c.encode(sysObjectID, forKey: .sysObjectID)
        try c.encode(sysContact, forKey: .sysContact)
        try c.encode(sysLocation, forKey: .sysLocation)
        try c.encode(sysUpTime, forKey: .sysUpTime)
        try c.encode(vendor, forKey: .vendor)
        var d = encoder.container(keyedBy: DerivedKeys.self)
        try d.encode(vendorSource, forKey: .vendorSource)
        try c.encode(family, forKey: .family)
        try c.encode(model, forKey: .model)
        try c.encode(serial, forKey: .serial)
        try c.encode(version, forKey: .version)
        try c.encode(components, forKey: .components)
        try c.encode(interfaces, forKey: .interfaces)
        try c.encode(ipAddresses, forKey: .ipAddresses)
        try c.encode(neighbors, forKey: .neighbors)
        try c.encode(forwarding, forKey: .forwarding)
        try c.encode(arp, forKey: .arp)
        try c.encodeIfPresent(resources, forKey: .resources)
        try c.encodeIfPresent(ups, forKey: .ups)
        try c.encodeIfPresent(printer, forKey: .printer)
        try c.encode(warnings, forKey: .warnings)
    }

    /// A stable identity for history across polls: the chassis serial when known, else
    /// the agent address. (Reconciliation refines identity with MACs later.)
    public var identityKey: String {
        if let serial, !serial.isEmpty { return "serial:\(serial)" }
        return "agent:\(agent)"
    }
}

/// One row of ENTITY-MIB entPhysicalTable: a chassis, module, port, PSU, fan, sensor….
public struct Component: Codable, Sendable, Equatable {
    public var index: Int
    /// entPhysicalClass as a word: chassis, module, port, powerSupply, fan, sensor, ….
    public var physicalClass: String?
    public var descr: String?
    public var name: String?
    public var containedIn: Int?
    public var hardwareRev: String?
    public var firmwareRev: String?
    public var softwareRev: String?
    public var serial: String?
    public var manufacturer: String?
    public var model: String?
    public var isFRU: Bool?

    public init(index: Int) { self.index = index }
}

/// One interface (IF-MIB ifTable joined with ifXTable).
public struct Interface: Codable, Sendable, Equatable {
    public var ifIndex: Int
    public var ifName: String?
    public var ifDescr: String?
    public var ifAlias: String?
    /// IANAifType name, e.g. `ethernetCsmacd`, `ieee8023adLag`, `softwareLoopback`.
    public var ifType: String?
    /// Speed in bit/s: ifHighSpeed × 10^6 when the agent has ifXTable, else ifSpeed.
    public var speed: UInt64?
    /// Lower-case colon-separated hex, e.g. `00:1b:21:3a:4f:10`.
    public var mac: String?
    /// `up`, `down` or `testing`.
    public var adminStatus: String?
    /// `up`, `down`, `testing`, `unknown`, `dormant`, `notPresent`, `lowerLayerDown`.
    public var operStatus: String?
    public var mtu: Int?
    /// sysUpTime (TimeTicks) when the interface last changed state.
    public var lastChange: UInt32?

    public init(ifIndex: Int) { self.ifIndex = ifIndex }

    /// What a NOC calls the interface: ifName, else ifDescr (agents without ifXTable leave
    /// ifName empty). Derived, never stored: `ifName` and `ifDescr` stay as the agent gave them.
    public var name: String? { ifName ?? ifDescr }
    /// Which observed field `name` was taken from (`ifName` or `ifDescr`).
    public var nameFrom: String? { ifName != nil ? "ifName" : ifDescr != nil ? "ifDescr" : nil }

    enum CodingKeys: String, CodingKey {
        case ifIndex, ifName, ifDescr, ifAlias, ifType, speed, mac, adminStatus, operStatus, mtu, lastChange
    }

    /// Derived keys: written to JSON beside the observed ones, ignored when read back.
    enum DerivedKeys: String, CodingKey { case name, nameFrom }

    /// The documented interface keys are always present (`null` when the agent has no value).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ifIndex, forKey: .ifIndex)
        try c.encode(ifName, forKey: .ifName)
        try c.encode(ifDescr, forKey: .ifDescr)
        try c.encode(ifAlias, forKey: .ifAlias)
        try c.encode(ifType, forKey: .ifType)
        try c.encode(speed, forKey: .speed)
        try c.encode(mac, forKey: .mac)
        try c.encode(adminStatus, forKey: .adminStatus)
        try c.encode(operStatus, forKey: .operStatus)
        try c.encodeIfPresent(mtu, forKey: .mtu)
        try c.encodeIfPresent(lastChange, forKey: .lastChange)
        var d = encoder.container(keyedBy: DerivedKeys.self)
        try d.encode(name, forKey: .name)
        try d.encode(nameFrom, forKey: .nameFrom)
    }
}

/// An address configured on the device (IP-MIB ipAddrTable / ipAddressTable).
public struct IPAddressEntry: Codable, Sendable, Equatable, Hashable {
    public var address: String
    public var prefixLength: Int?
    public var ifIndex: Int?

    public init(address: String, prefixLength: Int? = nil, ifIndex: Int? = nil) {
        self.address = address
        self.prefixLength = prefixLength
        self.ifIndex = ifIndex
    }
}

/// A neighbour announced by LLDP or CDP and cached by this device.
public struct Neighbor: Codable, Sendable, Equatable {
    public enum DiscoveryProtocol: String, Codable, Sendable { case lldp, cdp }

    public var `protocol`: DiscoveryProtocol
    /// Local interface the neighbour was heard on (ifIndex), when it can be mapped.
    public var localIfIndex: Int?
    /// Local port as the device names it (lldpLocPortId/ifName).
    public var localPort: String?
    /// Remote chassis id: a MAC (lower-case, colon-separated) when the subtype says so.
    public var remoteChassisId: String?
    /// LLDP chassis-id subtype name (macAddress, networkAddress, interfaceName, local, …).
    public var remoteChassisIdSubtype: String?
    public var remotePort: String?
    public var remotePortSubtype: String?
    public var remotePortDescr: String?
    public var remoteSysName: String?
    public var remoteSysDescr: String?
    /// CDP platform string, e.g. `cisco WS-C3560-24PS`.
    public var remotePlatform: String?
    public var remoteMgmtAddress: String?
    /// Capabilities the neighbour advertises as enabled: bridge, router, wlanAccessPoint, ….
    public var remoteCapabilities: [String]?

    public init(protocol: DiscoveryProtocol) { self.protocol = `protocol` }
}

/// A MAC learned by a bridge (BRIDGE-MIB dot1dTpFdbTable / Q-BRIDGE-MIB dot1qTpFdbTable).
public struct ForwardingEntry: Codable, Sendable, Equatable, Hashable {
    public var mac: String
    public var vlan: Int?
    public var ifIndex: Int?
    /// The bridge port number the agent reported (before mapping to ifIndex).
    public var bridgePort: Int?
    /// `learned`, `self`, `mgmt`, `other`, `invalid`.
    public var status: String?

    public init(mac: String, vlan: Int? = nil, ifIndex: Int? = nil, bridgePort: Int? = nil, status: String? = nil) {
        self.mac = mac
        self.vlan = vlan
        self.ifIndex = ifIndex
        self.bridgePort = bridgePort
        self.status = status
    }
}

/// An IP-to-MAC binding from the device's ARP/neighbour cache.
public struct ARPEntry: Codable, Sendable, Equatable, Hashable {
    public var ip: String
    public var mac: String
    public var ifIndex: Int?
    /// `dynamic`, `static`, `local`, `other`, `invalid`.
    public var type: String?

    public init(ip: String, mac: String, ifIndex: Int? = nil, type: String? = nil) {
        self.ip = ip
        self.mac = mac
        self.ifIndex = ifIndex
        self.type = type
    }
}

/// HOST-RESOURCES-MIB facts.
public struct HostResources: Codable, Sendable, Equatable {
    /// Number of hrProcessorTable rows.
    public var cpuCount: Int?
    /// hrProcessorLoad per processor, percent.
    public var cpuLoads: [Int]
    /// hrMemorySize in bytes.
    public var memoryBytes: UInt64?
    public var storage: [Storage]

    public init() {
        cpuLoads = []
        storage = []
    }

    public struct Storage: Codable, Sendable, Equatable {
        public var index: Int
        /// hrStorageType as a word: ram, virtualMemory, fixedDisk, removableDisk, flashMemory, …
        public var type: String?
        public var descr: String?
        public var sizeBytes: UInt64?
        public var usedBytes: UInt64?

        public init(index: Int) { self.index = index }
    }
}

/// UPS-MIB (RFC 1628) facts.
public struct UPSStatus: Codable, Sendable, Equatable {
    public var manufacturer: String?
    public var model: String?
    public var upsSoftwareVersion: String?
    public var agentSoftwareVersion: String?
    /// `unknown`, `batteryNormal`, `batteryLow`, `batteryDepleted`.
    public var batteryStatus: String?
    public var secondsOnBattery: Int?
    public var estimatedMinutesRemaining: Int?
    public var estimatedChargePercent: Int?
    public var batteryVoltage: Double?
    public var batteryTemperatureCelsius: Int?
    /// `other`, `none`, `normal`, `bypass`, `battery`, `booster`, `reducer`.
    public var outputSource: String?
    public var inputLines: [Line]
    public var outputLines: [Line]
    /// Nominal output power rating in VA (upsConfigOutputVA).
    public var ratedVA: Int?
    public var ratedWatts: Int?

    public init() {
        inputLines = []
        outputLines = []
    }

    public struct Line: Codable, Sendable, Equatable {
        public var index: Int
        public var voltage: Int?
        public var frequencyHz: Double?
        public var current: Double?
        public var power: Int?
        public var loadPercent: Int?

        public init(index: Int) { self.index = index }
    }
}

/// Printer-MIB (RFC 3805) facts.
public struct PrinterStatus: Codable, Sendable, Equatable {
    /// hrPrinterStatus: other, unknown, idle, printing, warmup.
    public var status: String?
    /// hrDeviceDescr of the printer's own device entry: maker and model as the printer names
    /// itself ("Canon LBP6670").
    public var descr: String?
    /// prtMarkerLifeCount: pages (or other units) printed over the printer's life.
    public var lifetimeCount: UInt64?
    public var supplies: [Supply]

    public init() { supplies = [] }

    public struct Supply: Codable, Sendable, Equatable {
        public var index: Int
        public var descr: String?
        /// prtMarkerSuppliesType as a word: toner, ink, drum, fuser, wasteToner, ….
        public var type: String?
        /// Current level; -3 means "some remaining", -2 unknown (RFC 3805).
        public var level: Int?
        public var maxCapacity: Int?
        /// Level as a percentage when both level and capacity are known.
        public var percent: Int?

        public init(index: Int) { self.index = index }
    }
}

import Foundation
import InventoryModel

/// What Pantau observed on one PD's LAN, the input of `DiagramDraft.make`. Filled from
/// the inventory store (SNMP, LLDP/CDP, ARP/FDB) or, today, from a JSON file
/// (`pantau diagram draft --from-json`); the JSON form is this type's Codable encoding.
public struct ObservedLAN: Sendable, Hashable, Codable {
    public struct Device: Sendable, Hashable, Codable {
        /// Stable id, e.g. sysName or the management IP.
        public var id: String
        public var name: String?
        /// Guess of the device's role from sysObjectID/sysServices/ENTITY-MIB.
        public var role: Diagram.Role?
        public var vendor: String?
        public var model: String?
        public var serial: String?
        /// The software version the device reports.
        public var firmware: String?
        public var managementIP: IPAddress?
        public var macs: [MACAddress]
        public var interfaces: [String]
        /// Whether it answered SNMP.
        public var snmp: Bool
        /// The PD the operator assigned the device to (a collection target's `pd:`), when any.
        /// An assignment wins over the management address.
        public var pd: String?
        public init(id: String, name: String? = nil, role: Diagram.Role? = nil, vendor: String? = nil, model: String? = nil,
                    serial: String? = nil, firmware: String? = nil, managementIP: IPAddress? = nil, macs: [MACAddress] = [],
                    interfaces: [String] = [], snmp: Bool = true, pd: String? = nil) {
            self.pd = pd
            self.id = id
            self.name = name
            self.role = role
            self.vendor = vendor
            self.model = model
            self.serial = serial
            self.firmware = firmware
            self.managementIP = managementIP
            self.macs = macs
            self.interfaces = interfaces
            self.snmp = snmp
        }
    }
    /// A link seen by LLDP or CDP: device:port on each side.
    public struct Link: Sendable, Hashable, Codable {
        public var deviceA: String
        public var portA: String?
        public var deviceB: String
        public var portB: String?
        /// "lldp" or "cdp".
        public var protocolName: String?
        public init(deviceA: String, portA: String?, deviceB: String, portB: String?, protocolName: String? = nil) {
            self.deviceA = deviceA
            self.portA = portA
            self.deviceB = deviceB
            self.portB = portB
            self.protocolName = protocolName
        }
    }
    /// An end host seen (ARP, forwarding table, packet sampling).
    public struct Host: Sendable, Hashable, Codable {
        public var mac: MACAddress
        public var ip: IPAddress?
        public var vlan: Int?
        /// Switch and port where the MAC was learnt, when known.
        public var switchID: String?
        public var port: String?
        public init(mac: MACAddress, ip: IPAddress? = nil, vlan: Int? = nil, switchID: String? = nil, port: String? = nil) {
            self.mac = mac
            self.ip = ip
            self.vlan = vlan
            self.switchID = switchID
            self.port = port
        }
    }
    public var devices: [Device]
    public var links: [Link]
    public var hosts: [Host]
    public init(devices: [Device] = [], links: [Link] = [], hosts: [Host] = []) {
        self.devices = devices
        self.links = links
        self.hosts = hosts
    }

    /// Reads the JSON form (the Codable encoding of this type).
    public static func fromJSON(_ data: Data) throws -> ObservedLAN { try JSONDecoder().decode(ObservedLAN.self, from: data) }
}

/// Builds a draft diagram from observations, so a PD starts its yearly submission from
/// what is really there rather than from a blank page.
public enum DiagramDraft {
    /// A draft for `pd`: observed devices inside the PD's subnets (or linked to them),
    /// LLDP/CDP links, a boundary router from the registry, the PD's VLANs with their
    /// subnets, and one end-user segment per VLAN with the number of hosts seen.
    public static func make(pd: String, registry: PDRegistry, observed: ObservedLAN, asOf: LocalDate? = nil) -> Diagram {
        let record = registry[pd]
        let nets = record?.subnets ?? []
        func mine(_ d: ObservedLAN.Device) -> Bool {
            if let assigned = d.pd { return assigned == pd }
            guard let ip = d.managementIP else { return false }
            return nets.contains { $0.contains(ip) }
        }
        var keep = Set(observed.devices.filter(mine).map(\.id))
        let routerIPs = Set(record?.boundaryRouters.compactMap(\.managementIP) ?? [])
        let routerNames = Set(record?.boundaryRouters.map(\.name) ?? [])
        for d in observed.devices where routerNames.contains(d.id) || routerNames.contains(d.name ?? "") || d.managementIP.map(routerIPs.contains) == true {
            keep.insert(d.id)
        }
        let devices = observed.devices.filter { keep.contains($0.id) }.sorted { $0.id < $1.id }
        var idMap: [String: String] = [:]
        var used = Set<String>()
        for d in devices {
            var base = String((d.name ?? d.id).map { $0 == ":" || $0.isWhitespace ? "-" : $0 })
            if base.isEmpty { base = "device" }
            var id = base, n = 2
            while used.contains(id) { id = "\(base)-\(n)"; n += 1 }
            used.insert(id)
            idMap[d.id] = id
        }
        var diagram = Diagram(pd: pd, site: record?.sites.count == 1 ? record?.sites.first?.id : nil, asOf: asOf?.description)
        for d in devices {
            let id = idMap[d.id] ?? d.id
            var role = d.role ?? .other
            if routerNames.contains(d.id) || routerNames.contains(d.name ?? "") || d.managementIP.map(routerIPs.contains) == true {
                if role != .firewall { role = .router }
                if diagram.boundary == nil { diagram.boundary = Diagram.Boundary(router: id, upstream: "Jaringan Intra") }
            }
            diagram.devices.append(Diagram.Device(id: id, role: role, vendor: d.vendor, model: d.model, serial: d.serial, firmware: d.firmware,
                                                  managementIP: d.managementIP?.description, macs: d.macs.map(\.description),
                                                  snmp: d.snmp))
        }
        if let bw = record?.bandwidth, diagram.boundary != nil { diagram.boundary?.bandwidthMbps = bw.approvedMbps }
        var seen = Set<String>()
        var portUsed = Set<Diagram.Endpoint>()
        for l in observed.links {
            guard let a = idMap[l.deviceA], let b = idMap[l.deviceB], a != b else { continue }
            let link = Diagram.Link(a: .init(device: a, port: l.portA), b: .init(device: b, port: l.portB))
            // LLDP is seen from both ends; keep each cable once, and never reuse a port.
            guard seen.insert(link.key).inserted else { continue }
            if portUsed.contains(link.a) || portUsed.contains(link.b) { continue }
            if link.a.port != nil { portUsed.insert(link.a) }
            if link.b.port != nil { portUsed.insert(link.b) }
            diagram.links.append(link)
        }
        diagram.links.sort { $0.key < $1.key }
        let hosts = observed.hosts.filter { h in h.ip.map { ip in nets.contains { $0.contains(ip) } } ?? (h.vlan.map { record?.vlans.contains($0) ?? false } ?? false) }
        for vid in (record?.vlans ?? []).sorted() {
            let vhosts = hosts.filter { $0.vlan == vid }
            let subnet = nets.first { net in vhosts.contains { $0.ip.map(net.contains) ?? false } }
            diagram.vlans.append(Diagram.VLAN(id: vid, subnet: subnet?.description))
            if !vhosts.isEmpty {
                let sw = Dictionary(grouping: vhosts.compactMap { h in h.switchID.flatMap { idMap[$0] } }, by: { $0 })
                    .max { a, b in a.value.count < b.value.count || (a.value.count == b.value.count && a.key > b.key) }?.key
                diagram.segments.append(Diagram.Segment(name: "vlan-\(vid)-hosts", vlan: vid, kind: "end_users",
                                                        approxHosts: Set(vhosts.map(\.mac)).count, accessSwitch: sw))
            }
        }
        return diagram
    }
}

import Foundation
import InventoryModel
import SNMPCore

extension ObservedLAN {
    /// What Pantau observed on a PD's LAN, from the SNMP inventory (the latest inventory of every device), for
    /// `diagram draft`: the devices collected for the PD (the target's `pd:` in the
    /// configuration, or a management address inside the PD's registry subnets), the LLDP/CDP
    /// links between them and to their neighbours, and the hosts their ARP and forwarding
    /// tables know, with VLAN and switch port.
    public static func build(pd: String, registry: PDRegistry?, inventories: [(name: String, pd: String?, inventory: DeviceInventory)]) -> ObservedLAN {
        let nets = registry?[pd]?.subnets ?? []
        func inPD(_ ip: IPAddress?) -> Bool { ip.map { a in nets.contains { $0.contains(a) } } ?? false }
        var devices: [ObservedLAN.Device] = []
        var links: [ObservedLAN.Link] = []
        var hosts: [MACAddress: ObservedLAN.Host] = [:]
        for (name, devicePD, inv) in inventories {
            let host = SNMPTarget(parsing: inv.agent)?.host
            let mgmt = host.flatMap { IPAddress($0) }
            let addresses = inv.ipAddresses.compactMap { IPAddress($0.address) }
            guard devicePD == pd || devicePD == nil && (inPD(mgmt) || addresses.contains(where: inPD)) else { continue }
            let id = inv.sysName.flatMap { $0.isEmpty || $0 == "<private>" ? nil : $0 } ?? name
            let byIndex = Dictionary(inv.interfaces.map { ($0.ifIndex, $0.ifName ?? $0.ifDescr ?? String($0.ifIndex)) }) { a, _ in a }
            devices.append(ObservedLAN.Device(
                id: id, name: name, role: Self.role(of: inv), vendor: inv.vendor, model: inv.model, serial: inv.serial, firmware: inv.version,
                managementIP: addresses.first(where: inPD) ?? mgmt,
                macs: Array(Set(inv.interfaces.compactMap { $0.mac.flatMap { MACAddress($0) } }.filter { !$0.isZero })).sorted(),
                interfaces: inv.interfaces.map { $0.ifName ?? $0.ifDescr ?? String($0.ifIndex) }, snmp: true, pd: devicePD))
            for n in inv.neighbors {
                guard let remote = n.remoteSysName ?? n.remoteChassisId, !remote.isEmpty else { continue }
                links.append(ObservedLAN.Link(deviceA: id, portA: n.localPort ?? n.localIfIndex.flatMap { byIndex[$0] },
                                              deviceB: remote, portB: n.remotePort, protocolName: n.protocol.rawValue))
            }
            let ipOf = Dictionary(inv.arp.compactMap { e in MACAddress(e.mac).map { ($0, IPAddress(e.ip)) } }) { a, _ in a }
            for f in inv.forwarding where f.status != "self" && f.status != "mgmt" {
                guard let mac = MACAddress(f.mac), !mac.isMulticast else { continue }
                hosts[mac] = ObservedLAN.Host(mac: mac, ip: ipOf[mac] ?? nil, vlan: f.vlan, switchID: id,
                                              port: f.ifIndex.flatMap { byIndex[$0] })
            }
            for e in inv.arp {
                guard let mac = MACAddress(e.mac), !mac.isMulticast, hosts[mac] == nil, let ip = IPAddress(e.ip), inPD(ip) || nets.isEmpty
                else { continue }
                hosts[mac] = ObservedLAN.Host(mac: mac, ip: ip)
            }
        }
        let known = Set(devices.flatMap { d in d.macs })
        return ObservedLAN(devices: devices.sorted { $0.id < $1.id },
                           links: links.sorted { ($0.deviceA, $0.portA ?? "", $0.deviceB) < ($1.deviceA, $1.portA ?? "", $1.deviceB) },
                           hosts: hosts.values.filter { !known.contains($0.mac) }.sorted { $0.mac < $1.mac })
    }

    /// A diagram role guessed from what the device says about itself.
    static func role(of inv: DeviceInventory) -> Diagram.Role {
        if inv.ups != nil { return .ups }
        if inv.printer != nil { return .printer }
        let text = [inv.family, inv.vendor, inv.model, inv.sysDescr].compactMap { $0?.lowercased() }.joined(separator: " ")
        if text.contains("fortigate") || text.contains("firewall") || text.contains("srx") { return .firewall }
        if text.contains("router") || text.contains("routeros") && !text.contains("crs") { return .router }
        if text.contains("linux") || text.contains("windows") || inv.resources != nil && inv.forwarding.isEmpty { return .server }
        if !inv.forwarding.isEmpty || text.contains("switch") { return .switch_ }
        return .other
    }
}

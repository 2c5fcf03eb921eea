import Foundation
import InventoryModel

extension Diagram {
    /// Checks every rule at once and returns all problems (empty when valid):
    /// unknown devices in links, duplicate ids, bad MAC/IP/CIDR, a port used twice, a
    /// subnet outside the PD's registered subnets, a missing boundary router, a diagram
    /// for another PD, and more (config/diagrams/README.md lists them).
    ///
    /// - Parameters:
    ///   - registry: when given, the PD must exist and subnets must lie inside its subnets.
    ///   - expectedPD: when given (submission for a PD), the diagram's `pd` must equal it.
    public func validate(file: String, registry: PDRegistry?, expectedPD: String? = nil) -> [DiagramIssue] {
        var issues: [DiagramIssue] = []
        func add(_ src: SourceRef, _ path: String, _ code: DiagramIssueCode, _ params: [String: String], _ message: String) {
            issues.append(DiagramIssue(file: file, source: src, path: path, code: code, params: params, message: message))
        }
        // A drawing made with stock shapes is accepted with what it lacks (R16: the duty is
        // recorded); the rules about what was read from its shapes warn instead of refusing.
        let stock = isDrawnWithStockShapes
        let stockIDs = Set(devices.filter { $0.shape != nil }.map(\.id))
        func lenient(_ src: SourceRef, _ path: String, _ code: DiagramIssueCode, _ params: [String: String], _ message: String,
                     stockElement: Bool = true) {
            issues.append(DiagramIssue(file: file, source: src, path: path, code: code, params: params, message: message,
                                       severity: stock && stockElement ? .warning : .error))
        }
        let record = registry?[pd]
        if let expectedPD, expectedPD != pd {
            add(source, "pd", .pdOther, ["pd": pd, "expected": expectedPD], "this diagram is for PD \"\(pd)\", not \"\(expectedPD)\"")
        }
        if let registry, record == nil {
            add(source, "pd", .pdUnregistered, ["pd": pd, "registered": DiagramIssueCode.list(registry.pds.map(\.code), max: 12)],
                "PD \"\(pd)\" is not in the registry (\(registry.pds.map(\.code).joined(separator: ", ")))")
        }
        if let record, !record.sites.isEmpty {
            if let site {
                if !record.sites.contains(where: { $0.id == site }) {
                    add(source, "site", .siteUnknown, ["pd": pd, "site": site, "registered": record.sites.map(\.id).joined(separator: ", ")],
                        "PD \(pd) has no site \"\(site)\" (registered: \(record.sites.map(\.id).joined(separator: ", ")))")
                }
            } else if record.sites.count > 1 {
                lenient(source, "site", .siteMissing, ["pd": pd, "count": String(record.sites.count)], "PD \(pd) has \(record.sites.count) sites; say which one this diagram shows")
            }
        }
        let pdNets = record?.subnets ?? []
        func outside(_ net: IPNetwork) -> Bool { record != nil && !pdNets.contains { $0.contains(net) } }
        func outside(_ ip: IPAddress) -> Bool { record != nil && !pdNets.contains { $0.contains(ip) } }

        // Devices.
        var byID: [String: Device] = [:]
        for (i, dev) in devices.enumerated() {
            let path = "devices[\(i)]"
            let name = dev.name ?? dev.id
            if dev.id.isEmpty || dev.id.contains(":") || dev.id.contains(where: \.isWhitespace) {
                add(dev.source, "\(path).id", .deviceIDInvalid, ["device": dev.id], "device id \"\(dev.id)\" must be non-empty with no spaces or \":\"")
            }
            if byID[dev.id] != nil {
                lenient(dev.source, "\(path).id", .deviceIDDuplicate, ["device": dev.id], "duplicate device id \"\(dev.id)\"", stockElement: dev.shape != nil)
            } else {
                byID[dev.id] = dev
            }
            if let ipText = dev.managementIP {
                if let ip = IPAddress(ipText) {
                    if outside(ip) && dev.id != boundary?.router {
                        lenient(dev.source, "\(path).management_ip", .managementIPOutside,
                                ["device": name, "address": ip.description, "pd": pd, "subnets": pdNets.map(\.description).joined(separator: ", ")],
                                "\(ip) is outside PD \(pd)'s registered subnets (\(pdNets.map(\.description).joined(separator: ", ")))",
                                stockElement: dev.shape != nil)
                    }
                } else {
                    add(dev.source, "\(path).management_ip", .managementIPInvalid, ["device": name, "value": ipText], "\"\(ipText)\" is not an IP address")
                }
            }
            for mac in dev.macs where MACAddress(mac) == nil {
                add(dev.source, "\(path).macs", .macInvalid, ["device": name, "value": mac], "\"\(mac)\" is not a MAC address")
            }
            if let acquired = dev.asset?.acquired, LocalDate(acquired) == nil {
                add(dev.source, "\(path).asset.acquired", .acquiredNotDate, ["device": name, "value": acquired], "\"\(acquired)\" is not a date YYYY-MM-DD")
            }
        }
        var macsSeen: [String: String] = [:]
        for dev in devices {
            for text in dev.macs {
                guard let mac = MACAddress(text) else { continue }
                if let other = macsSeen[mac.description], other != dev.id {
                    add(dev.source, "devices[\(dev.id)].macs", .macDuplicate, ["device": dev.name ?? dev.id, "mac": mac.description, "other": other], "MAC \(mac) is also given for device \"\(other)\"")
                }
                macsSeen[mac.description] = dev.id
            }
        }

        // Boundary.
        if let b = boundary {
            if let dev = byID[b.router] {
                if dev.role != .router && dev.role != .firewall {
                    add(b.source, "boundary.router", .boundaryNotRouter, ["device": dev.name ?? dev.id, "role": dev.role.rawValue], "boundary device \"\(b.router)\" is a \(dev.role.rawValue); it must be a router or firewall")
                }
            } else {
                add(b.source, "boundary.router", .boundaryUnknownDevice, ["device": b.router], "boundary router \"\(b.router)\" is not among the devices")
            }
            if let a = b.wanAddress, IPNetwork(a, strict: false) == nil {
                add(b.source, "boundary.wan_address", .wanAddressInvalid, ["value": a], "\"\(a)\" is not an address with prefix such as 10.255.0.2/30")
            }
        } else if stock {
            lenient(source, "boundary", .boundaryMissingInDrawing, [:], "boundary router missing, so reconciliation will not check where the WAN meets this LAN: give the router shape data boundary = yes")
        } else {
            add(source, "boundary", .boundaryMissing, [:], "boundary router missing: name the router where the WAN meets this LAN (boundary.router)")
        }

        // Links.
        var portUse: [Endpoint: Int] = [:]
        var linkKeys: [String: Int] = [:]
        for (i, link) in links.enumerated() {
            let path = "links[\(i)]"
            let drawn = stockIDs.contains(link.a.device) || stockIDs.contains(link.b.device)
            func add(_ src: SourceRef, _ path: String, _ code: DiagramIssueCode, _ params: [String: String], _ message: String) {
                lenient(src, path, code, params, message, stockElement: drawn)
            }
            let linkText = "\(link.a) – \(link.b)"
            for (end, name) in [(link.a, "a"), (link.b, "b")] {
                if byID[end.device] == nil {
                    add(link.source, "\(path).\(name)", .linkUnknownDevice, ["device": end.device, "link": linkText], "unknown device \"\(end.device)\" in link \(link.a) - \(link.b)")
                }
                if end.port != nil {
                    if let first = portUse[end] {
                        add(link.source, "\(path).\(name)", .portUsedTwice, ["port": end.description, "link": linkText], "port \(end) is already used by links[\(first)]")
                    } else {
                        portUse[end] = i
                    }
                }
            }
            if link.a.device == link.b.device && link.a.port == link.b.port {
                add(link.source, path, .linkToItself, ["link": linkText], "link connects \(link.a) to itself")
            }
            if let first = linkKeys[link.key] {
                add(link.source, path, .linkDuplicate, ["link": linkText], "duplicate of links[\(first)]")
            } else {
                linkKeys[link.key] = i
            }
            if let s = link.speedMbps, s <= 0 { add(link.source, "\(path).speed_mbps", .speedNotPositive, ["link": linkText], "speed must be positive") }
        }

        // VLANs.
        var vlanIDs = Set<Int>()
        for (i, v) in vlans.enumerated() {
            let path = "vlans[\(i)]"
            if !(1...4094).contains(v.id) { add(v.source, "\(path).id", .vlanOutOfRange, ["vlan": String(v.id)], "VLAN \(v.id) is outside 1-4094") }
            if !vlanIDs.insert(v.id).inserted { add(v.source, "\(path).id", .vlanDuplicate, ["vlan": String(v.id)], "duplicate VLAN \(v.id)") }
            var net: IPNetwork?
            if let s = v.subnet {
                net = IPNetwork(s)
                if let net {
                    if outside(net) {
                        add(v.source, "\(path).subnet", .subnetOutside,
                            ["vlan": String(v.id), "subnet": net.description, "pd": pd, "subnets": pdNets.map(\.description).joined(separator: ", ")],
                            "subnet \(net) is outside PD \(pd)'s registered subnets (\(pdNets.map(\.description).joined(separator: ", ")))")
                    }
                } else {
                    add(v.source, "\(path).subnet", .subnetInvalid, ["vlan": String(v.id), "value": s], "\"\(s)\" is not a CIDR network such as 10.20.20.0/24 (host bits zero)")
                }
            }
            if let g = v.gateway {
                if let ip = IPAddress(g) {
                    if let net, !net.contains(ip) { add(v.source, "\(path).gateway", .gatewayOutside, ["vlan": String(v.id), "gateway": ip.description, "subnet": net.description], "gateway \(ip) is outside \(net)") }
                } else {
                    add(v.source, "\(path).gateway", .gatewayInvalid, ["vlan": String(v.id), "value": g], "\"\(g)\" is not an IP address")
                }
            }
        }

        // Segments.
        for (i, s) in segments.enumerated() {
            let path = "segments[\(i)]"
            if let v = s.vlan, !vlanIDs.contains(v) { add(s.source, "\(path).vlan", .segmentVLANUndeclared, ["segment": s.name, "vlan": String(v)], "VLAN \(v) is not declared under vlans") }
            if let h = s.approxHosts, h < 0 { add(s.source, "\(path).approx_hosts", .segmentHostsNegative, ["segment": s.name], "must not be negative") }
            if let sw = s.accessSwitch {
                if let dev = byID[sw] {
                    if dev.role != .switch_ && dev.role != .accessPoint && dev.role != .router {
                        add(s.source, "\(path).access_switch", .segmentSwitchNotSwitch, ["segment": s.name, "device": sw, "role": dev.role.rawValue],
                            "\"\(sw)\" is a \(dev.role.rawValue), not a switch")
                    }
                } else {
                    add(s.source, "\(path).access_switch", .segmentSwitchUnknown, ["segment": s.name, "device": sw], "unknown device \"\(sw)\"")
                }
            }
            if let p = s.accessPorts {
                if let ports = Diagram.expandPorts(p) {
                    if let sw = s.accessSwitch {
                        for port in ports where portUse[Endpoint(device: sw, port: port)] != nil {
                            add(s.source, "\(path).access_ports", .accessPortLinked, ["segment": s.name, "port": "\(sw):\(port)"], "port \(sw):\(port) is both an access port and used by a link")
                        }
                    }
                } else {
                    add(s.source, "\(path).access_ports", .accessPortsInvalid, ["segment": s.name, "value": p], "\"\(p)\" is not a port list such as 1-24 or 1-8,10")
                }
            }
        }
        return issues
    }

    /// Expands "1-24" or "1-8,10" into port names; nil when malformed or absurdly large.
    public static func expandPorts(_ text: String) -> [String]? {
        var out: [String] = []
        for part in text.split(separator: ",") {
            let t = part.trimmingCharacters(in: .whitespaces)
            let bounds = t.split(separator: "-", omittingEmptySubsequences: false)
            if bounds.count == 1, let n = Int(bounds[0]), n >= 0 {
                out.append(String(n))
            } else if bounds.count == 2, let lo = Int(bounds[0]), let hi = Int(bounds[1]), lo >= 0, lo <= hi, hi - lo < 1024 {
                out += (lo...hi).map(String.init)
            } else {
                return nil
            }
        }
        return out.isEmpty ? nil : out
    }
}

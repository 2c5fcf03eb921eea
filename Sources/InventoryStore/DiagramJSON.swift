import Foundation
import Governance

/// Reads a stored diagram's JSON (a submission's `diagram_json`) straight from its bytes, as
/// `FindingJSON` does for findings: reconciliation reads every PD's latest diagram on every
/// run (a regency's 5,000 declared devices). Anything unexpected gives nil, and the caller
/// decodes with JSONDecoder as before: the same diagram either way.
enum DiagramJSON {
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> Diagram? {
        var r = JSONBytes(bytes)
        var pd: String?, site: String?, asOf: String?, boundary: Diagram.Boundary?, devices: [Diagram.Device]?, links: [Diagram.Link]?
        var vlans: [Diagram.VLAN]?, segments: [Diagram.Segment]?, source: SourceRef?, stockDrawing: Bool?
        let ok = r.object { r, name in
            switch name {
            case "pd": pd = r.string(); return pd != nil
            case "site": return r.optional { site = $0.string(); return site != nil }
            case "asOf": return r.optional { asOf = $0.string(); return asOf != nil }
            case "boundary": return r.optional { boundary = Self.boundary(&$0); return boundary != nil }
            case "devices": devices = Self.list(&r, Self.device); return devices != nil
            case "links": links = Self.list(&r, Self.link); return links != nil
            case "vlans": vlans = Self.list(&r, Self.vlan); return vlans != nil
            case "segments": segments = Self.list(&r, Self.segment); return segments != nil
            case "source": source = Self.source(&r); return source != nil
            case "stockDrawing": return r.optional { stockDrawing = $0.bool(); return stockDrawing != nil }
            default: return r.skip()
            }
        }
        guard ok, r.atEnd, let pd, let devices, let links, let vlans, let segments, let source else { return nil }
        var d = Diagram(pd: pd, site: site, asOf: asOf, boundary: boundary, devices: devices, links: links, vlans: vlans, segments: segments, source: source)
        d.stockDrawing = stockDrawing
        return d
    }

    static func list<T>(_ r: inout JSONBytes, _ element: (inout JSONBytes) -> T?) -> [T]? {
        var out: [T] = []
        let ok = r.array { r in
            guard let e = element(&r) else { return false }
            out.append(e)
            return true
        }
        return ok ? out : nil
    }

    /// An optional string member: null or absent is nil.
    static func text(_ r: inout JSONBytes, _ into: inout String?) -> Bool { r.optional { into = $0.string(); return into != nil } }
    static func int(_ r: inout JSONBytes, _ into: inout Int?) -> Bool { r.optional { into = $0.integer(); return into != nil } }

    static func source(_ r: inout JSONBytes) -> SourceRef? {
        var s = SourceRef()
        let ok = r.object { r, name in
            switch name {
            case "line": return int(&r, &s.line)
            case "column": return int(&r, &s.column)
            case "cell": return text(&r, &s.cell)
            case "page": return text(&r, &s.page)
            default: return r.skip()
            }
        }
        return ok ? s : nil
    }

    static func boundary(_ r: inout JSONBytes) -> Diagram.Boundary? {
        var router: String?, wanPort: String?, upstream: String?, wanAddress: String?, bandwidth: Double?, source: SourceRef?
        let ok = r.object { r, name in
            switch name {
            case "router": router = r.string(); return router != nil
            case "wanPort": return text(&r, &wanPort)
            case "upstream": return text(&r, &upstream)
            case "wanAddress": return text(&r, &wanAddress)
            case "bandwidthMbps": return r.optional { bandwidth = $0.number(); return bandwidth != nil }
            case "source": source = Self.source(&r); return source != nil
            default: return r.skip()
            }
        }
        guard ok, let router, let source else { return nil }
        return Diagram.Boundary(router: router, wanPort: wanPort, upstream: upstream, wanAddress: wanAddress, bandwidthMbps: bandwidth, source: source)
    }

    static func device(_ r: inout JSONBytes) -> Diagram.Device? {
        var id: String?, role: Diagram.Role?, name: String?, vendor: String?, model: String?, serial: String?, firmware: String?
        var managementIP: String?, macs: [String]?, location: String?, snmp: Bool?, asset: Diagram.Asset?, source: SourceRef?, shape: String?
        let ok = r.object { r, key in
            switch key {
            case "id": id = r.string(); return id != nil
            case "role": role = r.string().flatMap(Diagram.Role.init(rawValue:)); return role != nil
            case "name": return text(&r, &name)
            case "vendor": return text(&r, &vendor)
            case "model": return text(&r, &model)
            case "serial": return text(&r, &serial)
            case "firmware": return text(&r, &firmware)
            case "managementIP": return text(&r, &managementIP)
            case "location": return text(&r, &location)
            case "shape": return text(&r, &shape)
            case "snmp": return r.optional { snmp = $0.bool(); return snmp != nil }
            case "macs": macs = list(&r) { $0.string() }; return macs != nil
            case "asset": return r.optional { asset = Self.asset(&$0); return asset != nil }
            case "source": source = Self.source(&r); return source != nil
            default: return r.skip()
            }
        }
        guard ok, let id, let role, let macs, let source else { return nil }
        return Diagram.Device(id: id, role: role, name: name, vendor: vendor, model: model, serial: serial, firmware: firmware, managementIP: managementIP,
                              macs: macs, location: location, snmp: snmp, asset: asset, source: source, shape: shape)
    }

    static func asset(_ r: inout JSONBytes) -> Diagram.Asset? {
        var a = Diagram.Asset()
        var source: String?
        let ok = r.object { r, name in
            switch name {
            case "acquired": return text(&r, &a.acquired)
            case "registerNumber": return text(&r, &a.registerNumber)
            case "source": return text(&r, &source)
            default: return r.skip()
            }
        }
        guard ok else { return nil }
        if let source {
            guard let s = Diagram.Asset.Source(rawValue: source) else { return nil }
            a.source = s
        }
        return a
    }

    static func endpoint(_ r: inout JSONBytes) -> Diagram.Endpoint? {
        var device: String?, port: String?
        let ok = r.object { r, name in
            switch name {
            case "device": device = r.string(); return device != nil
            case "port": return text(&r, &port)
            default: return r.skip()
            }
        }
        guard ok, let device else { return nil }
        return Diagram.Endpoint(device: device, port: port)
    }

    static func link(_ r: inout JSONBytes) -> Diagram.Link? {
        var a: Diagram.Endpoint?, b: Diagram.Endpoint?, media: String?, speed: Int?, source: SourceRef?
        let ok = r.object { r, name in
            switch name {
            case "a": a = endpoint(&r); return a != nil
            case "b": b = endpoint(&r); return b != nil
            case "media": return text(&r, &media)
            case "speedMbps": return int(&r, &speed)
            case "source": source = Self.source(&r); return source != nil
            default: return r.skip()
            }
        }
        guard ok, let a, let b, let source else { return nil }
        var m: Diagram.Media?
        if let media {
            guard let known = Diagram.Media(rawValue: media) else { return nil }
            m = known
        }
        return Diagram.Link(a: a, b: b, media: m, speedMbps: speed, source: source)
    }

    static func vlan(_ r: inout JSONBytes) -> Diagram.VLAN? {
        var id: Int?, name: String?, subnet: String?, gateway: String?, source: SourceRef?
        let ok = r.object { r, key in
            switch key {
            case "id": id = r.integer(); return id != nil
            case "name": return text(&r, &name)
            case "subnet": return text(&r, &subnet)
            case "gateway": return text(&r, &gateway)
            case "source": source = Self.source(&r); return source != nil
            default: return r.skip()
            }
        }
        guard ok, let id, let source else { return nil }
        return Diagram.VLAN(id: id, name: name, subnet: subnet, gateway: gateway, source: source)
    }

    static func segment(_ r: inout JSONBytes) -> Diagram.Segment? {
        var name: String?, vlan: Int?, kind: String?, approxHosts: Int?, accessSwitch: String?, accessPorts: String?, source: SourceRef?
        let ok = r.object { r, key in
            switch key {
            case "name": name = r.string(); return name != nil
            case "vlan": return int(&r, &vlan)
            case "kind": return text(&r, &kind)
            case "approxHosts": return int(&r, &approxHosts)
            case "accessSwitch": return text(&r, &accessSwitch)
            case "accessPorts": return text(&r, &accessPorts)
            case "source": source = Self.source(&r); return source != nil
            default: return r.skip()
            }
        }
        guard ok, let name, let source else { return nil }
        return Diagram.Segment(name: name, vlan: vlan, kind: kind, approxHosts: approxHosts, accessSwitch: accessSwitch, accessPorts: accessPorts,
                               source: source)
    }
}

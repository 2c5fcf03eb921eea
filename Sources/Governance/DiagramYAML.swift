import Foundation
import YAMLSupport

extension Diagram {
    static let topKeys: Set<String> = ["format", "pd", "site", "as_of", "boundary", "devices", "links", "vlans", "segments"]
    static let deviceKeys: Set<String> = [
        "id", "role", "name", "vendor", "model", "serial", "firmware", "management_ip", "macs", "location", "snmp", "asset",
    ]

    /// Reads the YAML diagram format. Structural problems (syntax, unknown keys, wrong
    /// types, unknown roles) come back as issues with line and column; the diagram is nil
    /// only when nothing usable could be read. Run `validate` for the semantic rules.
    public static func parseYAML(_ text: String, file: String) -> (Diagram?, [DiagramIssue]) {
        let sink = IssueSink()
        let root: YAMLValue
        do { root = try YAMLValue.parse(text, file: file, sink: sink) } catch {
            return (nil, error.issues.map(DiagramIssue.init))
        }
        let d = parse(root)
        return (d, sink.issues.map(DiagramIssue.init))
    }

    static func ref(_ v: YAMLValue) -> SourceRef { SourceRef(line: v.line, column: v.column) }

    static func parse(_ root: YAMLValue) -> Diagram? {
        guard let o = root.object(allowing: topKeys) else { return nil }
        if let f = o.required("format")?.string(), f != Diagram.format {
            o["format"]?.report("unsupported format \"\(f)\"; this Pantau reads \(Diagram.format)")
        }
        guard let pdNode = o.required("pd"), let pd = pdNode.string() else { return nil }
        var d = Diagram(pd: pd, site: o["site"]?.string(), asOf: o["as_of"].flatMap { parseDate($0) }, source: ref(pdNode))
        if let b = o["boundary"], let bo = b.object(allowing: ["router", "wan_port", "upstream", "wan_address", "bandwidth_mbps"]) {
            if let r = bo.required("router")?.string() {
                d.boundary = Boundary(router: r, wanPort: bo["wan_port"]?.string(), upstream: bo["upstream"]?.string(),
                                      wanAddress: bo["wan_address"]?.string(), bandwidthMbps: bo["bandwidth_mbps"]?.double(),
                                      source: ref(b))
            }
        }
        for item in o["devices"]?.array() ?? [] {
            guard let x = item.object(allowing: deviceKeys) else { continue }
            guard let id = x.required("id")?.string(), let role = x.required("role")?.oneOf(Role.self) else { continue }
            var dev = Device(id: id, role: role, name: x["name"]?.string(), vendor: x["vendor"]?.string(),
                             model: x["model"]?.string(), serial: x["serial"]?.string(), firmware: x["firmware"]?.string(),
                             managementIP: x["management_ip"]?.string(), macs: x["macs"]?.stringList() ?? [],
                             location: x["location"]?.string(), snmp: x["snmp"]?.bool(), source: ref(item))
            if let a = x["asset"]?.object(allowing: ["acquired", "source", "register_number"]) {
                dev.asset = Asset(acquired: a["acquired"].flatMap { parseDate($0) }, source: a["source"]?.oneOf(Asset.Source.self),
                                  registerNumber: a["register_number"]?.string())
            }
            d.devices.append(dev)
        }
        for item in o["links"]?.array() ?? [] {
            guard let x = item.object(allowing: ["a", "b", "media", "speed_mbps"]) else { continue }
            guard let a = x.required("a")?.string(), let b = x.required("b")?.string() else { continue }
            d.links.append(Link(a: Endpoint(parsing: a), b: Endpoint(parsing: b), media: x["media"]?.oneOf(Media.self),
                                speedMbps: x["speed_mbps"]?.int(), source: ref(item)))
        }
        for item in o["vlans"]?.array() ?? [] {
            guard let x = item.object(allowing: ["id", "name", "subnet", "gateway"]) else { continue }
            guard let id = x.required("id")?.int() else { continue }
            d.vlans.append(VLAN(id: id, name: x["name"]?.string(), subnet: x["subnet"]?.string(), gateway: x["gateway"]?.string(),
                                source: ref(item)))
        }
        for item in o["segments"]?.array() ?? [] {
            guard let x = item.object(allowing: ["name", "vlan", "kind", "approx_hosts", "access_switch", "access_ports"]) else { continue }
            guard let name = x.required("name")?.string() else { continue }
            d.segments.append(Segment(name: name, vlan: x["vlan"]?.int(), kind: x["kind"]?.string(),
                                      approxHosts: x["approx_hosts"]?.int(), accessSwitch: x["access_switch"]?.string(),
                                      accessPorts: x["access_ports"]?.string(), source: ref(item)))
        }
        return d
    }

    /// Writes the diagram in the YAML format (used for drafts and for `diagram show`).
    public func yamlText() -> String {
        var out = "format: \(Diagram.format)\npd: \(q(pd))\n"
        if let site { out += "site: \(q(site))\n" }
        if let asOf { out += "as_of: \(asOf)\n" }
        if let b = boundary {
            out += "boundary:\n  router: \(q(b.router))\n"
            if let p = b.wanPort { out += "  wan_port: \(q(p))\n" }
            if let u = b.upstream { out += "  upstream: \(q(u))\n" }
            if let a = b.wanAddress { out += "  wan_address: \(q(a))\n" }
            if let m = b.bandwidthMbps { out += "  bandwidth_mbps: \(fmt(m))\n" }
        }
        out += devices.isEmpty ? "devices: []\n" : "devices:\n"
        for dev in devices {
            out += "  - id: \(q(dev.id))\n    role: \(dev.role.rawValue)\n"
            for (k, v) in [("name", dev.name), ("vendor", dev.vendor), ("model", dev.model), ("serial", dev.serial), ("firmware", dev.firmware),
                           ("management_ip", dev.managementIP), ("location", dev.location)] {
                if let v { out += "    \(k): \(q(v))\n" }
            }
            if !dev.macs.isEmpty { out += "    macs: [\(dev.macs.map(q).joined(separator: ", "))]\n" }
            if let s = dev.snmp { out += "    snmp: \(s)\n" }
            if let a = dev.asset {
                out += "    asset:\n"
                if let x = a.acquired { out += "      acquired: \(x)\n" }
                if let x = a.source { out += "      source: \(x.rawValue)\n" }
                if let x = a.registerNumber { out += "      register_number: \(q(x))\n" }
            }
        }
        out += links.isEmpty ? "links: []\n" : "links:\n"
        for l in links {
            out += "  - a: \(q(l.a.description))\n    b: \(q(l.b.description))\n"
            if let m = l.media { out += "    media: \(m.rawValue)\n" }
            if let s = l.speedMbps { out += "    speed_mbps: \(s)\n" }
        }
        if !vlans.isEmpty { out += "vlans:\n" }
        for v in vlans {
            out += "  - id: \(v.id)\n"
            if let n = v.name { out += "    name: \(q(n))\n" }
            if let s = v.subnet { out += "    subnet: \(q(s))\n" }
            if let g = v.gateway { out += "    gateway: \(q(g))\n" }
        }
        if !segments.isEmpty { out += "segments:\n" }
        for s in segments {
            out += "  - name: \(q(s.name))\n"
            if let v = s.vlan { out += "    vlan: \(v)\n" }
            if let k = s.kind { out += "    kind: \(q(k))\n" }
            if let h = s.approxHosts { out += "    approx_hosts: \(h)\n" }
            if let w = s.accessSwitch { out += "    access_switch: \(q(w))\n" }
            if let p = s.accessPorts { out += "    access_ports: \(q(p))\n" }
        }
        return out
    }
}

/// Double-quoted YAML scalar (always quoted, so "yes", "1-24" or "10:20" stay strings).
private func q(_ s: String) -> String {
    var out = "\""
    for ch in s.unicodeScalars {
        switch ch {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        default:
            if ch.value < 0x20 { out += String(format: "\\x%02X", ch.value) } else { out.unicodeScalars.append(ch) }
        }
    }
    return out + "\""
}

private func fmt(_ d: Double) -> String { d == d.rounded() ? String(Int(d)) : String(d) }

extension DiagramIssue {
    init(_ c: ConfigIssue) {
        self.init(file: c.file, source: SourceRef(line: c.line, column: c.column), path: c.path, code: .yamlInvalid,
                  params: ["line": String(c.line), "detail": c.path.isEmpty ? c.message : "\(c.path): \(c.message)"], message: c.message)
    }
}

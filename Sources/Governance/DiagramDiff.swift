import Foundation
import InventoryModel

/// What changed between two versions of a PD's diagram: devices and links added,
/// removed and changed (field by field), plus VLAN, segment and boundary changes.
/// Recorded as the PD's change report when a newer submission differs (R17).
public struct DiagramDiff: Sendable, Hashable, Codable {
    public struct Change: Sendable, Hashable, Codable, CustomStringConvertible {
        public var field: String
        public var old: String
        public var new: String
        public var description: String { "\(field): \(old) -> \(new)" }
    }
    public struct Changed: Sendable, Hashable, Codable {
        public var id: String
        public var changes: [Change]
    }
    public var devicesAdded: [String] = []
    public var devicesRemoved: [String] = []
    public var devicesChanged: [Changed] = []
    public var linksAdded: [String] = []
    public var linksRemoved: [String] = []
    public var linksChanged: [Changed] = []
    public var vlansAdded: [Int] = []
    public var vlansRemoved: [Int] = []
    public var vlansChanged: [Changed] = []
    public var segmentsAdded: [String] = []
    public var segmentsRemoved: [String] = []
    public var segmentsChanged: [Changed] = []
    public var otherChanges: [Change] = []

    public var isEmpty: Bool { self == DiagramDiff() }

    public init() {}

    /// Compares `old` to `new`; results are sorted so the same inputs give the same text.
    public init(from old: Diagram, to new: Diagram) {
        func fields(_ d: Diagram.Device) -> [(String, String)] {
            [("role", d.role.rawValue), ("name", d.name ?? ""), ("vendor", d.vendor ?? ""), ("model", d.model ?? ""),
             ("serial", d.serial ?? ""), ("firmware", d.firmware ?? ""), ("management_ip", d.managementIP ?? ""), ("macs", d.macs.sorted().joined(separator: " ")),
             ("location", d.location ?? ""), ("snmp", d.snmp.map { "\($0)" } ?? ""),
             ("asset.acquired", d.asset?.acquired ?? ""), ("asset.source", d.asset?.source?.rawValue ?? ""),
             ("asset.register_number", d.asset?.registerNumber ?? "")]
        }
        func compare(_ a: [(String, String)], _ b: [(String, String)]) -> [Change] {
            zip(a, b).compactMap { x, y in x.1 == y.1 ? nil : Change(field: x.0, old: x.1.isEmpty ? "(none)" : x.1, new: y.1.isEmpty ? "(none)" : y.1) }
        }
        let oldDevs = Dictionary(old.devices.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let newDevs = Dictionary(new.devices.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        devicesAdded = newDevs.keys.filter { oldDevs[$0] == nil }.sorted()
        devicesRemoved = oldDevs.keys.filter { newDevs[$0] == nil }.sorted()
        for id in newDevs.keys.sorted() {
            guard let o = oldDevs[id], let n = newDevs[id] else { continue }
            let c = compare(fields(o), fields(n))
            if !c.isEmpty { devicesChanged.append(Changed(id: id, changes: c)) }
        }
        func lf(_ l: Diagram.Link) -> [(String, String)] { [("media", l.media?.rawValue ?? ""), ("speed_mbps", l.speedMbps.map(String.init) ?? "")] }
        let oldLinks = Dictionary(old.links.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let newLinks = Dictionary(new.links.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        linksAdded = newLinks.keys.filter { oldLinks[$0] == nil }.sorted()
        linksRemoved = oldLinks.keys.filter { newLinks[$0] == nil }.sorted()
        for k in newLinks.keys.sorted() {
            guard let o = oldLinks[k], let n = newLinks[k] else { continue }
            let c = compare(lf(o), lf(n))
            if !c.isEmpty { linksChanged.append(Changed(id: k, changes: c)) }
        }
        func vf(_ v: Diagram.VLAN) -> [(String, String)] { [("name", v.name ?? ""), ("subnet", v.subnet ?? ""), ("gateway", v.gateway ?? "")] }
        let oldV = Dictionary(old.vlans.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let newV = Dictionary(new.vlans.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        vlansAdded = newV.keys.filter { oldV[$0] == nil }.sorted()
        vlansRemoved = oldV.keys.filter { newV[$0] == nil }.sorted()
        for k in newV.keys.sorted() {
            guard let o = oldV[k], let n = newV[k] else { continue }
            let c = compare(vf(o), vf(n))
            if !c.isEmpty { vlansChanged.append(Changed(id: "VLAN \(k)", changes: c)) }
        }
        func sf(_ s: Diagram.Segment) -> [(String, String)] {
            [("vlan", s.vlan.map(String.init) ?? ""), ("kind", s.kind ?? ""), ("approx_hosts", s.approxHosts.map(String.init) ?? ""),
             ("access_switch", s.accessSwitch ?? ""), ("access_ports", s.accessPorts ?? "")]
        }
        let oldS = Dictionary(old.segments.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let newS = Dictionary(new.segments.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        segmentsAdded = newS.keys.filter { oldS[$0] == nil }.sorted()
        segmentsRemoved = oldS.keys.filter { newS[$0] == nil }.sorted()
        for k in newS.keys.sorted() {
            guard let o = oldS[k], let n = newS[k] else { continue }
            let c = compare(sf(o), sf(n))
            if !c.isEmpty { segmentsChanged.append(Changed(id: k, changes: c)) }
        }
        func bf(_ d: Diagram) -> [(String, String)] {
            [("site", d.site ?? ""), ("boundary.router", d.boundary?.router ?? ""), ("boundary.wan_port", d.boundary?.wanPort ?? ""),
             ("boundary.upstream", d.boundary?.upstream ?? ""), ("boundary.wan_address", d.boundary?.wanAddress ?? ""),
             ("boundary.bandwidth_mbps", d.boundary?.bandwidthMbps.map { "\($0)" } ?? "")]
        }
        otherChanges = compare(bf(old), bf(new))
    }

    /// Human-readable report, one change per line ("+ device sw-lt3", "- link …", "~ device …").
    public var text: String {
        var lines: [String] = []
        for x in devicesAdded { lines.append("+ device \(x)") }
        for x in devicesRemoved { lines.append("- device \(x)") }
        for c in devicesChanged { for ch in c.changes { lines.append("~ device \(c.id) \(ch)") } }
        for x in linksAdded { lines.append("+ link \(x)") }
        for x in linksRemoved { lines.append("- link \(x)") }
        for c in linksChanged { for ch in c.changes { lines.append("~ link \(c.id) \(ch)") } }
        for x in vlansAdded { lines.append("+ vlan \(x)") }
        for x in vlansRemoved { lines.append("- vlan \(x)") }
        for c in vlansChanged { for ch in c.changes { lines.append("~ \(c.id) \(ch)") } }
        for x in segmentsAdded { lines.append("+ segment \(x)") }
        for x in segmentsRemoved { lines.append("- segment \(x)") }
        for c in segmentsChanged { for ch in c.changes { lines.append("~ segment \(c.id) \(ch)") } }
        for ch in otherChanges { lines.append("~ \(ch)") }
        // Field values come from a PD's file: a line is shown safe, so none can forge another.
        return lines.isEmpty ? "no changes\n" : lines.map(\.terminalSafe).joined(separator: "\n") + "\n"
    }
}

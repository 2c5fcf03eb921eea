import Foundation
import InventoryModel
import YAMLSupport

/// One Perangkat Daerah (PD) as the Dinas registers it (regulations.md R4, R6, R25, R47).
public struct PDRecord: Sendable, Hashable, Codable {
    /// Short code, upper case, e.g. `BAPPEDA`; used in the CLI, diagrams and tokens.
    public var code: String
    public var name: String
    public var mandiriTIK: MandiriTIKStatus
    /// Who runs this PD's LAN where the profile leaves the choice open (Manggarai P14(3)).
    public var lanManagedBy: LANManager
    public var sites: [Site]
    public var subnets: [IPNetwork]
    public var vlans: [Int]
    public var boundaryRouters: [BoundaryRouter]
    public var bandwidth: Bandwidth?
    public var tier1Contacts: [Contact]
    public var email: String?

    public struct MandiriTIKStatus: Sendable, Hashable, Codable {
        public var designated: Bool
        /// Keputusan Bupati reference, e.g. "Keputusan Bupati Manggarai Nomor 100/123/2023".
        public var decree: String?
        public var decreeDate: String?
    }
    public enum LANManager: String, Sendable, Hashable, Codable, CaseIterable { case pd, dinas }
    public struct Site: Sendable, Hashable, Codable {
        public var id: String
        public var name: String
        public var address: String?
    }
    /// Where the WAN meets this PD's LAN.
    public struct BoundaryRouter: Sendable, Hashable, Codable {
        public var name: String
        public var site: String
        public var managementIP: IPAddress?
        /// The interface carrying the PD's uplink traffic, by ifName, ifDescr or ifAlias
        /// (`pantau traffic` reads its series); nil when not declared.
        public var uplink: String?
        /// The collector target that polls this router, when its name differs from `name`.
        public var target: String?
    }
    /// Approved bandwidth with the Dinas approval reference and date (R25).
    public struct Bandwidth: Sendable, Hashable, Codable {
        public var approvedMbps: Double
        public var reference: String?
        public var date: String?
    }
    public struct Contact: Sendable, Hashable, Codable {
        public var name: String
        public var phone: String?
        public var email: String?
    }

    /// The PD's network location, for attributing hosts and traffic.
    public var segment: PDSegment { PDSegment(pd: code, subnets: subnets, vlans: vlans) }
}

/// The PD registry: every PD of the regency.
public struct PDRegistry: Sendable, Hashable, Codable {
    public var regency: String
    public var pds: [PDRecord]

    public init(regency: String, pds: [PDRecord]) {
        self.regency = regency
        self.pds = pds
    }

    public subscript(code: String) -> PDRecord? { pds.first { $0.code == code } }

    static let topKeys: Set<String> = ["format", "regency", "pds"]
    static let pdKeys: Set<String> = [
        "code", "name", "mandiri_tik", "lan_managed_by", "sites", "subnets", "vlans", "boundary_routers",
        "bandwidth", "tier1_contacts", "email",
    ]

    /// Loads and validates a registry file. With a profile, its rules apply too (for
    /// example Manggarai requires a Keputusan Bupati for each PD Mandiri TIK).
    public static func load(path: String, profile: RegionalProfile? = nil) throws(ConfigIssues) -> PDRegistry {
        let sink = IssueSink()
        let root = try YAMLValue.load(path: path, sink: sink)
        let registry = parse(root, profile: profile)
        try sink.throwIfAny()
        guard let registry else { throw ConfigIssues([ConfigIssue(file: path, line: 1, column: 1, path: "", message: "not a registry")]) }
        return registry
    }

    static func parse(_ root: YAMLValue, profile: RegionalProfile?) -> PDRegistry? {
        guard let o = root.object(allowing: topKeys) else { return nil }
        if let f = o.required("format")?.string(), f != "pantau-registry/1" {
            o["format"]?.report("unsupported format \"\(f)\"; this Pantau reads pantau-registry/1")
        }
        let regency = o.required("regency")?.string() ?? ""
        var pds: [PDRecord] = []
        var codes = Set<String>()
        var allSubnets: [(IPNetwork, String, YAMLValue)] = []
        for item in o.required("pds")?.array() ?? [] {
            guard let pd = parsePD(item, profile: profile) else { continue }
            if !codes.insert(pd.record.code).inserted { item.report("duplicate PD code \"\(pd.record.code)\"") }
            for (net, node) in pd.subnetNodes {
                if let other = allSubnets.first(where: { $0.0.overlaps(net) && $0.1 != pd.record.code }) {
                    node.report("subnet \(net) overlaps \(other.0) of PD \(other.1)")
                }
                allSubnets.append((net, pd.record.code, node))
            }
            pds.append(pd.record)
        }
        return PDRegistry(regency: regency, pds: pds)
    }

    static func parsePD(_ item: YAMLValue, profile: RegionalProfile?) -> (record: PDRecord, subnetNodes: [(IPNetwork, YAMLValue)])? {
        guard let o = item.object(allowing: pdKeys) else { return nil }
        guard let code = o.required("code")?.string(), let name = o.required("name")?.string() else { return nil }
        if !PDRegistry.isValidCode(code) {
            o["code"]?.report("PD code \"\(code)\" must be 2-32 characters A-Z, 0-9, - or _, starting with a letter")
        }
        var mandiri = PDRecord.MandiriTIKStatus(designated: false)
        if let m = o["mandiri_tik"] {
            if m.isScalarNode {
                mandiri.designated = m.bool() ?? false
            } else if let mo = m.object(allowing: ["designated", "decree", "decree_date"]) {
                mandiri.designated = mo.required("designated")?.bool() ?? false
                mandiri.decree = mo["decree"]?.string()
                mandiri.decreeDate = mo["decree_date"].flatMap { parseDate($0) }
            }
            if mandiri.designated, let profile {
                if !profile.mandiriTIK.enabled {
                    m.report("the \(profile.id) profile has no PD Mandiri TIK status (\(profile.perbupShortName) does not define it)")
                } else if profile.mandiriTIK.requiresDecree && (mandiri.decree ?? "").isEmpty {
                    m.report("a PD Mandiri TIK needs its Keputusan Bupati reference (decree) under the \(profile.id) profile (\(profile.mandiriTIK.basis))")
                }
            }
        }
        let lan = o["lan_managed_by"]?.oneOf(PDRecord.LANManager.self) ?? (mandiri.designated ? .pd : .dinas)
        var sites: [PDRecord.Site] = []
        for s in o.required("sites")?.array() ?? [] {
            guard let so = s.object(allowing: ["id", "name", "address"]) else { continue }
            guard let id = so.required("id")?.string() else { continue }
            if sites.contains(where: { $0.id == id }) { s.report("duplicate site id \"\(id)\"") }
            sites.append(.init(id: id, name: so["name"]?.string() ?? id, address: so["address"]?.string()))
        }
        var subnets: [IPNetwork] = []
        var subnetNodes: [(IPNetwork, YAMLValue)] = []
        for s in o.required("subnets")?.array() ?? [] {
            guard let text = s.string() else { continue }
            guard let net = IPNetwork(text) else {
                s.report("\"\(text)\" is not a CIDR network such as 10.20.1.0/24 (host bits must be zero)")
                continue
            }
            subnets.append(net)
            subnetNodes.append((net, s))
        }
        var vlans: [Int] = []
        for v in o["vlans"]?.array() ?? [] {
            guard let n = v.int() else { continue }
            if n < 1 || n > 4094 { v.report("VLAN \(n) is outside 1-4094") } else { vlans.append(n) }
        }
        var routers: [PDRecord.BoundaryRouter] = []
        for r in o["boundary_routers"]?.array() ?? [] {
            guard let ro = r.object(allowing: ["name", "site", "management_ip", "uplink", "target"]) else { continue }
            guard let rname = ro.required("name")?.string(), let site = ro.required("site")?.string() else { continue }
            if !sites.contains(where: { $0.id == site }) { ro["site"]?.report("no site \"\(site)\" in this PD's sites") }
            var ip: IPAddress?
            if let t = ro["management_ip"]?.string() {
                ip = IPAddress(t)
                if ip == nil { ro["management_ip"]?.report("\"\(t)\" is not an IP address") }
            }
            let uplink = ro["uplink"]?.string(), target = ro["target"]?.string()
            if let u = uplink, u.trimmingCharacters(in: .whitespaces).isEmpty { ro["uplink"]?.report("must name an interface (ifName, ifDescr or ifAlias)") }
            routers.append(.init(name: rname, site: site, managementIP: ip, uplink: uplink, target: target))
        }
        var bandwidth: PDRecord.Bandwidth?
        if let b = o["bandwidth"]?.object(allowing: ["approved_mbps", "reference", "date"]) {
            if let mbps = b.required("approved_mbps")?.double() {
                if mbps <= 0 { b["approved_mbps"]?.report("must be positive") }
                bandwidth = .init(approvedMbps: mbps, reference: b["reference"]?.string(), date: b["date"].flatMap { parseDate($0) })
            }
        }
        var contacts: [PDRecord.Contact] = []
        for c in o["tier1_contacts"]?.array() ?? [] {
            guard let co = c.object(allowing: ["name", "phone", "email"]) else { continue }
            guard let cname = co.required("name")?.string() else { continue }
            contacts.append(.init(name: cname, phone: co["phone"]?.string(), email: co["email"]?.string()))
        }
        let record = PDRecord(code: code, name: name, mandiriTIK: mandiri, lanManagedBy: lan, sites: sites, subnets: subnets,
                              vlans: vlans, boundaryRouters: routers, bandwidth: bandwidth, tier1Contacts: contacts,
                              email: o["email"]?.string())
        return (record, subnetNodes)
    }

    /// Registry facts the active profile flags without refusing the registry: a site
    /// with no boundary router or with several (R6), a PD with no Tier-1 contact (R47).
    /// Each finding carries the profile's basis for the check.
    public func findings(profile: RegionalProfile) -> [RegistryFinding] {
        var out: [RegistryFinding] = []
        let boundary = profile.otherChecks["boundary_router"]
        if profile.network.wanDemarcation == .pdRouter || boundary?.enabled == true {
            let basis = boundary?.basis ?? profile.network.basis
            for pd in pds {
                for site in pd.sites {
                    let n = pd.boundaryRouters.filter { $0.site == site.id }.count
                    if n == 0 {
                        out.append(RegistryFinding(pd: pd.code, code: "boundary-missing",
                                                   message: "site \(site.id): batas WAN/LAN tidak teridentifikasi (no boundary router)", basis: basis))
                    } else if n > 1 {
                        out.append(RegistryFinding(pd: pd.code, code: "boundary-ambiguous",
                                                   message: "site \(site.id): \(n) boundary routers; one router PD per site expected, review", basis: basis))
                    }
                }
            }
        }
        if let t = profile.otherChecks["tier1_contact"], t.enabled {
            for pd in pds where pd.tier1Contacts.isEmpty {
                out.append(RegistryFinding(pd: pd.code, code: "tier1-missing", message: "no Tier-1 service desk contact (minimal 1 orang staf)", basis: t.basis))
            }
        }
        return out
    }

    /// PD codes: a letter then letters, digits, `-` or `_`; 2-32 characters.
    public static func isValidCode(_ code: String) -> Bool {
        guard (2...32).contains(code.count), let f = code.unicodeScalars.first, ("A"..."Z").contains(f) else { return false }
        return code.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
    }
}

/// Something in the registry the active profile flags for review.
public struct RegistryFinding: Sendable, Hashable, Codable, CustomStringConvertible {
    public var pd: String
    /// Stable code: boundary-missing, boundary-ambiguous, tier1-missing.
    public var code: String
    public var message: String
    public var basis: Basis
    public var description: String { "\(pd): \(message) [\(basis)]" }
}

/// Reads a `YYYY-MM-DD` date, reporting anything else.
func parseDate(_ value: YAMLValue) -> String? {
    guard let s = value.string() else { return nil }
    guard LocalDate(s) != nil else {
        value.report("\"\(s)\" is not a date YYYY-MM-DD")
        return nil
    }
    return s
}

extension YAMLValue {
    /// True for a single value (not a mapping, list or alias).
    var isScalarNode: Bool { !["a mapping", "a list", "an alias"].contains(kind) }
}

extension PDRegistry {
    /// A boundary router's PD and name, by management address: where a PD's uplink traffic
    /// (sFlow counters, SNMP interface counters) is attributed. Should two PDs list the same
    /// address, the first PD by code wins (the registry check does not refuse that, so the
    /// choice must at least be stable).
    public func boundaryRoutersByAddress() -> [IPAddress: (pd: String, router: String)] {
        var map: [IPAddress: (pd: String, router: String)] = [:]
        for pd in pds.sorted(by: { $0.code < $1.code }) {
            for r in pd.boundaryRouters {
                if let ip = r.managementIP, map[ip] == nil { map[ip] = (pd.code, r.name) }
            }
        }
        return map
    }
}

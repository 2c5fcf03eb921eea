import Foundation
import Governance
import InventoryModel

/// What reconciliation may be tuned by.
public struct ReconcileSettings: Sendable, Hashable, Codable {
    /// A declared device unseen for longer than this is `missing-device`.
    public var missingAfterDays: Int
    /// This many distinct MACs behind one access port (or at one capture point with no
    /// managed switch announcing itself) suggests an unmanaged switch.
    public var unmanagedSwitchMACs: Int
    public init(missingAfterDays: Int = 7, unmanagedSwitchMACs: Int = 4) {
        self.missingAfterDays = missingAfterDays
        self.unmanagedSwitchMACs = unmanagedSwitchMACs
    }
}

/// Everything reconciliation compares, passed in: the pure function reads no store.
public struct ReconcileInput: Sendable {
    public var registry: PDRegistry
    public var profile: RegionalProfile?
    /// Each PD's latest diagram submission.
    public var submissions: [String: Submission]
    public var polled: [PolledDevice]
    public var hosts: [HostSighting]
    public var neighbours: [NeighbourSighting]
    public var dhcpServers: [DHCPServerSighting]
    public var changeDuties: [ChangeDuty]
    /// When each declared device (`PD|id`) was first declared, in the unbroken run of versions
    /// up to the latest; a device missing from there on is missing since then, not since the
    /// latest resubmission. Absent: since the latest submission.
    public var declaredSince: [String: Date]
    public var now: Date
    public var settings: ReconcileSettings

    public init(registry: PDRegistry, profile: RegionalProfile?, submissions: [String: Submission], polled: [PolledDevice],
                hosts: [HostSighting] = [], neighbours: [NeighbourSighting] = [], dhcpServers: [DHCPServerSighting] = [],
                changeDuties: [ChangeDuty] = [], declaredSince: [String: Date] = [:], now: Date, settings: ReconcileSettings = ReconcileSettings()) {
        self.registry = registry
        self.profile = profile
        self.submissions = submissions
        self.polled = polled
        self.hosts = hosts
        self.neighbours = neighbours
        self.dhcpServers = dhcpServers
        self.changeDuties = changeDuties
        self.declaredSince = declaredSince
        self.now = now
        self.settings = settings
    }
}

/// A problem with the input that stops one PD's reconciliation (or weakens attribution),
/// never the others': a diagram that declares a device twice, overlapping registry subnets.
public struct ReconcileIssue: Sendable, Hashable, Codable, CustomStringConvertible {
    public var pd: String?
    public var message: String
    public init(pd: String?, message: String) {
        self.pd = pd
        self.message = message
    }
    public var description: String { (pd.map { "\($0): " } ?? "") + message }
}

/// What one reconciliation found, before the lifecycle.
public struct ReconcileResult: Sendable {
    public var detections: [Detection]
    public var matches: [DeviceMatch]
    public var observed: ObservedNetwork
    public var issues: [ReconcileIssue]
    /// PDs whose diagram was compared with the network.
    public var compared: [String]
    /// PDs left out because their input is bad (their findings are kept as they were).
    public var skipped: [String]
}

/// Reconciliation: what each PD declared against what the network shows.
public enum Reconciler {
    /// Codes that mean the LAN differs from the PD's latest diagram (they feed `change-unreported`).
    public static let changeCodes: Set<FindingCode> = [.unregisteredDevice, .missingDevice, .linkMismatch, .attributeDrift]

    public static func reconcile(_ input: ReconcileInput) -> ReconcileResult {
        var issues: [ReconcileIssue] = []
        var skipped: [String] = []
        let registry = input.registry

        // Bad input: overlapping registry subnets (attribution goes to the most specific).
        let nets = registry.pds.flatMap { pd in pd.subnets.map { (pd.code, $0) } }
        for i in nets.indices {
            for j in nets.indices where j > i && nets[i].0 != nets[j].0 && nets[i].1.overlaps(nets[j].1) {
                issues.append(ReconcileIssue(pd: nets[i].0, message: "registry subnet \(nets[i].1) overlaps \(nets[j].1) of PD \(nets[j].0); addresses in both are attributed to the more specific subnet"))
            }
        }
        // Bad input: a diagram that declares a device twice; that PD is left out, the others go on.
        var declared: [DeclaredDevice] = []
        var diagrams: [String: Submission] = [:]
        for (pd, sub) in input.submissions.sorted(by: { $0.key < $1.key }) {
            // Where each declaration is: "dinkes.yaml:14:5" or "dinkes.drawio page \"Lantai 1\" cell \"r1\"".
            func at(_ d: Diagram.Device) -> String {
                let ref = d.source.description
                return ref.isEmpty ? sub.fileName : d.source.line != nil ? "\(sub.fileName):\(ref)" : "\(sub.fileName) \(ref)"
            }
            var ids: [String: [Diagram.Device]] = [:], serials: [String: Diagram.Device] = [:]
            var problems: [String] = []
            for d in sub.diagram.devices {
                ids[d.id, default: []].append(d)
                if let s = DeclaredIndex.serialKey(d.serial) {
                    if let other = serials[s], other.id != d.id {
                        problems.append("\(at(d)): serial \(s) is declared for both \"\(other.id)\" (\(at(other))) and \"\(d.id)\"")
                    }
                    serials[s] = d
                }
            }
            problems += ids.filter { $0.value.count > 1 }.keys.sorted().map { id in
                let all = ids[id] ?? []
                return "\(at(all[1])): device \"\(id)\" is declared \(all.count) times (first at \(at(all[0])))"
            }
            if !problems.isEmpty {
                for p in problems {
                    issues.append(ReconcileIssue(pd: pd, message: "diagram v\(sub.version) of \(pd), \(p); \(pd) was not reconciled, the other PDs were"))
                }
                skipped.append(pd)
                continue
            }
            diagrams[pd] = sub
            declared += sub.diagram.devices.map { DeclaredDevice(pd: pd, version: sub.version, device: $0) }
        }

        let observed = ObservedNetwork.build(polled: input.polled, hosts: input.hosts, neighbours: input.neighbours, dhcpServers: input.dhcpServers)
        let index = DeclaredIndex(declared)
        var ctx = Context(input: input, observed: observed, index: index, diagrams: diagrams, skipped: Set(skipped))
        ctx.matchDevices()
        var out: [Detection] = []
        out += ctx.unregisteredDevices()
        out += ctx.missingDevices()
        out += ctx.attributeDrift()
        out += ctx.linkMismatches()
        out += ctx.unmanagedSwitches()
        out += ctx.rogueDHCP()
        out += ctx.endpoints()
        out += ctx.diagramOverdue()
        out += ctx.outOfAuthority()
        // One finding per key (a subject seen twice by one check keeps its first detection).
        var seen = Set<String>()
        out = out.filter { seen.insert($0.key).inserted }
        return ReconcileResult(detections: out, matches: ctx.matches, observed: observed, issues: issues,
                               compared: diagrams.keys.sorted(), skipped: skipped)
    }

    /// `PD|id` → when each device of the latest versions was first declared (in the unbroken
    /// run of versions up to the latest), from every PD's version history, oldest first.
    public static func declaredSince(history: [String: [Submission]]) -> [String: Date] {
        var out: [String: Date] = [:]
        for (pd, versions) in history {
            guard let latest = versions.last else { continue }
            for d in latest.diagram.devices {
                var since = latest.submittedAt
                for v in versions.dropLast().reversed() {
                    guard v.diagram.devices.contains(where: { $0.id == d.id }) else { break }
                    since = v.submittedAt
                }
                out["\(pd)|\(d.id)"] = since
            }
        }
        return out
    }

    /// `change-unreported` per PD: change findings first seen after the PD's latest diagram,
    /// under a profile with the change-report duty. `firstSeen` gives each change finding's
    /// first-seen time (kept from earlier runs by the lifecycle).
    public static func changeUnreported(changes: [Detection], firstSeen: (Detection) -> Date?, submissions: [String: Submission],
                                        profile: RegionalProfile?) -> [Detection] {
        guard let profile, profile.changeReport.enabled else { return [] }
        var byPD: [String: [(Detection, Date)]] = [:]
        for d in changes where changeCodes.contains(d.code) {
            guard let pd = d.pd, let sub = submissions[pd], let first = firstSeen(d), first > sub.submittedAt else { continue }
            byPD[pd, default: []].append((d, first))
        }
        return byPD.keys.sorted().compactMap { pd in
            guard let list = byPD[pd], let sub = submissions[pd] else { return nil }
            let sorted = list.sorted { ($0.1, $0.0.key) < ($1.1, $1.0.key) }
            let names = sorted.prefix(5).map { "\($0.0.code) \($0.0.subject)" }.joined(separator: "; ")
            return Detection(code: .changeUnreported, pd: pd, subject: FindingSubject(detail: "lan-change"),
                             message: "\(list.count) LAN change(s) seen after diagram v\(sub.version) with no diagram submitted since: \(names)\(list.count > 5 ? "; …" : "")",
                             evidence: [Evidence(source: "reconcile", firstSeen: sorted.first?.1, lastSeen: list.compactMap { $0.0.lastSeen }.max(),
                                                 details: ["changes": String(list.count), "diagram_version": String(sub.version),
                                                           "diagram_submitted": ISO8601DateFormatter().string(from: sub.submittedAt)])])
        }
    }
}

/// The state the checks share within one run.
struct Context {
    let input: ReconcileInput
    let observed: ObservedNetwork
    let index: DeclaredIndex
    let diagrams: [String: Submission]
    let skipped: Set<String>
    var matches: [DeviceMatch] = []
    /// Observed device key → the declared device it is.
    var matchOf: [String: DeclaredDevice] = [:]
    var matchRecord: [String: DeviceMatch] = [:]
    let segments: [PDSegment]
    /// The registry's subnets by PD, for attributing addresses.
    let registeredIndex: SubnetIndex

    init(input: ReconcileInput, observed: ObservedNetwork, index: DeclaredIndex, diagrams: [String: Submission], skipped: Set<String>) {
        self.input = input
        self.observed = observed
        self.index = index
        self.diagrams = diagrams
        self.skipped = skipped
        segments = input.registry.pds.map(\.segment)
        registeredIndex = SubnetIndex(input.registry.pds.flatMap { pd in pd.subnets.map { ($0, pd.code) } })
    }

    var now: Date { input.now }

    func fmt(_ d: Date?) -> String? { d.map { ISO8601DateFormatter().string(from: $0) } }

    /// The PD an observed device belongs to: its target's `pd:`, else its addresses'.
    func pd(of d: ObservedNetwork.Device) -> String? {
        if let pd = d.pd { return pd }
        for a in d.addresses.sorted() { if let owner = registeredIndex.owner(of: a) { return owner } }
        return nil
    }

    mutating func matchDevices() {
        for d in observed.devices {
            guard let (decl, rule, value) = index.match(d) else { continue }
            matchOf[d.key] = decl
            let m = DeviceMatch(observed: d.key, observedName: d.name, pd: decl.pd, declared: decl.id, rule: rule, value: value)
            matches.append(m)
            matchRecord[d.key] = m
        }
    }

    func deviceEvidence(_ d: ObservedNetwork.Device) -> [Evidence] {
        var out: [Evidence] = []
        if d.polled {
            var det = ["target": d.name]
            det["sysName"] = d.sysName
            det["serial"] = d.serial
            det["model"] = d.model
            det["vendor"] = d.vendor
            if !d.addresses.isEmpty { det["addresses"] = d.addresses.sorted().map(\.description).joined(separator: ",") }
            out.append(Evidence(source: "snmp", firstSeen: d.firstSeen, lastSeen: d.lastSeen, details: det))
        }
        for s in d.sources.subtracting(["snmp"]).sorted() {
            var det = ["heard_at": d.heardAt.sorted().prefix(5).joined(separator: ", ")]
            det["system_name"] = d.sysName
            det["chassis_mac"] = d.macs.sorted().first?.description
            det["platform"] = d.model
            if !d.addresses.isEmpty { det["management"] = d.addresses.sorted().map(\.description).joined(separator: ",") }
            out.append(Evidence(source: s, firstSeen: d.polled ? nil : d.firstSeen, lastSeen: d.polled ? nil : d.lastSeen, details: det))
        }
        return out
    }

    // MARK: unregistered-device

    func unregisteredDevices() -> [Detection] {
        var out: [Detection] = []
        for d in observed.devices where matchOf[d.key] == nil {
            guard let pd = pd(of: d), diagrams[pd] != nil else { continue }
            // A polled host that is not a network device (a server, a printer, a UPS) is
            // still infrastructure the diagram should show; announced devices always are.
            let how = d.polled ? "answers SNMP" : "announces itself by \(d.sources.sorted().map { $0.uppercased() }.joined(separator: "/"))"
            let what = [d.model, d.serial.map { "serial \($0)" }].compactMap { $0 }.joined(separator: ", ")
            out.append(Detection(code: .unregisteredDevice, pd: pd, subject: FindingSubject(device: d.name),
                                 message: "\(d.name)\(what.isEmpty ? "" : " (\(what))") \(how) but is not in \(pd)'s diagram v\(diagrams[pd]?.version ?? 0)",
                                 evidence: deviceEvidence(d)))
        }
        // A host whose MAC a network-equipment maker owns (its OUI) is probably a router,
        // switch or access point that neither answers SNMP nor announces itself.
        let deviceByKey = Dictionary(observed.devices.map { ($0.key, $0) }) { a, _ in a }
        for h in observed.hosts {
            guard let vendor = h.vendor, Self.isNetworkVendor(vendor), index.declared(mac: h.mac) == nil else { continue }
            if h.addresses.keys.contains(where: { index.declared(ip: $0) != nil }) { continue }
            let pd = h.placement.flatMap { deviceByKey[$0.device] }.flatMap { self.pd(of: $0) } ?? h.sampledPD
            guard let pd, diagrams[pd] != nil else { continue }
            var det = ["vendor": vendor]
            det["addresses"] = h.addresses.keys.sorted().map(\.description).joined(separator: ",")
            det["capture_point"] = h.capturePoint
            det["plugged_in"] = h.placement.map { "\(deviceByKey[$0.device]?.name ?? $0.device):\($0.port ?? "?")" }
            out.append(Detection(code: .unregisteredDevice, pd: pd, subject: FindingSubject(mac: h.mac.description, detail: "oui"),
                                 message: "\(h.mac) has a network-equipment maker's OUI (\(vendor)) but no device in \(pd)'s diagram v\(diagrams[pd]?.version ?? 0) has that MAC",
                                 evidence: [Evidence(source: h.placement != nil ? "fdb" : "sampling", firstSeen: h.firstSeen, lastSeen: h.lastSeen, details: det)]))
        }
        return out
    }

    /// Makers of routers, switches and access points, as the IEEE registry names them (lower case, substrings).
    static let networkVendors = ["cisco", "juniper", "mikrotik", "routerboard", "ubiquiti", "tp-link", "zyxel", "d-link", "huawei", "ruijie",
                                 "aruba", "fortinet", "netgear", "h3c", "extreme networks", "arista", "allied telesis", "edgecore", "cambium",
                                 "hewlett packard enterprise", "procurve"]
    static func isNetworkVendor(_ vendor: String) -> Bool {
        let v = vendor.lowercased()
        return networkVendors.contains { v.contains($0) }
    }

    // MARK: missing-device

    func missingDevices() -> [Detection] {
        let limit = now.addingTimeInterval(-Double(input.settings.missingAfterDays) * 86400)
        // When each declared device was last seen, by any observation that names it.
        var lastSeen: [String: (Date?, String)] = [:]
        func key(_ d: DeclaredDevice) -> String { "\(d.pd)|\(d.id)" }
        for d in observed.devices {
            guard let decl = matchOf[d.key] else { continue }
            let prev = lastSeen[key(decl)]?.0
            if prev == nil || (d.lastSeen ?? .distantPast) > prev! { lastSeen[key(decl)] = (d.lastSeen, d.polled ? "snmp" : d.sources.sorted().joined(separator: "/")) }
        }
        for h in observed.hosts {
            var decl = index.declared(mac: h.mac)
            // A plain loop: a lazy map's closure would copy the whole context for each of 100,000 hosts.
            if decl == nil { for ip in h.addresses.keys { if let d = index.declared(ip: ip) { decl = d; break } } }
            guard let decl else { continue }
            let prev = lastSeen[key(decl)]?.0
            if prev == nil || (h.lastSeen ?? .distantPast) > prev! { lastSeen[key(decl)] = (h.lastSeen, h.placement != nil ? "fdb" : "arp/sampling") }
        }
        let zone = input.profile?.timeZone ?? .gmt
        var out: [Detection] = []
        for decl in index.devices {
            let dev = decl.device
            guard dev.snmp == true || dev.managementIP != nil || !dev.macs.isEmpty, let sub = diagrams[decl.pd] else { continue }
            let seen = lastSeen[key(decl)]
            let since = seen?.0 ?? input.declaredSince[key(decl)] ?? sub.submittedAt
            guard since < limit else { continue }
            var det = ["diagram_version": String(sub.version), "declared_role": dev.role.rawValue]
            det["declared_serial"] = dev.serial
            det["declared_management_ip"] = dev.managementIP
            if !dev.macs.isEmpty { det["declared_macs"] = dev.macs.joined(separator: ",") }
            det["snmp"] = dev.snmp.map { $0 ? "true" : "false" }
            var ev = [Evidence(source: "diagram", firstSeen: sub.submittedAt, lastSeen: sub.submittedAt, details: det)]
            // The date, not a count of days: the finding stays the same while nothing changes
            // (a count would rewrite it every day); where it is shown, the reader's today gives the days.
            let day = LocalDate(since, in: zone).description
            ev[0].details["not_seen_since"] = day
            if let seen, let at = seen.0 { ev.append(Evidence(source: seen.1, firstSeen: nil, lastSeen: at, details: ["last_seen_by": seen.1])) }
            out.append(Detection(code: .missingDevice, pd: decl.pd, subject: FindingSubject(device: decl.id),
                                 message: seen?.0 != nil
                                    ? "\(decl.id) is declared in diagram v\(sub.version) but has not been seen since \(day)"
                                    : "\(decl.id) is declared in diagram v\(sub.version) but has not been seen since it was declared on \(day)",
                                 evidence: ev))
        }
        return out
    }

    // MARK: attribute-drift

    func attributeDrift() -> [Detection] {
        var out: [Detection] = []
        for d in observed.devices where d.polled {
            guard let decl = matchOf[d.key], let m = matchRecord[d.key] else { continue }
            var diffs: [(String, String, String)] = []
            if let want = DeclaredIndex.serialKey(decl.device.serial), let got = DeclaredIndex.serialKey(d.serial), want != got {
                diffs.append(("serial", decl.device.serial ?? want, d.serial ?? got))
            }
            if let want = decl.device.model, let got = d.model, !Self.sameModel(want, got) { diffs.append(("model", want, got)) }
            if let want = decl.device.firmware, let got = d.version, !Reconciler.sameFirmware(want, got) { diffs.append(("firmware", want, got)) }
            for (attr, want, got) in diffs {
                out.append(Detection(code: .attributeDrift, pd: decl.pd, subject: FindingSubject(device: decl.id, detail: attr),
                                     message: "\(decl.id): the diagram declares \(attr) \(want), the device (\(d.name)) reports \(got)",
                                     evidence: [Evidence(source: "snmp", firstSeen: d.firstSeen, lastSeen: d.lastSeen,
                                                         details: ["attribute": attr, "declared": want, "observed": got, "target": d.name,
                                                                   "matched_by": m.rule.rawValue, "matched_value": m.value])]))
            }
        }
        return out
    }

    /// Models agree when one contains the other ignoring case, spaces and dashes
    /// (`CRS317-1G-16S+` and `CRS317-1G-16S+RM`).
    static func sameModel(_ a: String, _ b: String) -> Bool {
        func n(_ s: String) -> String { s.uppercased().filter { $0.isLetter || $0.isNumber || $0 == "+" } }
        let x = n(a), y = n(b)
        guard !x.isEmpty, !y.isEmpty else { return true }
        return x.contains(y) || y.contains(x)
    }

    // MARK: link-mismatch

    func linkMismatches() -> [Detection] {
        var out: [Detection] = []
        let deviceByKey = Dictionary(observed.devices.map { ($0.key, $0) }) { a, _ in a }
        // Observed links between two declared devices of one PD, in declared ids.
        struct Seen { var a: String; var pa: String?; var b: String; var pb: String?; var pbAlt: String?; var proto: String; var last: Date?; var reporter: String }
        var seenByPD: [String: [Seen]] = [:]
        var checkable = Set<String>()   // "pd|id" of declared devices whose neighbours are reported
        for d in observed.devices where d.reportsNeighbours { if let decl = matchOf[d.key] { checkable.insert("\(decl.pd)|\(decl.id)") } }
        for l in observed.links {
            guard let da = matchOf[l.a.device], let db = matchOf[l.b.device], da.pd == db.pd, da.id != db.id else { continue }
            seenByPD[da.pd, default: []].append(Seen(a: da.id, pa: l.a.port, b: db.id, pb: l.b.port, pbAlt: l.b.altPort, proto: l.protocolName,
                                                     last: l.lastSeen, reporter: deviceByKey[l.a.device]?.name ?? l.a.device))
        }
        func portsAgree(_ declared: String?, _ seen: String?, _ alt: String?) -> Bool {
            guard let declared else { return true }
            guard seen != nil || alt != nil else { return true }
            return [seen, alt].compactMap { $0 }.contains { PortName.same(declared, $0) }
        }
        for (pd, sub) in diagrams.sorted(by: { $0.key < $1.key }) {
            let seen = seenByPD[pd] ?? []
            var explained = Set<Int>()
            for link in sub.diagram.links {
                let between = seen.indices.filter { i in
                    (seen[i].a == link.a.device && seen[i].b == link.b.device) || (seen[i].a == link.b.device && seen[i].b == link.a.device)
                }
                let agreeing = between.first { i in
                    let s = seen[i]
                    let (da, db) = s.a == link.a.device ? (link.a, link.b) : (link.b, link.a)
                    return portsAgree(da.port, s.pa, nil) && portsAgree(db.port, s.pb, s.pbAlt)
                }
                if let i = agreeing { explained.insert(i); continue }
                let subject = FindingSubject(device: link.a.device, port: link.a.port, detail: "link \(link.key)")
                var det = ["declared": "\(link.a) <-> \(link.b)", "diagram_version": String(sub.version)]
                if let i = between.first {
                    explained.formUnion(between)
                    let s = seen[i]
                    det["seen"] = "\(s.a):\(s.pa ?? "?") <-> \(s.b):\(s.pb ?? "?")"
                    det["reported_by"] = s.reporter
                    out.append(Detection(code: .linkMismatch, pd: pd, subject: subject,
                                         message: "declared \(link.a) <-> \(link.b), but \(s.proto.uppercased()) shows \(s.a):\(s.pa ?? "?") <-> \(s.b):\(s.pb ?? "?")",
                                         evidence: [Evidence(source: s.proto, lastSeen: s.last, details: det)]))
                } else if checkable.contains("\(pd)|\(link.a.device)") || checkable.contains("\(pd)|\(link.b.device)") {
                    out.append(Detection(code: .linkMismatch, pd: pd, subject: subject,
                                         message: "declared \(link.a) <-> \(link.b) is not seen by LLDP/CDP",
                                         evidence: [Evidence(source: "diagram", firstSeen: sub.submittedAt, details: det)]))
                }
            }
            for (i, s) in seen.enumerated() where !explained.contains(i) {
                let declaredBetween = sub.diagram.links.contains { ($0.a.device == s.a && $0.b.device == s.b) || ($0.a.device == s.b && $0.b.device == s.a) }
                guard !declaredBetween else { continue }
                let text = "\(s.a):\(s.pa ?? "?") <-> \(s.b):\(s.pb ?? "?")"
                out.append(Detection(code: .linkMismatch, pd: pd, subject: FindingSubject(device: s.a, port: s.pa, detail: "seen \(s.b)"),
                                     message: "\(s.proto.uppercased()) shows \(text), a link the diagram does not declare",
                                     evidence: [Evidence(source: s.proto, lastSeen: s.last, details: ["seen": text, "reported_by": s.reporter])]))
            }
        }
        return out
    }

    // MARK: unmanaged-switch-suspected

    func unmanagedSwitches() -> [Detection] {
        var out: [Detection] = []
        let threshold = input.settings.unmanagedSwitchMACs
        let deviceByKey = Dictionary(observed.devices.map { ($0.key, $0) }) { a, _ in a }
        for (_, e) in observed.edgePortMACs.sorted(by: { $0.key < $1.key }) where e.macs.count >= threshold {
            guard let dev = deviceByKey[e.device], let pd = pd(of: dev), diagrams[pd] != nil else { continue }
            // A managed device declared at that port (a link to a switch or access point) explains the MACs.
            if let decl = matchOf[e.device], let sub = diagrams[decl.pd] {
                let roles = Dictionary(sub.diagram.devices.map { ($0.id, $0.role) }) { a, _ in a }
                let declaredThere = sub.diagram.links.contains { l in
                    for (mine, other) in [(l.a, l.b), (l.b, l.a)] where mine.device == decl.id && mine.port.map({ PortName.same($0, e.port) }) == true {
                        if let r = roles[other.device], [.switch_, .accessPoint, .router, .firewall].contains(r) { return true }
                    }
                    return false
                }
                if declaredThere { continue }
            }
            let macs = e.macs.sorted()
            out.append(Detection(code: .unmanagedSwitchSuspected, pd: pd, subject: FindingSubject(device: dev.name, port: e.port),
                                 message: "\(macs.count) MACs are learnt behind access port \(dev.name):\(e.port) and no managed switch is there",
                                 evidence: [Evidence(source: "fdb", firstSeen: dev.firstSeen, lastSeen: dev.lastSeen,
                                                     details: ["macs": String(macs.count), "sample": macs.prefix(6).map(\.description).joined(separator: ","),
                                                               "vlans": e.vlans.sorted().map(String.init).joined(separator: ",")])]))
        }
        // A capture point (a mirrored access port) with several MACs and no managed switch there:
        // nothing announces itself, or only devices the PD neither declares nor Pantau polls.
        for cp in observed.capturePoints where cp.macs.count >= threshold {
            let managed = cp.announcers.contains { key in deviceByKey[key]?.polled == true || matchOf[key] != nil }
            let pd = cp.pd ?? cp.vlan.flatMap { v in segments.first { $0.vlans.contains(v) }?.pd }
            guard !managed, let pd, diagrams[pd] != nil else { continue }
            let macs = cp.macs  // a capture point may see 100,000: only the sample's six are put in order
            out.append(Detection(code: .unmanagedSwitchSuspected, pd: pd, subject: FindingSubject(device: cp.name, detail: cp.vlan.map { "vlan \($0)" }),
                                 message: "\(macs.count) MACs are sampled at capture point \(cp.name)\(cp.vlan.map { " (VLAN \($0))" } ?? "") and no managed switch is there (\(cp.announcers.isEmpty ? "nothing announces itself by LLDP, CDP or STP" : "only undeclared devices announce themselves"))",
                                 evidence: [Evidence(source: "sampling", firstSeen: cp.firstSeen, lastSeen: cp.lastSeen,
                                                     details: ["macs": String(macs.count), "sample": Reconciler.smallest(6, of: macs).map(\.description).joined(separator: ","),
                                                               "announcers": cp.announcers.sorted().joined(separator: ",")])]))
        }
        return out
    }

    // MARK: rogue-dhcp

    func rogueDHCP() -> [Detection] {
        var gateways = Set<IPAddress>()
        for sub in diagrams.values { for v in sub.diagram.vlans { if let g = v.gateway.flatMap(IPAddress.init) { gateways.insert(g) } } }
        let byMAC = observed.deviceIndexByMAC()
        var out: [Detection] = []
        for s in observed.dhcpServers {
            if index.declared(mac: s.mac) != nil || index.declared(ip: s.server) != nil || gateways.contains(s.server) { continue }
            if let i = byMAC[s.mac], matchOf[observed.devices[i].key] != nil { continue }
            let pd = s.pd ?? s.vlan.flatMap { v in segments.first { $0.vlans.contains(v) }?.pd }
            out.append(Detection(code: .rogueDHCP, pd: pd, subject: FindingSubject(mac: s.mac.description, address: s.server.description, detail: s.vlan.map { "vlan \($0)" }),
                                 message: "DHCP server \(s.server) (\(s.mac)) answers\(s.vlan.map { " on VLAN \($0)" } ?? "") at \(s.capturePoint); no diagram declares it",
                                 evidence: [Evidence(source: "sampling dhcp", firstSeen: s.firstSeen, lastSeen: s.lastSeen,
                                                     details: ["capture_point": s.capturePoint, "replies": String(s.replies)])]))
        }
        return out
    }

    // MARK: unknown-endpoint and wrong-segment

    func endpoints() -> [Detection] {
        var declaredNets: [String: SubnetIndex] = [:]
        var all: [(IPNetwork, String)] = []
        for (pd, sub) in diagrams {
            let nets = sub.diagram.vlans.compactMap { $0.subnet.flatMap { IPNetwork($0) } }.map { ($0, pd) }
            if !nets.isEmpty { declaredNets[pd] = SubnetIndex(nets) }
            all += nets
        }
        let allDeclared = SubnetIndex(all)
        let deviceByKey = Dictionary(observed.devices.map { ($0.key, $0) }) { a, _ in a }
        let registered = Dictionary(input.registry.pds.map { ($0.code, $0.subnets) }) { a, _ in a }
        let registeredByPD = Dictionary(input.registry.pds.map { pd in (pd.code, SubnetIndex(pd.subnets.map { ($0, pd.code) })) }) { a, _ in a }
        var out: [Detection] = []
        for h in observed.hosts where !h.addresses.isEmpty {
            if index.declared(mac: h.mac) != nil { continue }
            // Where it is plugged in: a PD's switch (edge port), else a VLAN the registry gives a PD.
            var locationPD: String?, place: String?
            if let pl = h.placement, pl.edge, let dev = deviceByKey[pl.device] {
                locationPD = pd(of: dev)
                place = "\(dev.name):\(pl.port ?? "?")"
            } else if let v = h.vlan, let seg = segments.first(where: { $0.vlans.contains(v) }) {
                locationPD = seg.pd
                place = "VLAN \(v)"
            }
            for (ip, source) in (h.addresses.count == 1 ? Array(h.addresses) : h.addresses.sorted(by: { $0.key < $1.key })) where ip.isV4 {
                if index.declared(ip: ip) != nil { continue }
                // Decide first; the evidence is built only for a finding (most hosts are fine).
                var code: FindingCode?, pd: String?, message = ""
                if let loc = locationPD, let nets = registered[loc], registeredByPD[loc]?.contains(ip) != true {
                    (code, pd) = (.wrongSegment, loc)
                    message = "\(h.mac) uses \(ip) at \(place ?? "?"), outside \(loc)'s registered subnets (\(nets.map(\.description).joined(separator: ", ")))"
                } else if let owner = registeredIndex.owner(of: ip) {
                    // In a PD's subnets: unknown only when that PD's diagram declares VLAN subnets and none holds it.
                    guard let nets = declaredNets[owner], !nets.contains(ip) else { continue }
                    (code, pd) = (.unknownEndpoint, owner)
                    message = "\(h.mac) uses \(ip), in none of the VLAN subnets \(owner)'s diagram declares"
                } else if !allDeclared.contains(ip) {
                    if h.placement == nil, h.capturePoint != nil, sampledPD(h) != nil { continue }
                    (code, pd) = (.unknownEndpoint, locationPD)
                    message = "\(h.mac) uses \(ip), outside every registered and declared segment"
                }
                guard let code else { continue }
                var det = ["address_source": source]
                det["plugged_in"] = place
                det["capture_point"] = h.capturePoint
                det["vendor"] = h.vendor
                out.append(Detection(code: code, pd: pd, subject: FindingSubject(mac: h.mac.description, address: ip.description), message: message,
                                     evidence: [Evidence(source: source.hasPrefix("sampling") ? "sampling" : "arp", firstSeen: h.firstSeen,
                                                         lastSeen: h.lastSeen, details: det)]))
            }
        }
        return out
    }

    /// The PD sampling attributed a host to (its PD map), when the registry has no subnet for it.
    func sampledPD(_ h: ObservedNetwork.Host) -> String? { h.sampledPD }

    // MARK: diagram-overdue

    func diagramOverdue() -> [Detection] {
        guard let profile = input.profile, profile.diagramFreshness.enabled else { return [] }
        return profile.diagramStatus(registry: input.registry, latest: input.submissions, duties: input.changeDuties, now: now)
            .filter { $0.duty.isFlagged }
            .map { row in
                let d = row.duty
                let message = d.state == .neverSubmitted
                    ? "no LAN diagram was ever submitted"
                    : "latest diagram v\(row.latestVersion ?? 0) of \(d.latest?.description ?? "?") was due by \(d.dueDate?.description ?? "?")"
                var det = ["state": d.state.rawValue, "mode": profile.diagramFreshness.mode.rawValue]
                det["latest_version"] = row.latestVersion.map(String.init)
                det["due"] = d.dueDate?.description
                // No age and no "now" in the finding: it stays the same, unwritten, while the diagram stays overdue.
                return Detection(code: .diagramOverdue, pd: row.pd, subject: FindingSubject(detail: "lan-diagram"), message: message,
                                 evidence: [Evidence(source: "profile", firstSeen: input.submissions[row.pd]?.submittedAt, details: det)])
            }
    }

    // MARK: out-of-authority

    func outOfAuthority() -> [Detection] {
        guard let profile = input.profile, profile.mandiriTIK.enabled, profile.network.wanOperator == .dinas,
              profile.network.lanRule == .dinasDefaultMandiriMaySelf else { return [] }
        let mandiri = Set(input.registry.pds.filter { $0.mandiriTIK.designated }.map(\.code))
        guard !mandiri.isEmpty else { return [] }
        // Every registered boundary router, by address and name, with its PD.
        var routerByIP: [IPAddress: (String, String)] = [:], routerByName: [String: (String, String)] = [:]
        for pd in input.registry.pds {
            for r in pd.boundaryRouters {
                if let ip = r.managementIP { routerByIP[ip] = (pd.code, r.name) }
                routerByName[r.name.lowercased()] = (pd.code, r.name)
            }
        }
        var out: [Detection] = []
        // Declared in a PD Mandiri TIK's diagram: another PD's boundary router, or a device on the
        // upstream side of its own boundary router's WAN port.
        for (pd, sub) in diagrams.sorted(by: { $0.key < $1.key }) where mandiri.contains(pd) {
            let d = sub.diagram
            for dev in d.devices {
                let hit = dev.managementIP.flatMap(IPAddress.init).flatMap { routerByIP[$0] } ?? routerByName[dev.id.lowercased()]
                    ?? dev.name.flatMap { routerByName[$0.lowercased()] }
                if let (owner, name) = hit, owner != pd {
                    out.append(Detection(code: .outOfAuthority, pd: pd, subject: FindingSubject(device: dev.id),
                                         message: "\(pd) (PD Mandiri TIK) declares \(dev.id), the boundary router \(name) of \(owner): WAN, run by the Dinas",
                                         evidence: [Evidence(source: "diagram", firstSeen: sub.submittedAt, details: ["wan_device": name, "wan_of": owner, "diagram_version": String(sub.version)])]))
                }
            }
            if let b = d.boundary, let wan = b.wanPort {
                for l in d.links {
                    for (mine, other) in [(l.a, l.b), (l.b, l.a)] where mine.device == b.router && mine.port.map({ PortName.same($0, wan) }) == true {
                        out.append(Detection(code: .outOfAuthority, pd: pd, subject: FindingSubject(device: other.device),
                                             message: "\(pd) (PD Mandiri TIK) declares \(other.device) beyond its boundary router's WAN port \(b.router):\(wan): WAN, run by the Dinas",
                                             evidence: [Evidence(source: "diagram", firstSeen: sub.submittedAt, details: ["boundary": "\(b.router):\(wan)", "diagram_version": String(sub.version)])]))
                    }
                }
            }
        }
        // Collected for a PD Mandiri TIK: another PD's boundary router.
        for d in observed.devices where d.polled {
            guard let pd = d.pd, mandiri.contains(pd) else { continue }
            let hit = d.addresses.sorted().lazy.compactMap { routerByIP[$0] }.first ?? d.sysName.flatMap { routerByName[$0.lowercased()] } ?? routerByName[d.name.lowercased()]
            if let (owner, name) = hit, owner != pd {
                out.append(Detection(code: .outOfAuthority, pd: pd, subject: FindingSubject(device: d.name),
                                     message: "\(d.name) is collected for \(pd) (PD Mandiri TIK) but is the boundary router \(name) of \(owner): WAN, run by the Dinas",
                                     evidence: deviceEvidence(d) + [Evidence(source: "registry", details: ["wan_device": name, "wan_of": owner])]))
            }
        }
        return out
    }
}

extension Reconciler {
    /// The `n` smallest MACs of a set, in order (`set.sorted().prefix(n)` without sorting it all).
    public static func smallest(_ n: Int, of set: Set<MACAddress>) -> [MACAddress] {
        var out: [MACAddress] = []
        out.reserveCapacity(n + 1)
        for m in set where out.count < n || m < out[out.count - 1] {
            let at = out.firstIndex { m < $0 } ?? out.count
            out.insert(m, at: at)
            if out.count > n { out.removeLast() }
        }
        return out
    }

    /// A declared firmware agrees with a reported version when its numbers and words, in
    /// order, begin the reported one's, ignoring case, a leading "v" and punctuation: "7.14"
    /// matches "7.14.2 (stable)", "V200R019C10" matches "V200R019C10SPC800"; "7.1" does not
    /// match "7.14.2", nor "7.14" "6.7.14". A declaration with nothing to compare never drifts.
    public static func sameFirmware(_ declared: String, _ reported: String) -> Bool {
        func parts(_ s: String) -> [String] {
            var out: [String] = [], cur = "", digits = false
            for ch in s.lowercased() {
                if ch.isNumber || ch.isLetter {
                    if !cur.isEmpty && ch.isNumber != digits { out.append(cur); cur = "" }
                    cur.append(ch); digits = ch.isNumber
                } else if !cur.isEmpty { out.append(cur); cur = "" }
            }
            if !cur.isEmpty { out.append(cur) }
            if out.first == "v" { out.removeFirst() }
            return out.map { p in p.allSatisfy(\.isNumber) ? String(Int(p.prefix(18)) ?? 0) : p }
        }
        let want = parts(declared), got = parts(reported)
        guard !want.isEmpty, !got.isEmpty else { return true }
        // The reported string may carry a prefix ("RouterOS 7.14.2", "Version 15.2(4)E"): the declared run may start
        // anywhere but inside a number ("7.14" is not in "6.7.14").
        guard want.count <= got.count else { return false }
        func numeric(_ p: String) -> Bool { p.allSatisfy(\.isNumber) }
        return (0...(got.count - want.count)).contains { i in
            Array(got[i..<(i + want.count)]) == want && (i == 0 || !(numeric(got[i - 1]) && numeric(want[0])))
        }
    }
}

import Foundation
import Governance

/// Where a code's legal basis comes from in a regional profile.
public enum BasisSource: String, Sendable, Hashable, Codable {
    /// The yearly LAN diagram duty (`checks.lan_diagram_freshness`): the diagram must show the
    /// LAN as it is. Dinas policy when the profile has no such duty (regulations.md R16, R19).
    case diagramDuty = "diagram_duty"
    /// The change-report duty (`checks.lan_change_report`, R17).
    case changeReport = "change_report"
    /// Who may run what (`mandiri_tik`: Lebong P21(5)(b), R8).
    case mandiriTIK = "mandiri_tik"
    /// The WAN/LAN rule (`network`).
    case network
    /// Bandwidth allocated with the Dinas's approval (`checks.bandwidth_approval`: Lebong
    /// P24(4), R25).
    case bandwidthApproval = "bandwidth_approval"
    /// No Perbup provision: the Dinas's own policy (R2).
    case dinasPolicy = "dinas_policy"
}

/// The documentation of one finding code: written once, printed by
/// `pantau findings explain CODE`, rendered into docs/findings.md.
public struct FindingDoc: Sendable, Hashable, Codable {
    public var code: FindingCode
    /// The Indonesian label an operator sees in reports.
    public var label: String
    public var severity: Severity
    public var meaning: String
    public var evidence: String
    public var resolve: String
    public var basis: BasisSource
    /// Which check emits it (`reconcile`, or the check that slots it in).
    public var emittedBy: String
}

/// Every finding code Pantau knows, as data.
public enum FindingCatalog {
    public static let all: [FindingDoc] = [
        FindingDoc(
            code: .unregisteredDevice, label: "Perangkat tidak terdaftar", severity: .warning,
            meaning: "Network infrastructure is seen that the PD's latest diagram does not declare: a device that answers SNMP, or announces itself by LLDP, CDP or STP, on a PD's LAN.",
            evidence: "The polled inventory (target, sysName, serial, model) or the LLDP/CDP/STP announcement (chassis, system name, the switch port or capture point that heard it), with first and last seen.",
            resolve: "Add the device to the PD's diagram and submit it (pantau diagram submit); or, if it is not the PD's, move the collection target to its PD. Reconciliation then matches it and the finding resolves.",
            basis: .diagramDuty, emittedBy: "reconcile"),
        FindingDoc(
            code: .unmanagedSwitchSuspected, label: "Dugaan switch tak terkelola", severity: .warning,
            meaning: "Several MAC addresses are learnt behind one access (edge) port of a managed switch, or seen at one capture point, with no managed switch there: an unmanaged switch or hub is probably plugged in.",
            evidence: "The switch, port, VLAN and the MACs its forwarding table holds on that port (or the capture point and the MACs sampled there), with no LLDP/CDP/STP neighbour and no declared switch at that port.",
            resolve: "Find what is plugged into the port. Declare the switch in the diagram (a link to that port), replace it with a managed one, or allow-list the port's MACs with a reason (pantau findings suppress).",
            basis: .dinasPolicy, emittedBy: "reconcile"),
        FindingDoc(
            code: .rogueDHCP, label: "Server DHCP liar", severity: .error,
            meaning: "A DHCP server answers on a PD's LAN that no diagram declares (not a declared device's address or MAC, not a declared VLAN gateway).",
            evidence: "Packet sampling: the server's address and MAC, VLAN, capture point, the number of replies, first and last seen.",
            resolve: "Unplug or disable the server (often a home router plugged in backwards), or declare it in the PD's diagram if it is the PD's own.",
            basis: .dinasPolicy, emittedBy: "reconcile"),
        FindingDoc(
            code: .unknownEndpoint, label: "Perangkat akhir tak dikenal", severity: .info,
            meaning: "An end host uses an address outside every declared segment: in no PD's registered subnets and no declared VLAN subnet, or in a PD's subnets but in none of the VLAN subnets its diagram declares (possibly a personal device, BYOD).",
            evidence: "The MAC and address from ARP tables or sampled ARP/DHCP, where it is plugged in when known (switch and edge port), first and last seen.",
            resolve: "Identify the host. Declare the segment in the PD's diagram, fix its addressing, or allow-list its MAC with a reason.",
            basis: .dinasPolicy, emittedBy: "reconcile"),
        FindingDoc(
            code: .missingDevice, label: "Perangkat tidak terlihat", severity: .warning,
            meaning: "A device the PD's diagram declares (one that should be visible: it answers SNMP, or has a management address or MAC) has not been seen for the configured number of days (default 7).",
            evidence: "The declared device (diagram version, id, identifiers), when it was last seen, if ever, and the date it has not been seen since (not_seen_since, in the profile's time zone; a date, not a count of days, so the finding is not rewritten every day).",
            resolve: "Check whether the device was removed or is down. Remove it from the diagram if it is gone, or restore it or its SNMP access.",
            basis: .diagramDuty, emittedBy: "reconcile"),
        FindingDoc(
            code: .linkMismatch, label: "Sambungan tidak sesuai diagram", severity: .warning,
            meaning: "A declared link is not seen, is seen on other ports, or a link between two declared devices is seen but not declared. Links are seen by LLDP/CDP.",
            evidence: "The declared link (device:port on each side) and what LLDP/CDP reports (the local port, the neighbour and its port).",
            resolve: "Correct the diagram's link or the cabling, then submit the diagram again.",
            basis: .diagramDuty, emittedBy: "reconcile"),
        FindingDoc(
            code: .attributeDrift, label: "Atribut berbeda dari diagram", severity: .warning,
            meaning: "A device matched to the diagram reports another model, serial or firmware than the diagram declares (firmware: the declared version's numbers, in order, must appear in the reported version, so 7.14 matches 7.14.2 but not 7.1.5).",
            evidence: "The rule that matched (serial, MAC, management address or name), the declared value and the value the device reports by SNMP.",
            resolve: "Correct the diagram (a swapped device, a typo) or find out why the hardware changed.",
            basis: .diagramDuty, emittedBy: "reconcile"),
        FindingDoc(
            code: .wrongSegment, label: "Alamat di luar segmen PD", severity: .warning,
            meaning: "A host plugged into a PD's LAN (a switch of that PD, or a VLAN the registry assigns to it) uses an address outside that PD's registered subnets.",
            evidence: "The MAC, its address (ARP or sampled ARP/DHCP), the switch and port or VLAN that places it in the PD, and the PD's registered subnets.",
            resolve: "Readdress the host, or correct the PD registry's subnets (pantau registry load).",
            basis: .dinasPolicy, emittedBy: "reconcile"),
        FindingDoc(
            code: .diagramOverdue, label: "Diagram LAN terlambat", severity: .error,
            meaning: "Under a profile with the yearly LAN diagram duty, the PD's latest diagram is past its due date, or none was ever submitted.",
            evidence: "The latest version and its date and its due date under the profile's mode (rolling months or calendar year); no age, so the finding is not rewritten every day.",
            resolve: "The PD (or the Dinas on its behalf) submits a current diagram: pantau diagram submit --pd PD FILE.",
            basis: .diagramDuty, emittedBy: "reconcile"),
        FindingDoc(
            code: .changeUnreported, label: "Perubahan LAN belum dilaporkan", severity: .warning,
            meaning: "Under a profile with the change-report duty, the LAN changed after the PD's latest diagram (a device added or gone, a link or attribute changed) and no new diagram was submitted since. A change-report duty is opened for the PD.",
            evidence: "The change findings first seen after the latest diagram, and that diagram's version and date.",
            resolve: "The PD submits a diagram that shows the change; that closes the duty and, once the diagram matches, the findings.",
            basis: .changeReport, emittedBy: "reconcile"),
        FindingDoc(
            code: .outOfAuthority, label: "Di luar kewenangan", severity: .error,
            meaning: "Under a profile where the Dinas runs the WAN up to each PD router and a PD Mandiri TIK may run only its own LAN (Lebong), a PD Mandiri TIK appears as the managing party of a WAN device: another PD's boundary router, or a device beyond its own boundary router's WAN port.",
            evidence: "The device, how it is tied to the PD (its diagram declares it, or its collection target is assigned to the PD) and why it is WAN (the registry's boundary router of another PD, or the upstream side of the boundary).",
            resolve: "Hand the device to the Dinas (move it out of the PD's diagram and collection), or correct the registry.",
            basis: .mandiriTIK, emittedBy: "reconcile"),
        FindingDoc(
            code: .belowSpec, label: "Di bawah spesifikasi Lampiran", severity: .warning,
            meaning: "A device is below a minimum of the loaded spec annex for its class (CPU, memory, storage, port speed or count, PoE, SNMPv3, firmware, UPS VA); split by acquisition date before or after the regulation took effect.",
            evidence: "The annex (source document, effective date, row), the minimum and the device's value with where it came from (SNMP, the diagram, the model catalogue).",
            resolve: "Plan the device's replacement, or correct the facts the assessment used.",
            basis: .dinasPolicy, emittedBy: "spec annex assessment"),
        FindingDoc(
            code: .specUnknown, label: "Tidak dapat dinilai", severity: .info,
            meaning: "A device cannot be assessed against the spec annex: no annex is loaded (Pantau ships none), or a fact the annex needs is unknown. Never reported as a pass.",
            evidence: "The annex (or its absence) and the facts that are missing.",
            resolve: "Load the regency's annex, or supply the missing facts (the diagram's declared facts, the model catalogue).",
            basis: .dinasPolicy, emittedBy: "spec annex assessment"),
        FindingDoc(
            code: .bandwidthOverAllocation, label: "Melebihi alokasi bandwidth", severity: .warning,
            meaning: "A PD's uplink traffic (the 95th percentile of its 5-minute samples, the larger of in and out) is above the configured share of the bandwidth the Dinas approved for it, over the period reported.",
            evidence: "The period, the 95th percentile and the approved Mbit/s with its approval reference, the uplinks measured (boundary router and interface from the registry).",
            resolve: "Ask the Dinas to approve a larger allocation (and record it in the registry), or find and reduce the traffic (pantau talkers --pd).",
            basis: .bandwidthApproval, emittedBy: "pantau traffic --record"),
        FindingDoc(
            code: .bandwidthUnapproved, label: "Bandwidth tanpa persetujuan", severity: .warning,
            meaning: "Traffic flows on a PD's uplink but the registry records no approved bandwidth for the PD.",
            evidence: "The period and the traffic measured on the PD's uplinks.",
            resolve: "Record the Dinas's approval (bandwidth.approved_mbps, reference and date) in the registry, or stop the traffic.",
            basis: .bandwidthApproval, emittedBy: "pantau traffic --record"),
        FindingDoc(
            code: .uplinkUnmonitored, label: "Uplink tidak terpantau", severity: .info,
            meaning: "A PD's uplink declared in the registry has no traffic series: the router is not polled, or its uplink names no interface the router has.",
            evidence: "The boundary router, the target and uplink the registry names.",
            resolve: "Add the router to the collector's targets, or correct target and uplink in the registry.",
            basis: .dinasPolicy, emittedBy: "pantau traffic --record"),
    ]

    public static let byCode: [FindingCode: FindingDoc] = Dictionary(all.map { ($0.code, $0) }) { a, _ in a }

    public static func doc(_ code: FindingCode) -> FindingDoc? { byCode[code] }

    /// The legal basis of a code under a profile: the profile's citation for the duty the
    /// code rests on, or Dinas policy (no citation) when the profile has none or no profile
    /// is active.
    public static func basis(for code: FindingCode, profile: RegionalProfile?) -> Basis {
        guard let profile, let doc = byCode[code] else { return .dinasPolicy }
        switch doc.basis {
        case .diagramDuty: return profile.diagramFreshness.enabled ? profile.diagramFreshness.basis : .dinasPolicy
        case .changeReport: return profile.changeReport.enabled ? profile.changeReport.basis : .dinasPolicy
        case .mandiriTIK: return profile.mandiriTIK.enabled ? profile.mandiriTIK.basis : .dinasPolicy
        case .network: return profile.network.basis
        case .bandwidthApproval:
            guard let check = profile.otherChecks["bandwidth_approval"], check.enabled else { return .dinasPolicy }
            return check.basis
        case .dinasPolicy: return .dinasPolicy
        }
    }

    /// A code's severity under a basis: the catalogue's, but never above `warning` when the
    /// provision is advisory ("dapat", regulations.md R3).
    public static func severity(for code: FindingCode, basis: Basis) -> Severity {
        let base = byCode[code]?.severity ?? .warning
        if let c = basis.citation, !c.strength.isMandatory { return min(base, .warning) }
        return base
    }

    /// The text `pantau findings explain CODE` prints: the documentation and the basis under
    /// each profile given (sorted by id).
    public static func explain(_ doc: FindingDoc, profiles: [RegionalProfile]) -> String {
        var s = "\(doc.code) — \(doc.label)\n"
        s += "severity: \(doc.severity.rawValue) (at most warning when the provision is \"dapat\"); emitted by: \(doc.emittedBy)\n\n"
        s += "Meaning: \(doc.meaning)\n\nEvidence: \(doc.evidence)\n\nHow to resolve: \(doc.resolve)\n\nLegal basis by profile:\n"
        for p in profiles.sorted(by: { $0.id < $1.id }) {
            s += "  \(p.id.padding(toLength: 10, withPad: " ", startingAt: 0)) \(basis(for: doc.code, profile: p))\n"
        }
        if profiles.isEmpty { s += "  (no profiles given) \(Basis.policyLabel)\n" }
        return s
    }

    /// The findings reference (docs/findings.md): every code with its documentation and its
    /// basis under each profile, as one Markdown file.
    public static func markdown(_ docs: [FindingDoc], profiles: [RegionalProfile]) -> String {
        var s = "# Findings reference\n\nGenerated by `pantau findings explain --markdown` from the catalogue in "
        s += "`Sources/Reconciliation/FindingCatalog.swift` and the profiles in `config/profiles/`; do not edit by hand.\n"
        s += "A finding's severity is at most `warning` when its provision is worded \"dapat\" (regulations.md R3); with no "
        s += "provision it carries the label \"\(Basis.policyLabel)\" and no citation.\n"
        let sorted = profiles.sorted { $0.id < $1.id }
        for d in docs {
            s += "\n## `\(d.code)` — \(d.label)\n\n"
            s += "Severity: \(d.severity.rawValue). Emitted by: \(d.emittedBy).\n\n"
            s += "**Meaning.** \(d.meaning)\n\n**Evidence.** \(d.evidence)\n\n**How to resolve.** \(d.resolve)\n\n"
            s += "| profile | legal basis |\n|---|---|\n"
            for p in sorted { s += "| \(p.id) | \(basis(for: d.code, profile: p)) |\n" }
        }
        return s
    }
}

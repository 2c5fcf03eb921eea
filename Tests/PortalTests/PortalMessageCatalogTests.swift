import Foundation
import Governance
import Reconciliation
import Testing
@testable import Portal

/// The portal's message catalog: every code the diagram checks can report has its words in
/// both languages, naming exactly the code's parameters.
@Suite("Portal message catalog")
struct PortalMessageCatalogTests {
    /// Values a page fills in itself (the profile's Dinas), beside a code's parameters.
    static let pageValues: Set<String> = ["dinas"]

    @Test func everyDiagramCheckCodeHasBothLanguagesWithItsParameters() {
        for code in DiagramIssueCode.allCases {
            let m = DiagramMessages.message(code)
            for lang in PortalLanguage.allCases {
                let (text, todo) = (m.text(lang), m.todo(lang))
                #expect(!text.isEmpty && !todo.isEmpty, "\(code.rawValue) has no \(lang.rawValue) words")
                let named = Set(MessageTemplate.placeholders(text + " " + todo))
                #expect(named.subtracting(Self.pageValues) == Set(code.parameters),
                        "\(code.rawValue) in \(lang.rawValue) names \(named.sorted()), the code carries \(code.parameters)")
                // A message names what it is about: every parameter but the long lists appears in the sentence itself.
                let inText = Set(MessageTemplate.placeholders(text))
                #expect(Set(code.parameters).subtracting(["allowed"]).isSubset(of: inText), "\(code.rawValue) in \(lang.rawValue): \(text)")
                let values = Dictionary(uniqueKeysWithValues: (code.parameters + Self.pageValues).map { ($0, "«\($0)»") })
                let filled = MessageTemplate.fill(text, values)
                #expect(filled != nil && filled?.contains("{") == false, "\(code.rawValue): \(filled ?? text)")
            }
            #expect(m.id != m.en && m.idTodo != m.enTodo, "\(code.rawValue): the Indonesian is the English")
        }
    }

    @Test func everyFindingCodeHasBothLanguagesWithItsParameters() {
        #expect(Set(FindingMessages.variants.keys).isSubset(of: Set(FindingCatalog.all.map(\.code))), "a variant for a code the catalogue does not know")
        for doc in FindingCatalog.all {
            let variants = FindingMessages.variants[doc.code] ?? []
            #expect(!variants.isEmpty, "finding code \(doc.code) has no words in the portal")
            for variant in variants {
                let m = variant.message
                for lang in PortalLanguage.allCases {
                    let (text, todo) = (m.text(lang), m.todo(lang))
                    #expect(!text.isEmpty && !todo.isEmpty, "\(doc.code)/\(variant.name) has no \(lang.rawValue) words")
                    let named = Set(MessageTemplate.placeholders(text + " " + todo)).subtracting(Self.pageValues)
                    #expect(named == Set(variant.params), "\(doc.code)/\(variant.name) in \(lang.rawValue) names \(named.sorted()), needs \(variant.params)")
                    #expect(Set(variant.params).isSubset(of: Set(MessageTemplate.placeholders(text))), "\(doc.code)/\(variant.name): \(text)")
                }
                #expect(m.id != m.en && m.idTodo != m.enTodo, "\(doc.code)/\(variant.name): the Indonesian is the English")
            }
        }
    }

    static func finding(_ code: FindingCode, _ subject: FindingSubject, _ evidence: [Evidence]) -> Finding {
        Finding(key: "k", code: code, severity: .warning, pd: "BAPPEDA", subject: subject, message: "the check's English", evidence: evidence,
                basis: .dinasPolicy, status: .open, firstSeen: Date(timeIntervalSince1970: 0), lastSeen: Date(timeIntervalSince1970: 0))
    }

    /// Findings holding what each check records (its subject and evidence, as Reconciler,
    /// TrafficReports and SpecOperations build them): every one is said in both languages.
    static let recorded: [Finding] = [
        finding(.unregisteredDevice, FindingSubject(device: "sw-gudang"), [Evidence(source: "snmp", details: ["target": "sw-gudang", "model": "CBS350"])]),
        finding(.unregisteredDevice, FindingSubject(mac: "74:83:c2:00:00:01", detail: "oui"), [Evidence(source: "fdb", details: ["vendor": "Ubiquiti Inc", "addresses": "10.21.1.7"])]),
        finding(.unmanagedSwitchSuspected, FindingSubject(device: "sw-core", port: "Gi1/0/7"), [Evidence(source: "fdb", details: ["macs": "6", "sample": "a,b", "vlans": "30"])]),
        finding(.unmanagedSwitchSuspected, FindingSubject(device: "cap-lt2", detail: "vlan 30"), [Evidence(source: "sampling", details: ["macs": "5", "sample": "a", "announcers": ""])]),
        finding(.rogueDHCP, FindingSubject(mac: "00:11:22:33:44:55", address: "192.168.0.1", detail: "vlan 30"),
                [Evidence(source: "sampling dhcp", details: ["capture_point": "cap-lt2", "replies": "4"])]),
        finding(.unknownEndpoint, FindingSubject(mac: "00:11:22:33:44:56", address: "10.21.3.9"), [Evidence(source: "arp", details: ["address_source": "arp"])]),
        finding(.missingDevice, FindingSubject(device: "ap-lobby"), [Evidence(source: "diagram", details: ["diagram_version": "2", "declared_role": "access_point"])]),
        finding(.linkMismatch, FindingSubject(device: "sw-core", port: "Gi1/0/1", detail: "link x"),
                [Evidence(source: "lldp", details: ["declared": "sw-core:Gi1/0/1 <-> sw-lt2:24", "seen": "sw-core:Gi1/0/2 <-> sw-lt2:24", "diagram_version": "2"])]),
        finding(.linkMismatch, FindingSubject(device: "sw-core", port: "Gi1/0/1", detail: "link x"),
                [Evidence(source: "diagram", details: ["declared": "sw-core:Gi1/0/1 <-> sw-lt2:24", "diagram_version": "2"])]),
        finding(.linkMismatch, FindingSubject(device: "sw-core", port: "Gi1/0/9", detail: "seen sw-lt3"),
                [Evidence(source: "lldp", details: ["seen": "sw-core:Gi1/0/9 <-> sw-lt3:1", "reported_by": "sw-core"])]),
        finding(.attributeDrift, FindingSubject(device: "sw-core", detail: "model"),
                [Evidence(source: "snmp", details: ["attribute": "model", "declared": "WS-C2960X", "observed": "CBS350", "target": "sw-core"])]),
        finding(.wrongSegment, FindingSubject(mac: "00:11:22:33:44:57", address: "192.168.1.20"),
                [Evidence(source: "arp", details: ["address_source": "arp", "plugged_in": "sw-lt2:5"])]),
        finding(.diagramOverdue, FindingSubject(detail: "lan-diagram"), [Evidence(source: "profile", details: ["state": "overdue", "mode": "rolling",
                                                                                                            "latest_version": "1", "due": "2026-01-31"])]),
        finding(.diagramOverdue, FindingSubject(detail: "lan-diagram"), [Evidence(source: "profile", details: ["state": "never_submitted", "mode": "rolling"])]),
        finding(.changeUnreported, FindingSubject(detail: "lan-change"), [Evidence(source: "reconcile", details: ["changes": "3", "diagram_version": "2"])]),
        finding(.outOfAuthority, FindingSubject(device: "rtr-dinkes"),
                [Evidence(source: "diagram", details: ["wan_device": "rtr-dinkes", "wan_of": "DINKES", "diagram_version": "2"])]),
        finding(.outOfAuthority, FindingSubject(device: "isp-modem"), [Evidence(source: "diagram", details: ["boundary": "rtr-bappeda:ether1", "diagram_version": "2"])]),
        finding(.outOfAuthority, FindingSubject(device: "rtr-dinkes"), [Evidence(source: "snmp", details: ["target": "rtr-dinkes"]),
                                                                        Evidence(source: "registry", details: ["wan_device": "rtr-dinkes", "wan_of": "DINKES"])]),
        finding(.belowSpec, FindingSubject(device: "pc-01"), [Evidence(source: "spec annex", details: ["annex": "x", "from": "diagram", "acquired": "after",
                                                                                                     "memory": "4 GB < 8 GB"])]),
        finding(.specUnknown, FindingSubject(device: "pc-02"), [Evidence(source: "spec annex", details: ["annex": "none loaded", "from": "diagram",
                                                                                                       "acquired": "unknown", "device": "no annex"])]),
        finding(.bandwidthOverAllocation, FindingSubject(device: "rtr-bappeda", port: "WAN Telkom"),
                [Evidence(source: "traffic", details: ["period": "2026-11 (WITA)", "approved_mbps": "50", "p95_bps": "78000000", "allocation_share": "1.0"])]),
        finding(.bandwidthUnapproved, FindingSubject(device: "rtr-bappeda", port: "WAN Telkom"),
                [Evidence(source: "traffic", details: ["period": "2026-11 (WITA)", "allocation_share": "1.0"])]),
        finding(.uplinkUnmonitored, FindingSubject(device: "rtr-bappeda", port: "WAN Telkom"),
                [Evidence(source: "traffic", details: ["period": "2026-11 (WITA)", "allocation_share": "1.0"])]),
        finding(.missingDevice, FindingSubject(device: "sw-gone"),
                [Evidence(source: "diagram", details: ["diagram_version": "1", "declared_role": "switch", "not_seen_since": "2026-11-02"])]),
    ]

    @Test func recordedFindingsAreSaidInBothLanguages() {
        #expect(Set(Self.recorded.map(\.code)) == Set(FindingCatalog.all.map(\.code)), "a code with no recorded example here")
        for f in Self.recorded {
            for lang in PortalLanguage.allCases {
                let said = FindingMessages.said(f, lang: lang, dinas: "Dinas Kominfo")
                #expect(said != nil && said?.text.contains("{") == false && said?.text != f.message, "\(f.code) \(f.subject) in \(lang.rawValue)")
            }
        }
        // Every way a code reads is the one some recorded finding reads as.
        let used = Set(Self.recorded.compactMap { f in FindingMessages.variant(f).map { "\(f.code)/\($0.name)" } })
        let all = Set(FindingMessages.variants.flatMap { code, vs in vs.map { "\(code)/\($0.name)" } })
        #expect(used == all, "variants no recorded finding reads as: \(all.subtracting(used).sorted())")
        let link = FindingMessages.said(Self.recorded[8], lang: .id, dinas: "Dinas Kominfo")
        #expect(link?.text == "Sambungan sw-core:Gi1/0/1 <-> sw-lt2:24 di diagram tidak terlihat oleh LLDP/CDP.")
        let never = FindingMessages.said(Self.recorded[13], lang: .en, dinas: "Dinas Kominfo")
        #expect(never?.text == "This PD has never submitted a LAN diagram.")
        let over = FindingMessages.said(Self.recorded[20], lang: .id, dinas: "Dinas Kominfo")
        #expect(over?.text.contains("78 Mbit/s melebihi bandwidth yang disetujui, 50 Mbit/s") == true && over?.todo.contains("Dinas Kominfo") == true)
        let gone = FindingMessages.said(Self.recorded[23], lang: .id, dinas: "Dinas Kominfo")
        #expect(gone?.text == "Perangkat “sw-gone” tercantum di diagram versi 1, tetapi tidak terlihat di jaringan sejak 2026-11-02.")
        // A finding that holds none of its code's parameters keeps its English.
        #expect(FindingMessages.said(Self.finding(.rogueDHCP, FindingSubject(), []), lang: .id, dinas: "D") == nil)
    }

    @Test func aMissingParameterIsNotFilledIn() {
        #expect(MessageTemplate.fill("Perangkat “{device}”.", ["device": "SW-Lt2"]) == "Perangkat “SW-Lt2”.")
        #expect(MessageTemplate.fill("Perangkat “{device}”.", [:]) == nil)
        #expect(MessageTemplate.placeholders("{a} dan {b}, lalu {a}") == ["a", "b"])
    }
}

import Foundation
import InventoryTesting
import Testing

/// `pantau reconcile` and `pantau findings` as an operator runs them, on the lab: snmpsim
/// serving real device recordings, real captures sampled into the store, a PD diagram that
/// disagrees with both, under the Manggarai profile.
@Suite(.serialized) struct ReconcileCLITests {
    let sim: SNMPSimAgent

    init() throws {
        sim = try SharedLab.snmpsim.get()
        #expect(FileManager.default.isExecutableFile(atPath: Lab.pantauBinary), "build pantau first: \(Lab.pantauBinary)")
    }

    func pantau(_ args: [String], store: String, now: String) throws -> (status: Int32, stdout: String, stderr: String) {
        try runPantau(args, store: store, now: now)
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text.prefix(300))")
    }

    /// Dinkes's diagram: the D-Link by serial, the Zyxel by MAC with a wrong serial, a switch the
    /// lab lacks, the D-Link's LLDP neighbour Kos16c wired to another port; the ProCurve omitted.
    static func diagram(serial: String = "S192L02099999", kosPort: String = "eth1/0/23", procurve: Bool = false) -> String {
        """
        format: pantau-diagram/1
        pd: DINKES
        site: kantor
        boundary: {router: rtr-dinkes, wan_port: ether1, upstream: Jaringan Intra}
        devices:
          - {id: rtr-dinkes, role: router, vendor: MikroTik, snmp: false}
          - {id: sw-core, role: switch, vendor: D-Link, model: DGS-1510-28, serial: RZC52H3000029, snmp: true}
          - {id: sw-lantai2, role: switch, vendor: Zyxel, model: GS1900-48, serial: \(serial), macs: ["bc:cf:4f:3e:48:30"], snmp: true}
          - {id: sw-gudang, role: switch, vendor: TP-Link, model: TL-SG3428, management_ip: 10.22.8.5, snmp: true}
          - {id: kos16c, role: switch, name: Kos16c, snmp: false}
        \(procurve ? "  - {id: sw-aula, role: switch, vendor: HPE, serial: AB123CD45E, snmp: true}\n" : "")links:
          - {a: "sw-core:\(kosPort)", b: "kos16c:eth1/0/24"}
        vlans:
          - {id: 40, name: staf, subnet: 10.22.1.0/24, gateway: 10.22.1.1}
        """
    }

    @Test func labFindingsOpenAreAcknowledgedAndResolveByThemselves() throws {
        let dir = try Lab.temporaryDirectory("reconcile-cli")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/p.sqlite"
        try """
            defaults: { timeout: 5, retries: 2 }
            credentials:
              dlink: { version: v2c, community: dlink_dgs-1510-28 }
              zynos: { version: v2c, community: zynos_gs1900-fdb }
              procurve: { version: v2c, community: procurve_e2910 }
            targets:
              - { name: sw-dlink, agent: "\(sim.agent)", credentials: dlink, pd: DINKES }
              - { name: sw-zynos, agent: "\(sim.agent)", credentials: zynos, pd: DINKES }
              - { name: sw-procurve, agent: "\(sim.agent)", credentials: procurve, pd: DINKES }
            """.write(toFile: dir + "/c.yaml", atomically: true, encoding: .utf8)
        // The captures' own networks stand for Dinkes's meeting room and first floor.
        try "DINKES:\n  subnets: [192.168.0.0/24, 128.2.6.0/24]\n".write(toFile: dir + "/pd-map.yaml", atomically: true, encoding: .utf8)
        try Self.diagram().write(toFile: dir + "/dinkes.yaml", atomically: true, encoding: .utf8)

        #expect(try pantau(["profile", "activate", "manggarai"], store: db, now: "2026-10-01").status == 0)
        #expect(try pantau(["registry", "load", "config/registry.example.yaml"], store: db, now: "2026-10-01").status == 0)
        let submitted = try pantau(["diagram", "submit", "--pd", "DINKES", dir + "/dinkes.yaml", "--by", "Agustinus"], store: db, now: "2026-11-01")
        #expect(submitted.status == 0, "\(submitted.stdout)\(submitted.stderr)")
        #expect(submitted.stdout.contains("reconciled DINKES: 0 finding(s) present"), "nothing observed yet: \(submitted.stdout)")
        let collected = try pantau(["collect", "--once", "--config", dir + "/c.yaml", "--store", db, "--quiet"], store: db, now: "2026-12-01")
        #expect(collected.status == 0, "\(collected.stderr)")
        for (file, point) in [("mapi.pcap", "dinkes-rapat"), ("dhcp.pcap", "dinkes-lantai1")] {
            let s = try pantau(["sample", "--read", "\(Lab.corpus)/pcap/\(file)", "--capture-point", point, "--pd-map", dir + "/pd-map.yaml"],
                               store: db, now: "2026-12-01")
            #expect(s.status == 0, "\(s.stderr)")
        }

        // First run: the lab's disagreements, each with its evidence and basis.
        let first = try pantau(["reconcile", "--json"], store: db, now: "2026-12-01T03:00:00Z")
        #expect(first.status == 0, "\(first.stderr)")
        let report = try json(first.stdout)
        let findings = try #require(report["findings"] as? [[String: Any]])
        func find(_ code: String, _ test: ([String: Any]) -> Bool = { _ in true }) -> [[String: Any]] {
            findings.filter { $0["code"] as? String == code && test($0) }
        }
        func subject(_ f: [String: Any]) -> [String: String] { f["subject"] as? [String: String] ?? [:] }
        func basis(_ f: [String: Any]) -> String { (f["basis"] as? [String: Any])?["text"] as? String ?? "" }
        let p161 = "Perbup Manggarai 52/2021 Pasal 16 ayat (1) (wajib)"
        // Omitted ProCurve: unregistered, by SNMP.
        let unregistered = find("unregistered-device") { subject($0)["device"] == "sw-procurve" }
        #expect(unregistered.count == 1 && basis(unregistered[0]) == p161)
        #expect((unregistered.first?["evidence"] as? [[String: Any]])?.first?["source"] as? String == "snmp")
        // Declared but absent: missing (30 days after the diagram).
        #expect(find("missing-device").map(subject).map { $0["device"] } == ["sw-gudang"])
        // Kos16c is heard on eth1/0/24, declared on eth1/0/23.
        let link = find("link-mismatch") { ($0["message"] as? String)?.contains("kos16c") == true }
        #expect(link.first?["message"] as? String == "declared sw-core:eth1/0/23 <-> kos16c:eth1/0/24, but LLDP shows sw-core:eth1/0/24 <-> kos16c:eth1/0/24")
        // The Zyxel, matched by its MAC, reports another serial.
        let drift = find("attribute-drift")
        #expect(drift.count == 1 && drift.first?["message"] as? String == "sw-lantai2: the diagram declares serial S192L02099999, the device (sw-zynos) reports S192L02000374")
        // Many MACs at the meeting-room capture point, only an undeclared bridge announcing itself.
        #expect(find("unmanaged-switch-suspected") { subject($0)["device"] == "dinkes-rapat" }.count == 1)
        // The capture's DHCP server is declared nowhere: rogue, on Dinas policy.
        let rogue = find("rogue-dhcp")
        #expect(rogue.map(subject).map { $0["address"] } == ["128.2.6.152"])
        #expect(rogue.first.map(basis) == "Kebijakan Dinas – tidak diatur dalam Perbup" && rogue.first?["severity"] as? String == "error")
        // The change duty under P16(2), and the PDs that never submitted.
        #expect(find("change-unreported").first.map(basis) == "Perbup Manggarai 52/2021 Pasal 16 ayat (2) (wajib)")
        #expect(report["dutiesOpened"] as? [String] == ["DINKES"])
        #expect(Set(find("diagram-overdue").compactMap { $0["pd"] as? String }) == ["BAPPEDA", "BPKAD", "DISDUKCAPIL", "DISKOMINFO"])
        let matches = try #require(report["matches"] as? [[String: Any]])
        #expect(matches.contains { $0["declared"] as? String == "sw-core" && $0["rule"] as? String == "serial" })
        #expect(matches.contains { $0["declared"] as? String == "sw-lantai2" && $0["rule"] as? String == "mac" })
        #expect(matches.contains { $0["declared"] as? String == "kos16c" && $0["rule"] as? String == "name" })

        // The same run again: the same findings, nothing opened, first seen kept.
        let second = try json(try pantau(["reconcile", "--json"], store: db, now: "2026-12-01T03:00:00Z").stdout)
        #expect(second["opened"] as? Int == 0 && second["resolved"] as? Int == 0)
        let key = { (f: [String: Any]) in "\(f["id"] ?? "")|\(f["key"] ?? "")|\(f["firstSeen"] ?? "")|\(f["status"] ?? "")" }
        #expect((second["findings"] as? [[String: Any]] ?? []).map(key) == findings.map(key))

        // --fail-on: exit 4 while a rogue DHCP server is present; the text names the citation.
        let failing = try pantau(["reconcile", "--fail-on", "rogue-dhcp"], store: db, now: "2026-12-01T03:00:00Z")
        #expect(failing.status == 4 && failing.stdout.contains("basis: \(p161)"), "\(failing.status) \(failing.stderr)")
        #expect(try pantau(["reconcile", "--fail-on", "out-of-authority"], store: db, now: "2026-12-01T03:00:00Z").status == 0)
        #expect(try pantau(["reconcile", "--fail-on", "no-such-code"], store: db, now: "2026-12-01T03:00:00Z").status == 64)

        // NOC acknowledges the drift with a reason; suppresses the DHCP server for 30 days.
        let driftID = try #require(drift.first?["id"] as? Int)
        #expect(try pantau(["findings", "ack", "\(driftID)", "--reason", "label swapped, diagram follows", "--by", "noc-ani"], store: db,
                           now: "2026-12-02").status == 0)
        let rogueID = try #require(rogue.first?["id"] as? Int)
        let suppressed = try pantau(["findings", "suppress", "\(rogueID)", "--days", "30", "--reason", "vendor test server", "--by", "noc-budi"],
                                    store: db, now: "2026-12-02")
        #expect(suppressed.status == 0 && suppressed.stdout.contains("until 2027-01-01"), "\(suppressed.stdout)\(suppressed.stderr)")
        #expect(try pantau(["reconcile", "--fail-on", "rogue-dhcp"], store: db, now: "2026-12-03").status == 0, "suppressed findings do not fail")
        let shown = try pantau(["findings", "show", "\(driftID)"], store: db, now: "2026-12-03")
        #expect(shown.stdout.contains("acknowledged by noc-ani at 2026-12-02T12:00:00.000Z: label swapped, diagram follows"), "\(shown.stdout)")
        #expect(shown.stdout.contains("noc-ani acknowledged: label swapped, diagram follows"))
        #expect(shown.stdout.contains("evidence snmp") && shown.stdout.contains("matched_by=mac"))
        // Past the expiry the suppression lifts by itself.
        let later = try pantau(["findings", "list", "--code", "rogue-dhcp", "--json"], store: db, now: "2027-01-05")
        #expect(later.stdout.contains("\"suppressed\""))
        _ = try pantau(["reconcile"], store: db, now: "2027-01-05")
        let lifted = try pantau(["findings", "show", "\(rogueID)", "--json"], store: db, now: "2027-01-05")
        #expect(try json(lifted.stdout)["finding"].flatMap { ($0 as? [String: Any])?["status"] as? String } == "open")

        // The PD fixes its diagram (the collector has polled again): the omission, the wiring
        // and the serial resolve by themselves.
        try Self.diagram(serial: "S192L02000374", kosPort: "eth1/0/24", procurve: true).write(toFile: dir + "/dinkes.yaml", atomically: true, encoding: .utf8)
        #expect(try pantau(["collect", "--once", "--config", dir + "/c.yaml", "--store", db, "--quiet"], store: db, now: "2027-01-06").status == 0)
        let v2 = try pantau(["diagram", "submit", "--pd", "DINKES", dir + "/dinkes.yaml", "--by", "Agustinus"], store: db, now: "2027-01-06")
        #expect(v2.status == 0 && v2.stdout.contains("reconciled DINKES:"), "\(v2.stdout)\(v2.stderr)")
        let all = try pantau(["findings", "list", "--all", "--pd", "DINKES", "--json"], store: db, now: "2027-01-06")
        let after = try #require(try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as? [[String: Any]])
        func status(_ code: String, _ test: ([String: Any]) -> Bool = { _ in true }) -> [String] {
            after.filter { $0["code"] as? String == code && test($0) }.compactMap { $0["status"] as? String }
        }
        #expect(status("unregistered-device") { subject($0)["device"] == "sw-procurve" } == ["resolved"])
        #expect(status("attribute-drift") == ["resolved"])
        #expect(status("link-mismatch") { ($0["message"] as? String)?.contains("kos16c") == true } == ["resolved"])
        #expect(status("change-unreported") == ["resolved"], "no change since the new diagram")
        #expect(status("missing-device") { subject($0)["device"] == "sw-gudang" } == ["open"], "sw-gudang is still declared and still absent")
        // The switches went unseen past 7 days before the collector polled again: missing, then resolved.
        #expect(status("missing-device") { subject($0)["device"] == "sw-core" } == ["resolved"])
        // The configuration's reconciliation: section sets how long a device may go unseen.
        try "targets: []\nreconciliation:\n  missing_after_days: 3650\n".write(toFile: dir + "/r.yaml", atomically: true, encoding: .utf8)
        let patient = try json(try pantau(["reconcile", "--json", "--config", dir + "/r.yaml"], store: db, now: "2027-01-06").stdout)
        #expect((patient["resolvedNow"] as? [[String: Any]] ?? []).contains { $0["code"] as? String == "missing-device" && subject($0)["device"] == "sw-gudang" })
        let log = try pantau(["findings", "show", "\(driftID)"], store: db, now: "2027-01-06").stdout
        #expect(log.contains("pantau opened") && log.contains("noc-ani acknowledged") && log.contains("pantau resolved"), "\(log)")
    }

    @Test func explainPrintsEveryCodeOnceAndTheReferenceIsCurrent() throws {
        let one = try run(Lab.pantauBinary, ["findings", "explain", "missing-device", "--profiles", Lab.repo + "/config/profiles"])
        #expect(one.status == 0)
        #expect(one.stdout.hasPrefix("missing-device — Perangkat tidak terlihat"))
        #expect(one.stdout.contains("manggarai  Perbup Manggarai 52/2021 Pasal 16 ayat (1) (wajib)"))
        #expect(one.stdout.contains("lebong     Kebijakan Dinas – tidak diatur dalam Perbup"))
        #expect(try run(Lab.pantauBinary, ["findings", "explain", "nope", "--profiles", Lab.repo + "/config/profiles"]).status == 1)
        // docs/findings.md is what `findings explain --markdown` prints.
        let md = try run(Lab.pantauBinary, ["findings", "explain", "--markdown", "--profiles", Lab.repo + "/config/profiles"])
        let doc = try String(contentsOfFile: Lab.repo + "/docs/findings.md", encoding: .utf8)
        #expect(md.stdout == doc, "regenerate: pantau findings explain --markdown > docs/findings.md")
    }
}

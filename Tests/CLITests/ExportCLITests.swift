import Foundation
import Governance
import InventoryModel
import InventoryStore
import InventoryTesting
import Reconciliation
import Storage
import Testing

/// `pantau export audit` and `pantau export verify` as an auditor runs them, on the lab:
/// snmpsim serving real recordings for two PDs, a diagram, reconciliation's findings.
@Suite(.serialized) struct ExportCLITests {
    let sim: SNMPSimAgent

    init() throws {
        sim = try SharedLab.snmpsim.get()
        #expect(FileManager.default.isExecutableFile(atPath: Lab.pantauBinary), "build pantau first: \(Lab.pantauBinary)")
    }

    func pantau(_ args: [String], store: String, now: String) throws -> (status: Int32, stdout: String, stderr: String) {
        try runPantau(args, store: store, now: now, environment: ["USER": "auditor"])
    }

    @Test func auditBundleIsWrittenVerifiedReproducibleAndLogged() throws {
        let dir = try Lab.temporaryDirectory("export-cli")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/p.sqlite"
        try """
            defaults: { timeout: 5, retries: 2 }
            credentials:
              dlink: { version: v2c, community: dlink_dgs-1510-28 }
              procurve: { version: v2c, community: procurve_e2910 }
            targets:
              - { name: sw-dlink, agent: "\(sim.agent)", credentials: dlink, pd: DINKES }
              - { name: sw-procurve, agent: "\(sim.agent)", credentials: procurve, pd: BAPPEDA }
            exports: { classification: "TERBATAS / RESTRICTED", annex: "\(Lab.repo)/config/examples/annex.example.yaml" }
            """.write(toFile: dir + "/c.yaml", atomically: true, encoding: .utf8)
        try ReconcileCLITests.diagram().write(toFile: dir + "/dinkes.yaml", atomically: true, encoding: .utf8)
        #expect(try pantau(["profile", "activate", "manggarai"], store: db, now: "2026-10-01").status == 0)
        #expect(try pantau(["registry", "load", "config/registry.example.yaml"], store: db, now: "2026-10-01").status == 0)
        #expect(try pantau(["diagram", "submit", "--pd", "DINKES", dir + "/dinkes.yaml", "--by", "Agustinus"], store: db, now: "2026-11-03").status == 0)
        let collected = try pantau(["collect", "--once", "--config", dir + "/c.yaml", "--store", db, "--quiet"], store: db, now: "2026-11-10")
        #expect(collected.status == 0, "\(collected.stderr)")
        #expect(try pantau(["reconcile"], store: db, now: "2026-11-10T03:00:00Z").status == 0)

        let out = dir + "/audit-dinkes"
        let first = try pantau(["export", "audit", "--period", "2026-11", "--pd", "DINKES", "--out", out, "--config", dir + "/c.yaml"],
                               store: db, now: "2026-12-02")
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("devices.csv") && first.stdout.contains("audit.json") && first.stdout.contains("report.pdf"))
        // Not a terminal: no progress bar on stderr.
        #expect(!first.stderr.contains("\r") && !first.stderr.contains("[#"), "\(first.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(files == ["README.txt", "assets.csv", "audit.json", "availability_devices.csv", "availability_hosting.csv", "availability_pds.csv",
                          "bandwidth_pds.csv", "devices.csv", "diagram_compliance.csv", "finding_history.csv", "findings.csv",
                          "interfaces.csv", "manifest.json", "outages.csv", "pds.csv", "report.html", "report.pdf", "spec_annex.csv",
                          "spec_summary.csv", "topology_links.csv"])
        // The classification label on every file (the PDF's pages: AuditReportTests).
        for f in files where f.hasSuffix(".csv") || f.hasSuffix(".json") || f.hasSuffix(".html") || f.hasSuffix(".txt") {
            #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: out + "/" + f)), as: UTF8.self).contains("TERBATAS / RESTRICTED"), "\(f)")
        }
        // Against the store: Dinkes's device, its findings with their citations, its diagram.
        let store = try PantauStore(path: db, access: .readOnly)
        let devices = String(decoding: try Data(contentsOf: URL(fileURLWithPath: out + "/devices.csv")), as: UTF8.self)
        let lines = Array(devices.components(separatedBy: "\r\n").filter { !$0.isEmpty }.dropFirst())  // the classification line
        let names = try store.devices().map(\.name)
        let dlink = try #require(try store.device("sw-dlink")?.summary, "\(names) \(collected.stdout) \(collected.stderr)")
        #expect(lines.count == 2 && lines[1].hasPrefix("sw-dlink,DINKES,\(dlink.agent),"), "\(devices)")
        #expect(lines[1].contains(",\(try #require(dlink.serial)),") && !devices.contains("sw-procurve") && !devices.contains("BAPPEDA"))
        let findings = String(decoding: try Data(contentsOf: URL(fileURLWithPath: out + "/findings.csv")), as: UTF8.self)
        let stored = try store.findings(pd: "DINKES", includeResolved: true)
        #expect(!stored.isEmpty && findings.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == stored.count + 2)
        for f in stored { #expect(findings.contains(f.basis.description), "\(f.code) without its basis") }
        let compliance = String(decoding: try Data(contentsOf: URL(fileURLWithPath: out + "/diagram_compliance.csv")), as: UTF8.self)
        #expect(compliance.contains("DINKES,Dinas Kesehatan,current,1,2026-11-03T12:00:00Z,Agustinus,"), "\(compliance)")

        // Verified; exported again, byte-identical data files.
        let verified = try run(Lab.pantauBinary, ["export", "verify", out])
        #expect(verified.status == 0 && verified.stdout.contains("ok: 19 files"), "\(verified.stdout)\(verified.stderr)")
        // Again, as a directory and a ZIP file at once: byte-identical files but the PDF (Chromium dates it, the manifest says so).
        let again = try pantau(["export", "audit", "--period", "2026-11", "--pd", "DINKES", "--out", dir + "/again", "--archive", dir + "/dinkes.zip",
                                "--config", dir + "/c.yaml"], store: db, now: "2026-12-05")
        #expect(again.status == 0, "\(again.stderr)")
        for f in files where f != "manifest.json" && f != "report.pdf" {
            #expect(FileManager.default.contentsEqual(atPath: out + "/" + f, andPath: dir + "/again/" + f), "\(f) differs")
        }
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: out + "/manifest.json")), as: UTF8.self).contains("\"notReproducible\" : [\n    \"report.pdf\""))
        let unzip = try run("/usr/bin/unzip", ["-q", dir + "/dinkes.zip", "-d", dir + "/unzipped"])
        #expect(unzip.status == 0, "\(unzip.stderr)")
        let unpacked = try run(Lab.pantauBinary, ["export", "verify", dir + "/unzipped/pantau-audit-DINKES-2026-11"])
        #expect(unpacked.status == 0 && unpacked.stdout.contains("ok: 19 files"), "\(unpacked.stdout)\(unpacked.stderr)")
        #expect(FileManager.default.contentsEqual(atPath: dir + "/again/report.pdf", andPath: dir + "/unzipped/pantau-audit-DINKES-2026-11/report.pdf"))
        // An archive alone (its files go through a hidden directory beside it, removed after) is
        // byte for byte the archive written beside a directory.
        let alone = try pantau(["export", "audit", "--period", "2026-11", "--pd", "DINKES", "--format", "csv,json,html",
                                "--archive", dir + "/alone.zip"], store: db, now: "2026-12-05")
        let beside = try pantau(["export", "audit", "--period", "2026-11", "--pd", "DINKES", "--format", "csv,json,html",
                                 "--out", dir + "/beside", "--archive", dir + "/beside.zip"], store: db, now: "2026-12-05")
        #expect(alone.status == 0 && beside.status == 0, "\(alone.stderr)\(beside.stderr)")
        #expect(FileManager.default.contentsEqual(atPath: dir + "/alone.zip", andPath: dir + "/beside.zip"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(".") }.isEmpty)
        let existing = try pantau(["export", "audit", "--period", "2026-11", "--format", "csv", "--archive", dir + "/alone.zip"], store: db, now: "2026-12-05")
        #expect(existing.status != 0 && existing.stderr.contains("already exists"), "\(existing.stderr)")
        // On a terminal (script(1) gives it one) the progress bar shows on stderr; the bundle is the same.
        let tty = try run("/usr/bin/script", ["-qec", "env -u CI TERM=xterm \(Lab.pantauBinary) export audit --period 2026-11 --pd DINKES --format csv --out \(dir)/tty",
                                              "/dev/null"],
                          environment: ["PANTAU_STORE": db, "PANTAU_NOW": "2026-12-05", "PANTAU_PROFILES": Lab.repo + "/config/profiles", "USER": "auditor"])
        #expect(tty.status == 0 && tty.stdout.contains("[##############################] 8/8"), "\(tty.stdout)")
        // An existing --out is refused and left alone.
        let twice = try pantau(["export", "audit", "--period", "2026-11", "--out", out], store: db, now: "2026-12-05")
        #expect(twice.status != 0 && twice.stderr.contains("already exists"), "\(twice.stderr)")
        #expect(try run(Lab.pantauBinary, ["export", "verify", out]).status == 0)
        // An unknown PD, a period with no data.
        let unknown = try pantau(["export", "audit", "--period", "2026-11", "--pd", "NOPE", "--out", dir + "/x"], store: db, now: "2026-12-05")
        #expect(unknown.status != 0 && unknown.stderr.contains("no PD NOPE") && !FileManager.default.fileExists(atPath: dir + "/x"))
        let empty = try pantau(["export", "audit", "--period", "2025-01", "--out", dir + "/empty"], store: db, now: "2026-12-05")
        #expect(empty.status == 0 && empty.stdout.contains("no data in the period 2025-01"), "\(empty.stdout)")
        // Tampering named file by file, exit 1.
        try "x".write(toFile: out + "/devices.csv", atomically: true, encoding: .utf8)
        try "x".write(toFile: out + "/extra.csv", atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: out + "/pds.csv")
        let tampered = try run(Lab.pantauBinary, ["export", "verify", out])
        #expect(tampered.status == 1)
        #expect(tampered.stdout.contains("changed: devices.csv") && tampered.stdout.contains("added: extra.csv") && tampered.stdout.contains("missing: pds.csv"))
        // Every export is in the audit log.
        let log = try PantauStore(path: db, access: .readOnly).auditLog().filter { $0.action == "export-audit" }
        #expect(log.map(\.outcome) == ["ok", "ok", "ok", "ok", "invalid", "ok", "invalid", "refused", "ok"], "\(log)")
        #expect(log[0].actor == "cli:auditor" && log[0].pd == "DINKES" && log[0].detail.contains("period 2026-11"))
        #expect(log[1].detail.contains("dinkes.zip") && log[1].detail.contains("formats csv,html,json,pdf"))
        #expect(log[2].detail.contains("alone.zip") && log[4].detail.contains("alone.zip") && log[4].detail.contains("already exists"))
        #expect(log[6].detail.contains("already exists") && log[7].pd == "NOPE" && log[8].detail.contains("no data in the period"))
    }
}

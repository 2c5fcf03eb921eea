import Foundation
import InventoryModel
import InventoryStore
import InventoryTesting
import Testing

/// `pantau store copy|status|migrate` as an operator moves an installation from SQLite to
/// PostgreSQL: a lab store (snmpsim polled by the real binary, a capture sampled, a diagram,
/// reconciliation's findings and an acknowledgement, a token, traffic and status polls) copied
/// into a real PostgreSQL server, in two slices then once more; every report gives the same
/// output from both stores.
@Suite(.serialized) struct StoreCopyCLITests {
    let sim: SNMPSimAgent
    let server: PostgresServer

    init() throws {
        sim = try SharedLab.snmpsim.get()
        server = try PostgresServer.shared()
        #expect(FileManager.default.isExecutableFile(atPath: Lab.pantauBinary), "build pantau first: \(Lab.pantauBinary)")
    }

    func pantau(_ args: [String], store: String, now: String = "2026-12-01T03:00:00Z") throws -> (status: Int32, stdout: String, stderr: String) {
        try runPantau(args, store: store, now: now, environment: server.environment)
    }

    /// The lab store, written as the collector and the operator write it.
    func labStore(_ dir: String) throws -> String {
        let db = dir + "/p.sqlite"
        try """
            defaults: { timeout: 5, retries: 2 }
            credentials:
              dlink: { version: v2c, community: dlink_dgs-1510-28 }
              zynos: { version: v2c, community: zynos_gs1900-fdb }
            targets:
              - { name: sw-dlink, agent: "\(sim.agent)", credentials: dlink, pd: DINKES }
              - { name: sw-zynos, agent: "\(sim.agent)", credentials: zynos, pd: DINKES }
            """.write(toFile: dir + "/c.yaml", atomically: true, encoding: .utf8)
        try LabFixtures.dinkesPDMap.write(toFile: dir + "/pd-map.yaml", atomically: true, encoding: .utf8)
        try LabFixtures.dinkesDiagram.write(toFile: dir + "/dinkes.yaml", atomically: true, encoding: .utf8)
        for (args, now) in [(["profile", "activate", "manggarai"], "2026-10-01"), (["registry", "load", "config/registry.example.yaml"], "2026-10-01"),
                            (["diagram", "submit", "--pd", "DINKES", dir + "/dinkes.yaml", "--by", "Agustinus"], "2026-11-01"),
                            (["collect", "--once", "--config", dir + "/c.yaml", "--store", db, "--quiet"], "2026-12-01"),
                            (["sample", "--read", "\(Lab.corpus)/pcap/dhcp.pcap", "--capture-point", "dinkes-lantai1", "--pd-map", dir + "/pd-map.yaml"],
                             "2026-12-01"),
                            (["reconcile"], "2026-12-01T03:00:00Z"),
                            (["token", "create", "--pd", "DINKES", "--label", "Dinkes staff"], "2026-12-01")] {
            let r = try pantau(args, store: db, now: now)
            try #require(r.status == 0, "\(args): \(r.stderr)")
        }
        let ack = try pantau(["findings", "ack", "1", "--by", "ani", "--reason", "known, replacing it"], store: db)
        try #require(ack.status == 0, "\(ack.stderr)")
        // Traffic: bappeda-gw's uplink polled every 5 minutes, bucket k at (k+1) Mbit/s in.
        let t0 = 1_793_577_600.0   // 2026-11-02T00:00:00Z
        var lines: [String] = []
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        var inOctets: UInt64 = 0
        for k in 0...40 {
            if k > 0 { inOctets += UInt64(k) * 1_000_000 / 8 * 300 }
            let poll = CounterPoll(device: "bappeda-gw", time: Date(timeIntervalSince1970: t0 + Double(k * 300)), sysUpTime: UInt32(1_000 + k * 30_000),
                                   interfaces: [InterfaceCounterSnapshot(ifIndex: 2, name: "ge-0/0/0", alias: "WAN Telkom", speed: 100_000_000,
                                                                         hcInOctets: inOctets, hcOutOctets: UInt64(k) * 37_500_000, inErrors: 0, outErrors: 0)])
            lines.append(String(decoding: try encoder.encode(poll), as: UTF8.self))
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "/polls.jsonl", atomically: true, encoding: .utf8)
        let recorded = try pantau(["traffic-record", "--polls", dir + "/polls.jsonl", "--poll-interval", "300"], store: db)
        try #require(recorded.status == 0, "\(recorded.stderr)")
        // Uptime: the daemon's status polls of sw-dlink, an outage of three polls in the middle.
        let store = try PantauStore(path: db)
        for i in 0..<20 {
            try store.record(status: StatusPoll(device: "sw-dlink", time: Date(timeIntervalSince1970: t0 + Double(i * 60)), interval: 60, pd: "DINKES",
                                                reachable: !(8...10).contains(i), sysUpTime: UInt32(100_000 + i * 6_000)))
        }
        return db
    }

    func rows(_ table: String, in output: String) -> Int? {
        output.split(separator: "\n").first { $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first == Substring(table) }
            .flatMap { $0.split(separator: " ").last.flatMap { Int($0) } }
    }

    @Test func aLabStoreCopiedIntoPostgreSQLGivesTheSameReports() throws {
        let dir = try Lab.temporaryDirectory("store-copy")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try labStore(dir)
        let url = try server.createDatabase("copy")

        // In two slices (an interrupted copy), then once more: nothing is written twice.
        let first = try pantau(["store", "copy", "--from", "sqlite:" + db, "--to", url, "--batch", "25", "--max-rows", "60"], store: db)
        #expect(first.status == 0 && first.stdout.contains("stopped after --max-rows 60"), "\(first.stdout)\(first.stderr)")
        let second = try pantau(["store", "copy", "--from", "sqlite:" + db, "--to", url, "--batch", "50"], store: db)
        #expect(second.status == 0 && second.stdout.contains("verified: every table has the same rows and checksum in both stores"),
                "\(second.stdout)\(second.stderr)")
        #expect(!second.stdout.contains("DIFFERS"))
        let again = try pantau(["store", "copy", "--from", "sqlite:" + db, "--to", url, "--json"], store: db)
        #expect(again.status == 0, "\(again.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        let tables = try #require(report["tables"] as? [[String: Any]])
        #expect(report["verified"] as? Bool == true && tables.allSatisfy { ($0["copied"] as? Int) == 0 && ($0["matches"] as? Bool) == true })
        let copiedRows = Dictionary(uniqueKeysWithValues: tables.map { ($0["table"] as? String ?? "", $0["targetRows"] as? Int ?? -1) })
        for t in ["device", "interface", "poll_run", "sighting_host", "gov_submission", "gov_token", "gov_audit", "traffic_series",
                  "traffic_raw", "traffic_block", "status_poll", "finding", "finding_action"] {
            #expect((copiedRows[t] ?? 0) > 0, "\(t) copied no rows")
        }

        // The same reports from both stores.
        for args in [["inventory", "list"], ["inventory", "show", "sw-dlink"], ["findings", "list"], ["findings", "show", "1"],
                     ["traffic", "--period", "2026-11-02", "--json"], ["traffic", "--period", "2026-11-02", "--pd", "BAPPEDA"],
                     ["uptime", "--device", "sw-dlink", "--period", "2026-11-02", "--json"], ["token", "list"], ["diagram", "history", "--pd", "DINKES"], ["diagram", "status"],
                     ["hosts"], ["dashboard", "--once", "--width", "120", "--height", "40"]] {
            let fromSQLite = try pantau(args, store: db), fromPostgres = try pantau(args, store: url)
            #expect(fromSQLite.status == 0 && fromPostgres.status == 0, "\(args): \(fromSQLite.stderr) \(fromPostgres.stderr)")
            #expect(fromSQLite.stdout == fromPostgres.stdout, "\(args) differs:\n\(fromSQLite.stdout)\n---\n\(fromPostgres.stdout)")
            #expect(!fromSQLite.stdout.isEmpty, "\(args)")
        }
        let traffic = try pantau(["traffic", "--period", "2026-11-02", "--pd", "BAPPEDA"], store: url)
        // 40 five-minute samples of 1...40 Mbit/s: nearest rank ⌈0.95·40⌉ = 38th = 38 Mbit/s, of 50 approved.
        #expect(traffic.stdout.contains("38.00 Mbit/s  76.0%"), "\(traffic.stdout)")

        // The audit bundle of November from each store holds the same files (the bundle names no store);
        // report.pdf is left out: Chromium dates every PDF it prints, so no two are the same bytes.
        for (store, out) in [(db, dir + "/export-sqlite"), (url, dir + "/export-postgres")] {
            let e = try pantau(["export", "audit", "--period", "2026-11", "--pd", "DINKES", "--format", "csv,json,html", "--out", out],
                               store: store, now: "2026-12-02")
            #expect(e.status == 0, "\(store): \(e.stderr)")
        }
        let files = try FileManager.default.subpathsOfDirectory(atPath: dir + "/export-sqlite").sorted()
        let otherFiles = try FileManager.default.subpathsOfDirectory(atPath: dir + "/export-postgres").sorted()
        #expect(!files.isEmpty && files == otherFiles)
        for f in files {
            #expect(FileManager.default.contents(atPath: dir + "/export-sqlite/" + f) == FileManager.default.contents(atPath: dir + "/export-postgres/" + f),
                    "\(f) differs")
        }

        // Status: backend, location without a password, schema, the same counts.
        let status = try pantau(["store", "status"], store: url)
        #expect(status.status == 0 && status.stdout.contains("backend  postgresql") && status.stdout.contains("store    \(url)"), "\(status.stdout)")
        #expect(!status.stdout.contains(server.password) && !status.stderr.contains(server.password))
        let sqliteStatus = try pantau(["store", "status"], store: db)
        #expect(sqliteStatus.stdout.contains("backend  sqlite"))
        for t in ["device", "traffic_block", "finding_action"] {
            #expect(rows(t, in: status.stdout) == rows(t, in: sqliteStatus.stdout) && rows(t, in: status.stdout) != nil, "\(t)")
        }

        // A target changed behind the copy's back fails the verification, naming the table.
        try server.psql("UPDATE gov_audit SET detail = 'edited' WHERE id = 1", database: String(url.split(separator: "/").last!))
        let tampered = try pantau(["store", "copy", "--from", "sqlite:" + db, "--to", url], store: db)
        #expect(tampered.status == 1 && tampered.stderr.contains("does not match the source in gov_audit") && tampered.stdout.contains("DIFFERS"),
                "\(tampered.stdout)\(tampered.stderr)")

        // The copy is a working store: new rows continue after the copied ids, reconciliation finds nothing new.
        let token = try pantau(["token", "create", "--diskominfo", "--label", "NOC"], store: url)
        #expect(token.status == 0 && token.stderr.contains("token #2 "), "\(token.stderr)")
        let rerun = try pantau(["reconcile", "--json"], store: url)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(rerun.stdout.utf8)) as? [String: Any], "\(rerun.stderr)")
        #expect(doc["opened"] as? Int == 0, "\(rerun.stdout.prefix(400))")
    }

    @Test func migrateBringsAnEmptyDatabaseToTheSchemaAndBadStoresAreRefused() throws {
        let url = try server.createDatabase("migrate")
        let readOnly = try pantau(["store", "status"], store: url)
        #expect(readOnly.status == 1 && readOnly.stderr.contains("\(url): opening the store: no Pantau store in this database"), "\(readOnly.stderr)")
        let migrated = try pantau(["store", "migrate"], store: url)
        #expect(migrated.status == 0 && migrated.stdout.contains("applied: pg1-inventory"), "\(migrated.stdout)\(migrated.stderr)")
        let twice = try pantau(["store", "migrate"], store: url)
        #expect(twice.status == 0 && twice.stdout.contains("already this pantau's"), "\(twice.stdout)")
        let wrong = try runPantau(["store", "status"], store: url, now: "2026-12-01", environment: ["PGPASSWORD": "wrong-password"])
        #expect(wrong.status == 1 && wrong.stderr.contains("password authentication failed") && !wrong.stderr.contains("wrong-password"), "\(wrong.stderr)")
        let same = try pantau(["store", "copy", "--from", url, "--to", url], store: url)
        #expect(same.status != 0 && same.stderr.contains("the same store"), "\(same.stderr)")
    }

    /// The collector writes the lab's devices straight into PostgreSQL: the same inventory,
    /// history and item sightings as into SQLite, poll after poll.
    @Test func collectingIntoPostgreSQLGivesTheSameInventoryAsSQLite() throws {
        let dir = try Lab.temporaryDirectory("store-collect")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
            defaults: { timeout: 5, retries: 2 }
            credentials:
              dlink: { version: v2c, community: dlink_dgs-1510-28 }
              procurve: { version: v2c, community: procurve_e2910 }
            targets:
              - { name: sw-dlink, agent: "\(sim.agent)", credentials: dlink, pd: DINKES }
              - { name: sw-procurve, agent: "\(sim.agent)", credentials: procurve, pd: DINKES }
            """.write(toFile: dir + "/c.yaml", atomically: true, encoding: .utf8)
        let db = dir + "/p.sqlite", url = try server.createDatabase("collect")
        for store in [db, url] {
            for now in ["2026-12-01T01:00:00Z", "2026-12-01T02:00:00Z"] {
                let r = try pantau(["collect", "--once", "--config", dir + "/c.yaml", "--store", store, "--quiet"], store: store, now: now)
                #expect(r.status == 0, "\(store): \(r.stderr)")
            }
        }
        for args in [["inventory", "list"], ["inventory", "show", "sw-procurve", "--history"], ["inventory", "show", "sw-dlink", "--json"]] {
            let a = try pantau(args, store: db), b = try pantau(args, store: url)
            #expect(a.status == 0 && !a.stdout.isEmpty && a.stdout == b.stdout, "\(args):\n\(a.stdout.prefix(600))\n---\n\(b.stdout.prefix(600))\n\(b.stderr)")
        }
    }
}

import Foundation
import InventoryModel
import InventoryStore
import InventoryTesting
import Storage
import Testing

/// Collectors as a fleet (issue 21): real `pantau collect` daemons, each with a `collector:`
/// identity and a local spool, polling snmpsim's recorded devices every 2 s and replaying into
/// one real PostgreSQL; a dashboard reading that database; a collector cut off from it (the
/// server stopped as by a crash) that keeps polling into its spool and replays with nothing
/// lost and nothing doubled; and the errors of a wrong identity or a bad spool.
///
/// "What was polled" is the collectors' own `--counter-log` (every counter poll as answered,
/// written beside the spool): the central traffic series must be exactly what `pantau
/// traffic-record` makes of that log in a fresh SQLite store, and every answered status poll
/// must be in the central store once.
@Suite(.serialized) struct FleetCLITests {
    let sim: SNMPSimAgent

    init() throws {
        sim = try SharedLab.snmpsim.get()
        #expect(FileManager.default.isExecutableFile(atPath: Lab.pantauBinary), "build pantau first: \(Lab.pantauBinary)")
    }

    static let devices: [(name: String, community: String, pd: String)] = [
        ("sw-dlink", "dlink_dgs-1510-28", "DINKES"), ("sw-zynos", "zynos_gs1900-fdb", "DINKES"),
        ("rtr-routeros", "routeros", "BAPPEDA"), ("sw-jetstream", "jetstream_vlans", "BAPPEDA"),
    ]

    /// A collector's configuration: every lab device listed, `collector` selecting some.
    func config(_ dir: String, store: String, collector: String, heartbeat: Int = 1, more: String = "") throws -> String {
        let path = dir + "/\(UUID().uuidString.prefix(6)).yaml"
        try """
            store: \(store)
            probes: \(Lab.repo)/probes
            daemon: { interval: 2, inventory_interval: 1h, metrics: off }
            collector: { \(collector), heartbeat_seconds: \(heartbeat) }
            credentials:
            \(Self.devices.map { "  \($0.name): { version: v2c, community: \($0.community) }" }.joined(separator: "\n"))
            targets:
            \(Self.devices.map { "  - { name: \($0.name), agent: \"\(sim.agent)\", credentials: \($0.name), pd: \($0.pd), options: { timeout: 3, retries: 1 } }" }.joined(separator: "\n"))
            \(more)
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func collect(_ config: String, log: String, counterLog: String, env: [String: String], more: [String] = []) throws -> ManagedProcess {
        try ManagedProcess(name: "pantau collect", executable: Lab.pantauBinary,
                           arguments: ["collect", "--config", config, "--counter-log", counterLog] + more,
                           environment: env.merging(["PANTAU_PROBES": Lab.repo + "/probes"]) { $1 }, logPath: log)
    }

    /// Counter polls in a counter log, per device.
    func counterPolls(_ paths: [String]) -> [String: Int] {
        var out: [String: Int] = [:]
        for p in paths {
            for line in ((try? String(contentsOfFile: p, encoding: .utf8)) ?? "").split(separator: "\n") {
                guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let d = o["device"] as? String else { continue }
                out[d, default: 0] += 1
            }
        }
        return out
    }

    /// `pantau collectors --json`, by id.
    func collectors(_ url: String, env: [String: String]) throws -> [String: [String: Any]] {
        let r = try runPantau(["collectors", "--json"], store: url, now: "2026-12-01T03:00:00Z", environment: env)
        // Before the first collector has written, the database holds no store yet: no collectors.
        guard r.status == 0, let list = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]] else { return [:] }
        return Dictionary(uniqueKeysWithValues: list.map { ($0["id"] as? String ?? "", $0) })
    }

    /// Waits until `condition` holds (or `seconds` pass); whether it held.
    func waitFor(_ seconds: Double, _ condition: () throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? condition()) == true { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return try condition()
    }

    /// Answered status polls per device in PostgreSQL, and whether any device has two at one time.
    func centralStatus(_ server: PostgresServer, _ db: String) throws -> (answered: [String: Int], doubled: Bool) {
        var answered: [String: Int] = [:]
        var doubled = false
        for line in try server.psql("SELECT device, sum(reachable), count(*) - count(DISTINCT time) FROM status_poll GROUP BY device", database: db)
            .split(separator: "\n") {
            let f = line.split(separator: "|").map(String.init)
            guard f.count == 3 else { continue }
            answered[f[0]] = Int(f[1]) ?? -1
            if f[2] != "0" { doubled = true }
        }
        return (answered, doubled)
    }

    static let rawSQL = "FROM traffic_raw r JOIN traffic_series s ON s.id = r.series_id ORDER BY s.device, s.interface, r.end_time"

    /// Every raw traffic interval in PostgreSQL, one line each (series, end in ms, octets).
    func centralTraffic(_ server: PostgresServer, _ db: String) throws -> [String] {
        try server.psql("SELECT s.device, s.interface, floor(r.end_time * 1000)::bigint, r.kind, r.in_octets, r.out_octets \(Self.rawSQL)", database: db)
            .split(separator: "\n").map(String.init)
    }

    /// The same of what `pantau traffic-record` makes of the counter logs in a fresh SQLite store.
    func referenceTraffic(_ dir: String, logs: [String]) throws -> [String] {
        let ref = dir + "/reference-\(UUID().uuidString.prefix(6)).sqlite"
        let all = dir + "/all-\(UUID().uuidString.prefix(6)).jsonl"
        try logs.map { (try? String(contentsOfFile: $0, encoding: .utf8)) ?? "" }.joined().write(toFile: all, atomically: true, encoding: .utf8)
        let r = try run(Lab.pantauBinary, ["traffic-record", "--polls", all, "--poll-interval", "2", "--store", ref], timeout: 120)
        try #require(r.status == 0, "\(r.stderr)")
        let q = try run("/usr/bin/sqlite3", [ref, "SELECT s.device, s.interface, CAST(r.end_time * 1000 AS INTEGER), r.kind, r.in_octets, r.out_octets \(Self.rawSQL)"])
        try #require(q.status == 0, "\(q.stderr)")
        return q.stdout.split(separator: "\n").map(String.init)
    }

    func databaseName(_ url: String) -> String { String(url.split(separator: "/").last ?? "") }

    @Test func twoCollectorsWriteOnePostgreSQLAtOnceAndADashboardReadsIt() async throws {
        let server = try PostgresServer.shared()
        let env = server.environment
        let dir = try Lab.temporaryDirectory("fleet-two")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let url = try server.createDatabase("fleet")
        let db = databaseName(url)
        let a = try config(dir, store: url, collector: "id: kominfo-a, spool: \(dir)/a.spool, pds: [DINKES]")
        let b = try config(dir, store: url, collector: "id: kominfo-b, spool: \(dir)/b.spool, pds: [BAPPEDA]")
        // Both at once: status and counter polls every 2 s, an inventory poll at start; stopped
        // (SIGTERM) once every device has been polled at least 3 times (however loaded the machine).
        let pa = try collect(a, log: dir + "/a.log", counterLog: dir + "/a.jsonl", env: env)
        let pb = try collect(b, log: dir + "/b.log", counterLog: dir + "/b.jsonl", env: env)
        defer { pa.stop(); pb.stop() }
        #expect(try await waitFor(180) {
            let n = counterPolls([dir + "/a.jsonl", dir + "/b.jsonl"])
            return Self.devices.allSatisfy { (n[$0.name] ?? 0) >= 3 }
        }, "\(pa.log)\(pb.log)")
        pa.signal(SIGTERM)
        pb.signal(SIGTERM)
        #expect(pa.waitForExit(seconds: 90) == 0, "\(pa.log)")
        #expect(pb.waitForExit(seconds: 90) == 0, "\(pb.log)")
        #expect(pa.log.contains("collector kominfo-a: collecting 2 targets"), "\(pa.log)")

        // The central side: each collector's last contact, nothing left in its spool, its devices, no refusals.
        let fleet = try collectors(url, env: env)
        for (id, devices) in [("kominfo-a", ["sw-dlink", "sw-zynos"]), ("kominfo-b", ["rtr-routeros", "sw-jetstream"])] {
            let c = try #require(fleet[id], "\(fleet)")
            #expect(c["backlog"] as? Int == 0 && c["devices"] as? Int == 2 && c["refused"] as? Int == 0 && c["running"] as? Bool == false, "\(c)")
            #expect((c["clockOffset"] as? Double).map { abs($0) < 5 } == true, "\(c)")
            #expect((c["applied"] as? Int ?? 0) >= 6, "\(c)")
            let owned = try server.psql("SELECT device FROM collector_device WHERE collector = '\(id)' ORDER BY device", database: db)
            #expect(owned.split(separator: "\n").map(String.init) == devices.sorted())
        }

        // Nothing lost, nothing doubled: every answered status poll once, the traffic series
        // exactly what the polls give.
        let polled = counterPolls([dir + "/a.jsonl", dir + "/b.jsonl"])
        let central = try centralStatus(server, db)
        #expect(!central.doubled)
        for d in Self.devices {
            #expect((polled[d.name] ?? 0) >= 2, "\(d.name) polled \(polled[d.name] ?? 0) times")
            // Every answered status poll is followed by a counter poll; only a counter poll that failed (logged) has no line.
            let failures = (pa.log + pb.log).contains("counter poll failed")
            let answered = central.answered[d.name] ?? 0, lines = polled[d.name] ?? 0
            #expect(failures ? answered >= lines : answered == lines, "\(d.name): \(answered) in PostgreSQL, \(lines) polled")
        }
        let traffic = try centralTraffic(server, db)
        #expect(!traffic.isEmpty)
        #expect(traffic == (try referenceTraffic(dir, logs: [dir + "/a.jsonl", dir + "/b.jsonl"])))

        // A dashboard, the inventory and the store's status read that PostgreSQL.
        let list = try runPantau(["inventory", "list"], store: url, now: "2026-12-01T03:00:00Z", environment: env)
        #expect(list.status == 0 && Self.devices.allSatisfy { list.stdout.contains($0.name) }, "\(list.stdout)\(list.stderr)")
        let now = ISO8601DateFormatter().string(from: Date())
        let dash = try runPantau(["dashboard", "--once", "--width", "120", "--height", "40"], store: url, now: now, environment: env)
        let pdRows = dash.stdout.split(separator: "\n").filter { ["BAPPEDA", "DINKES"].contains($0.split(separator: " ").first ?? "") }
        #expect(dash.status == 0 && pdRows.count == 2 && pdRows.allSatisfy { $0.split(separator: " ").contains("2") }, "\(dash.stdout)\(dash.stderr)")
        #expect(dash.stdout.contains("status polls     latest") && pdRows.allSatisfy { $0.contains("100.00%") }, "\(dash.stdout)")
        // The data-age panel names each collector with its last contact.
        #expect(["kominfo-a", "kominfo-b"].allSatisfy { id in
            dash.stdout.split(separator: "\n").contains { $0.hasPrefix(" \(id)") && $0.contains("collector, last contact") }
        }, "\(dash.stdout)")
        let status = try runPantau(["store", "status"], store: url, now: "2026-12-01T03:00:00Z", environment: env)
        #expect(status.status == 0 && status.stdout.contains("kominfo-a") && status.stdout.contains("kominfo-b"), "\(status.stdout)\(status.stderr)")
    }

    @Test func aCollectorCutOffFromPostgreSQLSpoolsAndReplaysWithNothingLostOrDoubled() async throws {
        // A server of its own, to stop as a crash would and start again.
        let server = try PostgresServer()
        defer { server.stop() }
        let env = server.environment
        let dir = try Lab.temporaryDirectory("fleet-outage")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let url = try server.createDatabase("outage")
        let db = databaseName(url)
        let a = try config(dir, store: url, collector: "id: site-a, spool: \(dir)/a.spool, pds: [DINKES]")
        let log = dir + "/a.jsonl"
        func polled() -> Int { counterPolls([log]).values.reduce(0, +) }
        func inCentral() -> Int { ((try? centralStatus(server, db))?.answered.values.reduce(0, +)) ?? -1 }
        let p = try collect(a, log: dir + "/a.log", counterLog: log, env: env)
        defer { p.stop() }

        // Replaying: both devices' polls reach PostgreSQL.
        #expect(try await waitFor(60) { (try centralStatus(server, db)).answered.values.filter { $0 >= 2 }.count == 2 }, "\(p.log)")
        // The server goes away mid-run: the collector keeps polling into its spool.
        try server.pause()
        let atCut = polled()
        #expect(try await waitFor(60) { polled() >= atCut + 6 }, "\(p.log)")
        #expect(p.isRunning && p.log.contains("central store not reachable; spooling"), "\(p.log)")
        let backlog = try #require(try await waitFor(10) { polled() > inCentral() + 4 || inCentral() < 0 } ? polled() : nil)
        #expect(backlog > 0)

        // It comes back: the spool is replayed, in order, while polling goes on.
        try server.resume()
        let atResume = polled()
        #expect(try await waitFor(60) {
            let backlog = try collectors(url, env: env)["site-a"]?["backlog"] as? Int
            return inCentral() >= atResume && backlog == 0
        }, "\(p.log)")
        #expect(p.log.contains("central store reachable again"), "\(p.log)")

        // Stopped, and started again briefly: what the stop left in the spool is replayed first.
        p.signal(SIGTERM)
        #expect(p.waitForExit(seconds: 30) == 0, "\(p.log)")
        let again = try collect(a, log: dir + "/a.log", counterLog: log, env: env, more: ["--duration", "3"])
        defer { again.stop() }
        #expect(again.waitForExit(seconds: 60) == 0, "\(again.log)")

        // Nothing lost, nothing doubled.
        let status = try centralStatus(server, db)
        let byDevice = counterPolls([log])
        #expect(!status.doubled)
        // Every answered status poll is followed by a counter poll; only a counter poll that failed (logged) has no line.
        if p.log.contains("counter poll failed") {
            #expect(byDevice.allSatisfy { (status.answered[$0.key] ?? 0) >= $0.value }, "in PostgreSQL \(status.answered), polled \(byDevice)")
        } else {
            #expect(status.answered == byDevice, "in PostgreSQL \(status.answered), polled \(byDevice)")
        }
        #expect(try centralTraffic(server, db) == (try referenceTraffic(dir, logs: [log])))
        let c = try #require(try collectors(url, env: env)["site-a"])
        #expect(c["backlog"] as? Int == 0 && c["refused"] as? Int == 0 && c["running"] as? Bool == false, "\(c)")
    }

    /// Host sightings and per-minute traffic, one line each (times in ms), from PostgreSQL or an SQLite file.
    static let sightingSQL = [
        "SELECT mac, vlan, capture_point, frames_sampled, round(first_seen * 1000), round(last_seen * 1000) FROM sighting_host ORDER BY mac, vlan, capture_point",
        "SELECT minute, scope, key, capture_point, samples, in_bytes, out_bytes, in_packets, out_packets FROM sighting_traffic ORDER BY minute, scope, key, capture_point",
        "SELECT capture_point, size, fingerprint, packets, complete FROM capture_file ORDER BY fingerprint",
    ]

    func centralSightings(_ server: PostgresServer, _ db: String) throws -> [String] {
        // psql prints booleans as t/f and round() as numeric: made to read as SQLite prints them.
        try Self.sightingSQL.map { sql in
            try server.psql(sql.replacingOccurrences(of: "round(first_seen * 1000)", with: "round(first_seen * 1000)::bigint")
                .replacingOccurrences(of: "round(last_seen * 1000)", with: "round(last_seen * 1000)::bigint")
                .replacingOccurrences(of: "complete FROM", with: "complete::int FROM"), database: db)
        }.joined(separator: "\n").split(separator: "\n").map(String.init)
    }

    func sqliteSightings(_ path: String) throws -> [String] {
        try Self.sightingSQL.map { sql in
            let q = try run("/usr/bin/sqlite3", [path, sql.replacingOccurrences(of: "round(first_seen * 1000)", with: "CAST(round(first_seen * 1000) AS INTEGER)")
                .replacingOccurrences(of: "round(last_seen * 1000)", with: "CAST(round(last_seen * 1000) AS INTEGER)")])
            try #require(q.status == 0, "\(q.stderr)")
            return q.stdout
        }.joined(separator: "\n").split(separator: "\n").map(String.init)
    }

    @Test func packetSamplingWhileTheCentralStoreIsDownIsSpooledAndReplayedOnce() async throws {
        let server = try PostgresServer()
        defer { server.stop() }
        let env = server.environment
        let dir = try Lab.temporaryDirectory("fleet-sampling")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let url = try server.createDatabase("sampling")
        let db = databaseName(url)
        let captures = ["dhcp.pcap", "LLDP_and_CDP.pcap", "icmp_dot1q.pcap", "wikipedia.pcap"].map { Lab.corpus + "/pcap/" + $0 }
        let sampling = """
            sampling:
              capture_point: site-span
              mode: deterministic
              read: [\(captures.joined(separator: ", "))]
            """
        let a = try config(dir, store: url, collector: "id: site-s, spool: \(dir)/s.spool, pds: [DINKES]", more: sampling)
        let spool = dir + "/s.spool"
        func spooled(_ sql: String) -> Int { Int((try? run("/usr/bin/sqlite3", [spool, sql]))?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? -1 }

        // The central store is down from the start: the collector polls and samples into its spool.
        try server.pause()
        let p = try collect(a, log: dir + "/s.log", counterLog: dir + "/s.jsonl", env: env)
        defer { p.stop() }
        #expect(try await waitFor(90) {
            spooled("SELECT count(*) FROM spool_capture_file WHERE CAST(record AS TEXT) LIKE '%\"complete\":true%'") == captures.count
        }, "\(p.log)")
        #expect(spooled("SELECT count(*) FROM spool_entry WHERE kind = 'sightings'") >= captures.count, "\(p.log)")
        #expect(p.isRunning && p.log.contains("central store not reachable"), "\(p.log)")

        // It comes back: polls and sightings are replayed; then the collector stops.
        try server.resume()
        #expect(try await waitFor(90) {
            (try collectors(url, env: env))["site-s"]?["backlog"] as? Int == 0 && ((try? centralSightings(server, db)) ?? []).count > 0
        }, "\(p.log)")
        p.signal(SIGTERM)
        #expect(p.waitForExit(seconds: 30) == 0, "\(p.log)")

        // Exactly what `pantau sample` makes of the same captures in a fresh SQLite store.
        let reference = dir + "/reference.sqlite"
        let r = try runPantau(["sample", "--read"] + captures + ["--mode", "deterministic", "--capture-point", "site-span"], store: reference,
                              now: "2026-12-01T03:00:00Z")
        try #require(r.status == 0, "\(r.stderr)")
        let expected = try sqliteSightings(reference)
        let central = try centralSightings(server, db)
        #expect(expected.count > captures.count && central == expected, "central:\n\(central.joined(separator: "\n"))\nexpected:\n\(expected.joined(separator: "\n"))")

        // Started again: the spool's ledger knows the captures are counted; nothing is added.
        let again = try collect(a, log: dir + "/s2.log", counterLog: dir + "/s.jsonl", env: env, more: ["--duration", "3"])
        defer { again.stop() }
        #expect(again.waitForExit(seconds: 60) == 0, "\(again.log)")
        #expect(try centralSightings(server, db) == expected)
        let c = try #require(try collectors(url, env: env)["site-s"])
        #expect(c["backlog"] as? Int == 0 && c["refused"] as? Int == 0, "\(c)")
    }

    /// sFlow counter samples a fleet collector hears while the central store is down reach the
    /// central traffic series (not only the sightings), through the arithmetic a single
    /// collector uses: `CountersCLITests`' five samples, the fourth an agent restart, give two
    /// rates, a reset and a rate, each interval between two samples' receive times.
    @Test func sFlowCounterSamplesOfAFleetCollectorFeedTheCentralTrafficSeries() async throws {
        let server = try PostgresServer()
        defer { server.stop() }
        let env = server.environment
        let dir = try Lab.temporaryDirectory("fleet-sflow")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let url = try server.createDatabase("sflow")
        let db = databaseName(url)
        let port = Lab.freeUDPPort()
        let sampling = """
            sampling:
              capture_point: uplink
              sflow: 127.0.0.1:\(port)
              flush_interval: 1
              oui_file: ""
            """
        let a = try config(dir, store: url, collector: "id: site-f, spool: \(dir)/f.spool, pds: [DINKES]", more: sampling)
        let spool = dir + "/f.spool"
        func spooled(_ sql: String) -> Int { Int((try? run("/usr/bin/sqlite3", [spool, sql]))?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? -1 }

        // The central store is down: the samples are spooled.
        try server.pause()
        let p = try collect(a, log: dir + "/f.log", counterLog: dir + "/f.jsonl", env: env)
        defer { p.stop() }
        try #require(waitUntilBound(port: port, within: 60), "the collector did not bind 127.0.0.1:\(port): \(p.log)")
        for (i, s) in CountersCLITests.samples.enumerated() {
            if i > 0 { try await Task.sleep(for: .milliseconds(1_500)) }
            try sendUDP(counterDatagram(sequence: UInt32(i + 1), inOctets: s.0, outOctets: s.1, inErrors: s.2, outErrors: s.3), port: port)
        }
        // The series' state in the spool reaches the last sample (its batches are spooled beside the counter polls').
        #expect(try await waitFor(60) {
            spooled("""
                SELECT count(*) FROM spool_traffic_state WHERE device = '10.20.0.1' AND interface = 'ifIndex 7'
                AND json_extract(CAST(state AS TEXT), '$.last.inOctets') = 610000
                """) == 1
        }, "\(p.log)")
        #expect(spooled("SELECT count(*) FROM spool_entry WHERE kind = 'traffic' AND CAST(payload AS TEXT) LIKE '%10.20.0.1%'") >= 2, "\(p.log)")

        // It comes back: everything is replayed.
        try server.resume()
        let intervalSQL = """
            SELECT r.kind, r.in_octets, r.out_octets, r.in_errors, r.out_errors, floor(r.start_time * 1000)::bigint, floor(r.end_time * 1000)::bigint
            FROM traffic_raw r JOIN traffic_series s ON s.id = r.series_id
            WHERE s.device = '10.20.0.1' AND s.interface = 'ifIndex 7' ORDER BY r.end_time
            """
        func intervals() -> [[String]] {
            ((try? server.psql(intervalSQL, database: db)) ?? "").split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
        }
        #expect(try await waitFor(90) { intervals().count == 4 }, "\(p.log)")
        p.signal(SIGTERM)
        #expect(p.waitForExit(seconds: 30) == 0, "\(p.log)")

        let rows = intervals()
        try #require(rows.count == 4 && rows.allSatisfy { $0.count == 7 }, "\(rows)")
        #expect(rows.map { $0[0] } == ["rate", "rate", "reset", "rate"])
        #expect(rows.map { $0[1] } == ["1500000", "3000000", "", "600000"])
        #expect(rows.map { $0[2] } == ["7500", "0", "", "3000"])
        #expect(rows.map { $0[3] } == ["3", "0", "", "0"] && rows.map { $0[4] } == ["0", "1", "", "0"])
        // Each interval runs from one sample's receive time to the next's, as the central sightings hold them.
        let times = try server.psql("""
            SELECT floor(sampled_at * 1000)::bigint FROM sighting_interface_counters WHERE agent = '10.20.0.1' AND if_index = 7 ORDER BY sampled_at
            """, database: db).split(separator: "\n").map(String.init)
        try #require(times.count == 5, "\(times)")
        #expect(rows.map { $0[5] } == Array(times.dropLast()) && rows.map { $0[6] } == Array(times.dropFirst()), "\(rows) \(times)")
        // The series has the agent's speed, and nothing was refused or is left.
        let speed = try server.psql("SELECT speed FROM traffic_series WHERE device = '10.20.0.1' AND interface = 'ifIndex 7'", database: db)
        #expect(speed.trimmingCharacters(in: .whitespacesAndNewlines) == "100000000")
        let c = try #require(try collectors(url, env: env)["site-f"])
        #expect(c["backlog"] as? Int == 0 && c["refused"] as? Int == 0, "\(c)")
    }

    @Test func aSecondProcessWithTheSameIdentityABadSpoolOrAnotherCollectorsDeviceIsRefusedClearly() async throws {
        let server = try PostgresServer.shared()
        let env = server.environment
        let dir = try Lab.temporaryDirectory("fleet-errors")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let url = try server.createDatabase("errors")
        let db = databaseName(url)
        func collectOnce(_ collector: String, seconds: String = "3") throws -> (status: Int32, stdout: String, stderr: String) {
            let log = dir + "/" + (collector.split(separator: ",").first?.split(separator: " ").last ?? "x") + ".jsonl"
            return try runPantau(["collect", "--config", try config(dir, store: url, collector: collector), "--duration", seconds, "--counter-log", log], store: url,
                          now: ISO8601DateFormatter().string(from: Date()), environment: env, timeout: 90)
        }
        let a = try config(dir, store: url, collector: "id: site-b, spool: \(dir)/b.spool, pds: [DINKES]")
        let p = try collect(a, log: dir + "/b.log", counterLog: dir + "/b.jsonl", env: env)
        defer { p.stop() }
        #expect(try await waitFor(60) { (try collectors(url, env: env))["site-b"]?["devices"] as? Int == 2 }, "\(p.log)")

        // The same identity from another process, with a spool of its own: the lease refuses it.
        let twin = try collectOnce("id: site-b, spool: \(dir)/twin.spool, pds: [DINKES]")
        #expect(twin.status != 0 && twin.stderr.contains("collector \"site-b\" is already running (host ")
                && twin.stderr.contains("pid \(p.pid)") && twin.stderr.contains("two collectors cannot share one identity"), "\(twin.stderr)")
        // ... and with the same spool: the spool's lock refuses it.
        let same = try collectOnce("id: site-b, spool: \(dir)/b.spool, pds: [DINKES]")
        #expect(same.status != 0 && same.stderr.contains("\(dir)/b.spool") && same.stderr.contains("in use by another pantau process"), "\(same.stderr)")

        // A device belongs to the collector that wrote it first: another's writes of it are refused, not written.
        let before = try centralStatus(server, db).answered["sw-dlink"] ?? 0
        let other = try collectOnce("id: site-e, spool: \(dir)/e.spool, targets: [sw-dlink]")
        #expect(other.status == 0 && other.stderr.contains("device sw-dlink belongs to collector site-b"), "\(other.stderr)")
        let e = try #require(try collectors(url, env: env)["site-e"])
        #expect((e["refused"] as? Int ?? 0) > 0 && e["applied"] as? Int == 0 && e["devices"] as? Int == 0, "\(e)")
        let sites = try server.psql("SELECT collector FROM collector_device WHERE device = 'sw-dlink'", database: db)
        #expect(sites.trimmingCharacters(in: .whitespacesAndNewlines) == "site-b")
        p.signal(SIGTERM)
        #expect(p.waitForExit(seconds: 30) == 0, "\(p.log)")
        #expect(before > 0)
        // None of site-e's counter polls of sw-dlink is in its traffic series (site-b's are).
        func times(_ path: String) -> Set<Int64> {
            Set(((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["time"].flatMap { $0 as? Double }.map { Int64(($0 * 1000).rounded(.down)) }
            })
        }
        let central = Set(try centralTraffic(server, db).filter { $0.hasPrefix("sw-dlink|") }.compactMap { Int64($0.split(separator: "|")[2]) })
        let fromE = times(dir + "/site-e.jsonl"), fromB = times(dir + "/b.jsonl")
        #expect(!fromE.isEmpty && !central.isEmpty && central.isDisjoint(with: fromE) && central.isSubset(of: fromB))

        // Another collector's spool, a corrupt spool, a store given as a spool: refused, naming the file and the cause.
        let foreign = try collectOnce("id: site-c, spool: \(dir)/b.spool, pds: [DINKES]")
        #expect(foreign.status != 0 && foreign.stderr.contains("\(dir)/b.spool") && foreign.stderr.contains("belongs to collector \"site-b\", not \"site-c\""),
                "\(foreign.stderr)")
        try Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }).write(to: URL(fileURLWithPath: dir + "/bad.spool"))
        let corrupt = try collectOnce("id: site-d, spool: \(dir)/bad.spool, pds: [DINKES]")
        #expect(corrupt.status != 0 && corrupt.stderr.contains("\(dir)/bad.spool") && corrupt.stderr.contains("corrupt"), "\(corrupt.stderr)")
        let storeFile = dir + "/store.sqlite"
        #expect(try runPantau(["store", "migrate"], store: storeFile, now: "2026-12-01T03:00:00Z").status == 0)
        let notSpool = try collectOnce("id: site-d, spool: \(storeFile), pds: [DINKES]")
        #expect(notSpool.status != 0 && notSpool.stderr.contains("not a Pantau collector spool"), "\(notSpool.stderr)")

        // Forgotten once stopped, site-b's devices may be written by another collector.
        let forget = try runPantau(["collectors", "forget", "site-b"], store: url, now: "2026-12-01T03:00:00Z", environment: env)
        #expect(forget.status == 0 && forget.stdout.contains("2 devices may now be written by another collector"), "\(forget.stdout)\(forget.stderr)")
        let takeover = try collectOnce("id: site-f, spool: \(dir)/f.spool, targets: [sw-dlink]")
        #expect(takeover.status == 0, "\(takeover.stderr)")
        let f = try #require(try collectors(url, env: env)["site-f"])
        #expect(f["refused"] as? Int == 0 && f["devices"] as? Int == 1 && (f["applied"] as? Int ?? 0) > 0, "\(f)")
    }
}

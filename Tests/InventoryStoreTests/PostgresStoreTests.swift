import Foundation
import Governance
import InventoryModel
import InventoryTesting
import PostgresStore
import Storage
import Testing

/// What only the PostgreSQL store has: logging in (a wrong or unreachable URL, a wrong
/// password, a password in the URL), its own schema table (a newer one is refused), and
/// monthly partitions that retention drops whole. Against a real server (`PostgresServer`).
@Suite struct PostgresStoreTests {
    func refusal(_ url: String, _ env: [String: String], access: StoreAccess = .readWrite) -> StoreError? {
        do { _ = try PostgresStore(url: url, access: access, environment: env); return nil } catch { return error }
    }

    @Test func loginFailuresNameTheStoreAndTheCauseWithoutThePassword() throws {
        let server = try PostgresServer.shared()
        let url = try server.createDatabase("login")
        let wrong = try #require(refusal(url, ["PGPASSWORD": "not-the-password"]))
        #expect(wrong.kind == .unusable)
        #expect(wrong.description.hasPrefix(url + ": opening the store: "), "\(wrong)")
        #expect(wrong.description.contains("28P01") && wrong.description.contains("password authentication failed"), "\(wrong)")
        #expect(!wrong.description.contains("not-the-password"))

        let none = try #require(refusal(url, ["HOME": "/nonexistent"]))
        #expect(none.kind == .unusable && none.description.contains("password"), "\(none)")

        let closed = "postgres://postgres@127.0.0.1:\(Lab.freeTCPPort())/x"
        let unreachable = try #require(refusal(closed, server.environment))
        #expect(unreachable.kind == .unusable && unreachable.description.hasPrefix(closed + ": opening the store: cannot reach"), "\(unreachable)")

        let missing = try #require(refusal(server.url("no_such_db"), server.environment))
        #expect(missing.description.contains("3D000") && missing.description.contains("no_such_db"), "\(missing)")

        let inURL = try #require(refusal("postgres://postgres:s3cret@127.0.0.1:\(server.port)/x", [:]))
        #expect(!inURL.description.contains("s3cret") && inURL.description.contains("PGPASSWORD"), "\(inURL)")

        for bad in ["postgres://127.0.0.1/x", "postgres://u@127.0.0.1:99999/x", "postgres://u@127.0.0.1:5432/"] {
            #expect(refusal(bad, [:])?.description.contains("postgres://USER@HOST:PORT/DATABASE") == true, "\(bad)")
        }
    }

    @Test func thePasswordComesFromAPasswordFile() throws {
        let server = try PostgresServer.shared()
        let url = try server.createDatabase("passfile")
        let dir = try Lab.temporaryDirectory("pgpass")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "# pantau\notherhost:*:*:*:nope\n127.0.0.1:\(server.port):*:postgres:\(server.password)\n"
            .write(toFile: dir + "/pgpass", atomically: true, encoding: .utf8)
        let store = try PostgresStore(url: url, environment: ["PGPASSFILE": dir + "/pgpass"])
        #expect(try store.devices().isEmpty)
        #expect(store.location == url && !store.location.contains(server.password))
    }

    @Test func aNewerSchemaIsRefusedAndReadOnlyCreatesNothing() throws {
        let server = try PostgresServer.shared()
        let url = try server.createDatabase("schema")
        let db = String(url.split(separator: "/").last!)
        // Read-only on an empty database: refused, nothing created.
        let empty = try #require(refusal(url, server.environment, access: .readOnly))
        #expect(empty.kind == .unusable && empty.description.contains("no Pantau store in this database"), "\(empty)")
        #expect(try server.psql("SELECT to_regclass('pantau_schema') IS NULL", database: db).contains("t"))

        let store = try PostgresStore(url: url, environment: server.environment)
        #expect(try store.appliedMigrations().count == PostgresStore.schemaVersion)
        try server.psql("INSERT INTO pantau_schema (name, version, applied_at) VALUES ('pg9-from-the-future', 99, 0)", database: db)
        for access in [StoreAccess.readWrite, .readOnly] {
            let newer = try #require(refusal(url, server.environment, access: access))
            #expect(newer.kind == .unusable && newer.description.hasPrefix(url + ": opening the store: written by a newer Pantau"), "\(newer)")
            #expect(newer.description.contains("pg9-from-the-future")
                    && newer.description.contains("this pantau knows schema version \(PostgresStore.schemaVersion)"), "\(newer)")
        }
    }

    @Test func retentionDropsWholeMonthlyPartitions() throws {
        let server = try PostgresServer.shared()
        let url = try server.createDatabase("partitions")
        let db = String(url.split(separator: "/").last!)
        let store = try PostgresStore(url: url, environment: server.environment)
        let key = TrafficSeriesKey(device: "rtr", interface: "ge-0/0/0")
        // 2026-09-15, 2026-10-15, 2026-11-15: one raw interval and one 5-minute sample each.
        let times: [Int64] = [1_789_430_400, 1_792_022_400, 1_794_700_800]
        for t in times {
            let i = CounterInterval(start: Date(timeIntervalSince1970: TimeInterval(t - 60)), end: Date(timeIntervalSince1970: TimeInterval(t)),
                                    kind: .gap, ifSpeed: 0, reason: .gap)
            try store.record(traffic: TrafficBatch(rates: [InterfaceRate(key: key, ifIndex: nil, interval: i)],
                                                   samples: [ClosedTrafficSample(key: key, resolution: .fiveMinutes,
                                                                                 sample: TrafficSample(start: t, covered: 300, inBPS: 1, outBPS: 1))]))
        }
        func partitions(_ parent: String) throws -> [String] {
            try server.psql("""
                SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
                WHERE p.relname = '\(parent)' ORDER BY 1
                """, database: db).split(separator: "\n").map(String.init)
        }
        #expect(try partitions("traffic_raw") == ["traffic_raw_y2026m09", "traffic_raw_y2026m10", "traffic_raw_y2026m11"])
        #expect(try partitions("traffic_block_r300") == ["traffic_block_r300_y2026m09", "traffic_block_r300_y2026m10", "traffic_block_r300_y2026m11"])
        // On 2026-11-20 with 40 days of raw intervals and 5-minute samples: September's go whole
        // (their partitions dropped), October's (cutoff inside it) stays.
        let n = try store.pruneTraffic(retention: TrafficRetention(rawDays: 40, fiveMinuteDays: 40), now: Date(timeIntervalSince1970: 1_795_132_800))
        #expect(n == 2)
        #expect(try partitions("traffic_raw") == ["traffic_raw_y2026m10", "traffic_raw_y2026m11"])
        #expect(try partitions("traffic_block_r300") == ["traffic_block_r300_y2026m10", "traffic_block_r300_y2026m11"])
        #expect(try store.trafficIntervals(key, from: .distantPast, to: .distantFuture).count == 2)
        // Writing into a dropped month again makes its partition again.
        let back = CounterInterval(start: Date(timeIntervalSince1970: 1_789_430_000), end: Date(timeIntervalSince1970: 1_789_430_060),
                                   kind: .gap, ifSpeed: 0, reason: .gap)
        try store.record(traffic: TrafficBatch(rates: [InterfaceRate(key: key, ifIndex: nil, interval: back)]))
        #expect(try store.trafficIntervals(key, from: .distantPast, to: .distantFuture).count == 3)
    }

    /// Two collectors (two stores, two threads) writing one database at once, each its own
    /// devices' status polls and traffic, both the same PD registry's audit log: every row
    /// arrives once, and a third reader sees them all.
    @Test func twoWritersAtOnceLoseNothingAndDoubleNothing() throws {
        let server = try PostgresServer.shared()
        let url = try server.createDatabase("writers")
        let stores = [try PostgresStore(url: url, environment: server.environment), try PostgresStore(url: url, environment: server.environment)]
        let t0: Int64 = 1_793_577_600
        let failures = NSLock()
        nonisolated(unsafe) var errors: [String] = []
        DispatchQueue.concurrentPerform(iterations: 2) { w in
            let store = stores[w]
            do {
                for i in 0..<50 {
                    let time = Date(timeIntervalSince1970: TimeInterval(t0 + Int64(i) * 60))
                    try store.record(status: StatusPoll(device: "c\(w)-sw", time: time, interval: 60, pd: "DINKES", reachable: true))
                    let key = TrafficSeriesKey(device: "c\(w)-rtr", interface: "ge-0/0/0")
                    try store.record(traffic: TrafficBatch(states: [TrafficSeriesState(key: key)],
                                                           samples: [ClosedTrafficSample(key: key, resolution: .fiveMinutes,
                                                                                         sample: TrafficSample(start: t0 + Int64(i) * 300, covered: 300,
                                                                                                               inBPS: Int64(i), outBPS: 1))]))
                    try store.appendAudit(AuditEntry(at: time, actor: "collector-\(w)", action: "poll", pd: nil, outcome: "ok", detail: "\(i)"))
                }
            } catch {
                failures.lock(); errors.append("\(error)"); failures.unlock()
            }
        }
        #expect(errors.isEmpty, "\(errors)")
        let reader = try PostgresStore(url: url, access: .readOnly, environment: server.environment)
        let polls = try reader.statusPolls(device: nil, pd: nil, from: nil, to: nil)
        #expect(polls.count == 100 && Set(polls.map(\.device)) == ["c0-sw", "c1-sw"])
        let samples = try reader.trafficSamples(nil, resolution: .fiveMinutes, from: .distantPast, to: .distantFuture)
        #expect(samples.count == 2 && samples.values.allSatisfy { $0.map(\.inBPS) == (0..<50).map(Int64.init) })
        let audit = try reader.auditLog()
        #expect(audit.count == 100 && Set(audit.map { "\($0.actor) \($0.detail)" }).count == 100)
    }
}

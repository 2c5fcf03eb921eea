// Fleet ingest benchmark (not a test): several collectors' spools replayed at once into one
// PostgreSQL, as a fleet's forwarders do (issue 21).
//
//   swift build -c release --product fleet-bench
//   .build/release/fleet-bench [--collectors 4] [--interfaces 10000] [--cycles 10] [--postgres URL] [--dir DIR]
//
// Each collector gets `interfaces / collectors` interfaces, 24 per device. Phase 1 (spooling,
// the collector side): `cycles` poll cycles 60 s apart, each device's counter poll through
// `TrafficTracker` into the spool (what `TrafficRecorder(writer: spool)` does) and its status poll appended to the spool, as the fleet
// daemon does. Phase 2 (replay, the central side): every collector's spool replayed at once,
// one thread and one connection pool per collector (`FleetStorage.applySpooled`, 500 entries
// per transaction, then removed from the spool), into a fresh database of a PostgreSQL 15
// this benchmark starts (fsync on, synchronous_commit off; the replay's own transactions set
// it on, as they must). Reported: wall time and rates, interface intervals (one per interface
// and cycle after the first) and status polls replayed per second, and the database's size.
import Foundation
import InventoryModel
import InventoryStore
import InventoryTesting
import Settings
import PostgresStore
import Storage

var collectors = 4
var interfaces = 10_000
var cycles = 10
var postgresURL: String?
var dir = NSTemporaryDirectory() + "fleet-bench"
var args = CommandLine.arguments.dropFirst().makeIterator()
while let a = args.next() {
    switch a {
    case "--collectors": collectors = Int(args.next() ?? "") ?? collectors
    case "--interfaces": interfaces = Int(args.next() ?? "") ?? interfaces
    case "--cycles": cycles = Int(args.next() ?? "") ?? cycles
    case "--postgres": postgresURL = args.next()
    case "--dir": dir = args.next() ?? dir
    default: FileHandle.standardError.write("unknown argument \(a)\n".data(using: .utf8)!); exit(64)
    }
}

let perDevice = 24
let t0 = Date(timeIntervalSince1970: 1_748_736_000)   // 2025-06-01T00:00:00Z
try? FileManager.default.removeItem(atPath: dir)
try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

// Phase 1: each collector's spool, as its daemon fills it.
let clock = ContinuousClock()
var spools: [CollectorSpool] = []
let spoolStart = clock.now
var statusPolls = 0, intervals = 0
for c in 0..<collectors {
    let spool = try CollectorSpool(path: "\(dir)/spool-\(c).sqlite", collector: "bench-\(c)")
    // What `TrafficRecorder(writer: spool)` does for one poll: the pure tracker, then one batch.
    let policy = TrafficSettings().policy
    func record(_ poll: CounterPoll) throws -> Int {
        let step = TrafficTracker.advance(try spool.trafficStates(device: poll.device), with: poll,
                                          gapOver: policy.gapThreshold(median: 60), minInterval: min(policy.minInterval, 30))
        let closed = step.closed.sorted { ($0.key, $0.resolution, $0.sample.start) < ($1.key, $1.resolution, $1.sample.start) }
        try spool.record(traffic: TrafficBatch(states: step.states, rates: step.rates, samples: closed))
        return step.rates.count
    }
    let devices = max(1, interfaces / collectors / perDevice)
    for k in 0..<cycles {
        let time = t0.addingTimeInterval(Double(k * 60))
        for d in 0..<devices {
            let name = "c\(c)-dev\(d)"
            var snaps: [InterfaceCounterSnapshot] = []
            for i in 0..<perDevice {
                let rate = UInt64((d * perDevice + i) % 97 + 1) * 125_000   // 1-97 Mbit/s
                snaps.append(InterfaceCounterSnapshot(ifIndex: i + 1, name: "ge-0/0/\(i)", speed: 1_000_000_000,
                                                      hcInOctets: rate * UInt64(k * 60), hcOutOctets: rate * UInt64(k * 20),
                                                      inErrors: 0, outErrors: 0))
            }
            try spool.append(.status(StatusPoll(device: name, time: time, interval: 60, pd: "PD\(c)", reachable: true,
                                                sysUpTime: UInt32(100_000 + k * 6_000))))
            statusPolls += 1
            intervals += try record(CounterPoll(device: name, time: time, sysUpTime: UInt32(100_000 + k * 6_000), interfaces: snaps))
        }
    }
    spools.append(spool)
}
let spoolTime = seconds(clock.now - spoolStart)
let entries = try spools.map { try $0.backlog().count }.reduce(0, +)
print("spooled: \(collectors) collectors, \(interfaces) interfaces, \(cycles) cycles: \(entries) entries "
      + "(\(statusPolls) status polls, \(intervals) interface intervals) in \(String(format: "%.1f", spoolTime)) s")

// Phase 2: every spool replayed at once into one PostgreSQL.
var server: PostgresServer?
let base: String
if let postgresURL { base = postgresURL } else {
    server = try PostgresServer(durable: true, sharedBuffers: "1GB")
    base = try server!.createDatabase("fleet")
}
let environment = server?.environment ?? ProcessInfo.processInfo.environment
// The schema first (as the first collector to start would), so the replay threads measure replay.
_ = try PostgresStore(url: base, access: .readWrite, environment: environment)
final class Failures: @unchecked Sendable {
    let lock = NSLock()
    var list: [String] = []
}

/// Replays every spool at once, one thread and one store (its own connection pool) per collector.
func replay(_ spools: [CollectorSpool], into url: String, environment: [String: String]) -> [String] {
    let failures = Failures()
    DispatchQueue.concurrentPerform(iterations: spools.count) { c in
        do {
            let spool = spools[c]
            let central = try PostgresStore(url: url, access: .readWrite, environment: environment)
            let token = UUID().uuidString
            try central.claimCollector(CollectorClaim(id: spool.collector, token: token, host: "bench", pid: Int(getpid()), spool: spool.path,
                                                      spoolID: spool.spoolID, leaseSeconds: 600))
            while true {
                let batch = try spool.pending(limit: 500)
                guard let last = batch.last else { break }
                _ = try central.applySpooled(batch, collector: spool.collector, token: token, spoolID: spool.spoolID)
                try spool.acknowledge(through: last.seq, refused: [])
            }
        } catch {
            failures.lock.withLock { failures.list.append("collector \(c): \(error)") }
        }
    }
    return failures.list
}

let replayStart = clock.now
let failed = replay(spools, into: base, environment: environment)
let replayTime = seconds(clock.now - replayStart)
guard failed.isEmpty else { print(failed.joined(separator: "\n")); exit(1) }
let check = try PostgresStore(url: base, access: .readOnly, environment: environment)
let series = try check.trafficSeries(device: nil).count
let dbName = String(base.split(separator: "/").last ?? "")
let started = server
func sql(_ q: String) -> String { started.map { (try? $0.psql(q, database: dbName))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?" } ?? "?" }
let size = sql("SELECT pg_database_size(current_database())")
// Bytes per row of each time series (table, indexes and TOAST, over its partitions), for sizing.
for table in ["traffic_raw", "traffic_block", "status_poll", "traffic_series"] {
    print("  \(table): " + sql("""
        SELECT count(*) || ' rows, ' || (SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c
          WHERE c.relname = '\(table)' OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent IN
            (SELECT oid FROM pg_class WHERE relname = '\(table)' OR oid IN (SELECT inhrelid FROM pg_inherits i2 JOIN pg_class p ON p.oid = i2.inhparent WHERE p.relname = '\(table)'))))
          || ' bytes' FROM \(table)
        """))
}
print(String(format: "replayed: %d entries in %.1f s wall: %.0f entries/s, %.0f interface intervals/s, %.0f status polls/s; %d series; database %@ bytes",
             entries, replayTime, Double(entries) / replayTime, Double(intervals) / replayTime, Double(statusPolls) / replayTime, series, size))
server?.stop()

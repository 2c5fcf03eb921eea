// Store benchmark (not a test): the same synthetic traffic written to the SQLite store and to
// the PostgreSQL store, then every interface's monthly 95th percentile read from each; one run
// prints both (issue 21).
//
//   swift build -c release --product store-bench
//   .build/release/store-bench [--interfaces 10000] [--days 30] [--cycles 12] [--postgres URL] [--dir DIR]
//
// Without --postgres it starts its own PostgreSQL 15 (InventoryTesting's PostgresServer, as
// root through runuser) with fsync on and synchronous_commit off: a commit is durable once the
// WAL is flushed in the background, as the SQLite store's WAL with synchronous=NORMAL.
//
// Phases, each timed on both stores (wall time, and this process's CPU; PostgreSQL's own
// server processes are not in the CPU figure):
// - backfill: a month (June 2025) of 5-minute samples per interface, one transaction per
//   interface (`record(traffic:)` with one run), as `pantau store copy` or a backfill writes;
// - live: `--cycles` poll cycles after that month, each one transaction holding every
//   interface's state, raw interval and closed 5-minute sample, as the collector writes a cycle;
// - query: `trafficStatistics(nil, June)`, every interface's average, peak and p95, in and out.
import Foundation
import InventoryModel
import InventoryStore
import InventoryTesting
import PostgresStore
import Storage

var interfaces = 10_000
var days = 30
var cycles = 12
var postgresURL: String?
var dir = NSTemporaryDirectory() + "store-bench"
var args = CommandLine.arguments.dropFirst().makeIterator()
while let a = args.next() {
    switch a {
    case "--interfaces": interfaces = Int(args.next() ?? "") ?? interfaces
    case "--days": days = Int(args.next() ?? "") ?? days
    case "--cycles": cycles = Int(args.next() ?? "") ?? cycles
    case "--postgres": postgresURL = args.next()
    case "--dir": dir = args.next() ?? dir
    default: FileHandle.standardError.write("unknown argument \(a)\n".data(using: .utf8)!); exit(64)
    }
}

let month0: Int64 = 1_748_736_000   // 2025-06-01T00:00:00Z
let perDay = 288

/// One interface's samples from `first` (index of 5-minute slot after month0), `count` of them:
/// a mean log-uniform from 10 kbit/s to 400 Mbit/s, a working-day curve (WITA), ±15 % noise,
/// an hour missing on day 17.
func samples(_ n: Int, first: Int, count: Int) -> [TrafficSample] {
    var r = SplitMix64(seed: UInt64(n) &* 7919 &+ 1)
    let mean = 10_000 * pow(40_000, r.unit())
    let outShare = 0.1 + 0.4 * r.unit()
    r.state &+= UInt64(first)
    var out: [TrafficSample] = []
    out.reserveCapacity(count)
    for k in first..<(first + count) {
        let t = month0 + Int64(k) * 300
        if k / perDay == 17 && (k % perDay) / 12 == 3 { continue }
        let hourOfDay = Double((t + 8 * 3600) % 86_400) / 3600
        let day = 0.2 + 0.8 * max(0, sin((hourOfDay - 7) / 11 * .pi))
        let v = mean * day * (0.85 + 0.3 * r.unit())
        out.append(TrafficSample(start: t, covered: 300, inBPS: Int64(v), outBPS: Int64(v * outShare)))
    }
    return out
}

func key(_ n: Int) -> TrafficSeriesKey { TrafficSeriesKey(device: "sw\(n / 48)", interface: "ge-0/0/\(n % 48)") }

func cpuSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func line(_ s: String) { print(s); FileHandle.standardOutput.synchronizeFile() }

struct Result {
    var backfill = (cpu: 0.0, wall: 0.0, samples: 0)
    var live = (cpu: 0.0, wall: 0.0, samples: 0)
    var query = (cpu: 0.0, wall: 0.0)
    var stats: [TrafficSeriesKey: TrafficStatistics] = [:]
}

@MainActor func run(_ store: any PantauStorage, label: String) throws -> Result {
    var res = Result()
    for n in 0..<interfaces {
        let five = samples(n, first: 0, count: days * perDay)
        let c0 = cpuSeconds(), w0 = Date()
        try store.record(traffic: TrafficBatch(runs: [TrafficSampleRun(key: key(n), resolution: .fiveMinutes, samples: five)]))
        res.backfill.cpu += cpuSeconds() - c0; res.backfill.wall += Date().timeIntervalSince(w0)
        res.backfill.samples += five.count
        if n % 1000 == 999 { FileHandle.standardError.write("\(label): backfilled \(n + 1) interfaces\n".data(using: .utf8)!) }
    }
    for c in 0..<cycles {
        let slot = days * perDay + c
        var states: [TrafficSeriesState] = [], rates: [InterfaceRate] = [], closed: [ClosedTrafficSample] = []
        for n in 0..<interfaces {
            let k = key(n)
            guard let s = samples(n, first: slot, count: 1).first else { continue }
            let end = Date(timeIntervalSince1970: TimeInterval(s.start + 300))
            var state = TrafficSeriesState(key: k, ifIndex: n % 48 + 1, name: k.interface, speed: 1_000_000_000)
            state.last = CounterReading(time: end, ifSpeed: 1_000_000_000, inOctets: UInt64(s.inBPS) * 300 / 8 * UInt64(c + 1),
                                        outOctets: UInt64(s.outBPS) * 300 / 8 * UInt64(c + 1), width: .bits64, sysUpTime: UInt32(c * 30_000), ifIndex: n % 48 + 1)
            states.append(state)
            rates.append(InterfaceRate(key: k, ifIndex: n % 48 + 1, interval: CounterInterval(
                start: end.addingTimeInterval(-300), end: end, kind: .rate, ifSpeed: 1_000_000_000, inOctets: UInt64(s.inBPS) * 300 / 8,
                outOctets: UInt64(s.outBPS) * 300 / 8, inErrors: 0, outErrors: 0, inDiscards: 0, outDiscards: 0)))
            closed.append(ClosedTrafficSample(key: k, resolution: .fiveMinutes, sample: s))
        }
        let c0 = cpuSeconds(), w0 = Date()
        try store.record(traffic: TrafficBatch(states: states, rates: rates, samples: closed))
        res.live.cpu += cpuSeconds() - c0; res.live.wall += Date().timeIntervalSince(w0)
        res.live.samples += closed.count
    }
    let q0c = cpuSeconds(), q0w = Date()
    res.stats = try store.trafficStatistics(nil, from: Date(timeIntervalSince1970: TimeInterval(month0)),
                                            to: Date(timeIntervalSince1970: TimeInterval(month0 + Int64(days) * 86_400)))
    res.query = (cpuSeconds() - q0c, Date().timeIntervalSince(q0w))
    return res
}

try? FileManager.default.removeItem(atPath: dir)
try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
line("store benchmark: \(interfaces) interfaces × \(days) days of 5-minute samples, then \(cycles) live poll cycles; \(dir)")

let sqlitePath = dir + "/pantau.sqlite"
let sqlite = try PantauStore(path: sqlitePath)
let s = try run(sqlite, label: "sqlite")
try sqlite.checkpoint()
var st = stat()
let sqliteBytes = stat(sqlitePath, &st) == 0 ? Int64(st.st_size) : 0

var server: PostgresServer?
let url: String
var environment = ProcessInfo.processInfo.environment
if let postgresURL { url = postgresURL } else {
    let started = try PostgresServer(durable: true, sharedBuffers: "1GB")
    server = started
    url = try started.createDatabase("bench")
    environment["PGPASSWORD"] = started.password
}
let postgres = try PostgresStore(url: url, environment: environment)
let p = try run(postgres, label: "postgresql")
let pgBytes = Int64(try server.map { try $0.psql("SELECT pg_database_size(current_database())", database: String(url.split(separator: "/").last!)) }?
    .trimmingCharacters(in: .whitespacesAndNewlines) ?? "0") ?? 0
server?.stop()

let same = s.stats == p.stats
func rate(_ n: Int, _ secs: Double) -> String { String(format: "%.2f M samples/s", Double(n) / secs / 1e6) }
line("")
line("| \(interfaces) interfaces | SQLite | PostgreSQL | PostgreSQL / SQLite |")
line("|---|---|---|---|")
line(String(format: "| backfill, wall s (%d samples) | %.1f | %.1f | %.2f× |", s.backfill.samples, s.backfill.wall, p.backfill.wall, p.backfill.wall / s.backfill.wall))
line("| backfill rate (wall) | \(rate(s.backfill.samples, s.backfill.wall)) | \(rate(p.backfill.samples, p.backfill.wall)) | |")
line(String(format: "| backfill, client CPU s | %.1f | %.1f | |", s.backfill.cpu, p.backfill.cpu))
line(String(format: "| one poll cycle (state, interval, sample of every interface), wall s | %.2f | %.2f | %.2f× |",
            s.live.wall / Double(cycles), p.live.wall / Double(cycles), p.live.wall / s.live.wall))
line(String(format: "| poll-cycle rate (wall) | %.0f interfaces/s | %.0f interfaces/s | |", Double(s.live.samples) / s.live.wall,
            Double(p.live.samples) / p.live.wall))
line(String(format: "| monthly p95 of every interface, wall s | %.2f | %.2f | %.2f× |", s.query.wall, p.query.wall, p.query.wall / s.query.wall))
line(String(format: "| monthly p95, client CPU s | %.2f | %.2f | |", s.query.cpu, p.query.cpu))
line(String(format: "| size on disk | %.0f MiB | %.0f MiB | %.2f× |", Double(sqliteBytes) / 1_048_576, Double(pgBytes) / 1_048_576,
            Double(pgBytes) / Double(max(sqliteBytes, 1))))
line("")
line("statistics of \(s.stats.count) interfaces from SQLite and \(p.stats.count) from PostgreSQL: \(same ? "identical" : "DIFFERENT")")
try? FileManager.default.removeItem(atPath: dir)
if !same { exit(1) }

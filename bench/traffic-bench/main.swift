// Storage benchmark (not a test): a synthetic year of 5-minute traffic samples for N interfaces
// (default 1000), written to Pantau's store and to rrdtool (the storage of MRTG, Cacti and
// LibreNMS) holding the same data (5-minute averages for a year, hourly and daily averages and
// peaks), then every interface's 95th percentile for one month from each; CPU time, wall time
// and disk size of both, printed in one run.
//
//   swift build -c release --product traffic-bench
//   .build/release/traffic-bench [--interfaces 1000] [--dir /tmp/traffic-bench] [--keep]
//
// Pantau's figures are for its store calls only (generating the data is not timed); rrdtool's
// are its own process's CPU (getrusage of the child) and the wall time until it exited, fed
// through its pipe mode (`rrdtool -`) with many updates per command, as fast as it goes.
import Foundation
import InventoryModel
import InventoryStore
import InventoryTesting
import Storage

// MARK: - Options

var interfaces = 1000
var dir = NSTemporaryDirectory() + "traffic-bench"
var keep = false
var pantauOnly = false   // for profiling Pantau's side
var queryOnly = false    // for profiling the query: the store kept (--keep) in --dir by an earlier run
var args = CommandLine.arguments.dropFirst().makeIterator()
while let a = args.next() {
    switch a {
    case "--interfaces": interfaces = Int(args.next() ?? "") ?? interfaces
    case "--dir": dir = args.next() ?? dir
    case "--keep": keep = true
    case "--pantau-only": pantauOnly = true
    case "--query-only": queryOnly = true
    default: FileHandle.standardError.write("unknown argument \(a)\n".data(using: .utf8)!); exit(64)
    }
}

let year0: Int64 = 1_735_689_600            // 2025-01-01T00:00:00Z
let samplesPerYear = 365 * 288
let month = (start: Int64(1_748_736_000), end: Int64(1_751_328_000))   // 2025-06 (UTC), 8640 samples

// MARK: - Synthetic traffic

/// One interface's year: a mean rate log-uniform from 10 kbit/s to 400 Mbit/s, a working-day
/// curve (nights at 20 %), ±15 % noise, outbound a fixed share of inbound; some interfaces idle
/// at night (zero), a few hours each month missing (a gap, no sample).
func year(_ n: Int) -> [TrafficSample] {
    var r = SplitMix64(seed: UInt64(n) &* 7919 &+ 1)
    let mean = 10_000 * pow(40_000, r.unit())
    let outShare = 0.1 + 0.4 * r.unit()
    let idleAtNight = r.unit() < 0.2
    var out: [TrafficSample] = []
    out.reserveCapacity(samplesPerYear)
    for k in 0..<samplesPerYear {
        let t = year0 + Int64(k) * 300
        let hourOfDay = Double((t + 8 * 3600) % 86_400) / 3600   // WITA
        if (k / 288) % 30 == 17 && (k % 288) / 12 == 3 { continue }   // an hour missing each month
        var day = 0.2 + 0.8 * max(0, sin((hourOfDay - 7) / 11 * .pi))
        if idleAtNight && day < 0.25 { day = 0 }
        let v = mean * day * (0.85 + 0.3 * r.unit())
        out.append(TrafficSample(start: t, covered: 300, inBPS: Int64(v), outBPS: Int64(v * outShare)))
    }
    return out
}

/// Hourly and daily rollups of a year's 5-minute samples, as the tracker produces them (each
/// bucket what `TrafficSample.rollup` gives for its samples, all in one pass).
func rollups(_ five: [TrafficSample]) -> (hours: [TrafficSample], days: [TrafficSample]) {
    let hours = TrafficSample.rollups(five[...], to: .hour)
    return (hours, TrafficSample.rollups(hours[...], to: .day))
}

// MARK: - Measuring

func cpuSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func childCPU() -> Double {
    var u = rusage()
    getrusage(RUSAGE_CHILDREN.rawValue, &u)
    return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6 + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
}

func du(_ paths: [String]) -> Int64 {
    paths.reduce(0) { total, p in
        var st = stat()
        return total + (stat(p, &st) == 0 ? Int64(st.st_blocks) * 512 : 0)
    }
}

func line(_ s: String) { print(s); FileHandle.standardOutput.synchronizeFile() }

// MARK: - Run

if queryOnly {
    let store = try PantauStore(path: dir + "/pantau.sqlite")
    for _ in 0..<5 {
        let c0 = cpuSeconds()
        let stats = try store.trafficStatistics(nil, from: Date(timeIntervalSince1970: TimeInterval(month.start)),
                                                to: Date(timeIntervalSince1970: TimeInterval(month.end)))
        line(String(format: "monthly p95 of %d interfaces: %.3f s CPU", stats.count, cpuSeconds() - c0))
    }
    exit(0)
}
try? FileManager.default.removeItem(atPath: dir)
try FileManager.default.createDirectory(atPath: dir + "/rrd", withIntermediateDirectories: true)
let points = interfaces * samplesPerYear
line("traffic storage benchmark: \(interfaces) interfaces × a year of 5-minute samples (in and out), \(dir)")

// Pantau.
let storePath = dir + "/pantau.sqlite"
let store = try PantauStore(path: storePath)
var pCPU = 0.0, pWall = 0.0, stored = 0
for n in 0..<interfaces {
    let five = year(n)
    let key = TrafficSeriesKey(device: "sw\(n / 48)", interface: "ge-0/0/\(n % 48)")
    stored += five.count
    let c0 = cpuSeconds(), w0 = Date()
    // The hourly and daily rollups are computed in the timed part, as rrdtool consolidates in
    // its: by the store, as it writes each day's block (`withRollups`; the same samples as
    // `rollups(five)` gives, written as runs of their own).
    try store.record(traffic: TrafficBatch(runs: [TrafficSampleRun(key: key, resolution: .fiveMinutes, samples: five, withRollups: true)]))
    pCPU += cpuSeconds() - c0; pWall += Date().timeIntervalSince(w0)
}
let c0 = cpuSeconds(), w0 = Date()
try store.checkpoint()
pCPU += cpuSeconds() - c0; pWall += Date().timeIntervalSince(w0)
let pDisk = du([storePath, storePath + "-wal"])

let q0c = cpuSeconds(), q0w = Date()
let monthStats = try store.trafficStatistics(nil, from: Date(timeIntervalSince1970: TimeInterval(month.start)),
                                             to: Date(timeIntervalSince1970: TimeInterval(month.end)))
var pP95: [String: (Int64, Int64)] = [:]
for (k, st) in monthStats { pP95["\(k)"] = (st.inbound.p95, st.outbound.p95) }
let pQueryCPU = cpuSeconds() - q0c, pQueryWall = Date().timeIntervalSince(q0w)

// The rollups the store made (untimed check): a few interfaces' hourly and daily samples
// equal `rollups(five)` of their year.
let yearRange = (Date(timeIntervalSince1970: TimeInterval(year0)), Date(timeIntervalSince1970: TimeInterval(year0 + 366 * 86_400)))
for n in Set([0, interfaces / 2, interfaces - 1]) {
    let key = TrafficSeriesKey(device: "sw\(n / 48)", interface: "ge-0/0/\(n % 48)")
    let (hours, days) = rollups(year(n))
    let storedHours = try store.trafficSamples([key], resolution: .hour, from: yearRange.0, to: yearRange.1)[key] ?? []
    let storedDays = try store.trafficSamples([key], resolution: .day, from: yearRange.0, to: yearRange.1)[key] ?? []
    guard storedHours == hours, storedDays == days else {
        line("interface \(n): the stored rollups differ from rollups(five)"); exit(1)
    }
}

if pantauOnly {
    line(String(format: "Pantau only: ingest %.2f s CPU, %.2f s wall; monthly p95 %.3f s CPU; disk %.1f MiB", pCPU, pWall, pQueryCPU, Double(pDisk) / 1_048_576))
    exit(0)
}

/// rrdtool's output, read on a thread of its own (a full pipe would stall it); read once the thread ended.
final class Collected: @unchecked Sendable { var data = Data() }

// rrdtool: same samples, same rollups (AVERAGE and MAX at an hour and a day).
@MainActor func rrdtool(_ feed: (FileHandle) throws -> Void, output: ((String) -> Void)? = nil) throws -> (cpu: Double, wall: Double) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/rrdtool")
    p.arguments = ["-"]
    let input = Pipe(), out = Pipe()
    p.standardInput = input
    p.standardOutput = out
    let before = childCPU(), start = Date()
    try p.run()
    let collected = Collected()
    let reader = Thread { collected.data = out.fileHandleForReading.readDataToEndOfFile() }
    reader.start()
    try feed(input.fileHandleForWriting)
    try input.fileHandleForWriting.close()
    p.waitUntilExit()
    while !reader.isFinished { usleep(1_000) }
    let text = collected.data
    let wall = Date().timeIntervalSince(start)
    output?(String(decoding: text, as: UTF8.self))
    guard p.terminationStatus == 0 else { throw NSError(domain: "rrdtool exited \(p.terminationStatus)", code: 1) }
    return (childCPU() - before, wall)
}

@MainActor func rrd(_ n: Int) -> String { "\(dir)/rrd/if\(n).rrd" }
let create = try rrdtool { h in
    for n in 0..<interfaces {
        h.write("create \(rrd(n)) --start \(year0 - 300) --step 300 DS:in:GAUGE:600:0:U DS:out:GAUGE:600:0:U RRA:AVERAGE:0.5:1:\(samplesPerYear) RRA:AVERAGE:0.5:12:\(365 * 24 * 3) RRA:MAX:0.5:12:\(365 * 24 * 3) RRA:AVERAGE:0.5:288:3660 RRA:MAX:0.5:288:3660\n".data(using: .utf8)!)
    }
}
// One rrdtool process for every update (as rrdcached would batch them); the text is made
// while rrdtool works, on the other core, and takes less time than rrdtool's share.
var genSeconds = 0.0
let updates = try rrdtool { h in
    for n in 0..<interfaces {
        let g0 = cpuSeconds()
        let five = year(n)
        var cmd = "update \(rrd(n))", count = 0
        var text = ""
        for x in five {
            cmd += " \(x.start + 300):\(x.inBPS):\(x.outBPS)"
            count += 1
            if count == 2_000 { text += cmd + "\n"; cmd = "update \(rrd(n))"; count = 0 }
        }
        if count > 0 { text += cmd + "\n" }
        genSeconds += cpuSeconds() - g0
        h.write(text.data(using: .utf8)!)
    }
}
let rIngest = (cpu: create.cpu + updates.cpu, wall: create.wall + updates.wall)
let rDisk = du((0..<interfaces).map(rrd))

var rP95: [Int: (Int64, Int64)] = [:]
let rQuery = try rrdtool({ h in
    for n in 0..<interfaces {
        // rrdtool's 95th percentile (PERCENTNAN: unknown samples ignored) at 5-minute steps.
        h.write("graph /dev/null --width \((month.end - month.start) / 300) --start \(month.start) --end \(month.end) --step 300 DEF:i=\(rrd(n)):in:AVERAGE:step=300 DEF:o=\(rrd(n)):out:AVERAGE:step=300 VDEF:pi=i,95,PERCENTNAN VDEF:po=o,95,PERCENTNAN PRINT:pi:%.0lf PRINT:po:%.0lf\n".data(using: .utf8)!)
    }
}, output: { text in
    // Each graph answers "0x0", the two PRINT values, then "OK u:... s:... r:...".
    var values: [Int64] = []
    var n = 0
    for l in text.split(separator: "\n") {
        if let v = Int64(l.trimmingCharacters(in: .whitespaces)) { values.append(v) }
        if l.hasPrefix("OK") { if values.count == 2 { rP95[n] = (values[0], values[1]) }; values = []; n += 1 }
    }
})

// Agreement of the two 95th percentiles, checked against Pantau's own sorted samples (read
// again, untimed): rrdtool's value must be one of them, within one rank of Pantau's. (rrdtool
// picks rank round(0.95·(n-1)) where Pantau takes the nearest rank ⌈0.95·n⌉, and makes the
// first 5-minute sample after each gap unknown: its heartbeat sees the gap in that update.)
let check = try store.trafficSamples(nil, resolution: .fiveMinutes, from: Date(timeIntervalSince1970: TimeInterval(month.start)),
                                     to: Date(timeIntervalSince1970: TimeInterval(month.end)))
var exact = 0, withinRank = 0, compared = 0
for n in 0..<interfaces {
    let key = TrafficSeriesKey(device: "sw\(n / 48)", interface: "ge-0/0/\(n % 48)")
    guard let p = pP95["\(key)"], let r = rP95[n], let samples = check[key] else { continue }
    compared += 1
    if p == r { exact += 1; withinRank += 1; continue }
    func near(_ values: [Int64], _ ours: Int64, _ theirs: Int64) -> Bool {
        let sorted = values.sorted()
        guard let i = sorted.firstIndex(of: ours), let j = sorted.firstIndex(of: theirs) ?? sorted.lastIndex(of: theirs) else { return false }
        let lastI = sorted.lastIndex(of: ours) ?? i, lastJ = sorted.lastIndex(of: theirs) ?? j
        return min(abs(i - lastJ), abs(lastI - j), abs(i - j)) <= 1
    }
    if near(samples.map(\.inBPS), p.0, r.0) && near(samples.map(\.outBPS), p.1, r.1) { withinRank += 1 }
    else if compared - withinRank <= 3 { line("differ: interface \(n): Pantau p95 in/out \(p.0)/\(p.1), rrdtool \(r.0)/\(r.1)") }
}

func rate(_ n: Int, _ s: Double) -> String { String(format: "%.2f M samples/s", Double(n) / s / 1e6) }
let mib = { (b: Int64) in String(format: "%.1f MiB", Double(b) / 1_048_576) }
line("")
line("| | Pantau (SQLite, version 2 blocks: bit-packed frames) | rrdtool (RRA AVERAGE 5m×1y, AVERAGE+MAX 1h, 1d) | Pantau advantage |")
line("|---|---|---|---|")
line(String(format: "| ingest CPU s | %.2f | %.2f | %.1f× |", pCPU, rIngest.cpu, rIngest.cpu / pCPU))
line(String(format: "| ingest wall s | %.2f | %.2f | %.1f× |", pWall, rIngest.wall, rIngest.wall / pWall))
line("| ingest rate (wall) | \(rate(stored, pWall)) | \(rate(stored, rIngest.wall)) | |")
line(String(format: "| monthly p95, all interfaces, CPU s | %.3f | %.3f | %.1f× |", pQueryCPU, rQuery.cpu, rQuery.cpu / pQueryCPU))
line(String(format: "| monthly p95, all interfaces, wall s | %.3f | %.3f | %.1f× |", pQueryWall, rQuery.wall, rQuery.wall / pQueryWall))
line("| disk | \(mib(pDisk)) | \(mib(rDisk)) | \(String(format: "%.2f", Double(pDisk) / Double(rDisk)))× the size |")
line("")
line(String(format: "(making rrdtool's update text took %.1f s of Pantau's process CPU, not counted for either)", genSeconds))
line("\(stored) five-minute samples per store (\(points - stored) missing, left as gaps); "
     + "monthly 95th percentiles (in and out): \(exact) of \(compared) interfaces identical in both tools, "
     + "\(withinRank) within one rank of each other")
if !keep { try? FileManager.default.removeItem(atPath: dir) }

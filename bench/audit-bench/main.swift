// Audit export benchmark's store (not a test): a synthetic regency written through Pantau's own
// store calls, for `bench/audit-bench.sh` to time `pantau export audit` on (BENCHMARKS.md).
//
//   swift build -c release --product audit-bench
//   .build/release/audit-bench --dir /tmp/audit-bench [--devices 5000] [--interfaces 20] [--pds 60]
//
// Writes DIR/registry.yaml and DIR/store.sqlite: the Manggarai profile active, a registry of
// PDs (a /16, a boundary router with an uplink and an approved bandwidth each), DEVICES devices
// spread over the PDs (the first of each PD its boundary router) with INTERFACES interfaces each
// (name, MAC, speed, status), a year (2025) of 5-minute traffic samples with their hourly and
// daily rollups on every PD's uplink, and a finding per 10 devices. Status polls are added by
// the script with sqlite3 (millions of rows; one transaction per poll through the store would
// take hours). Invented data in RFC 1918 space.
import Foundation
import Governance
import InventoryModel
import InventoryStore
import InventoryTesting
import Operations
import Reconciliation
import Storage

var dir = NSTemporaryDirectory() + "audit-bench"
var devices = 5000, interfacesPerDevice = 20, pds = 60
var repo = FileManager.default.currentDirectoryPath
var args = CommandLine.arguments.dropFirst().makeIterator()
// `--rebuild-uptime`: after the status polls were added behind the store's back (sqlite3), build
// the uptime rollup from them, as the migration does for a store made before the rollup.
if CommandLine.arguments.contains("--rebuild-uptime") {
    let path = (CommandLine.arguments.firstIndex(of: "--dir").map { CommandLine.arguments[$0 + 1] } ?? dir) + "/store.sqlite"
    let started = Date()
    let n = try PantauStore(path: path).rebuildUptimeRollup(device: nil)
    print("uptime rollup: \(n) status polls in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    exit(0)
}
// `--uptime raw|rollup`: the year's uptime report of every PD, as the audit export reads it, from
// the raw polls alone or from the rollup (time it with /usr/bin/time; both print the same totals).
if let i = CommandLine.arguments.firstIndex(of: "--uptime"), i + 1 < CommandLine.arguments.count {
    let path = (CommandLine.arguments.firstIndex(of: "--dir").map { CommandLine.arguments[$0 + 1] } ?? dir) + "/store.sqlite"
    let source: UptimeReport.Source = CommandLine.arguments[i + 1] == "raw" ? .raw : .rollup
    let store = try PantauStore(path: path, access: .readOnly)
    let report = UptimeReport(store: store, clock: FixedClock(Date(timeIntervalSince1970: 1_767_312_000)))
    var devices = 0, outages = 0, restarts = 0, monitored = 0.0, down = 0.0
    let started = Date()
    for code in try store.registry()?.pds.map(\.code) ?? [] {
        let r = try report.run(.init(pd: code, period: "2025", downAfter: 2, source: source))
        devices += r.devices.count; outages += r.outages.count; restarts += r.restarts.count
        monitored += r.devices.reduce(0) { $0 + $1.monitoredSeconds }; down += r.devices.reduce(0) { $0 + $1.downSeconds }
    }
    print(String(format: "uptime from %@: %d devices, %d outages, %d restarts, %.3f monitored s, %.3f down s, %.1f s",
                 source == .raw ? "raw polls" : "the rollup", devices, outages, restarts, monitored, down, Date().timeIntervalSince(started)))
    exit(0)
}
while let a = args.next() {
    switch a {
    case "--dir": dir = args.next() ?? dir
    case "--devices": devices = Int(args.next() ?? "") ?? devices
    case "--interfaces": interfacesPerDevice = Int(args.next() ?? "") ?? interfacesPerDevice
    case "--pds": pds = Int(args.next() ?? "") ?? pds
    case "--repo": repo = args.next() ?? repo
    default: FileHandle.standardError.write(Data("unknown argument \(a)\n".utf8)); exit(64)
    }
}

let year0: Int64 = 1_735_689_600   // 2025-01-01T00:00:00Z
let polledAt = Date(timeIntervalSince1970: 1_767_139_200)   // 2025-12-31T00:00:00Z
try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
let storePath = dir + "/store.sqlite"
try? FileManager.default.removeItem(atPath: storePath)
let codes = (1...pds).map { String(format: "PD%02d", $0) }

// Registry and profile.
var reg = ["format: pantau-registry/1", "regency: Kabupaten Contoh", "pds:"]
for (i, code) in codes.enumerated() {
    reg += ["  - code: \(code)", "    name: Perangkat Daerah \(i + 1)", "    lan_managed_by: dinas", "    sites: [{id: kantor, name: Kantor}]",
            "    subnets: [10.\(i + 1).0.0/16]", "    vlans: [\(100 + i)]",
            "    boundary_routers: [{name: rtr-\(code.lowercased()), site: kantor, management_ip: 10.\(i + 1).0.1, uplink: wan0}]",
            "    bandwidth: {approved_mbps: \(50 * (1 + i % 4)), reference: \"Nota Dinas 555/\(i)/2024\", date: 2024-01-15}",
            "    tier1_contacts: [{name: Tier1 \(code)}]"]
}
try (reg.joined(separator: "\n") + "\n").write(toFile: dir + "/registry.yaml", atomically: true, encoding: .utf8)
let store = try PantauStore(path: storePath)
let profile = try RegionalProfile.load(path: repo + "/config/profiles/manggarai.yaml")
try store.activate(profile: profile, by: "bench", at: Date(timeIntervalSince1970: Double(year0)))
try store.saveRegistry(try PDRegistry.load(path: dir + "/registry.yaml", profile: profile), source: "bench", at: Date(timeIntervalSince1970: Double(year0)))

// Devices and interfaces.
var rng = SplitMix64(seed: 20)
let t0 = Date()
for n in 0..<devices {
    let p = n % pds, code = codes[p], k = n / pds
    let name = k == 0 ? "rtr-\(code.lowercased())" : "dev-\(code.lowercased())-\(k)"
    var inv = DeviceInventory(agent: "udp:10.\(p + 1).\(k / 250 + 1).\(k % 250 + 2):161", polledAt: polledAt)
    inv.sysName = name
    inv.sysDescr = k == 0 ? "RouterOS CCR2004" : "Switch OS 7.\(n % 9)"
    inv.sysLocation = "Kantor \(code) lantai \(k % 4 + 1)"
    inv.vendor = k == 0 ? "MikroTik" : ["Cisco", "HPE", "D-Link", "Ruijie"][n % 4]
    inv.model = k == 0 ? "CCR2004-16G-2S+" : "SW-\(n % 17)"
    inv.serial = String(format: "SN%02d%06d", p + 1, n)
    inv.version = "7.\(n % 9).\(n % 5)"
    inv.interfaces = (1...interfacesPerDevice).map { i in
        var f = Interface(ifIndex: i)
        f.ifName = k == 0 && i == 1 ? "wan0" : "ge-0/0/\(i)"
        f.ifDescr = "port \(i)"
        f.ifType = "ethernetCsmacd"
        f.speed = 1_000_000_000
        f.mac = String(format: "02:%02x:%02x:%02x:%02x:%02x", p + 1, (k >> 8) & 0xFF, k & 0xFF, i, Int(rng.next() & 0xFF))
        f.adminStatus = "up"
        f.operStatus = rng.unit() < 0.7 ? "up" : "down"
        return f
    }
    try store.record(PollOutcome(name: name, agent: inv.agent, pd: code, startedAt: polledAt, duration: 0.5, result: .success(inv)))
}
print("devices: \(devices) with \(devices * interfacesPerDevice) interfaces in \(String(format: "%.1f", Date().timeIntervalSince(t0))) s")

// A year of 5-minute traffic with hourly and daily rollups on each PD's uplink.
func rollup(_ r: TrafficResolution, _ xs: [TrafficSample]) -> [TrafficSample] {
    var out: [TrafficSample] = [], from = 0
    while from < xs.count {
        let start = r.bucket(xs[from].start)
        var to = from
        while to < xs.count && xs[to].start < start + r.seconds { to += 1 }
        if let s = TrafficSample.rollup(xs[from..<to], start: start) { out.append(s) }
        from = to
    }
    return out
}
let t1 = Date()
for (p, code) in codes.enumerated() {
    let mean = Double(50 * (1 + p % 4)) * 1_000_000 * (0.3 + 0.5 * rng.unit())
    var five: [TrafficSample] = []
    five.reserveCapacity(365 * 288)
    for k in 0..<(365 * 288) {
        let t = year0 + Int64(k) * 300
        let hour = Double((t + 8 * 3600) % 86_400) / 3600
        let curve: Double = 0.2 + 0.8 * max(0, sin((hour - 7) / 11 * Double.pi))
        let noise: Double = 0.85 + 0.3 * rng.unit()
        let v: Double = mean * curve * noise
        five.append(TrafficSample(start: t, covered: 300, inBPS: Int64(v), outBPS: Int64(v * 0.3)))
    }
    let key = TrafficSeriesKey(device: "rtr-\(code.lowercased())", interface: "wan0")
    let hours = rollup(.hour, five)
    try store.record(traffic: TrafficBatch(runs: [TrafficSampleRun(key: key, resolution: .fiveMinutes, samples: five),
                                                  TrafficSampleRun(key: key, resolution: .hour, samples: hours),
                                                  TrafficSampleRun(key: key, resolution: .day, samples: rollup(.day, hours))]))
    // Two counter polls after the year give the series its state (its name, as `pantau traffic` finds uplinks).
    let end = Date(timeIntervalSince1970: Double(year0 + 365 * 86_400 + 600))
    var polls: [CounterPoll] = []
    for j in 0...1 {
        let snapshot = InterfaceCounterSnapshot(ifIndex: 1, name: "wan0", alias: "WAN", speed: 1_000_000_000,
                                                hcInOctets: UInt64(j) * 1_000_000, hcOutOctets: UInt64(j) * 100_000, inErrors: 0, outErrors: 0)
        polls.append(CounterPoll(device: key.device, time: end.addingTimeInterval(Double(j) * 300), sysUpTime: UInt32(1_000 + j * 30_000),
                                 interfaces: [snapshot]))
    }
    _ = try TrafficRecorder(store: store, clock: FixedClock(end)).record(polls, pollInterval: 300)
}
print("traffic: \(pds) uplinks × a year of 5-minute samples and rollups in \(String(format: "%.1f", Date().timeIntervalSince(t1))) s")

// Findings: one per 10 devices.
let detections = stride(from: 0, to: devices, by: 10).map { n in
    Detection(code: .missingDevice, pd: codes[n % pds], subject: FindingSubject(device: "declared-\(n)"),
              message: "declared device \(n) not seen", evidence: [Evidence(source: "diagram")])
}
_ = try FindingOperations(store: store, clock: FixedClock(Date(timeIntervalSince1970: Double(year0 + 100 * 86_400)))).record(detections, codes: [.missingDevice])
try store.checkpoint()
print("findings: \(detections.count); store \(storePath)")

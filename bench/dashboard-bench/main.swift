// Dashboard benchmark (not a test): a synthetic regency of N devices (default 5,000) with 20
// interfaces each (100,000), a year of traffic rollups per interface, today's status polls
// every 5 minutes and 20 minutes of real counter polls on the PDs' uplinks, written through
// the storage protocols and the collector's use cases; then what `pantau dashboard` does per
// refresh, measured in a fresh process: the load (the use cases), the render and the diffing
// writer's bytes, for the overview, devices and traffic views.
//
//   swift build -c release --product dashboard-bench --product pantau
//   .build/release/dashboard-bench build   [--devices 5000] [--dir /tmp/dashboard-bench]
//   .build/release/dashboard-bench measure [--dir /tmp/dashboard-bench] [--refreshes 10] [--views overview,devices,traffic] [--commit [--loop-only]] [--first-only]
//
// `measure` also times each part of a load once, a refresh with nothing committed (the
// loop's `ModelReuse`) and key presses drawn with the loop's `TableCache`. With `--commit` (it
// WRITES to the store: use a copy) it also commits, before each refresh, one new status poll
// of one device, then one counter poll of one uplink router (as the collector daemon does every
// few seconds), and times the refresh that follows: the loop's (only what changed read again)
// and a whole read (what each refresh did before), render and diff included.
//
// Invented data: PD codes PD01..PD60, devices named after their PD; the clock is fixed at
// 2026-12-01T02:00:00Z (10:00 WITA under the Manggarai profile).
import Dashboard
import Foundation
import Governance
import InventoryModel
import InventoryStore
import Operations
import Storage

var mode = CommandLine.arguments.dropFirst().first ?? "build"
var devices = 5000
var perDevice = 20
let pds = 60
var dir = NSTemporaryDirectory() + "dashboard-bench"
var refreshes = 10
var views = ["overview", "devices", "traffic"]
var commit = false
var firstOnly = false
var loopOnly = false
var args = CommandLine.arguments.dropFirst(2).makeIterator()
while let a = args.next() {
    switch a {
    case "--devices": devices = Int(args.next() ?? "") ?? devices
    case "--dir": dir = args.next() ?? dir
    case "--refreshes": refreshes = Int(args.next() ?? "") ?? refreshes
    case "--views": views = (args.next() ?? "").split(separator: ",").map(String.init)
    case "--commit": commit = true
    case "--first-only": firstOnly = true
    case "--loop-only": loopOnly = true
    default: FileHandle.standardError.write("unknown argument \(a)\n".data(using: .utf8)!); exit(64)
    }
}
let now = Date(timeIntervalSince1970: 1_796_090_400)  // 2026-12-01T02:00:00Z, 10:00 WITA
let midnight = Date(timeIntervalSince1970: 1_796_054_400)  // 2026-11-30T16:00:00Z, 00:00 WITA
let storePath = dir + "/dashboard.sqlite"
let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

@MainActor func line(_ s: String) { print(s); FileHandle.standardOutput.synchronizeFile() }
@MainActor func cpuSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
@MainActor func peakMiB() -> Double {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return Double(u.ru_maxrss) / 1024
}
@MainActor func pdCode(_ p: Int) -> String { String(format: "PD%02d", p + 1) }
@MainActor func pdOf(_ d: Int) -> Int { d % pds }
@MainActor func deviceName(_ d: Int) -> String { d < pds ? "rtr-\(pdCode(d).lowercased())" : "sw-\(pdCode(pdOf(d)).lowercased())-\(d / pds)" }

// MARK: - Build

@MainActor func build() throws {
    try? FileManager.default.removeItem(atPath: dir)
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let store = try PantauStore(path: storePath)
    let w0 = Date()
    let profiles = try RegionalProfile.loadAll(directory: repo + "/config/profiles")
    let profile = profiles["manggarai"]!
    try store.activate(profile: profile, by: "bench", at: midnight)
    var yaml = "format: pantau-registry/1\nregency: Kabupaten Contoh\npds:\n"
    for p in 0..<pds {
        yaml += """
              - code: \(pdCode(p))
                name: Perangkat Daerah \(p + 1)
                lan_managed_by: dinas
                sites: [{id: kantor, name: Kantor \(p + 1)}]
                subnets: [10.\(p + 1).0.0/16]
                boundary_routers: [{name: \(deviceName(p)), site: kantor, management_ip: 10.\(p + 1).0.1, uplink: ge-0/0/0}]
                bandwidth: {approved_mbps: \(50 + (p % 5) * 50), reference: "ND \(p + 1)", date: 2024-01-01}

            """
    }
    try yaml.write(toFile: dir + "/registry.yaml", atomically: true, encoding: .utf8)
    try store.saveRegistry(try PDRegistry.load(path: dir + "/registry.yaml", profile: profile), source: "registry.yaml", at: midnight)

    // Inventories: one poll per device, 20 interfaces each.
    for d in 0..<devices {
        var inv = DeviceInventory(agent: "10.\(pdOf(d) + 1).\(d / 250).\(d % 250 + 2)", polledAt: now.addingTimeInterval(-600))
        inv.sysName = deviceName(d)
        inv.vendor = d < pds ? "MikroTik" : ["D-Link", "Zyxel", "HPE", "Cisco", "TP-Link"][d % 5]
        inv.model = d < pds ? "CCR2004" : "Switch-\(d % 7)"
        inv.serial = String(format: "SN%08d", d)
        inv.interfaces = (0..<perDevice).map { i in
            var f = Interface(ifIndex: i + 1)
            f.ifName = "ge-0/0/\(i)"
            f.ifDescr = "GigabitEthernet0/0/\(i)"
            f.speed = 1_000_000_000
            f.operStatus = i % 3 == 0 ? "down" : "up"
            return f
        }
        _ = try store.record(PollOutcome(name: deviceName(d), agent: inv.agent, pd: pdCode(pdOf(d)), startedAt: inv.polledAt, duration: 0.5,
                                         result: .success(inv)))
    }
    line(String(format: "inventories: %d devices, %d interfaces, %.1f s", devices, devices * perDevice, Date().timeIntervalSince(w0)))

    // Today's status polls every 5 minutes; every 50th device down for the last hour.
    let w1 = Date()
    var polls = 0
    var t = midnight
    var k = 0
    while t < now {
        for d in 0..<devices {
            let down = d % 50 == 7 && t >= now.addingTimeInterval(-3600)
            try store.record(status: StatusPoll(device: deviceName(d), time: t, interval: 300, pd: pdCode(pdOf(d)), hosting: nil, reachable: !down,
                                                sysUpTime: down ? nil : UInt32(1_000_000 + k * 30_000), error: down ? "no response (timeout)" : nil))
            polls += 1
        }
        t = t.addingTimeInterval(300)
        k += 1
    }
    line(String(format: "status polls: %d, %.1f s", polls, Date().timeIntervalSince(w1)))

    // Traffic: per interface a year of daily samples, two days of hours, today's 5-minute
    // samples until 25 minutes ago; one transaction per device.
    let w2 = Date()
    let day0 = Int64(midnight.timeIntervalSince1970) - 365 * 86_400
    let fiveEnd = Int64(now.timeIntervalSince1970) - 25 * 60
    var samples = 0
    for d in 0..<devices {
        var runs: [TrafficSampleRun] = []
        var states: [TrafficSeriesState] = []
        for i in 0..<perDevice {
            let key = TrafficSeriesKey(device: deviceName(d), interface: "ge-0/0/\(i)")
            states.append(TrafficSeriesState(key: key, ifIndex: i + 1, name: key.interface, descr: "GigabitEthernet0/0/\(i)", speed: 1_000_000_000))
            let mean = Double((d * 31 + i * 17) % 400 + 1) * 1e5 * (d < pds && i == 0 ? 100 : 1)
            func sample(_ start: Int64, _ covered: Int64, _ phase: Double) -> TrafficSample {
                let v = mean * (0.6 + 0.4 * sin(phase))
                return TrafficSample(start: start, covered: covered, inBPS: Int64(v), outBPS: Int64(v * 0.3))
            }
            runs.append(TrafficSampleRun(key: key, resolution: .day, samples: (0..<365).map { sample(day0 + Int64($0) * 86_400, 86_400, Double($0) / 7) }))
            let h0 = Int64(midnight.timeIntervalSince1970) - 2 * 86_400
            runs.append(TrafficSampleRun(key: key, resolution: .hour, samples: (0..<48).map { sample(h0 + Int64($0) * 3600, 3600, Double($0) / 4) }))
            let f0 = Int64(midnight.timeIntervalSince1970)
            runs.append(TrafficSampleRun(key: key, resolution: .fiveMinutes,
                                         samples: stride(from: f0, to: fiveEnd, by: 300).map { sample($0, 300, Double($0 - f0) / 3000) }))
            samples += runs.suffix(3).reduce(0) { $0 + $1.samples.count }
        }
        try store.record(traffic: TrafficBatch(states: states, runs: runs))
    }
    line(String(format: "traffic: %d series, %d samples (a year of days, 2 days of hours, today's 5 minutes), %.1f s",
                devices * perDevice, samples, Date().timeIntervalSince(w2)))

    // The last 20 minutes: real counter polls of the uplink routers through the collector's use case.
    let w3 = Date()
    let recorder = TrafficRecorder(store: store, clock: FixedClock(now))
    var octets = Array(repeating: UInt64(1_000_000), count: pds * perDevice)
    for m in 0...20 {
        let time = now.addingTimeInterval(Double(m - 20) * 60)
        for p in 0..<pds {
            let interfaces = (0..<perDevice).map { i -> InterfaceCounterSnapshot in
                let rate = (i == 0 ? 40e6 : 1e5) * (1 + 0.3 * sin(Double(m + p) / 3))
                if m > 0 { octets[p * perDevice + i] += UInt64(rate / 8 * 60) }
                var s = InterfaceCounterSnapshot(ifIndex: i + 1)
                s.name = "ge-0/0/\(i)"; s.speed = 1_000_000_000; s.operUp = true
                s.hcInOctets = octets[p * perDevice + i]; s.hcOutOctets = octets[p * perDevice + i] / 3
                return s
            }
            _ = try recorder.record(CounterPoll(device: deviceName(p), time: time, sysUpTime: UInt32(10_000_000 + m * 6000), interfaces: interfaces))
        }
    }
    line(String(format: "uplink counter polls: %d routers x 21 polls, %.1f s", pds, Date().timeIntervalSince(w3)))
    try store.checkpoint()
    var st = stat()
    stat(storePath, &st)
    line(String(format: "store: %@, %.0f MiB, built in %.0f s", storePath, Double(st.st_size) / 1_048_576, Date().timeIntervalSince(w0)))
}

// MARK: - Measure

@MainActor func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s[s.count / 2] }

@MainActor func measure() throws {
    let layout = try DashboardLayout.load(path: repo + "/dashboards/default.yaml")
    let clock = FixedClock(now)
    let (w, h) = (160, 50)
    let options = RenderOptions(color: true, ascii: false)
    line("dashboard benchmark: \(storePath), frames \(w)x\(h), colour, UTF-8")

    // The first frame, as the TUI makes it: open the store, load the first view, render, write it whole.
    let c0 = cpuSeconds(), t0 = ContinuousClock.now
    let state0 = ViewState(view: "overview")
    let first = DashboardLoader(store: try PantauStore(path: storePath, access: .readOnly), clock: clock).load(LoadRequest.of(state0, layout: layout))
    var writer0 = DiffWriter(color: true)
    let firstBytes = writer0.frame(DashboardRenderer.render(first, layout: layout, state: state0, width: w, height: h, options: options)).utf8.count
    let firstWall = (ContinuousClock.now - t0)
    line(String(format: "first frame (open + load + render + write): %.0f ms wall, %.0f ms CPU, %d bytes; model: %d devices, %d findings, %d PDs with traffic",
                Double(firstWall.components.attoseconds) / 1e15 + Double(firstWall.components.seconds) * 1000, (cpuSeconds() - c0) * 1000, firstBytes,
                first.devices.count, first.findings.count, first.traffic.count))
    if !first.problems.isEmpty { line("problems: \(first.problems)") }
    if firstOnly { line(String(format: "peak RSS %.1f MiB", peakMiB())); return }

    // What one load is made of, each part once on a store opened for it (CPU and wall).
    func part(_ name: String, _ body: () throws -> Void) rethrows {
        let c = cpuSeconds(), t = ContinuousClock.now
        try body()
        let w = ContinuousClock.now - t
        line(String(format: "  part %@: %.1f ms CPU, %.1f ms wall", name, (cpuSeconds() - c) * 1000,
                    Double(w.components.attoseconds) / 1e15 + Double(w.components.seconds) * 1000))
    }
    var opened: PantauStore?
    try part("open the store read-only") { opened = try PantauStore(path: storePath, access: .readOnly) }
    let st = opened!
    try part("change marker") { _ = try st.changeMarker() }
    try part("InventoryQueries.devices() (whole summaries)") { _ = try InventoryQueries(store: st).devices() }
    try part("InventoryQueries.listing() (the dashboard's list)") { _ = try InventoryQueries(store: st).listing() }
    try part("InventoryQueries.listing(counts: true)") { _ = try InventoryQueries(store: st).listing(counts: true) }
    try part("UptimeReport today") { _ = try UptimeReport(store: st, clock: clock).run(.init(period: "today")) }
    let today = try st.reportPeriod("today", now: now).period
    var uptimeNow: UptimeNow?
    try part("UptimeNow.read today (the dashboard's: narrow reads)") { uptimeNow = try UptimeNow.read(store: st, period: today, now: now) }
    try part("UptimeNow.refreshed, nothing polled since") { _ = try uptimeNow!.refreshed(store: st, now: now) }
    try part("FindingOperations.list") { _ = try FindingOperations(store: st, clock: clock).list() }
    try part("DiagramOperations.status") { _ = try DiagramOperations(store: st, clock: clock).status() }
    var uplinks: TrafficReports.RecentUplinks?
    try part("TrafficReports.RecentUplinks.read (recentPDs)") { uplinks = try TrafficReports.RecentUplinks.read(period: today, now: now, store: st) }
    try part("TrafficReports.RecentUplinks.refreshed, nothing polled since") { _ = try uplinks!.refreshed(now: now, store: st) }

    for view in views {
        var state = ViewState(view: view)
        var loads: [Double] = [], renders: [Double] = [], cpus: [Double] = []
        var writer = DiffWriter(color: true)
        var model: DashboardModel?
        var steadyBytes: [Int] = []
        for _ in 0..<refreshes {
            let c = cpuSeconds()
            let a = ContinuousClock.now
            let store = try PantauStore(path: storePath, access: .readOnly)
            let m = DashboardLoader(store: store, clock: clock).load(LoadRequest.of(state, layout: layout))
            let b = ContinuousClock.now
            let bytes = writer.frame(DashboardRenderer.render(m, layout: layout, state: state, width: w, height: h, options: options)).utf8.count
            let e = ContinuousClock.now
            cpus.append(cpuSeconds() - c)
            loads.append(Double((b - a).components.attoseconds) / 1e15 + Double((b - a).components.seconds) * 1000)
            renders.append(Double((e - b).components.attoseconds) / 1e15 + Double((e - b).components.seconds) * 1000)
            steadyBytes.append(bytes)
            model = m
        }
        // One value changes between two refreshes: the first PD's availability, the first device's status, a PD's current rate.
        guard var m = model else { continue }
        _ = writer.frame(DashboardRenderer.render(m, layout: layout, state: state, width: w, height: h, options: options))
        switch view {
        case "devices": m.devices[0].status = m.devices[0].status == .up ? .down : .up
        case "traffic":
            // The PD at the top of the table (sorted by allocation, highest first).
            let top = m.traffic.indices.max { (m.traffic[$0].allocationUse ?? -1) < (m.traffic[$1].allocationUse ?? -1) }!
            m.traffic[top].allocationUse = (m.traffic[top].allocationUse ?? 0) + 1.23
        default: m.pds[0].availabilityToday = (m.pds[0].availabilityToday ?? 100) - 0.42
        }
        let oneChange = writer.frame(DashboardRenderer.render(m, layout: layout, state: state, width: w, height: h, options: options)).utf8.count
        // The loop also shows "refreshing" in the header while the load runs, then takes it away.
        state.refreshing = true
        let on = writer.frame(DashboardRenderer.render(m, layout: layout, state: state, width: w, height: h, options: options)).utf8.count
        state.refreshing = false
        let off = writer.frame(DashboardRenderer.render(m, layout: layout, state: state, width: w, height: h, options: options)).utf8.count
        line(String(format: "%@: load %.1f ms (median of %d), render + diff %.2f ms, CPU %.1f ms per refresh; bytes: first %d, unchanged %d, one value changed %d, refresh indicator %d + %d",
                    view, median(loads), refreshes, median(renders), median(cpus) * 1000, steadyBytes[0], steadyBytes.last!, oneChange, on, off))

        // The interactive loop: a refresh when nothing was committed (the last model reused), and
        // key presses drawn with its table cache (the rows built once per new model).
        let reuse = ModelReuse()
        var reusedCPU: [Double] = [], reusedWall: [Double] = []
        for i in 0...refreshes {
            let c = cpuSeconds(), a = ContinuousClock.now
            let store = try PantauStore(path: storePath, access: .readOnly)
            _ = DashboardLoader(store: store, clock: clock, reuse: reuse).load(LoadRequest.of(state, layout: layout))
            let d = ContinuousClock.now - a
            if i > 0 { reusedCPU.append(cpuSeconds() - c); reusedWall.append(Double(d.components.attoseconds) / 1e15 + Double(d.components.seconds) * 1000) }
        }
        let cache = TableCache(ascii: false)
        var keyWriter = DiffWriter(color: true)
        // CPU time (one thread draws: on this shared machine wall time mostly measures the others).
        func timed(_ body: () -> Void) -> Double {
            let c = cpuSeconds()
            body()
            return (cpuSeconds() - c) * 1000
        }
        var ks = ViewState(view: view)
        let cold = timed { _ = keyWriter.frame(DashboardRenderer.render(m, layout: layout, state: ks, width: w, height: h, options: options, cache: cache)) }
        var moves: [Double] = [], filters: [Double] = []
        for (i, key) in ([Key.down, .down, .pageDown, .up, .down] + [.char("/"), .char("1"), .char("0"), .enter, .escape]).enumerated() {
            let t = timed {
                _ = Navigation.handle(key, state: &ks, layout: layout, model: m, pageRows: h - 6, cache: cache)
                _ = keyWriter.frame(DashboardRenderer.render(m, layout: layout, state: ks, width: w, height: h, options: options, cache: cache))
            }
            if i < 5 { moves.append(t) } else { filters.append(t) }
        }
        line(String(format: "%@ (interactive): refresh with nothing committed %.2f ms wall, %.2f ms CPU (median of %d; %d reads, %d reused); render of a new model %.1f ms CPU; key press: cursor %.2f ms, filter %.2f ms CPU (medians, render + diff, %d builds)",
                    view, median(reusedWall), median(reusedCPU) * 1000, refreshes, reuse.reads, reuse.reuses, cold, median(moves), median(filters), cache.builds))
    }
    if commit { try measureCommits(layout: layout, width: w, height: h, options: options) }
    line(String(format: "peak RSS %.1f MiB", peakMiB()))
}

/// With --commit --loop-only: only the first frame and the loop's refreshes after commits
/// (no whole reads to compare with): what a profiler of the refresh should look at.
@MainActor func measureLoopOnly() throws {
    let layout = try DashboardLayout.load(path: repo + "/dashboards/default.yaml")
    try measureCommits(layout: layout, width: 160, height: 50, options: RenderOptions(color: true, ascii: false))
    line(String(format: "peak RSS %.1f MiB", peakMiB()))
}

/// Refreshes after one new status poll, then after one new counter poll, committed by a writer
/// (the daemon) between them: the loop's refresh (`ModelReuse`) against a whole read.
@MainActor func measureCommits(layout: DashboardLayout, width w: Int, height h: Int, options: RenderOptions) throws {
    let writer = try PantauStore(path: storePath)
    var k = 0
    // One clock for every view, moving on: a poll committed is never after the clock of a later refresh.
    var clockAt = now
    for view in views {
        let state = ViewState(view: view)
        let request = LoadRequest.of(state, layout: layout)
        let reuse = ModelReuse()
        // The loop's table cache (rows built again only where the data changed); a whole read draws without one.
        let tables = TableCache(ascii: false)
        var writerFrame = DiffWriter(color: true)
        func refresh(whole: Bool) throws -> (cpu: Double, wall: Double, bytes: Int) {
            clockAt = clockAt.addingTimeInterval(1)
            let c = cpuSeconds(), a = ContinuousClock.now
            let store = try PantauStore(path: storePath, access: .readOnly)
            let m = DashboardLoader(store: store, clock: FixedClock(clockAt), reuse: whole ? nil : reuse).load(request)
            let bytes = writerFrame.frame(DashboardRenderer.render(m, layout: layout, state: state, width: w, height: h, options: options,
                                                                   cache: whole ? nil : tables)).utf8.count
            let d = ContinuousClock.now - a
            if !m.problems.isEmpty { line("problems: \(m.problems)") }
            return ((cpuSeconds() - c) * 1000, Double(d.components.attoseconds) / 1e15 + Double(d.components.seconds) * 1000, bytes)
        }
        _ = try refresh(whole: false)  // the first frame: a whole read
        var statusLoop: [(Double, Double, Int)] = [], statusWhole: [(Double, Double, Int)] = []
        var counterLoop: [(Double, Double, Int)] = [], counterWhole: [(Double, Double, Int)] = []
        for i in 0..<refreshes {
            // One status poll of one device (a different one each time), after its last.
            let d = 100 + (k * 37) % (devices - 100)
            k += 1
            try writer.record(status: StatusPoll(device: deviceName(d), time: clockAt.addingTimeInterval(0.5), interval: 300, pd: pdCode(pdOf(d)),
                                                 hosting: nil, reachable: i % 2 == 0, sysUpTime: i % 2 == 0 ? UInt32(2_000_000 + k) : nil,
                                                 error: i % 2 == 0 ? nil : "no response (timeout)"))
            statusLoop.append(try refresh(whole: false))
            statusWhole.append(loopOnly ? (0, 0, 0) : try refresh(whole: true))
            // One counter poll of one uplink router, its counters moved on from its last reading.
            let router = deviceName(k % pds)
            let states = try writer.trafficStates(device: router)
            let t = clockAt.addingTimeInterval(0.5)
            let interfaces = states.compactMap { s -> InterfaceCounterSnapshot? in
                guard let last = s.last, let ifIndex = s.ifIndex else { return nil }
                let seconds = max(1, t.timeIntervalSince(last.time))
                var x = InterfaceCounterSnapshot(ifIndex: ifIndex)
                x.name = s.name; x.speed = s.speed; x.operUp = true
                x.hcInOctets = last.inOctets + UInt64(40e6 / 8 * seconds); x.hcOutOctets = last.outOctets + UInt64(10e6 / 8 * seconds)
                return x
            }
            _ = try TrafficRecorder(store: writer, clock: FixedClock(t)).record(CounterPoll(device: router, time: t, sysUpTime: nil, interfaces: interfaces))
            counterLoop.append(try refresh(whole: false))
            counterWhole.append(loopOnly ? (0, 0, 0) : try refresh(whole: true))
        }
        func show(_ what: String, _ xs: [(Double, Double, Int)]) -> String {
            String(format: "%@ %.1f ms CPU, %.1f ms wall, %d bytes", what, median(xs.map(\.0)), median(xs.map(\.1)), Int(median(xs.map { Double($0.2) })))
        }
        line("\(view) (one status poll committed, median of \(refreshes)): \(show("refresh", statusLoop)); \(show("whole read", statusWhole))")
        line("\(view) (one counter poll committed, median of \(refreshes)): \(show("refresh", counterLoop)); \(show("whole read", counterWhole))")
        line("\(view): \(reuse.reads) whole reads, \(reuse.refreshes) refreshes reading what changed, \(reuse.reuses) reused; "
             + "table rows: \(tables.builds) builds, \(tables.patches) of them patches, \(tables.rowsBuilt) rows built")
    }
}

switch mode {
case "build": try build()
case "measure": if commit && loopOnly { try measureLoopOnly() } else { try measure() }
default: FileHandle.standardError.write("usage: dashboard-bench build|measure [--devices N] [--dir DIR] [--refreshes N]\n".data(using: .utf8)!); exit(64)
}

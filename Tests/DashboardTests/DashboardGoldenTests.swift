import Foundation
import InventoryModel
import InventoryStore
import InventoryTesting
import Storage
import Testing

/// `pantau dashboard --once` on a store filled as a NOC's would be: snmpsim serving real
/// device recordings collected by `pantau collect`, real captures sampled, a PD diagram
/// reconciled under the Manggarai profile, and a morning of the daemon's status polls; each
/// view's frame compared with its golden text in `Goldens/`.
///
/// Regenerate the goldens after an intended change (then review the diff):
///   PANTAU_UPDATE_GOLDENS=1 swift test --skip-build --filter DashboardGoldenTests
@Suite(.serialized) struct DashboardGoldenTests {
    static let goldens = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Goldens").path
    static let now = "2026-12-01T03:10:00Z"

    /// One store for every frame (filled once per test process).
    nonisolated(unsafe) static var filled: Result<String, any Error>?
    static let lock = NSLock()
    nonisolated(unsafe) static var filledDirectory: String?

    static func pantau(_ args: [String], store: String, now: String, lang: String = "C.UTF-8") throws -> (status: Int32, stdout: String, stderr: String) {
        try runPantau(args, store: store, now: now, environment: ["PANTAU_DASHBOARDS": Lab.repo + "/dashboards", "LANG": lang, "LC_ALL": lang])
    }

    static func store() throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if let filled { return try filled.get() }
        let r = Result { try fill() }
        filled = r
        return try r.get()
    }

    static func fill() throws -> String {
        let sim = try SharedLab.snmpsim.get()
        let dir = try Lab.temporaryDirectory("dashboard-golden")
        // The store serves every test of the process; removed when the process ends.
        filledDirectory = dir
        atexit { if let d = DashboardGoldenTests.filledDirectory { try? FileManager.default.removeItem(atPath: d) } }
        let db = dir + "/p.sqlite"
        try """
            defaults: { timeout: 5, retries: 2 }
            credentials:
              dlink: { version: v2c, community: dlink_dgs-1510-28 }
              zynos: { version: v2c, community: zynos_gs1900-fdb }
              procurve: { version: v2c, community: procurve_e2910 }
              routeros: { version: v2c, community: routeros }
              fortigate: { version: v2c, community: fortigate_60fospfv3 }
              wrong: { version: v2c, community: not-a-recording }
            targets:
              - { name: sw-dlink, agent: "\(sim.agent)", credentials: dlink, pd: DINKES }
              - { name: sw-zynos, agent: "\(sim.agent)", credentials: zynos, pd: DINKES }
              - { name: sw-procurve, agent: "\(sim.agent)", credentials: procurve, pd: BAPPEDA }
              - { name: rtr-core, agent: "\(sim.agent)", credentials: routeros, pd: DISKOMINFO }
              - { name: fw-bpkad, agent: "\(sim.agent)", credentials: fortigate, pd: BPKAD }
              - { name: sw-lost, agent: "\(sim.agent)", credentials: wrong, pd: BPKAD, options: { timeout: 1, retries: 0 } }
            """.write(toFile: dir + "/c.yaml", atomically: true, encoding: .utf8)
        try LabFixtures.dinkesPDMap.write(toFile: dir + "/pd-map.yaml", atomically: true, encoding: .utf8)
        try LabFixtures.dinkesDiagram.write(toFile: dir + "/dinkes.yaml", atomically: true, encoding: .utf8)

        func ok(_ args: [String], now: String) throws {
            let r = try pantau(args, store: db, now: now)
            guard r.status == 0 || args[0] == "collect" else { throw LabError("pantau \(args.joined(separator: " ")): \(r.stdout)\(r.stderr)") }
        }
        try ok(["profile", "activate", "manggarai"], now: "2026-10-01")
        try ok(["registry", "load", Lab.repo + "/config/registry.example.yaml"], now: "2026-10-01")
        try ok(["diagram", "submit", "--pd", "DINKES", dir + "/dinkes.yaml", "--by", "Agustinus"], now: "2026-11-01")
        try ok(["collect", "--once", "--config", dir + "/c.yaml", "--store", db, "--quiet"], now: "2026-12-01T03:00:00Z")
        for (file, point) in [("mapi.pcap", "dinkes-rapat"), ("dhcp.pcap", "dinkes-lantai1")] {
            try ok(["sample", "--read", "\(Lab.corpus)/pcap/\(file)", "--capture-point", point, "--pd-map", dir + "/pd-map.yaml"], now: "2026-12-01T03:00:00Z")
        }
        try ok(["reconcile"], now: "2026-12-01T03:05:00Z")

        // The daemon's status polls since midnight WITA (16:00 UTC), every 5 minutes: the
        // ProCurve silent for the last 20 minutes, a VPS the inventory never polled.
        let store = try PantauStore(path: db, access: .readWrite)
        let midnight = Date(timeIntervalSince1970: 1_796_054_400)  // 2026-11-30T16:00:00Z
        let end = Date(timeIntervalSince1970: 1_796_094_600)  // 03:10 UTC
        let devices: [(String, String, HostingType?)] = [("sw-dlink", "DINKES", nil), ("sw-zynos", "DINKES", nil), ("sw-procurve", "BAPPEDA", nil),
                                                         ("rtr-core", "DISKOMINFO", nil), ("fw-bpkad", "BPKAD", nil), ("srv-simpeg", "BPKAD", .vps)]
        var t = midnight
        var i = 0
        while t < end {
            for (name, pd, hosting) in devices {
                let silent = name == "sw-procurve" && t >= end.addingTimeInterval(-1200)
                try store.record(status: StatusPoll(device: name, time: t, interval: 300, pd: pd, hosting: hosting, reachable: !silent,
                                                    sysUpTime: silent ? nil : UInt32(1_000_000 + i * 30_000), error: silent ? "no response (timeout)" : nil))
            }
            t = t.addingTimeInterval(300)
            i += 1
        }
        try recordTraffic(db: db, dir: dir)
        // PANTAU_KEEP_DASHBOARD_STORE=FILE: a copy of this store, to look at frames by hand.
        if let keep = ProcessInfo.processInfo.environment["PANTAU_KEEP_DASHBOARD_STORE"], !keep.isEmpty {
            let r = try run("/usr/bin/env", ["python3", "-c", "import sqlite3,sys; d=sqlite3.connect(sys.argv[2]); sqlite3.connect(sys.argv[1]).backup(d); d.close()",
                                             db, keep], timeout: 60)
            guard r.status == 0 else { throw LabError("copying the store to \(keep): \(r.stderr)") }
        }
        return db
    }

    /// Two hours of counter polls a minute apart (01:10 to 03:10 UTC), recorded through the
    /// collector's use case (`pantau traffic-record`): the registry's uplinks of DISKOMINFO
    /// (ge-0/0/0, about a quarter of its 200 Mbit/s) and BAPPEDA ("WAN Telkom" by its alias,
    /// near its 50 Mbit/s) and DINKES (ether1, no approved bandwidth), and two interfaces of
    /// rtr-core, one of which was not polled for 20 minutes (a gap, not a zero).
    static func recordTraffic(db: String, dir: String) throws {
        struct Series { let device: String; let ifIndex: Int; let name: String; let alias: String?; let speed: UInt64; let base: Double; let swing: Double }
        let series = [
            Series(device: "rtr-diskominfo", ifIndex: 1, name: "ge-0/0/0", alias: nil, speed: 1_000_000_000, base: 45e6, swing: 15e6),
            Series(device: "bappeda-gw", ifIndex: 3, name: "ge-0/0/2", alias: "WAN Telkom", speed: 100_000_000, base: 41e6, swing: 6e6),
            Series(device: "rtr-dinkes", ifIndex: 1, name: "ether1", alias: nil, speed: 100_000_000, base: 8e6, swing: 4e6),
            Series(device: "rtr-core", ifIndex: 1, name: "ether1", alias: "uplink Telkom", speed: 1_000_000_000, base: 700e6, swing: 120e6),
            Series(device: "rtr-core", ifIndex: 2, name: "ether2", alias: nil, speed: 100_000_000, base: 2e6, swing: 1.5e6),
        ]
        var octets = Array(repeating: (in: UInt64(1_000_000), out: UInt64(500_000)), count: series.count)
        var lines: [String] = []
        let start = 1_796_087_400  // 01:10 UTC
        for minute in 0...120 {
            let t = start + minute * 60
            for device in ["rtr-diskominfo", "bappeda-gw", "rtr-dinkes", "rtr-core"] {
                var interfaces: [String] = []
                for (i, s) in series.enumerated() where s.device == device {
                    // ether2 of rtr-core was not polled from 02:00 to 02:20.
                    if s.name == "ether2" && s.device == "rtr-core" && (50...70).contains(minute) { continue }
                    let rate = s.base + s.swing * sin(Double(minute) / 9 + Double(i))
                    if minute > 0 {
                        octets[i].in += UInt64(rate / 8 * 60)
                        octets[i].out += UInt64(rate * 0.3 / 8 * 60)
                    }
                    let alias = s.alias.map { ", \"alias\": \"\($0)\"" } ?? ""
                    interfaces.append("{\"ifIndex\": \(s.ifIndex), \"name\": \"\(s.name)\"\(alias), \"speed\": \(s.speed), \"operUp\": true, \"hcInOctets\": \(octets[i].in), \"hcOutOctets\": \(octets[i].out)}")
                }
                if interfaces.isEmpty { continue }
                lines.append("{\"device\": \"\(device)\", \"time\": \(t), \"sysUpTime\": \(100_000 + minute * 6000), \"interfaces\": [\(interfaces.joined(separator: ", "))]}")
            }
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "/polls.jsonl", atomically: true, encoding: .utf8)
        let r = try pantau(["traffic-record", "--polls", dir + "/polls.jsonl", "--poll-interval", "60"], store: db, now: now)
        guard r.status == 0 else { throw LabError("pantau traffic-record: \(r.stdout)\(r.stderr)") }
    }

    static let frames: [(name: String, args: [String])] = [
        ("overview-100x30", ["--view", "overview", "--width", "100", "--height", "30"]),
        ("overview-80x24", ["--width", "80", "--height", "24"]),
        ("devices-100x30", ["--view", "devices", "--width", "100", "--height", "30"]),
        ("findings-120x30", ["--view", "findings", "--width", "120", "--height", "30"]),
        ("wallscreen-120x40", ["--layout", "wallscreen", "--width", "120", "--height", "40"]),
        ("traffic-120x30", ["--view", "traffic", "--width", "120", "--height", "30"]),
        ("traffic-80x24-ascii", ["--view", "traffic", "--width", "80", "--height", "24", "--ascii"]),
        ("hosts-120x30", ["--view", "hosts", "--width", "120", "--height", "30"]),
        ("talkers-100x30", ["--view", "talkers", "--width", "100", "--height", "30"]),
        ("pd-bappeda-100x40", ["--pd", "BAPPEDA", "--width", "100", "--height", "40"]),
        ("device-rtr-core-100x40", ["--device", "rtr-core", "--width", "100", "--height", "40"]),
    ]

    @Test("each view's frame from the lab's store matches its golden", arguments: frames.map(\.name))
    func frame(_ name: String) throws {
        let db = try Self.store()
        var args = Self.frames.first { $0.name == name }!.args
        // "--ascii" here stands for a terminal without UTF-8 (LANG=C): the ASCII fallback.
        let ascii = args.contains("--ascii")
        args.removeAll { $0 == "--ascii" }
        let r = try Self.pantau(["dashboard", "--once", "--store", db] + args, store: db, now: Self.now, lang: ascii ? "C" : "C.UTF-8")
        #expect(r.status == 0, "\(r.stderr)")
        let path = Self.goldens + "/\(name).txt"
        // snmpsim listens on a free port, named in a failed poll's error: the one thing that varies.
        let frame = r.stdout.replacingOccurrences(of: #"127\.0\.0\.1:[0-9]+"#, with: "127.0.0.1:PORT", options: .regularExpression)
        if ProcessInfo.processInfo.environment["PANTAU_UPDATE_GOLDENS"] == "1" {
            try FileManager.default.createDirectory(atPath: Self.goldens, withIntermediateDirectories: true)
            try frame.write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        let golden = try String(contentsOfFile: path, encoding: .utf8)
        #expect(frame == golden, "frame \(name) differs from \(path); if intended, regenerate with PANTAU_UPDATE_GOLDENS=1:\n\(frame)")
    }

    @Test("no store, a bad layout, an unknown view: one clear line each, no frame")
    func refusals() throws {
        let dir = try Lab.temporaryDirectory("dashboard-refusals")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let missing = try Self.pantau(["dashboard", "--once", "--store", dir + "/none.sqlite"], store: dir + "/none.sqlite", now: Self.now)
        #expect(missing.status != 0 && missing.stderr.contains(dir + "/none.sqlite") && missing.stdout.isEmpty, "\(missing)")
        try "format: pantau-dashboard/1\nviews:\n  - name: x\n    panels: [{kind: pds, sort: vendor}]\n".write(toFile: dir + "/bad.yaml", atomically: true, encoding: .utf8)
        let db = try Self.store()
        let bad = try Self.pantau(["dashboard", "--once", "--layout", dir + "/bad.yaml", "--store", db], store: db, now: Self.now)
        #expect(bad.status != 0 && bad.stderr.contains("\(dir)/bad.yaml:4:32: views[0].panels[0].sort: sort \"vendor\" names no column"), "\(bad.stderr)")
        let view = try Self.pantau(["dashboard", "--once", "--view", "nope", "--store", db], store: db, now: Self.now)
        #expect(view.status != 0 && view.stderr.contains("no view \"nope\"") && view.stderr.contains("overview, devices, findings"), "\(view.stderr)")
    }
}

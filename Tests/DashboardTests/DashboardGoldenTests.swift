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

    static func pantau(_ args: [String], store: String, now: String) throws -> (status: Int32, stdout: String, stderr: String) {
        try runPantau(args, store: store, now: now, environment: ["PANTAU_DASHBOARDS": Lab.repo + "/dashboards", "LANG": "C.UTF-8"])
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
        try "DINKES:\n  subnets: [192.168.0.0/24, 128.2.6.0/24]\n".write(toFile: dir + "/pd-map.yaml", atomically: true, encoding: .utf8)
        try """
            format: pantau-diagram/1
            pd: DINKES
            site: kantor
            boundary: {router: rtr-dinkes, wan_port: ether1, upstream: Jaringan Intra}
            devices:
              - {id: rtr-dinkes, role: router, vendor: MikroTik, snmp: false}
              - {id: sw-core, role: switch, vendor: D-Link, model: DGS-1510-28, serial: RZC52H3000029, snmp: true}
              - {id: sw-gudang, role: switch, vendor: TP-Link, model: TL-SG3428, management_ip: 10.22.8.5, snmp: true}
            vlans:
              - {id: 40, name: staf, subnet: 10.22.1.0/24, gateway: 10.22.1.1}
            """.write(toFile: dir + "/dinkes.yaml", atomically: true, encoding: .utf8)

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
        return db
    }

    static let frames: [(name: String, args: [String])] = [
        ("overview-100x30", ["--view", "overview", "--width", "100", "--height", "30"]),
        ("overview-80x24", ["--width", "80", "--height", "24"]),
        ("devices-100x30", ["--view", "devices", "--width", "100", "--height", "30"]),
        ("findings-120x30", ["--view", "findings", "--width", "120", "--height", "30"]),
        ("wallscreen-120x40", ["--layout", "wallscreen", "--width", "120", "--height", "40"]),
    ]

    @Test("each view's frame from the lab's store matches its golden", arguments: frames.map(\.name))
    func frame(_ name: String) throws {
        let db = try Self.store()
        let args = Self.frames.first { $0.name == name }!.args
        let r = try Self.pantau(["dashboard", "--once", "--store", db] + args, store: db, now: Self.now)
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

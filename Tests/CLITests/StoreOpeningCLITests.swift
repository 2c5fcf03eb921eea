import Foundation
import InventoryModel
import InventoryStore
import InventoryTesting
import Testing

/// Every command opens the store the same way: read-only commands never create one, a store
/// from a newer Pantau and a damaged store are refused with exit 1 and not one byte written.
@Suite struct StoreOpeningCLITests {
    func pantau(_ args: [String], env: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
        try run(Lab.pantauBinary, args, environment: ["PANTAU_PROBES": Lab.repo + "/probes"].merging(env) { $1 }, timeout: 120)
    }

    static let readers: [[String]] = [
        ["inventory", "list"], ["inventory", "show", "sw1"], ["hosts"], ["talkers"], ["counters"], ["traffic"],
        ["diagram", "history", "--pd", "BAPPEDA"], ["diagram", "status"], ["diagram", "diff", "--pd", "BAPPEDA"],
        ["registry", "list"], ["profile", "show"], ["token", "list"], ["findings", "list"], ["findings", "show", "1"],
        ["dashboard", "--once", "--layouts", Lab.repo + "/dashboards"],
    ]

    /// A configuration polling one agent that is not there, storing into `store`.
    func deadConfig(_ dir: String, store: String) throws -> String {
        let path = dir + "/c.yaml"
        try """
            store: \(store)
            credentials: { c: { version: v2c, community: public } }
            targets:
              - { name: nobody, agent: "udp:127.0.0.1:\(Lab.freeUDPPort())", credentials: c, options: { timeout: 0.2, retries: 0 } }
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Commands that write, each with what it needs.
    func writers(_ dir: String, store: String) throws -> [[String]] {
        [["collect", "--once", "--config", try deadConfig(dir, store: store)],
         ["sample", "--read", Lab.corpus + "/pcap/LLDP_and_CDP.pcap", "--store", store],
         ["registry", "load", Lab.repo + "/config/registry.example.yaml", "--store", store],
         ["profile", "activate", "manggarai", "--profiles", Lab.repo + "/config/profiles", "--store", store],
         ["token", "create", "--diskominfo", "--label", "noc", "--store", store],
         ["reconcile", "--store", store], ["findings", "ack", "1", "--reason", "r", "--store", store]]
    }

    func sampleStore(_ path: String) throws {
        let store = try PantauStore(path: path)
        for i in 1...40 {
            var inv = DeviceInventory(agent: "udp:10.0.0.\(i):161", polledAt: Date(timeIntervalSince1970: 1000))
            inv.sysName = "sw\(i)"
            inv.interfaces = (1...24).map { var x = Interface(ifIndex: $0); x.ifName = "Gi0/\($0)"; return x }
            try store.record(PollOutcome(name: "sw\(i)", agent: inv.agent, pd: nil, startedAt: inv.polledAt, duration: 0.1, result: .success(inv)))
        }
    }

    func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    /// Runs one statement on the file with Python's own SQLite module (as another program
    /// would), then folds the write-ahead log into the file so its bytes are final.
    func sqlite(_ path: String, _ sql: String) throws {
        let script = """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1], isolation_level=None)
            db.execute(sys.argv[2])
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db.close()
            """
        let r = try run("/usr/bin/python3", ["-c", script, path, sql], timeout: 30)
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test func readOnlyCommandsOnAMissingStoreFailAndCreateNothing() throws {
        let dir = try Lab.temporaryDirectory("store-cli")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/var/none.sqlite"
        for cmd in Self.readers {
            let r = try pantau(cmd + ["--store", path])
            #expect(r.status == 1, "\(cmd): \(r.stdout) \(r.stderr)")
            #expect(r.stderr.contains("\(path): opening the store: no store here"), "\(cmd): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/var"))
    }

    @Test(arguments: ["migration", "user_version"])
    func everyCommandRefusesAStoreFromANewerPantau(how: String) throws {
        let dir = try Lab.temporaryDirectory("store-cli")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/p.sqlite"
        try sampleStore(path)
        try sqlite(path, how == "migration" ? "INSERT INTO grdb_migrations (identifier) VALUES ('v7-uptime')" : "PRAGMA user_version = 12")
        let before = bytes(path)
        for cmd in try Self.readers.map { $0 + ["--store", path] } + writers(dir, store: path) {
            let r = try pantau(cmd)
            #expect(r.status == 1, "\(cmd): \(r.stdout) \(r.stderr)")
            #expect(r.stderr.contains("\(path): opening the store: written by a newer Pantau"), "\(cmd): \(r.stderr)")
            #expect(r.stderr.contains("this pantau knows schema version \(PantauStore.schemaVersion)"), "\(cmd): \(r.stderr)")
        }
        #expect(bytes(path) == before)
    }

    /// Pages overwritten with random bytes (a failing disk): every command stops with exit 1,
    /// names the file, says how to recover, and writes nothing.
    @Test func aDamagedStoreIsRefusedAndNotWritten() throws {
        let dir = try Lab.temporaryDirectory("store-cli")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/p.sqlite"
        try sampleStore(path)
        try sqlite(path, "SELECT 1")
        var data = try #require(bytes(path))
        let page = 4096
        #expect(data.count >= 8 * page)
        // Every page after the first (the header and schema stay readable), deterministically.
        var rng = SplitMix64(seed: 0x5eed)
        for i in page..<data.count { data[i] = UInt8(truncatingIfNeeded: rng.next()) }
        try data.write(to: URL(fileURLWithPath: path))
        for cmd in try [["inventory", "list", "--store", path], ["hosts", "--store", path]] + writers(dir, store: path) {
            let r = try pantau(cmd)
            #expect(r.status == 1, "\(cmd): \(r.stdout) \(r.stderr)")
            #expect(r.stderr.contains(path) && r.stderr.contains("the store file is damaged"), "\(cmd): \(r.stderr)")
            #expect(r.stderr.contains(".recover"), "\(cmd): \(r.stderr)")
        }
        #expect(bytes(path) == data)
    }
}

/// Files named on the command line that are not regular files are refused with the reason.
@Suite struct InputFileCLITests {
    @Test func aConfigurationPathThatIsNotAFileSaysWhy() throws {
        let dir = try Lab.temporaryDirectory("inputs")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(mkfifo(dir + "/fifo", 0o600) == 0)
        let cases: [(String, String)] = [
            (dir, "is a directory, not a file"), (dir + "/fifo", "is a FIFO (named pipe), not a regular file"),
            ("/dev/zero", "is a device, not a regular file"), (dir + "/missing.yaml", "no such file"),
        ]
        for (path, reason) in cases {
            let r = try run(Lab.pantauBinary, ["collect", "--once", "--config", path, "--store", dir + "/p.sqlite"], timeout: 30)
            #expect(r.status == 1, "\(path): \(r.stderr)")
            #expect(r.stderr.contains("\(path):1:1: \(reason)"), "\(path): \(r.stderr)")
            let v = try run(Lab.pantauBinary, ["diagram", "validate", path, "--pd", "BAPPEDA", "--store", dir + "/p.sqlite"], timeout: 30)
            #expect(v.status == 1 && v.stderr.contains("\(path): \(reason)"), "\(path): \(v.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/p.sqlite"))
    }

    @Test func servePortAndBindAreCheckedBeforeAnythingIsPrinted() throws {
        let dir = try Lab.temporaryDirectory("serve-args")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for port in ["0", "70000", "-1"] {
            let r = try run(Lab.pantauBinary, ["serve", "--port=\(port)", "--store", dir + "/p.sqlite"], timeout: 30)
            #expect(r.status == 64 && r.stderr.contains("--port must be 1-65535"), "\(port): \(r.stderr)")
        }
        let store = dir + "/p.sqlite"
        #expect(try run(Lab.pantauBinary, ["profile", "activate", "manggarai", "--profiles", Lab.repo + "/config/profiles", "--store", store]).status == 0)
        let bad = try run(Lab.pantauBinary, ["serve", "--bind", "999.1.1.1", "--port", String(Lab.freeUDPPort()), "--store", store], timeout: 30)
        #expect(bad.status != 0, "\(bad.stdout)")
        #expect(!bad.stdout.contains("submission service on"), "announced a service that never listened: \(bad.stdout)")
    }
}

/// `sample` fails when not one of the capture files it was given could be read.
@Suite struct UnreadableCaptureCLITests {
    @Test func noReadableInputIsAnErrorSomeIsAWarning() throws {
        let dir = try Lab.temporaryDirectory("unreadable")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "this is not a capture\n".write(toFile: dir + "/notes.pcap", atomically: true, encoding: .utf8)
        let none = try run(Lab.pantauBinary, ["sample", "--read", dir + "/notes.pcap", "--store", dir + "/a.sqlite"], timeout: 60)
        #expect(none.status == 1, "\(none.stdout) \(none.stderr)")
        #expect(none.stderr.contains("none of the capture files could be read"), "\(none.stderr)")
        #expect((none.stdout + none.stderr).contains(dir + "/notes.pcap"), "the unreadable file is named")
        let some = try run(Lab.pantauBinary, ["sample", "--read", dir + "/notes.pcap", Lab.corpus + "/pcap/dhcp.pcap",
                                              "--store", dir + "/b.sqlite"], timeout: 60)
        #expect(some.status == 0, "\(some.stdout) \(some.stderr)")
        #expect((some.stdout + some.stderr).contains(dir + "/notes.pcap"), "the unreadable file is still named")
    }
}

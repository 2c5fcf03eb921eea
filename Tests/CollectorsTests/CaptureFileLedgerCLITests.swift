import Foundation
import InventoryModel
import InventoryStore
import Storage
import Testing

/// The capture-file ledger as an operator meets it: the `pantau` binary, a real store file.
@Suite("capture-file ledger: pantau sample and collect", .serialized)
struct CaptureFileLedgerCLITests {
    func pantau(_ args: [String]) throws -> ProcessResult {
        try runProcess(TestEnv.pantauBinary, args, environment: ["PANTAU_PROBES": TestEnv.repo + "/probes", "PATH": "/usr/bin:/bin"])
    }

    /// `talkers --json` by host and by subnet: what an operator would compare.
    func talkers(_ store: String) throws -> [String] {
        try ["host", "subnet"].map { by in
            let r = try pantau(["talkers", "--by", by, "--top", "100000", "--json", "--store", store])
            try #require(r.status == 0, "talkers: \(r.stderr)")
            return r.stdout
        }
    }

    func talkerBytes(_ json: String) throws -> Int64 {
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        return rows.map { (($0["in_bytes"] as? NSNumber)?.int64Value ?? 0) + (($0["out_bytes"] as? NSNumber)?.int64Value ?? 0) }.reduce(0, +)
    }

    @Test("sample --read twice: totals unchanged and the skip reported; --reread doubles; --help tells")
    func sampleTwice() throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestEnv.pantauBinary), "build first: swift build --build-tests")
        let dir = try TempDir()
        let store = dir.path + "/store.sqlite"
        let read = ["sample", "--read", TestEnv.pcapDir, "--mode", "deterministic", "--store", store]
        let first = try pantau(read)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(!first.stdout.contains("already read"))
        let once = try talkers(store)
        #expect(try talkerBytes(once[0]) > 0 && talkerBytes(once[1]) > 0)

        let second = try pantau(read)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("packets: 0 read"), "\(second.stdout)")
        #expect(second.stdout.contains("skipped \(TestEnv.captures.count) files already read (use --reread to read them again)"), "\(second.stdout)")
        #expect(try talkers(store) == once)

        let again = try pantau(read + ["--reread"])
        #expect(again.status == 0 && !again.stdout.contains("already read"), "\(again.stdout)\(again.stderr)")
        let doubled = try talkers(store)
        for (d, o) in zip(doubled, once) { #expect(try talkerBytes(d) == 2 * talkerBytes(o)) }

        let help = try pantau(["sample", "--help"])
        #expect(help.stdout.contains("--reread") && help.stdout.contains("remembered") && help.stdout.contains("added again"))
        let bad = try pantau(["sample", "--sflow", "127.0.0.1:6343", "--reread", "--store", store])
        #expect(bad.status == 64 && bad.stderr.contains("--reread applies to --read"))
    }

    /// `collect --once` with a `sampling:` section, killed (SIGKILL) after its first store
    /// write part-way through a big capture, then run again: the traffic equals one read.
    @Test("a killed collect --once resumes where its last store write ended")
    func killedCollect() throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestEnv.pantauBinary), "build first: swift build --build-tests")
        let dir = try TempDir()
        let big = dir.path + "/big.pcap"
        let total = 120_000
        try makeBenchCapture(at: big, packets: total)
        let store = dir.path + "/store.sqlite"
        let config = dir.path + "/pantau.yaml"
        try """
            store: store.sqlite
            probes: \(TestEnv.repo)/probes
            targets: []
            sampling:
              capture_point: span-1
              read: [big.pcap]
              mode: deterministic
              flush_interval: 1      # capture-time seconds: a store write every ~12,000 packets
              oui_file: ""
              reread: false
            """.write(toFile: config, atomically: true, encoding: .utf8)

        // The test watches the store while collect writes it: create it first, so the two
        // processes never both create the schema.
        let watcher = try PantauStore(path: store)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: TestEnv.pantauBinary)
        p.arguments = ["collect", "--once", "--config", config, "--quiet"]
        let errors = dir.path + "/collect.err"
        _ = FileManager.default.createFile(atPath: errors, contents: nil)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle(forWritingAtPath: errors)
        p.standardInput = FileHandle.nullDevice
        try p.run()
        // Polled on this thread, not by awaiting: the cooperative pool may be busy with other tests.
        var counted = 0
        for _ in 0..<60000 where counted == 0 && p.isRunning {
            usleep(1000)
            counted = (try? watcher.captureFiles().first?.packets) ?? 0
        }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        let stderr = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
        try #require(p.terminationReason == .uncaughtSignal,
                     "collect ended (status \(p.terminationStatus)) before it could be killed: \(stderr)")
        let mid = try #require(try PantauStore(path: store).captureFiles().first)
        #expect(mid.packets >= counted && mid.packets > 0 && mid.packets < total && !mid.complete)

        let resumed = try pantau(["collect", "--once", "--config", config, "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("resumed 1 file after \(mid.packets) packets counted before"), "\(resumed.stdout)")
        #expect(resumed.stdout.contains("packets: \(total - mid.packets) read"), "\(resumed.stdout)")
        let end = try #require(try PantauStore(path: store).captureFiles().first)
        #expect(end.packets == total && end.complete && end.capturePoint == "span-1")

        // Once more: nothing read, and the hint names the configuration key.
        let third = try pantau(["collect", "--once", "--config", config, "--quiet"])
        #expect(third.stdout.contains("skipped 1 file already read (set reread: true under sampling: to read them again)"), "\(third.stdout)")

        let once = dir.path + "/once.sqlite"
        let single = try pantau(["sample", "--read", big, "--mode", "deterministic", "--capture-point", "span-1", "--store", once])
        try #require(single.status == 0, "\(single.stderr)")
        #expect(try talkers(store) == talkers(once))
    }
}

import Collectors
import Settings
import Foundation
import InventoryModel
import InventoryStore
import Storage
import Logging
import Testing

/// Whether the test may mount a small tmpfs (root with CAP_SYS_ADMIN): a real file system
/// that really fills up, rather than a fake store that pretends to.
enum SmallDisk {
    static let available: Bool = {
        guard getuid() == 0, let mount = TestEnv.which("mount") else { return false }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-mount-probe-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        guard (try? runProcess(mount, ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir]))?.status == 0 else { return false }
        _ = try? runProcess(TestEnv.which("umount") ?? "/usr/bin/umount", [dir])
        return true
    }()
    /// In CI the test runs even when mounting looks impossible, so it fails loudly there.
    static let enabled = available || TestEnv.isCI
}

@Suite("Sampling onto a full disk", .serialized)
struct FullDiskTests {
    @Test("the run goes on and says what it could not write; what was stored stays; the next run catches up",
          .enabled(if: SmallDisk.enabled, "needs root to mount a small tmpfs (run as root, or in CI)"))
    func fullDisk() async throws {
        let mount = try #require(TestEnv.which("mount")), umount = TestEnv.which("umount") ?? "/usr/bin/umount"
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-full-\(UUID().uuidString)").path
        let disk = base + "/disk"
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        let r = try runProcess(mount, ["-t", "tmpfs", "-o", "size=8m", "tmpfs", disk])
        try #require(r.status == 0, "mount: \(r.stderr)")
        defer {
            _ = try? runProcess(umount, [disk])
            try? FileManager.default.removeItem(atPath: base)
        }

        // A first run fits: the corpus DHCP capture.
        let store = try PantauStore(path: disk + "/pantau.sqlite")
        var settings = SamplingSettings(source: .files([TestEnv.pcapDir + "/dhcp.pcap"]), capturePoint: "full")
        settings.mode = .deterministic
        settings.ouiFile = nil
        let first = try await runSampling(settings, store: store, segments: [], logger: Logger(label: "test"))
        #expect(first.storeFailures == 0)
        let before = try store.hostSightings()
        #expect(!before.isEmpty)

        // A capture of 10,000 new hosts over 1,000 s, so the run flushes (and fails) more than
        // once, kept off the small disk.
        var w = PcapWriter()
        for i in 0..<10_000 {
            let m = 0x0200_0000_0000 | UInt64(i)
            w.add(Frames.udp4(src: m, dst: 0x0200_00ff_ffff, from: 0x0a00_0000 | UInt32(i), to: 0x0a00_ffff), at: 1_700_000_000 + Double(i) * 0.1)
        }
        let capture = base + "/hosts.pcap"
        try w.write(to: capture)

        // Fill the disk to the last byte.
        let filler = disk + "/filler"
        _ = FileManager.default.createFile(atPath: filler, contents: nil)
        let fh = try #require(FileHandle(forWritingAtPath: filler))
        let chunk = Data(count: 16 * 1024)
        var written = 0
        while (try? fh.write(contentsOf: chunk)) != nil { written += chunk.count; if written > 16 << 20 { break } }
        // Single bytes too, so not even a small page fits.
        while (try? fh.write(contentsOf: Data([0]))) != nil { written += 1; if written > 17 << 20 { break } }
        try? fh.close()

        settings.source = .files([capture])
        let full = try await runSampling(settings, store: store, segments: [], logger: Logger(label: "test"))
        #expect(full.packetsRead == 10_000, "the run reads its whole input even when nothing can be stored")
        // Each flush fails; a batch that fails twice is dropped (bounded memory), and the last
        // one is reported as not written.
        // Exactly: every window fails once, and every one but the last fails again on its retry
        // and is dropped (the last is reported as not written).
        #expect(full.flushes >= 2 && full.storeFailures == 2 * full.flushes - 1, "\(full)")
        #expect(full.description.contains("store:") && full.warnings.contains { $0.contains("dropped") }
                && full.warnings.contains { $0.contains("could not be written") }, "the summary says what was lost: \(full)")
        #expect(try store.hostSightings() == before, "what was stored before is intact")

        // Space again: the same capture is recorded in full.
        try FileManager.default.removeItem(atPath: filler)
        let again = try await runSampling(settings, store: store, segments: [], logger: Logger(label: "test"))
        #expect(again.storeFailures == 0, "\(again)")
        #expect(try store.hostSightings().count == before.count + 10_000)
    }
}

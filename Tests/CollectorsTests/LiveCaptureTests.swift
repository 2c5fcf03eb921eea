import Collectors
import Settings
import Foundation
import InventoryModel
import InventoryStore
import Storage
import Logging
import Testing

/// Whether this machine lets the test create a network namespace (root with CAP_SYS_ADMIN).
enum NetNS {
    static let ip = TestEnv.which("ip") ?? "/usr/sbin/ip"
    static let available: Bool = {
        guard getuid() == 0 else { return false }
        let name = "pantau-probe-\(getpid())"
        guard (try? runProcess(ip, ["netns", "add", name]))?.status == 0 else { return false }
        _ = try? runProcess(ip, ["netns", "del", name])
        return true
    }()
    /// In CI the test runs even when namespaces look impossible, so it fails loudly there.
    static let enabled = available || TestEnv.isCI
}

@Suite("Live capture on a veth pair in a network namespace", .serialized)
struct LiveCaptureTests {
    @Test("frames replayed by tcpreplay into a veth are captured; the interface vanishing is survived",
          .enabled(if: NetNS.enabled, "needs root and network namespaces (run as root, or in CI)"))
    func vethReplay() async throws {
        try #require(getuid() == 0, "live capture needs root")
        let tcpreplay = try #require(TestEnv.which("tcpreplay"), "tcpreplay is not installed (scripts/setup.sh installs it)")
        let tag = String(UInt32.random(in: 0...0xffffff), radix: 16)
        let ns = "pantau-\(tag)", hostSide = "pt\(tag)a", nsSide = "pt\(tag)b"
        func ip(_ args: String...) throws {
            let r = try runProcess(NetNS.ip, args)
            try #require(r.status == 0, "ip \(args.joined(separator: " ")): \(r.stderr)")
        }
        try ip("netns", "add", ns)
        defer {
            _ = try? runProcess(NetNS.ip, ["link", "del", hostSide])
            _ = try? runProcess(NetNS.ip, ["netns", "del", ns])
        }
        try ip("link", "add", hostSide, "type", "veth", "peer", "name", nsSide)
        try ip("link", "set", nsSide, "netns", ns)
        // No IPv6 on the pair, so the kernel's own router solicitations do not add hosts.
        _ = try runProcess("/usr/sbin/sysctl", ["-qw", "net.ipv6.conf.\(hostSide).disable_ipv6=1"])
        _ = try runProcess(NetNS.ip, ["netns", "exec", ns, "/usr/sbin/sysctl", "-qw", "net.ipv6.conf.\(nsSide).disable_ipv6=1"])
        try ip("link", "set", hostSide, "up")
        try ip("netns", "exec", ns, NetNS.ip, "link", "set", nsSide, "up")

        let store = try PantauStore()
        var settings = SamplingSettings(source: .interface(hostSide), capturePoint: "veth-test")
        settings.duration = 60   // an upper bound; the test stops the run itself below
        settings.flushInterval = 1
        settings.filter = "not ip6"
        let (readySignal, readyContinuation) = AsyncStream<Void>.makeStream()
        let log = CapturedLog()
        let logger = Logger(label: "test") { _ in log }
        let run = Task {
            try await runSampling(settings, store: store, segments: [], logger: logger, ready: { readyContinuation.finish() })
        }
        for await _ in readySignal {}  // the capture is open: what is sent now is seen

        let files = ["dhcp.pcap", "icmp_dot1q.pcap"].map { TestEnv.pcapDir + "/" + $0 }
        for f in files {
            let r = try runProcess(NetNS.ip, ["netns", "exec", ns, tcpreplay, "-q", "--topspeed", "-i", nsSide, f])
            #expect(r.status == 0, "tcpreplay \(f): \(r.stderr)")
        }
        // Every host replayed reaches the store (the flush interval is 1 s), then the interface
        // is pulled away mid-run: the sampler must keep going and say so.
        let replayed = try Self.expectedHosts(files)
        let stored = Date().addingTimeInterval(30)
        while Set(try store.hostSightings().map { "\($0.mac)@\($0.vlan ?? 0)" }) != replayed && Date() < stored {
            try await Task.sleep(for: .milliseconds(100))
        }
        _ = try runProcess(NetNS.ip, ["netns", "del", ns])
        let noticed = Date().addingTimeInterval(30)
        while !log.messages.contains(where: { $0.contains("capture failed") }) && Date() < noticed {
            try await Task.sleep(for: .milliseconds(100))
        }
        // Cancelling the task stops a live run (as Ctrl-C or collect's shutdown would).
        run.cancel()
        let summary = try await run.value

        let expectedFrames = try files.map { try TsharkFrame.read($0).count }.reduce(0, +)
        #expect(summary.packetsRead == expectedFrames, "\(summary)")
        #expect(summary.seconds < 50, "the run did not stop when cancelled: \(summary)")
        let hosts = try store.hostSightings()
        #expect(Set(hosts.map { "\($0.mac)@\($0.vlan ?? 0)" }) == replayed)
        #expect(hosts.first { $0.mac.description == "90:b1:1c:99:49:29" }?.names.map(\.name) == ["btest.is.cool"])
        #expect(try store.dhcpServerSightings().map(\.server.description) == ["128.2.6.152"])
        #expect(summary.warnings.contains { $0.contains("capture failed") }, "\(summary)")
        #expect(try store.captureFiles().isEmpty, "live capture wrote to the capture-file ledger")
    }

    /// Unicast source MACs (with VLAN) in the captures, as tshark reads them.
    static func expectedHosts(_ files: [String]) throws -> Set<String> {
        var hosts = Set<String>()
        for f in files {
            for t in try TsharkFrame.read(f) {
                guard let src = t.first("eth.src"), let b = UInt8(src.prefix(2), radix: 16), b & 1 == 0 else { continue }
                hosts.insert("\(src)@\(t.all("vlan.id").last ?? "0")")
            }
        }
        return hosts
    }
}

/// A log handler that keeps every message, so a test can wait for one instead of sleeping.
final class CapturedLog: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) { lock.withLock { lines.append(event.message.description) } }
    var messages: [String] { lock.withLock { lines } }
}

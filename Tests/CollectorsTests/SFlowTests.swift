import Collectors
import Settings
import Foundation
import InventoryModel
import InventoryStore
import Storage
import Logging
import PacketCapture
import PacketDecoding
import Testing

@Suite("sFlow from a real exporter (pmacct sfprobe) on loopback", .serialized)
struct SFlowTests {
    @Test("pmacctd's sfprobe replays a corpus capture as sFlow; Pantau records its hosts with the agent's rate")
    func pmacctExporter() async throws {
        let pmacctd = try #require(TestEnv.which("pmacctd"), "pmacctd is not installed (Debian pmacct; scripts/setup.sh installs it)")
        let capture = TestEnv.pcapDir + "/wikipedia.pcap"
        let tmp = try TempDir()
        let port = UInt16.random(in: 20_000...60_000)
        let conf = tmp.path + "/sfprobe.conf"
        try """
            daemonize: false
            pcap_savefile: \(capture)
            plugins: sfprobe
            sfprobe_receiver: 127.0.0.1:\(port)
            sfprobe_agentip: 127.0.0.1
            sampling_rate: 2
            """.write(toFile: conf, atomically: true, encoding: .utf8)

        let store = try PantauStore()
        var settings = SamplingSettings(source: .sflow(host: "127.0.0.1", port: port), capturePoint: "sflow-test")
        settings.duration = 8
        settings.flushInterval = 1
        let (readySignal, readyContinuation) = AsyncStream<Void>.makeStream()
        let run = Task {
            try await runSampling(settings, store: store, segments: [], logger: Logger(label: "test"), ready: { readyContinuation.finish() })
        }
        for await _ in readySignal {}  // the capture is open: what is sent now is seen
        // pmacctd waits ~2 s after opening a savefile, sends its samples and exits.
        // pmacctd may not exit on its own when started from the test process; KILL bounds it.
        let exporter = try runProcess("/usr/bin/timeout", ["-s", "KILL", "6", pmacctd, "-f", conf])
        #expect([0, 9, 124, 137].contains(exporter.status), "pmacctd: \(exporter.stderr)")
        let summary = try await run.value

        #expect(summary.datagrams > 0, "no sFlow datagrams arrived: \(summary)")
        #expect(summary.badDatagrams == 0)
        #expect(summary.packetsRead > 20, "\(summary)")

        // Every host Pantau learned from the samples is a source MAC tshark sees in the capture.
        let ts = try TsharkFrame.read(capture)
        let macs = Set(ts.compactMap { $0.first("eth.src") })
        let hosts = try store.hostSightings()
        #expect(!hosts.isEmpty)
        for h in hosts { #expect(macs.contains(h.mac.description), "\(h.mac) is not in \(capture)") }
        // The busiest host of the capture (60 of its 136 frames) is found with its address.
        let busy = hosts.first { $0.mac.description == "00:24:7e:e0:1d:b5" }
        #expect(busy?.addresses.map(\.address.description).contains("141.142.220.118") == true)
        #expect(hosts.allSatisfy { $0.capturePoint == "sflow-test" })
        // The capture-file ledger is for file sources only.
        #expect(try store.captureFiles().isEmpty)
        // Estimates carry the agent's sampling rate and are scaled by it.
        let traffic = try store.trafficEstimates(scope: .host)
        #expect(!traffic.isEmpty)
        #expect(traffic.allSatisfy { $0.samplingRate == 2 })
        #expect(traffic.allSatisfy { $0.outPackets + $0.inPackets == Int64($0.samples) * 2 })
    }

    @Test("interface counter samples are stored as a second bandwidth source")
    func counterSamples() async throws {
        let store = try PantauStore()
        let port = UInt16.random(in: 20_000...60_000)
        var settings = SamplingSettings(source: .sflow(host: "127.0.0.1", port: port), capturePoint: "counters")
        settings.duration = 3
        settings.ouiFile = nil
        let (readySignal, readyContinuation) = AsyncStream<Void>.makeStream()
        let run = Task {
            try await runSampling(settings, store: store, segments: [], logger: Logger(label: "test"), ready: { readyContinuation.finish() })
        }
        for await _ in readySignal {}  // the capture is open: what is sent now is seen
        // A datagram laid out per sflow_version_5.txt, sent over a real UDP socket; plus garbage.
        try sendUDP(counterDatagram(), port: port)
        try sendUDP([1, 2, 3], port: port)
        let summary = try await run.value
        #expect(summary.datagrams == 1 && summary.badDatagrams == 1, "\(summary)")
        let counters = try store.interfaceCounterSightings()
        #expect(counters.count == 1)
        #expect(counters.first?.ifIndex == 7 && counters.first?.inOctets == 5_000_000 && counters.first?.outOctets == 7_000_000)
        #expect(counters.first?.agent.description == "127.0.0.1")
    }
}

func counterDatagram(inOctets: UInt64 = 5_000_000, outOctets: UInt64 = 7_000_000, sequence: UInt32 = 1, uptime: UInt32 = 1000) -> [UInt8] {
    func u32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }
    func u64(_ v: UInt64) -> [UInt8] { u32(UInt32(v >> 32)) + u32(UInt32(v & 0xffff_ffff)) }
    let generic = u32(7) + u32(6) + u64(100_000_000) + u32(1) + u32(3) + u64(inOctets) + u32(0) + u32(0) + u32(0) + u32(0) + u32(0) + u32(0)
        + u64(outOctets) + u32(0) + u32(0) + u32(0) + u32(0) + u32(0) + u32(0)
    let sample = u32(sequence) + u32(7) + u32(1) + u32(1) + u32(UInt32(generic.count)) + generic
    return u32(5) + u32(1) + [127, 0, 0, 1] + u32(0) + u32(sequence) + u32(uptime) + u32(1) + u32(2) + u32(UInt32(sample.count)) + sample
}

func sendUDP(_ bytes: [UInt8], port: UInt16) throws {
    let s = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
    defer { close(s) }
    let n = bytes.withUnsafeBytes { b in withLoopback(port: port) { sendto(s, b.baseAddress, b.count, 0, $0, $1) } }
    #expect(n == bytes.count)
}

import Foundation
import InventoryTesting
import InventoryModel
import InventoryStore
import Storage
import Testing

@Suite("pantau sample as an operator runs it", .serialized)
struct SampleCommandTests {
    /// True once something holds the UDP port on loopback (our bind then fails).
    /// True when no datagram waits in the receive queue of the UDP socket bound to `port`
    /// (from /proc/net/udp: `local_address` is hex IP:port, `tx_queue:rx_queue` follows).
    static func receiveQueueEmpty(_ port: UInt16) -> Bool {
        guard let table = try? String(contentsOfFile: "/proc/net/udp", encoding: .utf8) else { return false }
        let wanted = String(format: ":%04X", port)
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ")
            guard fields.count > 4, fields[1].hasSuffix(wanted) else { continue }
            return fields[4].split(separator: ":").last.map { Int($0, radix: 16) == 0 } ?? false
        }
        return false
    }

    static func portTaken(_ port: UInt16) -> Bool {
        let s = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(s) }
        let rc = withLoopback(port: port) { bind(s, $0, $1) }
        return rc != 0 && errno == EADDRINUSE
    }

    @Test("SIGTERM and Ctrl-C end an open-ended run cleanly: the window is stored and the summary printed",
          arguments: [SIGTERM, SIGINT])
    func signalEndsTheRun(_ signalNumber: Int32) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-sig-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let port = Self.freePort()
        // No --duration: the run lasts until it is told to stop.
        try await Self.signalAfterOneDatagram(["sample", "--sflow", "127.0.0.1:\(port)", "--store", dir + "/pantau.sqlite"],
                                              port: port, signal: signalNumber, store: dir + "/pantau.sqlite")
    }

    @Test("collect --once with an sFlow sampling: section: SIGTERM and Ctrl-C end it cleanly, keeping the window",
          arguments: [SIGTERM, SIGINT])
    func signalEndsCollectSampling(_ signalNumber: Int32) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-csig-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let port = Self.freePort()
        // An hour-long listener: only the signal ends it in time.
        try """
            store: pantau.sqlite
            probes: \(TestEnv.repo)/probes
            targets: []
            sampling:
              sflow: 127.0.0.1:\(port)
              duration: 3600
              oui_file: ""
            """.write(toFile: dir + "/pantau.yaml", atomically: true, encoding: .utf8)
        try await Self.signalAfterOneDatagram(["collect", "--once", "--config", dir + "/pantau.yaml", "--quiet"],
                                              port: port, signal: signalNumber, store: dir + "/pantau.sqlite")
    }

    static func freePort() -> UInt16 { UInt16(Lab.freeUDPPort()) }

    /// Runs the binary with `arguments` until it listens on `port`, sends it one counter
    /// datagram, waits until it has read it, sends `signal`, and checks that it stopped
    /// cleanly with its summary and stored the datagram (the flush interval is 60 s, so only
    /// the signal can have got it stored).
    static func signalAfterOneDatagram(_ arguments: [String], port: UInt16, signal signalNumber: Int32, store: String) async throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: TestEnv.pantauBinary)
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        defer { if p.isRunning { p.terminate() } }

        let deadline = Date().addingTimeInterval(30)
        while !portTaken(port) && p.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        try #require(portTaken(port), "\(arguments[0]) did not start listening: \(String(decoding: err.fileHandleForReading.availableData, as: UTF8.self))")
        try sendUDP(counterDatagram(), port: port)
        // Pantau has read it once the socket's receive queue is empty.
        let read = Date().addingTimeInterval(10)
        while !receiveQueueEmpty(port) && Date() < read { try await Task.sleep(for: .milliseconds(20)) }
        kill(p.processIdentifier, signalNumber)
        let stopBy = Date().addingTimeInterval(10)
        while p.isRunning && Date() < stopBy { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!p.isRunning, "\(arguments[0]) did not stop within 10 s of signal \(signalNumber)")
        p.waitUntilExit()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(p.terminationReason == .exit && p.terminationStatus == 0, "exit \(p.terminationStatus): \(stdout)" as Comment)
        #expect(stdout.contains(": stopped") && stdout.contains("sFlow datagrams: 1 decoded"), Comment(rawValue: stdout))
        // What arrived before the signal is in the store, not lost with the process.
        let counters = try PantauStore(path: store).interfaceCounterSightings()
        #expect(counters.count == 1 && counters.first?.inOctets == 5_000_000)
    }
}

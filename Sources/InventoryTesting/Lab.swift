import Foundation

/// Paths the test suite needs: the repository, the shared corpus, the lab's tools.
/// scripts/test.sh sets the environment; running `swift test` by hand falls back to paths
/// relative to this file.
public enum Lab {
    /// The repository root.
    public static var repo: String {
        if let r = ProcessInfo.processInfo.environment["PANTAU_REPO"], !r.isEmpty { return r }
        // Sources/InventoryTesting/Lab.swift → repo root
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    /// The shared corpus (`snmp/`, `pcap/`).
    public static var corpus: String {
        if let c = ProcessInfo.processInfo.environment["PANTAU_CORPUS"], !c.isEmpty { return c }
        return URL(fileURLWithPath: repo).deletingLastPathComponent().appendingPathComponent("shared/corpus").path
    }

    public static var snmpCorpus: String { corpus + "/snmp" }

    /// Device recordings, by name (file base name, which is also the snmpsim community).
    public static var recordings: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: snmpCorpus)) ?? []
        return files.filter { $0.hasSuffix(".snmprec") }.map { String($0.dropLast(8)) }.sorted()
    }

    /// snmpsim's command responder from the project's venv.
    public static var snmpsim: String {
        if let s = ProcessInfo.processInfo.environment["PANTAU_SNMPSIM"], !s.isEmpty { return s }
        return repo + "/.venv/bin/snmpsim-command-responder"
    }

    /// True on CI, where every real component must be present (no silent skips).
    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// The built `pantau` executable next to the test bundle.
    public static var pantauBinary: String {
        if let b = ProcessInfo.processInfo.environment["PANTAU_BINARY"], !b.isEmpty { return b }
        return repo + "/.build/debug/pantau"
    }

    /// A fresh temporary directory, removed by the caller (or left for inspection on failure).
    public static func temporaryDirectory(_ label: String = "pantau") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A UDP port on 127.0.0.1 that nothing listens on right now.
    public static func freeUDPPort() -> Int {
        let (fd, port) = boundUDPSocket()
        close(fd)
        return port
    }

    /// A UDP socket bound to a free port on 127.0.0.1, and that port.
    static func boundUDPSocket() -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return (fd, Int(UInt16(bigEndian: addr.sin_port)))
    }
}

/// An "agent" that receives requests and never answers: a device that is down behind a
/// router that drops, rather than refuses, its packets. The one fault here a real agent
/// cannot be asked to produce precisely. It counts what it received.
public final class SilentUDPAgent: @unchecked Sendable {
    public let port: Int
    private let fd: Int32

    public init() { (fd, port) = Lab.boundUDPSocket() }

    public var agent: String { "udp:127.0.0.1:\(port)" }

    /// Reads every datagram already waiting, without waiting for more, and returns how many.
    public func drain() -> Int {
        var buf = [UInt8](repeating: 0, count: 65_536)
        var received = 0
        while recv(fd, &buf, buf.count, Int32(MSG_DONTWAIT)) > 0 { received += 1 }
        return received
    }

    deinit { close(fd) }
}

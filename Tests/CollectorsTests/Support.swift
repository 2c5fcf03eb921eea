import Foundation
import Testing

/// Shared test environment: where the corpus and the repository are.
enum TestEnv {
    static var corpus: String { ProcessInfo.processInfo.environment["PANTAU_CORPUS"] ?? "/work/shared/corpus" }
    static var repo: String {
        if let r = ProcessInfo.processInfo.environment["PANTAU_REPO"] { return r }
        // Tests/CollectorsTests/Support.swift → repository root.
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }
    static var pcapDir: String { corpus + "/pcap" }
    static var captures: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: pcapDir)) ?? []).filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }.sorted()
    }
    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// The built `pantau` binary next to the test bundle.
    static var pantauBinary: String {
        let candidates = [repo + "/.build/debug/pantau", repo + "/.build/release/pantau"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    static func which(_ tool: String) -> String? {
        for dir in ["/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/local/bin"] {
            let p = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }
}

struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a program to completion (stdin closed), collecting its output.
@discardableResult
func runProcess(_ path: String, _ args: [String], environment: [String: String]? = nil) throws -> ProcessResult {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    if let environment { p.environment = environment }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = FileHandle.nullDevice
    try p.run()
    // Read both pipes concurrently so a chatty child cannot block on a full pipe.
    nonisolated(unsafe) var errData = Data()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    p.waitUntilExit()
    return ProcessResult(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
}

/// A temporary directory removed when the value is released.
final class TempDir {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "pantau-pcap-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Calls `body` with 127.0.0.1:`port` as a socket address.
func withLoopback<T>(port: UInt16, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
    var a = sockaddr_in()
    a.sin_family = sa_family_t(AF_INET)
    a.sin_port = port.bigEndian
    a.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
    return withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
}

/// Writes `packets` corpus frames, repeated, 100 µs apart, with the benchmark's own generator.
func makeBenchCapture(at path: String, packets: Int) throws {
    let made = try runProcess("/usr/bin/env", ["python3", TestEnv.repo + "/bench/make-capture.py", path, "\(packets)"],
                              environment: ProcessInfo.processInfo.environment.merging(["PANTAU_CORPUS": TestEnv.corpus]) { $1 })
    try #require(made.status == 0, "make-capture.py: \(made.stderr)")
}

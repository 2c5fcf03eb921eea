import Foundation
import Governance

/// The repository root (PANTAU_REPO, else found from this file's path).
let repoRoot: String = {
    if let r = ProcessInfo.processInfo.environment["PANTAU_REPO"], !r.isEmpty { return r }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}()

func repoFile(_ rel: String) -> String { "\(repoRoot)/\(rel)" }

func profile(_ id: String) throws -> RegionalProfile { try RegionalProfile.load(path: repoFile("config/profiles/\(id).yaml")) }

func exampleRegistry() throws -> PDRegistry {
    try PDRegistry.load(path: repoFile("config/registry.example.yaml"), profile: try profile("manggarai"))
}

/// A fresh temporary directory, removed by the caller's defer.
func tempDir() throws -> String {
    let dir = NSTemporaryDirectory() + "pantau-gov-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

func date(_ text: String) -> LocalDate {
    // Test literals are valid dates; a typo should fail loudly.
    guard let d = LocalDate(text) else { fatalError("bad test date \(text)") }
    return d
}

func readBytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

func readText(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

import Foundation
import InventoryTesting
import Settings

/// Loads `yaml` as a configuration file written to a fresh temporary directory (relative
/// paths in it resolve there), with no environment variables.
func loadConfig(_ yaml: String) throws -> PantauConfig {
    let dir = try Lab.temporaryDirectory("pantau-config")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/pantau.yaml"
    try yaml.write(toFile: path, atomically: true, encoding: .utf8)
    return try PantauConfig.load(path: path, environment: [:])
}

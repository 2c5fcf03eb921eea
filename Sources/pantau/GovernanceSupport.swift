import ArgumentParser
import Foundation
import Governance
import InventoryStore

/// A command-line refusal with a message that names the subject and the cause.
struct CLIError: Error, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// "Now" for governance commands: `--now` (hidden, for tests and demos), else the
/// PANTAU_NOW environment variable, else the clock. Accepts `2024-01-11` or
/// `2024-01-11T09:30:00Z`.
func governanceNow(_ override: String?) throws -> Date {
    guard let text = override ?? ProcessInfo.processInfo.environment["PANTAU_NOW"], !text.isEmpty else { return Date() }
    let full = ISO8601DateFormatter()
    if let d = full.date(from: text) { return d }
    let day = ISO8601DateFormatter()
    day.formatOptions = [.withFullDate]
    if let d = day.date(from: text) { return d.addingTimeInterval(12 * 3600) }
    throw CLIError("PANTAU_NOW/--now \"\(text)\" is not a date (2024-01-11) or time (2024-01-11T09:30:00Z)")
}

/// Options for the regional profiles directory.
struct ProfilesOptions: ParsableArguments {
    @Option(name: .customLong("profiles"), help: ArgumentHelp("Directory of regional profiles.", valueName: "dir"))
    var directory: String = ProcessInfo.processInfo.environment["PANTAU_PROFILES"] ?? "config/profiles"
}

/// Reads a file, refusing anything over `limit` bytes before reading it all.
func readFile(_ path: String, limit: Int = DiagramFile.defaultSizeLimit) throws -> [UInt8] {
    let attrs = try? FileManager.default.attributesOfItem(atPath: path)
    guard let size = attrs?[.size] as? Int else { throw CLIError("\(path): cannot read file") }
    if size > limit { throw CLIError("\(path): file is \(size) bytes; the limit is \(limit) bytes") }
    guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("\(path): cannot read file") }
    return Array(data)
}

func writeFile(_ path: String, _ text: String) throws {
    do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
        throw CLIError("\(path): cannot write: \(error.localizedDescription)")
    }
}

/// Local date-time text for a stored instant under the active profile.
func localTime(_ date: Date, profile: RegionalProfile?) -> String {
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_US_POSIX")
    f.timeZone = profile?.timeZone ?? TimeZone(secondsFromGMT: 0)
    f.dateFormat = "yyyy-MM-dd HH:mm"
    let offset = profile.map { "UTC+\($0.utcOffsetHours)" } ?? "UTC"
    return "\(f.string(from: date)) \(offset)"
}

/// What Pantau observed on a PD's LAN, from the inventory store, for `diagram draft`.
///
/// The SNMP inventory API of the store is being written; until it lands this reports
/// that the store cannot supply observations yet, and `--from-json` is the way in.
/// Implementation notes for the store side: devices whose management IP lies in the
/// PD's registry subnets (or that are its boundary routers), their LLDP/CDP neighbours
/// as links, and ARP/FDB entries as hosts with VLAN and switch port.
func observedLAN(for pd: String, store: PantauStore) throws -> ObservedLAN {
    throw CLIError("the inventory store cannot supply observations for \(pd) yet; pass --from-json FILE (an ObservedLAN, see config/diagrams/README.md)")
}

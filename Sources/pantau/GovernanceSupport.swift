import ArgumentParser
import Foundation
import Governance
import InventoryModel
import InventoryStore
import Storage
import SNMPCore
import YAMLSupport

/// A command-line refusal with a message that names the subject and the cause.
struct CLIError: Error, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// The clock every command hands to the domain: `--now` (hidden, for tests, demos and
/// replays), else the PANTAU_NOW environment variable, else the system clock, stepped by the
/// seconds in the PANTAU_CLOCK_OFFSET_FILE file when that is set (tests of a clock that steps,
/// as NTP steps it, under a running daemon). Accepts `2024-01-11` or `2024-01-11T09:30:00Z`.
func commandClock(_ override: String? = nil) throws -> any WallClock {
    let environment = ProcessInfo.processInfo.environment
    guard let text = override ?? environment["PANTAU_NOW"], !text.isEmpty else {
        if let file = environment["PANTAU_CLOCK_OFFSET_FILE"], !file.isEmpty { return try SteppedClock(offsetFile: file) }
        return SystemClock()
    }
    // A bare day is taken at midday UTC: the same calendar day in every Indonesian time zone.
    if let (d, dayOnly) = parseISO8601(text) { return FixedClock(dayOnly ? d.addingTimeInterval(12 * 3600) : d) }
    throw CLIError("PANTAU_NOW/--now \"\(text)\" is not a date (2024-01-11) or time (2024-01-11T09:30:00Z)")
}

/// The system clock plus an offset in seconds read from a file at every call ("-30", "+90"):
/// what a clock stepped by NTP looks like to a running process, without changing the
/// machine's clock. The monotonic clock the daemon schedules by is not stepped, as NTP does
/// not step it. A file that cannot be read or parsed keeps the last offset.
final class SteppedClock: WallClock, @unchecked Sendable {
    private let file: String
    private let lock = NSLock()
    private var offset: Double = 0

    init(offsetFile: String) throws {
        file = offsetFile
        guard FileManager.default.isReadableFile(atPath: file) else {
            throw CLIError("PANTAU_CLOCK_OFFSET_FILE \(file): cannot read it")
        }
        _ = now()
    }

    func now() -> Date {
        let read = (try? String(contentsOfFile: file, encoding: .utf8))
            .flatMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        return lock.withLock {
            if let read { offset = read }
            return Date().addingTimeInterval(offset)
        }
    }
}

/// "Now" by the command's clock.
func governanceNow(_ override: String?) throws -> Date { try commandClock(override).now() }

/// Options for the regional profiles directory.
struct ProfilesOptions: ParsableArguments {
    @Option(name: .customLong("profiles"), help: ArgumentHelp("Directory of regional profiles.", valueName: "dir"))
    var directory: String = ProcessInfo.processInfo.environment["PANTAU_PROFILES"] ?? "config/profiles"
}

/// Reads a file a person named (a diagram, an observations file): a regular file only,
/// refusing anything over `limit` bytes before reading it all.
func readFile(_ path: String, limit: Int = DiagramFile.defaultSizeLimit) throws -> [UInt8] {
    do { return try InputFile.read(path, limit: limit) } catch { throw CLIError(error.description) }
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

import Foundation
import InventoryModel
import Storage

/// Where the daemon's counter polls go: the traffic time series (which turns successive
/// polls of a device into rates). Each poll is one device's interface counters exactly as the
/// agent answered; the sink owns all counter arithmetic. `interval` is the target's polling
/// interval (seconds), against which a missed poll is told from a normal one.
public protocol CounterPollSink: Sendable {
    func record(_ poll: CounterPoll, interval: Double) async throws
}

/// Where the daemon's status polls go: the uptime store, one transaction per poll.
public protocol StatusPollSink: Sendable {
    func record(_ poll: StatusPoll) async throws
}

/// The store as the status-poll sink.
public struct StoreStatusPollSink: StatusPollSink {
    let store: any UptimeStorage
    public init(store: any UptimeStorage) { self.store = store }
    public func record(_ poll: StatusPoll) async throws { try store.record(status: poll) }
}

/// Counter polls appended to a file as JSON lines, one poll a line, exactly as answered
/// (`pantau collect --counter-log FILE`): for another tool to read, or to look at what an
/// agent's counters did, beside (or before) the traffic time series.
public final class JSONLinesCounterPollSink: CounterPollSink, @unchecked Sendable {
    // @unchecked: the handle is written only under the lock.
    private let handle: FileHandle
    private let lock = NSLock()
    private let encoder: JSONEncoder

    /// Opens `path` for appending, creating it when missing.
    public init(path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw StoreError(path: path, action: "creating the counter log", message: "cannot create the file")
            }
        }
        guard let h = FileHandle(forWritingAtPath: path) else {
            throw StoreError(path: path, action: "opening the counter log", message: "cannot open the file for writing")
        }
        handle = h
        handle.seekToEndOfFile()
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, e in
            var c = e.singleValueContainer()
            try c.encode(date.timeIntervalSince1970)
        }
    }

    public func record(_ poll: CounterPoll, interval: Double) async throws {
        var line = try encoder.encode(poll)
        line.append(0x0A)
        try lock.withLock { try handle.write(contentsOf: line) }
    }

    deinit { try? handle.close() }
}

/// Several counter-poll sinks, each given every poll in turn (the traffic series and the
/// `--counter-log` file). A failing sink does not stop the others; the first error is rethrown.
public struct CounterPollSinks: CounterPollSink {
    let sinks: [any CounterPollSink]
    public init(_ sinks: [any CounterPollSink]) { self.sinks = sinks }

    public func record(_ poll: CounterPoll, interval: Double) async throws {
        var first: (any Error)?
        for sink in sinks {
            do { try await sink.record(poll, interval: interval) } catch { first = first ?? error }
        }
        if let first { throw first }
    }
}

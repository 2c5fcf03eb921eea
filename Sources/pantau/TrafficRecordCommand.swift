import ArgumentParser
import Foundation
import InventoryModel
import InventoryStore
import Operations
import Settings
import Storage

extension Pantau {
    /// Records counter polls from a JSON-lines file through the collector's use case: a
    /// backfill from another collector, and how the tests kill a writer mid-run.
    struct TrafficRecord: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "traffic-record",
            abstract: "Record counter polls (JSON lines, one CounterPoll each) into the traffic series.",
            discussion: """
                Each line is one poll: {"device": ..., "time": seconds since 1970, "sysUpTime": ..., \
                "interfaces": [{"ifIndex": 1, "name": "ge-0/0/0", "hcInOctets": ..., ...}]}, the \
                fields of CounterPoll. Each poll is recorded in its own transaction, exactly as \
                the collector records one. Polls not later than what the store already holds for \
                their device are skipped, so an interrupted run is resumed by running it again.
                """,
            shouldDisplay: false
        )

        @Option(help: ArgumentHelp("The JSON-lines file of polls.", valueName: "file"))
        var polls: String

        @Option(help: ArgumentHelp("The devices' poll interval (seconds), for the gap rule.", valueName: "seconds"))
        var pollInterval: Double = 60

        @OptionGroup var store: StoreOptions

        func run() async throws {
            guard let text = FileManager.default.contents(atPath: polls) else { throw CLIError("\(polls): cannot be read") }
            let s = try store.open(.readWrite)
            let recorder = TrafficRecorder(store: s, clock: try commandClock())
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .secondsSince1970
            var recorded = 0, skipped = 0
            var latest: [String: Date] = [:]
            for (n, line) in text.split(separator: UInt8(ascii: "\n")).enumerated() where !line.isEmpty {
                let poll: CounterPoll
                do { poll = try decoder.decode(CounterPoll.self, from: Data(line)) } catch {
                    throw CLIError("\(polls):\(n + 1): not a counter poll: \(error)")
                }
                if latest[poll.device] == nil {
                    latest[poll.device] = try s.trafficStates(device: poll.device).compactMap { $0.last?.time }.max() ?? .distantPast
                }
                if let last = latest[poll.device], poll.time <= last { skipped += 1; continue }
                try recorder.record(poll, pollInterval: pollInterval)
                recorded += 1
                if recorded % 100 == 0 { FileHandle.standardError.write(Data("recorded \(recorded) polls\n".utf8)) }
            }
            print("recorded \(recorded) polls, skipped \(skipped) already in the store")
        }
    }
}

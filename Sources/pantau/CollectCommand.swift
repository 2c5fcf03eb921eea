import ArgumentParser
import Collectors
import Settings
import Foundation
import Governance
import InventoryModel
import InventoryStore
import Storage
import Logging
import NetSNMP
import Operations
import Probes
import SNMPCore

extension Pantau {
    /// `pantau collect --once --config FILE`, and without `--once` the collector daemon (CollectDaemon.swift).
    struct Collect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Poll every target in a configuration file into the store.",
            discussion: """
                Polls all targets concurrently (the config's `concurrency`, default 64), writes each \
                device's inventory and what changed since the last poll to the SQLite store, and prints \
                one line per device. A device that fails is reported and recorded; the others are still \
                polled, and nothing already stored about it is lost. When the configuration has a \
                `sampling:` section, packet sampling runs afterwards: capture files to their end, a live \
                interface or sFlow listener for the section's `duration`.

                Without --once it runs as the collector daemon: every target's status on its `interval` \
                (default 60 s) for uptime, its full inventory every `inventory_interval` (default 6 h), \
                sampling continuously when configured, and Prometheus metrics on the `daemon:` section's \
                `metrics` address (127.0.0.1:9464 by default). SIGHUP reloads the configuration; SIGTERM \
                or Ctrl-C stop it after the polls in flight are recorded. --duration bounds the run.

                Exit status (--once): 0 when every device answered, 3 when some failed, 1 when the \
                configuration or store could not be used (nothing is polled then).
                """
        )

        @Flag(help: "Poll every target once, then exit.")
        var once = false

        @Option(help: ArgumentHelp("Configuration file (see config/pantau.example.yaml).", valueName: "file"))
        var config: String

        @Option(name: .customLong("store"), help: ArgumentHelp("The store, a SQLite file or postgres:// URL (overrides the config's store:).", valueName: "store"))
        var storePath: String?

        @Flag(help: "No progress line, only the per-device lines.")
        var quiet = false

        @Option(help: ArgumentHelp("Without --once: stop by itself after this many seconds.", valueName: "seconds"))
        var duration: Double?

        @Option(name: .customLong("counter-log"),
                help: ArgumentHelp("Without --once: also walk each target's interface counters at every status poll and append each poll to this file as a JSON line, as answered.", valueName: "file"))
        var counterLog: String?

        func validate() throws {
            if once, duration != nil || counterLog != nil { throw ValidationError("--duration and --counter-log are for the daemon (without --once)") }
            if let duration, duration <= 0 { throw ValidationError("--duration must be more than 0 seconds") }
        }

        func run() async throws {
            if !once { return try await runDaemon() }
            let cfg = try PantauConfig.load(path: config)
            let catalog = try ProbeCatalog.load(directory: defaultProbeDirectory(cfg.probes))
            let path = storePath ?? cfg.store ?? "var/pantau.sqlite"
            let store = try openStore(path, .readWrite)
            let logger = Logger(label: "pantau.collect")
            let clock = try commandClock()
            let collector = Collector(runner: ProbeRunner(catalog: catalog, clock: clock), concurrency: cfg.concurrency, logger: logger, clock: clock) {
                (target: PantauConfig.Target) async throws(SNMPError) -> any SNMPClient in
                try await NetSNMPEngine.shared.client(target: target.agent, credentials: target.credentials, options: target.options)
            }
            let progress = ProgressLine(enabled: !quiet && isatty(STDERR_FILENO) == 1)
            let width = cfg.targets.map(\.name.count).max() ?? 10
            let run = await PollAndRecord(collector: collector, store: store, clock: clock).run(cfg.targets) { device, done, total in
                progress.clear()
                print(CollectReport.line(device.outcome, width: width))
                if let e = device.storeError { FileHandle.standardError.write(Data("\(device.outcome.name): storing the poll: \(e)\n".utf8)) }
                progress.show("[\(done)/\(total)] polled")
            }
            progress.clear()
            let failed = run.failed
            if let unusable = run.unusableStore {
                // Exit 1, as for a store unusable from the start: nothing more is written, no sampling.
                throw unusable
            }
            print(String(format: "collected %d device%@ in %.1f s: %d ok, %d failed; store %@",
                         run.devices.count, run.devices.count == 1 ? "" : "s", run.seconds, run.devices.count - failed, failed, path))
            if let sampling = cfg.sampling {
                print("sampling \(sampling.source) (capture point \(sampling.capturePoint), rate 1:\(sampling.rate))")
                // Ctrl-C or SIGTERM ends a live or sFlow run cleanly, keeping its window.
                var summary = try await SampleAndRecord(store: store, clock: clock, logger: logger,
                                                        traffic: TrafficRecorder(store: store, settings: cfg.traffic, clock: clock)).run(sampling)
                summary.rereadHint = "set reread: true under sampling: to read them again"
                print(summary.description)
                if summary.noInputReadable { throw CLIError("sampling: none of the capture files could be read (see the warnings above)") }
            }
            if failed > 0 { throw ExitCode(3) }
        }
    }
}

/// The one-line-per-device report of `collect`.
enum CollectReport {
    /// Device strings (vendor, model, serial) and failure texts are shown `terminalSafe`.
    static func line(_ o: PollOutcome, width: Int) -> String { rawLine(o, width: width).terminalSafe }

    static func rawLine(_ o: PollOutcome, width: Int) -> String {
        let name = o.name.padding(toLength: max(width, o.name.count), withPad: " ", startingAt: 0)
        switch o.result {
        case .success(let inv):
            let what = [inv.vendor, inv.model, inv.serial.map { "s/n \($0)" }].compactMap { $0 }.joined(separator: " ")
            let counts = "\(inv.interfaces.count) if, \(inv.neighbors.count) nbr, \(inv.forwarding.count) fdb, \(inv.arp.count) arp"
            let warn = inv.warnings.isEmpty ? "" : ", \(inv.warnings.count) warning\(inv.warnings.count == 1 ? "" : "s")"
            return String(format: "ok    %@  %@  %@ (%.2f s%@)", name, what.isEmpty ? (inv.family ?? "-") : what, counts, o.duration, warn)
        case .failure(let f):
            return "FAIL  \(name)  \(f)"
        }
    }
}

/// A self-erasing progress line on stderr, only when stderr is a terminal.
final class ProgressLine: @unchecked Sendable {
    let enabled: Bool
    private let lock = NSLock()
    init(enabled: Bool) { self.enabled = enabled }

    func show(_ text: String) {
        guard enabled else { return }
        lock.withLock { FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8)) }
    }

    func clear() {
        guard enabled else { return }
        lock.withLock { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

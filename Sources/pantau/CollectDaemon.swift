import Collectors
import Foundation
import Hummingbird
import InventoryStore
import InventoryModel
import Logging
import NetSNMP
import Operations
import Probes
import Reconciliation
import ServiceLifecycle
import Settings
import SNMPCore
import Storage

extension Pantau.Collect {
    /// The SNMP collector a daemon (single or of a fleet) polls with. The daemon logs each
    /// problem once; the collector's per-poll lines would repeat them every inventory poll.
    static func daemonCollector(_ cfg: PantauConfig, catalog: ProbeCatalog, clock: any WallClock, logger: Logger) -> Collector {
        var quiet = logger
        quiet.logLevel = .critical
        return Collector(runner: ProbeRunner(catalog: catalog, clock: clock), concurrency: cfg.concurrency, logger: quiet, clock: clock) {
            (target: PantauConfig.Target) async throws(SNMPError) -> any SNMPClient in
            try await NetSNMPEngine.shared.client(target: target.agent, credentials: target.credentials, options: target.options)
        }
    }

    /// The daemon's clock: the command's clock kept steady (`SteadyClock`: never stepped by NTP
    /// or an operator while the daemon runs), unless `PANTAU_NOW` fixed it.
    static func daemonClock(_ logger: Logger) throws -> any WallClock {
        let clock = try commandClock()
        if clock is FixedClock { return clock }
        return SteadyClock(base: clock) { logger.warning("\($0)") }
    }

    /// The chores beside the polls (retention of traffic and raw status polls, reconciliation),
    /// as the single daemon runs them and as `pantau store housekeeping` runs them once on a
    /// fleet's central store.
    static func housekeeping(_ cfg: PantauConfig, store: any PantauStorage, traffic: TrafficRecorder, clock: any WallClock,
                             logger: Logger, every: Duration) -> Housekeeping {
        let findings = FindingOperations(store: store, clock: clock,
                                         settings: ReconcileSettings(missingAfterDays: cfg.reconciliation.missingAfterDays,
                                                                     unmanagedSwitchMACs: cfg.reconciliation.unmanagedSwitchMACs),
                                         sightingWindowDays: cfg.reconciliation.sightingsDays)
        return Housekeeping(every: every, traffic: traffic, findings: findings,
                            hasRegistry: { try store.registry() != nil }, logger: logger,
                            pruneStatusPolls: { [rawDays = cfg.uptime.rawDays] in try store.pruneStatusPolls(keepDays: rawDays, now: clock.now()) })
    }

    /// `pantau collect --config FILE` (no --once): the collector daemon, with /metrics, until
    /// SIGTERM/SIGINT or --duration. Problems go to stderr, one line each.
    func runDaemon() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        var logger = Logger(label: "pantau.collect")
        logger.logLevel = .notice
        let cfg = try PantauConfig.load(path: config)
        let catalog = try ProbeCatalog.load(directory: defaultProbeDirectory(cfg.probes))
        let path = storePath ?? cfg.store ?? "var/pantau.sqlite"
        if let fleet = cfg.collector {
            try await runFleetCollector(cfg, fleet, catalog: catalog, central: path, logger: logger)
            return
        }
        let store = try openStore(path, .readWrite)
        let clock = try Self.daemonClock(logger)
        let collector = Self.daemonCollector(cfg, catalog: catalog, clock: clock, logger: logger)
        let metrics = CollectorMetrics()
        let file = config
        // Counter polls go to the traffic time series and, with --counter-log, to a JSON-lines file too.
        // One recorder of the traffic series for the counter polls, sampling's sFlow counter samples and housekeeping's retention.
        let traffic = TrafficRecorder(store: store, settings: cfg.traffic, clock: clock)
        let operation = CollectContinuously(store: store, clock: clock, logger: logger, traffic: traffic)
        var counterSinks: [any CounterPollSink] = [TrafficCounterSink(recorder: traffic, metrics: metrics)]
        if let path = counterLog { counterSinks.append(try JSONLinesCounterPollSink(path: path)) }
        let daemon = operation.daemon(plan: DaemonPlan(cfg), collector: collector, counterSink: CounterPollSinks(counterSinks), metrics: metrics,
                                      runFor: duration.map { .milliseconds(Int64($0 * 1000)) }) {
            DaemonPlan(try PantauConfig.load(path: file))
        }
        // Traffic and status poll retention, and reconciliation after inventory polls: every inventory interval, at most hourly.
        var extra: [any Service] = [
            Self.housekeeping(cfg, store: store, traffic: traffic, clock: clock, logger: logger,
                              every: .seconds(min(3600, max(1, cfg.daemon.inventoryInterval)))),
        ]
        if let (host, port) = cfg.daemon.metrics {
            extra.append(MetricsEndpoint.application(metrics, host: host, port: port, logger: logger))
        }
        print("collecting \(cfg.targets.count) target\(cfg.targets.count == 1 ? "" : "s") every \(Int(cfg.daemon.interval)) s into \(path)"
              + (cfg.daemon.metrics.map { ", metrics on http://\($0.host):\($0.port)/metrics" } ?? ""))
        try await operation.run(daemon, sampling: cfg.sampling, extra: extra) { try PantauConfig.load(path: file).sampling }
    }
}

/// The collector's /metrics over HTTP (Prometheus text format 0.0.4).
enum MetricsEndpoint {
    static func application(_ metrics: CollectorMetrics, host: String, port: Int, logger: Logger) -> some Service {
        let router = Router(context: BasicRequestContext.self)
        router.get("/metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: metrics.exposition())))
        }
        return Application(router: router, configuration: .init(address: .hostname(host, port: port)), logger: logger)
    }
}

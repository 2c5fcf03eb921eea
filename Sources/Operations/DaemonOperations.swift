import Collectors
import Foundation
import InventoryModel
import Logging
import ServiceLifecycle
import Settings
import Storage

/// Collect continuously (`pantau collect` without `--once`): the collector daemon recording
/// status polls (uptime) and inventories into the store, counter polls into `counterSink`
/// when one is given, and packet sampling alongside when the configuration has a
/// `sampling:` section, all in one service group that SIGTERM or SIGINT shuts down
/// gracefully (polls in flight are finished and recorded, sampling's window is written).
public struct CollectContinuously: Sendable {
    public let store: any InventoryStorage & UptimeStorage & SightingStorage & GovernanceStorage
    public let clock: any WallClock
    public let logger: Logger

    public init(store: any InventoryStorage & UptimeStorage & SightingStorage & GovernanceStorage, clock: any WallClock, logger: Logger) {
        self.store = store
        self.clock = clock
        self.logger = logger
    }

    /// The daemon over this store.
    public func daemon(plan: DaemonPlan, collector: Collector, counterSink: (any CounterPollSink)?, metrics: CollectorMetrics?,
                       runFor: Duration?, reload: CollectorDaemon.Reload?) -> CollectorDaemon {
        CollectorDaemon(plan: plan, collector: collector, statusSink: StoreStatusPollSink(store: store), counterSink: counterSink,
                        inventorySink: StorePollSink(store: store), metrics: metrics, logger: logger, runFor: runFor, reload: reload)
    }

    /// Runs `daemon`, sampling as configured (open-ended for live and sFlow sources) and the
    /// `extra` services (the /metrics server) until a signal or, with `runFor`, the daemon's end.
    public func run(_ daemon: CollectorDaemon, sampling: SamplingSettings?, extra: [any Service]) async throws {
        var others = extra
        if var sampling {
            sampling.duration = nil
            let segments = try SampleAndRecord(store: store, clock: clock, logger: logger).segments(pdMap: sampling.pdMap)
            others.insert(SamplingService(settings: sampling, store: store, segments: segments, logger: logger, clock: clock), at: 0)
        }
        try await runCollectorServices(daemon, others: others, logger: logger)
    }
}

import Collectors
import Foundation
import InventoryModel
import Logging
import ServiceLifecycle
import Settings
import Storage
import UnixSignals

/// Collect continuously (`pantau collect` without `--once`): the collector daemon recording
/// status polls (uptime) and inventories into the store, counter polls into `counterSink`
/// when one is given, and packet sampling alongside when the configuration has a
/// `sampling:` section, all in one service group that SIGTERM or SIGINT shuts down
/// gracefully (polls in flight are finished and recorded, sampling's window is written).
public struct CollectContinuously: Sendable {
    public let store: any InventoryStorage & UptimeStorage & SightingStorage & GovernanceStorage
    public let clock: any WallClock
    public let logger: Logger
    /// Where sampling's sFlow counter samples also go: the traffic series, as with `collect
    /// --once` and `pantau sample` (nil: only the sightings).
    public let traffic: TrafficRecorder?

    public init(store: any InventoryStorage & UptimeStorage & SightingStorage & GovernanceStorage, clock: any WallClock, logger: Logger,
                traffic: TrafficRecorder? = nil) {
        self.store = store
        self.clock = clock
        self.logger = logger
        self.traffic = traffic
    }

    /// The daemon over this store.
    public func daemon(plan: DaemonPlan, collector: Collector, counterSink: (any CounterPollSink)?, metrics: CollectorMetrics?,
                       runFor: Duration?, reload: CollectorDaemon.Reload?) -> CollectorDaemon {
        CollectorDaemon(plan: plan, collector: collector, statusSink: StoreStatusPollSink(store: store), counterSink: counterSink,
                        inventorySink: StorePollSink(store: store), metrics: metrics, logger: logger, runFor: runFor, reload: reload)
    }

    /// Runs `daemon`, sampling as configured (open-ended for live and sFlow sources) and the
    /// `extra` services (the /metrics server) until a signal or, with `runFor`, the daemon's end.
    /// With `reloadSampling` (the daemon has a configuration file), SIGHUP reloads the
    /// `sampling:` section too: see `ReloadingSampling`.
    public func run(_ daemon: CollectorDaemon, sampling: SamplingSettings?, extra: [any Service],
                    reloadSampling: (@Sendable () throws -> SamplingSettings?)? = nil) async throws {
        var others = extra
        if let reloadSampling {
            others.insert(ReloadingSampling(initial: sampling, reload: reloadSampling, logger: logger) { settings in
                try self.samplingService(settings)
            }, at: 0)
        } else if let sampling {
            others.insert(try samplingService(sampling), at: 0)
        }
        try await runCollectorServices(daemon, others: others, logger: logger)
    }

    /// Open-ended sampling into the store, into the PD segments of `pd_map` or the registry.
    func samplingService(_ settings: SamplingSettings) throws -> SamplingService {
        var sampling = settings
        sampling.duration = nil
        let segments = try SampleAndRecord(store: store, clock: clock, logger: logger).segments(pdMap: sampling.pdMap)
        let sink: any SightingRecording = traffic.map { TrafficFeed(store: store, recorder: $0) } ?? store
        return SamplingService(settings: sampling, store: sink, segments: segments, logger: logger, clock: clock)
    }
}

/// Packet sampling that follows the daemon's configuration file. On SIGHUP it reads the
/// file's `sampling:` section again; when that changed (added, removed, another source, rate
/// or capture point), the running pipeline stops as at shutdown (its window is written) and
/// the new one starts. An unchanged section leaves the pipeline running; a file that cannot be
/// read keeps it (the daemon's own reload logs where the file is wrong). Capture files read
/// to their end are not read again unless the section changes.
public final class ReloadingSampling: Service, @unchecked Sendable {
    // @unchecked: every stored property is immutable and Sendable but the closures.
    let initial: SamplingSettings?
    let reload: @Sendable () throws -> SamplingSettings?
    let make: @Sendable (SamplingSettings) throws -> SamplingService
    let logger: Logger

    public init(initial: SamplingSettings?, reload: @escaping @Sendable () throws -> SamplingSettings?, logger: Logger,
                make: @escaping @Sendable (SamplingSettings) throws -> SamplingService) {
        self.initial = initial; self.reload = reload; self.make = make; self.logger = logger
    }

    enum Event: Sendable { case hangup, ended, shutdown }

    public func run() async throws {
        let (events, wake) = AsyncStream.makeStream(of: Event.self)
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { for await _ in hangups { wake.yield(.hangup) }; wake.finish() }
                var current = initial
                var running: Task<Void, Never>?
                func start(_ settings: SamplingSettings?) {
                    guard let settings else { running = nil; return }
                    do {
                        let service = try make(settings)
                        logger.notice("sampling started", metadata: ["source": "\(settings.source)", "capture_point": "\(settings.capturePoint)"])
                        let log = logger
                        running = Task {
                            do { try await service.run() } catch {
                                log.error("sampling stopped", metadata: ["cause": "\(error)"])
                            }
                            wake.yield(.ended)
                        }
                    } catch {
                        logger.error("sampling not started", metadata: ["cause": "\(error)"])
                        running = nil
                    }
                }
                start(current)
                // Until shutdown (or the signal stream ends); then the running pipeline is stopped below.
                events: for await event in events {
                    switch event {
                    case .ended:
                        continue
                    case .shutdown:
                        break events
                    case .hangup:
                        let next: SamplingSettings?
                        do { next = try reload() } catch { continue }   // the daemon logs the bad file once
                        guard next != current else { continue }
                        if let running {
                            running.cancel()   // the pipeline stops and writes its window
                            await running.value
                        }
                        logger.notice(next == nil ? "sampling removed from the configuration" : "sampling reconfigured")
                        current = next
                        start(current)
                    }
                }
                running?.cancel()
                await running?.value
                group.cancelAll()
            }
        } onGracefulShutdown: {
            wake.yield(.shutdown)
        }
    }
}

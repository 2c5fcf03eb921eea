import Foundation
import InventoryModel
import Logging
import ServiceLifecycle
import UnixSignals
import Settings
import Storage

/// Runs packet sampling as configured and records what it finds through `store`.
///
/// File sources run to the end of the last file. Live interfaces and sFlow listeners run
/// for `settings.duration` seconds (or until the task is cancelled when it is nil). Faults
/// do not stop the run: undecodable frames are counted, a failed store write is retried
/// at the next flush, and a live interface that disappears is reopened every 2 seconds.
///
/// `ready`, when given, is called once the source is open (interface activated, socket
/// bound, first file opened), so a caller can start sending without guessing a delay.
/// Cancelling the task stops the run as a signal would: the window is written and the
/// summary returned.
public func runSampling(_ settings: SamplingSettings, store: any SightingRecording, segments: [PDSegment], logger: Logger,
                        clock: any WallClock = SystemClock(), ready: (@Sendable () -> Void)? = nil) async throws -> SamplingSummary {
    let stop = StopFlag()
    return try await withTaskCancellationHandler {
        try await runPipeline(settings, store: store, segments: segments, logger: logger, clock: clock, ready: ready, stop: stop)
    } onCancel: {
        stop.set()
    }
}

/// Runs the pipeline on a thread of its own (capture loops block in libpcap or poll, so
/// they stay off the cooperative pool) until its source ends or `stop` is raised.
func runPipeline(_ settings: SamplingSettings, store: any SightingRecording, segments: [PDSegment], logger: Logger,
                 clock: any WallClock, ready: (@Sendable () -> Void)?, stop: StopFlag) async throws -> SamplingSummary {
    try await withCheckedThrowingContinuation { (cont: CheckedContinuation<SamplingSummary, any Error>) in
        let thread = Thread {
            // Made here, used only here: the pipeline's parts never cross threads (the sink
            // stage runs its own thread and takes windows through its queue).
            let pipeline = SamplingPipeline(settings: settings, store: store, segments: segments, logger: logger, clock: clock)
            pipeline.ready = ready
            do { cont.resume(returning: try pipeline.run(stop: stop)) } catch { cont.resume(throwing: error) }
        }
        thread.name = "pantau.capture"
        thread.stackSize = 1 << 20
        thread.start()
    }
}

/// A sampling run as a swift-service-lifecycle `Service`: it runs until its source ends
/// (capture files) or, for a live interface or an sFlow listener, until its duration is
/// reached or the service group shuts down gracefully (SIGTERM, SIGINT) or is cancelled.
/// Either way the window in memory is written before `run()` returns, and `summary` holds
/// what the run did.
public final class SamplingService: Service, @unchecked Sendable {
    // @unchecked: `result` is guarded by the lock; everything else is immutable.
    let settings: SamplingSettings
    let store: any SightingRecording
    let segments: [PDSegment]
    let logger: Logger
    let clock: any WallClock
    let ready: (@Sendable () -> Void)?
    private let lock = NSLock()
    private var result: SamplingSummary?

    public init(settings: SamplingSettings, store: any SightingRecording, segments: [PDSegment], logger: Logger,
                clock: any WallClock = SystemClock(), ready: (@Sendable () -> Void)? = nil) {
        self.settings = settings
        self.store = store
        self.segments = segments
        self.logger = logger
        self.clock = clock
        self.ready = ready
    }

    /// What the run did, once `run()` has returned.
    public var summary: SamplingSummary? { lock.withLock { result } }

    public func run() async throws {
        let stop = StopFlag()
        let s = try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await runPipeline(settings, store: store, segments: segments, logger: logger, clock: clock, ready: ready, stop: stop)
            } onGracefulShutdown: {
                stop.set()
            }
        } onCancel: {
            stop.set()
        }
        lock.withLock { result = s }
    }
}

/// Runs sampling as the one service of a `ServiceGroup` that shuts down gracefully on
/// SIGTERM and SIGINT (Ctrl-C): the run stops, its window is written and its summary is
/// returned, as when it ends by itself. For `pantau sample` and `collect`'s `sampling:`.
public func runSamplingService(_ settings: SamplingSettings, store: any SightingRecording, segments: [PDSegment], logger: Logger,
                               clock: any WallClock = SystemClock()) async throws -> SamplingSummary {
    let service = SamplingService(settings: settings, store: store, segments: segments, logger: logger, clock: clock)
    let group = ServiceGroup(configuration: ServiceGroupConfiguration(
        services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)],
        gracefulShutdownSignals: [.sigterm, .sigint],
        logger: logger))
    try await group.run()
    guard let summary = service.summary else { throw CancellationError() }
    return summary
}

import Collectors
import Foundation
import InventoryModel
import Logging
import Settings
import Storage

/// Packet sampling on a fleet collector (issue 21): the sampler records each window into the
/// collector's spool as it would into a store (`CollectorSpooling` is `SightingRecording`),
/// and the `FleetForwarder` replays the windows into the central store with the polls, in
/// order and exactly once. The spool's own capture-file ledger decides which files are read,
/// so sampling goes on, and counts nothing twice, while the central store is out of reach.
///
/// With a `traffic` recorder (one writing into the same spool), each window's sFlow counter
/// samples also advance the interfaces' traffic series, as on a single collector
/// (`TrafficFeed`): the series' batch is spooled after the window and replayed the way the
/// counter polls' batches are, so the central store's series get the same arithmetic.
public struct SpooledSampling: Sendable {
    public let spool: any CollectorSpooling
    public let clock: any WallClock
    public let logger: Logger
    /// Where the windows' sFlow counter samples also go (nil: only the sightings).
    public let traffic: TrafficRecorder?
    /// The PD segments of the central store's registry; nil when it cannot be reached now.
    public let registrySegments: @Sendable () throws -> [PDSegment]?

    public init(spool: any CollectorSpooling, clock: any WallClock, logger: Logger, traffic: TrafficRecorder? = nil,
                registrySegments: @escaping @Sendable () throws -> [PDSegment]?) {
        self.spool = spool; self.clock = clock; self.logger = logger; self.traffic = traffic; self.registrySegments = registrySegments
    }

    /// Open-ended sampling into the spool, attributing to the PD segments of `pd_map` or, without
    /// one, of the central store's registry (none when it cannot be reached: a warning says so).
    public func service(_ settings: SamplingSettings) throws -> SamplingService {
        var sampling = settings
        sampling.duration = nil
        let segments: [PDSegment]
        if let pdMap = sampling.pdMap {
            segments = try loadPDMap(path: pdMap)
        } else if let known = try registrySegments() {
            segments = known
        } else {
            logger.warning("sampling without PD attribution: the central store's PD registry cannot be read now; set sampling.pd_map on a collector that may start while its link is down",
                           metadata: ["spool": "\(spool.path)"])
            segments = []
        }
        let sink: any SightingRecording = traffic.map { TrafficFeed(store: spool, recorder: $0) } ?? spool
        return SamplingService(settings: sampling, store: sink, segments: segments, logger: logger, clock: clock)
    }
}

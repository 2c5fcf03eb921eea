import Collectors
import Foundation
import Governance
import InventoryModel
import Logging
import Settings
import Storage

/// Sample and record (`pantau sample`, `collect`'s `sampling:` section, the coming daemon):
/// runs the sampling pipeline as configured, attributing hosts and traffic to PDs, and
/// records what it finds through the store. Ctrl-C or SIGTERM end a live or sFlow run
/// gracefully: its window is written and its summary returned.
public struct SampleAndRecord: Sendable {
    public let store: any SightingStorage & GovernanceStorage
    public let clock: any WallClock
    public let logger: Logger
    /// Where sFlow counter samples also go: the traffic series (nil: only the sightings).
    public let traffic: TrafficRecorder?

    public init(store: any SightingStorage & GovernanceStorage, clock: any WallClock, logger: Logger, traffic: TrafficRecorder? = nil) {
        self.store = store
        self.clock = clock
        self.logger = logger
        self.traffic = traffic
    }

    /// The PD segments traffic is attributed by: the PD map file when one is named
    /// (`--pd-map`, `pd_map:`), else the PD registry in the store (none: no PD).
    public func segments(pdMap: String?) throws -> [PDSegment] {
        if let pdMap { return try loadPDMap(path: pdMap) }
        return try store.registry()?.pds.map(\.segment) ?? []
    }

    /// Runs `settings` to its end (files) or its duration, or until SIGTERM/SIGINT.
    public func run(_ settings: SamplingSettings) async throws -> SamplingSummary {
        let sink: any SightingRecording = traffic.map { TrafficFeed(store: store, recorder: $0) } ?? store
        return try await runSamplingService(settings, store: sink, segments: segments(pdMap: settings.pdMap), logger: logger, clock: clock)
    }
}

import Foundation
import Governance
import InventoryModel
import Storage

/// The diagram duty of every PD (or of one), from each PD's latest version number and time
/// alone: the same rule and rows as `DiagramOperations.status()`, without decoding a single
/// diagram. The PD portal's pages call this on every view.
public struct DiagramStatusQueries: Sendable {
    public let store: any GovernanceStorage & DiagramHeadStorage
    public let clock: any WallClock

    public init(store: any GovernanceStorage & DiagramHeadStorage, clock: any WallClock) {
        self.store = store
        self.clock = clock
    }

    public struct Report: Sendable {
        public var profile: RegionalProfile
        public var pds: [PDDiagramStatus]
        /// Each PD's latest version: who submitted it and when.
        public var latest: [String: SubmissionHead]
    }

    /// Every registered PD's duty (and PDs that submitted without being registered), or `pd`'s alone.
    public func status(pd: String? = nil) throws -> Report {
        let profile = try store.requiredProfile()
        var registry = try store.registry()
        if let pd, var r = registry {
            r.pds = r.pds.filter { $0.code == pd }
            registry = r
        }
        let heads = try store.latestSubmissionHeads(pd: pd)
        let rows = profile.diagramStatus(registry: registry, latestHeads: heads, duties: try store.changeDuties(pd: pd, includeClosed: false),
                                         now: clock.now())
        return Report(profile: profile, pds: rows, latest: heads)
    }
}

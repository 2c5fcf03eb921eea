import Foundation
import Governance
import InventoryModel
import Operations
import Reconciliation
import Storage

/// What one load read from the store, part by part, before it became a `DashboardModel`:
/// kept (`ModelReuse`) so that the next load reads again only what changed since. Each part
/// belongs to one area of the store (`StoreArea`, whose counters say whether it changed) or is
/// checked row by row (today's uptime: the devices polled since; the uplinks' traffic: the series
/// polled since).
struct LoadParts: Sendable {
    /// The areas' counters, read before the parts (nil: the store cannot tell; nothing is kept).
    var generations: [StoreArea: Int64]?
    // Governance.
    var profile: RegionalProfile?
    var registry: PDRegistry?
    var today: ReportPeriod?
    var diagrams: DiagramOperations.StatusReport?
    var submissionsPD: String?
    var submissions: [Submission]?
    // Inventory.
    var listing: [DeviceListing] = []
    var deviceName: String?
    var device: InventoryQueries.Device?
    // Status polls (the devices polled since are read again).
    var uptime: UptimeToday?
    // Findings, and their rows.
    var findings: [Finding] = []
    // A fleet's collectors (a PostgreSQL store; read on every load while the data-age panel shows).
    var collectors: [CollectorStatus]?
    var findingRows: [FindingRow] = []
    /// The device rows composed from the listing and today's uptime (patched, not composed
    /// again, when only some devices were polled since: `FleetRows.patched`).
    var fleet: FleetRows?
    // Traffic: the uplinks written since read again (`TrafficReports.RecentUplinks.refreshed`);
    // the open device's interfaces read again.
    var traffic: TrafficReports.RecentUplinks?
    var deviceTraffic: [TrafficReports.RecentSeries]?
    // Sightings.
    var hosts: [SightingReports.Host]?
    var talkers: [SightingReports.Talker]?

    init(generations: [StoreArea: Int64]?) { self.generations = generations }
}

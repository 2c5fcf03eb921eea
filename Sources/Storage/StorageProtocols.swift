import Foundation
import Governance
import InventoryModel

// Pantau's storage, by area. Front ends and use cases see only these protocols; the
// composition root picks the implementation (SQLite in `InventoryStore` today; a PostgreSQL
// backend implements the same protocols). Each method is one intention, never SQL; every
// failure is a `StoreError` naming the store and the action.

/// Inventory and its history: one row per device with its latest inventory, the items
/// it reported with first/last-seen times, and the changes between polls.
public protocol InventoryStorage: Sendable {
    /// Records one poll in one transaction and returns the changes it found.
    @discardableResult
    func record(_ poll: PollOutcome) throws(StoreError) -> [InventoryChange]
    /// Every device, ordered by name.
    func devices() throws(StoreError) -> [DeviceSummary]
    /// A device by name, agent, sysName or serial, with its latest inventory.
    func device(_ key: String) throws(StoreError) -> (summary: DeviceSummary, inventory: DeviceInventory?)?
    /// Changes recorded for a device, oldest first.
    func changes(device name: String) throws(StoreError) -> [InventoryChange]
    /// First/last-seen history of a device's items of one kind (`interface`, `neighbor`, `fdb`, `arp`, `address`).
    func sightings(device name: String, of kind: String) throws(StoreError) -> [Sighting]
    /// Latest inventory of every device that has one, ordered by device name.
    func latestInventories() throws(StoreError) -> [(name: String, pd: String?, inventory: DeviceInventory)]
}

/// What packet sampling saw (hosts, neighbours, DHCP servers, traffic estimates) and the
/// ledger of capture files already counted.
public protocol SightingStorage: SightingRecording {
    /// Merges a batch (and the capture file's progress, when the batch came from one) in
    /// one transaction. Returns the capture file's ledger id.
    @discardableResult
    func record(sightings batch: SightingBatch, captureFile progress: CaptureFileProgress?) throws(StoreError) -> Int64?
    func hostSightings(pd: String?, vlan: Int?, since: Date?) throws(StoreError) -> [HostSighting]
    func neighbourSightings(pd: String?) throws(StoreError) -> [NeighbourSighting]
    func dhcpServerSightings(pd: String?) throws(StoreError) -> [DHCPServerSighting]
    func trafficEstimates(scope: TrafficScope?, from: Date?, to: Date?) throws(StoreError) -> [TrafficEstimate]
    func talkers(scope: TrafficScope, pd: String?, from: Date?, to: Date?, limit: Int) throws(StoreError) -> [TalkerTotal]
    /// Distinct fingerprint lengths of the ledger entries at a capture point, up to `maxLength`, ascending.
    func captureFileFingerprintLengths(capturePoint: String, upTo maxLength: Int) throws(StoreError) -> [Int]
    /// The ledger entry whose fingerprint is one of `fingerprints` (the longest match).
    func captureFile(capturePoint: String, matching fingerprints: [CaptureFileFingerprint]) throws(StoreError) -> CaptureFileRecord?
    func captureFiles(capturePoint: String?) throws(StoreError) -> [CaptureFileRecord]
}

/// Time series: samples over time that rates and percentiles are computed from. Today the
/// interface counters of sFlow counter samples (written with a sighting batch).
public protocol TimeSeriesStorage: Sendable {
    func interfaceCounterSightings(agent: IPAddress?, from: Date?, to: Date?) throws(StoreError) -> [InterfaceCounterSighting]
}

/// What each PD declared and the regency's rules: the PD registry, the active regional
/// profile, immutable diagram submissions, their change reports and change-report duties.
public protocol GovernanceStorage: Sendable {
    func saveRegistry(_ registry: PDRegistry, source: String, at: Date) throws(StoreError)
    func registry() throws(StoreError) -> PDRegistry?
    func activate(profile: RegionalProfile, by: String, at: Date) throws(StoreError)
    func activeProfile() throws(StoreError) -> RegionalProfile?
    /// Stores a new immutable version with its change report, in one transaction.
    @discardableResult
    func submit(_ new: NewSubmission) throws(StoreError) -> (Submission, ChangeReport?)
    func submissions(pd: String) throws(StoreError) -> [Submission]
    func submission(pd: String, version: Int?) throws(StoreError) -> Submission?
    func submissionContent(pd: String, version: Int) throws(StoreError) -> [UInt8]?
    func latestSubmissions() throws(StoreError) -> [String: Submission]
    func changeReports(pd: String) throws(StoreError) -> [ChangeReport]
    func openChangeDuty(pd: String, reason: String, at: Date, due: Date?) throws(StoreError) -> Int64
    func changeDuties(pd: String?, includeClosed: Bool) throws(StoreError) -> [ChangeDuty]
}

/// Access tokens (stored hashed) and the audit log (append-only).
public protocol AccessStorage: Sendable {
    func addToken(sha256: String, role: AccessRole, label: String, at: Date, expires: Date?) throws(StoreError) -> Int64
    func token(sha256: String) throws(StoreError) -> AccessToken?
    func tokens() throws(StoreError) -> [AccessToken]
    func revokeToken(id: Int64, at: Date) throws(StoreError) -> Bool
    func appendAudit(_ e: AuditEntry) throws(StoreError)
    func auditLog() throws(StoreError) -> [AuditEntry]
}

/// The whole store: every area. A backend implements all of them over one database.
public protocol PantauStorage: InventoryStorage, SightingStorage, TimeSeriesStorage, GovernanceStorage, AccessStorage, TrafficStorage, UptimeStorage,
    FindingStorage,
    StoreMaintenance,
    DiagramHeadStorage,
    SnapshotReading,
    DeviceListStorage, ChangeMarking,
    HostSightingReading,
    UptimeLatestReading, AreaChangeReading, TrafficStateMarking {
    /// Where the store is (a file path, or a connection description without secrets).
    var location: String { get }
}

extension GovernanceStorage {
    /// The open change-report duties of every PD.
    public func changeDuties() throws(StoreError) -> [ChangeDuty] { try changeDuties(pd: nil, includeClosed: false) }
}

import Foundation
import InventoryModel

/// One write a fleet collector made into its spool, replayed into the central store.
public enum SpooledWrite: Sendable {
    case status(StatusPoll)
    case traffic(TrafficBatch)
    case inventory(PollOutcome)
    /// A window of packet sampling, with its capture file's progress (`id`: the spool's own
    /// ledger entry, which the central store maps to its entry; see `CollectorSpooling`).
    case sightings(SightingBatch, CaptureFileProgress?)

    /// The devices it writes (a device belongs to one collector; sightings belong to a
    /// capture point and write no device).
    public var devices: [String] {
        switch self {
        case .status(let p): return [p.device]
        case .traffic(let b): return Array(Set(b.states.map(\.key.device) + b.rates.map(\.key.device) + b.runs.map(\.key.device))).sorted()
        case .inventory(let o): return [o.name]
        case .sightings: return []
        }
    }

    public var kind: String {
        switch self {
        case .status: return "status"
        case .traffic: return "traffic"
        case .inventory: return "inventory"
        case .sightings: return "sightings"
        }
    }
}

/// A spooled write with its place in the collector's spool: `seq` increases by one per write
/// of one spool (`spoolID`), so the central store can tell one it already has.
public struct SpoolEntry: Sendable {
    public var seq: Int64
    public var write: SpooledWrite
    public init(seq: Int64, write: SpooledWrite) { self.seq = seq; self.write = write }
}

/// Who a collector says it is when it claims its identity in the central store.
public struct CollectorClaim: Sendable, Hashable {
    public var id: String
    /// Random per process: the lease's holder.
    public var token: String
    public var host: String
    public var pid: Int
    public var spool: String
    /// The spool's own random id (a new spool starts its sequence again).
    public var spoolID: String
    public var leaseSeconds: Double
    /// Take the identity over although its lease has not run out (the holder is known dead:
    /// same host, same spool, no such process).
    public var takeOver: Bool
    public init(id: String, token: String, host: String, pid: Int, spool: String, spoolID: String, leaseSeconds: Double, takeOver: Bool = false) {
        self.id = id; self.token = token; self.host = host; self.pid = pid; self.spool = spool; self.spoolID = spoolID
        self.leaseSeconds = leaseSeconds; self.takeOver = takeOver
    }
}

/// What the central store knows of one collector.
public struct CollectorStatus: Sendable, Hashable, Codable {
    public var id: String
    public var host: String?
    public var pid: Int?
    public var spool: String?
    public var spoolID: String?
    /// Whether a process holds the identity now (its lease has not run out).
    public var running: Bool
    public var leaseUntil: Date?
    public var firstContact: Date?
    /// The central store's time of the collector's last heartbeat or replay.
    public var lastContact: Date?
    /// Seconds since the last contact, by the central store's clock.
    public var secondsSinceContact: Double?
    /// Spooled writes not yet replayed, at the last contact, and the oldest one's time.
    public var backlog: Int
    public var oldestBacklog: Date?
    /// The collector's clock minus the central store's at the last heartbeat (seconds;
    /// includes half the round trip).
    public var clockOffset: Double?
    /// The last spool sequence number replayed.
    public var appliedSeq: Int64
    /// Writes replayed, and writes refused because their device belongs to another collector.
    public var applied: Int64
    public var refused: Int64
    public var lastRefusal: String?
    /// Devices this collector writes.
    public var devices: Int
    public init(id: String, host: String?, pid: Int?, spool: String?, spoolID: String?, running: Bool, leaseUntil: Date?,
                firstContact: Date?, lastContact: Date?, secondsSinceContact: Double?, backlog: Int, oldestBacklog: Date?,
                clockOffset: Double?, appliedSeq: Int64, applied: Int64, refused: Int64, lastRefusal: String?, devices: Int) {
        self.id = id; self.host = host; self.pid = pid; self.spool = spool; self.spoolID = spoolID; self.running = running
        self.leaseUntil = leaseUntil; self.firstContact = firstContact; self.lastContact = lastContact
        self.secondsSinceContact = secondsSinceContact; self.backlog = backlog; self.oldestBacklog = oldestBacklog
        self.clockOffset = clockOffset; self.appliedSeq = appliedSeq; self.applied = applied; self.refused = refused
        self.lastRefusal = lastRefusal; self.devices = devices
    }
}

/// What became of each replayed entry.
public enum SpoolApplyOutcome: Sendable, Hashable {
    /// Written now.
    case applied
    /// Already in the store (replayed twice: the spool did not hear the commit).
    case duplicate
    /// Not written: the device belongs to another collector (named in the reason).
    case refused(String)
}

/// The central side of a fleet of collectors (issue 21): each collector's identity (a lease
/// renewed by heartbeats, so two processes cannot claim one identity), its replay position,
/// and which collector writes which device. Implemented by the central PostgreSQL store.
public protocol FleetStorage: Sendable {
    /// Claims `claim.id` for this process. Throws a `StoreError` naming the holder when another
    /// process holds it. Returns the central store's time.
    @discardableResult
    func claimCollector(_ claim: CollectorClaim) throws(StoreError) -> Date
    /// Renews the lease and records the backlog and the clock offset (`sentAt`: the collector's
    /// clock when it sent this). Throws when the lease was lost to another process.
    func heartbeat(collector: String, token: String, backlog: Int, oldestBacklog: Date?, sentAt: Date, leaseSeconds: Double) throws(StoreError)
    /// Ends the lease (a clean stop), recording the backlog left.
    func releaseCollector(_ id: String, token: String, backlog: Int, oldestBacklog: Date?) throws(StoreError)
    /// Replays spooled writes, in order, in one transaction with the collector's new replay
    /// position: an entry at or below the position of the same spool is a duplicate and is
    /// skipped, so a replay interrupted anywhere (even after the commit) writes nothing twice.
    /// A write to a device another collector writes is refused, not applied. Throws when the
    /// caller does not hold the lease.
    func applySpooled(_ entries: [SpoolEntry], collector: String, token: String, spoolID: String) throws(StoreError) -> [SpoolApplyOutcome]
    /// Every collector the store knows, by id.
    func collectors() throws(StoreError) -> [CollectorStatus]
    /// Forgets a stopped collector and its claim on its devices (another collector may then
    /// write them); returns the number of devices released. Throws while it runs.
    @discardableResult
    func forgetCollector(_ id: String) throws(StoreError) -> Int
}

/// The two calls a traffic recorder makes of its store: a device's series states, and one
/// batch written. `TrafficStorage` has them; so does a collector's spool.
public protocol TrafficSeriesWriting: Sendable {
    /// The stored states of a device's interfaces.
    func trafficStates(device: String) throws(StoreError) -> [TrafficSeriesState]
    /// Writes a batch in one transaction.
    func record(traffic: TrafficBatch) throws(StoreError)
}

/// A fleet collector's local spool: every write is appended here first (one transaction,
/// with the traffic series' new states), then replayed in order into the central store and
/// removed once the central store has it. Packet sampling records into it as into a store
/// (`SightingRecording`): each window becomes a `.sightings` entry, and the spool keeps its
/// own capture-file ledger (which files, how many packets of each are counted), so sampling
/// reads on while the central store is out of reach and never counts a file twice.
public protocol CollectorSpooling: TrafficSeriesWriting, SightingRecording {
    /// The file.
    var path: String { get }
    /// The collector it belongs to.
    var collector: String { get }
    /// Its own random id, made when the spool was created.
    var spoolID: String { get }
    /// Appends a write; returns its sequence number.
    @discardableResult
    func append(_ write: SpooledWrite) throws(StoreError) -> Int64
    /// The oldest `limit` writes not yet replayed, in order.
    func pending(limit: Int) throws(StoreError) -> [SpoolEntry]
    /// Removes the writes up to `seq` (replayed); those refused are kept aside with the reason.
    func acknowledge(through seq: Int64, refused: [(seq: Int64, reason: String)]) throws(StoreError)
    /// Writes not yet replayed and the time the oldest was spooled.
    func backlog() throws(StoreError) -> (count: Int, oldest: Date?)
    /// Brings the spool under `limit` bytes when it is over it (see `SpoolTrim`); nil when under.
    func trim(toBytes limit: Int64) throws(StoreError) -> SpoolTrim?
}

extension StoreError {
    /// Two processes claimed one collector identity (`FleetStorage`): the newer one stops.
    public static let identityConflict = "two collectors cannot share one identity"
    public var isIdentityConflict: Bool { message.contains(Self.identityConflict) }
    /// The central store could not be reached (a collector spools meanwhile).
    public var isUnreachable: Bool { message.contains("cannot reach the PostgreSQL server") }
}

/// What trimming a spool to its size cap gave up (`CollectorSpool.trim(toBytes:)`).
public struct SpoolTrim: Sendable, Hashable, CustomStringConvertible {
    /// What a spool over its cap gives up, in order: the raw counter intervals of the oldest
    /// counter polls (their 5-minute samples and series states stay, so the series has a gap,
    /// never a wrong rate), then the oldest sampling windows, inventory polls and whole counter
    /// polls, and the status polls (the outage evidence) only when nothing else is left.
    public static let order = ["raw traffic intervals", "sightings", "inventory", "traffic", "status"]

    public var limit: Int64
    public var before: Int64
    public var after: Int64
    /// Raw counter intervals removed from counter polls kept otherwise.
    public var intervals = 0
    /// Whole entries removed, by kind (`sightings`, `inventory`, `traffic`, `status`).
    public var entries: [String: Int] = [:]
    /// When the oldest and newest of what was given up had been spooled.
    public var oldest: Date?
    public var newest: Date?

    public init(limit: Int64, before: Int64, after: Int64) { self.limit = limit; self.before = before; self.after = after }

    public var description: String {
        func mib(_ b: Int64) -> String { String(format: "%.1f MiB", Double(b) / 1_048_576) }
        var dropped: [String] = []
        if intervals > 0 { dropped.append("\(intervals) raw traffic intervals (their 5-minute samples kept)") }
        let names = ["sightings": "sampling windows", "inventory": "inventory polls", "traffic": "counter polls", "status": "status polls"]
        for kind in Self.order.dropFirst() {
            if let n = entries[kind], n > 0 { dropped.append("\(n) \(names[kind] ?? kind)") }
        }
        let span = oldest.map { o in " spooled \(o.formatted(.iso8601)) to \((newest ?? o).formatted(.iso8601))" } ?? ""
        return "the spool reached its cap of \(mib(limit)) (\(mib(before)) in use): dropped "
            + (dropped.isEmpty ? "nothing it could" : dropped.joined(separator: ", ")) + span + "; now \(mib(after))"
    }
}

import Collectors
import Foundation
import InventoryModel
import Logging
import ServiceLifecycle
import Storage

/// A fleet collector's status polls go into its spool (see `FleetForwarder`).
public struct SpoolStatusPollSink: StatusPollSink {
    let spool: any CollectorSpooling
    public init(spool: any CollectorSpooling) { self.spool = spool }
    public func record(_ poll: StatusPoll) async throws { try spool.append(.status(poll)) }
}

/// A fleet collector's inventory polls go into its spool. The changes they make are found
/// when the central store receives them, so none are returned here.
public struct SpoolPollSink: PollSink {
    let spool: any CollectorSpooling
    public init(spool: any CollectorSpooling) { self.spool = spool }
    public func write(_ outcome: PollOutcome) throws(StoreError) -> [InventoryChange] {
        try spool.append(.inventory(outcome))
        return []
    }
}

/// Replays a fleet collector's spool into the central store (issue 21), as a service beside
/// the collector daemon:
///
/// - it opens the central store (`connect`), claims the collector's identity (a lease the
///   heartbeats renew: a second process claiming a running collector's id is refused), and
///   replays the spool in order, a batch per transaction with the collector's replay position
///   (`FleetStorage.applySpooled`), removing each batch from the spool once committed: an
///   entry replayed twice (the commit's answer lost) is recognised by its sequence number and
///   skipped, so nothing is written twice;
/// - when the central store cannot be reached (a WAN outage, a restart) it logs that once,
///   drops the connection and tries again with a growing pause (up to 5 s); the daemon keeps
///   polling into the spool meanwhile, and the backlog is replayed when the link returns;
/// - every `heartbeat` seconds it reports the backlog and the clock offset;
/// - a write whose device belongs to another collector is refused by the central store:
///   logged once per device and kept aside in the spool (`spool_refused`);
/// - on every pass it holds the spool to its size cap (`CollectorSpooling.trim(toBytes:)`,
///   logging what was given up: oldest raw intervals first, status polls last);
/// - losing the identity to another process ends the service with an error (the daemon stops);
/// - at shutdown it replays what it can within a few seconds and ends its lease.
public final class FleetForwarder: Service, @unchecked Sendable {
    // @unchecked: the stored properties are immutable; `connect` is a Sendable closure.
    let spool: any CollectorSpooling
    let claim: CollectorClaim
    let heartbeatSeconds: Double
    let connect: @Sendable () throws(StoreError) -> any FleetStorage
    let clock: any WallClock
    let logger: Logger
    let batchSize: Int
    /// Called with the central store after each successful replay or heartbeat (tests, metrics).
    let onContact: (@Sendable (Int) -> Void)?
    /// The spool's size cap in bytes (nil: none), checked on every pass, reached or not.
    let spoolCap: Int64?

    public init(spool: any CollectorSpooling, claim: CollectorClaim, heartbeatSeconds: Double, clock: any WallClock, logger: Logger,
                batchSize: Int = 500, spoolCap: Int64? = nil, onContact: (@Sendable (Int) -> Void)? = nil,
                connect: @escaping @Sendable () throws(StoreError) -> any FleetStorage) {
        self.spool = spool; self.claim = claim; self.heartbeatSeconds = heartbeatSeconds; self.connect = connect
        self.clock = clock; self.logger = logger; self.batchSize = batchSize; self.spoolCap = spoolCap; self.onContact = onContact
    }

    /// Trims the spool when it is over its cap, saying what was given up.
    func enforceCap() {
        guard let spoolCap else { return }
        do {
            if let trim = try spool.trim(toBytes: spoolCap) {
                logger.error("collector spool full", metadata: ["collector": "\(claim.id)", "spool": "\(spool.path)", "trim": "\(trim)"])
            }
        } catch {
            logger.error("collector spool could not be trimmed to its cap", metadata: ["spool": "\(spool.path)", "cause": "\(error)"])
        }
    }

    /// One pass: connect and claim when needed, replay up to `batchSize` entries, send a due
    /// heartbeat. Returns whether more entries wait.
    final class Link {
        var central: (any FleetStorage)?
        var claimed = false
        var lastHeartbeat: ContinuousClock.Instant?
        var problem: String?
        var refusedDevices = Set<String>()
    }

    func pass(_ link: Link, heartbeat force: Bool = false) throws(StoreError) -> Bool {
        if link.central == nil { link.central = try connect() }
        guard let central = link.central else { return false }
        if !link.claimed {
            try central.claimCollector(claim)
            link.claimed = true
            link.lastHeartbeat = nil
        }
        let batch = try spool.pending(limit: batchSize)
        if let last = batch.last {
            let outcomes = try central.applySpooled(batch, collector: claim.id, token: claim.token, spoolID: spool.spoolID)
            var refused: [(seq: Int64, reason: String)] = []
            for (e, o) in zip(batch, outcomes) {
                guard case .refused(let why) = o else { continue }
                refused.append((e.seq, why))
                for d in e.write.devices where link.refusedDevices.insert(d).inserted {
                    logger.error("central store refused a write", metadata: ["collector": "\(claim.id)", "cause": "\(why)"])
                }
            }
            try spool.acknowledge(through: last.seq, refused: refused)
        }
        let now = ContinuousClock.now
        if force || link.lastHeartbeat.map({ now - $0 >= .milliseconds(Int64(heartbeatSeconds * 1000)) }) ?? true {
            let b = try spool.backlog()
            try central.heartbeat(collector: claim.id, token: claim.token, backlog: b.count, oldestBacklog: b.oldest,
                                  sentAt: clock.now(), leaseSeconds: claim.leaseSeconds)
            link.lastHeartbeat = now
            onContact?(b.count)
        }
        if let problem = link.problem {
            let b = (try? spool.backlog())?.count ?? 0
            logger.notice("central store reachable again", metadata: ["collector": "\(claim.id)", "was": "\(problem)", "backlog": "\(b)"])
            link.problem = nil
        }
        return batch.count == batchSize
    }

    /// Forgets the connection after a failure (a new one is opened next time), logging a new cause once.
    func failed(_ link: Link, _ e: StoreError) {
        if link.problem != e.message {
            logger.warning("central store not reachable; spooling", metadata: [
                "collector": "\(claim.id)", "spool": "\(spool.path)", "cause": "\(e.description)"])
            link.problem = e.message
        }
        link.central = nil
        link.claimed = false
    }

    public func run() async throws {
        let link = Link()
        var pause = 0.5
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            enforceCap()
            var more = false
            do {
                more = try pass(link)
                pause = 0.5
            } catch {
                if error.isIdentityConflict {
                    logger.critical("collector identity lost", metadata: ["cause": "\(error.description)"])
                    throw error
                }
                failed(link, error)
                pause = min(pause * 2, 5)
            }
            if more { continue }
            let wait = link.central == nil ? pause : min(1, heartbeatSeconds)
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(Int64(wait * 1000))) }
        }
        // Shutting down: replay what is there within a few seconds, then end the lease.
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            do { if try !pass(link, heartbeat: true) { break } } catch { failed(link, error); break }
        }
        if let central = link.central, link.claimed {
            let b: (count: Int, oldest: Date?) = (try? spool.backlog()) ?? (0, nil)
            do { try central.releaseCollector(claim.id, token: claim.token, backlog: b.count, oldestBacklog: b.oldest) } catch {
                logger.warning("could not end the collector's lease", metadata: ["cause": "\(error)"])
            }
        }
    }
}

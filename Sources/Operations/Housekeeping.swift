import Foundation
import InventoryModel
import Logging
import ServiceLifecycle

/// The collector daemon's periodic chores, beside the polls: every `every` it drops traffic
/// data and raw status polls past their retention and reconciles the PDs' diagrams against what the latest polls
/// and sightings show (`FindingOperations.reconcile`, the call `pantau reconcile` makes), so
/// findings open and resolve without anyone running a command. Reconciliation waits until a
/// PD registry is loaded; each chore's failure is one log line, and the next turn tries again.
public struct Housekeeping: Service {
    let every: Duration
    let traffic: TrafficRecorder
    let findings: FindingOperations
    let hasRegistry: @Sendable () throws -> Bool
    let logger: Logger
    /// Drops raw status polls past their retention (the uptime rollup stays); returns the polls dropped.
    let pruneStatusPolls: (@Sendable () throws -> Int)?

    public init(every: Duration, traffic: TrafficRecorder, findings: FindingOperations, hasRegistry: @escaping @Sendable () throws -> Bool,
                logger: Logger, pruneStatusPolls: (@Sendable () throws -> Int)? = nil) {
        self.pruneStatusPolls = pruneStatusPolls
        self.every = every
        self.traffic = traffic
        self.findings = findings
        self.hasRegistry = hasRegistry
        self.logger = logger
    }

    /// Turns until the service group shuts down; ending then is a clean end, not an error.
    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    try await Task.sleep(for: every)
                    turn()
                }
            }
        } catch is CancellationError {
            return
        }
    }

    /// What one turn did: rows dropped by each retention, the reconciliation's counts (nil
    /// when no registry is loaded), and each chore that failed, in words.
    public struct Report: Sendable, Codable, Equatable {
        public var trafficRowsDropped: Int?
        public var statusPollsDropped: Int?
        public var reconciliation: Reconciliation?
        public var problems: [String] = []

        public struct Reconciliation: Sendable, Codable, Equatable {
            public var opened: Int
            public var resolved: Int
            public var present: Int
        }
    }

    /// One turn of the chores, each logged as the daemon logs it (a line per failure; what
    /// changed at notice or debug level).
    @discardableResult
    public func turn() -> Report {
        var report = Report()
        do {
            let dropped = try traffic.prune()
            report.trafficRowsDropped = dropped
            if dropped > 0 { logger.debug("traffic retention applied", metadata: ["rows": "\(dropped)"]) }
        } catch {
            report.problems.append("traffic retention failed: \(error)")
            logger.error("traffic retention failed: \(error)")
        }
        do {
            if let dropped = try pruneStatusPolls?() {
                report.statusPollsDropped = dropped
                if dropped > 0 { logger.debug("status poll retention applied", metadata: ["rows": "\(dropped)"]) }
            }
        } catch {
            report.problems.append("status poll retention failed: \(error)")
            logger.error("status poll retention failed: \(error)")
        }
        do {
            guard try hasRegistry() else { return report }
            let reconciled = try findings.reconcile()
            report.reconciliation = .init(opened: reconciled.opened, resolved: reconciled.resolved, present: reconciled.findings.count)
            if reconciled.opened + reconciled.resolved > 0 {
                logger.notice("reconciled: \(reconciled.opened) finding(s) opened, \(reconciled.resolved) resolved, \(reconciled.findings.count) present")
            }
        } catch {
            report.problems.append("reconciliation failed: \(error)")
            logger.error("reconciliation failed: \(error)")
        }
        return report
    }
}

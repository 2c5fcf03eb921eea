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

    /// One turn of the chores.
    func turn() {
        do {
            let dropped = try traffic.prune()
            if dropped > 0 { logger.debug("traffic retention applied", metadata: ["rows": "\(dropped)"]) }
        } catch {
            logger.error("traffic retention failed: \(error)")
        }
        do {
            if let dropped = try pruneStatusPolls?(), dropped > 0 { logger.debug("status poll retention applied", metadata: ["rows": "\(dropped)"]) }
        } catch {
            logger.error("status poll retention failed: \(error)")
        }
        do {
            guard try hasRegistry() else { return }
            let report = try findings.reconcile()
            if report.opened + report.resolved > 0 {
                logger.notice("reconciled: \(report.opened) finding(s) opened, \(report.resolved) resolved, \(report.findings.count) present")
            }
        } catch {
            logger.error("reconciliation failed: \(error)")
        }
    }
}

import Settings
import Foundation
import InventoryModel
import Storage
import Logging
import Probes
import SNMPCore

/// Polls targets with the probe runner, many at once, and turns each into a `PollOutcome`.
///
/// Collection never names an SNMP implementation: the composition root passes a factory
/// that opens a client for a target (Net-SNMP in the executable, a recording in tests).
/// One failing device never stops the others: every target yields an outcome.
public struct Collector: Sendable {
    public typealias ClientFactory = @Sendable (PantauConfig.Target) async throws(SNMPError) -> any SNMPClient

    public let runner: ProbeRunner
    public let makeClient: ClientFactory
    /// Most targets polled at the same time.
    public let concurrency: Int
    public let logger: Logger
    /// "Now" for the outcome's start and the inventory's poll time (durations use a monotonic clock).
    public let clock: any WallClock

    public init(runner: ProbeRunner, concurrency: Int = 64, logger: Logger = Logger(label: "pantau.collect"),
                clock: any WallClock = SystemClock(), makeClient: @escaping ClientFactory) {
        self.runner = runner
        self.clock = clock
        self.makeClient = makeClient
        self.concurrency = max(1, concurrency)
        self.logger = logger
    }

    /// Polls one target. Never throws: a failure becomes a failed outcome whose message
    /// names the agent, the action and the cause (never the credentials).
    public func poll(_ target: PantauConfig.Target) async -> PollOutcome {
        let start = clock.now()
        let began = ContinuousClock.now
        func finish(_ r: Result<DeviceInventory, PollFailure>) -> PollOutcome {
            PollOutcome(name: target.name, agent: target.agent.description, pd: target.pd, startedAt: start,
                        duration: (ContinuousClock.now - began).inSeconds, result: r)
        }
        do throws(SNMPError) {
            let client = try await makeClient(target)
            do throws(SNMPError) {
                var inv = try await runner.inventory(client: client, agent: target.agent.description)
                inv.polledAt = clock.now()
                await client.close()
                for w in inv.warnings {
                    logger.warning("partial poll", metadata: ["device": "\(target.name)", "agent": "\(target.agent)", "warning": "\(w)"])
                }
                return finish(.success(inv))
            } catch {
                await client.close()
                throw error
            }
        } catch {
            logger.error("poll failed", metadata: ["device": "\(target.name)", "error": "\(error)"])
            var text = error.description
            if let hint = error.hint { text += " (\(hint))" }
            return finish(.failure(PollFailure(text)))
        }
    }

    /// Polls every target with at most `concurrency` in flight, calling `onEach` as each
    /// finishes (in completion order). Returns outcomes in the targets' order.
    public func pollAll(_ targets: [PantauConfig.Target],
                        onEach: @Sendable (PollOutcome, _ done: Int, _ total: Int) -> Void = { _, _, _ in }) async -> [PollOutcome] {
        var results = [PollOutcome?](repeating: nil, count: targets.count)
        await withTaskGroup(of: (Int, PollOutcome).self) { group in
            var next = 0
            var done = 0
            func launch() {
                guard next < targets.count else { return }
                let i = next
                next += 1
                group.addTask { (i, await self.poll(targets[i])) }
            }
            for _ in 0..<min(concurrency, targets.count) { launch() }
            while let (i, outcome) = await group.next() {
                results[i] = outcome
                done += 1
                onEach(outcome, done, targets.count)
                launch()
            }
        }
        return results.compactMap { $0 }
    }
}

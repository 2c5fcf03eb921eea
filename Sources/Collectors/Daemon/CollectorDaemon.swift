import Foundation
import InventoryModel
import Logging
import ServiceLifecycle
import Settings
import SNMPCore
import Storage
import UnixSignals

/// What the daemon polls: the configuration's targets with its `daemon:` settings.
public struct DaemonPlan: Sendable {
    public var targets: [PantauConfig.Target]
    public var settings: DaemonSettings
    /// Most polls in flight at once.
    public var concurrency: Int

    public init(targets: [PantauConfig.Target], settings: DaemonSettings, concurrency: Int) {
        self.targets = targets; self.settings = settings; self.concurrency = max(1, concurrency)
    }

    public init(_ config: PantauConfig) {
        self.init(targets: config.targets, settings: config.daemon, concurrency: config.concurrency)
    }
}

/// The long-running collector (`pantau collect` without `--once`), a swift-service-lifecycle
/// `Service`: each target's status (and, with a counter sink, its interface counters) on its
/// interval, its full inventory on the longer inventory interval.
///
/// - Polls are spread over the interval (each target at its own offset, from its name) and at
///   most `concurrency` run at once; a poll that cannot start on time waits in the queue
///   (`pantau_collector_queue_depth`) and counts as late when it starts more than a tenth of an
///   interval after it was due. A target never has two polls of one kind in flight: a slow one
///   skips the turns it overran rather than piling up.
/// - SIGHUP reloads the plan through `reload`: targets added, removed or changed take effect
///   at once; a plan that fails to load leaves the running one in place, and the log says why.
/// - A graceful shutdown (SIGTERM, SIGINT through the service group) starts no new poll and
///   waits for those in flight, so every poll that completed is recorded.
/// - One log line per problem: a device that stops answering is logged once when it goes
///   down and once when it answers again, not at every poll; successes are not logged.
public final class CollectorDaemon: Service, @unchecked Sendable {
    public typealias Reload = @Sendable () throws -> DaemonPlan

    let collector: Collector
    let statusSink: any StatusPollSink
    let counterSink: (any CounterPollSink)?
    let inventorySink: (any PollSink)?
    let metrics: CollectorMetrics?
    let reload: Reload?
    let logger: Logger
    /// Stop by itself after this long (the demo's bounded run); nil runs until shut down.
    let runFor: Duration?
    private let initial: DaemonPlan
    private let problems = Locked<[String: String]>([:])

    public init(plan: DaemonPlan, collector: Collector, statusSink: any StatusPollSink, counterSink: (any CounterPollSink)? = nil,
                inventorySink: (any PollSink)? = nil, metrics: CollectorMetrics? = nil, logger: Logger,
                runFor: Duration? = nil, reload: Reload? = nil) {
        initial = plan
        self.collector = collector
        self.statusSink = statusSink
        self.counterSink = counterSink
        self.inventorySink = inventorySink
        self.metrics = metrics
        self.logger = logger
        self.runFor = runFor
        self.reload = reload
    }

    enum Kind: Hashable { case status, inventory }

    struct Job: Hashable {
        var target: String
        var kind: Kind
    }

    /// One target's schedule.
    struct Entry {
        var target: PantauConfig.Target
        var interval: Double
        var inventoryInterval: Double
        var next: [Kind: ContinuousClock.Instant]
        var running: Set<Kind> = []
    }

    enum Wake: Sendable { case tick, done(Job), reload, shutdown }

    /// Where in its interval a target is polled: a fraction from its name (FNV-1a), so the
    /// same configuration spreads the same way on every start.
    public static func phase(_ name: String) -> Double {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in name.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return Double(h % 10_000) / 10_000
    }

    static func entry(_ t: PantauConfig.Target, _ s: DaemonSettings, from now: ContinuousClock.Instant) -> Entry {
        let interval = t.schedule.interval ?? s.interval
        let inventory = t.schedule.inventoryInterval ?? s.inventoryInterval
        let offset = Duration.seconds(phase(t.name) * interval)
        return Entry(target: t, interval: interval, inventoryInterval: inventory, next: [.status: now + offset, .inventory: now + offset])
    }

    public func run() async throws {
        let (events, wake) = AsyncStream.makeStream(of: Wake.self)
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        var plan = initial
        var entries: [String: Entry] = [:]
        let start = ContinuousClock.now
        for t in plan.targets { entries[t.name] = Self.entry(t, plan.settings, from: start) }
        logger.info("collecting", metadata: ["targets": "\(plan.targets.count)", "interval": "\(plan.settings.interval)"])

        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { for await _ in hangups { wake.yield(.reload) } }
                    if let runFor {
                        group.addTask {
                            try? await Task.sleep(for: runFor)
                            wake.yield(.shutdown)
                        }
                    }
                    var inFlight = 0
                    var stopping = false
                    var timer: Task<Void, Never>?
                    var iterator = events.makeAsyncIterator()
                    while true {
                        if !stopping {
                            let now = ContinuousClock.now
                            // Due jobs, earliest first; those past the free slots wait.
                            var due: [(ContinuousClock.Instant, Job)] = []
                            for (name, e) in entries {
                                for (kind, at) in e.next where at <= now && !e.running.contains(kind) {
                                    if kind == .inventory && inventorySink == nil { continue }
                                    due.append((at, Job(target: name, kind: kind)))
                                }
                            }
                            due.sort { $0.0 < $1.0 }
                            for (at, job) in due where inFlight < plan.concurrency {
                                guard var e = entries[job.target] else { continue }
                                let every = job.kind == .status ? e.interval : e.inventoryInterval
                                if (now - at).inSeconds > every / 10 { metrics?.latePoll() }
                                // The next turn is one interval after this one was due; turns a
                                // stall overran are skipped, not made up in a burst.
                                var next = at + .seconds(every)
                                while next <= now { next += .seconds(every) }
                                e.next[job.kind] = next
                                e.running.insert(job.kind)
                                entries[job.target] = e
                                inFlight += 1
                                let target = e.target, interval = e.interval
                                group.addTask {
                                    if job.kind == .status { await self.statusPoll(target, interval: interval) } else { await self.inventoryPoll(target) }
                                    wake.yield(.done(job))
                                }
                            }
                            metrics?.setQueueDepth(max(0, due.count - plan.concurrency))
                            timer?.cancel()
                            let nextDue = entries.values.flatMap { e in e.next.filter { !e.running.contains($0.key) }.map(\.value) }.min()
                            if let nextDue, inFlight < plan.concurrency {
                                timer = Task {
                                    try? await Task.sleep(until: nextDue, clock: .continuous)
                                    if !Task.isCancelled { wake.yield(.tick) }
                                }
                            }
                        }
                        if stopping && inFlight == 0 { break }
                        guard let event = await iterator.next() else { break }
                        switch event {
                        case .tick: break
                        case .done(let job):
                            inFlight -= 1
                            entries[job.target]?.running.remove(job.kind)
                        case .reload:
                            if let next = loadPlan() {
                                entries = apply(next, over: entries, old: plan)
                                plan = next
                            }
                        case .shutdown:
                            stopping = true
                            timer?.cancel()
                        }
                    }
                    timer?.cancel()
                    group.cancelAll()
                }
            } onGracefulShutdown: {
                wake.yield(.shutdown)
            }
        } onCancel: {
            wake.yield(.shutdown)
        }
        wake.finish()
    }

    /// The reloaded plan, or nil (logged) when there is no reload or it failed.
    func loadPlan() -> DaemonPlan? {
        guard let reload else {
            logger.warning("SIGHUP: this collector has no configuration file to reload")
            return nil
        }
        do {
            return try reload()
        } catch {
            logger.error("configuration not reloaded; still collecting with the previous one", metadata: ["cause": "\(error)"])
            return nil
        }
    }

    /// The schedule for `plan`: unchanged targets keep their turns, changed ones keep them
    /// where the interval allows, new ones start at their offset, removed ones go.
    func apply(_ plan: DaemonPlan, over entries: [String: Entry], old: DaemonPlan) -> [String: Entry] {
        let now = ContinuousClock.now
        var out: [String: Entry] = [:]
        var added = 0, changed = 0
        for t in plan.targets {
            var fresh = Self.entry(t, plan.settings, from: now)
            if let e = entries[t.name] {
                if e.target != t || e.interval != fresh.interval || e.inventoryInterval != fresh.inventoryInterval {
                    changed += 1
                    // Its metrics are labelled with its PD and hosting: made afresh at its next poll.
                    if e.target.pd != t.pd || e.target.schedule.hosting != t.schedule.hosting { metrics?.remove(device: t.name) }
                }
                // Keep its turns unless the new interval would put the next one further than that.
                for (kind, at) in e.next {
                    let every = kind == .status ? fresh.interval : fresh.inventoryInterval
                    fresh.next[kind] = min(at, now + .seconds(every))
                }
                fresh.running = e.running
            } else {
                added += 1
            }
            out[t.name] = fresh
        }
        let removed = entries.keys.filter { out[$0] == nil }
        for name in removed {
            metrics?.remove(device: name)
            _ = problems.withLock { p in p.keys.filter { $0.hasPrefix(name + "\u{0}") }.map { p.removeValue(forKey: $0) } }
        }
        logger.notice("configuration reloaded", metadata: [
            "targets": "\(plan.targets.count)", "added": "\(added)", "removed": "\(removed.count)", "changed": "\(changed)",
        ])
        return out
    }

    /// Logs `problem` for `device`'s `area` once: again only when it changes; nil clears it
    /// (logged once as recovered when there was one).
    func problem(_ device: String, _ area: String, _ problem: String?) {
        let key = device + "\u{0}" + area
        let before = problems.withLock { p in
            let old = p[key]
            p[key] = problem
            return old
        }
        if let problem, problem != before {
            logger.error("\(area)", metadata: ["device": "\(device)", "problem": "\(problem)"])
        } else if problem == nil, let before {
            logger.notice("\(area): resolved", metadata: ["device": "\(device)", "was": "\(before)"])
        }
    }

    /// One status (and counter) poll of `target`, recorded.
    func statusPoll(_ target: PantauConfig.Target, interval: Double) async {
        let began = ContinuousClock.now
        var poll = StatusPoll(device: target.name, time: collector.clock.now(), interval: interval, pd: target.pd,
                              hosting: target.schedule.hosting, reachable: false)
        var counters: CounterPoll?
        do throws(SNMPError) {
            let client = try await collector.makeClient(target)
            do throws(SNMPError) {
                let r = try await StatusProbe.uptime(client)
                poll.time = collector.clock.now()
                poll.reachable = true
                poll.sysUpTime = r.sysUpTime
                poll.hrSystemUptime = r.hrSystemUptime
                poll.engineBoots = r.engineBoots
                poll.engineTime = r.engineTime
                poll.duration = (ContinuousClock.now - began).inSeconds
                if counterSink != nil {
                    let clock = collector.clock
                    do throws(SNMPError) {
                        counters = try await StatusProbe.counters(client, device: target.name, time: { clock.now() }, sysUpTime: r.sysUpTime)
                        problem(target.name, "counter poll failed", nil)
                    } catch {
                        problem(target.name, "counter poll failed", error.description)
                    }
                }
                await client.close()
            } catch {
                await client.close()
                throw error
            }
            problem(target.name, "device not answering", nil)
        } catch {
            poll.time = collector.clock.now()
            poll.duration = (ContinuousClock.now - began).inSeconds
            poll.error = error.description
            problem(target.name, "device not answering", error.cause)
        }
        metrics?.observe(poll)
        let writing = ContinuousClock.now
        do {
            try await statusSink.record(poll)
            metrics?.storeWrite(seconds: (ContinuousClock.now - writing).inSeconds)
            problem(target.name, "recording status failed", nil)
        } catch {
            problem(target.name, "recording status failed", "\(error)")
        }
        if let counters, let counterSink {
            do {
                try await counterSink.record(counters, interval: interval)
                problem(target.name, "recording counters failed", nil)
            } catch {
                problem(target.name, "recording counters failed", "\(error)")
            }
        }
    }

    /// One full inventory poll of `target`, recorded (the `collect --once` path for one device).
    /// The collector's own log lines are the caller's to quiet: this logs each problem once.
    func inventoryPoll(_ target: PantauConfig.Target) async {
        guard let inventorySink else { return }
        let outcome = await collector.poll(target)
        switch outcome.result {
        case .success: problem(target.name, "inventory poll failed", nil)
        case .failure(let f): problem(target.name, "inventory poll failed", "\(f)")
        }
        do {
            _ = try inventorySink.write(outcome)
            problem(target.name, "recording inventory failed", nil)
        } catch {
            problem(target.name, "recording inventory failed", "\(error)")
        }
    }
}

/// Runs the daemon with `others` (sampling, the /metrics server) in one `ServiceGroup` that
/// shuts down gracefully on SIGTERM and SIGINT; the daemon ending (a bounded run) ends them
/// all, while another service ending (capture files read to their end) leaves the rest running.
/// The group shuts services down in the reverse of their order: `others` first, then the
/// daemon (its polls in flight recorded), then `downstream` (a fleet collector's forwarder,
/// which then replays what they wrote last).
public func runCollectorServices(_ daemon: CollectorDaemon, others: [any Service], downstream: [any Service] = [],
                                 logger: Logger) async throws {
    var services: [ServiceGroupConfiguration.ServiceConfiguration] = downstream.map { .init(service: $0, successTerminationBehavior: .ignore) }
    services.append(.init(service: daemon, successTerminationBehavior: .gracefullyShutdownGroup))
    for s in others { services.append(.init(service: s, successTerminationBehavior: .ignore)) }
    let group = ServiceGroup(configuration: ServiceGroupConfiguration(
        services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    try await group.run()
}

import Collectors
import ArgumentParser
import Foundation
import Governance
import InventoryModel
import InventoryStore
import Logging
import NetSNMP
import Operations
import Probes
import ServiceLifecycle
import Settings
import SNMPCore
import Storage

extension Pantau.Collect {
    /// `pantau collect --config FILE` with a `collector:` section: one collector of a fleet.
    /// It polls the targets its section selects into its local spool (`CollectorSpool`) and a
    /// `FleetForwarder` replays the spool into the central PostgreSQL store; an unreachable
    /// central store only delays the replay.
    func runFleetCollector(_ loaded: PantauConfig, _ fleet: CollectorSettings, catalog: ProbeCatalog, central: String,
                           logger: Logger) async throws {
        let cfg = fleet.selected(loaded)
        guard case .postgres = try StoreLocation(central) else {
            throw ValidationError("\(config): collector \(fleet.id): a fleet collector writes to a PostgreSQL central store (store: postgres://USER@HOST:PORT/DB), not \(central); without the collector: section it writes that store directly".terminalSafe)
        }
        let clock = try Self.daemonClock(logger)
        let spool = try CollectorSpool(path: fleet.spool, collector: fleet.id, clock: clock)
        let claim = CollectorClaim(id: fleet.id, token: UUID().uuidString.lowercased(), host: ProcessInfo.processInfo.hostName,
                                   pid: Int(getpid()), spool: spool.path, spoolID: spool.spoolID, leaseSeconds: fleet.leaseSeconds,
                                   takeOver: true)
        let connect = FleetConnection(central: central)
        // Claim the identity now when the central store answers: a second process with this id stops here.
        // Unreachable: start spooling; the forwarder claims it when the link comes up.
        if let problem = try connect.claimAtStart(claim) {
            logger.warning("central store not reachable at start; spooling", metadata: ["collector": "\(fleet.id)", "cause": "\(problem)"])
        }
        let collector = Self.daemonCollector(cfg, catalog: catalog, clock: clock, logger: logger)
        let metrics = CollectorMetrics()
        let traffic = TrafficRecorder(writer: spool, settings: cfg.traffic, clock: clock)
        var counterSinks: [any CounterPollSink] = [TrafficCounterSink(recorder: traffic, metrics: metrics)]
        if let path = counterLog { counterSinks.append(try JSONLinesCounterPollSink(path: path)) }
        let file = config
        let daemon = CollectorDaemon(plan: DaemonPlan(cfg), collector: collector, statusSink: SpoolStatusPollSink(spool: spool),
                                     counterSink: CounterPollSinks(counterSinks), inventorySink: SpoolPollSink(spool: spool),
                                     metrics: metrics, logger: logger, runFor: duration.map { .milliseconds(Int64($0 * 1000)) }) {
            let again = try PantauConfig.load(path: file)
            return DaemonPlan(again.collector?.selected(again) ?? fleet.selected(again))
        }
        // Packet sampling records into the spool too (replayed with the polls), its sFlow counter
        // samples through the same recorder as the counter polls; SIGHUP reloads its section.
        let sampling = SpooledSampling(spool: spool, clock: clock, logger: logger, traffic: traffic) {
            try connect.registrySegments(spool: spool)
        }
        var extra: [any Service] = [
            ReloadingSampling(initial: cfg.sampling, reload: { try PantauConfig.load(path: file).sampling }, logger: logger) { settings in
                try sampling.service(settings)
            },
        ]
        if let (host, port) = cfg.daemon.metrics {
            extra.append(MetricsEndpoint.application(metrics, host: host, port: port, logger: logger))
        }
        print("collector \(fleet.id): collecting \(cfg.targets.count) target\(cfg.targets.count == 1 ? "" : "s") every \(Int(cfg.daemon.interval)) s into spool \(spool.path), replayed into \(central)".terminalSafe
              + (cfg.daemon.metrics.map { ", metrics on http://\($0.host):\($0.port)/metrics" } ?? ""))
        // The forwarder stops last, so what the daemon and sampling write as they stop is replayed too.
        let forwarder = FleetForwarder(spool: spool, claim: claim, heartbeatSeconds: fleet.heartbeatSeconds, clock: clock, logger: logger,
                                       spoolCap: Int64(fleet.spoolMaxMB) << 20, connect: connect.open)
        try await runCollectorServices(daemon, others: extra, downstream: [forwarder], logger: logger)
    }
}

/// Opens the central store for a fleet collector (again after each failure).
struct FleetConnection: Sendable {
    let central: String

    @Sendable func open() throws(StoreError) -> any FleetStorage {
        let store = try openStore(central, .readWrite)
        guard let fleetStore = store as? any FleetStorage else {
            throw StoreError(path: central, action: "opening the central store", message: "this backend keeps no collector fleet", kind: .unusable)
        }
        return fleetStore
    }

    /// The PD segments of the central store's registry, kept in the spool for a start without
    /// the central store; when it cannot be read, those kept; nil when none were.
    func registrySegments(spool: CollectorSpool) throws(StoreError) -> [PDSegment]? {
        do {
            let segments = try openStore(central, .readOnly).registry()?.pds.map(\.segment) ?? []
            try spool.remember(registrySegments: segments)
            return segments
        } catch {
            // Unreachable (or not usable now): the segments kept when it last answered.
            return try spool.rememberedRegistrySegments()
        }
    }

    /// Claims the identity; returns the cause when the central store cannot be reached, throws
    /// any other failure (another process holds the identity, a wrong password, a newer schema).
    func claimAtStart(_ claim: CollectorClaim) throws(StoreError) -> String? {
        do {
            try open().claimCollector(claim)
            return nil
        } catch {
            if error.isUnreachable { return error.description }
            throw error
        }
    }
}

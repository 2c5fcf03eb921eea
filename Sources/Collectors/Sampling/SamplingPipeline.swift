import Foundation
import InventoryModel
import Logging
import PacketCapture
import PacketDecoding
import Settings
import Storage

/// A flag another thread can raise to stop a capture loop; a capture waiting in libpcap is
/// woken by breaking its loop.
final class StopFlag: @unchecked Sendable {
    // @unchecked: guarded by the lock.
    private let lock = NSLock()
    private var raised = false
    private var source: PcapSource?
    func set() { lock.lock(); raised = true; let s = source; lock.unlock(); s?.breakLoop() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return raised }
    func attach(_ s: PcapSource?) { lock.lock(); source = s; lock.unlock() }
}

/// One sampling run as a pipeline of small parts:
///
///     source → sampler → decoder → aggregator → sink
///
/// - the source (`readFiles`, `captureInterface`, `receiveSFlow`, in SamplingSources.swift)
///   reads frames, and for capture files asks the `CaptureFileLedger` what to read;
/// - the `PacketSampler` keeps 1 in N;
/// - the `PacketDecoder` turns a frame into a `DecodedPacket`;
/// - the `SightingAggregator` adds it to the window in memory (bounded);
/// - a flush closes the window and hands it to the `SinkStage`, which writes it on its own
///   thread through the ledger's `LedgeredSink` (file sources) to the `SightingSink`.
///
/// The pipeline itself is made and used on one capture thread (it is not Sendable); only
/// the sink stage, the stop flag and the warning log are shared, each with its own lock.
final class SamplingPipeline {
    let settings: SamplingSettings
    let logger: Logger
    let clock: any WallClock
    let aggregator: SightingAggregator
    var sampler: PacketSampler
    let sink: SinkStage
    /// The capture-file ledger's decisions (file sources only).
    let ledger: CaptureFileLedger?
    let warnings = WarningLog()
    /// What the capture side counts; the sink stage's counts are added at the end.
    var summary: SamplingSummary
    var lastFlush: Double?
    var warnedOverflow = false
    var warnedTraffic = false
    var ready: (@Sendable () -> Void)?

    init(settings: SamplingSettings, store: any SightingRecording, segments: [PDSegment], logger: Logger, clock: any WallClock) {
        self.settings = settings
        self.logger = logger
        self.clock = clock
        var oui = OUIRegistry()
        if let path = settings.ouiFile {
            do { oui = try OUIRegistry(csvPath: path) } catch {
                logger.warning("OUI registry \(path) not readable (\(error.localizedDescription)); vendors will be empty")
            }
        }
        aggregator = SightingAggregator(capturePoint: settings.capturePoint, segments: segments, oui: oui,
                                        maxHosts: settings.maxHosts, maxTrafficKeys: settings.maxTrafficKeys)
        sampler = PacketSampler(rate: settings.rate, mode: settings.mode)
        summary = SamplingSummary(source: settings.source.description, capturePoint: settings.capturePoint, rate: settings.rate)
        let storeSink = StoreSightingSink(store: store)
        var ledgered: LedgeredSink?
        if case .files = settings.source {
            ledger = CaptureFileLedger(store: store, capturePoint: settings.capturePoint, filter: settings.filter, reread: settings.reread)
            ledgered = LedgeredSink(next: storeSink, capturePoint: settings.capturePoint, filter: settings.filter, clock: clock)
        } else {
            ledger = nil
        }
        sink = SinkStage(sink: storeSink, ledger: ledgered, logger: logger, warnings: warnings, keyLimit: SightingAggregator.runHostLimit)
    }

    func signalReady() {
        ready?()
        ready = nil
    }

    /// Seconds since 1970 by the injected clock.
    var now: Double { clock.now().timeIntervalSince1970 }

    /// Runs the source to its end (or until `stop`, or the configured duration), writes the
    /// last window and returns the summary.
    func run(stop: StopFlag) throws -> SamplingSummary {
        let started = ContinuousClock.now
        let deadline = settings.duration.map { started + .milliseconds(Int64($0 * 1000)) }
        let timeUp = { stop.isSet || (deadline.map { ContinuousClock.now >= $0 } ?? false) }
        do {
            switch settings.source {
            case .files(let paths): try readFiles(paths, stop: stop)
            case .interface(let name): try captureInterface(name, stop: stop, deadline: deadline != nil, timeUp: timeUp)
            case .sflow(let host, let port): try receiveSFlow(host: host, port: port, deadline: deadline != nil, timeUp: timeUp)
            }
        } catch {
            signalReady()
            _ = sink.finish()
            throw error
        }
        signalReady()  // even when no source opened, so nobody waits forever
        if stop.isSet { summary.ending = "stopped" }
        flush()
        let report = sink.finish()
        summary.seconds = (ContinuousClock.now - started) / .seconds(1)
        summary.hostsCapped = aggregator.runHosts.count >= SightingAggregator.runHostLimit
        summary.hosts = aggregator.runHosts.count
        summary.flushes = report.flushes
        summary.storeFailures = report.storeFailures
        summary.trafficRows = report.trafficRows
        summary.neighbours = report.neighbours
        summary.dhcpServers = report.dhcpServers
        if let u = report.unwritten {
            warnings.append("\(u.hosts) hosts and \(u.traffic) traffic rows could not be written to the store")
        }
        summary.warnings = warnings.all
        return summary
    }

    func warn(_ w: String) { warnings.append(w) }

    /// Reads one pcap source to its end (or until time is up): sampler, decoder, aggregator.
    func capture(_ src: PcapSource, wallClock: Bool, timeUp: @escaping () -> Bool) -> CaptureEnd {
        guard let link = src.linkType else {
            warn("\(src.name): link type \(src.dlt) is not decoded; skipped")
            return .endOfInput
        }
        // Per-frame counters live in locals (no class-storage access on the hot path) and are
        // added to the summary when the source ends.
        var read = 0, sampled = 0, sinceCheck = 0
        var issues: [Int] = Array(repeating: 0, count: DecodeIssue.allCases.count)
        var sampler = self.sampler
        let rate = sampler.rate
        let aggregator = self.aggregator
        var p = DecodedPacket()  // reused: decoded in place, never copied out
        defer {
            summary.packetsRead += read
            summary.packetsSampled += sampled
            for issue in DecodeIssue.allCases where issues[issue.index] > 0 { summary.skipped[issue, default: 0] += issues[issue.index] }
            self.sampler = sampler
        }
        return src.forEach(idle: {
            flushIfDue(now: now)
            return !timeUp()
        }) { ts, bytes, wire in
            read += 1
            if sampler.take() {
                sampled += 1
                PacketDecoder.decode(bytes, wireLength: wire, linkType: link, into: &p)
                if let issue = p.issue { issues[issue.index] += 1 }
                aggregator.observe(p, time: ts, rate: rate)
            }
            sinceCheck += 1
            if sinceCheck >= 4096 {
                sinceCheck = 0
                if timeUp() { return false }
                // A window closed now records a capture file's progress from packetsRead: bring it up to date.
                summary.packetsRead += read
                read = 0
                flushIfDue(now: wallClock ? now : ts)
            }
            return true
        }
    }

    /// One sFlow datagram: its counter samples, and its flow samples through sampler, decoder
    /// and aggregator.
    func handleSFlow(_ bytes: UnsafeRawBufferPointer, now: Double) {
        switch SFlowDecoder.decode(bytes) {
        case .failure(let e):
            summary.badDatagrams += 1
            summary.skipped[e.reason, default: 0] += 1
        case .success(let d):
            summary.datagrams += 1
            guard let agent = IPAddress(bytes: d.agent.bytes) else { return }
            for c in d.counterSamples {
                aggregator.counters.append(InterfaceCounterSighting(
                    agent: agent, ifIndex: Int(c.ifIndex), sampledAt: Date(timeIntervalSince1970: now), capturePoint: settings.capturePoint,
                    ifSpeed: Int64(clamping: c.ifSpeed), inOctets: Int64(clamping: c.inOctets), outOctets: Int64(clamping: c.outOctets),
                    inErrors: Int64(c.inErrors), outErrors: Int64(c.outErrors)))
            }
            for f in d.flowSamples {
                summary.packetsRead += 1
                guard sampler.take() else { continue }
                summary.packetsSampled += 1
                guard f.headerProtocol == 1 else { summary.skipped[.unsupportedLinkType, default: 0] += 1; continue }
                let p = PacketDecoder.decode(f.header, wireLength: Int(f.frameLength), linkType: .ethernet)
                if let issue = p.issue, issue != .truncated { summary.skipped[issue, default: 0] += 1 }
                // The agent sampled 1 in samplingRate; Pantau's own rate multiplies it.
                aggregator.observe(p, time: now, rate: max(1, Int(f.samplingRate)) * sampler.rate)
            }
        }
        flushIfDue(now: now)
    }

    /// Closes the window when a flush interval has passed since the last (capture time for
    /// files, the clock for live sources), and warns once when a table overflowed.
    func flushIfDue(now: Double) {
        if aggregator.overflowHostFrames > 0 && !warnedOverflow {
            warnedOverflow = true
            let w = "host table full (\(settings.maxHosts) hosts since the last flush): frames from further new MACs are counted as overflow, not recorded; a MAC flood or a too-small max_hosts"
            warn(w)
            logger.warning("\(w)")
        }
        if aggregator.overflowTrafficKeys > 0 && !warnedTraffic {
            warnedTraffic = true
            let w = "traffic table full (\(settings.maxTrafficKeys) buckets since the last flush): further keys are added to the 'other' bucket"
            warn(w)
            logger.warning("\(w)")
        }
        guard let last = lastFlush else { lastFlush = now; return }
        if now - last >= settings.flushInterval || now < last - settings.flushInterval { flush(); lastFlush = now }
    }

    /// Closes the window and hands it to the sink stage (which writes it on its own thread).
    func flush() {
        summary.overflowFrames += aggregator.overflowHostFrames
        sink.send(SightingWindow(batch: aggregator.takeBatch(), packetsRead: summary.packetsRead))
    }
}

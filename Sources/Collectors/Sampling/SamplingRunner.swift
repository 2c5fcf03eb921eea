import Settings
import Foundation
import InventoryModel
import InventoryStore
import Storage
import Logging
import PacketCapture
import PacketDecoding

/// What one sampling run did, for `collect` and `sample` to print.
public struct SamplingSummary: Sendable, CustomStringConvertible {
    public var source: String
    public var capturePoint: String
    public var rate: Int
    public var packetsRead = 0
    public var packetsSampled = 0
    /// Sampled frames decoded only partly, by reason.
    public var skipped: [DecodeIssue: Int] = [:]
    /// sFlow datagrams received and rejected.
    public var datagrams = 0
    public var badDatagrams = 0
    /// Distinct hosts recorded (capped at `hostCountLimit` for memory's sake).
    public var hosts = 0
    public var hostsCapped = false
    public var neighbours = 0
    public var dhcpServers = 0
    public var trafficRows = 0
    /// Frames from hosts that did not fit the host table (a flood of new MACs).
    public var overflowFrames = 0
    public var flushes = 0
    public var storeFailures = 0
    /// Capture files not read because the store's ledger says their packets are counted.
    public var filesAlreadyRead = 0
    /// Capture files read from where counting had stopped (grown since, or a run stopped
    /// part-way), and the packets skipped in them because they were counted before.
    public var filesResumed = 0
    public var packetsAlreadyCounted = 0
    /// How to read files again, for the "already read" line (`collect` names the config key).
    public var rereadHint = "use --reread to read them again"
    public var seconds: Double = 0
    /// How the run ended: "end of input", "duration reached", or the failure.
    public var ending = ""
    public var warnings: [String] = []

    public var packetsSkipped: Int { skipped.values.reduce(0, +) }

    public var description: String {
        var lines: [String] = []
        let pps = seconds > 0 ? Int(Double(packetsRead) / seconds) : 0
        lines.append("sampling \(source) at \(capturePoint): \(ending)")
        lines.append("  packets: \(packetsRead) read, \(packetsSampled) sampled (1 in \(rate)), \(packetsSkipped) partly decoded"
                     + (skipped.isEmpty ? "" : " (" + skipped.sorted { $0.key < $1.key }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ") + ")")
                     + String(format: " in %.2fs (%d packets/s)", seconds, pps))
        if datagrams > 0 || badDatagrams > 0 { lines.append("  sFlow datagrams: \(datagrams) decoded, \(badDatagrams) rejected") }
        lines.append("  found: \(hostsCapped ? "over " : "")\(hosts) hosts, \(neighbours) neighbour announcements, \(dhcpServers) DHCP servers; \(trafficRows) traffic rows")
        if overflowFrames > 0 { lines.append("  overflow: \(overflowFrames) frames from hosts beyond the host table limit") }
        if storeFailures > 0 { lines.append("  store: \(storeFailures) failed writes") }
        if filesAlreadyRead > 0 {
            lines.append("  files: skipped \(filesAlreadyRead) file\(filesAlreadyRead == 1 ? "" : "s") already read (\(rereadHint))")
        }
        if filesResumed > 0 {
            lines.append("  files: resumed \(filesResumed) file\(filesResumed == 1 ? "" : "s") after \(packetsAlreadyCounted) packets counted before")
        }
        for w in warnings { lines.append("  warning: \(w)") }
        return lines.joined(separator: "\n")
    }
}

/// Runs packet sampling as configured and records what it finds in `store`.
///
/// File sources run to the end of the last file. Live interfaces and sFlow listeners run
/// for `settings.duration` seconds (or until the task is cancelled when it is nil). Faults
/// do not stop the run: undecodable frames are counted, a failed store write is retried
/// at the next flush, and a live interface that disappears is reopened every 2 seconds.
///
/// `ready`, when given, is called once the source is open (interface activated, socket
/// bound, first file opened), so a caller can start sending without guessing a delay.
public func runSampling(_ settings: SamplingSettings, store: PantauStore, segments: [PDSegment], logger: Logger,
                        ready: (@Sendable () -> Void)? = nil) async throws -> SamplingSummary {
    let engine = try SamplingEngine(settings: settings, store: store, segments: segments, logger: logger)
    engine.ready = ready
    let stop = StopFlag()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (cont: CheckedContinuation<SamplingSummary, any Error>) in
            // Capture loops block in libpcap/poll; give them their own thread, not the cooperative pool.
            let thread = Thread {
                do { cont.resume(returning: try engine.run(stop: stop)) } catch { cont.resume(throwing: error) }
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    } onCancel: {
        stop.set()
    }
}

/// A flag another thread can raise to stop a capture loop.
final class StopFlag: @unchecked Sendable {
    // @unchecked: guarded by the lock.
    private let lock = NSLock()
    private var raised = false
    var source: PcapSource?
    func set() { lock.lock(); raised = true; let s = source; lock.unlock(); s?.breakLoop() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return raised }
    func attach(_ s: PcapSource?) { lock.lock(); source = s; lock.unlock() }
}

/// Drives one source through sampling, decoding, aggregation and periodic flushes.
final class SamplingEngine: @unchecked Sendable {
    // @unchecked: used from the one capture thread only.
    let settings: SamplingSettings
    let store: PantauStore
    let logger: Logger
    let aggregator: SightingAggregator
    var sampler: PacketSampler
    var summary: SamplingSummary
    var pending: SightingBatch?
    /// Capture-file progress that goes with `pending`.
    var pendingFile: CaptureFileProgress?
    /// The capture-file ledger (file sources only).
    let ledger: CaptureFileLedger?
    var lastFlush: Double?
    static let hostCountLimit = SightingAggregator.runHostLimit
    var warnedOverflow = false
    var warnedTraffic = false
    var ready: (@Sendable () -> Void)?

    func signalReady() {
        ready?()
        ready = nil
    }

    init(settings: SamplingSettings, store: PantauStore, segments: [PDSegment], logger: Logger) throws {
        self.settings = settings
        self.store = store
        self.logger = logger
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
        if case .files = settings.source {
            ledger = CaptureFileLedger(store: store, capturePoint: settings.capturePoint, filter: settings.filter, reread: settings.reread)
        } else {
            ledger = nil
        }
    }

    func run(stop: StopFlag) throws -> SamplingSummary {
        let started = Date()
        let deadline = settings.duration.map { started.addingTimeInterval($0) }
        func timeUp() -> Bool { stop.isSet || (deadline.map { Date() >= $0 } ?? false) }
        switch settings.source {
        case .files(let paths):
            var files: [String] = []
            for p in paths { files += try captureFiles(at: p) }
            summary.ending = "end of input (\(files.count) file\(files.count == 1 ? "" : "s"))"
            for (i, f) in files.enumerated() {
                if stop.isSet { summary.ending = "stopped"; break }
                if try !readFile(f, stop: stop, last: i == files.count - 1) { summary.ending = "stopped"; break }
            }
        case .interface(let name):
            summary.ending = deadline == nil ? "stopped" : "duration reached"
            var announcedLoss = false
            while !timeUp() {
                let src: PcapSource
                do {
                    src = try PcapSource.open(interface: name, snaplen: settings.snaplen, promiscuous: settings.promiscuous)
                } catch {
                    // An interface that never existed is a configuration error; one that went
                    // away mid-run is waited for.
                    if summary.packetsRead == 0 && !announcedLoss { throw error }
                    Thread.sleep(forTimeInterval: 2)
                    flushIfDue(now: Date().timeIntervalSince1970, wallClock: true)
                    continue
                }
                if announcedLoss { logger.notice("\(name): capture resumed") ; summary.warnings.append("\(name): capture resumed") }
                try applyFilter(src)
                stop.attach(src)
                signalReady()
                let end = capture(src, wallClock: true, timeUp: timeUp)
                stop.attach(nil)
                if let s = src.statistics(), s.dropped > 0 { summary.warnings.append("\(name): kernel dropped \(s.dropped) packets") }
                if case .failed(let msg) = end {
                    announcedLoss = true
                    summary.warnings.append("\(name): capture failed: \(msg); retrying")
                    logger.warning("\(name): capture failed: \(msg); retrying every 2s")
                    Thread.sleep(forTimeInterval: 2)
                }
            }
        case .sflow(let host, let port):
            summary.ending = deadline == nil ? "stopped" : "duration reached"
            let receiver = try SFlowReceiver(host: host, port: port)
            logger.info("listening for sFlow on \(host):\(receiver.port)")
            signalReady()
            try receiver.forEach(idle: {
                flushIfDue(now: Date().timeIntervalSince1970, wallClock: true)
                return !timeUp()
            }) { bytes in
                handleSFlow(bytes, now: Date().timeIntervalSince1970)
                return !timeUp()
            }
        }
        signalReady()  // even when no source opened, so nobody waits forever
        if stop.isSet { summary.ending = "stopped" }
        flush()
        summary.seconds = Date().timeIntervalSince(started)
        summary.hostsCapped = aggregator.runHosts.count >= Self.hostCountLimit
        summary.hosts = aggregator.runHosts.count
        if let p = pending, !p.isEmpty {
            summary.warnings.append("\(p.hosts.count) hosts and \(p.traffic.count) traffic rows could not be written to the store")
        }
        return summary
    }

    func applyFilter(_ src: PcapSource) throws {
        if let f = settings.filter { try src.setFilter(f) }
    }

    /// Reads one pcap source to its end (or until time is up).
    func capture(_ src: PcapSource, wallClock: Bool, timeUp: @escaping () -> Bool) -> CaptureEnd {
        guard let link = src.linkType else {
            summary.warnings.append("\(src.name): link type \(src.dlt) is not decoded; skipped")
            return .endOfInput
        }
        // Per-frame counters live in locals (no class-storage access on the hot path) and are
        // added to the summary when the source ends.
        var read = 0, sampled = 0, sinceCheck = 0
        var issues: [Int] = Array(repeating: 0, count: DecodeIssue.allCases.count)
        var sampler = self.sampler
        let rate = sampler.rate
        let aggregator = self.aggregator
        defer {
            summary.packetsRead += read
            summary.packetsSampled += sampled
            for issue in DecodeIssue.allCases where issues[issue.index] > 0 { summary.skipped[issue, default: 0] += issues[issue.index] }
            self.sampler = sampler
        }
        return src.forEach(idle: {
            flushIfDue(now: Date().timeIntervalSince1970, wallClock: true)
            return !timeUp()
        }) { ts, bytes, wire in
            read += 1
            if sampler.take() {
                sampled += 1
                let p = PacketDecoder.decode(bytes, wireLength: wire, linkType: link)
                if let issue = p.issue { issues[issue.index] += 1 }
                aggregator.observe(p, time: ts, rate: rate)
            }
            sinceCheck += 1
            if sinceCheck >= 4096 {
                sinceCheck = 0
                if timeUp() { return false }
                // A flush writes a capture file's ledger count from packetsRead: bring it up to date.
                summary.packetsRead += read
                read = 0
                flushIfDue(now: wallClock ? Date().timeIntervalSince1970 : ts, wallClock: wallClock)
            }
            return true
        }
    }

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
        flushIfDue(now: now, wallClock: true)
    }

    func flushIfDue(now: Double, wallClock: Bool) {
        if aggregator.overflowHostFrames > 0 && !warnedOverflow {
            warnedOverflow = true
            let w = "host table full (\(settings.maxHosts) hosts since the last flush): frames from further new MACs are counted as overflow, not recorded; a MAC flood or a too-small max_hosts"
            summary.warnings.append(w)
            logger.warning("\(w)")
        }
        if aggregator.overflowTrafficKeys > 0 && !warnedTraffic {
            warnedTraffic = true
            let w = "traffic table full (\(settings.maxTrafficKeys) buckets since the last flush): further keys are added to the 'other' bucket"
            summary.warnings.append(w)
            logger.warning("\(w)")
        }
        guard let last = lastFlush else { lastFlush = now; return }
        if now - last >= settings.flushInterval || now < last - settings.flushInterval { flush(); lastFlush = now }
    }

    /// Writes the window to the store. A failed write (disk full, locked) keeps the batch for
    /// the next attempt; if that fails too the older batch is dropped, so memory stays bounded.
    func flush() {
        summary.overflowFrames += aggregator.overflowHostFrames
        var batch = aggregator.takeBatch()
        if let p = pending {
            // Retry the earlier failed batch first.
            do {
                let id = try store.record(sightings: p, captureFile: pendingFile)
                account(p)
                if let f = pendingFile { ledger?.written(f, id: id) }
                pending = nil; pendingFile = nil
            } catch {
                summary.storeFailures += 1
                summary.warnings.append("dropped \(p.hosts.count) hosts and \(p.traffic.count) traffic rows after repeated store failures: \(error)")
                logger.error("store write failed again; dropping the older batch: \(error)")
                pending = nil; pendingFile = nil
            }
        }
        // A file's progress goes with the batch holding its packets, even an empty one.
        let progress = ledger?.progress(packetsRead: summary.packetsRead, batch: batch)
        guard !batch.isEmpty || progress != nil else { return }
        if !batch.isEmpty { summary.flushes += 1 }
        do {
            let id = try store.record(sightings: batch, captureFile: progress)
            account(batch)
            if let progress { ledger?.written(progress, id: id) }
        } catch {
            summary.storeFailures += 1
            logger.error("store write failed (will retry at next flush): \(error)")
            pending = batch
            pendingFile = progress
            batch = SightingBatch()
        }
    }

    /// Distinct neighbours and DHCP servers over the whole run (each table is itself bounded).
    var neighbourKeys = Set<String>()
    var serverKeys = Set<String>()

    func account(_ b: SightingBatch) {
        for n in b.neighbours where neighbourKeys.count < Self.hostCountLimit { neighbourKeys.insert("\(n.protocolName)|\(n.mac)|\(n.vlan ?? 0)") }
        for s in b.dhcpServers where serverKeys.count < Self.hostCountLimit { serverKeys.insert("\(s.server)|\(s.mac)|\(s.vlan ?? 0)") }
        summary.neighbours = neighbourKeys.count
        summary.dhcpServers = serverKeys.count
        summary.trafficRows += b.traffic.count
    }
}

import Foundation
import InventoryModel
import Logging
import PacketCapture
import Settings
import Storage

/// The sources of a sampling pipeline: capture files (through the capture-file ledger), a
/// live interface, an sFlow listener. Each feeds `capture` or `handleSFlow` and returns when
/// its input ends, the run is stopped or its time is up.
extension SamplingPipeline {
    /// Capture files and directories of rotated files, in order.
    func readFiles(_ paths: [String], stop: StopFlag) throws {
        var files: [String] = []
        for p in paths { files += try captureFiles(at: p) }
        summary.ending = "end of input (\(files.count) file\(files.count == 1 ? "" : "s"))"
        for (i, f) in files.enumerated() {
            if stop.isSet { summary.ending = "stopped"; break }
            if try !readFile(f, stop: stop, last: i == files.count - 1) { summary.ending = "stopped"; break }
        }
    }

    /// A live interface, reopened every 2 seconds when it goes away, until time is up.
    func captureInterface(_ name: String, stop: StopFlag, deadline: Bool, timeUp: @escaping () -> Bool) throws {
        summary.ending = deadline ? "duration reached" : "stopped"
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
                flushIfDue(now: now)
                continue
            }
            if announcedLoss { logger.notice("\(name): capture resumed"); warn("\(name): capture resumed") }
            try applyFilter(src)
            stop.attach(src)
            signalReady()
            let end = capture(src, wallClock: true, timeUp: timeUp)
            stop.attach(nil)
            if let s = src.statistics(), s.dropped > 0 { warn("\(name): kernel dropped \(s.dropped) packets") }
            if case .failed(let msg) = end {
                announcedLoss = true
                warn("\(name): capture failed: \(msg); retrying")
                logger.warning("\(name): capture failed: \(msg); retrying every 2s")
                Thread.sleep(forTimeInterval: 2)
            }
        }
    }

    /// An sFlow v5 listener, until time is up.
    func receiveSFlow(host: String, port: UInt16, deadline: Bool, timeUp: @escaping () -> Bool) throws {
        summary.ending = deadline ? "duration reached" : "stopped"
        let receiver = try SFlowReceiver(host: host, port: port)
        logger.info("listening for sFlow on \(host):\(receiver.port)")
        signalReady()
        try receiver.forEach(idle: {
            flushIfDue(now: now)
            return !timeUp()
        }) { bytes in
            handleSFlow(bytes, now: now)
            return !timeUp()
        }
    }

    func applyFilter(_ src: PcapSource) throws {
        if let f = settings.filter { try src.setFilter(f) }
    }

    /// Reads one capture file of a file source, as the ledger decides: not at all, from its
    /// start, or after the packets already counted. Returns false when the run was stopped.
    /// Throws only for a filter that does not compile (a configuration error).
    ///
    /// The file's last packets and its ledger entry are flushed together when it ends; for
    /// the `last` file that is the run's own final flush (so a failing store sees no extra
    /// retry).
    func readFile(_ path: String, stop: StopFlag, last: Bool) throws -> Bool {
        var skip = 0
        var entry: CaptureFileRecord?
        var identity: CaptureFileIdentity?
        if let ledger {
            do {
                switch try ledger.decide(path: path) {
                case .skip(let why, let counted):
                    switch why {
                    case .alreadyRead(let packets):
                        summary.filesAlreadyRead += 1
                        logger.debug("\(path): already read at \(settings.capturePoint) (\(packets) packets, as \(counted)); skipped")
                    case .listedTwice:
                        warn("\(path): same capture as \(counted), already read in this run; read once")
                    case .otherFilter(let packets, let was):
                        warn("\(path): counted up to packet \(packets) under filter \(was.map { "\"\($0)\"" } ?? "(none)"), "
                             + "not \(settings.filter.map { "\"\($0)\"" } ?? "(none)"); not read (the same filter reads on, --reread reads it all again)")
                    }
                    return true
                case .read(let n, let e, let id):
                    skip = n; entry = e; identity = id
                case .readUnrecorded:
                    break
                }
            } catch {
                // Without the ledger a later run could count the file twice: leave it for then.
                warn("\(path): not read: checking the capture-file ledger: \(error)")
                return true
            }
        }
        let src: PcapSource
        do { src = try PcapSource.open(file: path) } catch {
            warn("\(error)")
            summary.filesUnreadable += 1
            return true
        }
        try applyFilter(src)
        stop.attach(src)
        defer { stop.attach(nil) }
        signalReady()
        if src.linkType != nil, let ledger, let identity {
            if skip > 0 {
                // Counted before: read past them without decoding (the same filter applies, so
                // the count is the same position).
                var passed = 0
                _ = src.forEach { _, _, _ in passed += 1; return passed < skip }
                if stop.isSet { return false }
                if passed < skip {
                    // A shorter copy of a file already counted: nothing in it is new.
                    ledger.passOver(path: path, identity: identity, entry: entry)
                    summary.filesAlreadyRead += 1
                    return true
                }
            }
            sink.send(ledger.begin(path: path, identity: identity, entry: entry, skipped: skip, packetsRead: summary.packetsRead))
            if skip > 0 { summary.filesResumed += 1; summary.packetsAlreadyCounted += skip }
        }
        let end = capture(src, wallClock: false, timeUp: { stop.isSet })
        if case .failed(let msg) = end {
            warn("\(path): stopped early: \(msg)")
            logger.warning("\(path): capture file stopped early: \(msg)")
        }
        // A damaged tail is as far as the file can be read: it counts as the end, and a
        // later run reads on only if the file grows.
        if end != .stopped, ledger != nil { sink.send(.reachedEnd) }
        if end == .stopped || !last {
            // The file's last packets and its ledger entry go to the store in one transaction;
            // the next file is judged against a ledger that holds them.
            flush()
            lastFlush = nil
            if ledger != nil { sink.send(.end) }
            sink.drain()
        }
        return end != .stopped
    }
}

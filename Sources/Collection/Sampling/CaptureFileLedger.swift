import Crypto
import Foundation
import InventoryStore
import Logging
import PacketCapture

/// A capture file's identity as the ledger compares it: size, modification time and the
/// SHA-256 of its first 64 KiB (all of it when smaller).
struct CaptureFileIdentity: Sendable, Hashable {
    /// Bytes hashed for the fingerprint: enough to include the first packets (and their
    /// timestamps), so two different captures never share it, while staying cheap.
    static let fingerprintBytes = 64 << 10

    var size: Int64
    var modified: Date?
    var fingerprint: CaptureFileFingerprint
    /// Fingerprints of shorter prefixes, one per length asked for: a file that was smaller
    /// than 64 KiB when it was read (then grew) is recognised by the hash of that prefix.
    var prefixes: [CaptureFileFingerprint]

    /// Reads the file's size, mtime and first bytes. `prefixLengths` are the lengths the
    /// ledger holds fingerprints of (one pass over the bytes hashes every prefix). Nil for
    /// what is not a regular file (a FIFO, /dev/stdin): reading it would consume it.
    static func of(path: String, prefixLengths: [Int]) throws -> CaptureFileIdentity? {
        let attrs = try FileManager.default.attributesOfItem(atPath: path)
        guard attrs[.type] as? FileAttributeType == .typeRegular else { return nil }
        let size = (attrs[.size] as? NSNumber)?.int64Value ?? 0
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CocoaError(.fileReadNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? handle.close() }
        // The file may change between stat and read (a capture being written): hash what was read.
        let head = try handle.read(upToCount: Int(min(size, Int64(fingerprintBytes)))) ?? Data()
        var hasher = SHA256()
        var prefixes: [CaptureFileFingerprint] = []
        var done = 0
        for length in Set(prefixLengths).sorted() where length > 0 && length < head.count {
            hasher.update(data: head[head.startIndex + done ..< head.startIndex + length])
            done = length
            prefixes.append(CaptureFileFingerprint(sha256: hex(hasher), length: length))  // a copy finalises; the original goes on
        }
        hasher.update(data: head[head.startIndex + done ..< head.endIndex])
        return CaptureFileIdentity(size: size, modified: attrs[.modificationDate] as? Date,
                                   fingerprint: CaptureFileFingerprint(sha256: hex(hasher), length: head.count), prefixes: prefixes)
    }

    private static func hex(_ hasher: SHA256) -> String {
        hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

/// The sampler's side of the capture-file ledger: decides for each file whether to read it,
/// skip it (its packets are already counted at this capture point) or resume it (it grew,
/// or an earlier run stopped part-way), and produces the progress that each flush writes
/// in the same transaction as the sightings.
///
/// Interrupted runs: progress is the number of packets whose sightings are in the store,
/// written with them. A run that is stopped records its last batch with its progress; a
/// run that dies loses the sightings since its last flush together with their progress. Either
/// way the next run skips exactly the packets already counted and reads on from there.
final class CaptureFileLedger {
    // Used from the one capture thread only.
    let store: PantauStore
    let capturePoint: String
    let filter: String?
    let reread: Bool

    /// Entries read or skipped in this run: the same content listed twice is read once.
    private var handled = Set<Int64>()

    /// The file being read.
    struct Current {
        var id: Int64
        var path: String
        var identity: CaptureFileIdentity
        /// Packets counted before this reading (skipped when resuming).
        var counted: Int
        /// The summary's packetsRead when reading began, so packets read since are known.
        var readAtStart: Int
        /// True once the file was read to its end.
        var atEnd = false
        var lastWritten: (packets: Int, complete: Bool)?
    }
    private(set) var current: Current?

    enum Decision {
        /// Read the file, after skipping `skip` packets already counted. `entry` is the
        /// ledger entry it continues or restarts (nil: a new file).
        case read(skip: Int, entry: CaptureFileRecord?, identity: CaptureFileIdentity)
        /// Do not read it: everything in it is counted (or it was read under another filter).
        case skip(CaptureFileRecord, Skip)
        /// Not a regular file (a pipe): it cannot be read twice, so it is read without the ledger.
        case readUnrecorded
    }
    enum Skip { case alreadyRead, listedTwice, otherFilter }

    init(store: PantauStore, capturePoint: String, filter: String?, reread: Bool) {
        self.store = store
        self.capturePoint = capturePoint
        self.filter = filter
        self.reread = reread
    }

    func decide(path: String) throws -> Decision {
        let lengths = try store.captureFileFingerprintLengths(capturePoint: capturePoint, upTo: CaptureFileIdentity.fingerprintBytes)
        guard let identity = try CaptureFileIdentity.of(path: path, prefixLengths: lengths) else { return .readUnrecorded }
        guard let entry = try store.captureFile(capturePoint: capturePoint, matching: identity.prefixes + [identity.fingerprint]) else {
            return .read(skip: 0, entry: nil, identity: identity)
        }
        if handled.contains(entry.id) { return .skip(entry, .listedTwice) }
        if reread { return .read(skip: 0, entry: entry, identity: identity) }
        if entry.complete && entry.size == identity.size { return .skip(entry, .alreadyRead) }
        // Packets are counted after the filter: under another filter the count is no position.
        if entry.filter != filter { return .skip(entry, .otherFilter) }
        // Grown, stopped part-way, or a shorter copy: skip what is counted, read the rest.
        return .read(skip: entry.packets, entry: entry, identity: identity)
    }

    /// Marks a file as handled in this run without reading it.
    func passOver(_ entry: CaptureFileRecord) { handled.insert(entry.id) }

    /// Starts counting a file whose first `skipped` packets are already counted (resuming
    /// `entry`), or from its start (a new file, or `entry` read again).
    func begin(path: String, identity: CaptureFileIdentity, entry: CaptureFileRecord?, skipped: Int, packetsRead: Int) throws(StoreError) {
        var id = entry?.id
        if entry == nil || reread {
            let start = CaptureFileProgress(id: 0, path: path, size: identity.size, modified: identity.modified, fingerprint: identity.fingerprint,
                                            filter: filter, packets: 0, complete: false, readAt: Date())
            id = try store.beginCaptureFile(capturePoint: capturePoint, start, restarting: entry?.id)
        }
        guard let id else { return }  // unreachable: entry is nil only on the branch that sets id
        handled.insert(id)
        current = Current(id: id, path: path, identity: identity, counted: skipped, readAtStart: packetsRead)
    }

    /// The file was read to its end (or to a point it cannot be read past).
    func reachedEnd() { current?.atEnd = true }

    /// Progress to write with `batch`, or nil when no file is being read or nothing changed.
    func progress(packetsRead: Int, batch: SightingBatch) -> CaptureFileProgress? {
        guard let c = current else { return nil }
        let packets = c.counted + packetsRead - c.readAtStart
        if batch.isEmpty, let w = c.lastWritten, w.packets == packets, w.complete == c.atEnd { return nil }
        var first: Date?, last: Date?
        for h in batch.hosts {
            first = min(first ?? h.firstSeen, h.firstSeen)
            last = max(last ?? h.lastSeen, h.lastSeen)
        }
        for n in batch.neighbours {
            first = min(first ?? n.firstSeen, n.firstSeen)
            last = max(last ?? n.lastSeen, n.lastSeen)
        }
        return CaptureFileProgress(id: c.id, path: c.path, size: c.identity.size, modified: c.identity.modified,
                                   fingerprint: c.identity.fingerprint, filter: filter, packets: packets, complete: c.atEnd,
                                   readAt: Date(), firstPacket: first, lastPacket: last)
    }

    /// `progress` is in the store.
    func written(_ progress: CaptureFileProgress) {
        guard current?.id == progress.id else { return }
        current?.lastWritten = (progress.packets, progress.complete)
    }

    /// Stops counting the current file.
    func end() { current = nil }
}

extension SamplingEngine {
    /// Reads one capture file of a file source, as the ledger decides: not at all, from its
    /// start, or after the packets already counted. Returns false when the run was stopped.
    /// Throws only for a filter that does not compile (a configuration error).
    func readFile(_ path: String, stop: StopFlag) throws -> Bool {
        var skip = 0
        var entry: CaptureFileRecord?
        var identity: CaptureFileIdentity?
        if let ledger {
            do {
                switch try ledger.decide(path: path) {
                case .skip(let e, let why):
                    ledger.passOver(e)
                    switch why {
                    case .alreadyRead:
                        summary.filesAlreadyRead += 1
                        logger.debug("\(path): already read at \(settings.capturePoint) (\(e.packets) packets, as \(e.path)); skipped")
                    case .listedTwice:
                        summary.warnings.append("\(path): same capture as \(e.path), already read in this run; read once")
                    case .otherFilter:
                        summary.warnings.append("\(path): counted up to packet \(e.packets) under filter \(e.filter.map { "\"\($0)\"" } ?? "(none)"), "
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
                summary.warnings.append("\(path): not read: checking the capture-file ledger: \(error)")
                return true
            }
        }
        let src: PcapSource
        do { src = try PcapSource.open(file: path) } catch {
            summary.warnings.append("\(error)")
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
                    if let entry { ledger.passOver(entry) }
                    summary.filesAlreadyRead += 1
                    return true
                }
            }
            do {
                try ledger.begin(path: path, identity: identity, entry: entry, skipped: skip, packetsRead: summary.packetsRead)
            } catch {
                summary.storeFailures += 1
                summary.warnings.append("\(path): not read: recording it in the capture-file ledger: \(error)")
                return true
            }
            if skip > 0 { summary.filesResumed += 1; summary.packetsAlreadyCounted += skip }
        }
        let end = capture(src, wallClock: false, timeUp: { stop.isSet })
        if case .failed(let msg) = end {
            summary.warnings.append("\(path): stopped early: \(msg)")
            logger.warning("\(path): capture file stopped early: \(msg)")
        }
        // A damaged tail is as far as the file can be read: it counts as the end, and a
        // later run reads on only if the file grows.
        if end != .stopped { ledger?.reachedEnd() }
        // The file's last packets and its ledger entry go to the store in one transaction.
        flush()
        lastFlush = nil
        ledger?.end()
        return end != .stopped
    }
}

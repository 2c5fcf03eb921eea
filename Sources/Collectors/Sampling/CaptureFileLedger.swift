import Crypto
import Foundation
import Settings
import InventoryModel
import InventoryStore
import Storage
import Logging
import PacketCapture

/// A capture file's identity as the ledger compares it: size, modification time and the
/// SHA-256 of its first 64 KiB (all of it when smaller).
struct CaptureFileIdentity: Sendable, Hashable {
    /// Bytes hashed for the fingerprint: enough to include the first packets and their
    /// timestamps, so two different captures do not share it (only files holding no packet
    /// at all can, and there is nothing in them to count twice), while staying cheap.
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
/// Nothing is written for a file before its first batch: a new file gets its ledger entry
/// in the transaction that stores its first sightings, so a store that cannot be written
/// (a full disk) holds neither, and the file is read in full once it can.
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

    /// Files read or passed over in this run, by content (with the path first seen) and by
    /// ledger entry: the same content listed twice is read once.
    private var seen: [CaptureFileFingerprint: String] = [:]
    private var seenEntries = Set<Int64>()

    /// The file being read.
    struct Current {
        /// Its ledger entry; nil until the first write creates it.
        var id: Int64?
        var path: String
        var identity: CaptureFileIdentity
        /// Packets counted before this reading (skipped when resuming).
        var counted: Int
        /// The summary's packetsRead when reading began, so packets read since are known.
        var readAtStart: Int
        /// A reading from the start over an existing entry (`reread`), until its first write.
        var restart: Bool
        /// True once the file was read to its end.
        var atEnd = false
        var lastWritten: (packets: Int, complete: Bool)?
    }
    private(set) var current: Current?

    enum Decision {
        /// Read the file, after skipping `skip` packets already counted. `entry` is the
        /// ledger entry it continues or restarts (nil: a new file).
        case read(skip: Int, entry: CaptureFileRecord?, identity: CaptureFileIdentity)
        /// Do not read it. `counted` names where its packets were counted.
        case skip(Skip, counted: String)
        /// Not a regular file (a pipe): it cannot be read twice, so it is read without the ledger.
        case readUnrecorded
    }
    enum Skip {
        /// Everything in it is counted.
        case alreadyRead(packets: Int)
        /// The same content came earlier in this run.
        case listedTwice
        /// Counted part-way under another filter, so the count is no position under this one.
        case otherFilter(packets: Int, filter: String?)
    }

    init(store: PantauStore, capturePoint: String, filter: String?, reread: Bool) {
        self.store = store
        self.capturePoint = capturePoint
        self.filter = filter
        self.reread = reread
    }

    func decide(path: String) throws -> Decision {
        let lengths = try store.captureFileFingerprintLengths(capturePoint: capturePoint, upTo: CaptureFileIdentity.fingerprintBytes)
        guard let identity = try CaptureFileIdentity.of(path: path, prefixLengths: lengths) else { return .readUnrecorded }
        if let first = seen[identity.fingerprint] { return .skip(.listedTwice, counted: first) }
        guard let entry = try store.captureFile(capturePoint: capturePoint, matching: identity.prefixes + [identity.fingerprint]) else {
            return .read(skip: 0, entry: nil, identity: identity)
        }
        if seenEntries.contains(entry.id) { return .skip(.listedTwice, counted: entry.path) }
        if reread { return .read(skip: 0, entry: entry, identity: identity) }
        if entry.complete && entry.size == identity.size { return pass(identity, entry, .alreadyRead(packets: entry.packets)) }
        // Packets are counted after the filter: under another filter the count is no position.
        if entry.filter != filter { return pass(identity, entry, .otherFilter(packets: entry.packets, filter: entry.filter)) }
        // Grown, stopped part-way, or a shorter copy: skip what is counted, read the rest.
        return .read(skip: entry.packets, entry: entry, identity: identity)
    }

    private func pass(_ identity: CaptureFileIdentity, _ entry: CaptureFileRecord, _ why: Skip) -> Decision {
        seen[identity.fingerprint] = entry.path
        seenEntries.insert(entry.id)
        return .skip(why, counted: entry.path)
    }

    /// A file whose packets turned out to be counted already (a shorter copy): not read.
    func passOver(path: String, identity: CaptureFileIdentity, entry: CaptureFileRecord?) {
        seen[identity.fingerprint] = entry?.path ?? path
        if let entry { seenEntries.insert(entry.id) }
    }

    /// Starts counting a file whose first `skipped` packets are already counted (resuming
    /// `entry`), or from its start (a new file, or `entry` read again). Writes nothing.
    func begin(path: String, identity: CaptureFileIdentity, entry: CaptureFileRecord?, skipped: Int, packetsRead: Int) {
        seen[identity.fingerprint] = path
        if let entry { seenEntries.insert(entry.id) }
        current = Current(id: entry?.id, path: path, identity: identity, counted: skipped, readAtStart: packetsRead,
                          restart: entry != nil && reread)
    }

    /// The file was read to its end (or to a point it cannot be read past).
    func reachedEnd() { current?.atEnd = true }

    /// Progress to write with `batch`, or nil when no file is being read or nothing changed.
    func progress(packetsRead: Int, batch: SightingBatch) -> CaptureFileProgress? {
        guard let c = current else { return nil }
        let packets = c.counted + packetsRead - c.readAtStart
        if batch.isEmpty, let w = c.lastWritten, w.packets == packets, w.complete == c.atEnd { return nil }
        // No entry for a file with no packet counted (a capture just started): its bytes are
        // a file header that countless other captures share, which would match it as a prefix.
        if c.id == nil && packets == 0 { return nil }
        var first: Date?, last: Date?
        for h in batch.hosts {
            first = min(first ?? h.firstSeen, h.firstSeen)
            last = max(last ?? h.lastSeen, h.lastSeen)
        }
        for n in batch.neighbours {
            first = min(first ?? n.firstSeen, n.firstSeen)
            last = max(last ?? n.lastSeen, n.lastSeen)
        }
        return CaptureFileProgress(id: c.id, capturePoint: capturePoint, path: c.path, size: c.identity.size, modified: c.identity.modified,
                                   fingerprint: c.identity.fingerprint, filter: filter, packets: packets, complete: c.atEnd,
                                   restart: c.restart, readAt: Date(), firstPacket: first, lastPacket: last)
    }

    /// `progress` is in the store, as entry `id`.
    func written(_ progress: CaptureFileProgress, id: Int64?) {
        guard let c = current, c.path == progress.path, c.identity.fingerprint == progress.fingerprint else { return }
        current?.id = id ?? c.id
        current?.restart = false
        current?.lastWritten = (progress.packets, progress.complete)
    }

    /// Stops counting the current file.
    func end() { current = nil }
}

extension SamplingEngine {
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
                        summary.warnings.append("\(path): same capture as \(counted), already read in this run; read once")
                    case .otherFilter(let packets, let was):
                        summary.warnings.append("\(path): counted up to packet \(packets) under filter \(was.map { "\"\($0)\"" } ?? "(none)"), "
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
                    ledger.passOver(path: path, identity: identity, entry: entry)
                    summary.filesAlreadyRead += 1
                    return true
                }
            }
            ledger.begin(path: path, identity: identity, entry: entry, skipped: skip, packetsRead: summary.packetsRead)
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
        if end == .stopped || !last {
            // The file's last packets and its ledger entry go to the store in one transaction.
            flush()
            lastFlush = nil
            ledger?.end()
        }
        return end != .stopped
    }
}

import Crypto
import Foundation
import Settings
import InventoryModel
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

/// The capture-file ledger, the sampler's side: decides for each file whether to read it,
/// skip it (its packets are already counted at this capture point) or resume it (it grew,
/// or an earlier run stopped part-way). Runs on the capture thread; what each write says
/// about the file being read is kept by `LedgeredSink`, the ledger's stage around the sink.
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
    let store: any SightingRecording
    let capturePoint: String
    let filter: String?
    let reread: Bool

    /// Files read or passed over in this run, by content (with the path first seen) and by
    /// ledger entry: the same content listed twice is read once.
    private var seen: [CaptureFileFingerprint: String] = [:]
    private var seenEntries = Set<Int64>()

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

    init(store: any SightingRecording, capturePoint: String, filter: String?, reread: Bool) {
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
    /// `entry`), or from its start (a new file, or `entry` read again): the event to hand
    /// the ledger's sink stage. Writes nothing.
    func begin(path: String, identity: CaptureFileIdentity, entry: CaptureFileRecord?, skipped: Int, packetsRead: Int) -> LedgeredSink.Event {
        seen[identity.fingerprint] = path
        if let entry { seenEntries.insert(entry.id) }
        return .begin(LedgeredSink.Current(id: entry?.id, path: path, identity: identity, counted: skipped, readAtStart: packetsRead,
                                           restart: entry != nil && reread))
    }
}

/// The capture-file ledger as a stage around the sink: stamps each window with the progress
/// through the file being read, writes both in one transaction, and remembers what was
/// written (the entry a new file got, what the last write said), so an unchanged file is
/// not written again. Runs on the sink stage's thread; the capture thread tells it about
/// files by events sent in order with the windows.
final class LedgeredSink: SightingSink {
    let next: any SightingSink
    let capturePoint: String
    let filter: String?
    let clock: any WallClock

    /// The file being read.
    struct Current: Sendable {
        /// Its ledger entry; nil until the first write creates it.
        var id: Int64?
        var path: String
        var identity: CaptureFileIdentity
        /// Packets counted before this reading (skipped when resuming).
        var counted: Int
        /// The run's packetsRead when reading began, so packets read since are known.
        var readAtStart: Int
        /// A reading from the start over an existing entry (`reread`), until its first write.
        var restart: Bool
        /// True once the file was read to its end.
        var atEnd = false
        var lastWritten: (packets: Int, complete: Bool)?
    }
    private(set) var current: Current?

    enum Event: Sendable {
        /// Counting a file begins.
        case begin(Current)
        /// The file was read to its end (or to a point it cannot be read past).
        case reachedEnd
        /// Counting the current file stops.
        case end
    }

    init(next: any SightingSink, capturePoint: String, filter: String?, clock: any WallClock) {
        self.next = next
        self.capturePoint = capturePoint
        self.filter = filter
        self.clock = clock
    }

    func handle(_ event: Event) {
        switch event {
        case .begin(let c): current = c
        case .reachedEnd: current?.atEnd = true
        case .end: current = nil
        }
    }

    func write(_ window: inout SightingWindow) throws -> Int64? {
        if !window.stamped {
            window.captureFile = progress(packetsRead: window.packetsRead, batch: window.batch)
            window.stamped = true
        }
        // A file's progress goes with the batch holding its packets, even an empty one.
        guard !window.batch.isEmpty || window.captureFile != nil else { return nil }
        let id = try next.write(&window)
        if let p = window.captureFile { written(p, id: id) }
        return id
    }

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
                                   restart: c.restart, readAt: clock.now(), firstPacket: first, lastPacket: last)
    }

    /// `progress` is in the store, as entry `id`.
    private func written(_ progress: CaptureFileProgress, id: Int64?) {
        guard let c = current, c.path == progress.path, c.identity.fingerprint == progress.fingerprint else { return }
        current?.id = id ?? c.id
        current?.restart = false
        current?.lastWritten = (progress.packets, progress.complete)
    }
}

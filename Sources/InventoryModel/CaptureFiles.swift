import Foundation

/// What identifies a capture file's content whatever its name: the SHA-256 of its first
/// `length` bytes (the first 64 KiB, or the whole file when it is smaller).
public struct CaptureFileFingerprint: Sendable, Hashable, Codable {
    /// Lower-case hex.
    public var sha256: String
    /// Bytes hashed.
    public var length: Int
    public init(sha256: String, length: Int) {
        self.sha256 = sha256
        self.length = length
    }
}

/// One capture file in the ledger of files the sampler has counted at a capture point.
public struct CaptureFileRecord: Sendable, Hashable, Codable {
    public var id: Int64
    public var capturePoint: String
    /// Where it was last read from (a renamed copy keeps the first name it was read under).
    public var path: String
    /// Its size in bytes when the reading that produced `packets` began.
    public var size: Int64
    /// Its modification time then (recorded for people; content, not time, decides).
    public var modified: Date?
    public var fingerprint: CaptureFileFingerprint
    /// BPF filter the packets were counted under (nil: none).
    public var filter: String?
    /// Packets counted into the store, from the start of the file (after the filter).
    public var packets: Int
    /// True once the file was read to its end (at `size` bytes).
    public var complete: Bool
    public var firstRead: Date
    public var lastRead: Date
    /// Capture times of the first and last frames sampled from it (nil until one was).
    public var firstPacket: Date?
    public var lastPacket: Date?

    public init(id: Int64, capturePoint: String, path: String, size: Int64, modified: Date?, fingerprint: CaptureFileFingerprint, filter: String?, packets: Int, complete: Bool, firstRead: Date, lastRead: Date, firstPacket: Date?, lastPacket: Date?) {
        self.id = id
        self.capturePoint = capturePoint
        self.path = path
        self.size = size
        self.modified = modified
        self.fingerprint = fingerprint
        self.filter = filter
        self.packets = packets
        self.complete = complete
        self.firstRead = firstRead
        self.lastRead = lastRead
        self.firstPacket = firstPacket
        self.lastPacket = lastPacket
    }
}

/// How far the sampler has counted a capture file; written with the sightings it produced,
/// in the same transaction.
public struct CaptureFileProgress: Sendable, Hashable, Codable {
    /// The ledger entry; nil for a file not in the ledger yet (the write creates its entry).
    public var id: Int64?
    public var capturePoint: String
    public var path: String
    public var size: Int64
    public var modified: Date?
    public var fingerprint: CaptureFileFingerprint
    public var filter: String?
    /// Packets counted from the start of the file (an absolute count, not an increment).
    public var packets: Int
    public var complete: Bool
    /// True for the first write of a reading from the start (`--reread`): the entry's packet
    /// span is replaced rather than widened.
    public var restart: Bool
    public var readAt: Date
    /// Capture-time span of the frames in the batch written with this progress; the
    /// entry's span widens to include it.
    public var firstPacket: Date?
    public var lastPacket: Date?

    public init(id: Int64?, capturePoint: String, path: String, size: Int64, modified: Date?, fingerprint: CaptureFileFingerprint,
                filter: String?, packets: Int, complete: Bool, restart: Bool = false, readAt: Date, firstPacket: Date? = nil,
                lastPacket: Date? = nil) {
        self.id = id; self.capturePoint = capturePoint; self.path = path; self.size = size; self.modified = modified
        self.fingerprint = fingerprint; self.filter = filter; self.packets = packets; self.complete = complete; self.restart = restart
        self.readAt = readAt; self.firstPacket = firstPacket; self.lastPacket = lastPacket
    }
}

extension CaptureFileRecord {
    /// The entry a file's first progress makes (read now for the first time).
    public init(id: Int64, firstOf p: CaptureFileProgress) {
        self.init(id: id, capturePoint: p.capturePoint, path: p.path, size: p.size, modified: p.modified, fingerprint: p.fingerprint,
                  filter: p.filter, packets: p.packets, complete: p.complete, firstRead: p.readAt, lastRead: p.readAt,
                  firstPacket: p.firstPacket, lastPacket: p.lastPacket)
    }

    /// The entry after further progress, as the stores apply it: the file's identity, count and
    /// completeness are the latest; the packet span widens (a restart replaces it).
    public mutating func advance(to p: CaptureFileProgress) {
        path = p.path; size = p.size; modified = p.modified; fingerprint = p.fingerprint; filter = p.filter
        packets = p.packets; complete = p.complete; lastRead = p.readAt
        if p.restart {
            firstPacket = p.firstPacket; lastPacket = p.lastPacket
        } else {
            firstPacket = [firstPacket, p.firstPacket].compactMap { $0 }.min()
            lastPacket = [lastPacket, p.lastPacket].compactMap { $0 }.max()
        }
    }
}

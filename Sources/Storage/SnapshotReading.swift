import Foundation

/// One consistent view of the whole store for a long read (an audit export): every read made
/// through the storage handed to `body` sees the store as it was when the first one ran, and
/// writers (the collector) are never blocked. Nothing may be written through it.
public protocol SnapshotReading: Sendable {
    func readSnapshot<T>(_ body: (any PantauStorage) throws -> T) throws -> T
}

import Foundation

/// Where a front end runs heavy work (reading an uploaded diagram, packing an audit bundle):
/// one job at a time on a thread of its own, never on the threads that answer other requests,
/// with at most `capacity` jobs running or waiting. Past that a job is turned away at once
/// (the caller answers "busy") rather than queued without end.
public final class BoundedWorkQueue: @unchecked Sendable {
    // @unchecked: `admitted` is guarded by the lock; the rest is immutable.
    public let capacity: Int
    private let queue: DispatchQueue
    private let lock = NSLock()
    private var admitted = 0

    public init(label: String, capacity: Int) {
        self.capacity = capacity
        queue = DispatchQueue(label: label)
    }

    /// Runs `work` on the queue and returns its result, or nil at once when `capacity` jobs
    /// are already admitted.
    public func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T? {
        let entered = lock.withLock { () -> Bool in
            guard admitted < capacity else { return false }
            admitted += 1
            return true
        }
        guard entered else { return nil }
        defer { lock.withLock { admitted -= 1 } }
        return await withCheckedContinuation { (cont: CheckedContinuation<T, Never>) in
            queue.async { cont.resume(returning: work()) }
        }
    }
}

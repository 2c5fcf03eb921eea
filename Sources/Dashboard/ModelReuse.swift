import Foundation

/// The last model the dashboard read, kept across refreshes: while the store's change marker
/// (`ChangeMarking`) says nothing was committed since, a refresh for the same view reuses it
/// with the clock moved on (so each panel's data age stays right) instead of reading the store
/// again. It is read again anyway after `maxAge` seconds (what depends on the time alone:
/// polls now overdue, the sparklines' last two hours), on a new day, and when the last read
/// had a problem. Shared by the loop's loads (one at a time, on its queue).
public final class ModelReuse: @unchecked Sendable {
    public let maxAge: TimeInterval
    private let lock = NSLock()
    private var kept: (marker: String, request: LoadRequest, model: DashboardModel, readAt: Date)?
    private var counts = (reads: 0, reuses: 0)

    public init(maxAge: TimeInterval = 60) { self.maxAge = maxAge }

    /// Refreshes that read the store, and that reused the last model.
    public var reads: Int { lock.withLock { counts.reads } }
    public var reuses: Int { lock.withLock { counts.reuses } }

    /// The kept model moved to `now`, when nothing it was read from can have changed.
    func reusable(marker: String?, request: LoadRequest, now: Date) -> DashboardModel? {
        lock.withLock {
            guard let marker, let k = kept, k.marker == marker, k.request == request, k.model.problems.isEmpty,
                  now >= k.readAt, now.timeIntervalSince(k.readAt) < maxAge,
                  Self.day(now, k.model.timeZone) == Self.day(k.readAt, k.model.timeZone)
            else { return nil }
            counts.reuses += 1
            var m = k.model
            m.now = now
            return m
        }
    }

    /// Keeps a model just read (the marker taken before reading it).
    func keep(_ model: DashboardModel, marker: String?, request: LoadRequest) {
        lock.withLock {
            counts.reads += 1
            kept = marker.map { ($0, request, model, model.now) }
        }
    }

    static func day(_ d: Date, _ zone: TimeZone) -> Int64 {
        let t = Int64(d.timeIntervalSince1970.rounded(.down)) + Int64(zone.secondsFromGMT(for: d))
        return t >= 0 ? t / 86_400 : (t - 86_399) / 86_400
    }
}

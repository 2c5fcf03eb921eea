import Foundation

/// The last model the dashboard read, kept across refreshes with what it was read from:
/// - while the store's change marker (`ChangeMarking`) says nothing was committed since, a
///   refresh for the same view reuses the model with the clock moved on (so each panel's data
///   age stays right) instead of reading the store again, for up to `maxAge` seconds (what
///   depends on the time alone: polls now overdue, the sparklines' last two hours);
/// - otherwise, for the same view on the same day, the next load builds on the last one's
///   parts (`LoadParts`): it reads again only the areas whose counters moved, the devices
///   polled since and the traffic, for up to `fullAge` seconds after the last full read;
/// - a new day, another view, a problem in the last read or `fullAge` passed: everything is read.
/// Shared by the loop's loads (one at a time, on its queue).
public final class ModelReuse: @unchecked Sendable {
    public let maxAge: TimeInterval
    public let fullAge: TimeInterval
    private let lock = NSLock()
    private var kept: (marker: String?, request: LoadRequest, model: DashboardModel, readAt: Date, parts: LoadParts?, fullAt: Date)?
    private var counts = (reads: 0, refreshes: 0, reuses: 0)

    public init(maxAge: TimeInterval = 60, fullAge: TimeInterval = 300) {
        self.maxAge = maxAge
        self.fullAge = fullAge
    }

    /// Loads that read everything, that read only what changed, and that reused the last model.
    public var reads: Int { lock.withLock { counts.reads } }
    public var refreshes: Int { lock.withLock { counts.refreshes } }
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

    /// The last load's parts to build the next one on (nil: read everything).
    func parts(for request: LoadRequest, now: Date) -> LoadParts? {
        lock.withLock {
            guard let k = kept, let parts = k.parts, parts.generations != nil, k.request == request, k.model.problems.isEmpty,
                  now >= k.readAt, now.timeIntervalSince(k.fullAt) < fullAge,
                  Self.day(now, k.model.timeZone) == Self.day(k.readAt, k.model.timeZone)
            else { return nil }
            return parts
        }
    }

    /// Keeps a model just read (the marker taken before reading it), and its parts;
    /// `refreshed`: built on the last load's parts.
    func keep(_ model: DashboardModel, marker: String?, request: LoadRequest, parts: LoadParts? = nil, refreshed: Bool = false) {
        lock.withLock {
            if refreshed { counts.refreshes += 1 } else { counts.reads += 1 }
            let fullAt = refreshed ? kept?.fullAt ?? model.now : model.now
            kept = (marker, request, model, model.now, parts, fullAt)
        }
    }

    static func day(_ d: Date, _ zone: TimeZone) -> Int64 {
        let t = Int64(d.timeIntervalSince1970.rounded(.down)) + Int64(zone.secondsFromGMT(for: d))
        return t >= 0 ? t / 86_400 : (t - 86_399) / 86_400
    }
}

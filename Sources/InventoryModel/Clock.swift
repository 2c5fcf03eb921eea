import Foundation

/// The one source of "now" for domain code. The composition root injects it: the system
/// clock in production, a fixed or stepping clock in tests and replays (`--now`/`PANTAU_NOW`
/// on the command line sets it for every command the same way). Durations are measured
/// with `ContinuousClock`, not with this: a wall clock may jump.
public protocol WallClock: Sendable {
    func now() -> Date
}

/// The machine's clock.
public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that always reads the same instant.
public struct FixedClock: WallClock {
    public let instant: Date
    public init(_ instant: Date) { self.instant = instant }
    public func now() -> Date { instant }
}

extension Duration {
    /// The duration in seconds, as a `Double` (for reports and summaries).
    public var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

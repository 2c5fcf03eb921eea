import InventoryModel
import YAMLSupport

/// The `traffic:` section of the configuration file: how interface traffic series are kept
/// and judged.
///
/// ```yaml
/// traffic:
///   retention_days: {raw: 8, five_minute: 400, hourly: 1100, daily: 3660}
///   allocation_share: 0.8        # flag a PD whose 95th percentile exceeds 80 % of its approved bandwidth
///   gap_factor: 3                # an interval over 3 poll intervals (or max_gap_seconds) is a gap
///   max_gap_seconds: 600
///   sflow_interval_seconds: 30   # the counter interval sFlow agents are expected to use
/// ```
public struct TrafficSettings: Sendable, Hashable {
    public var retention = TrafficRetention()
    /// Share (0-1] of a PD's approved bandwidth above which its period's 95th percentile is flagged.
    public var allocationShare: Double = 0.8
    public var gapFactor: Double = 3
    public var maxGapSeconds: Double = 600
    public var sflowIntervalSeconds: Double = 30

    public init() {}

    /// The rate policy for a series polled every `interval` seconds.
    public var policy: CounterRatePolicy { CounterRatePolicy(gapFactor: gapFactor, maxInterval: maxGapSeconds) }

    static let keys: Set<String> = ["retention_days", "allocation_share", "gap_factor", "max_gap_seconds", "sflow_interval_seconds"]

    static func parse(_ value: YAMLValue) -> TrafficSettings? {
        guard let o = value.object(allowing: keys) else { return nil }
        var s = TrafficSettings()
        if let r = o["retention_days"]?.object(allowing: ["raw", "five_minute", "hourly", "daily"]) {
            func days(_ key: String, _ min: Int, _ set: (Int) -> Void) {
                guard let v = r[key], let n = v.int() else { return }
                if n < min || n > 36_600 { v.report("must be between \(min) and 36600 days") } else { set(n) }
            }
            days("raw", 1) { s.retention.rawDays = $0 }
            // A month's 95th percentile needs the month's 5-minute samples.
            days("five_minute", 32) { s.retention.fiveMinuteDays = $0 }
            days("hourly", 1) { s.retention.hourlyDays = $0 }
            days("daily", 1) { s.retention.dailyDays = $0 }
        }
        if let a = o["allocation_share"], let v = a.double() {
            if v <= 0 || v > 1 { a.report("must be more than 0 and at most 1 (0.8 = 80 % of the approved bandwidth)") } else { s.allocationShare = v }
        }
        if let g = o["gap_factor"], let v = g.double() {
            if v < 1.5 || v > 100 { g.report("must be between 1.5 and 100") } else { s.gapFactor = v }
        }
        if let g = o["max_gap_seconds"], let v = g.double() {
            if v < 10 || v > 86_400 { g.report("must be between 10 and 86400 seconds") } else { s.maxGapSeconds = v }
        }
        if let g = o["sflow_interval_seconds"], let v = g.double() {
            if v < 1 || v > 3_600 { g.report("must be between 1 and 3600 seconds") } else { s.sflowIntervalSeconds = v }
        }
        return s
    }
}

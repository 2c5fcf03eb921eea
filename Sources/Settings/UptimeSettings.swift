import YAMLSupport

/// The `uptime:` section of the configuration file: how long the collector daemon's raw status
/// polls are kept. The uptime rollup (per device per day, runs of unanswered polls, restarts) is
/// kept whatever this says, so reports over whole days stay the same after the raw polls go;
/// periods that do not start on a day boundary (`last-30d`) are read from the raw polls.
///
/// ```yaml
/// uptime:
///   retention_days: {raw: 90}
/// ```
public struct UptimeSettings: Sendable, Hashable {
    /// Days of raw status polls kept (each device's last answered poll and those after it stay).
    public var rawDays = 90

    public init() {}

    static let keys: Set<String> = ["retention_days"]

    static func parse(_ value: YAMLValue) -> UptimeSettings? {
        guard let o = value.object(allowing: keys) else { return nil }
        var s = UptimeSettings()
        if let r = o["retention_days"]?.object(allowing: ["raw"]), let v = r["raw"], let n = v.int() {
            if n < 1 || n > 36_600 { v.report("must be between 1 and 36600 days") } else { s.rawDays = n }
        }
        return s
    }
}

import YAMLSupport

/// The `reconciliation:` section of the configuration file: how `pantau reconcile` and the
/// collector daemon (after each inventory cycle) hold PD diagrams against the network.
///
///     reconciliation:
///       missing_after_days: 7        # a declared device unseen this long is missing-device
///       unmanaged_switch_macs: 4     # this many MACs behind one access port: unmanaged-switch-suspected
///       sightings_days: 30           # only packet sightings of the last 30 days count (default: all)
public struct ReconciliationSettings: Sendable, Hashable {
    public var missingAfterDays: Int = 7
    public var unmanagedSwitchMACs: Int = 4
    public var sightingsDays: Int?

    public init() {}

    static let keys: Set<String> = ["missing_after_days", "unmanaged_switch_macs", "sightings_days"]

    static func parse(_ value: YAMLValue) -> ReconciliationSettings? {
        guard let o = value.object(allowing: keys) else { return nil }
        var s = ReconciliationSettings()
        if let v = o["missing_after_days"], let n = v.int() {
            if n < 0 || n > 3650 { v.report("must be between 0 and 3650 days") } else { s.missingAfterDays = n }
        }
        if let v = o["unmanaged_switch_macs"], let n = v.int() {
            if n < 2 || n > 4096 { v.report("must be between 2 and 4096") } else { s.unmanagedSwitchMACs = n }
        }
        if let v = o["sightings_days"], !v.isNull, let n = v.int() {
            if n < 1 { v.report("must be at least 1 day, or null for every sighting") } else { s.sightingsDays = n }
        }
        return s
    }
}

import YAMLSupport

/// The `governance:` section of the configuration file: PD registry, active regional
/// profile, spec annex and diagram locations.
public struct GovernanceSettings: Sendable, Hashable {
    static let keys: Set<String> = []

    static func parse(_ value: YAMLValue, resolve: (String) -> String) -> GovernanceSettings? {
        guard value.object(allowing: keys) != nil else { return nil }
        return GovernanceSettings()
    }
}

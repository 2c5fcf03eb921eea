import YAMLSupport

/// The `sampling:` section of the configuration file: packet capture and sFlow sources.
public struct SamplingSettings: Sendable, Hashable {
    static let keys: Set<String> = []

    static func parse(_ value: YAMLValue, resolve: (String) -> String) -> SamplingSettings? {
        guard value.object(allowing: keys) != nil else { return nil }
        return SamplingSettings()
    }
}

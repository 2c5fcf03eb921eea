import YAMLSupport

/// The `governance:` section of the configuration file: PD registry, active regional
/// profile, diagram locations and the submission service.
///
///     governance:
///       registry: registry.example.yaml       # PD registry file
///       profiles: profiles                    # directory of regional profiles
///       active_profile: manggarai             # one of lebong, soppeng, batang, manggarai, waykanan
///       change_report_deadline_days: null     # none by default: Perbup 52/2021 sets none
///       http:
///         bind: 127.0.0.1
///         port: 8780
///         upload_limit_bytes: 2097152
public struct GovernanceSettings: Sendable, Hashable {
    public var registryPath: String?
    public var profilesDirectory: String?
    public var activeProfile: String?
    public var changeReportDeadlineDays: Int?
    public var httpBind: String = "127.0.0.1"
    public var httpPort: Int = 8780
    public var uploadLimitBytes: Int = 2 * 1024 * 1024

    public init() {}

    static let keys: Set<String> = ["registry", "profiles", "active_profile", "change_report_deadline_days", "http"]

    static func parse(_ value: YAMLValue, resolve: (String) -> String) -> GovernanceSettings? {
        guard let o = value.object(allowing: keys) else { return nil }
        var s = GovernanceSettings()
        s.registryPath = o["registry"]?.string().map(resolve)
        s.profilesDirectory = o["profiles"]?.string().map(resolve)
        if let p = o["active_profile"], let id = p.string() {
            if ["lebong", "soppeng", "batang", "manggarai", "waykanan"].contains(id) || s.profilesDirectory != nil {
                s.activeProfile = id
            } else {
                p.report("unknown profile \"\(id)\"; shipped profiles: lebong, soppeng, batang, manggarai, waykanan")
            }
        }
        if let d = o["change_report_deadline_days"], !d.isNull, let n = d.int() {
            if n < 1 { d.report("must be at least 1, or null for no deadline") } else { s.changeReportDeadlineDays = n }
        }
        if let h = o["http"]?.object(allowing: ["bind", "port", "upload_limit_bytes"]) {
            if let b = h["bind"]?.string() { s.httpBind = b }
            if let p = h["port"], let n = p.int() {
                if n < 1 || n > 65535 { p.report("port must be 1-65535") } else { s.httpPort = n }
            }
            if let u = h["upload_limit_bytes"], let n = u.int() {
                if n < 1024 || n > 64 * 1024 * 1024 { u.report("must be between 1024 and 67108864") } else { s.uploadLimitBytes = n }
            }
        }
        return s
    }
}

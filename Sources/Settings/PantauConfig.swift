import Foundation
import SNMPCore
import YAMLSupport

/// The configuration file (`config/pantau.example.yaml`, `config/lab.yaml`).
///
/// Loading is strict and reports every problem at once as `file:line:col: path: message`.
/// Credentials are never written in the file itself: a credential set names an environment
/// variable (`community_env`, `auth_password_env`, …) or a file (`*_file`) to read the
/// secret from, so the configuration can be committed and shared.
public struct PantauConfig: Sendable {
    /// Path of the file this came from; relative paths inside it resolve against its folder.
    public var file: String
    /// The store: a SQLite file (`PATH` or `sqlite:PATH`, relative to the file) or a PostgreSQL URL (`postgres://USER@HOST:PORT/DB`).
    public var store: String?
    /// Probe directory.
    public var probes: String?
    /// How many agents to poll at once.
    public var concurrency: Int
    public var defaults: SNMPOptions
    public var credentials: [String: SNMPCredentials]
    public var targets: [Target]
    /// Packet sampling (the `sampling:` section), when configured.
    public var sampling: SamplingSettings?
    /// PD registry, regional profile and diagrams (the `governance:` section), when configured.
    public var governance: GovernanceSettings?
    /// Traffic series retention and allocation checks (the `traffic:` section; defaults without it).
    public var traffic = TrafficSettings()
    /// Raw status poll retention (the `uptime:` section; defaults without it).
    public var uptime = UptimeSettings()
    /// The long-running collector's schedule, outage threshold and metrics (the `daemon:` section).
    public var daemon = DaemonSettings()
    /// Reconciliation of PD diagrams against the network (the `reconciliation:` section).
    public var reconciliation = ReconciliationSettings()
    /// Audit bundles: classification label, spec annex, the PDF renderer (the `exports:` section).
    public var exports = ExportSettings()
    /// This collector's identity in a fleet (`collector:`); nil for a single collector.
    public var collector: CollectorSettings?

    /// One device to poll.
    public struct Target: Sendable, Hashable {
        /// Operator's name for the device; defaults to the agent address.
        public var name: String
        public var agent: SNMPTarget
        public var credentials: SNMPCredentials
        /// Name of the credential set used (for messages; never the secret).
        public var credentialName: String
        public var options: SNMPOptions
        /// PD that owns the device, if known (registry code).
        public var pd: String?
        /// Its intervals and hosting type (`interval`, `inventory_interval`, `hosting`).
        public var schedule = TargetSchedule()
    }

    static let topKeys: Set<String> = ["store", "probes", "concurrency", "defaults", "credentials", "targets", "sampling", "governance", "traffic", "daemon",
                                       "reconciliation", "exports", "collector",
                                       "uptime"]

    /// Loads and validates a configuration file. `environment` supplies `*_env` secrets.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigIssues) -> PantauConfig {
        let sink = IssueSink()
        let root = try YAMLValue.load(path: path, sink: sink)
        let dir = (path as NSString).deletingLastPathComponent
        var config = PantauConfig(file: path, store: nil, probes: nil, concurrency: 64, defaults: SNMPOptions(),
                                  credentials: [:], targets: [])
        guard let obj = root.object(allowing: topKeys) else {
            try sink.throwIfAny()
            return config
        }
        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : (dir.isEmpty ? p : "\(dir)/\(p)") }
        if let s = obj["store"]?.string() { config.store = s.contains("://") ? s : s.hasPrefix("sqlite:") ? "sqlite:" + resolve(String(s.dropFirst(7))) : resolve(s) }
        if let p = obj["probes"]?.string() { config.probes = resolve(p) }
        if let c = obj["concurrency"] {
            if let n = c.int() {
                if n < 1 || n > 4096 { c.report("must be between 1 and 4096") } else { config.concurrency = n }
            }
        }
        if let d = obj["defaults"] { config.defaults = parseOptions(d, base: SNMPOptions()) ?? SNMPOptions() }
        if let creds = obj["credentials"]?.object(allowing: nil) {
            for (name, value) in creds.pairs {
                if let c = parseCredentials(value, environment: environment, dir: dir) { config.credentials[name] = c }
            }
        }
        if let list = obj.required("targets")?.array() {
            var names = Set<String>()
            for item in list {
                guard let t = parseTarget(item, config: config) else { continue }
                if !names.insert(t.name).inserted { item.report("duplicate target name \"\(t.name)\"") }
                config.targets.append(t)
            }
        }
        if let s = obj["sampling"] { config.sampling = SamplingSettings.parse(s, resolve: resolve) }
        if let g = obj["governance"] { config.governance = GovernanceSettings.parse(g, resolve: resolve) }
        if let t = obj["traffic"], let s = TrafficSettings.parse(t) { config.traffic = s }
        if let u = obj["uptime"], let s = UptimeSettings.parse(u) { config.uptime = s }
        if let d = obj["daemon"] { config.daemon = DaemonSettings.parse(d) }
        if let r = obj["reconciliation"], let settings = ReconciliationSettings.parse(r) { config.reconciliation = settings }
        if let e = obj["exports"], let settings = ExportSettings.parse(e, resolve: resolve) { config.exports = settings }
        if let c = obj["collector"] { config.collector = CollectorSettings.parse(c, targets: config.targets, resolve: resolve) }
        try sink.throwIfAny()
        return config
    }

    static let optionKeys: Set<String> = ["timeout", "retries", "max_repetitions", "max_walk_rows", "bulk"]

    static func parseOptions(_ value: YAMLValue, base: SNMPOptions) -> SNMPOptions? {
        guard let o = value.object(allowing: optionKeys) else { return nil }
        var opts = base
        if let t = o["timeout"], let v = t.double() {
            if v <= 0 || v > 120 { t.report("timeout must be more than 0 and at most 120 seconds") } else { opts.timeout = v }
        }
        if let r = o["retries"], let v = r.int() {
            if v < 0 || v > 10 { r.report("retries must be between 0 and 10") } else { opts.retries = v }
        }
        if let m = o["max_repetitions"], let v = m.int() {
            if v < 1 || v > 200 { m.report("max_repetitions must be between 1 and 200") } else { opts.maxRepetitions = v }
        }
        if let m = o["max_walk_rows"], let v = m.int() {
            if v < 10 { m.report("max_walk_rows must be at least 10") } else { opts.maxWalkRows = v }
        }
        if let b = o["bulk"], let v = b.bool() { opts.disableBulk = !v }
        return opts
    }

    static let credentialKeys: Set<String> = [
        "version", "community", "community_env", "community_file", "user", "security_level",
        "auth_protocol", "auth_password_env", "auth_password_file", "priv_protocol", "priv_password_env",
        "priv_password_file", "context",
    ]

    /// Reads one credential set. Secrets come only from `*_env` or `*_file`; a literal
    /// `community:` is accepted for the lab's public test communities but flagged in docs.
    static func parseCredentials(_ value: YAMLValue, environment: [String: String], dir: String) -> SNMPCredentials? {
        guard let o = value.object(allowing: credentialKeys) else { return nil }
        func secret(_ key: String) -> Secret? {
            if let env = o[key + "_env"], let name = env.string() {
                guard let v = environment[name], !v.isEmpty else {
                    env.report("environment variable \(name) is not set")
                    return nil
                }
                return Secret(v)
            }
            if let f = o[key + "_file"], let p = f.string() {
                let path = p.hasPrefix("/") ? p : (dir.isEmpty ? p : "\(dir)/\(p)")
                guard let data = FileManager.default.contents(atPath: path) else {
                    f.report("cannot read secret file \(path)")
                    return nil
                }
                return Secret(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
            }
            return nil
        }
        let version = o["version"].flatMap { $0.oneOf(SNMPVersion.self) } ?? (o.contains("user") ? .v3 : .v2c)
        switch version {
        case .v1, .v2c:
            if let lit = o["community"], let s = lit.string() { return .community(version, Secret(s)) }
            guard let c = secret("community") else {
                value.report("a v1/v2c credential set needs community, community_env or community_file")
                return nil
            }
            return .community(version, c)
        case .v3:
            guard let user = o.required("user")?.string() else { return nil }
            var level = SecurityLevel.authPriv
            if let l = o["security_level"], let text = l.string() {
                guard let parsed = SecurityLevel(lenient: text) else {
                    l.report("\"\(text)\" is not one of: noAuthNoPriv, authNoPriv, authPriv")
                    return nil
                }
                level = parsed
            }
            var usm = USMCredentials(user: user, level: level)
            if level != .noAuthNoPriv {
                if let a = o["auth_protocol"], let text = a.string() {
                    guard let p = AuthProtocol(lenient: text) else {
                        a.report("\"\(text)\" is not one of: \(AuthProtocol.allCases.map(\.rawValue).joined(separator: ", "))")
                        return nil
                    }
                    usm.authProtocol = p
                } else { usm.authProtocol = .sha256 }
                usm.authPassword = secret("auth_password")
            }
            if level == .authPriv {
                if let a = o["priv_protocol"], let text = a.string() {
                    guard let p = PrivProtocol(lenient: text) else {
                        a.report("\"\(text)\" is not one of: \(PrivProtocol.allCases.map(\.rawValue).joined(separator: ", "))")
                        return nil
                    }
                    usm.privProtocol = p
                } else { usm.privProtocol = .aes }
                usm.privPassword = secret("priv_password")
            }
            usm.context = o["context"]?.string()
            for problem in usm.problems { value.report(problem) }
            return usm.problems.isEmpty ? .usm(usm) : nil
        }
    }

    static let targetKeys: Set<String> = Set(["name", "agent", "credentials", "pd", "options"]).union(TargetSchedule.keys)

    static func parseTarget(_ value: YAMLValue, config: PantauConfig) -> Target? {
        guard let o = value.object(allowing: targetKeys) else { return nil }
        guard let agentText = o.required("agent")?.string() else { return nil }
        guard let agent = SNMPTarget(parsing: agentText) else {
            o["agent"]?.report("\"\(agentText)\" is not [udp:|udp6:|tcp:]HOST[:PORT]")
            return nil
        }
        guard let credName = o.required("credentials")?.string() else { return nil }
        guard let creds = config.credentials[credName] else {
            o["credentials"]?.report("no credential set named \"\(credName)\" under credentials:")
            return nil
        }
        let options = o["options"].flatMap { parseOptions($0, base: config.defaults) } ?? config.defaults
        return Target(name: o["name"]?.string() ?? agent.description, agent: agent, credentials: creds,
                      credentialName: credName, options: options, pd: o["pd"]?.string(), schedule: TargetSchedule.parse(o))
    }
}

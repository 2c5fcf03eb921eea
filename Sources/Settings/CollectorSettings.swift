import Foundation
import YAMLSupport

/// The `collector:` section: this collector's identity in a fleet writing to one central
/// (PostgreSQL) store, its local spool, and which of the file's targets it polls.
///
/// ```yaml
/// collector:
///   id: puskesmas-ruteng         # unique in the fleet: letters, digits, '.', '-', '_' (required)
///   spool: var/spool.sqlite      # the local spool (default: var/spool-ID.sqlite beside the file)
///   pds: [DINKES]                # poll the targets of these PDs ...
///   targets: [rtr-kominfo]       # ... and these targets by name (neither: every target)
///   heartbeat_seconds: 5         # how often it reports to the central store (lease: 6 heartbeats)
///   spool_max_mb: 2048           # the spool's cap; over it the oldest raw intervals go first
/// ```
///
/// With this section the daemon (`pantau collect` without `--once`) writes every status,
/// counter and inventory poll and every sampling window into the spool first and a forwarder replays the spool into the
/// central store in order, exactly once (see ARCHITECTURE.md, "A fleet of collectors").
public struct CollectorSettings: Sendable, Hashable {
    public var id: String
    public var spool: String
    public var pds: [String] = []
    public var targetNames: [String] = []
    public var heartbeatSeconds: Double = 5
    /// The spool's size cap in MiB (see `SpoolTrim` for what is given up over it).
    public var spoolMaxMB: Int = 2048

    public init(id: String, spool: String) { self.id = id; self.spool = spool }

    /// The lease a collector holds on its identity: another process may claim it only when
    /// this many seconds have passed without a heartbeat.
    public var leaseSeconds: Double { heartbeatSeconds * 6 }

    /// Whether this collector polls `target`.
    public func selects(_ target: PantauConfig.Target) -> Bool {
        if pds.isEmpty && targetNames.isEmpty { return true }
        return targetNames.contains(target.name) || target.pd.map(pds.contains) ?? false
    }

    /// The configuration with only the targets this collector polls.
    public func selected(_ config: PantauConfig) -> PantauConfig {
        var c = config
        c.targets = c.targets.filter(selects)
        return c
    }

    static let keys: Set<String> = ["id", "spool", "pds", "targets", "heartbeat_seconds", "spool_max_mb"]

    static func isValidID(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 64 && s.unicodeScalars.allSatisfy {
            CharacterSet.alphanumerics.contains($0) && $0.isASCII || "._-".unicodeScalars.contains($0)
        }
    }

    static func parse(_ value: YAMLValue, targets: [PantauConfig.Target], resolve: (String) -> String) -> CollectorSettings? {
        guard let o = value.object(allowing: keys), let idValue = o.required("id"), let id = idValue.string() else { return nil }
        guard isValidID(id) else {
            idValue.report("must be 1-64 letters, digits, '.', '-' or '_' (it names the collector in the central store)")
            return nil
        }
        var s = CollectorSettings(id: id, spool: resolve("var/spool-\(id).sqlite"))
        if let p = o["spool"]?.string() { s.spool = resolve(p) }
        if let v = o["pds"], let list = v.stringList() {
            let known = Set(targets.compactMap(\.pd))
            for pd in list where !known.contains(pd) { v.report("no target belongs to PD \"\(pd)\"") }
            s.pds = list
        }
        if let v = o["targets"], let list = v.stringList() {
            let known = Set(targets.map(\.name))
            for name in list where !known.contains(name) { v.report("no target is named \"\(name)\"") }
            s.targetNames = list
        }
        if let v = o["heartbeat_seconds"], let d = v.double() {
            if d < 1 || d > 600 { v.report("must be between 1 and 600 seconds") } else { s.heartbeatSeconds = d }
        }
        if let v = o["spool_max_mb"], let n = v.int() {
            if n < 1 || n > 1_048_576 { v.report("must be between 1 and 1048576 MiB") } else { s.spoolMaxMB = n }
        }
        return s
    }
}

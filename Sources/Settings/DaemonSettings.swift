import Foundation
import InventoryModel
import YAMLSupport

/// The `daemon:` section: how the long-running collector (`pantau collect` without `--once`)
/// schedules its polls, when it calls a device down, where it serves its metrics, and the
/// optional availability targets reports compare against.
///
/// ```yaml
/// daemon:
///   interval: 60                # seconds between status+counter polls of a target (default 60)
///   inventory_interval: 6h      # between full inventory polls (default 6h; s, m, h or d)
///   down_after: 2               # unanswered status polls in a row before an outage (default 2)
///   metrics: 127.0.0.1:9464     # Prometheus /metrics address (default; "off" to disable)
///   availability_targets:       # percent, per hosting type (optional: with none, report only)
///     colocation: 99.9
/// ```
///
/// Each target may set its own `interval`, `inventory_interval` and `hosting` (colocation, vps, pd).
public struct DaemonSettings: Sendable, Hashable {
    public var interval: Double = 60
    public var inventoryInterval: Double = 6 * 3600
    public var downAfter: Int = 2
    /// Where /metrics listens; nil when turned off.
    public var metrics: (host: String, port: Int)? = ("127.0.0.1", 9464)
    /// Percent availability wanted, by hosting type (optional).
    public var availabilityTargets: [HostingType: Double] = [:]

    public init() {}

    public static func == (a: DaemonSettings, b: DaemonSettings) -> Bool {
        a.interval == b.interval && a.inventoryInterval == b.inventoryInterval && a.downAfter == b.downAfter
            && a.metrics?.host == b.metrics?.host && a.metrics?.port == b.metrics?.port && a.availabilityTargets == b.availabilityTargets
    }

    public func hash(into h: inout Hasher) {
        h.combine(interval); h.combine(inventoryInterval); h.combine(downAfter); h.combine(metrics?.host); h.combine(metrics?.port)
    }

    static let keys: Set<String> = ["interval", "inventory_interval", "down_after", "metrics", "availability_targets"]

    static func parse(_ value: YAMLValue) -> DaemonSettings {
        var s = DaemonSettings()
        guard let o = value.object(allowing: keys) else { return s }
        if let v = o["interval"], let d = parseSeconds(v, min: 1, max: 86_400) { s.interval = d }
        if let v = o["inventory_interval"], let d = parseSeconds(v, min: 1, max: 30 * 86_400) { s.inventoryInterval = d }
        if let v = o["down_after"], let n = v.int() {
            if n < 1 || n > 100 { v.report("down_after must be between 1 and 100 polls") } else { s.downAfter = n }
        }
        if let v = o["metrics"], let text = v.string() {
            if text == "off" { s.metrics = nil } else if let hp = parseHostPort(text) { s.metrics = hp } else {
                v.report("\"\(text)\" is not HOST:PORT (e.g. 127.0.0.1:9464) or off")
            }
        }
        if let t = o["availability_targets"]?.object(allowing: Set(HostingType.allCases.map(\.rawValue))) {
            for (key, v) in t.pairs {
                guard let kind = HostingType(rawValue: key), let pct = v.double() else { continue }
                if pct <= 0 || pct > 100 { v.report("an availability target is a percentage above 0 and at most 100") } else {
                    s.availabilityTargets[kind] = pct
                }
            }
        }
        return s
    }

    /// Seconds, as a number or with a unit: `90`, `90s`, `15m`, `6h`, `1d`.
    static func parseSeconds(_ v: YAMLValue, min: Double, max: Double) -> Double? {
        guard let text = v.string() else { return nil }
        let t = text.replacingOccurrences(of: "_", with: "")
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        let seconds = t.last.flatMap { units[$0] }.map { unit in Double(t.dropLast()).map { $0 * unit } } ?? Double(t)
        guard let seconds else {
            v.report("expected seconds (a number, or with s, m, h or d: 90, 15m, 6h), found \"\(text)\"")
            return nil
        }
        if seconds < min || seconds > max {
            v.report("must be between \(Int(min)) and \(Int(max)) seconds (a number, or with s, m, h or d)")
            return nil
        }
        return seconds
    }

    static func parseHostPort(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65_535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host.isEmpty ? nil : (host, port)
    }
}

/// A target's schedule and hosting (`interval`, `inventory_interval`, `hosting` on the target;
/// the `daemon:` section's values when not set).
public struct TargetSchedule: Sendable, Hashable {
    /// Seconds between status+counter polls; nil: the daemon's default.
    public var interval: Double?
    /// Seconds between full inventory polls; nil: the daemon's default.
    public var inventoryInterval: Double?
    public var hosting: HostingType?

    public init(interval: Double? = nil, inventoryInterval: Double? = nil, hosting: HostingType? = nil) {
        self.interval = interval; self.inventoryInterval = inventoryInterval; self.hosting = hosting
    }

    static let keys: Set<String> = ["interval", "inventory_interval", "hosting"]

    static func parse(_ o: YAMLObject) -> TargetSchedule {
        var s = TargetSchedule()
        if let v = o["interval"] { s.interval = DaemonSettings.parseSeconds(v, min: 1, max: 86_400) }
        if let v = o["inventory_interval"] { s.inventoryInterval = DaemonSettings.parseSeconds(v, min: 1, max: 30 * 86_400) }
        if let v = o["hosting"] { s.hosting = v.oneOf(HostingType.self) }
        return s
    }
}

import Foundation
import InventoryModel

/// A PD's uplinks summed, as the traffic panel shows them.
public struct TrafficRow: Sendable, Equatable {
    public var pd: String
    public var name: String?
    public var approvedMbps: Double?
    /// The uplinks' latest rates summed, bit/s (nil: no rate in the last quarter hour).
    public var inBPS: Double?
    public var outBPS: Double?
    /// Today's 95th percentile of the summed 5-minute samples (the larger direction), bit/s.
    public var p95BPS: Int64?
    /// `p95BPS` as a percentage of the approved bandwidth.
    public var allocationUse: Double?
    /// Declared uplinks, and how many of them have a traffic series.
    public var uplinks: Int
    public var uplinksFound: Int
    /// The recent 5-minute buckets (larger direction, bit/s), oldest first; nil: no sample.
    public var recent: [Double?]

    public init(pd: String, name: String? = nil, approvedMbps: Double? = nil, inBPS: Double? = nil, outBPS: Double? = nil, p95BPS: Int64? = nil,
                allocationUse: Double? = nil, uplinks: Int = 0, uplinksFound: Int = 0, recent: [Double?] = []) {
        self.pd = pd; self.name = name; self.approvedMbps = approvedMbps; self.inBPS = inBPS; self.outBPS = outBPS; self.p95BPS = p95BPS
        self.allocationUse = allocationUse; self.uplinks = uplinks; self.uplinksFound = uplinksFound; self.recent = recent
    }
}

/// One traffic series: a PD's uplink, or an interface of the device being looked at.
public struct SeriesRow: Sendable, Equatable {
    /// The PD whose uplink this is.
    public var pd: String?
    public var device: String
    public var interface: String
    public var alias: String?
    /// bit/s, 0 when unknown.
    public var speed: UInt64
    public var inBPS: Double?
    public var outBPS: Double?
    public var p95BPS: Int64?
    /// `p95BPS` as a percentage of the speed.
    public var utilisation: Double?
    public var recent: [Double?]

    public init(pd: String? = nil, device: String, interface: String, alias: String? = nil, speed: UInt64 = 0, inBPS: Double? = nil, outBPS: Double? = nil,
                p95BPS: Int64? = nil, utilisation: Double? = nil, recent: [Double?] = []) {
        self.pd = pd; self.device = device; self.interface = interface; self.alias = alias; self.speed = speed; self.inBPS = inBPS; self.outBPS = outBPS
        self.p95BPS = p95BPS; self.utilisation = utilisation; self.recent = recent
    }
}

/// A host packet sampling saw.
public struct HostRow: Sendable, Equatable {
    public var mac: String
    public var vendor: String?
    public var pd: String?
    public var vlan: Int?
    public var addresses: [String]
    public var names: [String]
    public var capturePoint: String
    public var lastSeen: Date
    public var frames: Int

    public init(mac: String, vendor: String?, pd: String?, vlan: Int?, addresses: [String], names: [String], capturePoint: String, lastSeen: Date, frames: Int) {
        self.mac = mac; self.vendor = vendor; self.pd = pd; self.vlan = vlan; self.addresses = addresses; self.names = names
        self.capturePoint = capturePoint; self.lastSeen = lastSeen; self.frames = frames
    }
}

/// A top talker (estimated from the sampled frames, today).
public struct TalkerRow: Sendable, Equatable {
    public var key: String
    public var scope: String
    public var pd: String?
    public var inBytes: Int64
    public var outBytes: Int64
    public var samples: Int

    public init(key: String, scope: String, pd: String?, inBytes: Int64, outBytes: Int64, samples: Int) {
        self.key = key; self.scope = scope; self.pd = pd; self.inBytes = inBytes; self.outBytes = outBytes; self.samples = samples
    }
}

/// Sparklines: one character per value, scaled to the largest; a gap is a blank.
public enum Sparkline {
    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    static let asciiLevels: [Character] = ["_", ".", "-", "~", "=", "+", "*", "#"]

    public static func render(_ values: [Double?], ascii: Bool) -> String {
        let levels = ascii ? asciiLevels : blocks
        let top = values.compactMap { $0 }.max() ?? 0
        return String(values.map { v -> Character in
            guard let v else { return " " }
            guard top > 0 else { return levels[0] }
            return levels[min(levels.count - 1, max(0, Int((v / top * Double(levels.count - 1)).rounded())))]
        })
    }
}

/// Numbers as a NOC reads them.
public enum Units {
    /// Decimal bit rates: "934 kbit/s", "12.3 Mbit/s".
    public static func rate(_ bps: Double?) -> String {
        guard let bps else { return "-" }
        let units = ["bit/s", "kbit/s", "Mbit/s", "Gbit/s", "Tbit/s"]
        var v = bps, i = 0
        while v >= 1000 && i < units.count - 1 { v /= 1000; i += 1 }
        return i == 0 ? String(format: "%.0f %@", v, units[i]) : String(format: v < 10 ? "%.2f %@" : v < 100 ? "%.1f %@" : "%.0f %@", v, units[i])
    }

    /// Decimal byte counts: "1.2 MB".
    public static func bytes(_ n: Int64) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var v = Double(n), i = 0
        while v >= 1000 && i < units.count - 1 { v /= 1000; i += 1 }
        return i == 0 ? "\(n) B" : String(format: v < 10 ? "%.2f %@" : v < 100 ? "%.1f %@" : "%.0f %@", v, units[i])
    }
}

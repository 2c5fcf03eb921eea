import Foundation

// Uptime: what the collector daemon's status polls say about a device's availability, its
// outages and its reboots. Pure: every decision here is a function of the polls it is given
// (and of `now` where an outage is still open), with unit tests in InventoryModelTests.

/// Where a device is hosted, a target attribute (`hosting:`): availability is reported per
/// hosting type too, since the Pusat Data promises up-time for what it hosts.
public enum HostingType: String, Sendable, Hashable, Codable, CaseIterable {
    /// Colocated in the Pusat Data (the PD's own hardware in the regency's data centre).
    case colocation
    /// A virtual server the Pusat Data runs for the PD.
    case vps
    /// PD-owned, on the PD's premises.
    case pd
}

/// One status poll of one device: whether it answered and, when it did, the uptime counters
/// that tell a reboot from an agent restart and from a counter wrap.
public struct StatusPoll: Sendable, Hashable, Codable {
    /// The collector target's name.
    public var device: String
    /// When the poll was made (the collector's clock, at the answer or the give-up).
    public var time: Date
    /// The target's polling interval in seconds when this poll was made.
    public var interval: Double
    public var pd: String?
    public var hosting: HostingType?
    /// The agent answered.
    public var reachable: Bool
    /// sysUpTime.0 (TimeTicks, hundredths of a second since the agent's network management
    /// part started; wraps at 2³² ≈ 497.1 days).
    public var sysUpTime: UInt32?
    /// HOST-RESOURCES-MIB hrSystemUptime.0 (TimeTicks since the host booted), when served.
    public var hrSystemUptime: UInt32?
    /// SNMP-FRAMEWORK-MIB snmpEngineBoots.0 and snmpEngineTime.0 (seconds), when served.
    public var engineBoots: UInt32?
    public var engineTime: UInt32?
    /// How long the poll took, in seconds.
    public var duration: Double?
    /// Why it failed, phrased for an operator (never credentials).
    public var error: String?

    public init(device: String, time: Date, interval: Double, pd: String? = nil, hosting: HostingType? = nil,
                reachable: Bool, sysUpTime: UInt32? = nil, hrSystemUptime: UInt32? = nil, engineBoots: UInt32? = nil,
                engineTime: UInt32? = nil, duration: Double? = nil, error: String? = nil) {
        self.device = device; self.time = time; self.interval = interval; self.pd = pd; self.hosting = hosting
        self.reachable = reachable; self.sysUpTime = sysUpTime; self.hrSystemUptime = hrSystemUptime
        self.engineBoots = engineBoots; self.engineTime = engineTime; self.duration = duration; self.error = error
    }
}

/// A stretch of time a device did not answer.
///
/// It is an outage once `downAfter` polls in a row went unanswered (fewer is a blip, not
/// counted). It starts at the last answered poll's time plus one interval (when the first
/// poll that went unanswered was due; the first poll's time when the device never answered
/// before) and ends at the time of the next answered poll; `end` is nil while it lasts.
public struct Outage: Sendable, Hashable, Codable {
    public var device: String
    public var pd: String?
    public var hosting: HostingType?
    public var start: Date
    public var end: Date?
    /// Polls that went unanswered in it.
    public var missedPolls: Int
    /// The last failed poll's error.
    public var lastError: String?
    /// Up to when it is known to have lasted: its last unanswered poll plus one interval.
    public var watchedUntil: Date

    public init(device: String, pd: String?, hosting: HostingType?, start: Date, end: Date?, missedPolls: Int, lastError: String?,
                watchedUntil: Date) {
        self.device = device; self.pd = pd; self.hosting = hosting; self.start = start; self.end = end
        self.missedPolls = missedPolls; self.lastError = lastError; self.watchedUntil = watchedUntil
    }

    /// Where it ends for counting: its end, or while it lasts `now`, but no later than
    /// `watchedUntil` (a collector that stopped saw no more of it).
    public func counted(now: Date) -> Date { end ?? min(now, max(watchedUntil, start)) }

    /// Seconds from start to end, or while it lasts to `counted(now:)`.
    public func duration(now: Date) -> TimeInterval { max(0, counted(now: now).timeIntervalSince(start)) }
}

/// What happened between two answered polls, as far as the uptime counters tell.
public enum RestartKind: String, Sendable, Hashable, Codable {
    /// The device (its operating system) rebooted.
    case reboot
    /// Only the SNMP agent restarted; the host stayed up.
    case agentRestart = "agent-restart"
}

/// A reboot or agent restart, with the evidence that decided it.
public struct RestartEvent: Sendable, Hashable, Codable {
    public var device: String
    public var pd: String?
    public var kind: RestartKind
    /// When it happened: the later poll's time less the uptime it reported.
    public var time: Date
    /// The two answered polls it was found between.
    public var after: Date
    public var before: Date
    /// Each counter's reading, in words, e.g. "hrSystemUptime went back from 3d 04:00:00 to 0:01:10".
    public var evidence: [String]

    public init(device: String, pd: String?, kind: RestartKind, time: Date, after: Date, before: Date, evidence: [String]) {
        self.device = device; self.pd = pd; self.kind = kind; self.time = time; self.after = after; self.before = before
        self.evidence = evidence
    }
}

/// Uptime decisions over status polls.
public enum Uptime {
    /// TimeTicks are 32-bit: they wrap after 2³² hundredths of a second (497 days 02:27:52.96).
    public static let timeTicksModulus: Double = 4_294_967_296

    /// How one uptime counter moved between two answered polls.
    public enum Continuity: Sendable, Hashable {
        /// Advanced by about the time elapsed.
        case continued
        /// Passed 2³² and started again from zero, by about the time elapsed.
        case wrapped
        /// Started again: it was reset within the interval.
        case restarted
        /// One of the polls lacks it.
        case unknown
    }

    /// Slack allowed between a counter's advance and the collector's elapsed time: agents
    /// answer late, clocks drift, polls are spread. Seconds: the larger of 10 s and 2 % of the gap.
    static func tolerance(_ elapsed: Double) -> Double { max(10, abs(elapsed) * 0.02) }

    /// How a TimeTicks counter moved from `a` to `b` over `elapsed` seconds of the collector's clock.
    ///
    /// Restarted when it is now smaller than before (and the wrap does not explain it), or when
    /// it counts less time than has passed since the earlier poll (the reset happened within
    /// the gap, even if the counter is past its old value again). A collector clock that
    /// steps forward makes `elapsed` too large, so the second test only applies when the counter
    /// is also short of its old value plus the elapsed time.
    public static func continuity(ticks a: UInt32?, _ b: UInt32?, elapsed: Double) -> Continuity {
        guard let a, let b else { return .unknown }
        let (sa, sb) = (Double(a) / 100, Double(b) / 100)
        let tol = tolerance(elapsed)
        if sb >= sa {
            // Counted less than the gap, and less than the old value plus the gap: reset inside it.
            if sb + tol < elapsed && sb + tol < sa + elapsed { return .restarted }
            return .continued
        }
        // Went back: a wrap when the old value plus the gap crosses 2³² and lands near the new one.
        let expected = sa + elapsed
        let modulus = timeTicksModulus / 100
        if expected + tol >= modulus {
            let landed = expected - modulus
            if abs(landed - sb) <= tol { return .wrapped }
        }
        return .restarted
    }

    /// How the SNMP engine's (snmpEngineBoots, snmpEngineTime) moved: boots counted up is a
    /// restart of the engine; the same boots with the engine time restarted (as `continuity`
    /// judges a counter, in seconds) too; otherwise continuity.
    public static func engineContinuity(_ a: StatusPoll, _ b: StatusPoll) -> Continuity {
        guard let ba = a.engineBoots, let bb = b.engineBoots else { return .unknown }
        if bb != ba { return .restarted }
        guard let ta = a.engineTime, let tb = b.engineTime else { return .continued }
        // snmpEngineTime counts seconds up to 2^31 - 1 and never wraps within a boot: scaled to ticks it cannot pass 2^32.
        let elapsed = b.time.timeIntervalSince(a.time)
        return continuity(ticks: UInt32(min(UInt64(ta) * 100, UInt64(UInt32.max))), UInt32(min(UInt64(tb) * 100, UInt64(UInt32.max))),
                          elapsed: elapsed) == .restarted ? .restarted : .continued
    }

    /// The restart, if any, between two answered polls of one device (`a` before `b`).
    ///
    /// - hrSystemUptime (the host's uptime), when both polls have it, decides whether the
    ///   device rebooted: restarted is a reboot; continued or wrapped is not, whatever the agent did.
    /// - The agent restarted when snmpEngineBoots counted up, or, without engine figures,
    ///   when sysUpTime restarted (a sysUpTime that went back by a wrap is no restart).
    /// - An agent restart with the host's uptime continuing is an agent restart. Without
    ///   hrSystemUptime it is reported as a reboot, and its evidence says the two cannot be told apart.
    public static func restart(between a: StatusPoll, and b: StatusPoll) -> RestartEvent? {
        guard a.reachable, b.reachable, b.time > a.time else { return nil }
        let elapsed = b.time.timeIntervalSince(a.time)
        let sys = continuity(ticks: a.sysUpTime, b.sysUpTime, elapsed: elapsed)
        let host = continuity(ticks: a.hrSystemUptime, b.hrSystemUptime, elapsed: elapsed)
        let engine = engineContinuity(a, b)
        let agentRestarted = engine == .unknown ? sys == .restarted : engine == .restarted
        // Nothing restarted (nearly every pair of polls): return before writing any evidence.
        if host != .restarted && !agentRestarted { return nil }
        var evidence: [String] = []
        func ticks(_ name: String, _ x: UInt32?, _ y: UInt32?, _ c: Continuity) {
            guard let x, let y else { return }
            let verb = switch c {
            case .continued: "advanced"
            case .wrapped: "wrapped past 2^32 ticks (497 days)"
            case .restarted: y < x ? "went back" : "restarted within the gap"
            case .unknown: "moved"
            }
            evidence.append("\(name) \(verb) from \(formatTicks(x)) to \(formatTicks(y)) over \(formatSeconds(elapsed)) between polls")
        }
        ticks("hrSystemUptime", a.hrSystemUptime, b.hrSystemUptime, host)
        ticks("sysUpTime", a.sysUpTime, b.sysUpTime, sys)
        if let ba = a.engineBoots, let bb = b.engineBoots {
            evidence.append(bb == ba ? "snmpEngineBoots stayed \(ba)" : "snmpEngineBoots went from \(ba) to \(bb)")
        }
        func event(_ kind: RestartKind, uptime: UInt32?) -> RestartEvent {
            let at = uptime.map { b.time.addingTimeInterval(-Double($0) / 100) } ?? b.time
            return RestartEvent(device: b.device, pd: b.pd, kind: kind, time: max(at, a.time), after: a.time, before: b.time,
                                evidence: evidence)
        }
        switch host {
        case .restarted:
            return event(.reboot, uptime: b.hrSystemUptime)
        case .continued, .wrapped:
            guard agentRestarted else { return nil }
            evidence.append("the host stayed up (hrSystemUptime continued): only the SNMP agent restarted")
            let uptime = engine == .restarted ? b.engineTime.map { $0 &* 100 } : b.sysUpTime
            return event(.agentRestart, uptime: uptime)
        case .unknown:
            guard agentRestarted else { return nil }
            evidence.append("no hrSystemUptime on this device: a reboot and an agent restart look the same")
            let uptime = sys == .restarted ? b.sysUpTime : b.engineTime.map { $0 &* 100 }
            return event(.reboot, uptime: uptime)
        }
    }

    /// Every restart in one device's polls (sorted by time), each found once: between
    /// consecutive answered polls, across any unanswered ones.
    public static func restarts(in polls: [StatusPoll]) -> [RestartEvent] {
        var out: [RestartEvent] = []
        var last: StatusPoll?
        for p in polls where p.reachable {
            if let a = last, let e = restart(between: a, and: p) { out.append(e) }
            last = p
        }
        return out
    }

    /// One device's outages in its polls (sorted by time): runs of at least `downAfter`
    /// unanswered polls. See `Outage` for where each starts and ends.
    public static func outages(in polls: [StatusPoll], downAfter: Int) -> [Outage] {
        let need = max(1, downAfter)
        var out: [Outage] = []
        var lastGood: StatusPoll?
        var run: [StatusPoll] = []
        func close(end: Date?) {
            defer { run = [] }
            guard run.count >= need, let first = run.first else { return }
            let start = lastGood.map { $0.time.addingTimeInterval($0.interval) } ?? first.time
            out.append(Outage(device: first.device, pd: first.pd, hosting: first.hosting,
                              start: min(start, first.time),
                              end: end, missedPolls: run.count, lastError: run.last?.error,
                              watchedUntil: run.last.map { $0.time.addingTimeInterval($0.interval) } ?? first.time))
        }
        for p in polls {
            if p.reachable {
                close(end: p.time)
                lastGood = p
            } else {
                run.append(p)
            }
        }
        close(end: nil)
        return out
    }

    /// Availability of one device over `period`: the share of the monitored time it was not
    /// in an outage. Monitored time is where polls were made: between two consecutive polls
    /// no more than two intervals apart, and one interval after each poll (capped at `now`);
    /// a stretch with no polls at all (the collector stopped) is neither up nor down.
    public static func availability(of polls: [StatusPoll], outages: [Outage], period: ReportPeriod, now: Date) -> DeviceAvailability? {
        guard let first = polls.first else { return nil }
        let end = min(period.end, now)
        var monitored: [(Date, Date)] = []
        for (i, p) in polls.enumerated() {
            var until = p.time.addingTimeInterval(p.interval)
            if i + 1 < polls.count {
                let next = polls[i + 1].time
                if next.timeIntervalSince(p.time) <= 2 * p.interval { until = next } else { until = min(until, next) }
            }
            monitored.append((p.time, min(until, now)))
        }
        // An outage counts from its start even when that lies before its first failed poll.
        let down = outages.map { ($0.start, $0.counted(now: now)) }
        let spans = merge(monitored + down)
        let monitoredSeconds = overlap(spans, period.start, end)
        guard monitoredSeconds > 0 else { return nil }
        let downSeconds = overlap(merge(down), period.start, end)
        // Its PD and hosting type as at its last poll before the period's end (polls after it
        // are read only to see an outage across the end whole).
        let last = polls.last { $0.time < period.end } ?? first
        return DeviceAvailability(device: first.device, pd: last.pd, hosting: last.hosting,
                                  monitoredSeconds: monitoredSeconds, downSeconds: min(downSeconds, monitoredSeconds))
    }

    static func merge(_ spans: [(Date, Date)]) -> [(Date, Date)] {
        var out: [(Date, Date)] = []
        for (s, e) in spans.filter({ $0.1 > $0.0 }).sorted(by: { $0.0 < $1.0 }) {
            if let last = out.last, s <= last.1 { out[out.count - 1].1 = max(last.1, e) } else { out.append((s, e)) }
        }
        return out
    }

    static func overlap(_ spans: [(Date, Date)], _ from: Date, _ to: Date) -> Double {
        spans.reduce(0) { acc, s in acc + max(0, min(s.1, to).timeIntervalSince(max(s.0, from))) }
    }

    /// "497d 02:27:52" from TimeTicks.
    public static func formatTicks(_ t: UInt32) -> String { formatSeconds(Double(t) / 100) }

    /// "3d 04:00:00", "0:01:10".
    public static func formatSeconds(_ s: Double) -> String {
        let total = Int(s.rounded())
        let (d, h, m, sec) = (total / 86_400, total % 86_400 / 3_600, total % 3_600 / 60, total % 60)
        let clock = d > 0 ? String(format: "%02d:%02d:%02d", h, m, sec) : String(format: "%d:%02d:%02d", h, m, sec)
        return d > 0 ? "\(d)d \(clock)" : clock
    }
}

/// A device's (or a group's) availability over a period.
public struct DeviceAvailability: Sendable, Hashable, Codable {
    public var device: String
    public var pd: String?
    public var hosting: HostingType?
    /// Seconds the collector watched it in the period.
    public var monitoredSeconds: Double
    /// Seconds of those it was in an outage.
    public var downSeconds: Double
    /// Up share of the monitored time, 0...1.
    public var availability: Double { monitoredSeconds > 0 ? 1 - downSeconds / monitoredSeconds : 0 }

    public init(device: String, pd: String?, hosting: HostingType?, monitoredSeconds: Double, downSeconds: Double) {
        self.device = device; self.pd = pd; self.hosting = hosting
        self.monitoredSeconds = monitoredSeconds; self.downSeconds = downSeconds
    }
}

/// Availability of a group of devices (a PD, a hosting type): their up time over their
/// monitored time, so a device watched longer weighs more.
public struct GroupAvailability: Sendable, Hashable, Codable {
    public var group: String
    public var devices: Int
    public var monitoredSeconds: Double
    public var downSeconds: Double
    public var availability: Double { monitoredSeconds > 0 ? 1 - downSeconds / monitoredSeconds : 0 }

    public init(group: String, members: [DeviceAvailability]) {
        self.group = group
        devices = members.count
        monitoredSeconds = members.reduce(0) { $0 + $1.monitoredSeconds }
        downSeconds = members.reduce(0) { $0 + $1.downSeconds }
    }

    /// Groups `devices` by `key` (devices without one are left out), ordered by group name.
    public static func by(_ devices: [DeviceAvailability], _ key: (DeviceAvailability) -> String?) -> [GroupAvailability] {
        Dictionary(grouping: devices.compactMap { d in key(d).map { ($0, d) } }, by: \.0)
            .map { GroupAvailability(group: $0.key, members: $0.value.map(\.1)) }
            .sorted { $0.group < $1.group }
    }
}

import Foundation

// The uptime rollup: what `Uptime` computes from raw status polls, kept per device per day as
// the polls arrive, so a report over whole days reads a few rows per device instead of every
// poll. Pure: `UptimeRollup.step` turns one poll and the device's state into the rows to add;
// the stores only persist them (in the poll's transaction) and replay polls through it to
// build the rollup of an existing store.
//
// What is kept (per device):
// - settled time: everything before the device's last answered poll A. A poll's monitored
//   span and an outage's down span are known only once the next answered poll arrives, so the
//   stretch from A on is "pending" and a report reads the raw polls from A (usually one).
// - per day: the monitored seconds (the union of the polls' monitored spans, as
//   `Uptime.availability` draws them, before any outage is added) and the day's polls;
// - per run of unanswered polls (an outage once it has `down_after` of them, a threshold only
//   known when reporting): its start, end, polls and last error, and per day the monitored
//   seconds inside its down span, so a report adds the down span's unmonitored part exactly;
// - restarts, with their evidence, found between consecutive answered polls.
// A report over [P0, P1) adds these for the days inside it; see `UptimeRollup.combine`.

/// The grid of rollup days: days of a fixed UTC offset (the active profile's, UTC without one).
public struct UptimeDayGrid: Sendable, Hashable, Codable {
    public var offsetSeconds: Int
    public static let dayLength: Double = 86_400

    public init(offsetSeconds: Int) { self.offsetSeconds = offsetSeconds }
    public static let utc = UptimeDayGrid(offsetSeconds: 0)

    /// The start (Unix seconds) of the day holding `t`.
    public func dayStart(_ t: Double) -> Double {
        let off = Double(offsetSeconds)
        return ((t + off) / Self.dayLength).rounded(.down) * Self.dayLength - off
    }

    /// Whether `t` is a day boundary of this grid.
    public func isBoundary(_ t: Double) -> Bool { dayStart(t) == t }

    /// `[from, to)` cut at day boundaries: (day start, seconds in that day).
    public func split(_ from: Double, _ to: Double) -> [(day: Double, seconds: Double)] {
        guard to > from else { return [] }
        var out: [(Double, Double)] = []
        var s = from
        while s < to {
            let day = dayStart(s)
            let e = min(to, day + Self.dayLength)
            out.append((day, e - s))
            s = e
        }
        return out
    }
}

/// A run of unanswered polls of one device, as kept by the rollup: an outage when it has at
/// least `down_after` polls (see `Outage` for where it starts and ends).
public struct UptimeRun: Sendable, Hashable, Codable {
    public var device: String
    /// Its first unanswered poll's time: the run's key.
    public var firstFailed: Double
    /// Where its down span starts (one interval after the last answered poll, or its first poll).
    public var start: Double
    /// The next answered poll; nil while it lasts.
    public var end: Double?
    public var missedPolls: Int
    public var lastError: String?
    /// Its last unanswered poll plus one interval.
    public var watchedUntil: Double
    public var pd: String?
    public var hosting: HostingType?

    public init(device: String, firstFailed: Double, start: Double, end: Double?, missedPolls: Int, lastError: String?,
                watchedUntil: Double, pd: String?, hosting: HostingType?) {
        self.device = device; self.firstFailed = firstFailed; self.start = start; self.end = end; self.missedPolls = missedPolls
        self.lastError = lastError; self.watchedUntil = watchedUntil; self.pd = pd; self.hosting = hosting
    }

    public var outage: Outage {
        Outage(device: device, pd: pd, hosting: hosting, start: Date(timeIntervalSince1970: start), end: end.map { Date(timeIntervalSince1970: $0) },
               missedPolls: missedPolls, lastError: lastError, watchedUntil: Date(timeIntervalSince1970: watchedUntil))
    }
}

/// One device's rollup state, kept with its latest status (one row per device).
public struct UptimeDeviceState: Sendable, Hashable, Codable {
    public var device: String
    /// The last poll recorded.
    public var last: StatusPoll
    /// When the current answered or unanswered streak began (its first poll).
    public var since: Double
    /// The last answered poll (nil until the device first answers): everything before it is settled.
    public var answered: StatusPoll?
    /// The run of unanswered polls going on since `answered` (nil when the last poll was answered).
    public var run: UptimeRun?

    public init(device: String, last: StatusPoll, since: Double, answered: StatusPoll?, run: UptimeRun?) {
        self.device = device; self.last = last; self.since = since; self.answered = answered; self.run = run
    }

    /// The latest status a dashboard shows.
    public var latest: DeviceLatestStatus {
        DeviceLatestStatus(device: device, pd: last.pd, hosting: last.hosting, lastPoll: last.time, up: last.reachable,
                           since: Date(timeIntervalSince1970: since), lastAnswered: answered?.time,
                           sysUpTime: answered?.sysUpTime, lastError: last.reachable ? nil : last.error)
    }
}

/// A device's status at its last poll.
public struct DeviceLatestStatus: Sendable, Hashable, Codable {
    public var device: String
    public var pd: String?
    public var hosting: HostingType?
    public var lastPoll: Date
    /// Whether its last poll was answered.
    public var up: Bool
    /// Since when it has been answering (or not), without a break.
    public var since: Date
    public var lastAnswered: Date?
    /// sysUpTime at its last answered poll.
    public var sysUpTime: UInt32?
    public var lastError: String?

    public init(device: String, pd: String?, hosting: HostingType?, lastPoll: Date, up: Bool, since: Date, lastAnswered: Date?,
                sysUpTime: UInt32?, lastError: String?) {
        self.device = device; self.pd = pd; self.hosting = hosting; self.lastPoll = lastPoll; self.up = up; self.since = since
        self.lastAnswered = lastAnswered; self.sysUpTime = sysUpTime; self.lastError = lastError
    }
}

/// What one poll adds to the rollup (the store writes it in the poll's transaction).
public struct UptimeRollupChange: Sendable {
    /// Monitored seconds settled per day.
    public var monitored: [(day: Double, seconds: Double)] = []
    /// Monitored seconds inside the run `runKey`'s down span, per day.
    public var runMonitored: [(day: Double, seconds: Double)] = []
    public var runKey: Double?
    /// The run to write (insert or replace by device and `firstFailed`).
    public var run: UptimeRun?
    /// A restart found at this poll.
    public var restart: RestartEvent?
    /// Moves the pending run-day seconds of run `settleRun` into the settled monitored seconds.
    public var settleRun: Double?
    /// The day this poll counts in.
    public var pollDay: Double
    public var state: UptimeDeviceState
}

/// One day of one device in the rollup.
public struct UptimeDay: Sendable, Hashable, Codable {
    public var device: String
    public var day: Double
    public var monitored: Double
    public var polls: Int
    /// The day's last poll.
    public var lastTime: Double
    public var lastReachable: Bool
    public var lastPD: String?
    public var lastHosting: HostingType?

    public init(device: String, day: Double, monitored: Double, polls: Int, lastTime: Double, lastReachable: Bool, lastPD: String?,
                lastHosting: HostingType?) {
        self.device = device; self.day = day; self.monitored = monitored; self.polls = polls; self.lastTime = lastTime
        self.lastReachable = lastReachable; self.lastPD = lastPD; self.lastHosting = lastHosting
    }
}

public enum UptimeRollup {
    /// The poll's effect on the rollup. Returns nil when `poll` is older than the device's last
    /// poll (out of order): the store then rebuilds that device's rollup from its raw polls.
    public static func step(_ prior: UptimeDeviceState?, _ p: StatusPoll, grid: UptimeDayGrid) -> UptimeRollupChange? {
        let t = p.time.timeIntervalSince1970
        guard var s = prior else {
            var run: UptimeRun?
            if !p.reachable {
                run = UptimeRun(device: p.device, firstFailed: t, start: t, end: nil, missedPolls: 1, lastError: p.error,
                                watchedUntil: t + p.interval, pd: p.pd, hosting: p.hosting)
            }
            let state = UptimeDeviceState(device: p.device, last: p, since: t, answered: p.reachable ? p : nil, run: run)
            var c = UptimeRollupChange(pollDay: grid.dayStart(t), state: state)
            c.run = run; c.runKey = run?.firstFailed
            return c
        }
        let lt = s.last.time.timeIntervalSince1970
        guard t >= lt else { return nil }
        var c = UptimeRollupChange(pollDay: grid.dayStart(t), state: s)
        // The previous poll's monitored span, now that the next poll is known (as `Uptime.availability`).
        let until = t - lt <= 2 * s.last.interval ? t : min(lt + s.last.interval, t)
        if var run = s.run {
            // Inside a run: pending until the run ends (the previous poll is one of its unanswered ones).
            c.runKey = run.firstFailed
            c.runMonitored = grid.split(max(lt, run.start), until)
            if p.reachable {
                run.end = t
                c.run = run
                c.settleRun = run.firstFailed
                // The last answered poll's span (before the run) is settled now too: its part
                // before the run's start, and its part inside the down span (counted in the run).
                if let a = s.answered {
                    let at = a.time.timeIntervalSince1970
                    let ff = run.firstFailed
                    let aUntil = ff - at <= 2 * a.interval ? ff : min(at + a.interval, ff)
                    c.monitored = grid.split(at, min(aUntil, run.start))
                    c.runMonitored += grid.split(max(at, run.start), aUntil)
                }
                c.restart = s.answered.flatMap { Uptime.restart(between: $0, and: p) }
                s.run = nil
                s.answered = p
                s.since = t
            } else {
                run.missedPolls += 1
                run.lastError = p.error
                run.watchedUntil = t + p.interval
                c.run = run
                s.run = run
            }
        } else if p.reachable {
            // Answered after answered (or after the device's very first poll): the previous span settles.
            c.monitored = grid.split(lt, until)
            c.restart = s.answered.flatMap { Uptime.restart(between: $0, and: p) }
            s.answered = p
        } else {
            // A run begins; the last answered poll's span stays pending with it.
            let start = s.answered.map { min($0.time.timeIntervalSince1970 + $0.interval, t) } ?? t
            let run = UptimeRun(device: p.device, firstFailed: t, start: start, end: nil, missedPolls: 1, lastError: p.error,
                                watchedUntil: t + p.interval, pd: p.pd, hosting: p.hosting)
            c.run = run; c.runKey = run.firstFailed
            s.run = run
            s.since = t
        }
        s.last = p
        c.state = s
        return c
    }
}

/// What the rollup holds for one device over a report's days (`UptimeStorage.uptimeDays`).
public struct UptimeDaysSummary: Sendable, Hashable {
    public var device: String
    /// Settled monitored seconds of the days in [from, to).
    public var monitored: Double
    /// The last of those days' polls.
    public var last: UptimeDay?
    /// A day of another grid (the profile's zone changed) crosses `from`, or `to`: those days
    /// cannot be cut there, and the report reads the raw polls instead.
    public var straddlesStart: Bool
    public var straddlesEnd: Bool

    public init(device: String, monitored: Double, last: UptimeDay?, straddlesStart: Bool, straddlesEnd: Bool) {
        self.device = device; self.monitored = monitored; self.last = last; self.straddlesStart = straddlesStart; self.straddlesEnd = straddlesEnd
    }
}

/// An ended run with the monitored seconds inside its down span over a report's days.
public struct UptimeRunInPeriod: Sendable, Hashable {
    public var run: UptimeRun
    public var monitoredInside: Double
    public init(run: UptimeRun, monitoredInside: Double) { self.run = run; self.monitoredInside = monitoredInside }
}

/// One device's uptime figures over a period, as `UptimeReport` shows them.
public struct DeviceUptimeFigures: Sendable, Hashable {
    public var availability: DeviceAvailability
    public var outages: [Outage]
    public var restarts: [RestartEvent]
    /// Its last poll in the period.
    public var lastPoll: Date
    public var upAtLastPoll: Bool
}

extension Uptime {
    /// One device's figures from its raw polls (sorted by time; from its last answered poll
    /// before the period, or its first poll, up to its first answered poll at or after the
    /// period's end): nil when it was not monitored in the period.
    public static func figures(of polls: [StatusPoll], period: ReportPeriod, now: Date, downAfter: Int) -> DeviceUptimeFigures? {
        let end = min(period.end, now)
        let found = outages(in: polls, downAfter: downAfter).filter { $0.start < end && $0.counted(now: now) > period.start }
        guard let a = availability(of: polls, outages: found, period: period, now: now),
              let last = polls.last(where: { period.contains($0.time) }) else { return nil }
        return DeviceUptimeFigures(availability: a, outages: found, restarts: restarts(in: polls).filter { period.contains($0.time) },
                                   lastPoll: last.time, upAtLastPoll: last.reachable)
    }
}

extension UptimeRollup {
    /// How a report reads one device over `period`.
    public enum Plan: Sendable, Hashable {
        /// The rollup alone (the period ends before the device's last answered poll).
        case rollup
        /// The rollup up to the last answered poll, then the raw polls from it.
        case rollupAndTail
        /// The raw polls (never answered, or days of another grid at the period's edges).
        case raw
    }

    public static func plan(_ state: UptimeDeviceState, days: UptimeDaysSummary?, period: ReportPeriod, now: Date) -> Plan {
        plan(answered: state.answered?.time, days: days, period: period, now: now)
    }

    /// The same from the device's last answered poll's time alone (nil: it never answered).
    public static func plan(answered: Date?, days: UptimeDaysSummary?, period: ReportPeriod, now: Date) -> Plan {
        // Days of another grid (or a period such as last-30d) crossing either end cannot be cut there.
        guard let a = answered, days?.straddlesStart != true, days?.straddlesEnd != true else { return .raw }
        let end = min(period.end, now)
        if a <= end { return .rollupAndTail }
        // Answered after the period's end: its days hold all of it, if the period is over.
        return period.end <= now ? .rollup : .raw
    }

    /// One device's figures from the rollup (`plan` said `.rollup` or `.rollupAndTail`): the same
    /// as `Uptime.figures` over the raw polls, up to floating-point rounding.
    /// - `runs`: its ended runs overlapping the period, each with its monitored seconds inside;
    /// - `restarts`: those in the period; `tail`: its polls from its last answered poll on
    ///   (empty for `.rollup`).
    public static func figures(state: UptimeDeviceState, days: UptimeDaysSummary?, runs: [UptimeRunInPeriod], restarts: [RestartEvent],
                               tail: [StatusPoll], period: ReportPeriod, now: Date, downAfter: Int) -> DeviceUptimeFigures? {
        figures(device: state.device, answered: state.answered?.time, days: days, runs: runs, restarts: restarts, tail: tail, period: period,
                now: now, downAfter: downAfter)
    }

    /// The same from the device's name and its last answered poll's time (all the state it reads).
    public static func figures(device: String, answered: Date?, days: UptimeDaysSummary?, runs: [UptimeRunInPeriod], restarts: [RestartEvent],
                               tail: [StatusPoll], period: ReportPeriod, now: Date, downAfter: Int) -> DeviceUptimeFigures? {
        let p0 = period.start.timeIntervalSince1970
        let end = min(period.end, now).timeIntervalSince1970
        var monitored = days?.monitored ?? 0, down = 0.0
        var outages: [Outage] = []
        for r in runs where r.run.missedPolls >= max(1, downAfter) {
            guard let e = r.run.end, r.run.start < end, e > p0 else { continue }
            let inside = max(0, min(e, end) - max(r.run.start, p0))
            down += inside
            monitored += inside - r.monitoredInside
            outages.append(r.run.outage)
        }
        var lastPoll = days?.last.map { (Date(timeIntervalSince1970: $0.lastTime), $0.lastReachable, $0.lastPD, $0.lastHosting) }
        if let a = answered, !tail.isEmpty {
            let from = max(period.start, a)
            if from < period.end {
                let sub = ReportPeriod(start: from, end: period.end, label: period.label)
                let endDate = min(period.end, now)
                let found = Uptime.outages(in: tail, downAfter: downAfter).filter { $0.start < endDate && $0.counted(now: now) > period.start }
                if let t = Uptime.availability(of: tail, outages: found, period: sub, now: now) {
                    monitored += t.monitoredSeconds
                    down += t.downSeconds
                }
                outages += found
            }
            if let l = tail.last(where: { period.contains($0.time) }) { lastPoll = (l.time, l.reachable, l.pd, l.hosting) }
        }
        guard monitored > 0, let last = lastPoll else { return nil }
        let a = DeviceAvailability(device: device, pd: last.2, hosting: last.3, monitoredSeconds: monitored,
                                   downSeconds: min(down, monitored))
        return DeviceUptimeFigures(availability: a, outages: outages.sorted { $0.start < $1.start }, restarts: restarts.sorted { $0.time < $1.time },
                                   lastPoll: last.0, upAtLastPoll: last.1)
    }
}

/// Builds one device's rollup from its raw polls in memory (sorted by time), the rows a store
/// writes when it builds the rollup of existing polls: the same rows as recording them one by one.
public struct UptimeRollupBuilder: Sendable {
    public let grid: UptimeDayGrid
    public private(set) var state: UptimeDeviceState?
    public private(set) var days: [Double: UptimeDay] = [:]
    public private(set) var runs: [Double: UptimeRun] = [:]
    /// Per run key, per day: monitored seconds inside the run's down span.
    public private(set) var runDays: [Double: [Double: Double]] = [:]
    public private(set) var restarts: [RestartEvent] = []
    public private(set) var polls = 0

    public init(grid: UptimeDayGrid) { self.grid = grid }

    public mutating func add(_ p: StatusPoll) {
        guard let c = UptimeRollup.step(state, p, grid: grid) else { return }
        polls += 1
        apply(c, p)
    }

    mutating func apply(_ c: UptimeRollupChange, _ p: StatusPoll) {
        let device = p.device
        func day(_ d: Double) -> UptimeDay {
            days[d] ?? UptimeDay(device: device, day: d, monitored: 0, polls: 0, lastTime: -.infinity, lastReachable: false, lastPD: nil, lastHosting: nil)
        }
        for (d, s) in c.monitored { var x = day(d); x.monitored += s; days[d] = x }
        if let k = c.runKey { for (d, s) in c.runMonitored { runDays[k, default: [:]][d, default: 0] += s } }
        if let r = c.run { runs[r.firstFailed] = r }
        if let k = c.settleRun { for (d, s) in runDays[k] ?? [:] { var x = day(d); x.monitored += s; days[d] = x } }
        if let r = c.restart { restarts.append(r) }
        var x = day(c.pollDay)
        x.polls += 1; x.lastTime = p.time.timeIntervalSince1970; x.lastReachable = p.reachable; x.lastPD = p.pd; x.lastHosting = p.hosting
        days[c.pollDay] = x
        state = c.state
    }
}

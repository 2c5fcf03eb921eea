import Foundation

/// A calendar date with no time of day, as the regulations count years (`2024-01-11`).
public struct LocalDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`, rejecting impossible dates such as 2023-02-30.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), d >= 1, d <= LocalDate.daysIn(year: y, month: m) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The local date of an instant in a time zone.
    public init(_ date: Date, in zone: TimeZone) {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        let c = cal.dateComponents([.year, .month, .day], from: date)
        // Components are always present for a Gregorian calendar with these units requested.
        self.init(year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1)
    }

    static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Adds calendar months, clamping the day (2024-01-31 + 1 month = 2024-02-29).
    public func adding(months: Int) -> LocalDate {
        let total = year * 12 + (month - 1) + months
        let y = total / 12, m = total % 12 + 1
        return LocalDate(year: y, month: m, day: min(day, LocalDate.daysIn(year: y, month: m)))
    }

    /// Days from `self` to `other` (positive when `other` is later).
    public func days(until other: LocalDate) -> Int { other.dayNumber - dayNumber }

    /// Days since 1970-01-01 (proleptic Gregorian).
    var dayNumber: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public var description: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    public static func < (a: LocalDate, b: LocalDate) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    /// Encoded as its text, `2024-01-11`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        guard let d = LocalDate(text) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "\(text) is not a date YYYY-MM-DD")
        }
        self = d
    }
}

/// Where a PD stands with its yearly LAN diagram duty under the active profile.
public struct DiagramDutyStatus: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable {
        /// The profile has no diagram duty (and the Dinas has not turned one on).
        case notRequired = "not_required"
        /// The latest diagram satisfies the duty.
        case current
        /// Past the due date.
        case overdue
        /// No diagram was ever submitted.
        case neverSubmitted = "never_submitted"
    }
    public var state: State
    /// Local date of the latest accepted diagram.
    public var latest: LocalDate?
    /// Age of the latest diagram in days.
    public var ageDays: Int?
    /// Last day on which the duty is still met by the latest diagram.
    public var dueDate: LocalDate?
    /// Legal basis of the duty; nil when not required.
    public var basis: Basis?

    /// True when the PD is flagged (overdue or never submitted under an active duty).
    public var isFlagged: Bool { state == .overdue || state == .neverSubmitted }
}

extension DiagramFreshnessCheck {
    /// The duty status, as a pure function of the check, the latest submission and today
    /// (regulations.md R16). Rolling: due `maxAgeMonths` after the latest diagram, overdue
    /// the day after. Calendar year: a diagram covers its own calendar year; overdue once
    /// a new year begins with none received in it.
    public func status(latest: LocalDate?, today: LocalDate) -> DiagramDutyStatus {
        let age = latest.map { $0.days(until: today) }
        guard enabled else { return DiagramDutyStatus(state: .notRequired, latest: latest, ageDays: age, dueDate: nil, basis: nil) }
        guard let latest else {
            return DiagramDutyStatus(state: .neverSubmitted, latest: nil, ageDays: nil, dueDate: nil, basis: basis)
        }
        let due: LocalDate
        switch mode {
        case .rolling: due = latest.adding(months: maxAgeMonths)
        case .calendarYear: due = LocalDate(year: latest.year, month: 12, day: 31)
        }
        return DiagramDutyStatus(state: today > due ? .overdue : .current, latest: latest, ageDays: age, dueDate: due, basis: basis)
    }
}

/// A PD's latest diagram version without the diagram: what its duty status needs.
public struct SubmissionHead: Sendable, Hashable, Codable {
    public var pd: String
    public var version: Int
    public var submittedAt: Date
    public var submitter: String
    public init(pd: String, version: Int, submittedAt: Date, submitter: String) {
        self.pd = pd
        self.version = version
        self.submittedAt = submittedAt
        self.submitter = submitter
    }
}

/// One PD's line in `pantau diagram status`.
public struct PDDiagramStatus: Sendable, Hashable, Codable {
    public var pd: String
    public var name: String
    public var latestVersion: Int?
    public var duty: DiagramDutyStatus
    /// Open change-report duties (R17) and whether any is past its deadline.
    public var openChangeDuties: Int
    public var changeDutyOverdue: Bool
}

extension RegionalProfile {
    /// Diagram status of every registered PD (and of PDs that submitted without being in
    /// the registry), sorted by PD code. Pure: all inputs are passed in, including now.
    public func diagramStatus(registry: PDRegistry?, latest: [String: Submission], duties: [ChangeDuty], now: Date) -> [PDDiagramStatus] {
        diagramStatus(registry: registry, latestHeads: latest.mapValues { SubmissionHead(pd: $0.pd, version: $0.version, submittedAt: $0.submittedAt,
                                                                                      submitter: $0.submitter) },
                      duties: duties, now: now)
    }

    /// The same from each PD's latest version alone (number and time), without its diagram.
    public func diagramStatus(registry: PDRegistry?, latestHeads latest: [String: SubmissionHead], duties: [ChangeDuty], now: Date) -> [PDDiagramStatus] {
        let today = LocalDate(now, in: timeZone)
        var names: [String: String] = [:]
        for pd in registry?.pds ?? [] { names[pd.code] = pd.name }
        for code in latest.keys where names[code] == nil { names[code] = "(not in registry)" }
        return names.keys.sorted().map { code in
            let sub = latest[code]
            let latestDate = sub.map { LocalDate($0.submittedAt, in: timeZone) }
            let mine = duties.filter { $0.pd == code && $0.closedAt == nil }
            return PDDiagramStatus(pd: code, name: names[code] ?? code, latestVersion: sub?.version,
                                   duty: diagramFreshness.status(latest: latestDate, today: today),
                                   openChangeDuties: changeReport.enabled ? mine.count : 0,
                                   changeDutyOverdue: changeReport.enabled && mine.contains { $0.dueAt.map { $0 < now } ?? false })
        }
    }
}

import Foundation

// The period a report covers (`pantau uptime --period`, `pantau traffic --period`), written as
// an operator writes it and read in the active profile's time zone: a calendar month in WIB is
// not the same instant range as in UTC. Pure: `now` and the zone are given.

/// A half-open range of time [start, end) with the text it was written as.
public struct ReportPeriod: Sendable, Hashable, Codable, CustomStringConvertible {
    public var start: Date
    public var end: Date
    /// As the operator wrote it, e.g. "2026-11" or "last-30d".
    public var label: String

    public init(start: Date, end: Date, label: String) {
        self.start = start; self.end = end; self.label = label
    }

    public var duration: TimeInterval { end.timeIntervalSince(start) }
    public func contains(_ t: Date) -> Bool { t >= start && t < end }
    public var description: String { label }

    /// What a period may be written as.
    public static let syntax = """
        YYYY, YYYY-MM or YYYY-MM-DD (a calendar year, month or day), FROM..TO with each side one of those \
        (TO included whole: 2026-11-01..2026-11-15 ends at the end of the 15th), last-Nd or last-Nh \
        (the N days or hours up to now), today, yesterday, this-month, last-month
        """

    /// Parses `text` in `zone` relative to `now`; nil when it is not one of `syntax`'s forms.
    public static func parse(_ text: String, now: Date, zone: TimeZone) -> ReportPeriod? {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        func make(_ s: Date, _ e: Date) -> ReportPeriod? { s < e ? ReportPeriod(start: s, end: e, label: text) : nil }

        if t.hasPrefix("last-"), let unit = t.last, unit == "d" || unit == "h",
           let n = Int(t.dropFirst(5).dropLast()), n > 0, n <= 100 * 366 {
            let seconds = Double(n) * (unit == "d" ? 86_400 : 3_600)
            return make(now.addingTimeInterval(-seconds), now)
        }
        let today = cal.startOfDay(for: now)
        switch t {
        case "today": return cal.date(byAdding: .day, value: 1, to: today).flatMap { make(today, $0) }
        case "yesterday": return cal.date(byAdding: .day, value: -1, to: today).flatMap { make($0, today) }
        case "this-month", "last-month":
            guard let first = cal.dateInterval(of: .month, for: now)?.start else { return nil }
            if t == "this-month" { return cal.date(byAdding: .month, value: 1, to: first).flatMap { make(first, $0) } }
            return cal.date(byAdding: .month, value: -1, to: first).flatMap { make($0, first) }
        default: break
        }
        let sides = t.components(separatedBy: "..")
        guard sides.count <= 2, let from = calendarUnit(sides[0], cal) else { return nil }
        if sides.count == 1 { return make(from.start, from.end) }
        guard let to = calendarUnit(sides[1], cal) else { return nil }
        return make(from.start, to.end)
    }

    /// "2026", "2026-11" or "2026-11-05" as the whole year, month or day in `cal`'s zone.
    static func calendarUnit(_ s: String, _ cal: Calendar) -> (start: Date, end: Date)? {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              parts[0].count == 4, parts.dropFirst().allSatisfy({ $0.count == 2 }) else { return nil }
        let numbers = parts.compactMap { Int($0) }
        var c = DateComponents(year: numbers[0], month: numbers.count > 1 ? numbers[1] : 1, day: numbers.count > 2 ? numbers[2] : 1)
        c.hour = 0
        guard let start = cal.date(from: c) else { return nil }
        // Reject what the calendar would roll over (2026-02-30 is not March 2nd).
        let back = cal.dateComponents([.year, .month, .day], from: start)
        guard back.year == c.year, back.month == c.month, back.day == c.day else { return nil }
        let unit: Calendar.Component = numbers.count == 1 ? .year : numbers.count == 2 ? .month : .day
        guard let end = cal.date(byAdding: unit, value: 1, to: start) else { return nil }
        return (start, end)
    }
}

import Foundation
import InventoryModel
import Testing

/// Report periods as operators write them, read in the profile's time zone.
@Suite struct ReportPeriodTests {
    let wib = TimeZone(secondsFromGMT: 7 * 3600)!
    // 2026-12-01 06:30 UTC = 13:30 WIB.
    let now = Date(timeIntervalSince1970: 1_796_106_600)

    func utc(_ s: String) -> Date { ISO8601DateFormatter().date(from: s)! }

    @Test func monthIsTheCalendarMonthInTheProfileZone() throws {
        let p = try #require(ReportPeriod.parse("2026-11", now: now, zone: wib))
        #expect(p.start == utc("2026-10-31T17:00:00Z"))
        #expect(p.end == utc("2026-11-30T17:00:00Z"))
        #expect(p.label == "2026-11")
        let inUTC = try #require(ReportPeriod.parse("2026-11", now: now, zone: .gmt))
        #expect(inUTC.start == utc("2026-11-01T00:00:00Z"))
    }

    @Test func rangeIncludesTheWholeLastDay() throws {
        let p = try #require(ReportPeriod.parse("2026-11-01..2026-11-15", now: now, zone: wib))
        #expect(p.start == utc("2026-10-31T17:00:00Z"))
        #expect(p.end == utc("2026-11-15T17:00:00Z"))
        #expect(p.duration == 15 * 86_400)
        let mixed = try #require(ReportPeriod.parse("2026-01..2026-03", now: now, zone: .gmt))
        #expect(mixed.end == utc("2026-04-01T00:00:00Z"))
        let year = try #require(ReportPeriod.parse("2025", now: now, zone: .gmt))
        #expect(year.duration == 365 * 86_400)
    }

    @Test func relativePeriodsEndNow() throws {
        let d = try #require(ReportPeriod.parse("last-30d", now: now, zone: wib))
        #expect(d.end == now && d.duration == 30 * 86_400)
        let h = try #require(ReportPeriod.parse("last-6h", now: now, zone: wib))
        #expect(h.duration == 6 * 3600)
        let today = try #require(ReportPeriod.parse("today", now: now, zone: wib))
        #expect(today.start == utc("2026-11-30T17:00:00Z") && today.contains(now))
        let yesterday = try #require(ReportPeriod.parse("yesterday", now: now, zone: wib))
        #expect(yesterday.end == today.start)
        let lastMonth = try #require(ReportPeriod.parse("last-month", now: now, zone: wib))
        #expect(lastMonth == ReportPeriod.parse("2026-11", now: now, zone: wib).map { ReportPeriod(start: $0.start, end: $0.end, label: "last-month") })
        let thisMonth = try #require(ReportPeriod.parse("this-month", now: now, zone: wib))
        #expect(thisMonth.start == lastMonth.end && thisMonth.contains(now))
    }

    @Test func nonsenseIsRefused() {
        for bad in ["", "2026-13", "2026-02-30", "26-11", "2026-1", "last-0d", "last-5w", "2026-11-15..2026-11-01",
                    "2026-11..", "a..b", "2026-11-01..2026-11-02..2026-11-03", "last-d", "２０２６"] {
            #expect(ReportPeriod.parse(bad, now: now, zone: wib) == nil, "\(bad)")
        }
    }
}

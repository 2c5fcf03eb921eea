import Foundation
import Governance
import Testing
import YAMLSupport

@Suite("Regional profiles and diagram duty status")
struct ProfileAndStatusTests {
    @Test func allFiveProfilesLoadWithTheirPerbup() throws {
        let all = try RegionalProfile.loadAll(directory: repoFile("config/profiles"))
        #expect(all.keys.sorted() == ["batang", "lebong", "manggarai", "soppeng", "waykanan"])
        #expect(all.values.map(\.perbupShortName).sorted() == [
            "Perbup Batang 50/2019", "Perbup Lebong 22/2022", "Perbup Manggarai 52/2021", "Perbup Soppeng 30/2022",
            "Perbup Way Kanan 26/2019",
        ])
        // Only Manggarai has the diagram duty (regulations.md §0.2).
        #expect(all.values.filter(\.diagramFreshness.enabled).map(\.id) == ["manggarai"])
        // Manggarai and Way Kanan have no audit chapter.
        #expect(all.values.filter { !$0.audit.enabled }.map(\.id).sorted() == ["manggarai", "waykanan"])
    }

    @Test func manggaraiCitesPasal16Ayat1() throws {
        let p = try profile("manggarai")
        #expect(p.diagramFreshness.basis.description == "Perbup Manggarai 52/2021 Pasal 16 ayat (1) (wajib)")
        #expect(p.changeReport.deadlineDays == nil)
        #expect(p.mandiriTIK.requiresDecree)
        #expect(p.network.basis.citation?.huruf == "a")
    }

    @Test func lebongLabelsAnEnabledDiagramCheckAsDinasPolicy() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var text = try readText(repoFile("config/profiles/lebong.yaml"))
        text = text.replacingOccurrences(of: "  lan_diagram_freshness:\n    enabled: false", with: "  lan_diagram_freshness:\n    enabled: true")
        try text.write(toFile: "\(dir)/lebong.yaml", atomically: true, encoding: .utf8)
        let p = try RegionalProfile.load(path: "\(dir)/lebong.yaml")
        #expect(p.diagramFreshness.enabled)
        #expect(p.diagramFreshness.basis == .dinasPolicy)
        #expect(p.diagramFreshness.basis.description == "Kebijakan Dinas – tidak diatur dalam Perbup")
        #expect(p.diagramFreshness.basis.citation == nil)
        let s = p.diagramFreshness.status(latest: date("2023-01-10"), today: date("2024-01-11"))
        #expect(s.state == .overdue)
        #expect(s.basis == .dinasPolicy)
        #expect(!s.basis!.isMandatory)
    }

    @Test func badProfileReportsEveryProblemWithLines() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let text = """
            format: pantau-profile/1
            id: x
            regency: Kabupaten X
            perbup: {nomor: 1, tahun: 2020}
            network: {wan_operatr: dinas}
            checks:
              lan_diagram_freshness: {enabled: true, mode: weekly, basis: {pasal: 16, strength: perhaps}}
            """
        try text.write(toFile: "\(dir)/x.yaml", atomically: true, encoding: .utf8)
        #expect {
            try RegionalProfile.load(path: "\(dir)/x.yaml")
        } throws: { error in
            let d = "\(error)"
            return d.contains(":5:") && d.contains("did you mean \"wan_operator\"") && d.contains("\"weekly\" is not one of")
                && d.contains("\"perhaps\" is not one of")
        }
    }

    // regulations.md R16 test cases.
    @Test func rollingTwelveMonths() throws {
        let f = try profile("manggarai").diagramFreshness
        let late = f.status(latest: date("2023-01-10"), today: date("2024-01-11"))
        #expect(late.state == .overdue)
        #expect(late.dueDate == date("2024-01-10"))
        #expect(late.ageDays == 366)
        #expect(f.status(latest: date("2023-01-10"), today: date("2024-01-10")).state == .current)
        #expect(f.status(latest: date("2023-12-30"), today: date("2024-01-02")).state == .current)
        #expect(f.status(latest: nil, today: date("2024-01-02")).state == .neverSubmitted)
        // Month-end clamping: due one calendar year later, not 365 days.
        #expect(f.status(latest: date("2024-02-29"), today: date("2025-03-01")).dueDate == date("2025-02-28"))
    }

    @Test func calendarYearMode() throws {
        var f = try profile("manggarai").diagramFreshness
        f.mode = .calendarYear
        let s = f.status(latest: date("2023-12-30"), today: date("2024-01-02"))
        #expect(s.state == .overdue)
        #expect(s.dueDate == date("2023-12-31"))
        #expect(f.status(latest: date("2023-12-30"), today: date("2023-12-31")).state == .current)
        #expect(f.status(latest: date("2024-01-01"), today: date("2024-12-31")).state == .current)
    }

    @Test func batangHasNoDiagramDuty() throws {
        let f = try profile("batang").diagramFreshness
        let s = f.status(latest: date("2019-01-01"), today: date("2024-06-01"))
        #expect(s.state == .notRequired)
        #expect(!s.isFlagged)
        #expect(s.basis == nil)
        #expect(f.status(latest: nil, today: date("2024-06-01")).state == .notRequired)
    }

    @Test func statusUsesTheRegencysLocalDate() throws {
        let p = try profile("manggarai")
        // 2024-01-10 20:00 UTC is already 2024-01-11 04:00 WITA: one day past due.
        let submitted = ISO8601DateFormatter().date(from: "2023-01-10T01:00:00Z")!  // literal is valid ISO 8601
        let now = ISO8601DateFormatter().date(from: "2024-01-10T20:00:00Z")!  // literal is valid ISO 8601
        let sub = Submission(pd: "BAPPEDA", version: 1, submittedAt: submitted, submitter: "t", sha256: "", format: .yaml,
                             fileName: "x", channel: "cli", diagram: Diagram(pd: "BAPPEDA"))
        let rows = p.diagramStatus(registry: try exampleRegistry(), latest: ["BAPPEDA": sub], duties: [], now: now)
        #expect(rows.map(\.pd) == ["BAPPEDA", "BPKAD", "DINKES", "DISDUKCAPIL", "DISKOMINFO"])
        #expect(rows[0].duty.state == .overdue)
        #expect(rows[1].duty.state == .neverSubmitted)
    }
}

@Suite("Change-report deadline")
struct ChangeReportDeadlineTests {
    @Test func noDeadlineUnlessConfigured() throws {
        let c = try profile("manggarai").changeReport
        let opened = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(c.enabled)
        #expect(c.deadline(openedAt: opened) == nil)
        #expect(c.deadline(openedAt: opened, overrideDays: 30) == opened.addingTimeInterval(30 * 86400))
        #expect(try profile("batang").changeReport.deadline(openedAt: opened, overrideDays: 30) == nil)
    }
}

@Suite("Owed change reports in the status")
struct OwedChangeReportTests {
    @Test func openDutiesShowAndFallDueOnlyWithADeadline() throws {
        let p = try profile("manggarai")
        let opened = Date(timeIntervalSince1970: 1_700_000_000)
        let now = opened.addingTimeInterval(40 * 86400)
        let open = ChangeDuty(id: 1, pd: "DINKES", openedAt: opened, reason: "switch removed", dueAt: nil, closedAt: nil, closedByVersion: nil)
        let closed = ChangeDuty(id: 2, pd: "BAPPEDA", openedAt: opened, reason: "x", dueAt: nil, closedAt: opened, closedByVersion: 3)
        var rows = p.diagramStatus(registry: try exampleRegistry(), latest: [:], duties: [open, closed], now: now)
        #expect(rows.first { $0.pd == "DINKES" }?.openChangeDuties == 1)
        #expect(rows.first { $0.pd == "DINKES" }?.changeDutyOverdue == false)
        #expect(rows.first { $0.pd == "BAPPEDA" }?.openChangeDuties == 0)
        var late = open
        late.dueAt = p.changeReport.deadline(openedAt: opened, overrideDays: 30)
        rows = p.diagramStatus(registry: try exampleRegistry(), latest: [:], duties: [late], now: now)
        #expect(rows.first { $0.pd == "DINKES" }?.changeDutyOverdue == true)
        // Under Batang the change-report duty does not exist.
        rows = try profile("batang").diagramStatus(registry: try exampleRegistry(), latest: [:], duties: [late], now: now)
        #expect(rows.allSatisfy { $0.openChangeDuties == 0 && !$0.changeDutyOverdue })
    }
}

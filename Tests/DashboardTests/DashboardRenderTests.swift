import Dashboard
import Foundation
import Reconciliation
import Storage
import Testing
import YAMLSupport

/// The pure parts: layouts, the render to a cell grid, the diffing writer, keys and navigation,
/// all without a store or a terminal.
@Suite struct DashboardRenderTests {
    static let now = Date(timeIntervalSince1970: 1_796_101_800)  // 2026-12-01 05:10 UTC

    static func model() -> DashboardModel {
        let t = now.addingTimeInterval(-300)
        return DashboardModel(
            now: now, regency: "Manggarai",
            pds: [PDRow(code: "DINKES", name: "Dinas Kesehatan", devices: 2, up: 1, down: 1, unknown: 0, availabilityToday: 97.5, findings: 2, worst: .error),
                  PDRow(code: "BAPPEDA", name: "Bappeda", devices: 1, up: 1, down: 0, unknown: 0, availabilityToday: 100, findings: 0, worst: nil)],
            devices: [DeviceRow(pd: "DINKES", name: "sw-core", agent: "10.22.0.2", vendor: "D-Link", model: "DGS-1510-28", status: .up, statusSource: "status poll",
                                availabilityToday: 100, lastPoll: t, interfaces: 28),
                      DeviceRow(pd: "DINKES", name: "sw-lantai2", vendor: "Zyxel", model: "GS1900-48", status: .down, statusSource: "status poll",
                                availabilityToday: 95, lastPoll: t, error: "no response (timeout)"),
                      DeviceRow(pd: "BAPPEDA", name: "ap-\u{1B}[2Jevil\u{07}", vendor: "Ubiquiti", status: .up, lastPoll: t)],
            findings: [FindingRow(key: "rogue-dhcp|DINKES|x", id: 1, code: "rogue-dhcp", pd: "DINKES", severity: .error, state: "open", subject: "host 128.2.6.152", device: nil,
                                  basis: "Kebijakan Dinas", message: "a DHCP server nobody declared", firstSeen: t, lastSeen: t),
                       FindingRow(key: "missing-device|DINKES|y", id: 2, code: "missing-device", pd: "DINKES", severity: .warning, state: "open", subject: "device sw-gudang",
                                  device: "sw-core", basis: "Perbup Manggarai 52/2021 Pasal 16 ayat (1)", message: "declared, not seen", firstSeen: t, lastSeen: t)],
            sources: [DataSource(name: "inventory polls", latest: t, madeBy: "pantau collect"),
                      DataSource(name: "status polls", latest: now.addingTimeInterval(-7200), madeBy: "the daemon"),
                      DataSource(name: "findings", latest: nil, madeBy: "pantau reconcile")])
    }

    static func layout() throws -> DashboardLayout {
        try DashboardLayout.load(path: repo + "/dashboards/default.yaml")
    }

    static var repo: String {
        ProcessInfo.processInfo.environment["PANTAU_REPO"]
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    @Test("every shipped layout in dashboards/ loads")
    func shippedLayouts() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.repo + "/dashboards").filter { $0.hasSuffix(".yaml") }
        #expect(files.contains("default.yaml"))
        for f in files {
            let l = try DashboardLayout.load(path: Self.repo + "/dashboards/" + f)
            #expect(!l.views.isEmpty, "\(f)")
        }
        let d = try Self.layout()
        #expect(d.views.map(\.name) == ["overview", "devices", "findings", "traffic", "hosts", "talkers"])
        #expect(d.views[2].panels[0].sort == DashboardLayout.Sort(.severity, descending: true))
    }

    @Test("a layout with mistakes: every one reported at once with file:line:col")
    func layoutErrors() throws {
        let text = """
            format: pantau-dashboard/1
            refresh_seconds: 0
            views:
              - name: overview
                panels:
                  - kind: pds
                    columns: [pd, vendr]
                    sort: model
                  - kind: sparkles
              - name: overview
                panels:
                  - kind: data_age
                    colums: [x]
            """
        do {
            _ = try DashboardLayout.parse(text, file: "dashboards/bad.yaml")
            Issue.record("accepted a bad layout")
        } catch {
            let lines = error.issues.map(\.description)
            #expect(lines.contains("dashboards/bad.yaml:2:18: refresh_seconds: refresh_seconds must be between 1 and 3600"), "\(lines)")
            #expect(lines.contains { $0.hasPrefix("dashboards/bad.yaml:7:23: views[0].panels[0].columns[1]: \"vendr\" is not a column of a pds panel") }, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("dashboards/bad.yaml:8:15: views[0].panels[0].sort: sort \"model\" names no column") }, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("dashboards/bad.yaml:9:15: views[0].panels[1].kind: \"sparkles\" is not one of") }, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("dashboards/bad.yaml:10:11: views[1].name: duplicate view name \"overview\"") }, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("dashboards/bad.yaml:13:9: views[1].panels[0].colums: unknown key \"colums\" (did you mean \"columns\"?)") }, "\(lines)")
            #expect(lines.count == 6, "\(lines)")
        }
    }

    @Test("the overview at 80x24: PDs, severities, data age with the stale source marked")
    func overview() throws {
        let s = DashboardRenderer.render(Self.model(), layout: try Self.layout(), state: ViewState(view: "overview"), width: 80, height: 24)
        let lines = s.lines
        #expect(lines.count == 24)
        #expect(lines[0].hasPrefix(" Pantau NOC · Manggarai · Regency overview") && lines[0].hasSuffix("2026-12-01 05:10 UTC"))
        #expect(lines.contains { $0.hasPrefix(" BAPPEDA      Bappeda") && $0.contains("100.00%") })
        #expect(lines.contains { $0.hasPrefix(" DINKES ") && $0.contains("      2       1      97.50%        2 error") })
        #expect(lines.contains(" 2 present  error 1  warning 1  info 0"))
        #expect(lines.contains { $0.hasPrefix(" status polls     latest 2026-12-01 03:10  2h old  STALE (over 15 min)") })
        #expect(lines.contains(" findings         none yet: made by pantau reconcile"))
        #expect(lines[23].hasPrefix(" q quit  j/k move"))
        #expect(lines[5].hasPrefix("─ Uplink traffic per PD (0, by pd) ─") && lines[7] == " (none)", "the table takes the rows it needs")
        #expect(lines[8] == "─ Open findings " + String(repeating: "─", count: 64))
        #expect(lines.allSatisfy { $0.count <= 80 })
    }

    @Test("a fleet's collectors in the data-age panel: last contact, backlog, clock, a stopped one marked")
    func fleetCollectors() throws {
        var model = Self.model()
        func collector(_ id: String, running: Bool, contact: TimeInterval, backlog: Int, offset: Double?) -> CollectorStatus {
            CollectorStatus(id: id, host: "nms", pid: 1, spool: "/var/lib/pantau/spool", spoolID: "s", running: running, leaseUntil: nil,
                            firstContact: nil, lastContact: Self.now.addingTimeInterval(-contact), secondsSinceContact: contact, backlog: backlog,
                            oldestBacklog: nil, clockOffset: offset, appliedSeq: 0, applied: 0, refused: 0, lastRefusal: nil, devices: 1)
        }
        model.sources = [DataSource(collector: collector("kab-pusat", running: true, contact: 20, backlog: 0, offset: 0.4)),
                         DataSource(collector: collector("pk-\u{1B}[31m1", running: false, contact: 3 * 3600, backlog: 1234, offset: -12))]
        var options = RenderOptions()
        options.color = true
        let s = DashboardRenderer.render(model, layout: try Self.layout(), state: ViewState(view: "overview"), width: 120, height: 30, options: options)
        let lines = s.lines
        #expect(lines.contains { $0.hasPrefix(" kab-pusat        collector, last contact 2026-12-01 05:09  20s old") && $0.hasSuffix("old") }, "\(lines)")
        let stopped = try #require(lines.firstIndex { $0.contains("stopped, 1234 waiting to replay, clock -12 s  STALE") }, "\(lines)")
        #expect(lines[stopped].hasPrefix(" pk-\\e[31m1") && !lines[stopped].contains("\u{1B}"), "\(lines[stopped])")
        let col = try #require(lines[stopped].range(of: "collector,")).lowerBound.utf16Offset(in: lines[stopped])
        #expect(s[stopped, col].style.bold && s[stopped, col].style.color == .yellow)
    }

    @Test("untrusted text never reaches a cell as a control character")
    func terminalSafety() throws {
        let s = DashboardRenderer.render(Self.model(), layout: try Self.layout(), state: ViewState(view: "devices"), width: 100, height: 20)
        #expect(s.cells.allSatisfy { $0.text.unicodeScalars.allSatisfy { $0.value >= 0x20 && !(0x7F...0x9F).contains($0.value) } })
        #expect(s.lines.contains { $0.contains("ap-\\e[2Jevil\\x07") })
    }

    @Test("devices: sorted, filtered, the cursor's row painted; ASCII and too-small fallbacks")
    func devicesView() throws {
        let layout = try Self.layout()
        var state = ViewState(view: "devices")
        var s = DashboardRenderer.render(Self.model(), layout: layout, state: state, width: 100, height: 20)
        let names = s.lines.compactMap { l in ["ap-", "sw-core", "sw-lantai2"].first { l.contains($0) } }
        #expect(names == ["ap-", "sw-core", "sw-lantai2"])
        #expect(s[3, 5].style.reverse && !s[4, 5].style.reverse)
        let wide = DashboardRenderer.render(Self.model(), layout: layout, state: state, width: 120, height: 20)
        #expect(wide.lines[19].hasSuffix("[devices]"), "too narrow for every view's name: the open one")
        let wall = DashboardRenderer.render(Self.model(), layout: layout, state: state, width: 130, height: 20)
        #expect(wall.lines[19].hasSuffix("overview [devices] findings traffic hosts talkers"))
        state.filter = "zyxel"
        s = DashboardRenderer.render(Self.model(), layout: layout, state: state, width: 100, height: 20)
        #expect(s.lines[1].contains("Devices (1 matching /zyxel, by name)"))
        #expect(s.lines[3].contains("sw-lantai2") && s.lines[3].contains("down"))
        s = DashboardRenderer.render(Self.model(), layout: layout, state: state, width: 100, height: 20, options: RenderOptions(ascii: true))
        #expect(s.text.unicodeScalars.allSatisfy(\.isASCII) && s.lines[1].hasPrefix("- Devices"))
        s = DashboardRenderer.render(Self.model(), layout: layout, state: state, width: 50, height: 10)
        #expect(s.lines.contains { $0.contains("terminal too small: 50x10") })
        #expect(DashboardRenderer.render(nil, layout: layout, state: state, width: 3, height: 1).lines.count == 1)
    }

    @Test("Enter on the overview opens the PD: its devices and findings; Esc goes back")
    func pdDetail() throws {
        let layout = try Self.layout()
        var st = ViewState(view: "overview")
        _ = Navigation.handle(.down, state: &st, layout: layout, model: Self.model())
        _ = Navigation.handle(.enter, state: &st, layout: layout, model: Self.model())
        #expect(st.detail == .pd("DINKES"))
        let lines = DashboardRenderer.render(Self.model(), layout: layout, state: st, width: 100, height: 30).lines
        #expect(lines[0].contains("PD DINKES"))
        #expect(lines.contains { $0.hasPrefix(" devices") && $0.contains("2: 1 up, 1 down, 0 without data") })
        #expect(lines.contains { $0.hasPrefix("─ Devices of DINKES (2") } && lines.contains { $0.hasPrefix("─ Findings of DINKES (2") })
        #expect(!lines.contains { $0.contains("ap-") }, "another PD's device")
        _ = Navigation.handle(.escape, state: &st, layout: layout, model: Self.model())
        #expect(st.detail == nil && st.view == "overview")
    }

    @Test("Enter on a finding shows it whole: message and basis wrapped, not cut")
    func findingDetail() throws {
        let layout = try Self.layout()
        var st = ViewState(view: "findings")
        _ = Navigation.handle(.down, state: &st, layout: layout, model: Self.model())
        _ = Navigation.handle(.enter, state: &st, layout: layout, model: Self.model())
        #expect(st.detail == .finding("missing-device|DINKES|y"))
        let lines = DashboardRenderer.render(Self.model(), layout: layout, state: st, width: 100, height: 20).lines
        #expect(lines[1].hasPrefix("─ Finding #2 "))
        #expect(lines.contains(" basis                Perbup Manggarai 52/2021 Pasal 16 ayat (1)"))
        #expect(lines.contains(" severity             warning"))
    }

    @Test("wide graphemes take two cells and are clipped whole")
    func wideText() {
        var s = Screen(width: 5, height: 1)
        #expect(s.put("日本語", row: 0, col: 0) == 4)
        #expect(s.lines == ["日本"] && s[0, 1].text == "" && s[0, 4].text == " ")
    }

    @Test("the diffing writer: the first frame whole, nothing when nothing changed, only the changed cells after")
    func diffWriter() throws {
        let layout = try Self.layout()
        var w = DiffWriter(color: true)
        var model = Self.model()
        let a = DashboardRenderer.render(model, layout: layout, state: ViewState(view: "overview"), width: 120, height: 40, options: RenderOptions(color: true))
        let first = w.frame(a)
        #expect(first.hasPrefix("\u{1B}[0m\u{1B}[2J") && first.utf8.count > 1000)
        #expect(w.frame(a).isEmpty)
        model.pds[1].findings = 3
        let b = DashboardRenderer.render(model, layout: layout, state: ViewState(view: "overview"), width: 120, height: 40, options: RenderOptions(color: true))
        let diff = w.frame(b)
        #expect(diff.contains("3") && diff.utf8.count < 100, "\(diff.debugDescription)")
        // A resize draws the whole frame again.
        let c = DashboardRenderer.render(model, layout: layout, state: ViewState(view: "overview"), width: 100, height: 40)
        #expect(w.frame(c).hasPrefix("\u{1B}[0m\u{1B}[2J"))
    }

    @Test("keys: text, arrows, page keys, a lone Esc, Ctrl-C")
    func keys() {
        let p = KeyParser()
        #expect(p.parse(Array("jk/é".utf8)) == [.char("j"), .char("k"), .char("/"), .char("é")])
        #expect(p.parse([0x1B, 0x5B, 0x41, 0x1B, 0x4F, 0x42, 0x1B, 0x5B, 0x36, 0x7E, 0x0D, 0x1B]) == [.up, .down, .pageDown, .enter, .escape])
        #expect(p.parse([0x03, 0x7F, 0x09]) == [.interrupt, .backspace, .tab])
    }

    @Test("navigation: move, filter, open a device, back, jump to a view, sort, quit")
    func navigation() throws {
        let layout = try Self.layout()
        let model = Self.model()
        var st = ViewState(view: "overview")
        func press(_ keys: Key...) -> KeyAction { keys.map { Navigation.handle($0, state: &st, layout: layout, model: model) }.last! }
        _ = press(.char(":"), .char("d"), .char("e"), .tab, .enter)
        #expect(st.view == "devices" && st.input == nil)
        _ = press(.char("j"), .char("j"), .char("j"))
        #expect(st.selected == 2)
        _ = press(.char("/"), .char("l"), .char("a"), .char("n"), .enter)
        #expect(st.filter == "lan" && st.selected == 0)
        _ = press(.enter)
        #expect(st.detail == .device("sw-lantai2"))
        let s = DashboardRenderer.render(model, layout: layout, state: st, width: 100, height: 24)
        #expect(s.lines[0].contains("device sw-lantai2") && s.lines.contains { $0.contains("down (status poll)") })
        _ = press(.escape)
        #expect(st.detail == nil && st.filter == "lan")
        _ = press(.escape)
        #expect(st.filter.isEmpty)
        _ = press(.char("s"))
        #expect(st.sort == DashboardLayout.Sort(.vendor))
        _ = press(.char("S"))
        #expect(st.sort == DashboardLayout.Sort(.vendor, descending: true))
        _ = press(.char(":"), .char("x"), .enter)
        #expect(st.message?.hasPrefix("no view \"x\"") == true)
        _ = press(.char("?"))
        #expect(st.help)
        #expect(press(.char("q")) == .quit)
    }
}

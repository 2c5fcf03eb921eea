import Dashboard
import Foundation
import Reconciliation
import Testing
import YAMLSupport

/// The traffic panels, thresholds, the acknowledge/suppress prompt and the read-only refusal:
/// pure, without a store or a terminal.
@Suite struct DashboardTrafficTests {
    static func model() -> DashboardModel {
        var m = DashboardRenderTests.model()
        m.traffic = [
            TrafficRow(pd: "DINKES", name: "Dinas Kesehatan", approvedMbps: 20, inBPS: 18e6, outBPS: 2e6, p95BPS: 21_000_000, allocationUse: 105,
                       uplinks: 1, uplinksFound: 1, recent: [1e6, 2e6, nil, 4e6, 8e6]),
            TrafficRow(pd: "BAPPEDA", name: "Bappeda", approvedMbps: 50, inBPS: 10e6, outBPS: 1e6, p95BPS: 42_000_000, allocationUse: 84,
                       uplinks: 2, uplinksFound: 1, recent: [0, 0, 0]),
            TrafficRow(pd: "BPKAD", approvedMbps: 10, inBPS: 1e6, outBPS: 1e6, p95BPS: 5_000_000, allocationUse: 50, uplinks: 1, uplinksFound: 1),
        ]
        m.uplinks = [SeriesRow(pd: "DINKES", device: "sw-core", interface: "ether1", speed: 100_000_000, inBPS: 18e6, outBPS: 2e6, p95BPS: 21_000_000,
                               utilisation: 21, recent: [1e6, 2e6, nil, 4e6, 8e6])]
        return m
    }

    @Test("sparklines: scaled to the largest value, a gap is a blank, ASCII levels under LANG=C")
    func sparklines() {
        #expect(Sparkline.render([0, 1, 2, 3, 4, 5, 6, 7], ascii: false) == "▁▂▃▄▅▆▇█")
        #expect(Sparkline.render([0, 1, 2, 3, 4, 5, 6, 7], ascii: true) == "_.-~=+*#")
        #expect(Sparkline.render([1e6, nil, 8e6], ascii: false) == "▂ █")
        #expect(Sparkline.render([0, 0], ascii: false) == "▁▁", "all idle: the lowest bar, not a gap")
        #expect(Sparkline.render([nil, nil], ascii: true) == "  ")
        #expect(Units.rate(934_000) == "934 kbit/s" && Units.rate(12_345_678) == "12.3 Mbit/s" && Units.rate(nil) == "-")
        #expect(Units.bytes(189_000) == "189 kB" && Units.bytes(999) == "999 B")
    }

    @Test("the traffic view: per PD and per uplink, now, p95 against the approved bandwidth, the trend")
    func trafficView() throws {
        let layout = try DashboardRenderTests.layout()
        let s = DashboardRenderer.render(Self.model(), layout: layout, state: ViewState(view: "traffic"), width: 120, height: 30)
        let lines = s.lines
        #expect(lines.contains { $0.hasPrefix(" DINKES       20.0 Mbit/s 21.0 Mbit/s    105.00% ▂▃ ▅█") && $0.contains("18.0 Mbit/s 2.00 Mbit/s") })
        #expect(lines.contains { $0.hasPrefix(" BAPPEDA") && $0.contains("84.00% ▁▁▁") && $0.contains(" 1/2 ") }, "one of two uplinks found")
        #expect(lines.contains { $0.contains("sw-core") && $0.contains("ether1") && $0.contains("21.00%") })
        let ascii = DashboardRenderer.render(Self.model(), layout: layout, state: ViewState(view: "traffic"), width: 120, height: 30,
                                             options: RenderOptions(ascii: true))
        #expect(ascii.lines.contains { $0.contains("105.00% .- =#") })
        #expect(ascii.lines.allSatisfy { $0.allSatisfy(\.isASCII) })
    }

    @Test("thresholds: colour by level, bold for an alert without colour; a layout sets them, checked")
    func thresholds() throws {
        let layout = try DashboardRenderTests.layout()
        #expect(layout.thresholds.allocation(105) == .alert && layout.thresholds.allocation(84) == .warning && layout.thresholds.allocation(50) == .ok)
        #expect(layout.thresholds.availability(97.5) == .alert && layout.thresholds.availability(99) == .warning && layout.thresholds.availability(nil) == nil)
        func cell(_ s: Screen, row prefix: String, text: String) -> Cell? {
            guard let r = s.lines.firstIndex(where: { $0.hasPrefix(prefix) }), let range = s.lines[r].range(of: text) else { return nil }
            return s[r, s.lines[r].distance(from: s.lines[r].startIndex, to: range.lowerBound)]
        }
        var state = ViewState(view: "traffic")
        state.selected = 2  // BPKAD: the cursor's row is painted over
        let colour = DashboardRenderer.render(Self.model(), layout: layout, state: state, width: 120, height: 30, options: RenderOptions(color: true))
        #expect(cell(colour, row: " DINKES", text: "105.00%")?.style.color == .red)
        #expect(cell(colour, row: " BAPPEDA", text: "84.00%")?.style.color == .yellow)
        #expect(cell(colour, row: " DINKES       sw-core", text: "ether1")?.style == .plain)
        #expect(cell(colour, row: " DINKES       sw-core", text: "21.00%")?.style.color == .green)
        let mono = DashboardRenderer.render(Self.model(), layout: layout, state: state, width: 120, height: 30)
        #expect(cell(mono, row: " DINKES", text: "105.00%")?.style == CellStyle(bold: true))
        #expect(cell(mono, row: " BAPPEDA", text: "84.00%")?.style == .plain)
        // Availability on the overview: DINKES at 97.5 % is an alert.
        let overview = DashboardRenderer.render(Self.model(), layout: layout, state: ViewState(view: "overview"), width: 100, height: 30,
                                                options: RenderOptions(color: true))
        #expect(cell(overview, row: " DINKES", text: "97.50%")?.style.color == .red)

        let custom = try DashboardLayout.parse("""
            format: pantau-dashboard/1
            thresholds:
              allocation: {warning_above: 90, alert_above: 110}
            views: [{name: t, panels: [{kind: traffic}]}]
            """, file: "t.yaml")
        #expect(custom.thresholds.allocation(105) == .warning && custom.thresholds.utilisation(95) == .alert)
        #expect(throws: ConfigIssues.self) {
            try DashboardLayout.parse("""
                format: pantau-dashboard/1
                thresholds:
                  availability: {warning_below: 98, alert_below: 99.5}
                  utilisation: {warning_abov: 70}
                views: [{name: t, panels: [{kind: traffic}]}]
                """, file: "t.yaml")
        }
        do {
            _ = try DashboardLayout.parse("format: pantau-dashboard/1\nthresholds:\n  availability: {warning_below: 98, alert_below: 99.5}\n  utilisation: {warning_abov: 70}\nviews: [{name: t, panels: [{kind: traffic}]}]\n", file: "t.yaml")
        } catch {
            let text = "\(error)"
            #expect(text.contains("t.yaml:3:17") && text.contains("an alert is worse than a warning"), "\(text)")
            #expect(text.contains("t.yaml:4:") && text.contains("warning_abov"), "\(text)")
        }
    }

    @Test("acknowledge: a on a finding asks a reason, refuses an empty one, Enter asks the use case")
    func acknowledgePrompt() throws {
        let layout = try DashboardRenderTests.layout()
        let model = Self.model()
        var st = ViewState(view: "findings")
        func press(_ keys: Key...) -> KeyAction { keys.map { Navigation.handle($0, state: &st, layout: layout, model: model) }.last! }
        _ = press(.char("a"))
        guard case .finding(let p) = st.input else { Issue.record("no prompt: \(st)"); return }
        #expect(p.request == FindingActionRequest(kind: .acknowledge, id: 1) && p.label.contains("#1 rogue-dhcp"))
        var s = DashboardRenderer.render(model, layout: layout, state: st, width: 100, height: 24)
        #expect(s.lines[23].hasPrefix("acknowledge #1 rogue-dhcp host 128.2.6.152; reason: _"))
        _ = press(.enter)
        #expect(st.message == "a reason is required (Esc cancels)" && st.input != nil)
        #expect(press(.char("o"), .char("k"), .backspace, .char("K")) == .redraw)
        #expect(press(.enter) == .act(FindingActionRequest(kind: .acknowledge, id: 1, reason: "oK")))
        #expect(st.input == nil)
        // Esc cancels; the suppress prompt asks for days after the reason.
        _ = press(.char("j"), .char("x"), .char("v"), .enter)
        guard case .finding(let q) = st.input, q.askingDays else { Issue.record("no days prompt: \(st)"); return }
        s = DashboardRenderer.render(model, layout: layout, state: st, width: 100, height: 24)
        #expect(s.lines[23].hasPrefix("suppress #2 missing-device device sw-gudang for how many days (Enter alone: until lifted): _"))
        _ = press(.char("0"), .enter)
        #expect(st.message?.hasPrefix("days: a whole number, at least 1") == true)
        #expect(press(.backspace, .char("3"), .char("0"), .enter) == .act(FindingActionRequest(kind: .suppress, id: 2, reason: "v", days: 30)))
        _ = press(.char("x"), .char("y"), .enter)
        #expect(press(.enter) == .act(FindingActionRequest(kind: .suppress, id: 2, reason: "y", days: nil)), "Enter alone: until lifted")
        _ = press(.char("a"), .escape)
        #expect(st.input == nil && st.message == "acknowledge cancelled")
        // In a finding's detail, a acts on that finding.
        _ = press(.char("k"), .enter)
        #expect(st.detail == .finding("rogue-dhcp|DINKES|x"))
        _ = press(.char("a"))
        if case .finding(let r) = st.input { #expect(r.request.id == 1) } else { Issue.record("no prompt in the detail") }
        // Not on a device.
        st = ViewState(view: "devices")
        _ = press(.char("a"))
        #expect(st.input == nil && st.message?.contains("in a findings view") == true)
    }

    @Test("read-only: a and x are refused with the reason, nothing is asked")
    func readOnly() throws {
        let layout = try DashboardRenderTests.layout()
        var st = ViewState(view: "findings")
        #expect(Navigation.handle(.char("a"), state: &st, layout: layout, model: Self.model(), readOnly: "started with --read-only") == .redraw)
        #expect(st.input == nil && st.message == "read-only: started with --read-only")
        _ = Navigation.handle(.char("x"), state: &st, layout: layout, model: Self.model(), readOnly: "noc cannot write /var/pantau.sqlite")
        #expect(st.message == "read-only: noc cannot write /var/pantau.sqlite")
        let s = DashboardRenderer.render(Self.model(), layout: layout, state: ViewState(view: "findings"), width: 100, height: 24, readOnly: true)
        #expect(s.lines[23].contains("(read-only)") && !s.lines[23].contains("a ack"))
        let rw = DashboardRenderer.render(Self.model(), layout: layout, state: ViewState(view: "findings"), width: 100, height: 24)
        #expect(rw.lines[23].contains("a ack  x suppress"))
    }

    @Test("refreshing, old data and a failed refresh are said in the frame; the last good data stays")
    func refreshIndicators() throws {
        let layout = try DashboardRenderTests.layout()
        var st = ViewState(view: "devices")
        st.refreshing = true
        var s = DashboardRenderer.render(Self.model(), layout: layout, state: st, width: 100, height: 24)
        #expect(s.lines[0].hasSuffix("↻ refreshing  2026-12-01 05:10 UTC"))
        st.refreshing = false
        st.dataAge = 10
        s = DashboardRenderer.render(Self.model(), layout: layout, state: st, width: 100, height: 24)
        #expect(s.lines[0].hasSuffix(" 2026-12-01 05:10 UTC") && !s.lines[0].contains("old"), "fresh data: nothing to say")
        st.dataAge = 95
        st.loadError = "database is locked"
        s = DashboardRenderer.render(Self.model(), layout: layout, state: st, width: 100, height: 24)
        #expect(s.lines[0].hasSuffix("data 95s old  2026-12-01 05:10 UTC"))
        #expect(s.lines[1] == " ! refresh failed, showing the last data read: database is locked")
        #expect(s.lines.contains { $0.contains("sw-lantai2") }, "the last good data is still drawn")
    }

    @Test("a load reads only what the view shows: traffic for traffic panels and a PD, hosts for hosts")
    func loadRequest() throws {
        let layout = try DashboardRenderTests.layout()
        var st = ViewState(view: "devices")
        #expect(LoadRequest.of(st, layout: layout) == LoadRequest(kinds: [.devices]))
        st.view = "overview"
        #expect(LoadRequest.of(st, layout: layout).kinds.contains(.traffic))
        st.detail = .device("sw-core")
        #expect(LoadRequest.of(st, layout: layout).detail == .device("sw-core"))
    }
}

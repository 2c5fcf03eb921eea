import Foundation
import InventoryModel
import Reconciliation

/// Where the person is in the dashboard: the view, the cursor, the filter, the sort, what
/// is being typed. The interactive loop changes it on keys; the renderer only reads it.
public struct ViewState: Sendable, Equatable {
    public enum Detail: Sendable, Equatable {
        case device(String)
        case pd(String)
        /// A finding by its key (`Finding.key`).
        case finding(String)
    }
    public enum Input: Sendable, Equatable {
        case filter(String)
        case command(String)
        /// Acknowledging or suppressing a finding: the reason (then, to suppress, the days).
        case finding(FindingPrompt)
    }
    public var view: String
    /// Row of the focused table (after filter and sort).
    public var selected = 0
    public var filter = ""
    /// The person's sort (`s`), else the layout's.
    public var sort: DashboardLayout.Sort?
    public var detail: Detail?
    public var input: Input?
    public var help = false
    /// A one-line notice in the footer (an unknown view, what an action did).
    public var message: String?
    /// A load is running in the background (the header says so).
    public var refreshing = false
    /// Seconds since the model on screen was loaded (the interactive loop sets it; nil: not shown).
    public var dataAge: TimeInterval?
    /// The last refresh failed: why. The last good frame stays on screen under this line.
    public var loadError: String?

    public init(view: String) { self.view = view }
}

/// What is being typed to acknowledge or suppress a finding.
public struct FindingPrompt: Sendable, Equatable {
    public var request: FindingActionRequest
    /// What the prompt says the finding is ("#12 unknown-endpoint aa:bb:…").
    public var label: String
    /// Typing the days of a suppression (after its reason).
    public var askingDays = false
    public var days = ""
    public init(request: FindingActionRequest, label: String) { self.request = request; self.label = label }
}

/// Acknowledge or suppress one finding, as `pantau findings ack|suppress` does.
public struct FindingActionRequest: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case acknowledge, suppress
    }
    public var kind: Kind
    public var id: Int64
    public var reason: String
    /// Suppress for this many days (nil: until lifted).
    public var days: Int?
    public init(kind: Kind, id: Int64, reason: String = "", days: Int? = nil) { self.kind = kind; self.id = id; self.reason = reason; self.days = days }
}

/// How the terminal can draw.
public struct RenderOptions: Sendable, Equatable {
    public var color: Bool
    public var ascii: Bool
    public init(color: Bool = false, ascii: Bool = false) { self.color = color; self.ascii = ascii }
}

/// The rows of one table panel after filter and sort: what is drawn and what Enter opens.
public struct TableRows: Sendable, Equatable {
    public var columns: [Column]
    public var rows: [[String]]
    /// What each row opens (a device name, a PD code; nil: nothing).
    public var keys: [ViewState.Detail?]
    public var severities: [Severity?]
    /// How each row's figures stand against the layout's thresholds, by column.
    public var levels: [[Column: Level]] = []
}

/// The pure render: a model, a layout and a state to a frame of a given size. No store, no
/// terminal: the TUI, `--once` and the tests call the same function.
public enum DashboardRenderer {
    public static let minWidth = 60
    public static let minHeight = 12

    public static func render(_ model: DashboardModel?, error: String? = nil, layout: DashboardLayout, state: ViewState,
                              width: Int, height: Int, options: RenderOptions = RenderOptions(), readOnly: Bool = false,
                              cache: TableCache? = nil) -> Screen {
        var s = Screen(width: width, height: height, ascii: options.ascii)
        let g = Glyphs(ascii: options.ascii)
        if width < minWidth || height < minHeight {
            let lines = ["terminal too small: \(width)x\(height)", "the dashboard needs at least \(minWidth)x\(minHeight)", "q quits"]
            for (i, l) in lines.enumerated() where i < height {
                s.put(l, row: max(0, height / 2 - 1) + i - (height < 3 ? height / 2 : 0), col: max(0, (width - l.count) / 2))
            }
            return s
        }
        let view = layout.view(named: state.view) ?? layout.views.first
        // Header.
        let title = [layout.title ?? "Pantau", model?.regency, state.detail.map(detailTitle) ?? view?.title].compactMap { $0 }.joined(separator: " \(g.dot) ")
        var clock = model.map { format($0.now, $0.timeZone) + " " + zoneLabel($0.timeZone) } ?? ""
        if state.refreshing {
            clock = g.refresh + " refreshing  " + clock
        } else if let age = state.dataAge, age >= max(30, layout.refreshSeconds * 3) {
            clock = "data \(ageText(age)) old  " + clock
        }
        s.put(" " + title, row: 0, col: 0, limit: width - clock.count - 2, style: CellStyle(bold: true, reverse: true))
        s.put(clock + " ", row: 0, col: width - clock.count - 1, style: CellStyle(bold: true, reverse: true))
        s.paint(row: 0, style: CellStyle(bold: true, reverse: true))

        let bodyTop = 1, bodyHeight = height - 2
        if let error {
            let lines = ["The store cannot be read:", error, "", "Retrying every \(Int(layout.refreshSeconds)) s; q quits."]
            var r = bodyTop + 1
            for l in lines { r += wrap(l, into: &s, row: r, col: 2, width: width - 4, maxRows: bodyTop + bodyHeight - r, style: CellStyle(color: options.color && l == error ? .red : nil)) }
        } else if state.help {
            drawHelp(into: &s, top: bodyTop, height: bodyHeight, layout: layout, g: g)
        } else if model == nil {
            s.put("  Reading the store\(state.refreshing ? " " + g.refresh : "")", row: bodyTop + 1, col: 0)
        } else if let model {
            let top = loadErrorLine(state, into: &s, row: bodyTop, options: options)
            if let detail = state.detail {
                drawDetail(detail, model: model, into: &s, top: top, height: bodyHeight - (top - bodyTop), layout: layout, state: state, options: options, g: g)
            } else if let view {
                drawView(view, model: model, into: &s, top: top, height: bodyHeight - (top - bodyTop), layout: layout, state: state, options: options, g: g,
                         cache: cache)
            }
        }
        drawFooter(into: &s, layout: layout, state: state, model: model, readOnly: readOnly)
        return s
    }

    /// The line saying the last refresh failed (the frame below is the last good one); returns
    /// the row the body starts at.
    static func loadErrorLine(_ state: ViewState, into s: inout Screen, row: Int, options: RenderOptions) -> Int {
        guard let e = state.loadError else { return row }
        // At most two lines: the cause (a store path and SQLite's word) must be readable.
        return row + wrap(" ! refresh failed, showing the last data read: " + e, into: &s, row: row, col: 0, width: s.width, maxRows: 2,
                          style: CellStyle(bold: true, color: options.color ? .red : nil))
    }

    // MARK: Views

    static func drawView(_ view: DashboardLayout.View, model: DashboardModel, into s: inout Screen, top: Int, height: Int,
                         layout: DashboardLayout, state: ViewState, options: RenderOptions, g: Glyphs, cache: TableCache? = nil) {
        var row = top
        let end = top + height
        if !model.problems.isEmpty {
            for p in model.problems where row < end {
                s.put(" ! " + p, row: row, col: 0, style: CellStyle(bold: true, color: options.color ? .red : nil))
                row += 1
            }
        }
        // Fixed panels take what they need; tables share the rest (the focused one first).
        let fixed = view.panels.filter { !$0.kind.isTable }.map { fixedHeight($0, model: model) }.reduce(0, +)
        let tables = view.panels.filter(\.kind.isTable)
        var tableSpace = max(0, end - row - fixed)
        let focus = view.focus
        for (i, panel) in view.panels.enumerated() where row < end {
            if !panel.kind.isTable {
                row = drawFixed(panel, model: model, into: &s, row: row, end: end, layout: layout, options: options, g: g)
                continue
            }
            let data = tableRows(panel, model: model, state: state, focused: i == focus, thresholds: layout.thresholds, ascii: options.ascii, cache: cache)
            let remainingTables = tables.drop { $0 != panel }.count
            var want = 2 + (data.rows.isEmpty ? 1 : data.rows.count)
            if let cap = panel.rows { want = min(want, 2 + cap) }
            let share = remainingTables <= 1 ? min(want, tableSpace) : min(want, max(3, tableSpace / remainingTables))
            let h = max(0, min(share, end - row))
            drawTable(panel, data: data, into: &s, row: row, height: h, selected: i == focus ? state.selected : nil,
                      filter: i == focus ? state.filter : "", sort: i == focus ? (state.sort ?? panel.sort) : panel.sort, options: options, g: g)
            row += h
            tableSpace -= h
        }
    }

    static func fixedHeight(_ p: DashboardLayout.Panel, model: DashboardModel) -> Int {
        switch p.kind {
        case .findingsBySeverity: 2
        case .dataAge: 1 + model.sources.count
        default: 0
        }
    }

    static func drawFixed(_ panel: DashboardLayout.Panel, model: DashboardModel, into s: inout Screen, row: Int, end: Int,
                          layout: DashboardLayout, options: RenderOptions, g: Glyphs) -> Int {
        var r = row
        rule(panel.title, into: &s, row: r, g: g)
        r += 1
        switch panel.kind {
        case .findingsBySeverity:
            var c = 1
            let total = model.findings.count
            c += s.put("\(total) present", row: r, col: c, style: CellStyle(bold: true)) + 2
            for (sev, n) in model.severityCounts {
                let color: TermColor? = options.color && n > 0 ? severityColor(sev) : nil
                c += s.put("\(sev.rawValue) \(n)", row: r, col: c, style: CellStyle(bold: n > 0 && sev == .error, color: color)) + 2
            }
            r += 1
        case .dataAge:
            for src in model.sources where r < end {
                let text: String
                var style = CellStyle.plain
                if let t = src.latest {
                    let age = model.now.timeIntervalSince(t)
                    let stale = age > Double(layout.staleAfterMinutes) * 60
                    text = "\(src.latestLabel) \(format(t, model.timeZone))  \(ageText(age)) old" + (src.detail.map { "  \($0)" } ?? "")
                        + (stale ? "  STALE (over \(layout.staleAfterMinutes) min)" : "")
                    if stale || src.alarm { style = CellStyle(bold: true, color: options.color ? .yellow : nil) }
                } else {
                    text = "none yet: made by \(src.madeBy)"
                    style = CellStyle(dim: true)
                }
                s.put(" " + pad(src.name, 16), row: r, col: 0, limit: 17)
                s.put(text, row: r, col: 18, style: style)
                r += 1
            }
        default: break
        }
        return r
    }

    static func drawTable(_ panel: DashboardLayout.Panel, data: TableRows, into s: inout Screen, row: Int, height: Int,
                          selected: Int?, filter: String, sort: DashboardLayout.Sort?, options: RenderOptions, g: Glyphs) {
        guard height > 0 else { return }
        var note = "\(data.rows.count)"
        if !filter.isEmpty { note += " matching /\(filter)" }
        if let sort { note += ", by \(sort.column.rawValue)\(sort.descending ? " " + g.down : "")" }
        rule("\(panel.title) (\(note))", into: &s, row: row, g: g)
        guard height > 1 else { return }
        let widths = columnWidths(data.columns, total: s.width - 1)
        var c = 1
        for (col, w) in zip(data.columns, widths) where w > 0 {
            s.put(align(col.header, w, right: col.numeric), row: row + 1, col: c, limit: w, style: CellStyle(bold: true))
            c += w + 1
        }
        let visible = max(0, height - 2)
        if data.rows.isEmpty {
            if visible > 0 { s.put(filter.isEmpty ? "(none)" : "(nothing matches /\(filter))", row: row + 2, col: 1, style: CellStyle(dim: true)) }
            return
        }
        let sel = selected.map { min(max(0, $0), data.rows.count - 1) }
        let first = sel.map { max(0, $0 - visible + 1) } ?? 0
        for i in 0..<min(visible, data.rows.count - first) {
            let idx = first + i
            let r = row + 2 + i
            var c = 1
            for (k, (col, w)) in zip(data.columns, widths).enumerated() where w > 0 {
                var style = CellStyle.plain
                if options.color {
                    if col == .severity || col == .worst, let sev = data.severities[idx] { style.color = severityColor(sev) }
                    if col == .status { style.color = data.rows[idx][k] == "up" ? .green : data.rows[idx][k] == "down" ? .red : nil }
                    if col == .down, data.rows[idx][k] != "0" { style.color = .red }
                }
                if idx < data.levels.count, let level = data.levels[idx][col] {
                    switch level {
                    case .ok: if options.color { style.color = .green }
                    case .warning: if options.color { style.color = .yellow }
                    case .alert: style.bold = true; if options.color { style.color = .red }
                    }
                }
                s.put(align(data.rows[idx][k], w, right: col.numeric), row: r, col: c, limit: w, style: style)
                c += w + 1
            }
            if idx == sel { s.paint(row: r, style: CellStyle(bold: true, reverse: true)) }
        }
        if first + visible < data.rows.count, visible > 0 {
            let more = " \(g.down) \(data.rows.count - first - visible) more "
            s.put(more, row: row, col: s.width - more.count - 1)
        }
    }

    // MARK: Tables (the rows themselves: TableRowsBuilder.swift)

    enum SortKey: Comparable, Equatable {
        case number(Double)
        case text(String)
        static func < (a: SortKey, b: SortKey) -> Bool {
            switch (a, b) {
            case let (.number(x), .number(y)): x < y
            case let (.text(x), .text(y)): naturalLess(x, y)
            case (.number, .text): true
            case (.text, .number): false
            }
        }
    }

    /// "sw-9" before "sw-10", case ignored (ASCII), otherwise by bytes: the order a person
    /// expects for device names, without a locale (a table of 5,000 devices sorts in a few ms).
    public static func naturalLess(_ a: String, _ b: String) -> Bool {
        var (a, b) = (a, b)
        return a.withUTF8 { x in b.withUTF8 { y in naturalLess(x, y) } }
    }

    /// The same over UTF-8 bytes, without allocating (a sort of 5,000 rows makes 60,000 comparisons).
    static func naturalLess(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Bool {
        @inline(__always) func fold(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c + 32 : c }
        @inline(__always) func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        var i = 0, j = 0
        while i < x.count && j < y.count {
            let p = x[i], q = y[j]
            if isDigit(p) && isDigit(q) {
                // Compare the two digit runs as numbers: leading zeros skipped, then length, then digits.
                var i0 = i, j0 = j
                while i0 < x.count && x[i0] == 48 { i0 += 1 }
                while j0 < y.count && y[j0] == 48 { j0 += 1 }
                var i1 = i0, j1 = j0
                while i1 < x.count && isDigit(x[i1]) { i1 += 1 }
                while j1 < y.count && isDigit(y[j1]) { j1 += 1 }
                if i1 - i0 != j1 - j0 { return i1 - i0 < j1 - j0 }
                var k = 0
                while k < i1 - i0 {
                    if x[i0 + k] != y[j0 + k] { return x[i0 + k] < y[j0 + k] }
                    k += 1
                }
                i = i1; j = j1
                continue
            }
            let (fp, fq) = (fold(p), fold(q))
            if fp != fq { return fp < fq }
            i += 1; j += 1
        }
        return i == x.count && j < y.count
    }

    /// Fixed columns at their width, the rest share what is left; columns that do not fit are dropped from the right.
    static func columnWidths(_ columns: [Column], total: Int) -> [Int] {
        var cols = columns
        while !cols.isEmpty {
            let fixed = cols.compactMap(\.width).reduce(0, +) + cols.count - 1
            let flex = cols.filter { $0.width == nil }.count
            if fixed + flex * 8 <= total || cols.count == 1 {
                let spare = max(0, total - fixed)
                var widths: [Int] = []
                var given = 0, flexSeen = 0
                for c in cols {
                    if let w = c.width { widths.append(min(w, total)) } else {
                        flexSeen += 1
                        let w = flexSeen == flex ? spare - given : spare / flex
                        given += w
                        widths.append(w)
                    }
                }
                return widths + Array(repeating: 0, count: columns.count - cols.count)
            }
            cols.removeLast()
        }
        return columns.map { _ in 0 }
    }

    // MARK: Detail

    static func detailTitle(_ d: ViewState.Detail) -> String {
        switch d {
        case .device(let n): "device \(n)"
        case .pd(let p): "PD \(p)"
        case .finding: "finding"
        }
    }

    static func drawDetail(_ detail: ViewState.Detail, model: DashboardModel, into s: inout Screen, top: Int, height: Int,
                           layout: DashboardLayout, state: ViewState, options: RenderOptions, g: Glyphs) {
        var r = top
        let end = top + height
        func field(_ name: String, _ value: String?, style: CellStyle = .plain) {
            guard r < end else { return }
            s.put(" " + pad(name, 20), row: r, col: 0, style: CellStyle(bold: true))
            s.put(value ?? "-", row: r, col: 22, style: style)
            r += 1
        }
        switch detail {
        case .device(let name):
            guard let d = model.devices.first(where: { $0.name == name }) else {
                s.put(" device \(name) is no longer in the store", row: r, col: 0)
                return
            }
            rule("Identity", into: &s, row: r, g: g); r += 1
            field("name", d.name); field("PD", d.pd); field("agent", d.agent); field("sysName", d.sysName)
            field("vendor / model", [d.vendor, d.model].compactMap { $0 }.joined(separator: " "))
            field("serial", d.serial); field("version", d.version)
            rule("Status", into: &s, row: r, g: g); r += 1
            field("status", d.status.rawValue + (d.statusSource.map { " (\($0))" } ?? ""),
                  style: CellStyle(bold: true, color: options.color ? (d.status == .up ? .green : d.status == .down ? .red : nil) : nil))
            field("availability today", percent(d.availabilityToday))
            field("last poll", d.lastPoll.map { "\(format($0, model.timeZone)) (\(ageText(model.now.timeIntervalSince($0))) ago)" })
            field("interfaces", d.interfaces.map(String.init)); field("neighbours", d.neighbours.map(String.init))
            if let e = d.error, !e.isEmpty { field("last error", e) }
            let panel = DashboardLayout.Panel(kind: .findings, title: "Findings about \(d.name)", columns: [.code, .severity, .state, .message])
            var m = model
            m.findings = model.findings.filter { $0.device == name }
            m.uplinks = model.interfaces[name] ?? []
            let ifs = DashboardLayout.Panel(kind: .uplinks, title: "Interfaces with traffic", columns: [.interface, .speed, .nowIn, .nowOut, .p95, .utilisation, .trend])
            let ifRows = tableRows(ifs, model: m, state: state, focused: false, thresholds: layout.thresholds, ascii: options.ascii)
            let findingRows = tableRows(panel, model: m, state: state, focused: false)
            let ifHeight = min(2 + max(1, ifRows.rows.count), max(3, (end - r) - min(2 + max(1, findingRows.rows.count), (end - r) / 2)))
            drawTable(ifs, data: ifRows, into: &s, row: r, height: min(ifHeight, end - r), selected: nil, filter: "", sort: nil, options: options, g: g)
            r += min(ifHeight, end - r)
            if let more = model.deviceDetail[name] {
                // Up to 4 lines each, what is cut is counted.
                func section(_ title: String, _ lines: [String]) {
                    guard r < end - 1, !lines.isEmpty else { return }
                    rule("\(title) (\(lines.count))", into: &s, row: r, g: g); r += 1
                    for l in lines.prefix(lines.count > 4 ? 3 : 4) where r < end { s.put(" " + l, row: r, col: 0); r += 1 }
                    if lines.count > 4, r < end { s.put(" \(g.down) \(lines.count - 3) more", row: r, col: 0, style: CellStyle(dim: true)); r += 1 }
                }
                section("Neighbours", more.neighbours.map { "\(pad($0.localPort, 18)) \(g.arrow) \($0.remote) \($0.remotePort)  (\($0.proto))" })
                section("Hosts behind its ports", more.ports.map { "\(pad($0.port, 18)) \($0.macs) MAC\($0.macs == 1 ? "" : "s"): \($0.sample.joined(separator: ", "))\($0.macs > $0.sample.count ? ", …" : "")" })
                section("Changes", more.changes.map { "\(format($0.at, model.timeZone))  \($0.text)" })
            }
            drawTable(panel, data: findingRows, into: &s, row: r, height: end - r,
                      selected: nil, filter: "", sort: nil, options: options, g: g)
        case .finding(let key):
            guard let f = model.findings.first(where: { $0.key == key }) else {
                s.put(" the finding is no longer present (resolved)", row: r, col: 0)
                return
            }
            rule("Finding\(f.id.map { " #\($0)" } ?? "")", into: &s, row: r, g: g); r += 1
            field("code", f.code)
            field("severity", f.severity.rawValue, style: CellStyle(bold: true, color: options.color ? severityColor(f.severity) : nil))
            field("state", f.state); field("PD", f.pd); field("subject", f.subject)
            field("first / last seen", "\(format(f.firstSeen, model.timeZone)) / \(format(f.lastSeen, model.timeZone))")
            for (name, text) in [("message", f.message), ("basis", f.basis)] where r < end {
                s.put(" " + pad(name, 20), row: r, col: 0, style: CellStyle(bold: true))
                r += wrap(text, into: &s, row: r, col: 22, width: s.width - 23, maxRows: end - r, style: .plain)
            }
        case .pd(let code):
            guard let p = model.pds.first(where: { $0.code == code }) else {
                s.put(" PD \(code) is not in the store", row: r, col: 0)
                return
            }
            rule("PD", into: &s, row: r, g: g); r += 1
            field("code", p.code); field("name", p.name)
            field("devices", "\(p.devices): \(p.up) up, \(p.down) down, \(p.unknown) without data")
            field("availability today", percent(p.availabilityToday))
            field("open findings", "\(p.findings)\(p.worst.map { ", worst \($0.rawValue)" } ?? "")")
            if let t = model.traffic.first(where: { $0.pd == code }) {
                let level = layout.thresholds.allocation(t.allocationUse)
                field("uplink traffic now", "\(Units.rate(t.inBPS)) in, \(Units.rate(t.outBPS)) out   \(Sparkline.render(t.recent, ascii: options.ascii))")
                field("p95 today", "\(Units.rate(t.p95BPS.map(Double.init))) of \(t.approvedMbps.map { Units.rate($0 * 1_000_000) + " approved" } ?? "no approved bandwidth")"
                      + (t.allocationUse.map { " (\(percent($0)))" } ?? ""),
                      style: CellStyle(bold: level == .alert, color: options.color ? level.map(levelColor) : nil))
            } else {
                field("uplink traffic", "no uplink declared in the registry")
            }
            if let d = model.diagrams.first(where: { $0.pd == code }) {
                let v = d.latestVersion.map { ", v\($0) of \(d.latest ?? "-")" } ?? ""
                field("LAN diagram", "\(d.state)\(v)\(d.due.map { ", due \($0)" } ?? "")\(d.openChangeDuties > 0 ? ", \(d.openChangeDuties) change report(s) owed" : "")",
                      style: CellStyle(bold: d.flagged, color: options.color && d.flagged ? .red : nil))
            }
            if let versions = model.submissions[code], !versions.isEmpty {
                field("diagram history", versions.sorted { $0.version > $1.version }.prefix(4).map {
                    "v\($0.version) \(format($0.at, model.timeZone)) by \($0.submitter) (\($0.channel))"
                }.joined(separator: "; "))
            }
            let hostsSeen = model.hosts.filter { $0.pd == code }
            field("hosts seen", "\(hostsSeen.count)\(hostsSeen.map(\.lastSeen).max().map { ", latest \(format($0, model.timeZone))" } ?? "")")
            var m = model
            m.devices = model.devices.filter { $0.pd == code }
            m.findings = model.findings.filter { $0.pd == code }
            let devices = DashboardLayout.Panel(kind: .devices, title: "Devices of \(code)", columns: [.name, .vendor, .model, .status, .lastPoll])
            let findings = DashboardLayout.Panel(kind: .findings, title: "Findings of \(code)", columns: [.code, .severity, .subject])
            m.uplinks = model.uplinks.filter { $0.pd == code }
            if !m.uplinks.isEmpty {
                let up = DashboardLayout.Panel(kind: .uplinks, title: "Uplinks of \(code)", columns: [.device, .interface, .nowIn, .nowOut, .p95, .utilisation, .trend])
                let h = min(2 + m.uplinks.count, max(0, end - r))
                drawTable(up, data: tableRows(up, model: m, state: state, focused: false, thresholds: layout.thresholds, ascii: options.ascii),
                          into: &s, row: r, height: h, selected: nil, filter: "", sort: nil, options: options, g: g)
                r += h
            }
            let half = max(3, (end - r) / 2)
            drawTable(devices, data: tableRows(devices, model: m, state: state, focused: false), into: &s, row: r, height: min(half, end - r),
                      selected: nil, filter: "", sort: nil, options: options, g: g)
            r += min(half, end - r)
            drawTable(findings, data: tableRows(findings, model: m, state: state, focused: false), into: &s, row: r, height: end - r,
                      selected: nil, filter: "", sort: nil, options: options, g: g)
        }
    }

    static func drawHelp(into s: inout Screen, top: Int, height: Int, layout: DashboardLayout, g: Glyphs) {
        let lines = [
            "Keys",
            "  j / k, arrows    move the cursor",
            "  PgUp / PgDn      a page up or down;  g / G  first / last row",
            "  Enter            open the PD, device or finding under the cursor",
            "  Esc              back (close the detail, the help, the filter)",
            "  /                filter the table (Enter keeps it, Esc clears it)",
            "  :                jump to a view by name (Tab completes)",
            "  s / S            sort by the next column / reverse the sort",
            "  a / x            acknowledge / suppress the finding under the cursor, with a reason",
            "                   (recorded with your name, as pantau findings ack|suppress; not in --read-only)",
            "  r                reload now (it reloads every \(Int(layout.refreshSeconds)) s anyway)",
            "  ?                this help;  q  quit",
            "",
            "Views: " + layout.views.map(\.name).joined(separator: ", "),
        ]
        for (i, l) in lines.enumerated() where i < height { s.put(" " + l, row: top + i, col: 0, style: i == 0 ? CellStyle(bold: true) : .plain) }
    }

    static func drawFooter(into s: inout Screen, layout: DashboardLayout, state: ViewState, model: DashboardModel?, readOnly: Bool) {
        let r = s.height - 1
        let style = CellStyle(reverse: true)
        switch state.input {
        case .finding(let p):
            let text = p.askingDays
                ? "suppress \(p.label) for how many days (Enter alone: until lifted): \(p.days)_"
                : "\(p.request.kind.rawValue) \(p.label); reason: \(p.request.reason)_"
            // The end of what is typed stays in sight on a narrow terminal.
            let w = Screen.displayWidth(text)
            s.put(w > s.width ? "…" + String(text.suffix(s.width - 2)) : text, row: r, col: 0, style: style)
            if let m = state.message, s.height > 2 { s.put(" " + m + " ", row: r - 1, col: 0, style: CellStyle(bold: true, reverse: true)) }
        case .filter(let text): s.put("/" + text + "_", row: r, col: 0, style: style)
        case .command(let text):
            s.put(":" + text + "_", row: r, col: 0, style: style)
            let hint = "  views: " + layout.views.map(\.name).joined(separator: " ")
            s.put(hint, row: r, col: text.count + 2, style: style)
        case nil:
            let onFindings: Bool = {
                if case .finding = state.detail { return true }
                return state.detail == nil && layout.view(named: state.view).flatMap { v in v.focus.map { v.panels[$0].kind == .findings } } == true
            }()
            let keys = state.message ?? (onFindings
                ? (readOnly ? "q quit  j/k move  Enter open  Esc back  / filter  : view  s sort  ? help  (read-only)"
                            : "q quit  j/k move  Enter open  a ack  x suppress  / filter  : view  ? help")
                : "q quit  j/k move  Enter open  Esc back  / filter  : view  s sort  ? help")
            s.put(" " + keys, row: r, col: 0, style: style)
            let names = layout.views.map { $0.name == state.view && state.detail == nil ? "[\($0.name)]" : $0.name }.joined(separator: " ")
            let open = state.detail == nil ? "[\(state.view)]" : ""
            for text in [names, open] where s.width - keys.count - 3 > text.count {
                s.put(text + " ", row: r, col: s.width - text.count - 1, style: style)
                break
            }
        }
        s.paint(row: r, style: style)
    }

    // MARK: Text

    static func rule(_ title: String, into s: inout Screen, row: Int, g: Glyphs) {
        let used = s.put(g.rule + " " + title + " ", row: row, col: 0, style: CellStyle(bold: true))
        if used < s.width { s.put(String(repeating: g.rule, count: s.width - used), row: row, col: used, style: CellStyle(dim: true)) }
    }

    @discardableResult
    static func wrap(_ text: String, into s: inout Screen, row: Int, col: Int, width: Int, maxRows: Int, style: CellStyle) -> Int {
        guard maxRows > 0, width > 0 else { return 0 }
        var rest = Substring(text.terminalSafe), r = 0
        if rest.isEmpty { return 1 }
        while !rest.isEmpty && r < maxRows {
            let piece = rest.prefix(width)
            s.put(String(piece), row: row + r, col: col, limit: width, style: style)
            rest = rest.dropFirst(piece.count)
            r += 1
        }
        return r
    }

    static func pad(_ t: String, _ w: Int) -> String { align(t, w, right: false) }

    static func align(_ t: String, _ w: Int, right: Bool) -> String {
        let n = Screen.displayWidth(t)
        if n >= w { return t }
        let fill = String(repeating: " ", count: w - n)
        return right ? fill + t : t + fill
    }

    static func percent(_ v: Double?) -> String {
        guard let v else { return "-" }
        return String(format: "%.2f%%", v)
    }

    static func levelColor(_ l: Level) -> TermColor {
        switch l {
        case .ok: .green
        case .warning: .yellow
        case .alert: .red
        }
    }

    static func severityColor(_ s: Severity) -> TermColor {
        switch s {
        case .error: .red
        case .warning: .yellow
        case .info: .cyan
        }
    }

    public static func format(_ d: Date, _ zone: TimeZone) -> String { DateText(zone).format(d) }

    static func zoneLabel(_ zone: TimeZone) -> String {
        switch zone.secondsFromGMT() {
        case 0: "UTC"
        case 7 * 3600: "WIB"
        case 8 * 3600: "WITA"
        case 9 * 3600: "WIT"
        default: zone.identifier
        }
    }

    public static func ageText(_ seconds: TimeInterval) -> String {
        let s = max(0, Int(seconds))
        if s < 120 { return "\(s)s" }
        if s < 7200 { return "\(s / 60)m" }
        if s < 172_800 { return "\(s / 3600)h" }
        return "\(s / 86400)d"
    }
}

/// Box-drawing and arrow glyphs, or their ASCII stand-ins.
struct Glyphs {
    let rule: String
    let dot: String
    let down: String
    let refresh: String
    let arrow: String
    init(ascii: Bool) {
        arrow = ascii ? "->" : "→"
        refresh = ascii ? "*" : "↻"
        rule = ascii ? "-" : "─"
        dot = ascii ? "|" : "·"
        down = ascii ? "v" : "▼"
    }
}

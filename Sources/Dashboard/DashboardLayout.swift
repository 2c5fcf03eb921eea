import Foundation
import YAMLSupport

/// A dashboard layout: the views, their panels, columns and sort orders, read from
/// `dashboards/NAME.yaml` (format in `dashboards/README.md`) and validated strictly: every
/// problem is reported at once as `file:line:col: path: message`.
public struct DashboardLayout: Sendable, Equatable {
    public var name: String
    public var title: String?
    /// Seconds between reloads of the store in the interactive dashboard.
    public var refreshSeconds: Double
    /// Data older than this is marked stale (per source, in the data-age panel).
    public var staleAfterMinutes: Int
    /// When a figure is shown as a warning or an alert (colour; bold without colour).
    public var thresholds: Thresholds
    public var views: [View]

    public struct View: Sendable, Equatable {
        public var name: String
        public var title: String
        public var panels: [Panel]
        public init(name: String, title: String, panels: [Panel]) {
            self.name = name; self.title = title; self.panels = panels
        }
        /// The panel the cursor, the filter and the sort act on: the first table that lists
        /// things one can open (devices, findings, PDs).
        public var focus: Int? { panels.firstIndex { $0.kind.isTable } }
    }

    public struct Panel: Sendable, Equatable {
        public var kind: PanelKind
        public var title: String
        public var columns: [Column]
        public var sort: Sort?
        /// At most this many table rows (nil: what fits).
        public var rows: Int?
        public init(kind: PanelKind, title: String? = nil, columns: [Column]? = nil, sort: Sort? = nil, rows: Int? = nil) {
            self.kind = kind; self.title = title ?? kind.defaultTitle; self.columns = columns ?? kind.defaultColumns
            self.sort = sort; self.rows = rows
        }
    }

    public struct Sort: Sendable, Equatable {
        public var column: Column
        public var descending: Bool
        public init(_ column: Column, descending: Bool = false) { self.column = column; self.descending = descending }
        public var text: String { (descending ? "-" : "") + column.rawValue }
    }

    public init(name: String, title: String? = nil, refreshSeconds: Double = 5, staleAfterMinutes: Int = 15, thresholds: Thresholds = Thresholds(),
                views: [View]) {
        self.name = name; self.title = title; self.refreshSeconds = refreshSeconds; self.staleAfterMinutes = staleAfterMinutes
        self.thresholds = thresholds; self.views = views
    }

    public func view(named name: String) -> View? { views.first { $0.name == name } }

    public static let format = "pantau-dashboard/1"
    static let topKeys: Set<String> = ["format", "name", "title", "refresh_seconds", "stale_after_minutes", "thresholds", "views"]
    static let viewKeys: Set<String> = ["name", "title", "panels"]
    static let panelKeys: Set<String> = ["kind", "title", "columns", "sort", "rows"]

    /// Loads and validates a layout file.
    public static func load(path: String) throws(ConfigIssues) -> DashboardLayout {
        let sink = IssueSink()
        let root = try YAMLValue.load(path: path, sink: sink)
        let fallback = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let layout = parse(root, defaultName: fallback)
        try sink.throwIfAny()
        guard let layout else { throw ConfigIssues([ConfigIssue(file: path, line: 1, column: 1, path: "", message: "not a dashboard layout")]) }
        return layout
    }

    /// Parses layout text (tests, and `load`).
    public static func parse(_ text: String, file: String) throws(ConfigIssues) -> DashboardLayout {
        let sink = IssueSink()
        let root = try YAMLValue.parse(text, file: file, sink: sink)
        let layout = parse(root, defaultName: URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent)
        try sink.throwIfAny()
        guard let layout else { throw ConfigIssues([ConfigIssue(file: file, line: 1, column: 1, path: "", message: "not a dashboard layout")]) }
        return layout
    }

    static func parse(_ root: YAMLValue, defaultName: String) -> DashboardLayout? {
        guard let o = root.object(allowing: topKeys) else { return nil }
        if let f = o.required("format"), let text = f.string(), text != format {
            f.report("\"\(text)\" is not a known format; this Pantau reads \(format)")
        }
        var layout = DashboardLayout(name: o["name"]?.string() ?? defaultName, title: o["title"]?.string(), views: [])
        if let v = o["refresh_seconds"], let d = v.double() {
            if d < 1 || d > 3600 { v.report("refresh_seconds must be between 1 and 3600") } else { layout.refreshSeconds = d }
        }
        if let v = o["stale_after_minutes"], let n = v.int() {
            if n < 1 || n > 100_000 { v.report("stale_after_minutes must be between 1 and 100000") } else { layout.staleAfterMinutes = n }
        }
        if let t = o["thresholds"] { layout.thresholds = Thresholds.parse(t) }
        guard let viewsValue = o.required("views"), let items = viewsValue.array() else { return layout }
        if items.isEmpty { viewsValue.report("needs at least one view") }
        var seen = Set<String>()
        for item in items {
            guard let view = parseView(item) else { continue }
            if !seen.insert(view.name).inserted {
                (item.object(allowing: nil)?["name"] ?? item).report("duplicate view name \"\(view.name)\"")
                continue
            }
            layout.views.append(view)
        }
        return layout
    }

    static func parseView(_ item: YAMLValue) -> View? {
        guard let o = item.object(allowing: viewKeys) else { return nil }
        let nameValue = o.required("name")
        let name = nameValue?.string()
        if let name, let nameValue, name.isEmpty || name.contains(where: { $0 == " " || $0.isNewline }) {
            nameValue.report("a view name is one word (it is typed after `:`), not \"\(name)\"")
        }
        var panels: [Panel] = []
        if let p = o.required("panels"), let list = p.array() {
            if list.isEmpty { p.report("needs at least one panel") }
            panels = list.compactMap(parsePanel)
        }
        guard let name else { return nil }
        return View(name: name, title: o["title"]?.string() ?? name, panels: panels)
    }

    static func parsePanel(_ item: YAMLValue) -> Panel? {
        guard let o = item.object(allowing: panelKeys) else { return nil }
        guard let kindValue = o.required("kind"), let kind = kindValue.oneOf(PanelKind.self) else {
            // Still check the rest of the panel's keys' shapes.
            _ = o["columns"]?.stringList()
            return nil
        }
        var panel = Panel(kind: kind, title: o["title"]?.string())
        if let c = o["columns"] {
            if !kind.isTable {
                c.report("a \(kind.rawValue) panel has no columns")
            } else if let items = c.array() {
                var columns: [Column] = []
                for v in items {
                    guard let text = v.string() else { continue }
                    guard let col = Column(rawValue: text), kind.columns.contains(col) else {
                        let allowed = kind.columns.map(\.rawValue)
                        let hint = YAMLValue.closest(to: text, in: allowed).map { " (did you mean \"\($0)\"?)" } ?? ""
                        v.report("\"\(text)\" is not a column of a \(kind.rawValue) panel\(hint); columns: \(allowed.joined(separator: ", "))")
                        continue
                    }
                    if columns.contains(col) { v.report("column \"\(text)\" listed twice"); continue }
                    columns.append(col)
                }
                if items.isEmpty { c.report("needs at least one column") }
                panel.columns = columns
            }
        }
        if let s = o["sort"], let text = s.string() {
            let descending = text.hasPrefix("-")
            let name = descending ? String(text.dropFirst()) : text
            if !kind.isTable {
                s.report("a \(kind.rawValue) panel has no sort")
            } else if let col = Column(rawValue: name), panel.columns.contains(col) {
                panel.sort = Sort(col, descending: descending)
            } else {
                s.report("sort \"\(text)\" names no column of this panel (\(panel.columns.map(\.rawValue).joined(separator: ", "))); prefix - for descending")
            }
        }
        if let r = o["rows"], let n = r.int() {
            if !kind.isTable { r.report("a \(kind.rawValue) panel has no rows") } else if n < 1 || n > 10_000 { r.report("rows must be between 1 and 10000") } else { panel.rows = n }
        }
        return panel
    }
}

/// What a panel shows.
public enum PanelKind: String, Sendable, CaseIterable, Equatable {
    /// One row per PD: its devices up and down (uptime), availability today, open findings.
    case pds
    /// Open findings counted by severity, one line.
    case findingsBySeverity = "findings_by_severity"
    /// How old each collector's data is (inventory polls, status polls, reconciliation).
    case dataAge = "data_age"
    /// One row per device.
    case devices
    /// One row per present finding.
    case findings
    /// One row per PD with a declared uplink: its uplinks' traffic now, today's 95th
    /// percentile against the approved bandwidth, and a sparkline of the last two hours.
    case traffic
    /// One row per declared uplink (a boundary router's interface): the same, per interface.
    case uplinks
    /// One row per host packet sampling saw.
    case hosts
    /// The top talkers (hosts by estimated bytes) of all sampled traffic, as `pantau talkers`.
    case talkers

    public var isTable: Bool { ![.findingsBySeverity, .dataAge].contains(self) }

    public var columns: [Column] {
        switch self {
        case .pds: [.pd, .name, .devices, .up, .down, .unknown, .availability, .findings, .worst]
        case .devices: [.pd, .name, .vendor, .model, .status, .availability, .lastPoll, .agent, .serial, .interfaces, .error]
        case .findings: [.id, .code, .pd, .severity, .state, .subject, .basis, .message, .firstSeen]
        case .traffic: [.pd, .name, .uplinks, .approved, .nowIn, .nowOut, .p95, .allocation, .trend]
        case .uplinks: [.pd, .device, .interface, .speed, .nowIn, .nowOut, .p95, .utilisation, .trend]
        case .hosts: [.mac, .vendor, .pd, .vlan, .address, .hostname, .capturePoint, .lastSeen, .frames]
        case .talkers: [.talker, .pd, .inBytes, .outBytes, .total, .samples]
        case .findingsBySeverity, .dataAge: []
        }
    }

    public var defaultColumns: [Column] {
        switch self {
        case .pds: [.pd, .name, .devices, .up, .down, .availability, .findings]
        case .devices: [.pd, .name, .vendor, .model, .status, .lastPoll]
        case .findings: [.code, .pd, .severity, .subject, .basis]
        case .traffic: [.pd, .approved, .nowIn, .nowOut, .p95, .allocation, .trend]
        case .uplinks: [.pd, .device, .interface, .nowIn, .nowOut, .p95, .utilisation, .trend]
        case .hosts: [.mac, .vendor, .pd, .vlan, .address, .hostname, .lastSeen]
        case .talkers: [.talker, .pd, .inBytes, .outBytes, .total]
        case .findingsBySeverity, .dataAge: []
        }
    }

    public var defaultTitle: String {
        switch self {
        case .pds: "PDs"
        case .findingsBySeverity: "Open findings"
        case .dataAge: "Data age"
        case .devices: "Devices"
        case .findings: "Findings"
        case .traffic: "Uplink traffic per PD"
        case .uplinks: "Uplinks"
        case .hosts: "Hosts seen by packet sampling"
        case .talkers: "Top talkers (all sampled traffic)"
        }
    }
}

/// A table column. Which columns a panel may list is `PanelKind.columns`.
public enum Column: String, Sendable, CaseIterable, Equatable {
    case pd, name, devices, up, down, unknown, availability, findings, worst
    case vendor, model, status, lastPoll = "last_poll", agent, serial, interfaces, error
    case id, code, severity, state, subject, basis, message, firstSeen = "first_seen"
    case uplinks, approved, nowIn = "now_in", nowOut = "now_out", p95, allocation, trend, device, interface, speed, utilisation
    case mac, vlan, address, hostname, capturePoint = "capture_point", lastSeen = "last_seen", frames
    case talker, inBytes = "in_bytes", outBytes = "out_bytes", total, samples

    /// Header text.
    public var header: String {
        switch self {
        case .lastPoll: "LAST POLL"
        case .firstSeen: "FIRST SEEN"
        case .availability: "AVAIL TODAY"
        case .interfaces: "IFS"
        case .unknown: "NO DATA"
        case .nowIn: "NOW IN"
        case .nowOut: "NOW OUT"
        case .p95: "P95 TODAY"
        case .allocation: "% APPROVED"
        case .utilisation: "% SPEED"
        case .trend: "LAST 2 H (5 MIN)"
        case .capturePoint: "CAPTURE POINT"
        case .lastSeen: "LAST SEEN"
        case .inBytes: "IN"
        case .outBytes: "OUT"
        case .uplinks: "UPLINKS"
        default: rawValue.uppercased()
        }
    }

    /// Fixed width, or nil for a column that shares what is left (names, subjects, texts).
    public var width: Int? {
        switch self {
        case .pd: 12
        case .devices, .up, .down, .interfaces: 7
        case .findings: 8
        case .unknown: 7
        case .availability: 11
        case .worst, .severity: 8
        case .vendor: 12
        case .model: 16
        case .status: 6
        case .lastPoll, .firstSeen: 16
        case .agent: 15
        case .serial: 14
        case .id: 5
        case .code: 26
        case .state: 12
        case .uplinks: 7
        case .approved: 11
        case .nowIn, .nowOut, .p95: 11
        case .allocation: 10
        case .utilisation: 8
        case .trend: 24
        case .device: 14
        case .speed: 11
        case .mac: 17
        case .vlan: 4
        case .address: 15
        case .capturePoint: 14
        case .lastSeen: 16
        case .frames: 7
        case .inBytes, .outBytes, .total: 9
        case .samples: 7
        case .name, .subject, .basis, .message, .error, .hostname, .talker, .interface: nil
        }
    }

    /// Numbers are right-aligned.
    public var numeric: Bool {
        [.devices, .up, .down, .unknown, .availability, .findings, .interfaces, .id, .uplinks, .approved, .nowIn, .nowOut, .p95, .allocation,
         .utilisation, .speed, .vlan, .frames, .inBytes, .outBytes, .total, .samples].contains(self)
    }
}

/// How a figure stands against the layout's thresholds.
public enum Level: Sendable, Equatable {
    case ok, warning, alert
}

/// When availability, a PD's use of its approved bandwidth and an interface's use of its
/// speed are shown as a warning or an alert: `thresholds:` in a layout (dashboards/README.md).
public struct Thresholds: Sendable, Equatable {
    /// Availability (%) below which a PD or a device is a warning, an alert.
    public var availabilityWarning: Double
    public var availabilityAlert: Double
    /// A PD's 95th percentile as % of its approved bandwidth above which it is a warning, an alert.
    public var allocationWarning: Double
    public var allocationAlert: Double
    /// An interface's 95th percentile as % of its speed above which it is a warning, an alert.
    public var utilisationWarning: Double
    public var utilisationAlert: Double

    public init(availabilityWarning: Double = 99.5, availabilityAlert: Double = 98, allocationWarning: Double = 80, allocationAlert: Double = 100,
                utilisationWarning: Double = 70, utilisationAlert: Double = 90) {
        self.availabilityWarning = availabilityWarning; self.availabilityAlert = availabilityAlert
        self.allocationWarning = allocationWarning; self.allocationAlert = allocationAlert
        self.utilisationWarning = utilisationWarning; self.utilisationAlert = utilisationAlert
    }

    public func availability(_ v: Double?) -> Level? {
        guard let v else { return nil }
        return v < availabilityAlert ? .alert : v < availabilityWarning ? .warning : .ok
    }
    public func allocation(_ v: Double?) -> Level? {
        guard let v else { return nil }
        return v > allocationAlert ? .alert : v > allocationWarning ? .warning : .ok
    }
    public func utilisation(_ v: Double?) -> Level? {
        guard let v else { return nil }
        return v > utilisationAlert ? .alert : v > utilisationWarning ? .warning : .ok
    }

    static let keys: Set<String> = ["availability", "allocation", "utilisation"]

    static func parse(_ value: YAMLValue) -> Thresholds {
        var t = Thresholds()
        guard let o = value.object(allowing: keys) else { return t }
        func pair(_ key: String, below: Bool, max: Double, _ warning: inout Double, _ alert: inout Double) {
            let (w, a) = below ? ("warning_below", "alert_below") : ("warning_above", "alert_above")
            guard let v = o[key], let p = v.object(allowing: [w, a]) else { return }
            var newW = warning, newA = alert
            for (k, slot) in [(w, 0), (a, 1)] {
                guard let x = p[k], let d = x.double() else { continue }
                if d < 0 || d > max { x.report("\(k) must be between 0 and \(Int(max))"); continue }
                if slot == 0 { newW = d } else { newA = d }
            }
            if below ? newA > newW : newA < newW {
                v.report("\(a) (\(newA)) must be \(below ? "at most" : "at least") \(w) (\(newW)): an alert is worse than a warning")
                return
            }
            warning = newW; alert = newA
        }
        pair("availability", below: true, max: 100, &t.availabilityWarning, &t.availabilityAlert)
        pair("allocation", below: false, max: 1000, &t.allocationWarning, &t.allocationAlert)
        pair("utilisation", below: false, max: 100, &t.utilisationWarning, &t.utilisationAlert)
        return t
    }
}

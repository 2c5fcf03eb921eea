import Foundation
import InventoryModel
import Reconciliation

/// The table rows the interactive loop built, kept between frames: a key press (moving the
/// cursor, typing a filter, sorting) reuses each row's cells and sort keys, and each sort's
/// order, instead of building 5,000 rows again. Rows are built again only when the data they
/// come from changes (a refresh that read other values) or the panel, the thresholds or the
/// glyphs do. Used by one thread (the loop's); `--once` and the tests may pass none.
public final class TableCache {
    /// The glyphs the loop draws with (`Navigation` asks for the focused table's rows with them).
    public let ascii: Bool
    /// How many times rows were built from the model, wholly or patched (the tests' window on the cache).
    public private(set) var builds = 0
    /// Of those, the times only the rows whose data changed were built again (`Entry.repair`).
    public private(set) var patches = 0
    /// Rows built, one by one (a patch builds only the changed ones).
    public private(set) var rowsBuilt = 0
    var entries: [Entry] = []
    /// Panels remembered at most (a view's tables; details are drawn without the cache).
    static let capacity = 12

    public init(ascii: Bool = false) { self.ascii = ascii }

    final class Entry {
        let panel: DashboardLayout.Panel
        let thresholds: Thresholds
        let ascii: Bool
        var source: TableSource
        var items: [TableItem] = []
        /// The columns each item has a sort key for: the panel's, then its sort's when not among them.
        var keyColumns: [Column] = []
        var orders: [(sort: DashboardLayout.Sort, order: [Int])] = []
        /// Each item's cells in lower case, as UTF-8 joined by NUL (what a filter is matched against).
        var lowered: [[UInt8]]?
        var last: (filter: String, sort: DashboardLayout.Sort?, rows: TableRows)?

        init(panel: DashboardLayout.Panel, thresholds: Thresholds, ascii: Bool, source: TableSource) {
            self.panel = panel; self.thresholds = thresholds; self.ascii = ascii; self.source = source
        }

        /// The items' indices in `sort`'s order; stable: ties keep the model's order.
        func order(_ sort: DashboardLayout.Sort) -> [Int] {
            if let o = orders.first(where: { $0.sort == sort }) { return o.order }
            let order: [Int]
            if let k = keyColumns.firstIndex(of: sort.column) {
                let keys = items.map { $0.sortKeys[k] }
                order = items.indices.sorted { a, b in
                    let (x, y) = (keys[a], keys[b])
                    if x == y { return a < b }
                    return sort.descending ? y < x : x < y
                }
            } else {
                order = Array(items.indices)
            }
            orders.append((sort, order))
            return order
        }

        func lowercased() -> [[UInt8]] {
            if let lowered { return lowered }
            let l = items.map(Self.lowered)
            lowered = l
            return l
        }

        static func lowered(_ item: TableItem) -> [UInt8] { Array(item.cells.map { $0.lowercased() }.joined(separator: "\0").utf8) }

        /// After the items at `changed` were built again: each kept sort's order and the filter's
        /// text mended for them alone. Each order is what `order` gives for the new items: an
        /// index goes where the sort's keys, then the index (the stable sort's tie-break), put it.
        func repair(_ changed: [Int]) {
            guard !changed.isEmpty else { return }
            if lowered != nil { for i in changed { lowered![i] = Self.lowered(items[i]) } }
            let moved = Set(changed)
            orders = orders.map { sort, order in
                guard let k = keyColumns.firstIndex(of: sort.column) else { return (sort, order) }
                var o = order
                o.removeAll { moved.contains($0) }
                for i in changed.sorted() {
                    let key = items[i].sortKeys[k]
                    // Does the item at index j come before item i?
                    func before(_ j: Int) -> Bool {
                        let x = items[j].sortKeys[k]
                        if sort.descending { if key < x { return true } else if x < key { return false } } else {
                            if x < key { return true } else if key < x { return false }
                        }
                        return j < i
                    }
                    var (lo, hi) = (0, o.count)
                    while lo < hi {
                        let mid = (lo + hi) / 2
                        if before(o[mid]) { lo = mid + 1 } else { hi = mid }
                    }
                    o.insert(i, at: lo)
                }
                return (sort, o)
            }
            last = nil
        }

        /// The items (of `order`) with a cell containing `needle` (lower case); a cell's text
        /// never runs into the next one's (NUL between them, never typed in a filter).
        func matching(_ needle: String, in order: [Int]) -> [Int] {
            let lowered = lowercased()
            let n = Array(needle.utf8)
            guard !n.contains(0) else { return [] }
            return order.filter { i in Self.contains(lowered[i], n) }
        }

        static func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
            guard let first = needle.first, hay.count >= needle.count else { return needle.isEmpty }
            return hay.withUnsafeBufferPointer { h in
                needle.withUnsafeBufferPointer { n in
                    var i = 0
                    let last = h.count - n.count
                    while i <= last {
                        if h[i] == first {
                            var k = 1
                            while k < n.count && h[i + k] == n[k] { k += 1 }
                            if k == n.count { return true }
                        }
                        i += 1
                    }
                    return false
                }
            }
        }
    }

    /// The entry for `panel` holding rows built from `source` (built now when it holds none or other data).
    func entry(_ panel: DashboardLayout.Panel, thresholds: Thresholds, ascii: Bool, source: TableSource,
               build: (Entry, [Int]?) -> Void) -> Entry {
        if let e = entries.first(where: { $0.panel == panel && $0.thresholds == thresholds && $0.ascii == ascii }) {
            // A few rows changed (a refresh after some devices were polled): only they are built again.
            if let changed = e.source.changedRows(to: source) {
                e.source = source
                guard !changed.isEmpty else { return e }
                builds += 1; patches += 1; rowsBuilt += changed.count
                build(e, changed)
                e.repair(changed)
                return e
            }
            // Arrays compare by identity first: the same model's rows cost nothing to check.
            if e.source == source { return e }
            e.source = source
            e.orders = []; e.lowered = nil; e.last = nil
            builds += 1
            build(e, nil)
            rowsBuilt += e.items.count
            return e
        }
        let e = Entry(panel: panel, thresholds: thresholds, ascii: ascii, source: source)
        builds += 1
        build(e, nil)
        rowsBuilt += e.items.count
        if entries.count >= Self.capacity { entries.removeFirst() }
        entries.append(e)
        return e
    }
}

/// One row of a table: its cells (the panel's columns), what Enter opens, its severity, its
/// sort keys (`TableCache.Entry.keyColumns`) and how its figures stand against the thresholds.
struct TableItem {
    var cells: [String]
    var key: ViewState.Detail?
    var severity: Severity?
    var sortKeys: [DashboardRenderer.SortKey]
    var levels: [Column: Level]
}

/// What a table's rows are built from (compared to know whether they must be built again).
enum TableSource: Equatable {
    case pds([PDRow], [DiagramRow])
    case devices([DeviceRow], TimeZone)
    case findings([FindingRow], TimeZone)
    case traffic([TrafficRow])
    /// The uplinks, and those of their devices the store knows (an uplink's row opens its device then).
    case uplinks([SeriesRow], Set<String>)
    case hosts([HostRow], TimeZone)
    case talkers([TalkerRow])
    case none

    /// The rows that differ from `new`'s, index by index, when `new` holds the same kind of rows,
    /// as many, in the same zone, and only a few of them differ (nil: build every row again).
    /// For the tables that may hold thousands of rows.
    func changedRows(to new: TableSource) -> [Int]? {
        switch (self, new) {
        case let (.devices(a, z), .devices(b, y)) where z == y: Self.changed(a, b)
        case let (.findings(a, z), .findings(b, y)) where z == y: Self.changed(a, b)
        case let (.hosts(a, z), .hosts(b, y)) where z == y: Self.changed(a, b)
        default: nil
        }
    }

    /// The uplinks' devices among `devices`: looked up where the loader puts them (ordered by PD
    /// and name: `FleetRows`), else looked for one by one.
    static func known(_ uplinks: [SeriesRow], in devices: [DeviceRow]) -> Set<String> {
        var out = Set<String>()
        for u in uplinks where !out.contains(u.device) {
            let key = (u.pd ?? "", u.device)
            var (lo, hi) = (0, devices.count)
            while lo < hi {
                let mid = (lo + hi) / 2
                if (devices[mid].pd ?? "", devices[mid].name) < key { lo = mid + 1 } else { hi = mid }
            }
            if lo < devices.count && devices[lo].name == u.device || devices.contains(where: { $0.name == u.device }) { out.insert(u.device) }
        }
        return out
    }

    static func changed<T: Equatable>(_ a: [T], _ b: [T]) -> [Int]? {
        guard a.count == b.count else { return nil }
        // The same array (a key press redrawing the same model): nothing to compare.
        if a.withUnsafeBufferPointer({ $0.baseAddress }) == b.withUnsafeBufferPointer({ $0.baseAddress }) { return [] }
        let most = max(16, a.count / 8)
        var out: [Int] = []
        for i in a.indices where a[i] != b[i] {
            out.append(i)
            if out.count > most { return nil }
        }
        return out
    }

    init(_ kind: PanelKind, _ model: DashboardModel) {
        switch kind {
        case .pds: self = .pds(model.pds, model.diagrams)
        case .devices: self = .devices(model.devices, model.timeZone)
        case .findings: self = .findings(model.findings, model.timeZone)
        case .traffic: self = .traffic(model.traffic)
        case .uplinks: self = .uplinks(model.uplinks, Self.known(model.uplinks, in: model.devices))
        case .hosts: self = .hosts(model.hosts, model.timeZone)
        case .talkers: self = .talkers(model.talkers)
        case .findingsBySeverity, .dataAge: self = .none
        }
    }
}

extension DashboardRenderer {
    /// The rows of a table panel after the filter and the sort (the state's for the focused
    /// table). With a cache, rows built for the same data are reused (`TableCache`).
    public static func tableRows(_ panel: DashboardLayout.Panel, model: DashboardModel, state: ViewState, focused: Bool,
                                 thresholds: Thresholds = Thresholds(), ascii: Bool = false, cache: TableCache? = nil) -> TableRows {
        let source = TableSource(panel.kind, model)
        let build = { (e: TableCache.Entry, only: [Int]?) in buildItems(e, model: model, only: only) }
        let entry = cache?.entry(panel, thresholds: thresholds, ascii: ascii, source: source, build: build)
            ?? { let e = TableCache.Entry(panel: panel, thresholds: thresholds, ascii: ascii, source: source); build(e, nil); return e }()
        let filter = focused ? state.filter : ""
        let sort = (focused ? state.sort : nil) ?? panel.sort
        if let last = entry.last, last.filter == filter, last.sort == sort { return last.rows }
        var order = sort.map { entry.order($0) } ?? Array(entry.items.indices)
        if !filter.isEmpty { order = entry.matching(filter.lowercased(), in: order) }
        let items = entry.items
        let rows = TableRows(columns: panel.columns, rows: order.map { items[$0].cells }, keys: order.map { items[$0].key },
                             severities: order.map { items[$0].severity }, levels: order.map { items[$0].levels })
        if cache != nil { entry.last = (filter, sort, rows) }
        return rows
    }

    /// Builds every row of `e`'s panel from the model (only the rows at `only` when given: the
    /// others are kept): only the cells of its columns and the sort keys of its columns (and of its sort's).
    static func buildItems(_ e: TableCache.Entry, model: DashboardModel, only: [Int]? = nil) {
        let panel = e.panel, t = e.thresholds, ascii = e.ascii
        var keyColumns = panel.columns
        if let s = panel.sort, !keyColumns.contains(s.column) { keyColumns.append(s.column) }
        e.keyColumns = keyColumns
        let cellCount = panel.columns.count
        func item(key: ViewState.Detail?, severity: Severity? = nil, levels: [Column: Level?] = [:],
                  _ value: (Column) -> (String, SortKey)?) -> TableItem {
            var cells: [String] = [], keys: [SortKey] = []
            cells.reserveCapacity(cellCount)
            keys.reserveCapacity(keyColumns.count)
            for (i, c) in keyColumns.enumerated() {
                let v = value(c)
                if i < cellCount { cells.append(v?.0 ?? "") }
                keys.append(v?.1 ?? .text(""))
            }
            return TableItem(cells: cells, key: key, severity: severity, sortKeys: keys, levels: levels.compactMapValues { $0 })
        }
        func rate(_ v: Double?) -> (String, SortKey) { (Units.rate(v), .number(v ?? -1)) }
        func trend(_ r: [Double?]) -> (String, SortKey) { (Sparkline.render(r, ascii: ascii), .number(r.last.flatMap { $0 } ?? -1)) }
        let time = DateText(model.timeZone)
        func fill<T>(_ rows: [T], _ make: (T) -> TableItem) {
            if let only { for i in only { e.items[i] = make(rows[i]) } } else { e.items = rows.map(make) }
        }
        switch panel.kind {
        case .pds:
            let diagrams = Dictionary(model.diagrams.map { ($0.pd, $0) }) { a, _ in a }
            fill(model.pds) { p in
                let diagram = diagrams[p.code]
                return item(key: .pd(p.code), severity: p.worst,
                            levels: [.availability: t.availability(p.availabilityToday), .diagram: diagram.map { $0.flagged ? .alert : .ok }]) { c in
                    switch c {
                    case .pd: (p.code, .text(p.code))
                    case .name: (p.name, .text(p.name))
                    case .devices: ("\(p.devices)", .number(Double(p.devices)))
                    case .up: ("\(p.up)", .number(Double(p.up)))
                    case .down: ("\(p.down)", .number(Double(p.down)))
                    case .unknown: ("\(p.unknown)", .number(Double(p.unknown)))
                    case .availability: (percent(p.availabilityToday), .number(p.availabilityToday ?? -1))
                    case .findings: ("\(p.findings)", .number(Double(p.findings)))
                    case .worst: (p.worst?.rawValue ?? "-", .number(Double(p.worst.map { Severity.allCases.firstIndex(of: $0)! } ?? -1)))
                    case .diagram: (diagram?.state ?? "-", .text(diagram?.state ?? ""))
                    case .due: (diagram?.due ?? "-", .text(diagram?.due ?? ""))
                    default: nil
                    }
                }
            }
        case .devices:
            fill(model.devices) { d in
                item(key: .device(d.name), levels: [.availability: t.availability(d.availabilityToday)]) { c in
                    switch c {
                    case .pd: (d.pd ?? "-", .text(d.pd ?? ""))
                    case .name: (d.name, .text(d.name))
                    case .vendor: (d.vendor ?? "-", .text(d.vendor ?? ""))
                    case .model: (d.model ?? "-", .text(d.model ?? ""))
                    case .status: (d.status.rawValue, .text(d.status.rawValue))
                    case .availability: (percent(d.availabilityToday), .number(d.availabilityToday ?? -1))
                    case .lastPoll: (d.lastPoll.map(time.format) ?? "-", .number(d.lastPoll?.timeIntervalSince1970 ?? 0))
                    case .agent: (d.agent ?? "-", .text(d.agent ?? ""))
                    case .serial: (d.serial ?? "-", .text(d.serial ?? ""))
                    case .interfaces: (d.interfaces.map(String.init) ?? "-", .number(Double(d.interfaces ?? -1)))
                    case .error: (d.error ?? "", .text(d.error ?? ""))
                    default: nil
                    }
                }
            }
        case .findings:
            fill(model.findings) { f in
                item(key: .finding(f.key), severity: f.severity) { c in
                    switch c {
                    case .id: (f.id.map { "\($0)" } ?? "-", .number(Double(f.id ?? 0)))
                    case .code: (f.code, .text(f.code))
                    case .pd: (f.pd ?? "-", .text(f.pd ?? ""))
                    case .severity: (f.severity.rawValue, .number(Double(Severity.allCases.firstIndex(of: f.severity)!)))
                    case .state: (f.state, .text(f.state))
                    case .subject: (f.subject, .text(f.subject))
                    case .basis: (f.basis, .text(f.basis))
                    case .message: (f.message, .text(f.message))
                    case .firstSeen: (time.format(f.firstSeen), .number(f.firstSeen.timeIntervalSince1970))
                    default: nil
                    }
                }
            }
        case .traffic:
            fill(model.traffic) { p in
                item(key: .pd(p.pd), levels: [.allocation: t.allocation(p.allocationUse)]) { c in
                    switch c {
                    case .pd: (p.pd, .text(p.pd))
                    case .name: (p.name ?? "-", .text(p.name ?? ""))
                    case .uplinks: (p.uplinksFound == p.uplinks ? "\(p.uplinks)" : "\(p.uplinksFound)/\(p.uplinks)", .number(Double(p.uplinks)))
                    case .approved: (p.approvedMbps.map { Units.rate($0 * 1_000_000) } ?? "none", .number(p.approvedMbps ?? -1))
                    case .nowIn: rate(p.inBPS)
                    case .nowOut: rate(p.outBPS)
                    case .p95: rate(p.p95BPS.map(Double.init))
                    case .allocation: (percent(p.allocationUse), .number(p.allocationUse ?? -1))
                    case .trend: trend(p.recent)
                    default: nil
                    }
                }
            }
        case .uplinks:
            let known: Set<String> = { if case .uplinks(_, let k) = e.source { return k } else { return TableSource.known(model.uplinks, in: model.devices) } }()
            fill(model.uplinks) { u in
                item(key: known.contains(u.device) ? .device(u.device) : nil, levels: [.utilisation: t.utilisation(u.utilisation)]) { c in
                    switch c {
                    case .pd: (u.pd ?? "-", .text(u.pd ?? ""))
                    case .device: (u.device, .text(u.device))
                    case .interface: (u.interface + (u.alias.map { $0.isEmpty || $0 == u.interface ? "" : " (\($0))" } ?? ""), .text(u.interface))
                    case .speed: (u.speed > 0 ? Units.rate(Double(u.speed)) : "-", .number(Double(u.speed)))
                    case .nowIn: rate(u.inBPS)
                    case .nowOut: rate(u.outBPS)
                    case .p95: rate(u.p95BPS.map(Double.init))
                    case .utilisation: (percent(u.utilisation), .number(u.utilisation ?? -1))
                    case .trend: trend(u.recent)
                    default: nil
                    }
                }
            }
        case .hosts:
            fill(model.hosts) { h in
                item(key: nil) { c in
                    switch c {
                    case .mac: (h.mac, .text(h.mac))
                    case .vendor: (h.vendor ?? "-", .text(h.vendor ?? ""))
                    case .pd: (h.pd ?? "-", .text(h.pd ?? ""))
                    case .vlan: (h.vlan.map(String.init) ?? "-", .number(Double(h.vlan ?? -1)))
                    case .address: (h.addresses.first.map { $0 + (h.addresses.count > 1 ? " +\(h.addresses.count - 1)" : "") } ?? "-", .text(h.addresses.first ?? ""))
                    case .hostname: (h.names.isEmpty ? "-" : h.names.joined(separator: ", "), .text(h.names.first ?? ""))
                    case .capturePoint: (h.capturePoint, .text(h.capturePoint))
                    case .lastSeen: (time.format(h.lastSeen), .number(h.lastSeen.timeIntervalSince1970))
                    case .frames: ("\(h.frames)", .number(Double(h.frames)))
                    default: nil
                    }
                }
            }
        case .talkers:
            fill(model.talkers) { r in
                item(key: nil) { c in
                    switch c {
                    case .talker: (r.key, .text(r.key))
                    case .pd: (r.pd ?? "-", .text(r.pd ?? ""))
                    case .inBytes: (Units.bytes(r.inBytes), .number(Double(r.inBytes)))
                    case .outBytes: (Units.bytes(r.outBytes), .number(Double(r.outBytes)))
                    case .total: (Units.bytes(r.inBytes + r.outBytes), .number(Double(r.inBytes + r.outBytes)))
                    case .samples: ("\(r.samples)", .number(Double(r.samples)))
                    default: nil
                    }
                }
            }
        case .findingsBySeverity, .dataAge: e.items = []
        }
    }
}

/// "2026-12-01 10:00" in a zone, without a Calendar per date (a table formats thousands).
struct DateText {
    let zone: TimeZone
    /// The zone's offset when it has no daylight saving time (else asked per date).
    let fixedOffset: Int?
    init(_ zone: TimeZone) {
        self.zone = zone
        fixedOffset = zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: 0)) == nil ? zone.secondsFromGMT() : nil
    }

    func format(_ d: Date) -> String {
        let offset = fixedOffset ?? zone.secondsFromGMT(for: d)
        let t = Int64((d.timeIntervalSince1970).rounded(.down)) + Int64(offset)
        let days = t >= 0 ? t / 86_400 : (t - 86_399) / 86_400
        let secs = t - days * 86_400
        // Civil date from days since 1970-01-01 (proleptic Gregorian).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + " " + pad(secs / 3600, 2) + ":" + pad(secs % 3600 / 60, 2)
    }

    private func pad(_ v: Int64, _ w: Int) -> String {
        let s = String(v)
        return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
    }
}

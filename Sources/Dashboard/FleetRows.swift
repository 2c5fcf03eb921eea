import Foundation
import Operations
import Storage

/// The fleet's device rows, composed from the device list and today's uptime and ordered by PD
/// and name, with each PD's devices counted by status: what every view's model holds. Kept
/// between refreshes (`LoadParts`): a refresh that read again only the devices polled since
/// (`UptimeToday.changed`) patches their rows, moving each to its place, instead of composing
/// and sorting the regency again (`patched` equals a whole `init`: `DashboardIncrementalTests`).
struct FleetRows: Sendable, Equatable {
    struct Counts: Sendable, Equatable {
        var up = 0, down = 0, unknown = 0
        var total: Int { up + down + unknown }
        mutating func add(_ s: DeviceStatus, _ n: Int) {
            switch s {
            case .up: up += n
            case .down: down += n
            case .unknown: unknown += n
            }
        }
    }
    /// Ordered by PD (none first), then name.
    private(set) var devices: [DeviceRow]
    /// Each PD's devices by status.
    private(set) var counts: [String: Counts]
    /// The newest inventory poll.
    let latestInventoryPoll: Date?
    /// Each name's summary in the device list (the last one of a name).
    let listingIndex: [String: Int]

    /// Every row composed and sorted.
    init(listing: [DeviceListing], uptime: UptimeToday?) {
        var index: [String: Int] = Dictionary(minimumCapacity: listing.count)
        for (i, s) in listing.enumerated() { index[s.name] = i }
        var rows: [DeviceRow] = []
        rows.reserveCapacity(index.count)
        for (name, i) in index { rows.append(Self.row(listing[i], uptime?.device(name))!) }
        if let uptime {
            for name in uptime.source.devices.keys where index[name] == nil { rows.append(Self.row(nil, uptime.device(name))!) }
        }
        rows.sort(by: Self.less)
        var counts: [String: Counts] = [:]
        for r in rows { if let pd = r.pd { counts[pd, default: Counts()].add(r.status, 1) } }
        devices = rows
        self.counts = counts
        latestInventoryPoll = listing.map(\.lastPollAt).max()
        listingIndex = index
    }

    /// These rows with the devices `uptime.changed` names composed again (the same device list).
    func patched(listing: [DeviceListing], uptime: UptimeToday) -> FleetRows {
        guard let changed = uptime.changed else { return FleetRows(listing: listing, uptime: uptime) }
        var out = self
        for name in changed.sorted() {
            let summary = listingIndex[name].map { listing[$0] }
            let new = Self.row(summary, uptime.device(name))
            if let at = out.position(of: name, pd: out.pdOf(name, summary: summary)) {
                if let new, new == out.devices[at] { continue }
                let old = out.devices.remove(at: at)
                if let pd = old.pd { out.counts[pd, default: Counts()].add(old.status, -1); if out.counts[pd]!.total == 0 { out.counts[pd] = nil } }
            }
            guard let new else { continue }
            out.devices.insert(new, at: out.insertionPoint(new))
            if let pd = new.pd { out.counts[pd, default: Counts()].add(new.status, 1) }
        }
        return out
    }

    /// The PD a row of `name` was sorted under: its summary's, else the one its row holds (found by name when neither says).
    private func pdOf(_ name: String, summary: DeviceListing?) -> String? {
        if let pd = summary?.pd { return pd }
        return devices.first { $0.name == name }?.pd
    }

    private func position(of name: String, pd: String?) -> Int? {
        let probe = DeviceRow(pd: pd, name: name, status: .unknown)
        let i = insertionPoint(probe)
        return i < devices.count && devices[i].name == name ? i : nil
    }

    /// The first index whose row does not sort before `row`.
    private func insertionPoint(_ row: DeviceRow) -> Int {
        var (lo, hi) = (0, devices.count)
        while lo < hi {
            let mid = (lo + hi) / 2
            if Self.less(devices[mid], row) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    static func less(_ a: DeviceRow, _ b: DeviceRow) -> Bool {
        let (x, y) = (a.pd ?? "", b.pd ?? "")
        return x != y ? x < y : a.name < b.name
    }

    /// One device's row: its summary in the device list, with the daemon's status poll when
    /// that is the newer word (nil: neither knows the device).
    static func row(_ s: DeviceListing?, _ d: UptimeToday.Device?) -> DeviceRow? {
        var row: DeviceRow
        if let s {
            row = DeviceRow(pd: s.pd, name: s.name, agent: s.agent, vendor: s.vendor, model: s.model, serial: s.serial, version: s.version,
                            sysName: s.sysName, status: s.lastPollOK ? .up : .down, statusSource: "inventory poll",
                            lastPoll: s.lastPollAt, interfaces: s.interfaces, neighbours: s.neighbours, error: s.lastError)
        } else if let d {
            row = DeviceRow(pd: d.pd, name: d.device, status: .unknown)
        } else {
            return nil
        }
        guard let d else { return row }
        row.pd = row.pd ?? d.pd
        if row.lastPoll == nil || d.lastPoll >= row.lastPoll! || row.statusSource == "inventory poll" {
            row.status = d.upAtLastPoll ? .up : .down
            row.statusSource = "status poll"
            row.lastPoll = max(row.lastPoll ?? d.lastPoll, d.lastPoll)
        }
        row.availabilityToday = d.availabilityPercent
        return row
    }
}

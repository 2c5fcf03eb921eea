import Foundation
import InventoryModel
import Operations

/// Text and JSON renderings of a device inventory, shared by `poll`, `probes test` and
/// `inventory show`.
enum InventoryRendering {
    static func json<T: Encodable>(_ value: T) throws -> String { try PantauJSON.text(value) }

    /// A readable page: identity, classification, then each section.
    static func text(_ inv: DeviceInventory, detail: Bool = true) -> String {
        var out: [String] = []
        /// `fold`: line breaks become spaces (a multi-line sysDescr is normal); any other control
        /// character, and any line break elsewhere, is shown escaped.
        func line(_ k: String, _ v: String?, fold: Bool = false) {
            guard let v, !v.isEmpty else { return }
            out.append("\(k.padding(toLength: 13, withPad: " ", startingAt: 0)) \((fold ? oneLine(v) : v).terminalSafe)")
        }
        line("agent", inv.agent)
        line("sysName", inv.sysName)
        line("sysDescr", inv.sysDescr, fold: true)
        line("sysObjectID", inv.sysObjectID)
        line("location", inv.sysLocation)
        line("contact", inv.sysContact)
        line("uptime", inv.sysUpTime.map(uptime))
        line("family", inv.family)
        line("vendor", inv.vendor)
        line("model", inv.model ?? "-")
        line("serial", inv.serial ?? "-")
        line("version", inv.version ?? "-")
        line("components", String(inv.components.count))
        if let r = inv.resources {
            line("resources", "\(r.cpuCount.map { "\($0) CPU" } ?? "CPU ?"), memory \(r.memoryBytes.map(bytes) ?? "?"), \(r.storage.count) storage areas")
        }
        if let u = inv.ups {
            line("ups", "battery \(u.batteryStatus ?? "?"), charge \(u.estimatedChargePercent.map { "\($0)%" } ?? "?"), "
                 + "\(u.estimatedMinutesRemaining.map { "\($0) min left" } ?? "runtime ?"), output \(u.outputSource ?? "?")")
        }
        if let p = inv.printer {
            line("printer", "\(p.status ?? "?"), \(p.lifetimeCount.map { "\($0) pages" } ?? "page count ?"), "
                 + p.supplies.map { "\($0.descr ?? $0.type ?? "supply") \($0.percent.map { "\($0)%" } ?? "?")" }.joined(separator: ", "))
        }
        line("addresses", inv.ipAddresses.map { $0.address + ($0.prefixLength.map { "/\($0)" } ?? "") }.joined(separator: ", "))
        line("interfaces", String(inv.interfaces.count))
        line("neighbors", String(inv.neighbors.count))
        line("forwarding", "\(inv.forwarding.count) MAC entries")
        line("arp", "\(inv.arp.count) entries")
        if detail && !inv.interfaces.isEmpty {
            out.append("")
            out.append(table(["ifIndex", "ifName", "type", "speed", "admin", "oper", "mac", "alias"],
                             inv.interfaces.map { i in
                                 [String(i.ifIndex), i.ifName ?? i.ifDescr ?? "", i.ifType ?? "", i.speed.map(speed) ?? "",
                                  i.adminStatus ?? "", i.operStatus ?? "", i.mac ?? "", i.ifAlias ?? ""]
                             }))
        }
        if detail && !inv.neighbors.isEmpty {
            out.append("")
            out.append(table(["proto", "local port", "remote system", "remote port", "remote chassis", "mgmt address"],
                             inv.neighbors.map { n in
                                 [n.protocol.rawValue, n.localPort ?? n.localIfIndex.map(String.init) ?? "", n.remoteSysName ?? "",
                                  n.remotePort ?? "", n.remoteChassisId ?? "", n.remoteMgmtAddress ?? ""]
                             }))
        }
        for w in inv.warnings { out.append("warning: \(w)".terminalSafe) }
        return out.joined(separator: "\n")
    }

    /// Aligned columns, two spaces apart; the last column is not padded. Cells longer than
    /// `maxCellWidth` are cut with an ellipsis (nil: never cut). Every cell is shown
    /// `terminalSafe`: a newline in a device's string cannot forge a row.
    static func table(_ header: [String], _ rawRows: [[String]], maxCellWidth: Int? = 40) -> String {
        let limit = maxCellWidth ?? Int.max
        let rows = rawRows.map { $0.map(\.terminalSafe) }
        var widths = header.map(\.count)
        for r in rows { for (i, c) in r.enumerated() where i < widths.count { widths[i] = min(max(widths[i], c.count), limit) } }
        func fmt(_ r: [String]) -> String {
            var line = r.enumerated().map { i, c in
                let cell = c.count > limit ? String(c.prefix(limit - 1)) + "…" : c
                return i == r.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            return line
        }
        return ([fmt(header)] + rows.map(fmt)).joined(separator: "\n")
    }

    static func oneLine(_ s: String) -> String {
        s.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
    }

    static func speed(_ bps: UInt64) -> String {
        switch bps {
        case 0: "0"
        case 1_000_000_000...: bps % 1_000_000_000 == 0 ? "\(bps / 1_000_000_000)G" : String(format: "%.1fG", Double(bps) / 1e9)
        case 1_000_000...: "\(bps / 1_000_000)M"
        case 1000...: "\(bps / 1000)k"
        default: "\(bps)"
        }
    }

    static func bytes(_ b: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var v = Double(b)
        var u = 0
        while v >= 1024 && u < units.count - 1 {
            v /= 1024
            u += 1
        }
        return u == 0 ? "\(b) B" : String(format: "%.1f %@", v, units[u])
    }

    static func uptime(_ ticks: UInt32) -> String {
        let s = Int(ticks / 100)
        return "\(s / 86400)d \(s % 86400 / 3600)h \(s % 3600 / 60)m"
    }
}

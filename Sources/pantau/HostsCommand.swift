import ArgumentParser
import Foundation
import InventoryModel
import InventoryStore
import Operations
import Storage

extension Pantau {
    struct Hosts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hosts",
            abstract: "List hosts seen by packet sampling (MAC, vendor, VLAN, addresses, names).",
            discussion: """
                Also lists the neighbour announcements (LLDP/CDP/STP/router adverts) and the \
                DHCP servers seen. Run `pantau sample` first.

                Examples:
                  pantau hosts
                  pantau hosts --pd DISKOMINFO --since 24h
                  pantau hosts --vlan 20 --json
                """
        )

        @Option(help: ArgumentHelp("Only hosts attributed to this PD.", valueName: "code"))
        var pd: String?

        @Option(help: ArgumentHelp("Only hosts in this VLAN (0 = untagged).", valueName: "id"))
        var vlan: Int?

        @Option(help: ArgumentHelp("Only hosts seen since: a duration (30m, 24h, 7d) or an ISO 8601 time.", valueName: "time"))
        var since: String?

        @Flag(help: "Print JSON instead of a table.")
        var json = false

        @OptionGroup var store: StoreOptions

        func run() async throws {
            let sinceDate = try since.map { try parseSince($0) }
            let report = try SightingReports.hosts(.init(pd: pd, vlan: vlan, since: sinceDate), store: store.open(.readOnly))
            if json {
                print(try PantauJSON.text(report))
                return
            }
            if report.isEmpty {
                print("No hosts recorded\(pd.map { " for PD \($0)" } ?? "")\(vlan.map { " in VLAN \($0)" } ?? ""). Run `pantau sample` first.")
                return
            }
            let (hosts, neighbours, servers) = (report.hosts.map(\.sighting), report.neighbours.map(\.sighting), report.dhcpServers.map(\.sighting))
            print("HOSTS (\(hosts.count))")
            var rows = [["MAC", "VLAN", "VENDOR", "PD", "ADDRESSES", "NAMES", "LAST SEEN", "SEEN AT"]]
            for h in hosts {
                var addrs = Array(Set(h.addresses.map(\.address))).sorted()
                let more = addrs.count > 4 ? " +\(addrs.count - 4)" : ""
                addrs = Array(addrs.prefix(4))
                rows.append([h.mac.description, h.vlan.map(String.init) ?? "-", String((h.vendor ?? "-").prefix(24)), h.pd ?? "-",
                             addrs.map(\.description).joined(separator: ",") + more,
                             Array(Set(h.names.map(\.name))).sorted().joined(separator: ","), iso(h.lastSeen), h.capturePoint])
            }
            printTable(rows)
            if !neighbours.isEmpty {
                print("\nNEIGHBOURS (\(neighbours.count))")
                var nrows = [["PROTO", "MAC", "VLAN", "NAME", "PORT", "PLATFORM/DESCRIPTION", "CAPABILITIES", "MGMT"]]
                for n in neighbours {
                    nrows.append([n.protocolName, n.mac.description, n.vlan.map(String.init) ?? "-", n.systemName ?? n.chassisID ?? "-",
                                  n.portID ?? "-", String((n.platform ?? n.systemDescription ?? "-").split(separator: "\n").first ?? "-").prefix(40).description,
                                  n.capabilities.joined(separator: ","), n.managementAddresses.map(\.description).joined(separator: ",")])
                }
                printTable(nrows)
            }
            if !servers.isEmpty {
                print("\nDHCP SERVERS (\(servers.count))")
                var srows = [["VLAN", "SERVER", "MAC", "PD", "REPLIES", "LAST SEEN"]]
                for s in servers {
                    srows.append([s.vlan.map(String.init) ?? "-", s.server.description, s.mac.description, s.pd ?? "-", String(s.replies), iso(s.lastSeen)])
                }
                printTable(srows)
                for c in report.dhcpConflicts {
                    print("warning: VLAN \(c.vlan == 0 ? "untagged" : String(c.vlan)) has \(c.servers.count) DHCP servers (\(c.servers.joined(separator: ", "))); one may be rogue")
                }
            }
        }
    }
}

func iso(_ d: Date) -> String {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime]
    return f.string(from: d)
}

/// An ISO 8601 time (`2026-01-31T08:00:00Z`) or day (`2026-01-31`, midnight UTC); `dayOnly`
/// says which, for callers that read a bare day differently.
func parseISO8601(_ text: String) -> (date: Date, dayOnly: Bool)? {
    let f = ISO8601DateFormatter()
    if let d = f.date(from: text) { return (d, false) }
    f.formatOptions = [.withFullDate]
    return f.date(from: text).map { ($0, true) }
}

/// `30m`, `24h`, `7d`, `90s` before now, or an ISO 8601 timestamp.
func parseSince(_ text: String, now: Date? = nil) throws -> Date {
    let now = try now ?? commandClock().now()
    if let unit = text.last, let n = Double(text.dropLast()), n >= 0 {
        let mult: Double? = switch unit { case "s": 1; case "m": 60; case "h": 3600; case "d": 86400; default: nil }
        if let mult { return now.addingTimeInterval(-n * mult) }
    }
    if let (d, _) = parseISO8601(text) { return d }
    throw ValidationError("\"\(text)\" is not a duration (30m, 24h, 7d) or an ISO 8601 time (2026-01-31T08:00:00Z)")
}

/// Prints rows (the first is the header) as aligned columns, never cutting a cell.
func printTable(_ rows: [[String]]) {
    guard let header = rows.first else { return }
    print(InventoryRendering.table(header, Array(rows.dropFirst()), maxCellWidth: nil))
}

import ArgumentParser
import Foundation
import InventoryModel
import InventoryStore
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
            let db = try store.open(.readOnly)
            let hosts = try db.hostSightings(pd: pd, vlan: vlan, since: sinceDate)
            let neighbours = try db.neighbourSightings(pd: pd).filter { n in vlan.map { (n.vlan ?? 0) == $0 } ?? true }
            let servers = try db.dhcpServerSightings(pd: pd).filter { s in vlan.map { (s.vlan ?? 0) == $0 } ?? true }
            if json {
                let doc: [String: Any] = [
                    "hosts": hosts.map { h -> [String: Any] in
                        ["mac": h.mac.description, "vlan": h.vlan as Any, "vendor": h.vendor as Any, "pd": h.pd as Any,
                         "capture_point": h.capturePoint, "first_seen": iso(h.firstSeen), "last_seen": iso(h.lastSeen),
                         "frames_sampled": h.framesSampled,
                         "addresses": h.addresses.map { ["address": $0.address.description, "source": $0.source,
                                                         "first_seen": iso($0.firstSeen), "last_seen": iso($0.lastSeen)] },
                         "names": h.names.map { ["name": $0.name, "source": $0.source] }]
                    },
                    "neighbours": neighbours.map { n -> [String: Any] in
                        ["protocol": n.protocolName, "mac": n.mac.description, "vlan": n.vlan as Any, "chassis_id": n.chassisID as Any,
                         "port_id": n.portID as Any, "system_name": n.systemName as Any, "system_description": n.systemDescription as Any,
                         "platform": n.platform as Any, "capabilities": n.capabilities,
                         "management_addresses": n.managementAddresses.map(\.description), "native_vlan": n.nativeVLAN as Any,
                         "pd": n.pd as Any, "capture_point": n.capturePoint, "first_seen": iso(n.firstSeen), "last_seen": iso(n.lastSeen)]
                    },
                    "dhcp_servers": servers.map { s -> [String: Any] in
                        ["server": s.server.description, "mac": s.mac.description, "vlan": s.vlan as Any, "pd": s.pd as Any,
                         "capture_point": s.capturePoint, "replies": s.replies, "first_seen": iso(s.firstSeen), "last_seen": iso(s.lastSeen)]
                    },
                ]
                let data = try JSONSerialization.data(withJSONObject: doc, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
                print(String(decoding: data, as: UTF8.self))
                return
            }
            if hosts.isEmpty && neighbours.isEmpty && servers.isEmpty {
                print("No hosts recorded\(pd.map { " for PD \($0)" } ?? "")\(vlan.map { " in VLAN \($0)" } ?? ""). Run `pantau sample` first.")
                return
            }
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
                let perVLAN = Dictionary(grouping: servers, by: { $0.vlan ?? 0 }).filter { Set($0.value.map(\.server)).count > 1 }
                for (v, list) in perVLAN.sorted(by: { $0.key < $1.key }) {
                    print("warning: VLAN \(v == 0 ? "untagged" : String(v)) has \(Set(list.map(\.server)).count) DHCP servers (\(Set(list.map(\.server.description)).sorted().joined(separator: ", "))); one may be rogue")
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
func parseSince(_ text: String, now: Date = Date()) throws -> Date {
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

import ArgumentParser
import Foundation
import InventoryModel
import InventoryStore
import Operations
import Storage

extension Pantau {
    struct Talkers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "talkers",
            abstract: "Top talkers from packet sampling: traffic per host, subnet or PD.",
            discussion: """
                Bytes and packets are estimates: sampled counts multiplied by the sampling \
                rate (the RATE column shows it). OUT is what a host/subnet/PD sent, IN what \
                it received.

                Examples:
                  pantau talkers
                  pantau talkers --by pd --period 24h
                  pantau talkers --pd DISKOMINFO --by subnet --json
                """
        )

        @Option(help: ArgumentHelp("Only traffic attributed to this PD.", valueName: "code"))
        var pd: String?

        @Option(help: ArgumentHelp("Look back this far: 30m, 24h, 7d (default: everything).", valueName: "duration"))
        var period: String?

        @Option(help: ArgumentHelp("Group by host, subnet or pd.", valueName: "scope"))
        var by: String = "host"

        @Option(help: ArgumentHelp("How many rows.", valueName: "N"))
        var top: Int = 20

        @Flag(help: "Print JSON instead of a table.")
        var json = false

        @OptionGroup var store: StoreOptions

        func validate() throws {
            guard ["host", "subnet", "pd"].contains(by) else { throw ValidationError("--by must be host, subnet or pd") }
            guard top >= 1 else { throw ValidationError("--top must be at least 1") }
        }

        func run() async throws {
            let from = try period.map { try parseSince($0) }
            let scope = TrafficScope(rawValue: by) ?? .host
            let talkers = try SightingReports.talkers(.init(scope: scope, pd: pd, from: from, limit: top), store: store.open(.readOnly))
            if json {
                print(try PantauJSON.text(talkers))
                return
            }
            let rows = talkers.map(\.total)
            if rows.isEmpty {
                print("No traffic recorded\(pd.map { " for PD \($0)" } ?? "")\(period.map { " in the last \($0)" } ?? ""). Run `pantau sample` first.")
                return
            }
            // Grouped by PD, the key already is the PD: no second PD column.
            let pdColumn = by != "pd"
            var table = [[by.uppercased()] + (pdColumn ? ["PD"] : []) + ["OUT BYTES", "IN BYTES", "OUT PKTS", "IN PKTS", "SAMPLES", "RATE"]]
            for r in rows {
                table.append([r.key] + (pdColumn ? [r.pd ?? "-"] : [])
                             + [String(r.outBytes), String(r.inBytes), String(r.outPackets), String(r.inPackets),
                                String(r.samples), r.minRate == r.maxRate ? "1:\(r.minRate)" : "1:\(r.minRate)-\(r.maxRate)"])
            }
            printTable(table)
        }
    }
}

import ArgumentParser
import Foundation
import InventoryModel
import Operations
import Storage

extension Pantau {
    /// `pantau collectors [list|forget]`: the fleet of collectors writing to a central store.
    struct Collectors: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "collectors",
            abstract: "The fleet of collectors replaying into a central PostgreSQL store: last contact, backlog, clock offset.",
            discussion: """
                A collector with a collector: section in its configuration spools its polls locally and
                replays them into the central store; this shows what the central store knows of each.

                  pantau collectors --store postgres://pantau@db:5432/pantau
                  pantau collectors forget puskesmas-ruteng --store postgres://pantau@db:5432/pantau
                """,
            subcommands: [List.self, Forget.self],
            defaultSubcommand: List.self
        )

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Each collector: state, last contact, backlog, clock offset, devices.")
            @OptionGroup var store: StoreOptions
            @Flag(help: "Print JSON instead of a table.") var json = false
            func run() throws {
                let s = try store.open(.readOnly)
                let list = try FleetQueries.collectors(s)
                if json { print(try PantauJSON.text(list)); return }
                guard FleetQueries.keepsFleet(s) else {
                    print("\(s.location): a SQLite store keeps no collector fleet (collectors replay into a PostgreSQL store)".terminalSafe)
                    return
                }
                guard !list.isEmpty else { print("\(s.location): no collector has reported yet".terminalSafe); return }
                print(InventoryRendering.table(["COLLECTOR", "STATE", "HOST", "LAST CONTACT", "BACKLOG", "OLDEST", "CLOCK OFFSET", "DEVICES", "REPLAYED", "REFUSED"],
                                               list.map(Self.row)))
                for c in list { if let r = c.lastRefusal { print("\(c.id): last refusal: \(r)".terminalSafe) } }
            }

            static func seconds(_ s: Double) -> String {
                s < 120 ? "\(Int(s.rounded())) s" : s < 7200 ? "\(Int((s / 60).rounded())) min" : "\(Int((s / 3600).rounded())) h"
            }

            static func row(_ c: CollectorStatus) -> [String] {
                var oldest: String?
                if let o = c.oldestBacklog, let l = c.lastContact { oldest = seconds(l.timeIntervalSince(o)) }
                return [c.id, c.running ? "running" : "stopped", c.host ?? "-",
                        c.secondsSinceContact.map { seconds($0) + " ago" } ?? "-", String(c.backlog),
                        c.backlog > 0 ? (oldest ?? "-") : "-",
                        c.clockOffset.map { String(format: "%+.1f s", $0) } ?? "-", String(c.devices), String(c.applied), String(c.refused)]
            }
        }

        struct Forget: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Forget a stopped collector and its claim on its devices, so another collector may write them.")
            @OptionGroup var store: StoreOptions
            @Argument(help: "The collector's id.") var id: String
            func run() throws {
                let n = try FleetQueries.forget(id, in: try store.open(.readWrite))
                print("forgot collector \(id); \(n) device\(n == 1 ? "" : "s") may now be written by another collector".terminalSafe)
            }
        }
    }
}

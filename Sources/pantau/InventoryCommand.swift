import ArgumentParser
import Foundation
import InventoryModel
import InventoryStore
import Operations
import Storage

extension Pantau {
    /// `pantau inventory list|show`.
    struct Inventory: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read the device inventory from the store.",
            subcommands: [List.self, Show.self]
        )
    }
}

extension Pantau.Inventory {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One line per device: identity, model, serial, counts, last poll.")

        @OptionGroup var store: StoreOptions

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let devices = try InventoryQueries(store: store.open(.readOnly)).devices()
            if json {
                print(try InventoryRendering.json(devices))
                return
            }
            if devices.isEmpty {
                print("no devices in \(store.storePath) yet; run `pantau collect --once --config FILE`")
                return
            }
            print(InventoryRendering.table(
                ["device", "pd", "agent", "vendor", "model", "serial", "version", "if", "nbr", "fdb", "arp", "last poll"],
                devices.map { d in
                    [d.name, d.pd ?? "", d.agent, d.vendor ?? d.family ?? "", d.model ?? "", d.serial ?? "", d.version ?? "",
                     String(d.interfaces), String(d.neighbors), String(d.forwardingEntries), String(d.arpEntries),
                     d.lastPollOK ? "ok " + Self.time(d.lastPollAt) : "FAILED " + Self.time(d.lastPollAt)]
                }))
            let failing = devices.filter { !$0.lastPollOK }
            for d in failing { print("\(d.name): \(d.lastError ?? "last poll failed")".terminalSafe) }
        }

        static func time(_ d: Date) -> String {
            let f = DateFormatter()
            f.dateFormat = "yyyy-MM-dd HH:mm"
            f.timeZone = TimeZone(identifier: "UTC")
            return f.string(from: d) + "Z"
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Everything known about one device.",
            discussion: "DEVICE is the target's name, its agent address, its sysName or its serial number."
        )

        @Argument(help: ArgumentHelp("Device name, agent, sysName or serial.", valueName: "device"))
        var device: String

        @OptionGroup var store: StoreOptions

        @Flag(help: "Print the latest inventory as JSON.")
        var json = false

        @Flag(help: "Also list what changed between polls.")
        var history = false

        func run() async throws {
            let found = try InventoryQueries(store: store.open(.readOnly)).device(device, withHistory: history)
            let (summary, inventory) = (found.summary, found.inventory)
            if json {
                guard let inventory else { throw CleanExit.message("\(summary.name) has never answered a poll") }
                print(try InventoryRendering.json(inventory))
                return
            }
            print("device        \(summary.name)\(summary.pd.map { " (PD \($0))" } ?? "")")
            print("first seen    \(summary.firstSeen.map(List.time) ?? "never")")
            print("last poll     \(List.time(summary.lastPollAt)) \(summary.lastPollOK ? "ok" : "FAILED: \((summary.lastError ?? "").terminalSafe)")")
            if let inventory { print(InventoryRendering.text(inventory)) }
            if history {
                print("")
                let changes = found.changes
                if changes.isEmpty { print("no changes recorded") }
                for c in changes {
                    var text = "\(List.time(c.at))  \(c.kind) \(c.subject)"
                    if c.oldValue != nil || c.newValue != nil { text += ": \(c.oldValue ?? "∅") → \(c.newValue ?? "∅")" }
                    print(text.terminalSafe)  // subjects and values are the device's own strings
                }
            }
        }
    }
}

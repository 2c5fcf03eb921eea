import ArgumentParser
import Foundation
import InventoryStore
import Storage

/// `pantau`: the root command, and the composition root: the only place that picks
/// concrete adapters (Net-SNMP, libpcap, SQLite) and wires them into the layers below.
@main
struct Pantau: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pantau",
        abstract: "Network and infrastructure inventory monitor for SPBE regencies.",
        discussion: """
            Pantau polls routers, switches, servers, UPSes and printers by SNMP, watches the wire \
            by packet sampling, and keeps what it learns in a SQLite store, next to the LAN \
            diagrams each Perangkat Daerah (PD) submits.

            Start with the lab:  scripts/demo.sh
            Poll one device:     pantau poll udp:192.0.2.10:161 --community-env SNMP_COMMUNITY
            """,
        subcommands: Pantau.subcommandList
    )
}

/// Options shared by commands that read or write the store.
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("store"), help: ArgumentHelp(
        "The store: a SQLite file (PATH or sqlite:PATH) or PostgreSQL (postgres://USER@HOST:PORT/DB; password in PGPASSWORD or ~/.pgpass).",
        valueName: "store"))
    var storePath: String = ProcessInfo.processInfo.environment["PANTAU_STORE"] ?? "var/pantau.sqlite"
}

extension StoreOptions {
    /// Opens the store: the one place a command does. Commands that only read pass
    /// `.readOnly` (a missing store is an error naming it, and nothing is created or
    /// migrated); commands that write pass `.readWrite`. A store from a newer Pantau is refused
    /// either way. The composition root picks the backend in `openStore`.
    func open(_ access: StoreAccess) throws(StoreError) -> any PantauStorage {
        try openStore(storePath, access)
    }

    /// The store if it exists (read-only), for a command that can do without one.
    func openIfExists() throws(StoreError) -> (any PantauStorage)? {
        try StoreLocation(storePath).exists ? try openStore(storePath, .readOnly) : nil
    }
}

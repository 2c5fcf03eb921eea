import ArgumentParser
import Collectors
import Logging
import Settings
import Foundation
import InventoryModel
import Operations
import Storage

extension Pantau {
    /// `pantau store status|migrate|copy|housekeeping`: the store as a whole.
    struct Store: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "store",
            abstract: "The store as a whole: its status, its schema, copying it to another backend.",
            discussion: """
                A store is a SQLite file (PATH or sqlite:PATH) or a PostgreSQL database
                (postgres://USER@HOST:PORT/DB; the password from PGPASSWORD or ~/.pgpass).

                  pantau store status --store postgres://pantau@db:5432/pantau
                  pantau store migrate --store var/pantau.sqlite
                  pantau store copy --from sqlite:var/pantau.sqlite --to postgres://pantau@db:5432/pantau
                  pantau store housekeeping --config /etc/pantau/central.yaml
                """,
            subcommands: [Status.self, Migrate.self, Copy.self, Housekeeping.self]
        )

        struct Status: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Backend, location (never a password), schema version and rows per table.")
            @OptionGroup var store: StoreOptions
            @Flag(help: "Print JSON instead of a table.") var json = false
            func run() throws {
                let status = try StoreAdministration.status(try store.open(.readOnly))
                if json { print(try PantauJSON.text(status)); return }
                print("store    \(status.location)".terminalSafe)
                print("backend  \(status.backend)")
                if let connection = status.connection { print("wire     \(connection)") }
                print("schema   version \(status.schema.version) (this pantau: \(status.schema.current))")
                print(InventoryRendering.table(["AREA", "TABLE", "ROWS"], status.tables.map { [$0.area, $0.table, String($0.rows)] }))
                if let fleet = status.collectors {
                    print("collectors")
                    print(InventoryRendering.table(["COLLECTOR", "STATE", "HOST", "LAST CONTACT", "BACKLOG", "OLDEST", "CLOCK OFFSET", "DEVICES", "REPLAYED", "REFUSED"],
                                                   fleet.map(Pantau.Collectors.List.row)))
                }
            }
        }

        struct Migrate: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Bring a store to this pantau's schema (a SQLite file or a PostgreSQL database's tables are created when missing).")
            @OptionGroup var store: StoreOptions
            func run() throws {
                // The version before, when it can be read without writing.
                let before = (try? store.open(.readOnly)).flatMap { try? $0.schema().version }
                let after = try store.open(.readWrite).schema()
                if before == after.version {
                    print("\(store.storePath): schema version \(after.version), already this pantau's".terminalSafe)
                } else {
                    print("\(store.storePath): schema version \(after.version) (this pantau's); applied: \(after.applied.joined(separator: ", "))".terminalSafe)
                }
            }
        }

        struct Housekeeping: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Run the daemon's chores once: traffic and status poll retention, then reconciliation.",
                discussion: """
                    The collector daemon does these itself every inventory interval (at most hourly).
                    A fleet's collectors only forward to the central store, so run this there instead,
                    from a timer (config/pantau-housekeeping.timer): traffic data past the configuration's
                    traffic: retention_days (on PostgreSQL, whole monthly partitions are dropped), raw status
                    polls past uptime: retention_days (the uptime rollup stays), then, with a PD registry
                    loaded, reconciliation as `pantau reconcile` runs it. The settings come from --config;
                    the store from --store, else the configuration's store:.
                    Exit status: 0 when every chore ran, 1 when one failed (each failure on stderr).
                    """)
            @Option(help: ArgumentHelp("Configuration file (its traffic:, uptime:, reconciliation: and store: sections).", valueName: "file"))
            var config: String
            @Option(help: ArgumentHelp("The store (overrides the configuration's store:).", valueName: "store")) var store: String?
            @Flag(help: "Print JSON instead of lines.") var json = false

            func run() throws {
                let cfg = try PantauConfig.load(path: config)
                let location = store ?? cfg.store ?? "var/pantau.sqlite"
                let opened = try openStore(location, .readWrite)
                let clock = try commandClock()
                var logger = Logger(label: "pantau.housekeeping")
                logger.logLevel = .critical  // the report below says it all, once
                let chores = Pantau.Collect.housekeeping(cfg, store: opened, traffic: TrafficRecorder(store: opened, settings: cfg.traffic, clock: clock),
                                                         clock: clock, logger: logger, every: .seconds(3600))
                let report = chores.turn()
                if json {
                    print(try PantauJSON.text(report))
                } else {
                    print("housekeeping of \(opened.location)".terminalSafe)
                    print("traffic retention      " + (report.trafficRowsDropped.map { "\($0) row\($0 == 1 ? "" : "s") dropped" } ?? "failed"))
                    print("status poll retention  " + (report.statusPollsDropped.map { "\($0) poll\($0 == 1 ? "" : "s") dropped (raw polls kept \(cfg.uptime.rawDays) days)" } ?? "failed"))
                    let reconciled = report.reconciliation.map { "\($0.opened) finding(s) opened, \($0.resolved) resolved, \($0.present) present" }
                    print("reconciliation         " + (reconciled ?? (report.problems.contains { $0.hasPrefix("reconciliation") } ? "failed" : "skipped: no PD registry loaded")))
                }
                for problem in report.problems {
                    FileHandle.standardError.write(Data("pantau: \(problem)\n".terminalSafe.utf8))
                }
                if !report.problems.isEmpty { throw ExitCode(1) }
            }
        }

        struct Copy: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Copy everything from one store into another (e.g. SQLite into PostgreSQL), resumable, verified.",
                discussion: """
                    Every table is copied in key order, in batches (each one transaction), ids kept:
                    inventories and their history, sightings, governance, tokens (hashed, as stored),
                    the audit log, traffic series, intervals and blocks, status polls, findings.
                    The target is created or migrated first. Run it again after an interruption: each
                    table continues after the last row the target has, and no row is written twice.
                    Then every table is verified on both sides by its row count and a SHA-256 of its
                    rows; the command fails unless all match. Stop the collectors writing to the source first.
                    """)
            @Option(help: ArgumentHelp("The store to copy from.", valueName: "store")) var from: String
            @Option(help: ArgumentHelp("The store to copy into (created or migrated).", valueName: "store")) var to: String
            @Option(help: ArgumentHelp("Rows per transaction.", valueName: "n")) var batch: Int = 2_000
            @Option(name: .customLong("max-rows"), help: ArgumentHelp("Stop after about this many rows (copy in slices; run again to continue).",
                                                                     valueName: "n"))
            var maxRows: Int?
            @Flag(help: "Print JSON instead of a table.") var json = false

            func validate() throws {
                if batch < 1 || batch > 100_000 { throw ValidationError("--batch must be between 1 and 100000") }
                if let maxRows, maxRows < 1 { throw ValidationError("--max-rows must be at least 1") }
            }

            func run() throws {
                let source = try openStore(from, .readOnly)
                let target = try openStore(to, .readWrite)
                let tty = isatty(STDERR_FILENO) == 1
                let report = try StoreAdministration.copy(from: source, to: target, batch: batch, maxRows: maxRows) { table, n in
                    if tty { FileHandle.standardError.write(Data("\r\(table): \(n) rows\u{1B}[K".utf8)) }
                }
                if tty { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
                if json {
                    print(try PantauJSON.text(report))
                } else {
                    print("from  \(report.from)\nto    \(report.to)".terminalSafe)
                    print(InventoryRendering.table(["TABLE", "COPIED", "SOURCE", "TARGET", "SHA-256 (SOURCE)", "CHECK"], report.tables.map {
                        [$0.table, String($0.copied), String($0.sourceRows), String($0.targetRows), String($0.sourceChecksum.prefix(16)),
                         $0.matches ? "ok" : "DIFFERS (target \($0.targetChecksum.prefix(16)))"]
                    }, maxCellWidth: nil))
                }
                if report.stoppedEarly {
                    if !json { print("stopped after --max-rows \(maxRows ?? 0); run the same command again to continue") }
                } else if !report.verified {
                    throw CLIError("the copy does not match the source in \(report.tables.filter { !$0.matches }.map(\.table).joined(separator: ", "))")
                } else if !json {
                    print("verified: every table has the same rows and checksum in both stores")
                }
            }
        }
    }
}

import ArgumentParser
import Foundation
import Governance
import InventoryModel
import Operations
import Reconciliation
import Storage
import YAMLSupport

extension Pantau {
    struct Findings: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "findings",
            abstract: "Findings of reconciliation: list, show, acknowledge, suppress, explain.",
            discussion: """
                  pantau findings list --pd BAPPEDA
                  pantau findings show 12
                  pantau findings ack 12 --reason "switch ordered, diagram follows" --by noc-ani
                  pantau findings suppress 14 --days 30 --reason "vendor laptop, contract until June"
                  pantau findings suppress --match 00:11:22:33:44:55 --code unknown-endpoint --reason "printer lab" --until 2027-01-01
                  pantau findings explain rogue-dhcp
                """,
            subcommands: [List.self, Show.self, Ack.self, Suppress.self, Explain.self])

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Present findings (with --all, resolved ones too).")
            @Option(help: "Only this PD's findings.") var pd: String?
            @Option(help: ArgumentHelp("Only this code (repeatable).", valueName: "code")) var code: [String] = []
            @Flag(help: "Include resolved findings.") var all = false
            @Flag(help: "JSON output.") var json = false
            @OptionGroup var store: StoreOptions
            func run() throws {
                let ops = FindingOperations(store: try store.open(.readOnly), clock: try commandClock())
                let list = try ops.list(pd: pd, includeResolved: all, codes: Set(code.map(FindingCode.init(rawValue:))))
                if json { print(try PantauJSON.text(list)); return }
                if list.isEmpty { print("no findings\(pd.map { " for \($0)" } ?? "")"); return }
                for f in list { printFinding(f) }
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "One finding: subject, evidence, basis, status and its log (who did what, when).")
            @Argument(help: "Finding number.") var id: Int64
            @Flag(help: "JSON output.") var json = false
            @OptionGroup var store: StoreOptions
            func run() throws {
                let shown = try FindingOperations(store: try store.open(.readOnly), clock: try commandClock()).show(id: id)
                if json { print(try PantauJSON.text(shown)); return }
                printFinding(shown.finding, verbose: true)
                print("      log:")
                for a in shown.log {
                    print("        \(PreciseTime.format(a.at)) \(a.actor.terminalSafe) \(a.action)\(a.reason.map { ": \($0.terminalSafe)" } ?? "")")
                }
            }
        }

        struct Ack: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Acknowledge a present finding with a reason (recorded with who and when).")
            @Argument(help: "Finding number.") var id: Int64
            @Option(help: "Why (required).") var reason: String
            @Option(help: "Who acknowledges.") var by: String = ProcessInfo.processInfo.environment["USER"] ?? "cli"
            @OptionGroup var store: StoreOptions
            @Option(name: .customLong("now"), help: .hidden) var now: String?
            func run() throws {
                let f = try FindingOperations(store: try store.open(.readWrite), clock: try commandClock(now)).acknowledge(id: id, by: by, reason: reason)
                print("acknowledged #\(id) \(f.code.rawValue) (\(f.pd ?? "-")) by \(by.terminalSafe)")
            }
        }

        struct Suppress: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Suppress a finding, or allow-list a MAC, address or device, until an expiry, with a reason.",
                discussion: "Either a finding number, or --match VALUE (a MAC, an address, a device name or a finding key) with optional --code and --pd. Give --until DATE or --days N; without either the suppression lasts until lifted.")
            @Argument(help: "Finding number.") var id: Int64?
            @Option(help: "Allow-list value: a MAC, an address, a device name or a finding key.") var match: String?
            @Option(help: "With --match: only this code.") var code: String?
            @Option(help: "With --match: only this PD.") var pd: String?
            @Option(help: "Why (required).") var reason: String
            @Option(help: ArgumentHelp("Until this date or time (2027-01-01, 2027-01-01T08:00:00Z).", valueName: "date")) var until: String?
            @Option(help: ArgumentHelp("For this many days.", valueName: "n")) var days: Int?
            @Option(help: "Who suppresses.") var by: String = ProcessInfo.processInfo.environment["USER"] ?? "cli"
            @OptionGroup var store: StoreOptions
            @Option(name: .customLong("now"), help: .hidden) var now: String?

            func validate() throws {
                if (id == nil) == (match == nil) { throw ValidationError("give a finding number or --match VALUE (one of them)") }
                if id != nil && (code != nil || pd != nil) { throw ValidationError("--code and --pd go with --match") }
                if until != nil && days != nil { throw ValidationError("give --until or --days, not both") }
                if let days, days < 1 { throw ValidationError("--days must be at least 1") }
                if let until, parseISO8601(until) == nil { throw ValidationError("--until \(until): not a date (2027-01-01) or time (2027-01-01T08:00:00Z)") }
            }

            func run() throws {
                let clock = try commandClock(now)
                let expiry: Date? = try days.map { clock.now().addingTimeInterval(Double($0) * 86400) }
                    ?? until.map { text throws -> Date in
                        guard let (d, _) = parseISO8601(text) else { throw ValidationError("--until \(text): not a date") }
                        return d
                    }
                let ops = FindingOperations(store: try store.open(.readWrite), clock: clock)
                let untilText = expiry.map { " until \(PreciseTime.format($0))" } ?? " until lifted"
                if let id {
                    let f = try ops.suppress(id: id, by: by, reason: reason, until: expiry)
                    print("suppressed #\(id) \(f.code.rawValue) (\(f.pd ?? "-"))\(untilText)")
                } else if let match {
                    let s = try ops.allow(match: match, code: code.map(FindingCode.init(rawValue:)), pd: pd, by: by, reason: reason, until: expiry)
                    print("allow-list entry #\(s.id ?? 0): \(s.match.terminalSafe)\(s.code.map { " (\($0))" } ?? "")\(s.pd.map { " in \($0)" } ?? "")\(untilText); applies at the next reconcile")
                }
            }
        }

        struct Explain: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "What a finding code means, its evidence, how to resolve it, and its article under each profile.",
                discussion: "Without a code: every code. --markdown writes the findings reference (docs/findings.md).")
            @Argument(help: "Finding code, e.g. rogue-dhcp.") var code: String?
            @Flag(help: "Markdown (the findings reference).") var markdown = false
            @OptionGroup var profiles: ProfilesOptions
            func run() throws {
                let docs = try code.map { [try FindingOperations.explain($0)] } ?? FindingCatalog.all
                let loaded: [RegionalProfile]
                do { loaded = Array(try RegionalProfile.loadAll(directory: profiles.directory).values) } catch {
                    throw CLIError(error.description)
                }
                if markdown {
                    print(FindingCatalog.markdown(docs, profiles: loaded), terminator: "")
                    return
                }
                print(docs.map { FindingCatalog.explain($0, profiles: loaded) }.joined(separator: "\n"), terminator: "")
            }
        }
    }
}

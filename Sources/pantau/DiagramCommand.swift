import ArgumentParser
import Foundation
import Governance
import InventoryModel
import InventoryStore
import Operations
import Storage

extension Pantau {
    struct DiagramCmd: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "diagram",
            abstract: "PD LAN diagrams: draft, validate, submit, history, show, diff, status.",
            discussion: """
                A PD's yearly LAN diagram, as YAML (config/examples/bappeda-lan.yaml) or as a \
                diagrams.net file (config/examples/starter.drawio). Format and drawing \
                conventions: config/diagrams/README.md.

                  pantau diagram draft --pd BAPPEDA --from-json observed.json -o bappeda.drawio
                  pantau diagram validate bappeda.drawio --pd BAPPEDA
                  pantau diagram submit --pd BAPPEDA bappeda.drawio --by "Maria N."
                  pantau diagram history --pd BAPPEDA
                  pantau diagram diff --pd BAPPEDA 1 2
                  pantau diagram status
                """,
            subcommands: [Draft.self, Validate.self, Submit.self, History.self, Show.self, Diff.self, Status.self]
        )

        struct Validate: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Check a diagram file and list every problem (nothing is stored).",
                discussion: "Uses the registry in the store when there is one, or --registry FILE. Exit status 1 when invalid.")
            @Argument(help: "Diagram file (.yaml or .drawio).") var file: String
            @Option(help: "The PD the diagram must be for.") var pd: String?
            @Option(help: ArgumentHelp("Registry YAML file to check against instead of the stored one.", valueName: "file")) var registry: String?
            @OptionGroup var store: StoreOptions
            func run() throws {
                let bytes = try readFile(file)
                let reg = try registry.map { try PDRegistry.load(path: $0) }
                let checked: DiagramOperations.Checked
                if let s = try store.openIfExists() {
                    checked = try DiagramOperations(store: s, clock: commandClock()).validate(bytes, fileName: file, pd: pd, registry: reg)
                } else {
                    let (format, d, issues) = DiagramFile.check(bytes, fileName: file, registry: reg, expectedPD: pd)
                    checked = DiagramOperations.Checked(format: format, diagram: d, issues: issues, checkedSubnets: reg != nil)
                }
                let (format, issues) = (checked.format, checked.issues)
                if let d = checked.diagram {
                    let warned = checked.warnings.isEmpty ? "" : " with \(checked.warnings.count) warning(s)"
                    print("\(file): valid \(format.rawValue) diagram of \(d.pd)\(warned): \(d.devices.count) devices, \(d.links.count) links, \(d.vlans.count) VLANs, \(d.segments.count) segments\(checked.checkedSubnets ? "" : " (no registry: subnets not checked)")")
                    for w in checked.warnings { print(w.description) }
                    return
                }
                for i in issues { print(i.description) }
                throw CLIError("\(file): \(issues.filter { !$0.isWarning }.count) problem(s); not valid")
            }
        }

        struct Submit: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Validate and store a new immutable version of a PD's diagram.",
                discussion: "Refuses invalid files and files for another PD; nothing is stored then. Needs the registry in the store.")
            @Option(help: "PD code.") var pd: String
            @Argument(help: "Diagram file (.yaml or .drawio).") var file: String
            @Option(help: "Who submits (name); the Dinas may submit on a PD's behalf.") var by: String = ProcessInfo.processInfo.environment["USER"] ?? "cli"
            @OptionGroup var store: StoreOptions
            @Option(name: .customLong("now"), help: .hidden) var now: String?
            func run() throws {
                let opened = try store.open(.readWrite)
                let ops = DiagramOperations(store: opened, clock: try commandClock(now))
                let submitted: DiagramOperations.Submitted
                do {
                    submitted = try ops.submit(pd: pd, try readFile(file), fileName: file, submitter: by, channel: "cli", actor: "cli:\(by)")
                } catch let e as OperationError where !e.issues.isEmpty {
                    for i in e.issues { print(i) }
                    throw CLIError(e.message)
                }
                let (stored, report) = (submitted.submission, submitted.report)
                print("stored \(pd) version \(stored.version) (sha256 \(stored.sha256)) by \(by.terminalSafe)")
                for w in submitted.warnings { print(w.description) }
                if let report {
                    print("change report (v\(report.fromVersion) -> v\(report.toVersion)):")
                    print(report.diff.text, terminator: "")
                } else if stored.version > 1 {
                    print("no changes since version \(stored.version - 1)")
                }
                // The new diagram is held against the network at once (pantau findings list --pd PD).
                let reconciled = try FindingOperations(store: opened, clock: ops.clock).reconcile(pd: pd)
                print("reconciled \(pd): \(reconciled.findings.count) finding(s) present (pantau findings list --pd \(pd))")
            }
        }

        struct History: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the stored versions of a PD's diagram.")
            @Option(help: "PD code.") var pd: String
            @OptionGroup var store: StoreOptions
            func run() throws {
                let s = try store.open(.readOnly)
                let profile = try s.activeProfile()
                let all = try DiagramOperations(store: s, clock: commandClock()).history(pd: pd)
                if all.isEmpty { print("\(pd): no diagrams submitted"); return }
                for v in all {
                    // The submitter's name came over HTTP or a command line: shown safe.
                    print("v\(v.version)  \(localTime(v.submittedAt, profile: profile))  \(v.format.rawValue)  \(v.diagram.devices.count) devices  \(v.diagram.links.count) links  by \(v.submitter.terminalSafe) via \(v.channel.terminalSafe)  sha256 \(v.sha256)")
                }
            }
        }

        enum ShowFormat: String, ExpressibleByArgument, CaseIterable { case yaml, drawio, dot, original }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Print one version (the latest by default).")
            @Option(help: "PD code.") var pd: String
            @Argument(help: "Version number (default: latest).") var version: Int?
            @Option(help: "yaml, drawio, dot, or original (the file as submitted).") var format: ShowFormat = .yaml
            @OptionGroup var store: StoreOptions
            func run() throws {
                let (sub, content) = try DiagramOperations(store: try store.open(.readOnly), clock: commandClock())
                    .show(pd: pd, version: version, original: format == .original)
                switch format {
                case .yaml: print(sub.diagram.yamlText(), terminator: "")
                case .drawio: print(DrawIO.export(sub.diagram), terminator: "")
                case .dot: print(DOTExport.render(sub.diagram), terminator: "")
                case .original:
                    FileHandle.standardOutput.write(Data(content ?? []))
                }
            }
        }

        struct Diff: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Devices, links, VLANs and segments added, removed or changed between two versions.",
                                                            discussion: "Without versions: the latest against the one before.")
            @Option(help: "PD code.") var pd: String
            @Argument(help: "Older version.") var from: Int?
            @Argument(help: "Newer version.") var to: Int?
            @OptionGroup var store: StoreOptions
            func run() throws {
                let c = try DiagramOperations(store: try store.open(.readOnly), clock: commandClock()).diff(pd: pd, from: from, to: to)
                print("\(pd) v\(c.from) -> v\(c.to)")
                print(c.diff.text, terminator: "")
            }
        }

        struct Status: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Per PD: latest version, age, due date, overdue, under the active profile.")
            @OptionGroup var store: StoreOptions
            @Flag(help: "JSON output.") var json = false
            @Option(name: .customLong("now"), help: .hidden) var now: String?
            func run() throws {
                let report = try DiagramOperations(store: try store.open(.readOnly), clock: commandClock(now)).status()
                let (profile, rows) = (report.profile, report.pds)
                if json {
                    let enc = JSONEncoder()
                    enc.outputFormatting = [.prettyPrinted, .sortedKeys]
                    print(String(decoding: try enc.encode(rows), as: UTF8.self))
                    return
                }
                let f = profile.diagramFreshness
                print("profile \(profile.id) (\(profile.perbupShortName)): " + (f.enabled
                    ? "LAN diagram due every \(f.mode == .rolling ? "\(f.maxAgeMonths) months" : "calendar year") [\(f.basis)]"
                    : "no LAN diagram duty"))
                for r in rows {
                    let latest = r.latestVersion.map { "v\($0) \(r.duty.latest?.description ?? "") (\(r.duty.ageDays ?? 0) days)" } ?? "none"
                    let due = r.duty.dueDate.map { "due \($0)" } ?? ""
                    let state = r.duty.state == .overdue ? "OVERDUE" : r.duty.state == .neverSubmitted ? "NEVER SUBMITTED" : r.duty.state.rawValue
                    var line = "\(r.pd.padding(toLength: 12, withPad: " ", startingAt: 0)) \(state.padding(toLength: 15, withPad: " ", startingAt: 0)) latest \(latest) \(due)"
                    if r.openChangeDuties > 0 { line += "; \(r.openChangeDuties) change report(s) owed\(r.changeDutyOverdue ? " OVERDUE" : "")" }
                    print(line.trimmingCharacters(in: .whitespaces))
                }
            }
        }

        struct Draft: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Write a draft diagram of what Pantau observed for a PD, to start the yearly submission from.",
                discussion: """
                    Writes a diagrams.net file (and optionally Graphviz DOT and YAML). Observations \
                    come from the store, or from --from-json FILE holding an ObservedLAN \
                    (format in config/diagrams/README.md).
                    """)
            @Option(help: "PD code.") var pd: String
            @Option(name: .customLong("from-json"), help: ArgumentHelp("ObservedLAN JSON file instead of the store.", valueName: "file")) var fromJSON: String?
            @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("draw.io file to write.", valueName: "file")) var output: String?
            @Option(help: ArgumentHelp("Graphviz DOT file to write.", valueName: "file")) var dot: String?
            @Option(help: ArgumentHelp("YAML diagram file to write.", valueName: "file")) var yaml: String?
            @Flag(help: "Compress the draw.io page as diagrams.net does.") var compressed = false
            @OptionGroup var store: StoreOptions
            @Option(name: .customLong("now"), help: .hidden) var now: String?
            func run() throws {
                let s = try store.open(.readOnly)
                let ops = DiagramOperations(store: s, clock: try commandClock(now))
                let reg = try RegistryOperations(store: s, clock: ops.clock).registry()
                var observed: ObservedLAN?
                if let fromJSON {
                    do { observed = try ObservedLAN.fromJSON(Data(readFile(fromJSON, limit: 64 * 1024 * 1024))) } catch let e as CLIError { throw e } catch {
                        throw CLIError("\(fromJSON): not an ObservedLAN JSON file: \(error)")
                    }
                }
                let d = try ops.draft(pd: pd, observed: observed)
                let out = output ?? "\(pd.lowercased())-draft.drawio"
                try writeFile(out, DrawIO.export(d, compressed: compressed))
                if let dot { try writeFile(dot, DOTExport.render(d)) }
                if let yaml { try writeFile(yaml, d.yamlText()) }
                print("wrote \(out): \(d.devices.count) devices, \(d.links.count) links, \(d.vlans.count) VLANs, \(d.segments.count) segments")
                let issues = d.validate(file: out, registry: reg, expectedPD: pd)
                if !issues.isEmpty {
                    print("to fix before submitting:")
                    for i in issues { print("  \(i)") }
                }
            }
        }
    }
}

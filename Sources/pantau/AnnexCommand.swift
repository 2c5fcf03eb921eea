import ArgumentParser
import Foundation
import Governance
import InventoryModel
import Operations
import Reconciliation
import Settings
import SNMPCore
import Storage

extension Pantau {
    struct Annex: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "annex",
            abstract: "The hardware-specification annex: check an annex file, hold the devices against it.",
            discussion: """
                Pantau ships no annex: none of the regulations reproduces its annex, so with none \
                loaded every device is "cannot be assessed", never a pass. Format: \
                config/examples/annex.example.yaml (invented figures); the model catalogue \
                (what devices do not report): config/examples/catalogue.example.yaml.

                  pantau annex validate my-annex.yaml --catalogue my-catalogue.yaml
                  pantau annex assess --annex my-annex.yaml --catalogue my-catalogue.yaml [--pd BAPPEDA] [--json]
                """,
            subcommands: [Validate.self, Assess.self]
        )

        struct Validate: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Check an annex file (and a model catalogue); every problem with its line.")
            @Argument(help: "Annex file (pantau-annex/1).") var file: String
            @Option(help: ArgumentHelp("Model catalogue file (pantau-catalogue/1) to check too.", valueName: "file")) var catalogue: String?
            func run() throws {
                let annex = try SpecAnnex.load(path: file)
                let minimums = annex.classes.values.map(\.count).reduce(0, +)
                print("\(file): annex \(annex.version) from \(annex.source), effective \(annex.effective): \(annex.classes.count) classes, \(minimums) minimums".terminalSafe)
                for (cls, row) in annex.classes.sorted(by: { $0.key < $1.key }) {
                    print("  \(cls.rawValue): " + row.map { "\($0.requirement.rawValue) \($0.requirement == .snmpv3 ? "" : "≥ ")\($0.written)" }.joined(separator: ", ").terminalSafe)
                }
                if let catalogue {
                    let c = try ModelCatalogue.load(path: catalogue)
                    print("\(catalogue): \(c.entries.count) models")
                }
            }
        }

        struct Assess: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Hold every polled and declared device against the annex: meets, below spec, or cannot be assessed.",
                discussion: "Devices acquired before the annex took effect are counted apart. Exit status 0 either way.")
            @Option(help: ArgumentHelp("Annex file; without one nothing can be assessed.", valueName: "file")) var annex: String?
            @Option(help: ArgumentHelp("Model catalogue file.", valueName: "file")) var catalogue: String?
            @Option(help: "Only this PD's devices.") var pd: String?
            @Option(name: .customLong("config"), help: ArgumentHelp("Collector configuration: a device polled with SNMPv3 meets an snmpv3 minimum.", valueName: "file")) var config: String?
            @Flag(help: "JSON output.") var json = false
            @Flag(help: "Record the result as findings (below-spec, spec-unknown), which open, update and resolve like reconciliation's.")
            var record = false
            @OptionGroup var store: StoreOptions
            func run() throws {
                let a = try annex.map { try SpecAnnex.load(path: $0) }
                let c = try catalogue.map { try ModelCatalogue.load(path: $0) }
                var versions: [String: Int] = [:]
                for t in try config.map({ try PantauConfig.load(path: $0).targets }) ?? [] {
                    versions[t.name] = t.credentials.version == .v3 ? 3 : t.credentials.version == .v2c ? 2 : 1
                }
                let opened = try store.open(record ? .readWrite : .readOnly)
                let report = try SpecOperations(store: opened).assess(annex: a, catalogue: c, pd: pd, snmpVersions: versions)
                if record {
                    let open = try FindingOperations(store: opened, clock: try commandClock())
                        .record(SpecOperations.detections(report), codes: SpecOperations.specCodes, pd: pd)
                    if !json { print("findings: \(open.filter { $0.code == .belowSpec }.count) below-spec, \(open.filter { $0.code == .specUnknown }.count) spec-unknown open") }
                }
                if json {
                    print(try PantauJSON.text(report))
                    return
                }
                if let info = report.annex {
                    print("annex \(info.version) from \(info.source), effective \(info.effective) (\(info.file))".terminalSafe)
                } else {
                    print("no annex loaded: no device can be assessed (give --annex FILE)")
                }
                for x in report.assessments {
                    let s = x.assessment
                    var head = "\(x.pd ?? "-") \(s.device)"
                    var facts: [String] = [s.deviceClass?.rawValue ?? "class unknown"]
                    if let d = x.declared, d != s.device { facts.append("declared \(d)") }
                    if x.from == "diagram" { facts.append("declared, not polled") }
                    if let acq = s.acquired {
                        facts.append("acquired \(acq)\(s.period == .beforeEffective ? ", before the annex" : "")")
                    }
                    head += " (\(facts.joined(separator: "; "))): " + (s.overall == .below ? "BELOW SPEC" : s.overall == .meets ? "meets" : "cannot be assessed")
                    print(head.terminalSafe)
                    for r in s.results { print("    \(r)".terminalSafe) }
                }
                for line in report.contradictions { print("catalogue: \(line)".terminalSafe) }
                for (period, label) in [(SpecAssessment.Period.beforeEffective, "acquired before the annex"),
                                        (.onOrAfterEffective, "acquired on or after it"), (.unknown, "acquisition date unknown")] {
                    guard let counts = report.summary.counts[period] else { continue }
                    let parts = [(SpecAssessment.Verdict.below, "below spec"), (.cannotAssess, "cannot be assessed"), (.meets, "meet it")]
                        .compactMap { v, word in counts[v].map { "\($0) \(word)" } }
                    print("\(label): \(parts.joined(separator: ", "))")
                }
            }
        }
    }
}

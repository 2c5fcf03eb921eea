import ArgumentParser
import Foundation
import Governance
import InventoryModel
import Operations
import Reconciliation
import Settings
import Storage

extension Pantau {
    struct Reconcile: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reconcile",
            abstract: "Hold each PD's latest diagram against what the network shows, and record the findings.",
            discussion: """
                Matches polled devices, LLDP/CDP/STP neighbours, forwarding and ARP tables and sampled \
                hosts to the devices each PD declared (by serial, then MAC, then management address, \
                then name), and records findings with their evidence and the active profile's \
                legal basis. Findings open, update and resolve by themselves; running it again \
                changes nothing. Codes: pantau findings explain.

                  pantau reconcile
                  pantau reconcile --pd BAPPEDA --json
                  pantau reconcile --fail-on rogue-dhcp --fail-on unregistered-device   # exit 4 when any is present

                Exit status: 0, or 4 when a finding of a --fail-on code is open or acknowledged.
                """)
        @Option(help: "Reconcile only this PD (other PDs' findings are left as they are).") var pd: String?
        @Flag(help: "JSON output (the report: matches, findings, issues).") var json = false
        @Option(name: .customLong("fail-on"), help: ArgumentHelp("Exit 4 when a finding with this code is present (repeatable).", valueName: "code"))
        var failOn: [String] = []
        @Option(name: .customLong("missing-after"), help: ArgumentHelp("Days a declared device may go unseen before it is missing (default 7).", valueName: "days"))
        var missingAfter: Int?
        @Option(name: .customLong("unmanaged-macs"), help: ArgumentHelp("MACs behind one access port that suggest an unmanaged switch (default 4).", valueName: "n"))
        var unmanagedMACs: Int?
        @Option(name: .customLong("sightings-days"), help: ArgumentHelp("Only packet sightings of the last N days count (default: all).", valueName: "days"))
        var sightingsDays: Int?
        @Option(name: .customLong("config"), help: ArgumentHelp("Configuration file whose reconciliation: section sets the defaults of the three options above.", valueName: "file"))
        var config: String?
        @OptionGroup var store: StoreOptions
        @Option(name: .customLong("now"), help: .hidden) var now: String?

        func validate() throws {
            for code in failOn where FindingCatalog.doc(FindingCode(rawValue: code)) == nil {
                throw ValidationError("--fail-on \(code): unknown finding code (\(FindingCatalog.all.map(\.code.rawValue).joined(separator: ", ")))")
            }
            if let missingAfter, missingAfter < 0 { throw ValidationError("--missing-after must be 0 or more days") }
            if let unmanagedMACs, unmanagedMACs < 2 { throw ValidationError("--unmanaged-macs must be at least 2") }
            if let sightingsDays, sightingsDays < 1 { throw ValidationError("--sightings-days must be at least 1") }
        }

        func run() throws {
            let file = try config.map { try PantauConfig.load(path: $0).reconciliation } ?? ReconciliationSettings()
            let ops = FindingOperations(store: try store.open(.readWrite), clock: try commandClock(now),
                                        settings: ReconcileSettings(missingAfterDays: missingAfter ?? file.missingAfterDays,
                                                                    unmanagedSwitchMACs: unmanagedMACs ?? file.unmanagedSwitchMACs),
                                        sightingWindowDays: sightingsDays ?? file.sightingsDays)
            let report = try ops.reconcile(pd: pd)
            if json {
                print(try PantauJSON.text(report))
            } else {
                renderReconcile(report)
            }
            let failing = Set(failOn.map(FindingCode.init(rawValue:)))
            let hits = report.findings.filter { failing.contains($0.code) && $0.status != .suppressed }
            if !hits.isEmpty {
                if !json { FileHandle.standardError.write(Data("\(hits.count) finding(s) of \(failOn.sorted().joined(separator: ", ")) present\n".utf8)) }
                throw ExitCode(4)
            }
        }
    }
}

/// The text form of a reconcile run: issues, a summary line, then each present finding with
/// its basis. Every value that came from a device, a capture or a PD's file is shown safe.
func renderReconcile(_ r: FindingOperations.Report) {
    for issue in r.issues { print("warning: \(issue.terminalSafe)") }
    let scope = r.compared.isEmpty ? "no PD diagram to compare" : "\(r.compared.count) PD diagram(s) compared (\(r.compared.joined(separator: ", ")))"
    print("reconciled: \(scope)\(r.skipped.isEmpty ? "" : "; skipped \(r.skipped.joined(separator: ", "))"); profile \(r.profile ?? "none"); \(r.matches.count) device(s) matched")
    print("findings: \(r.findings.count) present; \(r.opened) opened, \(r.reopened) reopened, \(r.resolved) resolved this run")
    for p in r.dutiesOpened { print("change-report duty opened for \(p)") }
    var byCode: [FindingCode: Int] = [:]
    for f in r.findings { byCode[f.code, default: 0] += 1 }
    if !byCode.isEmpty {
        print("by code: " + byCode.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    }
    // Most severe first, then by PD (findings with no PD last) and code.
    let ordered = r.findings.sorted { a, b in
        (b.severity, a.pd == nil ? 1 : 0, a.pd ?? "", a.code, a.key) < (a.severity, b.pd == nil ? 1 : 0, b.pd ?? "", b.code, b.key)
    }
    for f in ordered { printFinding(f) }
}

func printFinding(_ f: Finding, verbose: Bool = false) {
    let id = f.id.map { "#\($0)" } ?? "#?"
    let status = f.status == .open ? "" : " [\(f.status.rawValue)]"
    print("\(id.padding(toLength: 5, withPad: " ", startingAt: 0)) \(f.severity.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) \((f.pd ?? "-").padding(toLength: 12, withPad: " ", startingAt: 0)) \(f.code.rawValue)\(status): \(f.message.terminalSafe)")
    print("      basis: \(f.basis)")
    if verbose {
        print("      subject: \(f.subject.description.terminalSafe)")
        print("      first seen \(PreciseTime.format(f.firstSeen)), last seen \(PreciseTime.format(f.lastSeen))\(f.resolvedAt.map { ", resolved \(PreciseTime.format($0))" } ?? "")")
        for e in f.evidence {
            let when = [e.firstSeen.map { "first \(PreciseTime.format($0))" }, e.lastSeen.map { "last \(PreciseTime.format($0))" }].compactMap { $0 }.joined(separator: ", ")
            let facts = e.details.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            print("      evidence \(e.source)\(when.isEmpty ? "" : " (\(when))"): \(facts.terminalSafe)")
        }
        if let a = f.acknowledgement { print("      acknowledged by \(a.by.terminalSafe) at \(PreciseTime.format(a.at)): \(a.reason.terminalSafe)") }
        if let s = f.suppression {
            print("      suppressed by \(s.by.terminalSafe) at \(PreciseTime.format(s.at))\(f.suppressedUntil.map { " until \(PreciseTime.format($0))" } ?? ""): \(s.reason.terminalSafe)")
        }
    }
}

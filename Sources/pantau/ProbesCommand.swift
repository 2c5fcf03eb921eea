import ArgumentParser
import Foundation
import InventoryModel
import Probes
import SNMPCore
import YAMLSupport

extension Pantau {
    /// `pantau probes`: check probe files and try them against a recording.
    struct Probes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "probes",
            abstract: "Check SNMP probe files and try them against recorded devices.",
            discussion: """
                Probes (probes/README.md) tell Pantau which OIDs to read from each kind of device. \
                After editing them, run `pantau probes lint`, then `pantau probes test` with a \
                recording of the device (an snmprec file, e.g. from LibreNMS's tests or from \
                `snmprec.py`) to see the inventory Pantau would build, without touching the device.

                The probe directory defaults to $PANTAU_PROBES, else ./probes, else the probes/ \
                directory of the source tree the binary was built from.
                """,
            subcommands: [Lint.self, Test.self]
        )
    }
}

/// Finds the probe directory: explicit, $PANTAU_PROBES, ./probes, or the source tree's.
func defaultProbeDirectory(_ explicit: String?) -> String {
    if let explicit { return explicit }
    if let env = ProcessInfo.processInfo.environment["PANTAU_PROBES"], !env.isEmpty { return env }
    var isDir: ObjCBool = false
    if FileManager.default.fileExists(atPath: "probes", isDirectory: &isDir), isDir.boolValue { return "probes" }
    // Sources/pantau/ProbesCommand.swift → repository root.
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return root.appendingPathComponent("probes").path
}

struct ProbeIssuesFound: Error, CustomStringConvertible {
    var count: Int
    var description: String { "\(count) problem\(count == 1 ? "" : "s") in probe files" }
}

extension Pantau.Probes {
    struct Lint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every probe file; print all problems as file:line:col: path: message.",
            discussion: "Exits 0 and prints \"N files OK\" when the directory loads; otherwise prints every problem, one per line, and exits 1."
        )

        @Argument(help: ArgumentHelp("Probe directory (with modules/, enums/, families/).", valueName: "dir"))
        var directory: String?

        func run() async throws {
            let dir = defaultProbeDirectory(directory)
            do {
                let catalog = try ProbeCatalog.load(directory: dir)
                print("\(catalog.fileCount) files OK")
            } catch {
                for issue in error.issues { print(issue) }
                throw ProbeIssuesFound(count: error.issues.count)
            }
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the probes against a recorded device (.snmprec) and print the inventory.",
            discussion: """
                Answers from the recording as an SNMPv2c agent would, so a new family can be checked \
                without the device. Prints the family matched, identity, model/serial/version and a \
                summary of each section; --json prints the full inventory instead. When another \
                monitor's reading of the same recording sits beside it (X.expected.json next to \
                X.snmprec, as in the LibreNMS corpus), the text output ends with the comparison of \
                model, serial and version (strict, lenient, missing, wrong; probes/README.md).
                """
        )

        @Option(help: ArgumentHelp("Recording in snmprec format (OID|TYPE|VALUE lines), or a directory: every *.snmprec in it, one line each, with totals.", valueName: "file"))
        var recording: String

        @Option(name: .customLong("probes"), help: ArgumentHelp("Probe directory.", valueName: "dir"))
        var probes: String?

        @Flag(help: "Print the whole inventory as JSON.")
        var json = false

        func run() async throws {
            let catalog = try ProbeCatalog.load(directory: defaultProbeDirectory(probes))
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: recording, isDirectory: &isDir), isDir.boolValue {
                try await runDirectory(catalog)
                return
            }
            let rec = try SNMPRecording(contentsOf: recording)
            let name = URL(fileURLWithPath: recording).lastPathComponent
            let client = RecordingSNMPClient(recording: rec, name: name)
            let inv = try await ProbeRunner(catalog: catalog, clock: commandClock()).inventory(client: client, agent: name)
            print(json ? try InventoryRendering.json(inv) : InventoryRendering.text(inv))
            if !json, let path = DeviceExpectation.beside(recording: recording) {
                let expected = try DeviceExpectation.load(path: path)
                print("\nCompared with \(URL(fileURLWithPath: path).lastPathComponent)\(expected.os.map { " (os \($0))" } ?? ""):")
                let facts = Agreement.compare(inv, with: expected)
                for f in facts { print("  \(f)") }
                if facts.isEmpty { print("  neither reports a model, serial or version") }
            }
        }

        /// Every recording of a directory, offline: one line each (family, vendor, and the
        /// comparison with an expectation beside it), then totals and the time taken.
        func runDirectory(_ catalog: ProbeCatalog) async throws {
            let names = try FileManager.default.contentsOfDirectory(atPath: recording).filter { $0.hasSuffix(".snmprec") }.sorted()
            let started = Date()
            var counts: [FactOutcome: Int] = [:]
            var unreadable = 0, withVendor = 0
            for name in names {
                let path = "\(recording)/\(name)"
                let base = String(name.dropLast(8))
                let rec: SNMPRecording
                do { rec = try SNMPRecording(contentsOf: path) } catch {
                    unreadable += 1
                    print("\(base)\tcannot read: \(error)")
                    continue
                }
                let inv = try await ProbeRunner(catalog: catalog, clock: commandClock()).inventory(client: RecordingSNMPClient(recording: rec, name: base), agent: base)
                if inv.vendor != nil { withVendor += 1 }
                var cells: [String] = []
                if let e = DeviceExpectation.beside(recording: path) {
                    for f in Agreement.compare(inv, with: try DeviceExpectation.load(path: e)) {
                        counts[f.outcome, default: 0] += 1
                        cells.append("\(f.fact) \(f.outcome.rawValue)")
                    }
                }
                print([base, inv.family ?? "-", inv.vendor ?? "-"].joined(separator: "\t") + (cells.isEmpty ? "" : "\t" + cells.joined(separator: ", ")))
            }
            let seconds = Date().timeIntervalSince(started)
            func n(_ o: FactOutcome) -> Int { counts[o] ?? 0 }
            let read = names.count - unreadable
            print(String(format: "%d recordings (%d unreadable) in %.1f s; vendor known for %d of %d", names.count, unreadable, seconds, withVendor, read))
            if !counts.isEmpty {
                let expected = n(.strict) + n(.lenient) + n(.missing) + n(.wrong)
                let reported = n(.strict) + n(.lenient) + n(.wrong) + n(.unjudged)
                print("identity facts: \(n(.strict)) strict, \(n(.lenient)) lenient, \(n(.missing)) missing of \(expected) the expectations report; \(n(.wrong)) wrong of \(reported) Pantau reports")
            }
        }
    }
}

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
                summary of each section; --json prints the full inventory instead.
                """
        )

        @Option(help: ArgumentHelp("Recording in snmprec format (OID|TYPE|VALUE lines).", valueName: "file"))
        var recording: String

        @Option(name: .customLong("probes"), help: ArgumentHelp("Probe directory.", valueName: "dir"))
        var probes: String?

        @Flag(help: "Print the whole inventory as JSON.")
        var json = false

        func run() async throws {
            let catalog = try ProbeCatalog.load(directory: defaultProbeDirectory(probes))
            let rec = try SNMPRecording(contentsOf: recording)
            let name = URL(fileURLWithPath: recording).lastPathComponent
            let client = RecordingSNMPClient(recording: rec, name: name)
            let inv = try await ProbeRunner(catalog: catalog).inventory(client: client, agent: name)
            print(json ? try InventoryRendering.json(inv) : InventoryRendering.text(inv))
        }
    }
}

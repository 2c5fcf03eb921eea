import ArgumentParser
import Foundation
import Governance
import InventoryStore
import InventoryModel
import Operations
import Exports
import Settings
import Storage

extension Pantau {
    /// `pantau export`: audit bundles and their verification.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write a verifiable infrastructure audit bundle, or verify one.",
            subcommands: [Audit.self, Verify.self]
        )

        struct Audit: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "audit",
                abstract: "Write the audit bundle of a period, regency-wide or for some PDs.",
                discussion: """
                    The bundle is a new directory (--out must not exist) holding: pds.csv, devices.csv, \
                    interfaces.csv, findings.csv and finding_history.csv (with each finding's legal basis), \
                    availability_devices.csv, availability_pds.csv, availability_hosting.csv, outages.csv, \
                    bandwidth_pds.csv, diagram_compliance.csv, audit.json (schema: \
                    docs/schemas/audit-bundle.schema.json), README.txt and manifest.json (every file's \
                    SHA-256, the period, filters, versions, the data's time range). CSV is UTF-8 with a BOM \
                    and Indonesian / English headers. The same data and period give byte-identical CSV \
                    and JSON. With --pd the bundle holds nothing of other PDs. Every export is recorded \
                    in the audit log.

                    Periods are read in the active regional profile's time zone: \(ReportPeriod.syntax).

                    Examples:
                      pantau export audit --period 2026-11 --out audit-2026-11
                      pantau export audit --period 2026 --pd BAPPEDA --out bappeda-2026 --format csv
                      pantau export verify audit-2026-11
                    """
            )

            @Option(help: ArgumentHelp("The period: 2026, 2026-11, 2026-11-01..2026-11-15, last-30d, ...", valueName: "period"))
            var period: String

            @Option(help: ArgumentHelp("Only this PD (registry code); repeat for several. Default: regency-wide.", valueName: "PD"))
            var pd: [String] = []

            @Option(help: ArgumentHelp("The bundle's directory (must not exist).", valueName: "dir"))
            var out: String

            @Option(help: ArgumentHelp("Formats, comma-separated: csv, json (default both).", valueName: "list"))
            var format: String = "csv,json"

            @Option(help: ArgumentHelp("The collector's configuration, for its down_after.", valueName: "file"))
            var config: String?

            @Option(help: "Who exports (recorded in the audit log).") var by: String = ProcessInfo.processInfo.environment["USER"] ?? "cli"

            @OptionGroup var store: StoreOptions

            func formats() throws -> Set<AuditBundle.Format> {
                var set: Set<AuditBundle.Format> = []
                for part in format.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !part.isEmpty {
                    guard let f = AuditBundle.Format(rawValue: part) else {
                        throw ValidationError("--format \(part) is not one of: \(AuditBundle.Format.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    set.insert(f)
                }
                if set.isEmpty { throw ValidationError("--format names no format") }
                return set
            }

            func validate() throws { _ = try formats() }

            func run() async throws {
                let formats = try formats()
                let clock = try commandClock()
                let settings = try config.map { try PantauConfig.load(path: $0).daemon } ?? DaemonSettings()
                let reader = try store.open(.readOnly)
                let result: AuditExport.Result, manifest: AuditBundle.Manifest
                do {
                    result = try AuditExport(store: reader, clock: clock).run(.init(period: period, pds: pd, downAfter: settings.downAfter))
                    manifest = try AuditBundle.write(result, formats: formats, to: out, exportedAt: clock.now())
                } catch let e as OperationError {
                    // A refused export is in the audit log too.
                    try? store.open(.readWrite).appendAudit(AuditEntry(
                        at: clock.now(), actor: "cli:\(by)", action: "export-audit", pd: pd.isEmpty ? nil : pd.joined(separator: ","),
                        outcome: e.kind == .notFound ? "refused" : "invalid", detail: "period \(period) to \(out): \(e.message)"))
                    throw e
                }
                // The audit log is written apart: reading took one read-only snapshot.
                let writer = try store.open(.readWrite)
                try writer.appendAudit(AuditEntry(
                    at: clock.now(), actor: "cli:\(by)", action: "export-audit",
                    pd: result.scope.pds.isEmpty ? nil : result.scope.pds.joined(separator: ","), outcome: "ok",
                    detail: "period \(result.scope.period) formats \(manifest.formats.joined(separator: ",")) to \(out); \(manifest.files.count) files"
                        + (result.empty ? "; no data in the period" : "")))
                print("wrote \(out.terminalSafe): \(manifest.files.count) files and \(AuditBundle.manifestName)")
                for f in manifest.files { print("  \(f.path)  \(f.bytes) bytes  sha256 \(f.sha256)") }
                for n in result.notes { print("note: \(n.terminalSafe)") }
            }
        }

        struct Verify: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "verify",
                abstract: "Check a bundle against its manifest: which file changed, was added or is missing (exit 1 if any)."
            )

            @Argument(help: ArgumentHelp("The bundle's directory.", valueName: "dir"))
            var dir: String

            @Flag(help: "Print JSON.") var json = false

            func run() async throws {
                let v = try AuditBundle.verify(dir)
                if json {
                    print(try PantauJSON.text(v))
                } else {
                    for f in v.changed { print("changed: \(f.terminalSafe)") }
                    for f in v.added { print("added: \(f.terminalSafe)") }
                    for f in v.missing { print("missing: \(f.terminalSafe)") }
                    print(v.ok ? "ok: \(v.checked) files match the manifest" : "NOT OK: the bundle differs from its manifest")
                }
                if !v.ok { throw ExitCode(1) }
            }
        }
    }
}

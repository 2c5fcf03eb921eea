import ArgumentParser
import Foundation
import Governance
import InventoryStore
import InventoryModel
import Operations
import Exports
import Settings
import SNMPCore
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
                    The bundle is a new directory (--out must not exist), a ZIP file (--archive), or both, \
                    holding: pds.csv, devices.csv, interfaces.csv, findings.csv and finding_history.csv (with \
                    each finding's legal basis), availability_devices.csv, availability_pds.csv, \
                    availability_hosting.csv, outages.csv, bandwidth_pds.csv, diagram_compliance.csv, \
                    spec_annex.csv and spec_summary.csv (the spec annex, --annex or exports.annex), \
                    assets.csv and topology_links.csv (declared against observed), audit.json (schema: \
                    docs/schemas/audit-bundle.schema.json), report.html (self-contained, charts as inline \
                    SVG, prints cleanly), report.pdf (the same report by headless Chromium), README.txt and \
                    manifest.json (every file's SHA-256, the period, filters, versions, the annex, the \
                    data's time range). CSV is UTF-8 with a BOM and Indonesian / English headers; the \
                    configuration's exports.classification label heads every file and page. The same data \
                    and period give byte-identical files except report.pdf (Chromium dates it; the manifest \
                    says so). With --pd the bundle holds nothing of other PDs. All reads are one snapshot \
                    of the store, which the collector keeps writing. Every export is recorded in the audit \
                    log. On a terminal a progress bar shows on stderr.

                    Periods are read in the active regional profile's time zone: \(ReportPeriod.syntax).

                    Examples:
                      pantau export audit --period 2026-11 --out audit-2026-11
                      pantau export audit --period 2026 --pd BAPPEDA --out bappeda-2026 --format csv
                      pantau export audit --period 2026-11 --pd DINKES --archive dinkes-2026-11.zip --config pantau.yaml
                      pantau export verify audit-2026-11
                    """
            )

            @Option(help: ArgumentHelp("The period: 2026, 2026-11, 2026-11-01..2026-11-15, last-30d, ...", valueName: "period"))
            var period: String

            @Option(help: ArgumentHelp("Only this PD (registry code); repeat for several. Default: regency-wide.", valueName: "PD"))
            var pd: [String] = []

            @Option(help: ArgumentHelp("The bundle's directory (must not exist).", valueName: "dir"))
            var out: String?

            @Option(help: ArgumentHelp("Also (or instead) write the bundle as one ZIP file (must not exist).", valueName: "file"))
            var archive: String?

            @Option(help: ArgumentHelp("Formats, comma-separated: csv, json, html, pdf (default all; pdf needs chromium).", valueName: "list"))
            var format: String = "csv,json,html,pdf"

            @Option(help: ArgumentHelp("The configuration: daemon.down_after, the exports: section (classification, annex, chromium), SNMP versions.", valueName: "file"))
            var config: String?

            @Option(help: ArgumentHelp("The spec annex to assess devices against (default: exports.annex).", valueName: "file"))
            var annex: String?

            @Option(help: ArgumentHelp("A model catalogue for the annex (default: exports.catalogue).", valueName: "file"))
            var catalogue: String?

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

            func validate() throws {
                _ = try formats()
                if out == nil && archive == nil { throw ValidationError("give --out DIR, --archive FILE, or both") }
            }

            func run() async throws {
                let formats = try formats()
                let clock = try commandClock()
                let loaded = try config.map { try PantauConfig.load(path: $0) }
                let settings = loaded?.exports ?? ExportSettings()
                let target = [out, archive].compactMap { $0 }.joined(separator: " and ")
                func refused(_ e: OperationError) {
                    // A refused export is in the audit log too.
                    try? store.open(.readWrite).appendAudit(AuditEntry(
                        at: clock.now(), actor: "cli:\(by)", action: "export-audit", pd: pd.isEmpty ? nil : pd.joined(separator: ","),
                        outcome: e.kind == .notFound ? "refused" : "invalid", detail: "period \(period) to \(target): \(e.message)"))
                }
                let result: AuditExport.Result, manifest: AuditBundle.Manifest
                let progress = ProgressBar.forStandardError()
                do {
                    // Refused before any reading: an existing target, a missing browser.
                    try AuditArchive.checkTargets(out: out, archive: archive)
                    let pdf = ChromiumPDF(executable: settings.chromium)
                    if formats.contains(.pdf) { _ = try pdf.resolved() }
                    var request = AuditExport.Request(period: period, pds: pd, downAfter: loaded?.daemon.downAfter ?? DaemonSettings().downAfter)
                    request.annex = try (annex ?? settings.annex).map { try SpecAnnex.load(path: $0) }
                    request.catalogue = try (catalogue ?? settings.catalogue).map { try ModelCatalogue.load(path: $0) }
                    request.classification = settings.classification
                    for t in loaded?.targets ?? [] { request.snmpVersions[t.name] = t.credentials.version == .v3 ? 3 : t.credentials.version == .v2c ? 2 : 1 }
                    let reader = try store.open(.readOnly)
                    let exporter = AuditArchive(store: reader, clock: clock)
                    // Files are rendered straight to disk, and the archive packed from them.
                    (result, manifest) = try exporter.write(request, formats: formats, out: out, archive: archive,
                                                            renderPDF: { try pdf.render(html: $0) }, progress: { progress?.show($0) })
                    progress?.finish()
                } catch let e as OperationError {
                    progress?.finish()
                    refused(e)
                    throw e
                }
                // The audit log is written apart: reading took one read-only snapshot.
                let writer = try store.open(.readWrite)
                try writer.appendAudit(AuditEntry(
                    at: clock.now(), actor: "cli:\(by)", action: "export-audit",
                    pd: result.scope.pds.isEmpty ? nil : result.scope.pds.joined(separator: ","), outcome: "ok",
                    detail: "period \(result.scope.period) formats \(manifest.formats.joined(separator: ",")) to \(target); \(manifest.files.count) files"
                        + (result.empty ? "; no data in the period" : "")))
                print("wrote \(target.terminalSafe): \(manifest.files.count) files and \(AuditBundle.manifestName)")
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

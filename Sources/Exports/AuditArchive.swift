import Foundation
import Governance
import InventoryModel
import Operations
import Storage

/// An audit bundle as one ZIP file, for handing over or downloading (`pantau export audit
/// --archive FILE`, `GET /api/v1/pds/{pd}/audit` on `pantau serve`, the portal). ZIP, not tar:
/// the auditors and PD staff who receive it open it with what Windows and macOS ship
/// (Explorer, Finder), and Excel reads the CSV straight out of it (`ZipWriter`). Every file sits in one
/// folder named for the scope and period, beside its `manifest.json`, so unpacked it is a
/// bundle `pantau export verify` checks. Entries are deflated and dated at the period's end,
/// so two archives of the same data differ only in the manifest's `exportedAt` (and report.pdf).
public struct AuditArchive: Sendable {
    public let store: any PantauStorage
    public let clock: any WallClock

    public init(store: any PantauStorage, clock: any WallClock) {
        self.store = store
        self.clock = clock
    }

    public struct Made: Sendable {
        /// "pantau-audit-DINKES-2026-11.zip"
        public var fileName: String
        public var bytes: [UInt8]
        public var manifest: AuditBundle.Manifest
        public var result: AuditExport.Result
    }

    /// A bundle's files in memory, with their manifest and the data they were made from.
    public struct Bundle: Sendable {
        public var result: AuditExport.Result
        public var files: [String: [UInt8]]
        public var manifest: AuditBundle.Manifest
        /// "pantau-audit-DINKES-2026-11": the archive's folder, and the archive's name with ".zip".
        public var folder: String
    }

    /// Reads the audit from one consistent snapshot of the store (`SnapshotReading`) and
    /// renders the formats asked for. `renderPDF` is needed when `formats` holds `pdf`.
    public func bundle(_ request: AuditExport.Request, formats: Set<AuditBundle.Format>,
                       renderPDF: (([UInt8]) throws -> [UInt8])? = nil,
                       progress: (AuditExport.Progress) -> Void = { _ in }) throws -> Bundle {
        let clock = self.clock
        let result = try store.readSnapshot { snapshot in
            try AuditExport(store: snapshot, clock: clock).run(request, progress: progress)
        }
        if formats.contains(.pdf) { progress(AuditExport.Progress(done: AuditExport.steps.count, total: AuditExport.steps.count, label: "rendering report.pdf")) }
        let files = try AuditBundle.files(result, formats: formats, renderPDF: renderPDF)
        let manifest = AuditBundle.manifest(result, files: files, formats: formats, exportedAt: clock.now())
        return Bundle(result: result, files: files, manifest: manifest, folder: Self.folderName(result.scope))
    }

    /// Reads the audit as `bundle` does and writes it as a bundle directory at `out` (which must
    /// not exist), each file rendered straight to disk: what `pantau export audit --out` does when
    /// no archive is asked for, so only the audit's rows are in memory, never its files.
    public func write(_ request: AuditExport.Request, formats: Set<AuditBundle.Format>, to out: String,
                      renderPDF: (([UInt8]) throws -> [UInt8])? = nil,
                      progress: (AuditExport.Progress) -> Void = { _ in }) throws -> (result: AuditExport.Result, manifest: AuditBundle.Manifest) {
        try AuditBundle.checkTarget(out)
        let clock = self.clock
        let result = try store.readSnapshot { snapshot in
            try AuditExport(store: snapshot, clock: clock).run(request, progress: progress)
        }
        if formats.contains(.pdf) { progress(AuditExport.Progress(done: AuditExport.steps.count, total: AuditExport.steps.count, label: "rendering report.pdf")) }
        let manifest = try AuditBundle.write(result, formats: formats, to: out, exportedAt: clock.now(), renderPDF: renderPDF)
        return (result, manifest)
    }

    /// The bundle packed as one ZIP file.
    public func make(_ request: AuditExport.Request, formats: Set<AuditBundle.Format>,
                     renderPDF: (([UInt8]) throws -> [UInt8])? = nil,
                     progress: (AuditExport.Progress) -> Void = { _ in }) throws -> Made {
        let b = try bundle(request, formats: formats, renderPDF: renderPDF, progress: progress)
        return Made(fileName: b.folder + ".zip", bytes: try Self.zip(b), manifest: b.manifest, result: b.result)
    }

    /// "pantau-audit-DINKES-2026-11", "pantau-audit-regency-2026"; only [A-Za-z0-9._-].
    public static func folderName(_ scope: AuditExport.Scope) -> String {
        let who = scope.pds.isEmpty ? "regency" : scope.pds.joined(separator: "+")
        let raw = "pantau-audit-\(who)-\(scope.period)"
        return String(raw.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-+".contains($0)) ? $0 : "_" })
    }

    public static func zip(_ b: Bundle) throws -> [UInt8] {
        var all = b.files
        let folder = b.folder, dated = b.result.scope.to
        all[AuditBundle.manifestName] = try AuditBundle.manifestBytes(b.manifest)
        do {
            return try ZipWriter.archive(all.keys.sorted().map { ZipWriter.Entry(name: "\(folder)/\($0)", bytes: all[$0]!) }, modified: dated)
        } catch {
            throw OperationError(.invalid, "cannot pack the audit bundle: \(error)")
        }
    }
}

extension AuditArchive {
    /// Refuses targets that exist or cannot be written (before anything is read): a bundle
    /// directory, an archive, at least one of them.
    public static func checkTargets(out: String?, archive: String?) throws {
        guard out != nil || archive != nil else { throw OperationError(.invalid, "give a bundle directory, an archive, or both") }
        if let out { try AuditBundle.checkTarget(out) }
        if let archive {
            if FileManager.default.fileExists(atPath: archive) { throw OperationError(.invalid, "\(archive) already exists; pick another --archive") }
            try AuditBundle.checkTarget(archive)
        }
    }

    /// Reads the audit as `bundle` does and writes it as a bundle directory at `out`, a ZIP
    /// archive at `archive`, or both (each must not exist): what `pantau export audit` does.
    /// Files are rendered to disk one at a time and the archive is packed from them a piece at
    /// a time (`ZipWriter.write`), so neither the files nor the archive are ever held in memory;
    /// without `out` the directory is a hidden temporary one beside the archive, removed after.
    /// The archive's bytes are those `make` returns for the same audit.
    public func write(_ request: AuditExport.Request, formats: Set<AuditBundle.Format>, out: String?, archive: String?,
                      renderPDF: (([UInt8]) throws -> [UInt8])? = nil,
                      progress: (AuditExport.Progress) -> Void = { _ in }) throws -> (result: AuditExport.Result, manifest: AuditBundle.Manifest) {
        let fm = FileManager.default
        try Self.checkTargets(out: out, archive: archive)
        let archiveURL = archive.map { URL(fileURLWithPath: $0).standardizedFileURL }
        let pid = ProcessInfo.processInfo.processIdentifier
        let directory = out ?? archiveURL!.deletingLastPathComponent().appendingPathComponent(".\(archiveURL!.lastPathComponent).bundle-\(pid)").path
        if out == nil { try? fm.removeItem(atPath: directory) }
        defer { if out == nil { try? fm.removeItem(atPath: directory) } }
        let (result, manifest) = try write(request, formats: formats, to: directory, renderPDF: renderPDF, progress: progress)
        if let archive, let archiveURL {
            let folder = Self.folderName(result.scope)
            let names = (manifest.files.map(\.path) + [AuditBundle.manifestName]).sorted()
            let entries = names.map { ZipWriter.FileEntry(name: "\(folder)/\($0)", path: "\(directory)/\($0)") }
            let temp = archiveURL.deletingLastPathComponent().appendingPathComponent(".\(archiveURL.lastPathComponent).partial-\(pid)")
            do {
                try ZipWriter.write(entries, modified: result.scope.to, to: temp.path)
                try fm.moveItem(at: temp, to: archiveURL)
            } catch {
                try? fm.removeItem(at: temp)
                throw OperationError(.invalid, "cannot write \(archive): \(error)")
            }
        }
        return (result, manifest)
    }
}

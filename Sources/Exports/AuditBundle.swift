import Foundation
import Governance
import Operations

/// Pantau's release, as exports record it.
public enum PantauVersion {
    public static let current = "0.1.0-dev"
}

/// An audit bundle's files: CSV tables for spreadsheets (UTF-8 with a BOM, bilingual headers
/// as regulations.md R60 asks, formula-safe cells), `audit.json` (schema:
/// `docs/schemas/audit-bundle.schema.json`), and `manifest.json` with every other file's
/// SHA-256. Rendering is pure and deterministic; `write` puts a bundle on disk through a
/// temporary directory renamed at the end; `verify` checks one against its manifest.
public enum AuditBundle {
    public enum Format: String, Sendable, CaseIterable, Codable {
        case csv, json, html, pdf
    }

    public static let manifestName = "manifest.json"
    public static let bundleFormat = "pantau-audit-bundle/1"

    // MARK: CSV

    /// One cell: quoted when it holds a comma, quote, CR or LF; a text starting with
    /// = + - @ (or a tab or CR) gets a leading apostrophe so no spreadsheet runs it as a formula.
    public static func csvCell(_ raw: String) -> String {
        var s = raw
        if let first = s.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { s = "'" + s }
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == ";" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }

    /// A table: BOM, the classification line when one is configured, a header line
    /// "Indonesian / English" per column, then rows; CRLF line ends.
    public static func csv(headers: [(id: String, en: String)], rows: [[String]], classification: String? = nil) -> [UInt8] {
        var out: [UInt8] = []
        try? csv(headers: headers, rows: rows, classification: classification) { out += $0 }  // collecting never throws
        return out
    }

    static func time(_ d: Date?) -> String { d.map { iso.string(from: $0) } ?? "" }
    static func num(_ d: Double?) -> String { d.map { String(format: "%.4f", $0) } ?? "" }
    static func int<I: BinaryInteger>(_ i: I?) -> String { i.map { String($0) } ?? "" }
    static func bool(_ b: Bool) -> String { b ? "ya/yes" : "tidak/no" }
    nonisolated(unsafe) static let iso: ISO8601DateFormatter = {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f
    }()

    /// The CSV tables of a result, by file name.
    public static func csvFiles(_ r: AuditExport.Result) throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for f in csvRenderings(r) { files[f.name] = try f.bytes() }
        return files
    }

    /// The CSV tables of a result, each rendered a row at a time.
    public static func csvRenderings(_ r: AuditExport.Result) -> [FileRendering] {
        var files: [FileRendering] = []
        let label = r.scope.classification
        func add<Rows: Sequence>(_ name: String, headers: [(id: String, en: String)], rows: Rows) where Rows.Element == [String] {
            files.append(FileRendering(name: name) { emit in try csv(headers: headers, rows: rows, classification: label, to: emit) })
        }
        add("pds.csv",
            headers: [("Kode PD", "PD code"), ("Nama Perangkat Daerah", "PD name"), ("PD Mandiri TIK", "ICT-independent PD"),
                      ("Pengelola LAN", "LAN managed by"), ("Subnet", "Subnets"), ("VLAN", "VLANs"),
                      ("Bandwidth disetujui (Mbps)", "Approved bandwidth (Mbps)"), ("Dasar persetujuan", "Approval reference")],
            rows: r.pds.lazy.map { [$0.pd, $0.name, bool($0.mandiriTIK), $0.lanManagedBy, $0.subnets.joined(separator: " "),
                               $0.vlans.map(String.init).joined(separator: " "), num($0.approvedMbps), $0.bandwidthReference ?? ""] })
        add("devices.csv",
            headers: [("Perangkat", "Device"), ("Kode PD", "PD code"), ("Agen SNMP", "SNMP agent"), ("sysName", "sysName"),
                      ("Pembuat", "Vendor"), ("Model", "Model"), ("Nomor seri", "Serial number"), ("Firmware", "Firmware"),
                      ("Lokasi", "Location"), ("Jenis hosting", "Hosting type"), ("Pertama terlihat", "First seen"),
                      ("Terakhir terlihat", "Last seen"), ("Poll terakhir berhasil", "Last poll OK"), ("Jumlah interface", "Interfaces")],
            rows: r.devices.lazy.map { [$0.device, $0.pd ?? "", $0.agent, $0.sysName ?? "", $0.vendor ?? "", $0.model ?? "", $0.serial ?? "",
                                   $0.firmware ?? "", $0.location ?? "", $0.hosting ?? "", time($0.firstSeen), time($0.lastSeen),
                                   bool($0.lastPollOK), int($0.interfaces)] })
        add("interfaces.csv",
            headers: [("Perangkat", "Device"), ("Kode PD", "PD code"), ("ifIndex", "ifIndex"), ("Nama", "Name"), ("Deskripsi", "Description"),
                      ("Alias", "Alias"), ("Jenis", "Type"), ("Kecepatan (bit/s)", "Speed (bit/s)"), ("MAC", "MAC"),
                      ("Status admin", "Admin status"), ("Status operasional", "Oper status")],
            rows: r.interfaces.lazy.map { [$0.device, $0.pd ?? "", int($0.ifIndex), $0.name ?? "", $0.descr ?? "", $0.alias ?? "", $0.type ?? "",
                                      int($0.speed), $0.mac ?? "", $0.adminStatus ?? "", $0.operStatus ?? ""] })
        add("findings.csv",
            headers: [("Nomor", "ID"), ("Kode temuan", "Finding code"), ("Tingkat", "Severity"), ("Kode PD", "PD code"), ("Subjek", "Subject"),
                      ("Uraian", "Message"), ("Status", "Status"), ("Pertama terlihat", "First seen"), ("Terakhir terlihat", "Last seen"),
                      ("Selesai", "Resolved at"), ("Dasar hukum (Pasal/ayat)", "Legal basis")],
            rows: r.findings.lazy.map { [int($0.id), $0.code, $0.severity, $0.pd ?? "", $0.subject, $0.message, $0.status, time($0.firstSeen),
                                    time($0.lastSeen), time($0.resolvedAt), $0.basis] })
        add("finding_history.csv",
            headers: [("Nomor temuan", "Finding ID"), ("Kode PD", "PD code"), ("Waktu", "Time"), ("Pelaku", "Actor"), ("Tindakan", "Action"),
                      ("Alasan", "Reason")],
            rows: r.findingHistory.lazy.map { [int($0.finding), $0.pd ?? "", time($0.at), $0.actor, $0.action, $0.reason ?? ""] })
        add("availability_devices.csv",
            headers: [("Perangkat", "Device"), ("Kode PD", "PD code"), ("Jenis hosting", "Hosting type"), ("Ketersediaan (%)", "Availability (%)"),
                      ("Waktu dipantau (detik)", "Monitored (s)"), ("Waktu padam (detik)", "Down (s)"), ("Gangguan", "Outages"),
                      ("Reboot", "Reboots"), ("Restart agen", "Agent restarts")],
            rows: r.availability.lazy.map { [$0.device, $0.pd ?? "", $0.hosting ?? "", num($0.availabilityPercent), num($0.monitoredSeconds),
                                        num($0.downSeconds), int($0.outages), int($0.reboots), int($0.agentRestarts)] })
        let groupHeaders: [(id: String, en: String)] = [("Jumlah perangkat", "Devices"), ("Ketersediaan (%)", "Availability (%)"),
                                                        ("Waktu dipantau (detik)", "Monitored (s)"), ("Waktu padam (detik)", "Down (s)")]
        func groupRows(_ g: [AuditExport.GroupAvailabilityRow]) -> [[String]] {
            g.map { [$0.group, int($0.devices), num($0.availabilityPercent), num($0.monitoredSeconds), num($0.downSeconds)] }
        }
        add("availability_pds.csv", headers: [("Kode PD", "PD code")] + groupHeaders, rows: groupRows(r.availabilityByPD))
        add("availability_hosting.csv", headers: [("Jenis hosting", "Hosting type")] + groupHeaders, rows: groupRows(r.availabilityByHosting))
        add("outages.csv",
            headers: [("Perangkat", "Device"), ("Kode PD", "PD code"), ("Jenis hosting", "Hosting type"), ("Mulai", "Start"), ("Selesai", "End"),
                      ("Durasi (detik)", "Duration (s)"), ("Poll terlewat", "Missed polls")],
            rows: r.outages.lazy.map { [$0.device, $0.pd ?? "", $0.hosting ?? "", time($0.start), time($0.end), num($0.durationSeconds), int($0.missedPolls)] })
        add("bandwidth_pds.csv",
            headers: [("Kode PD", "PD code"), ("Bandwidth disetujui (Mbps)", "Approved bandwidth (Mbps)"), ("Uplink", "Uplinks"),
                      ("Sampel 5 menit", "5-minute samples"), ("Rata-rata (bit/s)", "Average (bit/s)"), ("Puncak (bit/s)", "Peak (bit/s)"),
                      ("Persentil ke-95 (bit/s)", "95th percentile (bit/s)"), ("Pemakaian alokasi (%)", "Allocation use (%)")],
            rows: r.bandwidth.lazy.map { [$0.pd, num($0.approvedMbps), $0.uplinks.joined(separator: " "), int($0.samples), num($0.averageBPS),
                                     int($0.peakBPS), int($0.p95BPS), num($0.allocationUsePercent)] })
        add("diagram_compliance.csv",
            headers: [("Kode PD", "PD code"), ("Nama Perangkat Daerah", "PD name"), ("Status", "State"), ("Versi terakhir", "Latest version"),
                      ("Diserahkan pada", "Submitted at"), ("Diserahkan oleh", "Submitted by"), ("Batas waktu", "Due date"),
                      ("Penyerahan dalam periode", "Submissions in period"), ("Dasar hukum (Pasal/ayat)", "Legal basis")],
            rows: r.diagrams.lazy.map { [$0.pd, $0.name, $0.state, int($0.latestVersion), time($0.submittedAt), $0.submitter ?? "", $0.dueDate ?? "",
                                    int($0.submissionsInPeriod), $0.basis ?? ""] })
        add("spec_annex.csv",
            headers: [("Perangkat", "Device"), ("Kode PD", "PD code"), ("Sumber", "From"), ("Perangkat di diagram", "Declared as"),
                      ("Kelas", "Class"), ("Tanggal perolehan", "Acquired"), ("Perolehan terhadap Lampiran", "Acquired against the annex"),
                      ("Hasil", "Verdict"), ("Rincian", "Details")],
            rows: r.spec.lazy.map { [$0.device, $0.pd ?? "", $0.from, $0.declared ?? "", $0.deviceClass ?? "", $0.acquired ?? "", $0.acquiredPeriod,
                                $0.verdict, $0.details.joined(separator: "; ")] })
        add("spec_summary.csv",
            headers: [("Perolehan terhadap Lampiran", "Acquired against the annex"), ("Memenuhi", "Meets"), ("Di bawah spesifikasi", "Below spec"),
                      ("Tidak dapat dinilai", "Cannot be assessed")],
            rows: r.specSummary.lazy.map { [$0.acquiredPeriod, int($0.meets), int($0.below), int($0.cannotAssess)] })
        add("assets.csv",
            headers: [("Kode PD", "PD code"), ("Daftar", "List"), ("Perangkat di diagram", "Declared device"), ("Peran", "Role"),
                      ("Nomor register aset", "Asset register number"), ("Tanggal perolehan", "Acquired"), ("Sumber dana", "Funding source"),
                      ("Nomor seri dideklarasikan", "Declared serial"), ("Terlihat sebagai", "Seen as"), ("Sumber pengamatan", "Seen by"),
                      ("Nomor seri terlihat", "Observed serial"), ("Dicocokkan dengan", "Matched on"), ("Nilai yang cocok", "Matched value")],
            rows: r.assets.lazy.map { [$0.pd, $0.state, $0.declared ?? "", $0.role ?? "", $0.registerNumber ?? "", $0.acquired ?? "", $0.fundingSource ?? "",
                                  $0.declaredSerial ?? "", $0.observed ?? "", $0.sources.joined(separator: " "), $0.observedSerial ?? "",
                                  $0.matchRule ?? "", $0.matchValue ?? ""] })
        add("topology_links.csv",
            headers: [("Kode PD", "PD code"), ("Ujung A", "End A"), ("Port A", "Port A"), ("Ujung B", "End B"), ("Port B", "Port B"),
                      ("Status", "State"), ("Protokol", "Protocol")],
            rows: r.links.lazy.map { [$0.pd, $0.a, $0.aPort ?? "", $0.b, $0.bPort ?? "", $0.state, $0.protocolName ?? ""] })
        return files
    }

    // MARK: JSON

    /// `audit.json`: the result under a format tag, encoded as `PantauJSON` does (sorted keys).
    public struct Document: Codable, Sendable {
        public var format: String
        public var audit: AuditExport.Result
        public init(format: String = AuditBundle.bundleFormat, audit: AuditExport.Result) {
            self.format = format; self.audit = audit
        }
    }

    /// `audit.json` in memory (see `json(_:to:)`).
    public static func json(_ r: AuditExport.Result) throws -> [UInt8] {
        var out: [UInt8] = []
        try json(r) { out += $0 }
        return out
    }

    /// The files of a result in the formats asked for, in memory. `pdf` renders `report.html`
    /// (which it then includes too) with `renderPDF`; without one it is refused.
    public static func files(_ r: AuditExport.Result, formats: Set<Format>,
                             renderPDF: (([UInt8]) throws -> [UInt8])? = nil) throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for f in try renderings(r, formats: formats, renderPDF: renderPDF) { files[f.name] = try f.bytes() }
        return files
    }

    /// The files of a result in the formats asked for, each to be rendered when it is written.
    public static func renderings(_ r: AuditExport.Result, formats: Set<Format>,
                                  renderPDF: (([UInt8]) throws -> [UInt8])? = nil) throws -> [FileRendering] {
        var files: [FileRendering] = []
        if formats.contains(.pdf) && renderPDF == nil { throw OperationError(.unavailable, "no PDF renderer: leave pdf out of the formats") }
        if formats.contains(.csv) { files += csvRenderings(r) }
        if formats.contains(.json) { files.append(FileRendering(name: "audit.json") { emit in try json(r, to: emit) }) }
        if formats.contains(.html) || formats.contains(.pdf) {
            files.append(FileRendering(name: AuditReport.fileName) { emit in try emit(Array(AuditReport.html(r).utf8)) })
        }
        if formats.contains(.pdf), let renderPDF {
            files.append(FileRendering(name: pdfName) { emit in try emit(try renderPDF(Array(AuditReport.html(r).utf8))) })
        }
        files.append(FileRendering(name: "README.txt") { emit in try emit(Array(readme(r).utf8)) })
        return files
    }

    public static let pdfName = "report.pdf"

    static func readme(_ r: AuditExport.Result) -> String {
        let annexText: String = r.scope.annex.map { a in "\(a.source) \(a.version), effective \(a.effective) (\(a.file))" } ?? "none / tidak ada"
        var lines: [String] = ["Pantau audit bundle / Berkas audit Pantau"]
        if let c = r.scope.classification { lines.append("Klasifikasi / Classification: \(c)") }
        let scopeText: String = r.scope.pds.isEmpty ? "regency-wide / seluruh kabupaten" + (r.scope.regency.map { " (\($0))" } ?? "") : r.scope.pds.joined(separator: ", ")
        lines += ["Period / Periode: \(r.scope.period) [\(time(r.scope.from)) .. \(time(r.scope.to))) \(r.scope.timeZone)",
                  "Scope / Cakupan: " + scopeText,
                  "Profile / Profil: \(r.scope.perbup ?? "none / tidak ada")",
                  "Spec annex / Lampiran spesifikasi: " + annexText,
                  "Data: " + (r.empty ? "NONE in this period / TIDAK ADA data dalam periode ini" : "\(time(r.dataFrom)) .. \(time(r.dataTo))")]
        lines += r.notes.map { "Note: \($0)" }
        lines.append("Check it with: pantau export verify DIR (manifest.json lists every file's SHA-256)")
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: Manifest

    public struct Manifest: Codable, Sendable, Equatable {
        public struct File: Codable, Sendable, Equatable {
            public var path: String
            public var bytes: Int
            public var sha256: String
        }
        public var format: String
        public var pantauVersion: String
        /// When the bundle was written (the only wall-clock time in a bundle).
        public var exportedAt: Date
        public var period: String
        public var from: Date
        public var to: Date
        public var timeZone: String
        public var pds: [String]
        public var formats: [String]
        public var profile: String?
        public var perbup: String?
        public var dataFrom: Date?
        public var dataTo: Date?
        public var empty: Bool
        /// The spec annex's version (and its source and effective date), when one was assessed.
        public var annex: AuditExport.AnnexRef?
        public var classification: String?
        /// Files whose bytes differ between two exports of the same data: report.pdf (Chromium
        /// writes the moment it rendered). Every other file is byte-identical; all are hashed.
        public var notReproducible: [String]?
        public var files: [File]
    }

    public static func manifest(_ r: AuditExport.Result, files: [String: [UInt8]], formats: Set<Format>, exportedAt: Date) -> Manifest {
        manifest(r, listed: files.map { Manifest.File(path: $0.key, bytes: $0.value.count, sha256: sha256Hex($0.value)) },
                 formats: formats, exportedAt: exportedAt)
    }

    /// The manifest of files already hashed (in any order).
    public static func manifest(_ r: AuditExport.Result, listed: [Manifest.File], formats: Set<Format>, exportedAt: Date) -> Manifest {
        Manifest(format: bundleFormat, pantauVersion: PantauVersion.current, exportedAt: exportedAt, period: r.scope.period, from: r.scope.from,
                 to: r.scope.to, timeZone: r.scope.timeZone, pds: r.scope.pds, formats: formats.map(\.rawValue).sorted(),
                 profile: r.scope.profile, perbup: r.scope.perbup, dataFrom: r.dataFrom, dataTo: r.dataTo, empty: r.empty,
                 annex: r.scope.annex, classification: r.scope.classification,
                 notReproducible: listed.contains { $0.path == pdfName } ? [pdfName] : nil,
                 files: listed.sorted { $0.path < $1.path })
    }

    // MARK: Writing and verifying

    /// Writes the bundle to `out`, which must not exist: into a hidden temporary directory
    /// beside it, renamed to `out` only once every file is written, so an interrupted export
    /// leaves no directory that looks like a bundle. Each file is rendered straight to disk a
    /// piece at a time (`renderings`), so no whole file is held in memory.
    @discardableResult
    public static func write(_ r: AuditExport.Result, formats: Set<Format>, to out: String, exportedAt: Date,
                             renderPDF: (([UInt8]) throws -> [UInt8])? = nil) throws -> Manifest {
        try checkTarget(out)
        return try writeRendered(r, try renderings(r, formats: formats, renderPDF: renderPDF), formats: formats, to: out, exportedAt: exportedAt)
    }

    public static func manifestBytes(_ m: Manifest) throws -> [UInt8] { Array(try PantauJSON.encoder().encode(m)) + [0x0A] }

    /// Refuses an `out` that exists or whose parent is missing or not writable, before any work.
    public static func checkTarget(_ out: String) throws {
        let fm = FileManager.default
        let target = URL(fileURLWithPath: out).standardizedFileURL
        if fm.fileExists(atPath: target.path) {
            throw OperationError(.invalid, "\(out) already exists; an audit bundle is written to a new directory (pick another --out)")
        }
        let parent = target.deletingLastPathComponent()
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: parent.path, isDirectory: &isDir), isDir.boolValue else {
            throw OperationError(.invalid, "cannot write \(out): its parent directory \(parent.path) does not exist")
        }
        guard fm.isWritableFile(atPath: parent.path) else {
            throw OperationError(.invalid, "cannot write \(out): \(parent.path) is not writable")
        }
    }

    /// Fills a hidden temporary directory beside `out` with `fill`, then renames it to `out`;
    /// on any error the temporary directory is removed and nothing is left at `out`.
    static func writeDirectory<T>(_ out: String, _ fill: (URL) throws -> T) throws -> T {
        let fm = FileManager.default
        let target = URL(fileURLWithPath: out).standardizedFileURL
        let parent = target.deletingLastPathComponent()
        let temp = parent.appendingPathComponent(".\(target.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)")
        try? fm.removeItem(at: temp)
        do {
            try fm.createDirectory(at: temp, withIntermediateDirectories: false)
            let value = try fill(temp)
            try fm.moveItem(at: temp, to: target)
            return value
        } catch let e as OperationError {
            try? fm.removeItem(at: temp)
            throw e
        } catch {
            try? fm.removeItem(at: temp)
            throw OperationError(.invalid, "cannot write the bundle to \(out): \(error.localizedDescription)")
        }
    }

    /// What `verify` found: files whose content differs from the manifest, files it does not
    /// list, files it lists that are gone.
    public struct Verification: Codable, Sendable, Equatable {
        public var checked: Int
        public var changed: [String]
        public var added: [String]
        public var missing: [String]
        public var ok: Bool { changed.isEmpty && added.isEmpty && missing.isEmpty }
    }

    public static func verify(_ dir: String) throws -> Verification {
        let fm = FileManager.default
        let root = URL(fileURLWithPath: dir)
        let manifestBytes: Data
        do { manifestBytes = try Data(contentsOf: root.appendingPathComponent(manifestName)) } catch {
            throw OperationError(.notFound, "\(dir) has no readable \(manifestName): not an audit bundle")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let manifest: Manifest
        do { manifest = try decoder.decode(Manifest.self, from: manifestBytes) } catch {
            throw OperationError(.invalid, "\(dir)/\(manifestName) is not a bundle manifest: \(error)")
        }
        var present: Set<String> = []
        if let walker = fm.enumerator(atPath: dir) {
            while let rel = walker.nextObject() as? String {
                var isDir: ObjCBool = false
                if fm.fileExists(atPath: root.appendingPathComponent(rel).path, isDirectory: &isDir), !isDir.boolValue, rel != manifestName {
                    present.insert(rel)
                }
            }
        }
        var changed: [String] = [], missing: [String] = []
        for f in manifest.files {
            guard present.contains(f.path), let data = fm.contents(atPath: root.appendingPathComponent(f.path).path) else { missing.append(f.path); continue }
            if data.count != f.bytes || sha256Hex(data) != f.sha256 { changed.append(f.path) }
        }
        let listed = Set(manifest.files.map(\.path))
        return Verification(checked: manifest.files.count, changed: changed.sorted(), added: present.subtracting(listed).sorted(),
                            missing: missing.sorted())
    }
}

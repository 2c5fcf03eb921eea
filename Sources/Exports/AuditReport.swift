import Foundation
import Operations

/// `report.html`: the audit as a readable report that prints, in Indonesian with English
/// beside it (regulations.md R60). Self-contained: inline CSS, charts drawn here as inline SVG,
/// no script, font, image or link to load (a Content-Security-Policy of `default-src 'none'`
/// says so to the browser). Pure and deterministic: the same result gives the same bytes.
/// The classification label heads the screen and heads and foots every printed page. Long lists that belong in a
/// spreadsheet (every interface, every finding event) are counted here and named by file.
public enum AuditReport {
    public static let fileName = "report.html"
    /// Longer per-device tables (a regency's thousands of devices) are given per PD in the report,
    /// their rows left to the CSV files: a browser printing tens of thousands of rows needs more
    /// than a gigabyte, and no reader pages through them.
    public static let tableRowLimit = 1_000

    /// Rows "PD, count of each column value" for a per-PD summary, by PD code ("-" for none).
    static func perPD(_ items: [(pd: String?, value: String)], columns: [String]) -> [[String]] {
        var counts: [String: [String: Int]] = [:]
        for i in items { counts[i.pd ?? "-", default: [:]][i.value, default: 0] += 1 }
        return counts.keys.sorted().map { pd in [pd] + columns.map { String(counts[pd]?[$0] ?? 0) } }
    }

    public static func html(_ r: AuditExport.Result) -> String {
        var h = HTML()
        let s = r.scope
        let label = s.classification
        h.raw("<!DOCTYPE html>\n<html lang=\"id\">\n<head>\n<meta charset=\"utf-8\">\n")
        h.raw("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
        h.raw("<title>"); h.text("Laporan Audit Infrastruktur TIK / ICT Infrastructure Audit: \(scopeName(r)) \(s.period)"); h.raw("</title>\n")
        h.raw("<style>\n\(css)\(pageCSS(label))</style>\n</head>\n<body>\n")
        if let label {
            h.raw("<div class=\"cls\">"); h.text(label); h.raw("</div>\n")
        }
        h.raw("<main>\n<header>\n<h1>Laporan Audit Infrastruktur TIK<br><span class=\"en\">ICT Infrastructure Audit Report</span></h1>\n")
        h.raw("<table class=\"facts\">\n")
        func fact(_ id: String, _ en: String, _ value: String) {
            h.raw("<tr><th>"); h.text(id); h.raw(" <span class=\"en\">/ "); h.text(en); h.raw("</span></th><td>"); h.text(value); h.raw("</td></tr>\n")
        }
        fact("Cakupan", "Scope", scopeName(r))
        fact("Periode", "Period", "\(s.period): \(AuditBundle.time(s.from)) .. \(AuditBundle.time(s.to)) (\(s.timeZone))")
        fact("Status per", "As of", AuditBundle.time(s.asOf))
        fact("Profil daerah", "Regional profile", s.perbup ?? "tidak ada / none")
        fact("Lampiran spesifikasi", "Spec annex", s.annex.map { "\($0.source) \($0.version), berlaku / effective \($0.effective) (\($0.file))" } ?? "tidak ada / none")
        fact("Rentang data", "Data range", r.empty ? "TIDAK ADA data dalam periode ini / NO data in this period"
             : "\(AuditBundle.time(r.dataFrom)) .. \(AuditBundle.time(r.dataTo))")
        if let label { fact("Klasifikasi", "Classification", label) }
        h.raw("</table>\n")
        if !r.notes.isEmpty {
            h.raw("<ul class=\"notes\">\n")
            for n in r.notes { h.raw("<li>"); h.text(n); h.raw("</li>\n") }
            h.raw("</ul>\n")
        }
        h.raw("</header>\n")

        // Summary.
        let open = r.findings.filter { $0.status != "resolved" }.count
        let monitored = r.availability.reduce(0) { $0 + $1.monitoredSeconds }, down = r.availability.reduce(0) { $0 + $1.downSeconds }
        h.section("Ringkasan", "Summary")
        h.table(["Perangkat Daerah" / "PDs", "Perangkat" / "Devices", "Interface" / "Interfaces", "Temuan aktif" / "Open findings",
                 "Ketersediaan rata-rata (%)" / "Overall availability (%)", "Gangguan" / "Outages"],
                [[String(r.pds.count), String(r.devices.count), String(r.interfaces.count), String(open),
                  monitored > 0 ? pct((1 - down / monitored) * 100) : "-", String(r.outages.count)]], numeric: [0, 1, 2, 3, 4, 5])

        // Availability.
        h.section("Ketersediaan", "Availability")
        if r.availabilityByPD.isEmpty && r.availabilityByHosting.isEmpty {
            h.para("Tidak ada poll status dalam periode ini.", "No status polls in this period.")
        } else {
            h.raw(barChart(title: "Ketersediaan per PD (%) / Availability per PD (%)",
                           bars: r.availabilityByPD.map { ($0.group, $0.availabilityPercent) }, maximum: 100, unit: "%", reference: nil))
            h.table(["Kode PD" / "PD code", "Perangkat" / "Devices", "Ketersediaan (%)" / "Availability (%)", "Waktu padam" / "Down time"],
                    r.availabilityByPD.map { [$0.group, String($0.devices), pct($0.availabilityPercent), duration($0.downSeconds)] }, numeric: [1, 2, 3])
            h.table(["Jenis hosting" / "Hosting type", "Perangkat" / "Devices", "Ketersediaan (%)" / "Availability (%)", "Waktu padam" / "Down time"],
                    r.availabilityByHosting.map { [$0.group, String($0.devices), pct($0.availabilityPercent), duration($0.downSeconds)] }, numeric: [1, 2, 3])
            h.sub("Per perangkat", "Per device")
            if r.availability.count > tableRowLimit {
                h.para("\(r.availability.count) perangkat, per PD di atas; daftar lengkap per perangkat: availability_devices.csv.",
                       "\(r.availability.count) devices, per PD above; the full list per device: availability_devices.csv.")
            } else {
                h.table(["Perangkat" / "Device", "Kode PD" / "PD code", "Hosting" / "Hosting", "Ketersediaan (%)" / "Availability (%)",
                         "Waktu padam" / "Down time", "Gangguan" / "Outages", "Reboot" / "Reboots"],
                        r.availability.map { [$0.device, $0.pd ?? "", $0.hosting ?? "", pct($0.availabilityPercent), duration($0.downSeconds),
                                              String($0.outages), String($0.reboots)] }, numeric: [3, 4, 5, 6])
            }
            h.sub("Gangguan", "Outages")
            if r.outages.isEmpty { h.para("Tidak ada gangguan.", "No outages.") } else {
                h.table(["Perangkat" / "Device", "Kode PD" / "PD code", "Mulai" / "Start", "Selesai" / "End", "Durasi" / "Duration", "Poll terlewat" / "Missed polls"],
                        r.outages.map { [$0.device, $0.pd ?? "", AuditBundle.time($0.start), AuditBundle.time($0.end), duration($0.durationSeconds),
                                         String($0.missedPolls)] }, numeric: [4, 5])
            }
        }

        // Bandwidth.
        h.section("Bandwidth per PD", "Bandwidth per PD")
        if r.bandwidth.isEmpty { h.para("Tidak ada data bandwidth (registry atau uplink tidak ada).", "No bandwidth data (no registry or uplinks).") } else {
            if r.bandwidth.contains(where: { $0.samples > 0 }) { h.raw(trafficChart(r.bandwidth)) } else {
                h.para("Tidak ada sampel lalu lintas pada uplink PD dalam periode ini.", "No traffic samples on the PDs' uplinks in this period.")
            }
            h.table(["Kode PD" / "PD code", "Disetujui (Mbps)" / "Approved (Mbps)", "Sampel" / "Samples", "Rata-rata (Mbps)" / "Average (Mbps)",
                     "Persentil ke-95 (Mbps)" / "95th percentile (Mbps)", "Puncak (Mbps)" / "Peak (Mbps)", "Pemakaian alokasi (%)" / "Allocation use (%)"],
                    r.bandwidth.map { [$0.pd, $0.approvedMbps.map(mbpsText) ?? "-", String($0.samples), mbps($0.averageBPS), mbps($0.p95BPS.map(Double.init)),
                                       mbps($0.peakBPS.map(Double.init)), $0.allocationUsePercent.map(pct) ?? "-"] }, numeric: [1, 2, 3, 4, 5, 6])
        }

        // Findings.
        h.section("Temuan", "Findings")
        if r.findings.isEmpty { h.para("Tidak ada temuan dalam periode ini.", "No findings in this period.") } else {
            h.table(["No." / "ID", "Kode" / "Code", "Tingkat" / "Severity", "Kode PD" / "PD code", "Uraian" / "Message", "Status" / "Status",
                     "Pertama terlihat" / "First seen", "Dasar hukum (Pasal/ayat)" / "Legal basis"],
                    r.findings.map { [String($0.id), $0.code, $0.severity, $0.pd ?? "", $0.message, $0.status, AuditBundle.time($0.firstSeen), $0.basis] },
                    numeric: [0])
            h.para("Riwayat status tiap temuan (\(r.findingHistory.count) kejadian): finding_history.csv.",
                   "Each finding's status history (\(r.findingHistory.count) events): finding_history.csv.")
        }

        // Diagram compliance.
        h.section("Kepatuhan penyerahan diagram LAN", "LAN diagram submission compliance")
        if r.diagrams.isEmpty { h.para("Tidak dinilai (tanpa profil daerah atau registry).", "Not assessed (no regional profile or registry).") } else {
            h.table(["Kode PD" / "PD code", "Nama Perangkat Daerah" / "PD name", "Status" / "State", "Versi" / "Version", "Diserahkan" / "Submitted",
                     "Oleh" / "By", "Batas waktu" / "Due", "Dasar hukum" / "Basis"],
                    r.diagrams.map { [$0.pd, $0.name, $0.state, $0.latestVersion.map(String.init) ?? "-", AuditBundle.time($0.submittedAt),
                                      $0.submitter ?? "", $0.dueDate ?? "", $0.basis ?? ""] }, numeric: [3])
        }

        // Spec annex.
        h.section("Kesesuaian dengan lampiran spesifikasi", "Spec annex compliance")
        h.table(["Perolehan" / "Acquired", "Memenuhi" / "Meets", "Di bawah spesifikasi" / "Below spec", "Tidak dapat dinilai" / "Cannot be assessed"],
                r.specSummary.map { [acquiredText($0.acquiredPeriod), String($0.meets), String($0.below), String($0.cannotAssess)] }, numeric: [1, 2, 3])
        if r.spec.count > tableRowLimit {
            h.table(["Kode PD" / "PD code", "Memenuhi" / "Meets", "Di bawah spesifikasi" / "Below spec", "Tidak dapat dinilai" / "Cannot be assessed"],
                    perPD(r.spec.map { ($0.pd, $0.verdict) }, columns: ["meets", "below", "cannot_assess"]), numeric: [1, 2, 3])
            h.para("\(r.spec.count) perangkat; hasil dan rincian tiap perangkat: spec_annex.csv.",
                   "\(r.spec.count) devices; each device's verdict and details: spec_annex.csv.")
        } else if !r.spec.isEmpty {
            h.table(["Perangkat" / "Device", "Kode PD" / "PD code", "Sumber" / "From", "Kelas" / "Class", "Diperoleh" / "Acquired",
                     "Hasil" / "Verdict", "Rincian" / "Details"],
                    r.spec.map { [$0.device, $0.pd ?? "", $0.from, $0.deviceClass ?? "", $0.acquired ?? "", $0.verdict, $0.details.joined(separator: "; ")] },
                    numeric: [])
        }

        // Assets and topology.
        h.section("Daftar aset: terdaftar dan terlihat", "Asset lists: registered and seen")
        let states: [(String, String, String)] = [("registered_seen", "Terdaftar dan terlihat", "Registered and seen"),
                                                  ("registered_not_seen", "Terdaftar, tidak terlihat", "Registered, not seen"),
                                                  ("seen_not_registered", "Terlihat, tidak terdaftar", "Seen, not registered")]
        h.table(["Daftar" / "List", "Jumlah" / "Count"], states.map { st in ["\(st.1) / \(st.2)", String(r.assets.filter { $0.state == st.0 }.count)] }, numeric: [1])
        if r.assets.count > tableRowLimit {
            h.table(["Kode PD" / "PD code", "Terdaftar dan terlihat" / "Registered and seen", "Terdaftar, tidak terlihat" / "Registered, not seen",
                     "Terlihat, tidak terdaftar" / "Seen, not registered"],
                    perPD(r.assets.map { ($0.pd, $0.state) }, columns: states.map(\.0)), numeric: [1, 2, 3])
            h.para("\(r.assets.count) aset; daftar lengkap: assets.csv.", "\(r.assets.count) assets; the full lists: assets.csv.")
        }
        for (state, id, en) in states where r.assets.count <= tableRowLimit {
            let rows = r.assets.filter { $0.state == state }
            guard !rows.isEmpty else { continue }
            h.sub(id, en)
            h.table(["Kode PD" / "PD code", "Dideklarasikan" / "Declared", "Peran" / "Role", "No. register aset" / "Asset register no.",
                     "Diperoleh" / "Acquired", "Terlihat sebagai" / "Seen as", "Sumber" / "Sources", "Dicocokkan dengan" / "Matched on"],
                    rows.map { a in [a.pd, a.declared ?? "", a.role ?? "", a.registerNumber ?? "", a.acquired ?? "", a.observed ?? "",
                                     a.sources.joined(separator: " "), a.matchRule.map { "\($0) \(a.matchValue ?? "")" } ?? ""] },
                    numeric: [])
        }
        h.section("Topologi: dideklarasikan dan teramati", "Topology: declared and observed")
        if r.links.isEmpty { h.para("Tidak ada tautan yang dideklarasikan atau teramati.", "No declared or observed links.") } else {
            h.table(["Kode PD" / "PD code", "Ujung A" / "End A", "Port A" / "Port A", "Ujung B" / "End B", "Port B" / "Port B", "Status" / "State",
                     "Protokol" / "Protocol"],
                    r.links.map { [$0.pd, $0.a, $0.aPort ?? "", $0.b, $0.bPort ?? "", linkText($0.state), $0.protocolName ?? ""] }, numeric: [])
        }

        // Inventory.
        h.section("Inventaris perangkat", "Device inventory")
        if r.devices.isEmpty { h.para("Tidak ada perangkat.", "No devices.") } else if r.devices.count > tableRowLimit {
            var byPD: [String: (devices: Int, interfaces: Int)] = [:]
            for d in r.devices { byPD[d.pd ?? "-", default: (0, 0)].devices += 1; byPD[d.pd ?? "-", default: (0, 0)].interfaces += d.interfaces }
            h.table(["Kode PD" / "PD code", "Perangkat" / "Devices", "Interface" / "Interfaces"],
                    byPD.keys.sorted().map { [$0, String(byPD[$0]!.devices), String(byPD[$0]!.interfaces)] }, numeric: [1, 2])
            h.para("Daftar lengkap \(r.devices.count) perangkat: devices.csv; \(r.interfaces.count) interface: interfaces.csv.",
                   "The full list of \(r.devices.count) devices: devices.csv; of \(r.interfaces.count) interfaces: interfaces.csv.")
        } else {
            h.table(["Perangkat" / "Device", "Kode PD" / "PD code", "Pembuat" / "Vendor", "Model" / "Model", "Nomor seri" / "Serial",
                     "Firmware" / "Firmware", "Lokasi" / "Location", "Hosting" / "Hosting", "Interface" / "Interfaces"],
                    r.devices.map { [$0.device, $0.pd ?? "", $0.vendor ?? "", $0.model ?? "", $0.serial ?? "", $0.firmware ?? "", $0.location ?? "",
                                     $0.hosting ?? "", String($0.interfaces)] }, numeric: [8])
            h.para("Daftar lengkap \(r.interfaces.count) interface: interfaces.csv.", "The full list of \(r.interfaces.count) interfaces: interfaces.csv.")
        }
        h.raw("<footer>")
        h.text("Dibuat oleh Pantau \(PantauVersion.current). Periksa keaslian berkas dengan: pantau export verify DIR (manifest.json memuat SHA-256 tiap berkas).")
        h.raw("<br><span class=\"en\">")
        h.text("Made by Pantau \(PantauVersion.current). Check the bundle with: pantau export verify DIR (manifest.json lists every file's SHA-256).")
        h.raw("</span></footer>\n</main>\n</body>\n</html>\n")
        return h.out
    }

    static func scopeName(_ r: AuditExport.Result) -> String {
        r.scope.pds.isEmpty ? "Seluruh kabupaten / Regency-wide" + (r.scope.regency.map { " (\($0))" } ?? "")
            : r.pds.map { "\($0.pd) (\($0.name))" }.joined(separator: ", ")
    }

    static func acquiredText(_ p: String) -> String {
        switch p {
        case "before_effective": "Sebelum berlaku / Before the annex took effect"
        case "on_or_after_effective": "Sejak berlaku / On or after it took effect"
        default: "Tanggal tidak diketahui / Date unknown"
        }
    }

    static func linkText(_ s: String) -> String {
        switch s {
        case "declared_observed": "dideklarasikan dan teramati / declared and observed"
        case "declared_not_observed": "dideklarasikan, tidak teramati / declared, not observed"
        case "cannot_check": "tidak dapat diperiksa / cannot be checked"
        default: "teramati, tidak dideklarasikan / observed, not declared"
        }
    }

    public static func pct(_ v: Double) -> String { String(format: "%.3f", v) }
    static func mbpsText(_ v: Double) -> String { String(format: "%.1f", v) }
    static func mbps(_ bps: Double?) -> String { bps.map { String(format: "%.2f", $0 / 1_000_000) } ?? "-" }
    static func duration(_ s: Double) -> String {
        let t = Int(s.rounded())
        return t >= 3600 ? String(format: "%dj %02dm", t / 3600, t % 3600 / 60) : String(format: "%dm %02dd", t / 60, t % 60)
    }

    // MARK: Charts (inline SVG)

    /// Horizontal bars, one per label, scaled to `maximum`; a dashed line at `reference`.
    static func barChart(title: String, bars: [(String, Double)], maximum: Double, unit: String, reference: Double?) -> String {
        let rowH = 22.0, left = 150.0, width = 640.0, plot = width - left - 70
        let height = 34 + rowH * Double(max(bars.count, 1)) + 10
        var svg = "<figure><svg width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(escape(title))\">"
        svg += "<text x=\"0\" y=\"16\" class=\"t\">\(escape(title))</text>"
        for (i, (label, v)) in bars.enumerated() {
            let y = 30 + rowH * Double(i)
            let w = maximum > 0 ? max(0, min(v, maximum)) / maximum * plot : 0
            let low = unit == "%" && v < 99
            svg += "<text x=\"\(Int(left - 6))\" y=\"\(fmt(y + 14))\" text-anchor=\"end\">\(escape(label))</text>"
            svg += "<rect x=\"\(Int(left))\" y=\"\(fmt(y + 3))\" width=\"\(fmt(plot))\" height=\"\(fmt(rowH - 6))\" class=\"bg\"/>"
            svg += "<rect x=\"\(Int(left))\" y=\"\(fmt(y + 3))\" width=\"\(fmt(w))\" height=\"\(fmt(rowH - 6))\" class=\"\(low ? "bar low" : "bar")\"/>"
            svg += "<text x=\"\(fmt(left + plot + 6))\" y=\"\(fmt(y + 14))\">\(String(format: "%.2f", v))\(escape(unit))</text>"
        }
        if let reference, maximum > 0 {
            let x = left + min(reference, maximum) / maximum * plot
            svg += "<line x1=\"\(fmt(x))\" y1=\"26\" x2=\"\(fmt(x))\" y2=\"\(fmt(height - 6))\" class=\"ref\"/>"
        }
        return svg + "</svg></figure>\n"
    }

    /// Per PD: average, 95th percentile and peak (Mbps) as three bars, the approved allocation as a tick.
    static func trafficChart(_ rows: [AuditExport.BandwidthRow]) -> String {
        let title = "Lalu lintas per PD (Mbps): rata-rata, persentil ke-95, puncak; garis = alokasi disetujui / Traffic per PD (Mbps): average, 95th percentile, peak; line = approved allocation"
        let groupH = 40.0, left = 150.0, width = 640.0, plot = width - left - 80
        let height = 48 + groupH * Double(max(rows.count, 1)) + 10
        let values = rows.flatMap { r in [r.averageBPS, r.p95BPS.map(Double.init), r.peakBPS.map(Double.init), r.approvedMbps.map { $0 * 1_000_000 }].compactMap { $0 } }
        let maximum = max(values.max() ?? 1, 1)
        var svg = "<figure><svg width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(escape(title))\">"
        svg += "<text x=\"0\" y=\"14\" class=\"t\">\(escape(String(title.prefix(while: { $0 != "/" }))))</text>"
        svg += "<text x=\"0\" y=\"30\" class=\"t en\">\(escape(String(title.drop(while: { $0 != "/" }).dropFirst(2))))</text>"
        for (i, r) in rows.enumerated() {
            let y = 42 + groupH * Double(i)
            svg += "<text x=\"\(Int(left - 6))\" y=\"\(fmt(y + 22))\" text-anchor=\"end\">\(escape(r.pd))</text>"
            for (j, (v, cls)) in [(r.averageBPS, "avg"), (r.p95BPS.map(Double.init), "p95"), (r.peakBPS.map(Double.init), "peak")].enumerated() {
                let w = (v ?? 0) / maximum * plot
                let by = y + 4 + Double(j) * 11
                svg += "<rect x=\"\(Int(left))\" y=\"\(fmt(by))\" width=\"\(fmt(w))\" height=\"9\" class=\"\(cls)\"/>"
                svg += "<text x=\"\(fmt(left + w + 4))\" y=\"\(fmt(by + 8))\" class=\"s\">\(v.map { String(format: "%.2f", $0 / 1_000_000) } ?? "-")</text>"
            }
            if let approved = r.approvedMbps {
                let x = left + approved * 1_000_000 / maximum * plot
                svg += "<line x1=\"\(fmt(x))\" y1=\"\(fmt(y + 1))\" x2=\"\(fmt(x))\" y2=\"\(fmt(y + 39))\" class=\"ref\"/>"
            }
        }
        return svg + "</svg><figcaption><span class=\"k avg\"></span> rata-rata / average <span class=\"k p95\"></span> persentil ke-95 / 95th percentile <span class=\"k peak\"></span> puncak / peak</figcaption></figure>\n"
    }

    /// The printed page: A4, the classification label in the top and bottom margins of every
    /// page (CSS page-margin boxes) and the page number.
    static func pageCSS(_ label: String?) -> String {
        let mark = label.map { "content: \(cssString($0)); color: #b00020; font: bold 9pt \"DejaVu Sans\", sans-serif; letter-spacing: 1px;" } ?? ""
        return """
            @page {
              size: A4; margin: 18mm 12mm 16mm 12mm;
              @top-center { \(mark) }
              @bottom-center { \(mark) }
              @bottom-right { content: counter(page) " / " counter(pages); font: 8pt "DejaVu Sans", sans-serif; color: #555; }
            }

            """
    }

    /// A CSS string literal: quotes, backslashes, `<` (so no `</style>`) and controls as escapes.
    static func cssString(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            if c == "\"" || c == "\\" || c == "<" || c == ">" || c == "&" || c.value < 0x20 || c.value == 0x7F {
                out += "\\" + String(c.value, radix: 16) + " "
            } else { out.unicodeScalars.append(c) }
        }
        return out + "\""
    }

    static func fmt(_ v: Double) -> String { String(format: "%.1f", v) }

    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Control characters from devices are shown as their code, never passed through.
                if c.value < 0x20 && c != "\n" && c != "\t" || c.value == 0x7F { out += "&#\(c.value);" } else { out.unicodeScalars.append(c) }
            }
        }
        return out
    }

    static let css = """
        body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10pt; color: #111; margin: 0; }
        main { max-width: 1100px; margin: 0 auto; padding: 28px 16px; }
        h1 { font-size: 18pt; margin: 0 0 10px; }
        h2 { font-size: 13pt; margin: 22px 0 8px; border-bottom: 2px solid #1d4e89; padding-bottom: 3px; break-after: avoid; }
        h3 { font-size: 11pt; margin: 14px 0 6px; break-after: avoid; }
        .en { color: #555; font-weight: normal; }
        table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
        th, td { border: 1px solid #bbb; padding: 3px 5px; text-align: left; vertical-align: top; overflow-wrap: break-word; }
        thead th { background: #e6edf5; font-size: 9pt; }
        thead { display: table-header-group; }
        tr { break-inside: avoid; }
        td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        table.facts { width: auto; }
        table.facts th { background: #f2f2f2; width: 14em; }
        ul.notes { background: #fff6d6; border: 1px solid #e0c860; padding: 6px 6px 6px 24px; }
        figure { margin: 8px 0 12px; break-inside: avoid; }
        figcaption { font-size: 9pt; }
        svg text { font-family: inherit; font-size: 11px; fill: #111; }
        svg text.t { font-weight: bold; font-size: 12px; }
        svg text.en { font-weight: normal; fill: #555; }
        svg text.s { font-size: 9px; }
        svg .bg { fill: #eef1f4; }
        svg .bar { fill: #2f7d32; }
        svg .low { fill: #c62828; }
        svg .avg, .k.avg { fill: #90caf9; background: #90caf9; }
        svg .p95, .k.p95 { fill: #1e88e5; background: #1e88e5; }
        svg .peak, .k.peak { fill: #0d2f6b; background: #0d2f6b; }
        svg .ref { stroke: #c62828; stroke-width: 2; stroke-dasharray: 4 3; }
        .k { display: inline-block; width: 10px; height: 10px; margin: 0 3px 0 10px; }
        footer { margin-top: 24px; font-size: 9pt; color: #333; }
        .cls { position: sticky; top: 0; text-align: center; font-weight: bold; color: #b00020; font-size: 9pt; letter-spacing: 1px;
               background: #fff; padding: 3px; border-bottom: 1px solid #b00020; }
        @media print { main { padding: 0; max-width: none; } .cls { display: none; } }

        """
}

/// "Indonesian" / "English": a bilingual column header.
struct Header {
    var id: String
    var en: String
}

func / (id: String, en: String) -> Header { Header(id: id, en: en) }

/// A small HTML writer: text is always escaped, markup is written as given.
struct HTML {
    var out = ""

    mutating func raw(_ s: String) { out += s }
    mutating func text(_ s: String) { out += AuditReport.escape(s) }

    mutating func section(_ id: String, _ en: String) {
        raw("<h2>"); text(id); raw(" <span class=\"en\">/ "); text(en); raw("</span></h2>\n")
    }

    mutating func sub(_ id: String, _ en: String) {
        raw("<h3>"); text(id); raw(" <span class=\"en\">/ "); text(en); raw("</span></h3>\n")
    }

    mutating func para(_ id: String, _ en: String) {
        raw("<p>"); text(id); raw(" <span class=\"en\">"); text(en); raw("</span></p>\n")
    }

    mutating func table(_ headers: [Header], _ rows: [[String]], numeric: Set<Int>) {
        raw("<table>\n<thead><tr>")
        for hd in headers { raw("<th>"); text(hd.id); raw("<br><span class=\"en\">"); text(hd.en); raw("</span></th>") }
        raw("</tr></thead>\n<tbody>\n")
        for row in rows {
            raw("<tr>")
            for (i, c) in row.enumerated() { raw(numeric.contains(i) ? "<td class=\"n\">" : "<td>"); text(c); raw("</td>") }
            raw("</tr>\n")
        }
        raw("</tbody>\n</table>\n")
    }
}

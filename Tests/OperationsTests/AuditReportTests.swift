import Compression
import Exports
import Foundation
import Governance
import InventoryModel
import InventoryStore
import InventoryTesting
import Operations
import Testing

/// The audit bundle's report: `report.html` opened in real headless Chromium (a screenshot
/// taken and looked at pixel by pixel: charts drawn, nothing blank; no console message, so no
/// blocked request), `report.pdf` rendered by Chromium (page count by `pdfinfo`, text by
/// `pdftotext`), the spec-annex, asset and topology tables, and the manifest over them all.
/// The lab store is `AuditExportTests.store()`; the annex is the example one.
@Suite(.serialized) struct AuditReportTests {
    static let label = "TERBATAS / RESTRICTED"

    func result(_ store: PantauStore, pds: [String] = []) throws -> AuditExport.Result {
        var request = AuditExport.Request(period: "2026-11", pds: pds, annex: try SpecAnnex.load(path: Lab.repo + "/config/examples/annex.example.yaml"))
        request.classification = Self.label
        return try AuditExport(store: store, clock: FixedClock(AuditExportTests.now)).run(request)
    }

    static func chromium() throws -> String { try ChromiumPDF().resolved() }

    /// The lab store with a day of 5-minute counter polls on Diskominfo's and Bappeda's uplinks
    /// (the registry's boundary routers), so the bandwidth chart has figures.
    static func store() async throws -> PantauStore {
        let store = try await AuditExportTests.store()
        let recorder = TrafficRecorder(store: store, clock: FixedClock(AuditExportTests.now))
        for (device, port, base) in [("rtr-diskominfo", "ge-0/0/0", 60.0), ("bappeda-gw", "WAN Telkom", 20.0)] {
            var inOctets: UInt64 = 0, outOctets: UInt64 = 0
            let polls = (0...288).map { k in
                if k > 0 {
                    // A working-day shape: busier 08:00-16:00 WITA (k 96...192), a peak at noon.
                    let mbps = base * (k >= 96 && k < 192 ? 1.6 : 0.5) + (k == 144 ? base : 0)
                    inOctets += UInt64(mbps * 1_000_000 / 8 * 300); outOctets += UInt64(mbps * 250_000 / 8 * 300)
                }
                return CounterPoll(device: device, time: AuditExportTests.day.addingTimeInterval(Double(k * 300)), sysUpTime: UInt32(1_000 + k * 30_000),
                                   interfaces: [InterfaceCounterSnapshot(ifIndex: 2, name: port, alias: port, speed: 1_000_000_000,
                                                                         hcInOctets: inOctets, hcOutOctets: outOctets, inErrors: 0, outErrors: 0)])
            }
            _ = try recorder.record(polls, pollInterval: 300)
        }
        return store
    }

    @Test func reportRendersInChromiumWithChartsAndNoRequests() async throws {
        let store = try await Self.store()
        let r = try result(store)
        let html = AuditReport.html(r)
        // Self-contained: no script, no URL, nothing to fetch; every section there.
        for banned in ["<script", "http:", "https:", "src=", "href=", "@import", "url("] {
            #expect(!html.contains(banned), "report.html holds \(banned)")
        }
        #expect(html.contains("default-src 'none'") && html.components(separatedBy: "<svg").count - 1 == 2)
        #expect(html.contains(">\(AuditReport.pct(try #require(r.availabilityByPD.first { $0.group == "DINKES" }).availabilityPercent))<"))
        for heading in ["Ketersediaan", "Bandwidth per PD", "Temuan", "Kepatuhan penyerahan diagram LAN", "Kesesuaian dengan lampiran spesifikasi",
                        "Daftar aset", "Topologi", "Inventaris perangkat", Self.label] {
            #expect(html.contains(heading), "no \(heading)")
        }
        #expect(AuditReport.html(r) == html, "rendering is deterministic")
        // Text from devices and the configuration is escaped, in the page and in its CSS.
        var hostile = r
        hostile.scope.classification = "X\"}</style><script>alert(1)</script>"
        hostile.devices[0].location = "<img src=x onerror=alert(1)>\u{1B}[2J"
        let escaped = AuditReport.html(hostile)
        #expect(!escaped.contains("<script") && !escaped.contains("</style><") && !escaped.contains("<img") && !escaped.contains("\u{1B}"))
        #expect(escaped.contains("&lt;img src=x onerror=alert(1)&gt;&#27;[2J"))

        let dir = try Lab.temporaryDirectory("audit-report")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try html.write(toFile: dir + "/report.html", atomically: true, encoding: .utf8)
        let shot = dir + "/report.png"
        let (width, height) = (1280, 2200)
        let browser = try run(try Self.chromium(), [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=\(dir)/profile", "--enable-logging=stderr", "--v=0",
            "--window-size=\(width),\(height)", "--proxy-server=127.0.0.1:9", "--screenshot=\(shot)", URL(fileURLWithPath: dir + "/report.html").absoluteString,
        ], environment: ["HOME": dir], timeout: 120)
        #expect(browser.status == 0, "\(browser.stderr)")
        // The page logged nothing to the console: no error, and no request refused by its policy.
        let console = browser.stderr.components(separatedBy: "\n").filter { $0.contains("CONSOLE") || $0.contains("Refused to") || $0.contains("net::ERR") }
        #expect(console.isEmpty, "\(console)")
        let png = try PNGImage(contentsOf: shot)
        #expect(png.width == width && png.height == height)
        let pixels = width * height
        let inked = png.count { r, g, b in r < 200 || g < 200 || b < 200 }
        #expect(Double(inked) / Double(pixels) > 0.02, "the screenshot is nearly blank (\(inked) inked pixels)")
        // The availability chart's bars: green (#2f7d32) and, for Dinkes's hour down, red (#c62828).
        let green = png.count { r, g, b in abs(r - 0x2F) < 12 && abs(g - 0x7D) < 12 && abs(b - 0x32) < 12 }
        let red = png.count { r, g, b in abs(r - 0xC6) < 12 && abs(g - 0x28) < 12 && abs(b - 0x28) < 12 }
        #expect(green > 2000 && red > 10, "chart colours: \(green) green, \(red) red pixels")
        // The traffic chart's 95th-percentile bars (#1e88e5) for the two PDs with samples.
        let blue = png.count { r, g, b in abs(r - 0x1E) < 12 && abs(g - 0x88) < 12 && abs(b - 0xE5) < 12 }
        #expect(blue > 500, "\(blue) pixels of the traffic chart's 95th percentile")
        #expect(r.bandwidth.filter { $0.samples > 0 }.map(\.pd) == ["BAPPEDA", "DISKOMINFO"])
        if let keep = ProcessInfo.processInfo.environment["PANTAU_REPORT_SHOTS"] {
            try? FileManager.default.createDirectory(atPath: keep, withIntermediateDirectories: true)
            try? FileManager.default.removeItem(atPath: keep + "/report-regency.png")
            try FileManager.default.copyItem(atPath: shot, toPath: keep + "/report-regency.png")
        }
    }

    @Test func pdfIsRenderedPaginatedAndCarriesTheFigures() async throws {
        let store = try await Self.store()
        let r = try result(store)
        let dir = try Lab.temporaryDirectory("audit-pdf")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/bundle"
        let manifest = try AuditBundle.write(r, formats: [.csv, .json, .html, .pdf], to: out, exportedAt: AuditExportTests.now,
                                             renderPDF: { try ChromiumPDF().render(html: $0) })
        #expect(manifest.files.map(\.path).contains("report.pdf") && manifest.files.map(\.path).contains("report.html"))
        #expect(manifest.notReproducible == ["report.pdf"] && manifest.annex?.version == r.scope.annex?.version && manifest.annex != nil)
        #expect(manifest.classification == Self.label)
        let info = try run("/usr/bin/pdfinfo", [out + "/report.pdf"])
        #expect(info.status == 0, "\(info.stderr)")
        let pages = info.stdout.components(separatedBy: "\n").first { $0.hasPrefix("Pages:") }.flatMap { Int($0.dropFirst(6).trimmingCharacters(in: .whitespaces)) }
        #expect((pages ?? 0) >= 2 && (pages ?? 0) < 40, "\(info.stdout)")
        #expect(info.stdout.contains("(A4)"), "A4: \(info.stdout)")
        let text = try run("/usr/bin/pdftotext", ["-layout", out + "/report.pdf", "-"])
        #expect(text.status == 0)
        // PD names, figures (Dinkes's availability, its outage), the annex, the label on every page.
        let dinkes = try #require(r.availability.first { $0.device == "sw-dinkes" })
        for needle in ["Dinas Kesehatan", "DINKES", "BAPPEDA", AuditReport.pct(dinkes.availabilityPercent), "sw-dinkes", r.scope.annex?.version ?? "?",
                       "Pasal"] {
            #expect(text.stdout.contains(needle), "the PDF's text has no \(needle)")
        }
        let pageTexts = text.stdout.components(separatedBy: "\u{0C}").filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        #expect(pageTexts.count == pages && pageTexts.allSatisfy { $0.contains("TERBATAS") }, "the label is not on every page")
        if let keep = ProcessInfo.processInfo.environment["PANTAU_REPORT_SHOTS"] {
            try? FileManager.default.createDirectory(atPath: keep, withIntermediateDirectories: true)
            try? FileManager.default.removeItem(atPath: keep + "/report-regency.pdf")
            try FileManager.default.copyItem(atPath: out + "/report.pdf", toPath: keep + "/report-regency.pdf")
            _ = try run("/usr/bin/pdftoppm", ["-png", "-r", "60", out + "/report.pdf", keep + "/report-regency-pdf-page"])
        }
        // The whole bundle verifies; an edited report does not.
        #expect(try AuditBundle.verify(out).ok)
        try (String(contentsOfFile: out + "/report.html", encoding: .utf8).replacingOccurrences(of: "DINKES", with: "DINKE5"))
            .write(toFile: out + "/report.html", atomically: true, encoding: .utf8)
        let v = try AuditBundle.verify(out)
        #expect(!v.ok && v.changed == ["report.html"] && v.added.isEmpty && v.missing.isEmpty)
    }

    @Test func specAnnexAssetsAndTopologyAgreeWithTheirUseCases() async throws {
        let store = try await Self.store()
        let r = try result(store)
        let annex = try SpecAnnex.load(path: Lab.repo + "/config/examples/annex.example.yaml")
        let spec = try SpecOperations(store: store).assess(annex: annex, catalogue: nil)
        #expect(r.spec.count == spec.assessments.count && !r.spec.isEmpty)
        for a in spec.assessments {
            let row = try #require(r.spec.first { $0.device == a.assessment.device && $0.from == a.from })
            #expect(row.verdict == a.assessment.overall.rawValue && row.pd == a.pd && row.details == a.assessment.results.map(\.description))
        }
        #expect(r.specSummary.map { $0.meets + $0.below + $0.cannotAssess }.reduce(0, +) == r.spec.count)
        #expect(r.scope.annex?.version == annex.version && r.scope.annex?.file == "annex.example.yaml")
        // Bappeda's diagram is the register: each declared device is listed seen or not seen; every
        // polled device of a compared PD not matched is "seen, not registered".
        let bappeda = try #require(try store.latestSubmissions()["BAPPEDA"])
        let listed = r.assets.filter { $0.pd == "BAPPEDA" && $0.state != "seen_not_registered" }
        #expect(listed.compactMap(\.declared).sorted() == bappeda.diagram.devices.map(\.id).sorted())
        let registryRows = r.assets.filter { $0.state == "registered_seen" }
        #expect(registryRows.allSatisfy { $0.observed != nil && $0.matchRule != nil })
        #expect(r.assets.contains { $0.state == "seen_not_registered" && $0.observed == "sw-dinkes" })
        // Links: the diagram's, each with a state; none invented.
        let declaredLinks = bappeda.diagram.links.count
        #expect(r.links.filter { $0.pd == "BAPPEDA" && $0.state != "observed_not_declared" }.count == declaredLinks)
        // CSV of the new tables, with the classification line first.
        let files = try AuditBundle.files(r, formats: [.csv])
        for name in ["spec_annex.csv", "spec_summary.csv", "assets.csv", "topology_links.csv", "devices.csv"] {
            let text = String(decoding: try #require(files[name]), as: UTF8.self)
            #expect(text.hasPrefix("\u{FEFF}\"Klasifikasi / Classification: TERBATAS / RESTRICTED\"\r\n") || text.hasPrefix("\u{FEFF}Klasifikasi / Classification: TERBATAS / RESTRICTED\r\n"), "\(name)")
        }
        let assets = String(decoding: try #require(files["assets.csv"]), as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(assets.count == r.assets.count + 2)
    }

    @Test func archiveUnpacksToABundleThatVerifies() async throws {
        let dir = try Lab.temporaryDirectory("audit-zip")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try await AuditExportTests.store()
        // The archive reads through a snapshot: an in-memory store holds its transaction on its one connection.
        let made = try AuditArchive(store: store, clock: FixedClock(AuditExportTests.now))
            .make(.init(period: "2026-11", pds: ["BAPPEDA"]), formats: [.csv, .json, .html])
        #expect(made.fileName == "pantau-audit-BAPPEDA-2026-11.zip" && made.bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]))
        try Data(made.bytes).write(to: URL(fileURLWithPath: dir + "/a.zip"))
        let unzip = try run("/usr/bin/unzip", ["-q", dir + "/a.zip", "-d", dir + "/x"])
        #expect(unzip.status == 0, "\(unzip.stderr)")
        let test = try run("/usr/bin/unzip", ["-t", dir + "/a.zip"])
        #expect(test.status == 0 && test.stdout.contains("No errors"), "\(test.stdout)")
        let folder = dir + "/x/pantau-audit-BAPPEDA-2026-11"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(names.contains("report.html") && names.contains("manifest.json") && names.contains("assets.csv") && !names.contains("report.pdf"))
        #expect(try AuditBundle.verify(folder).ok)
        // Unpacked, the files are the ones rendered from the same result.
        let again = try AuditBundle.files(made.result, formats: [.csv, .json, .html])
        for (name, bytes) in again { #expect(FileManager.default.contents(atPath: folder + "/" + name) == Data(bytes), "\(name)") }
        // Written to disk a file at a time (what `export audit --archive` does): the same bytes,
        // and no temporary directory or partial file left beside it.
        let written = try AuditArchive(store: store, clock: FixedClock(AuditExportTests.now))
            .write(.init(period: "2026-11", pds: ["BAPPEDA"]), formats: [.csv, .json, .html], out: nil, archive: dir + "/b.zip")
        #expect(written.manifest.files == made.manifest.files)
        #expect(FileManager.default.contents(atPath: dir + "/b.zip") == Data(made.bytes))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["a.zip", "b.zip", "x"])
    }
}

/// A PNG decoded just enough to look at its pixels: 8-bit RGB or RGBA, not interlaced.
struct PNGImage {
    var width: Int
    var height: Int
    var channels: Int
    var rows: [[UInt8]]

    init(contentsOf path: String) throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        guard bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) else { throw PNGError.notPNG }
        var i = 8, idat: [UInt8] = [], w = 0, h = 0, type = 0
        func be32(_ at: Int) -> Int { Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3]) }
        while i + 8 <= bytes.count {
            let length = be32(i), kind = String(decoding: bytes[i + 4..<i + 8], as: UTF8.self)
            let body = Array(bytes[i + 8..<i + 8 + length])
            if kind == "IHDR" {
                w = be32(i + 8); h = be32(i + 12)
                guard body[8] == 8, body[12] == 0 else { throw PNGError.unsupported }
                type = Int(body[9])
            } else if kind == "IDAT" { idat += body }
            i += 12 + length
        }
        channels = type == 6 ? 4 : type == 2 ? 3 : 0
        guard channels > 0 else { throw PNGError.unsupported }
        width = w; height = h
        let raw = try RawDeflate.inflate(Array(idat.dropFirst(2).dropLast(4)), limit: (w * channels + 1) * h + 16)
        let stride = w * channels
        var out: [[UInt8]] = [], previous = [UInt8](repeating: 0, count: stride)
        for y in 0..<h {
            let filter = raw[y * (stride + 1)]
            var row = Array(raw[y * (stride + 1) + 1..<(y + 1) * (stride + 1)])
            for x in 0..<stride {
                let a = x >= channels ? Int(row[x - channels]) : 0, b = Int(previous[x]), c = x >= channels ? Int(previous[x - channels]) : 0
                let add: Int
                switch filter {
                case 1: add = a
                case 2: add = b
                case 3: add = (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    add = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
                default: add = 0
                }
                row[x] = UInt8((Int(row[x]) + add) & 0xFF)
            }
            out.append(row)
            previous = row
        }
        rows = out
    }

    func count(where match: (Int, Int, Int) -> Bool) -> Int {
        var n = 0
        for row in rows { for x in stride(from: 0, to: width * channels, by: channels) where match(Int(row[x]), Int(row[x + 1]), Int(row[x + 2])) { n += 1 } }
        return n
    }

    enum PNGError: Error { case notPNG, unsupported }
}

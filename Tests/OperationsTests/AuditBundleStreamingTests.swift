import Exports
import Foundation
import Governance
import InventoryModel
import InventoryStore
import InventoryTesting
import Operations
import Testing

/// A bundle rendered a piece at a time (what `pantau export audit --out` writes to disk) gives
/// the bytes the whole-file renderings gave: audit.json as `PantauJSON` encodes the whole
/// document, CSV as the table text built in one string; pieces stay small however long the
/// tables are; the files on disk are the in-memory files and the manifest hashes them.
@Suite struct AuditBundleStreamingTests {
    /// The lab's regency result (every streamed array non-empty: the annex gives spec rows and
    /// assets) with its interfaces and devices repeated to `copies` times as many rows,
    /// with text that needs escaping in JSON and quoting in CSV.
    static func result(copies: Int, store given: PantauStore? = nil) async throws -> AuditExport.Result {
        let store: PantauStore
        if let given { store = given } else { store = try await AuditExportTests.store() }
        var r = try AuditExport(store: store, clock: FixedClock(AuditExportTests.now)).run(
            .init(period: "2026-11", annex: try SpecAnnex.load(path: Lab.repo + "/config/examples/annex.example.yaml")))
        #expect(!r.interfaces.isEmpty && !r.devices.isEmpty && !r.findings.isEmpty && !r.findingHistory.isEmpty && !r.outages.isEmpty)
        #expect(!r.availability.isEmpty && !r.spec.isEmpty && !r.assets.isEmpty)
        let interfaces = r.interfaces, devices = r.devices
        r.interfaces = (0..<(interfaces.count * copies)).map { i in
            var x = interfaces[i % interfaces.count]
            x.device += "-\(i / interfaces.count)"
            x.alias = i % 3 == 0 ? "uplink \"WAN\", lantai 2\n/ ruang server \u{1F5A7}" : x.alias
            return x
        }
        r.devices = (0..<(devices.count * copies)).map { i in
            var d = devices[i % devices.count]
            d.device += "-\(i / devices.count)"
            d.location = i % 2 == 0 ? "=Kantor; \"Bupati\"\r\nlt. 2 \\ tengah" : nil
            return d
        }
        return r
    }

    /// audit.json as the whole document encodes.
    static func wholeJSON(_ r: AuditExport.Result) throws -> [UInt8] {
        Array(try PantauJSON.encoder().encode(AuditBundle.Document(audit: r))) + [0x0A]
    }

    @Test func streamedJSONIsTheWholeDocumentsEncoding() async throws {
        let store = try await AuditExportTests.store()
        let r = try await Self.result(copies: 50, store: store)
        var pieces: [[UInt8]] = []
        try AuditBundle.json(r) { pieces.append($0) }
        let streamed = pieces.flatMap { $0 }
        let whole = try Self.wholeJSON(r)
        #expect(streamed.count == whole.count)
        #expect(streamed == whole)
        // In pieces, none of them near the whole.
        #expect(pieces.count > 10 && pieces.map(\.count).max()! < whole.count / 6, "\(pieces.count) pieces, largest \(pieces.map(\.count).max()!) of \(whole.count)")
        // Empty arrays, an empty result, a PD's.
        var empty = r
        empty.interfaces = []; empty.spec = []; empty.outages = []
        #expect(try AuditBundle.json(empty) == (try Self.wholeJSON(empty)))
        for period in ["2025-06", "2026-11"] {
            let other = try AuditExport(store: store, clock: FixedClock(AuditExportTests.now)).run(.init(period: period, pds: ["DINKES"]))
            #expect(try AuditBundle.json(other) == (try Self.wholeJSON(other)), "\(period)")
        }
    }

    @Test func streamedCSVIsTheTableTextInPieces() async throws {
        let r = try await Self.result(copies: 40)
        let files = try AuditBundle.csvFiles(r)
        // The interfaces table as one string, row after row.
        var text = "\u{FEFF}" + ["Perangkat / Device", "Kode PD / PD code", "ifIndex / ifIndex", "Nama / Name", "Deskripsi / Description",
                                 "Alias / Alias", "Jenis / Type", "Kecepatan (bit/s) / Speed (bit/s)", "MAC / MAC", "Status admin / Admin status",
                                 "Status operasional / Oper status"].map(AuditBundle.csvCell).joined(separator: ",") + "\r\n"
        for i in r.interfaces {
            text += [i.device, i.pd ?? "", String(i.ifIndex), i.name ?? "", i.descr ?? "", i.alias ?? "", i.type ?? "", i.speed.map { String($0) } ?? "",
                     i.mac ?? "", i.adminStatus ?? "", i.operStatus ?? ""].map(AuditBundle.csvCell).joined(separator: ",") + "\r\n"
        }
        #expect(files["interfaces.csv"] == Array(text.utf8))
        #expect(String(decoding: try #require(files["devices.csv"]), as: UTF8.self).contains("\"'=Kantor; \"\"Bupati\"\"\r\nlt. 2 \\ tengah\""))
        var pieces: [Int] = []
        let rendering = try #require(AuditBundle.csvRenderings(r).first { $0.name == "interfaces.csv" })
        try rendering.render { pieces.append($0.count) }
        #expect(pieces.count > 4 && pieces.max()! < 80_000 && pieces.reduce(0, +) == text.utf8.count)
    }

    @Test func filesWrittenToDiskAreTheInMemoryFilesAndTheManifestHashesThem() async throws {
        let r = try await Self.result(copies: 5)
        let dir = try Lab.temporaryDirectory("audit-stream")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let formats: Set<AuditBundle.Format> = [.csv, .json, .html]
        let manifest = try AuditBundle.write(r, formats: formats, to: dir + "/bundle", exportedAt: AuditExportTests.now)
        let memory = try AuditBundle.files(r, formats: formats)
        #expect(manifest == AuditBundle.manifest(r, files: memory, formats: formats, exportedAt: AuditExportTests.now))
        #expect(manifest.files.map(\.path) == memory.keys.sorted() && memory.count == 18)
        for (name, bytes) in memory {
            #expect(FileManager.default.contents(atPath: "\(dir)/bundle/\(name)").map(Array.init) == bytes, "\(name)")
        }
        #expect(try AuditBundle.verify(dir + "/bundle").ok)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["bundle"], "no temporary directory left")
        // A renderer failing half way leaves nothing behind.
        #expect { try AuditBundle.write(r, formats: [.csv, .pdf], to: dir + "/broken", exportedAt: AuditExportTests.now,
                                        renderPDF: { _ in throw OperationError(.unavailable, "no browser today") }) } throws: {
            ($0 as? OperationError)?.message == "no browser today"
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["bundle"])
    }
}

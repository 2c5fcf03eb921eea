import Compression
import Exports
import Foundation
import InventoryTesting
import Testing

/// `ZipWriter.write` (files packed a piece at a time) against `ZipWriter.archive` (bytes in memory).
@Suite("ZIP archives packed from files")
struct ZipWriterFileTests {
    /// Entries of every kind the packer meets: empty, tiny, text larger than one piece, bytes
    /// that do not compress (stored), and a name outside ASCII.
    static func entries() -> [(String, [UInt8])] {
        var random = SystemRandomNumberGenerator()
        let noise = (0..<(3 << 20 | 12345)).map { _ in UInt8.random(in: 0...255, using: &random) }
        var csv = "device,pd,serial\r\n"
        for i in 0..<120_000 { csv += "sw-\(i % 997),PD\(i % 60),SN\(i &* 2_654_435_761 % 1_000_000)\r\n" }
        return [("folder/empty.csv", []), ("folder/one.txt", Array("x".utf8)), ("folder/devices.csv", Array(csv.utf8)),
                ("folder/report.pdf", noise), ("folder/catatan-ringkas-ü.txt", Array("Ringkasan audit\n".utf8))]
    }

    @Test func packedFromFilesIsTheSameArchive() throws {
        let dir = try Lab.temporaryDirectory("zip-files")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let entries = Self.entries()
        var files: [ZipWriter.FileEntry] = []
        for (i, (name, bytes)) in entries.enumerated() {
            try Data(bytes).write(to: URL(fileURLWithPath: "\(dir)/\(i)"))
            files.append(ZipWriter.FileEntry(name: name, path: "\(dir)/\(i)"))
        }
        let dated = Date(timeIntervalSince1970: 1_764_547_200)
        try ZipWriter.write(files, modified: dated, to: dir + "/files.zip")
        let inMemory = try ZipWriter.archive(entries.map { ZipWriter.Entry(name: $0.0, bytes: $0.1) }, modified: dated)
        let packed = try #require(FileManager.default.contents(atPath: dir + "/files.zip"))
        #expect(packed.count == inMemory.count)
        #expect(packed == Data(inMemory))
        // unzip agrees: every entry's CRC checks, the noise is stored, the text deflated.
        let listing = try run("/usr/bin/unzip", ["-v", dir + "/files.zip"])
        #expect(listing.status == 0)
        #expect(listing.stdout.contains("Stored") && listing.stdout.contains("Defl:N"), "\(listing.stdout)")
        let test = try run("/usr/bin/unzip", ["-t", dir + "/files.zip"])
        #expect(test.status == 0 && test.stdout.contains("No errors"), "\(test.stdout)")
    }

    @Test func deflatingInPiecesMakesTheOneShotStream() throws {
        let text = Array(String(repeating: "Perangkat Daerah wajib menyerahkan diagram. ", count: 40_000).utf8)
        for pieceSize in [1, 7, 4096, 65_536, 1 << 20] {
            let input = pieceSize == 1 ? Array(text.prefix(3000)) : text
            let deflater = try RawDeflater()
            var out: [UInt8] = []
            var at = 0
            while at < input.count {
                let end = min(at + pieceSize, input.count)
                try input[at..<end].withUnsafeBytes { try deflater.update($0) { out += $0 } }
                at = end
            }
            try deflater.finish { out += $0 }
            #expect(out == (try RawDeflate.deflate(input)), "pieces of \(pieceSize)")
            #expect(try RawDeflate.inflate(out, limit: input.count) == input)
        }
        var crc: UInt32 = 0
        for piece in stride(from: 0, to: text.count, by: 10_000) {
            crc = text[piece..<min(piece + 10_000, text.count)].withUnsafeBytes { CRC32.update(crc, $0) }
        }
        #expect(crc == CRC32.checksum(text))
    }

    @Test func anUnreadableFileIsNamed() throws {
        let dir = try Lab.temporaryDirectory("zip-missing")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect {
            try ZipWriter.write([ZipWriter.FileEntry(name: "a/b.csv", path: dir + "/gone.csv")], modified: Date(), to: dir + "/x.zip")
        } throws: { "\($0)".contains("gone.csv") }
    }
}

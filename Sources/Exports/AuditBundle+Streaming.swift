import Crypto
import Foundation
import Operations

/// Rendering a bundle a piece at a time: every file is produced by a `FileRendering` that hands
/// its bytes to a sink in pieces of tens of kilobytes, so writing a regency's bundle to disk
/// holds one piece, never a whole file (the interfaces table, audit.json) nor the whole bundle.
/// The in-memory form (`files`) collects the same pieces, so both give the same bytes.
extension AuditBundle {
    /// Receives a file's bytes, a piece at a time, in order.
    public typealias Emit = ([UInt8]) throws -> Void

    /// One file of a bundle and how to render it.
    public struct FileRendering {
        public var name: String
        public var render: (Emit) throws -> Void
        public init(name: String, render: @escaping (Emit) throws -> Void) {
            self.name = name; self.render = render
        }

        /// The whole file in memory.
        public func bytes() throws -> [UInt8] {
            var out: [UInt8] = []
            try render { out += $0 }
            return out
        }
    }

    /// Pieces are handed on once they reach this size.
    static let pieceSize = 1 << 16

    /// A CSV table (see `csv(headers:rows:classification:)`) handed to `emit` in pieces; `rows`
    /// is read once, so a lazy sequence keeps only one row's cells in memory.
    public static func csv<Rows: Sequence>(headers: [(id: String, en: String)], rows: Rows, classification: String? = nil,
                                           to emit: Emit) throws where Rows.Element == [String] {
        var piece: [UInt8] = []
        piece.reserveCapacity(pieceSize + 4096)
        piece += "\u{FEFF}".utf8
        if let classification { piece += (csvCell("Klasifikasi / Classification: \(classification)") + "\r\n").utf8 }
        piece += (headers.map { csvCell("\($0.id) / \($0.en)") }.joined(separator: ",") + "\r\n").utf8
        for row in rows {
            for (i, cell) in row.enumerated() {
                if i > 0 { piece.append(UInt8(ascii: ",")) }
                piece += csvCell(cell).utf8
            }
            piece += [0x0D, 0x0A]
            if piece.count >= pieceSize { try emit(piece); piece.removeAll(keepingCapacity: true) }
        }
        if !piece.isEmpty { try emit(piece) }
    }

    /// Elements encoded together: enough to keep the encoder's overhead low, few enough to bound memory.
    static let jsonChunk = 512

    /// `audit.json` handed to `emit` in pieces, byte for byte what encoding the whole `Document`
    /// with `PantauJSON.encoder()` gives (a test holds the two together). The document is encoded
    /// without its long arrays; each of them is then encoded a chunk of elements at a time and
    /// put in its place, indented to its depth, as the pretty printer lays arrays out:
    /// `"key" : [\n` + elements joined by `,\n` + `\n    ]` (`[\n\n    ]` when empty).
    public static func json(_ r: AuditExport.Result, to emit: Emit) throws {
        var skeleton = r
        var arrays: [(key: String, write: (Emit) throws -> Void)] = []
        func stream<T: Encodable>(_ key: String, _ path: WritableKeyPath<AuditExport.Result, [T]>) {
            let rows = r[keyPath: path]
            skeleton[keyPath: path] = []
            if !rows.isEmpty { arrays.append((key, { emit in try encodeElements(rows, to: emit) })) }
        }
        stream("assets", \.assets); stream("availability", \.availability); stream("devices", \.devices)
        stream("findingHistory", \.findingHistory); stream("findings", \.findings); stream("interfaces", \.interfaces)
        stream("outages", \.outages); stream("spec", \.spec)
        let text = Array(try PantauJSON.encoder().encode(Document(format: bundleFormat, audit: skeleton))) + [0x0A]
        // Where each array's elements go: after its opening line, before "\n    ]".
        var places: [(at: Int, write: (Emit) throws -> Void)] = []
        for a in arrays {
            let head = Array("\n    \"\(a.key)\" : [\n".utf8), tail = Array("\n    ]".utf8)
            guard let at = find(head + tail, in: text) else {
                throw OperationError(.invalid, "audit.json: the array \(a.key) is not where the document's layout puts it")
            }
            places.append((at + head.count, a.write))
        }
        var from = 0
        for p in places.sorted(by: { $0.at < $1.at }) {
            try emit(Array(text[from..<p.at]))
            try p.write(emit)
            from = p.at
        }
        try emit(Array(text[from...]))
    }

    /// Elements as they sit in a document's `audit` object (6 spaces deep), joined by ",\n".
    static func encodeElements<T: Encodable>(_ rows: [T], to emit: Emit) throws {
        let encoder = PantauJSON.encoder()
        var start = 0
        while start < rows.count {
            let end = min(start + jsonChunk, rows.count)
            // "[\n  {...},\n  {...}\n]": the elements 2 deep, between "[\n" and "\n]".
            let encoded = Array(try encoder.encode(Array(rows[start..<end])))
            var piece: [UInt8] = []
            piece.reserveCapacity(encoded.count + encoded.count / 4)
            if start > 0 { piece += [UInt8(ascii: ","), 0x0A] }
            var lineStart = true
            for b in encoded[2..<(encoded.count - 2)] {
                if lineStart && b != 0x0A { piece += [0x20, 0x20, 0x20, 0x20] }
                piece.append(b)
                lineStart = b == 0x0A
            }
            try emit(piece)
            start = end
        }
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard let first = needle.first, needle.count <= haystack.count else { return nil }
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    // MARK: Writing file by file

    /// Renders each file straight into the bundle's temporary directory, hashing as it writes,
    /// then the manifest, then renames the directory to `out`.
    static func writeRendered(_ r: AuditExport.Result, _ renderings: [FileRendering], formats: Set<Format>, to out: String,
                              exportedAt: Date) throws -> Manifest {
        try checkTarget(out)
        return try writeDirectory(out) { temp in
            var listed: [Manifest.File] = []
            for f in renderings { listed.append(try writeFile(f, in: temp)) }
            let m = manifest(r, listed: listed, formats: formats, exportedAt: exportedAt)
            try Data(try manifestBytes(m)).write(to: temp.appendingPathComponent(manifestName))
            return m
        }
    }

    static func writeFile(_ f: FileRendering, in dir: URL) throws -> Manifest.File {
        let path = dir.appendingPathComponent(f.name).path
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw OperationError(.invalid, "cannot create \(path)")
        }
        defer { try? handle.close() }
        var hasher = SHA256(), bytes = 0
        try f.render { piece in
            hasher.update(data: piece)
            bytes += piece.count
            try handle.write(contentsOf: Data(piece))
        }
        return Manifest.File(path: f.name, bytes: bytes, sha256: hasher.finalize().map { String(format: "%02x", $0) }.joined())
    }
}

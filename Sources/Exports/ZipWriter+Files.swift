import Compression
import Foundation

extension ZipWriter {
    /// An entry whose bytes are a file on disk.
    public struct FileEntry: Sendable {
        public var name: String
        public var path: String
        public init(name: String, path: String) {
            self.name = name
            self.path = path
        }
    }

    /// Writes the same archive `archive(_:modified:)` makes of these files' bytes, to `path`,
    /// reading and deflating each file a piece at a time: memory stays at a few buffers, however
    /// large the files. An entry that deflating would not make smaller is stored, as there.
    /// `path` is written in place; the caller renames it into view.
    public static func write(_ entries: [FileEntry], modified: Date, to path: String) throws {
        let (time, date) = dosTime(modified)
        guard FileManager.default.createFile(atPath: path, contents: nil), let out = FileHandle(forUpdatingAtPath: path) else {
            throw ZipError(message: "cannot create \(path)")
        }
        defer { try? out.close() }
        var central: [UInt8] = []
        var offset: UInt64 = 0
        let piece = 1 << 20
        for e in entries {
            let name = Array(e.name.utf8)
            guard name.count < 0xFFFF else { throw ZipError(message: "\(e.name): the name is too long for a ZIP archive") }
            guard let input = FileHandle(forReadingAtPath: e.path) else { throw ZipError(message: "cannot read \(e.path)") }
            defer { try? input.close() }
            let start = offset
            // The local header, its sizes and checksum filled in once the data is written.
            var record = Record(name: name, method: 8, time: time, date: date, crc: 0, packed: 0, size: 0, offset: 0)
            try out.write(contentsOf: Data(record.local))
            let dataStart = start + UInt64(record.local.count)
            var crc: UInt32 = 0, size: UInt64 = 0, packed: UInt64 = 0
            let deflater = try RawDeflater()
            let sink: ([UInt8]) throws -> Void = { bytes in
                packed += UInt64(bytes.count)
                try out.write(contentsOf: Data(bytes))
            }
            while let data = try input.read(upToCount: piece), !data.isEmpty {
                try data.withUnsafeBytes { raw in
                    crc = CRC32.update(crc, raw)
                    try deflater.update(raw, sink: sink)
                }
                size += UInt64(data.count)
            }
            try deflater.finish(sink: sink)
            if packed >= size {
                // Deflating did not help: store the bytes instead, over what was written.
                record.method = 0
                try out.seek(toOffset: dataStart)
                try out.truncate(atOffset: dataStart)
                try input.seek(toOffset: 0)
                while let data = try input.read(upToCount: piece), !data.isEmpty { try out.write(contentsOf: data) }
                packed = size
            }
            offset = dataStart + packed
            guard size < UInt64(UInt32.max), offset < UInt64(UInt32.max) else {
                throw ZipError(message: "\(e.name) is too large for a ZIP archive without ZIP64")
            }
            (record.crc, record.packed, record.size, record.offset) = (crc, UInt32(packed), UInt32(size), UInt32(start))
            try out.seek(toOffset: start)
            try out.write(contentsOf: Data(record.local))
            try out.seek(toOffset: offset)
            central += record.central
        }
        guard entries.count < 0xFFFF, offset + UInt64(central.count) < UInt64(UInt32.max) else {
            throw ZipError(message: "the archive is too large for ZIP without ZIP64")
        }
        try out.write(contentsOf: Data(central + end(entries: entries.count, central: central.count, at: UInt32(offset))))
    }
}

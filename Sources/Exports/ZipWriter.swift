import Compression
import Foundation

/// A ZIP file (PKWARE APPNOTE 6.3: local headers, deflated data, central directory) from
/// named byte strings, written here because it is small: UTF-8 names (flag bit 11), every
/// entry deflated by zlib (`Compression`) unless that would not make it smaller, one fixed
/// modification time, entries in the order given. Archives over 4 GiB (ZIP64) are refused.
public enum ZipWriter {
    public struct Entry: Sendable {
        public var name: String
        public var bytes: [UInt8]
        public init(name: String, bytes: [UInt8]) {
            self.name = name
            self.bytes = bytes
        }
    }

    public static func archive(_ entries: [Entry], modified: Date) throws -> [UInt8] {
        let (time, date) = dosTime(modified)
        var out: [UInt8] = [], central: [UInt8] = []
        for e in entries {
            let name = Array(e.name.utf8)
            let crc = CRC32.checksum(e.bytes)
            let deflated = (try? RawDeflate.deflate(e.bytes)) ?? e.bytes
            let (method, data): (UInt16, [UInt8]) = deflated.count < e.bytes.count ? (8, deflated) : (0, e.bytes)
            guard e.bytes.count < Int(UInt32.max), out.count + data.count < Int(UInt32.max), name.count < 0xFFFF else {
                throw ZipError(message: "\(e.name) is too large for a ZIP archive without ZIP64")
            }
            let record = Record(name: name, method: method, time: time, date: date, crc: crc, packed: UInt32(data.count),
                                size: UInt32(e.bytes.count), offset: UInt32(out.count))
            out += record.local + data
            central += record.central
        }
        guard entries.count < 0xFFFF, out.count + central.count < Int(UInt32.max) else {
            throw ZipError(message: "the archive is too large for ZIP without ZIP64")
        }
        out += central + end(entries: entries.count, central: central.count, at: UInt32(out.count))
        return out
    }

    /// One entry's local header (with its name) and central directory record.
    struct Record {
        var name: [UInt8]
        var method: UInt16, time: UInt16, date: UInt16
        var crc: UInt32, packed: UInt32, size: UInt32, offset: UInt32

        var local: [UInt8] {
            var b: [UInt8] = []
            b.le32(0x0403_4B50); b.le16(20); b.le16(0x0800); b.le16(method); b.le16(time); b.le16(date)
            b.le32(crc); b.le32(packed); b.le32(size); b.le16(UInt16(name.count)); b.le16(0)
            return b + name
        }

        var central: [UInt8] {
            var b: [UInt8] = []
            b.le32(0x0201_4B50); b.le16(0x0314)  // made by: Unix, spec 2.0
            b.le16(20); b.le16(0x0800); b.le16(method); b.le16(time); b.le16(date)
            b.le32(crc); b.le32(packed); b.le32(size); b.le16(UInt16(name.count))
            b.le16(0); b.le16(0); b.le16(0); b.le16(0)
            b.le32(UInt32(0o100644) << 16)  // a regular file, rw-r--r--
            b.le32(offset)
            return b + name
        }
    }

    /// The end of central directory record.
    static func end(entries: Int, central: Int, at start: UInt32) -> [UInt8] {
        var b: [UInt8] = []
        b.le32(0x0605_4B50); b.le16(0); b.le16(0); b.le16(UInt16(entries)); b.le16(UInt16(entries))
        b.le32(UInt32(central)); b.le32(start); b.le16(0)
        return b
    }

    /// MS-DOS time and date (local time in ZIP's convention; here UTC, 2-second steps, from 1980).
    static func dosTime(_ d: Date) -> (UInt16, UInt16) {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute, .second], from: d)
        let year = min(max((c.year ?? 1980) - 1980, 0), 127)
        let time = UInt16((c.hour ?? 0) << 11 | (c.minute ?? 0) << 5 | (c.second ?? 0) / 2)
        let date = UInt16(year << 9 | (c.month ?? 1) << 5 | (c.day ?? 1))
        return (time, date)
    }

    public struct ZipError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }
}

extension [UInt8] {
    mutating func le16(_ v: UInt16) { append(UInt8(v & 0xFF)); append(UInt8(v >> 8)) }
    mutating func le32(_ v: UInt32) { for i in 0..<4 { append(UInt8((v >> (8 * UInt32(i))) & 0xFF)) } }
}

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
            let offset = UInt32(out.count)
            var local: [UInt8] = []
            local.le32(0x0403_4B50); local.le16(20); local.le16(0x0800); local.le16(method); local.le16(time); local.le16(date)
            local.le32(crc); local.le32(UInt32(data.count)); local.le32(UInt32(e.bytes.count)); local.le16(UInt16(name.count)); local.le16(0)
            out += local + name + data
            central.le32(0x0201_4B50); central.le16(0x0314)  // made by: Unix, spec 2.0
            central.le16(20); central.le16(0x0800); central.le16(method); central.le16(time); central.le16(date)
            central.le32(crc); central.le32(UInt32(data.count)); central.le32(UInt32(e.bytes.count)); central.le16(UInt16(name.count))
            central.le16(0); central.le16(0); central.le16(0); central.le16(0)
            central.le32(UInt32(0o100644) << 16)  // a regular file, rw-r--r--
            central.le32(offset)
            central += name
        }
        guard entries.count < 0xFFFF, out.count + central.count < Int(UInt32.max) else {
            throw ZipError(message: "the archive is too large for ZIP without ZIP64")
        }
        let start = UInt32(out.count)
        out += central
        out.le32(0x0605_4B50); out.le16(0); out.le16(0); out.le16(UInt16(entries.count)); out.le16(UInt16(entries.count))
        out.le32(UInt32(central.count)); out.le32(start); out.le16(0)
        return out
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

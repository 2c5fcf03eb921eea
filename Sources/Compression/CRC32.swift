import CZlib

/// The CRC-32 (ISO 3309, as ZIP and gzip use it) of some bytes, by zlib.
public enum CRC32 {
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { update(0, $0) }
    }

    /// `crc` continued over `bytes` (start from `CRC32.checksum([])`, which is 0).
    public static func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var c = uLong(crc)
        var offset = 0
        while offset < bytes.count {
            let n = min(bytes.count - offset, 1 << 30)
            c = CZlib.crc32(c, bytes.baseAddress!.assumingMemoryBound(to: UInt8.self) + offset, uInt(n))
            offset += n
        }
        return UInt32(truncatingIfNeeded: c)
    }
}

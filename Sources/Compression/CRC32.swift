import CZlib

/// The CRC-32 (ISO 3309, as ZIP and gzip use it) of some bytes, by zlib.
public enum CRC32 {
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: uLong = CZlib.crc32(0, nil, 0)
        var offset = 0
        bytes.withUnsafeBufferPointer { buf in
            // zlib takes the length as a 32-bit count: feed it in chunks.
            while offset < buf.count {
                let n = min(buf.count - offset, 1 << 30)
                crc = CZlib.crc32(crc, buf.baseAddress! + offset, uInt(n))
                offset += n
            }
        }
        return UInt32(truncatingIfNeeded: crc)
    }
}

import CZlib

/// Raw DEFLATE (RFC 1951, no zlib or gzip header), as diagrams.net uses for compressed
/// pages. Every call takes an output limit so a small hostile input cannot expand into
/// gigabytes (a "zip bomb"); exceeding it is an error, never a truncated result.
public enum RawDeflate {
    /// Decompresses `input`. Throws when the data is not valid raw DEFLATE, is truncated,
    /// or would inflate to more than `limit` bytes.
    public static func inflate(_ input: [UInt8], limit: Int) throws(CompressionError) -> [UInt8] {
        var stream = z_stream()
        // -15: raw DEFLATE with a 32 KiB window (negative window bits = no header).
        guard czlib_inflate_init2(&stream, -15) == Z_OK else { throw CompressionError(message: "cannot initialise inflate") }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var input = input
        let inputCount = input.count
        var status: Int32 = Z_OK
        try input.withUnsafeMutableBufferPointer { (inBuf) throws(CompressionError) in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = UInt32(inputCount)
            repeat {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { outBuf in
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = UInt32(outBuf.count)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return outBuf.count - Int(stream.avail_out)
                }
                if status != Z_OK && status != Z_STREAM_END {
                    let why = status == Z_DATA_ERROR ? "data is not valid DEFLATE"
                        : status == Z_BUF_ERROR ? "compressed data is truncated" : "inflate failed (zlib status \(status))"
                    throw CompressionError(message: why)
                }
                if output.count + produced > limit {
                    throw CompressionError(message: "decompressed data exceeds the limit of \(limit) bytes", limitExceeded: true)
                }
                output.append(contentsOf: chunk[0..<produced])
                if status == Z_OK && produced == 0 && stream.avail_in == 0 {
                    throw CompressionError(message: "compressed data is truncated")
                }
            } while status != Z_STREAM_END
        }
        return output
    }

    /// Compresses `input` as raw DEFLATE at the default level (one piece through `RawDeflater`,
    /// so a stream fed in pieces is the same bytes).
    public static func deflate(_ input: [UInt8]) throws(CompressionError) -> [UInt8] {
        var output: [UInt8] = []
        do {
            let deflater = try RawDeflater()
            try input.withUnsafeBytes { try deflater.update($0) { output += $0 } }
            try deflater.finish { output += $0 }
        } catch let e as CompressionError {
            throw e
        } catch {
            throw CompressionError(message: "deflate failed (\(error))")
        }
        return output
    }
}

/// Compression or decompression failed; the message says why.
public struct CompressionError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// The output limit was reached (the data may be valid, but too big).
    public var limitExceeded: Bool
    public init(message: String, limitExceeded: Bool = false) {
        self.message = message
        self.limitExceeded = limitExceeded
    }
    public var description: String { message }
}

import CZlib

/// Raw DEFLATE fed in pieces: the same stream `RawDeflate.deflate` makes of the whole input
/// (the same level, window and strategy), for input too large to hold at once. Pieces go in
/// with `update`, the end with `finish`; compressed bytes come out through `sink` as zlib
/// produces them.
public final class RawDeflater {
    // zlib's state points back at its z_stream, so the stream must not move: it lives on the heap.
    private let stream: UnsafeMutablePointer<z_stream>
    private var output = [UInt8](repeating: 0, count: 64 * 1024)
    private var finished = false

    public init() throws(CompressionError) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard czlib_deflate_init2(stream, Z_DEFAULT_COMPRESSION, -15) == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw CompressionError(message: "cannot initialise deflate")
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Compresses one piece of the input.
    public func update(_ input: UnsafeRawBufferPointer, sink: ([UInt8]) throws -> Void) throws {
        guard !finished else { throw CompressionError(message: "deflate already finished") }
        try run(input, flush: Z_NO_FLUSH, sink: sink)
    }

    /// Ends the stream: the last compressed bytes.
    public func finish(sink: ([UInt8]) throws -> Void) throws {
        guard !finished else { return }
        finished = true
        try run(UnsafeRawBufferPointer(start: nil, count: 0), flush: Z_FINISH, sink: sink)
    }

    private func run(_ input: UnsafeRawBufferPointer, flush: Int32, sink: ([UInt8]) throws -> Void) throws {
        var offset = 0
        repeat {
            // zlib counts input in 32 bits: feed at most 1 GiB at a time.
            let n = min(input.count - offset, 1 << 30)
            stream.pointee.next_in = n > 0 ? UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: UInt8.self) + offset) : nil
            stream.pointee.avail_in = UInt32(n)
            offset += n
            let last = offset == input.count ? flush : Z_NO_FLUSH
            var status: Int32 = Z_OK
            repeat {
                let produced: Int = output.withUnsafeMutableBufferPointer { out in
                    stream.pointee.next_out = out.baseAddress
                    stream.pointee.avail_out = UInt32(out.count)
                    status = CZlib.deflate(stream, last)
                    return out.count - Int(stream.pointee.avail_out)
                }
                if status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR {
                    throw CompressionError(message: "deflate failed (zlib status \(status))")
                }
                if produced > 0 { try sink(Array(output[0..<produced])) }
                // More to come while zlib filled the whole buffer, or (finishing) until the end.
                if last == Z_FINISH ? status == Z_STREAM_END : (stream.pointee.avail_out != 0) { break }
            } while true
        } while offset < input.count
    }
}

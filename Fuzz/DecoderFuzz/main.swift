// libFuzzer entry point for Pantau's packet decoders. Built by scripts/fuzz-decoders.sh with
// `swiftc -sanitize=fuzzer,address` over Sources/PacketDecoding, so the rest of the package
// need not be built with the fuzzer. The first input byte picks the decoder.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDecoders(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let all = UnsafeRawBufferPointer(start: data, count: size)
    guard let selector = all.first else { return 0 }
    let rest = UnsafeRawBufferPointer(rebasing: all.dropFirst())
    switch selector % 4 {
    case 0: _ = PacketDecoder.decode(rest, linkType: .ethernet)
    case 1: _ = PacketDecoder.decode(rest, linkType: .raw)
    case 2: _ = PacketDecoder.decode(rest, linkType: .linuxCooked)
    default:
        if case .success(let d) = SFlowDecoder.decode(rest) {
            // Sampled headers go through the frame decoder, as in the sampler.
            for s in d.flowSamples { _ = PacketDecoder.decode(s.header, wireLength: Int(s.frameLength)) }
        }
    }
    return 0
}

/// sFlow version 5 datagrams (sflow.org/sflow_version_5.txt): flow samples carrying sampled
/// packet headers and counter samples carrying interface counters. Pure and bounds-checked.
public struct SFlowDatagram: Sendable {
    public var agent: IPAddr
    public var subAgentID: UInt32
    public var sequence: UInt32
    public var uptimeMilliseconds: UInt32
    public var flowSamples: [SFlowFlowSample] = []
    public var counterSamples: [SFlowInterfaceCounters] = []
    /// Samples or records skipped because Pantau does not decode their format.
    public var skippedRecords: Int = 0
}

/// One sampled packet: the header bytes as the agent sent them, with its sampling rate.
public struct SFlowFlowSample: Sendable {
    public var samplingRate: UInt32
    public var samplePool: UInt32
    public var drops: UInt32
    public var inputInterface: UInt32
    public var outputInterface: UInt32
    /// Header protocol (1 = Ethernet).
    public var headerProtocol: UInt32
    /// Length of the original frame.
    public var frameLength: UInt32
    /// The sampled header bytes (at most the agent's header size, typically 128).
    public var header: [UInt8]
}

/// Generic interface counters (counter record format 1).
public struct SFlowInterfaceCounters: Sendable, Equatable {
    public var sourceID: UInt32
    public var ifIndex: UInt32
    public var ifType: UInt32
    public var ifSpeed: UInt64
    public var ifDirection: UInt32
    public var ifStatus: UInt32
    public var inOctets: UInt64
    public var inUnicastPackets: UInt32
    public var inErrors: UInt32
    public var outOctets: UInt64
    public var outUnicastPackets: UInt32
    public var outErrors: UInt32
}

public struct SFlowError: Error, Sendable, CustomStringConvertible {
    public var reason: DecodeIssue
    public var detail: String
    public var description: String { "sFlow datagram \(reason.rawValue): \(detail)" }
}

public enum SFlowDecoder {
    /// Largest header Pantau keeps from one flow record (the spec's agents send ≤ 256).
    static let maxHeader = 1024
    static let maxSamples = 1024
    static let maxRecords = 64

    public static func decode(_ bytes: UnsafeRawBufferPointer) -> Result<SFlowDatagram, SFlowError> {
        let b = ByteView(bytes)
        func fail(_ r: DecodeIssue, _ d: String) -> Result<SFlowDatagram, SFlowError> { .failure(SFlowError(reason: r, detail: d)) }
        guard let version = b.u32(0), let atype = b.u32(4) else { return fail(.truncated, "no header") }
        guard version == 5 else { return fail(.malformed, "version \(version), expected 5") }
        var o = 8
        let agent: IPAddr
        switch atype {
        case 1: guard let a = b.ipv4(o) else { return fail(.truncated, "agent address") }; agent = a; o += 4
        case 2: guard let a = b.ipv6(o) else { return fail(.truncated, "agent address") }; agent = a; o += 16
        default: return fail(.malformed, "agent address type \(atype)")
        }
        guard let sub = b.u32(o), let seq = b.u32(o + 4), let up = b.u32(o + 8), let n = b.u32(o + 12) else {
            return fail(.truncated, "datagram header")
        }
        guard n <= UInt32(maxSamples) else { return fail(.malformed, "\(n) samples") }
        var d = SFlowDatagram(agent: agent, subAgentID: sub, sequence: seq, uptimeMilliseconds: up)
        o += 16
        for _ in 0..<Int(n) {
            guard let format = b.u32(o), let len = b.u32(o + 4), b.has(o + 8, Int(len)) else {
                return fail(.truncated, "sample")
            }
            let start = o + 8, end = start + Int(len)
            let enterprise = format >> 12, kind = format & 0xfff
            if enterprise == 0 && (kind == 1 || kind == 3) {
                if let s = flowSample(b, start, end, expanded: kind == 3, skipped: &d.skippedRecords) { d.flowSamples.append(contentsOf: s) }
                else { return fail(.malformed, "flow sample") }
            } else if enterprise == 0 && (kind == 2 || kind == 4) {
                if let c = counterSample(b, start, end, expanded: kind == 4, skipped: &d.skippedRecords) { d.counterSamples.append(contentsOf: c) }
                else { return fail(.malformed, "counter sample") }
            } else {
                d.skippedRecords += 1
            }
            o = end
        }
        return .success(d)
    }

    public static func decode(_ bytes: [UInt8]) -> Result<SFlowDatagram, SFlowError> {
        bytes.withUnsafeBytes { decode($0) }
    }

    static func flowSample(_ b: ByteView, _ start: Int, _ end: Int, expanded: Bool, skipped: inout Int) -> [SFlowFlowSample]? {
        var o = start + 4  // sequence
        o += expanded ? 8 : 4  // source id
        guard let rate = b.u32(o), let pool = b.u32(o + 4), let drops = b.u32(o + 8) else { return nil }
        o += 12
        let input: UInt32, output: UInt32
        if expanded {
            guard let i = b.u32(o + 4), let out = b.u32(o + 12) else { return nil }
            input = i; output = out; o += 16
        } else {
            guard let i = b.u32(o), let out = b.u32(o + 4) else { return nil }
            input = i; output = out; o += 8
        }
        guard let nrec = b.u32(o), nrec <= UInt32(maxRecords) else { return nil }
        o += 4
        var out: [SFlowFlowSample] = []
        for _ in 0..<Int(nrec) {
            guard let format = b.u32(o), let len = b.u32(o + 4), o + 8 + Int(len) <= end else { return nil }
            let r = o + 8
            if format == 1 {
                guard let proto = b.u32(r), let frame = b.u32(r + 4), let hlen = b.u32(r + 12),
                      Int(hlen) <= maxHeader, Int(hlen) + 16 <= Int(len), let header = b.bytes(r + 16, Int(hlen)) else { return nil }
                out.append(SFlowFlowSample(samplingRate: rate, samplePool: pool, drops: drops, inputInterface: input,
                                           outputInterface: output, headerProtocol: proto, frameLength: frame, header: header))
            } else {
                skipped += 1
            }
            o = r + Int(len)
        }
        return out
    }

    static func counterSample(_ b: ByteView, _ start: Int, _ end: Int, expanded: Bool, skipped: inout Int) -> [SFlowInterfaceCounters]? {
        var o = start + 4
        guard let source = expanded ? b.u32(o + 4) : b.u32(o) else { return nil }
        o += expanded ? 8 : 4
        guard let nrec = b.u32(o), nrec <= UInt32(maxRecords) else { return nil }
        o += 4
        var out: [SFlowInterfaceCounters] = []
        for _ in 0..<Int(nrec) {
            guard let format = b.u32(o), let len = b.u32(o + 4), o + 8 + Int(len) <= end else { return nil }
            let r = o + 8
            if format == 1 && len >= 88 {
                guard let ifIndex = b.u32(r), let ifType = b.u32(r + 4), let speed = b.u64(r + 8), let dir = b.u32(r + 16),
                      let status = b.u32(r + 20), let inOct = b.u64(r + 24), let inU = b.u32(r + 32), let inErr = b.u32(r + 48),
                      let outOct = b.u64(r + 56), let outU = b.u32(r + 64), let outErr = b.u32(r + 80) else { return nil }
                out.append(SFlowInterfaceCounters(sourceID: source, ifIndex: ifIndex, ifType: ifType, ifSpeed: speed, ifDirection: dir,
                                                  ifStatus: status, inOctets: inOct, inUnicastPackets: inU, inErrors: inErr,
                                                  outOctets: outOct, outUnicastPackets: outU, outErrors: outErr))
            } else {
                skipped += 1
            }
            o = r + Int(len)
        }
        return out
    }
}

import CPcap
import Foundation
import PacketDecoding

/// A capture failed to open or broke while running. The description names the source
/// (interface or file) and libpcap's own message.
public struct CaptureError: Error, Sendable, CustomStringConvertible {
    public var source: String
    public var action: String
    public var message: String
    public init(source: String, action: String, message: String) {
        self.source = source
        self.action = action
        self.message = message
    }
    public var description: String { "\(source): \(action): \(message)" }
}

/// How a packet source ended.
public enum CaptureEnd: Sendable, Equatable {
    /// End of file(s).
    case endOfInput
    /// The caller's handler asked to stop (duration reached, shutdown).
    case stopped
    /// The live interface went away or failed; the message is libpcap's.
    case failed(String)
}

/// A libpcap handle: a live interface or an offline pcap/pcapng file.
///
/// Not thread-safe; one reader drives it. `breakLoop()` may be called from another thread.
public final class PcapSource: @unchecked Sendable {
    // @unchecked: the handle is used by one reader; pcap_breakloop is documented as safe
    // to call from another thread.
    let handle: OpaquePointer
    public let name: String
    public let linkType: LinkType?
    /// Raw DLT value, for messages when `linkType` is nil.
    public let dlt: Int32
    private var stopRequested = false
    /// Descriptor to wait on between non-blocking reads (live captures), else -1.
    var pollFD: Int32 = -1
    var pollMilliseconds: Int32 = 200
    /// A classic pcap file's records, read in blocks (see `PcapBlockReader`); nil for live
    /// captures, pcapng and anything not a regular file.
    var blocks: PcapBlockReader?
    /// The installed filter, for records read from `blocks` (libpcap filters its own reads).
    var filterProgram: bpf_program?

    /// Opens a pcap or pcapng file (libpcap reads both).
    public static func open(file path: String) throws(CaptureError) -> PcapSource {
        var err = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        // The file is opened here rather than by pcap_open_offline so it can be given a
        // large stdio buffer: libpcap reads it in record-sized freads, and with the default
        // 4 KiB buffer every few packets cost a read(2).
        guard let file = fopen(path, "rb") else {
            throw CaptureError(source: path, action: "opening capture file", message: String(cString: strerror(errno)))
        }
        setvbuf(file, nil, _IOFBF, 1 << 20)
        guard let h = pcap_fopen_offline(file, &err) else {
            fclose(file)  // libpcap closes the file only once it has made a handle
            throw CaptureError(source: path, action: "opening capture file", message: String(cString: err))
        }
        let source = PcapSource(handle: h, name: path)
        source.blocks = PcapBlockReader(file: file)
        return source
    }

    /// Opens a live interface. `snaplen` bounds the bytes copied per packet (headers only);
    /// `timeoutMilliseconds` bounds how long a read waits so the caller can check for stop.
    public static func open(interface: String, snaplen: Int = 640, promiscuous: Bool = false,
                            timeoutMilliseconds: Int = 200, bufferBytes: Int = 8 << 20) throws(CaptureError) -> PcapSource {
        var err = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let h = pcap_create(interface, &err) else {
            throw CaptureError(source: interface, action: "opening interface", message: String(cString: err))
        }
        pcap_set_snaplen(h, Int32(snaplen))
        pcap_set_promisc(h, promiscuous ? 1 : 0)
        pcap_set_timeout(h, Int32(timeoutMilliseconds))
        pcap_set_buffer_size(h, Int32(bufferBytes))
        let rc = pcap_activate(h)
        if rc < 0 {
            let msg = rc == PCAP_ERROR ? String(cString: pcap_geterr(h)) : String(cString: pcap_statustostr(rc))
            pcap_close(h)
            throw CaptureError(source: interface, action: "activating capture", message: msg)
        }
        // Non-blocking plus poll(): on Linux a blocking read may never time out on a quiet
        // interface, which would keep a run past its deadline.
        let source = PcapSource(handle: h, name: interface)
        if pcap_setnonblock(h, 1, &err) == 0 { source.pollFD = pcap_get_selectable_fd(h) }
        source.pollMilliseconds = Int32(timeoutMilliseconds)
        return source
    }

    init(handle: OpaquePointer, name: String) {
        self.handle = handle
        self.name = name
        dlt = pcap_datalink(handle)
        linkType = LinkType(rawValue: dlt)
    }

    deinit {
        if var prog = filterProgram { pcap_freecode(&prog) }
        pcap_close(handle)
    }

    /// Compiles and installs a BPF filter (tcpdump syntax).
    public func setFilter(_ expression: String) throws(CaptureError) {
        var prog = bpf_program()
        guard pcap_compile(handle, &prog, expression, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
            throw CaptureError(source: name, action: "compiling filter \"\(expression)\"", message: String(cString: pcap_geterr(handle)))
        }
        guard pcap_setfilter(handle, &prog) == 0 else {
            pcap_freecode(&prog)
            throw CaptureError(source: name, action: "installing filter", message: String(cString: pcap_geterr(handle)))
        }
        if var old = filterProgram { pcap_freecode(&old) }
        filterProgram = prog
    }

    /// Asks a running `forEach` to return (thread-safe).
    public func breakLoop() {
        stopRequested = true
        pcap_breakloop(handle)
    }

    /// Calls `body(timestampSeconds, capturedBytes, wireLength)` for each packet until the
    /// input ends, `body` returns false, or the handle fails. The bytes are only valid
    /// during the call. `idle` is called when a live read times out with no packet, so the
    /// caller can flush or check a deadline; returning false stops.
    public func forEach(idle: () -> Bool = { true },
                        _ body: (Double, UnsafeRawBufferPointer, Int) -> Bool) -> CaptureEnd {
        if blocks != nil, let end = forEachInBlocks(body) { return end }
        var header: UnsafeMutablePointer<pcap_pkthdr>?
        var data: UnsafePointer<UInt8>?
        while true {
            let rc = pcap_next_ex(handle, &header, &data)
            switch rc {
            case 1:
                guard let h = header, let d = data else { continue }
                let ts = Double(h.pointee.ts.tv_sec) + Double(h.pointee.ts.tv_usec) / 1_000_000
                let buf = UnsafeRawBufferPointer(start: d, count: Int(h.pointee.caplen))
                if !body(ts, buf, Int(h.pointee.len)) { return .stopped }
            case 0:
                if !idle() || stopRequested { return .stopped }
                if pollFD >= 0 {
                    var pfd = pollfd(fd: pollFD, events: Int16(POLLIN), revents: 0)
                    _ = poll(&pfd, 1, pollMilliseconds)
                }
            case PCAP_ERROR_BREAK:
                return stopRequested ? .stopped : .endOfInput
            default:
                return .failed(String(cString: pcap_geterr(handle)))
            }
        }
    }

    /// Reads records in blocks while they are plain (see `PcapBlockReader`). Returns how the
    /// capture ended (the caller stopped), or nil when libpcap is to go on from the first
    /// record not read (the file is positioned there).
    private func forEachInBlocks(_ body: (Double, UnsafeRawBufferPointer, Int) -> Bool) -> CaptureEnd? {
        guard let m = blocks else { return nil }
        defer {
            if m.abandoned {
                // libpcap reads on from here: the rest of a file, or a record it judges
                // itself (and reports in its own words).
                blocks = nil
                fseek(pcap_file(handle), m.offset, SEEK_SET)
            }
        }
        let swapped = m.swapped, nano = m.nanoseconds, limit = m.captureLimit
        var hdr = pcap_pkthdr()
        while true {
            guard m.ensure(16) else { m.abandoned = true; return nil }
            let at = m.buffer + (m.offset - m.bufferOffset)
            var sec = at.loadUnaligned(as: UInt32.self)
            var frac = at.loadUnaligned(fromByteOffset: 4, as: UInt32.self)
            var caplen = at.loadUnaligned(fromByteOffset: 8, as: UInt32.self)
            var len = at.loadUnaligned(fromByteOffset: 12, as: UInt32.self)
            if swapped { sec = sec.byteSwapped; frac = frac.byteSwapped; caplen = caplen.byteSwapped; len = len.byteSwapped }
            guard caplen <= limit, caplen <= len, m.ensure(16 + Int(caplen)) else { m.abandoned = true; return nil }
            let data = UnsafeRawPointer(m.buffer + (m.offset - m.bufferOffset + 16))
            m.offset += 16 + Int(caplen)
            if nano { frac /= 1000 }  // libpcap's default precision is microseconds
            if filterProgram != nil {
                hdr.caplen = caplen
                hdr.len = len
                let pass = withUnsafePointer(to: &filterProgram!) { prog in
                    pcap_offline_filter(prog, &hdr, data.assumingMemoryBound(to: UInt8.self))
                }
                if pass == 0 { continue }
            }
            let ts = Double(sec) + Double(frac) / 1_000_000
            if !body(ts, UnsafeRawBufferPointer(start: data, count: Int(caplen)), Int(len)) { return .stopped }
        }
    }

    /// Packets received/dropped by the kernel (live captures only).
    public func statistics() -> (received: UInt32, dropped: UInt32, interfaceDropped: UInt32)? {
        var s = pcap_stat()
        guard pcap_stats(handle, &s) == 0 else { return nil }
        return (s.ps_recv, s.ps_drop, s.ps_ifdrop)
    }

    /// libpcap's version string.
    public static var libraryVersion: String { String(cString: pcap_lib_version()) }
}

/// A classic pcap file read in large blocks straight from its descriptor, its records parsed
/// in place: no second copy through stdio's buffer into libpcap's and no stdio lock per
/// read (two per packet). Only plain records are read this way (captured length within the
/// file's snap length and the original length, the record whole before the end of the
/// file); at the first other record, or at the end, libpcap takes over at that offset, so a
/// damaged tail, a file still being written and every format detail are handled by libpcap
/// exactly as before.
final class PcapBlockReader {
    static let blockBytes = 4 << 20
    let fd: Int32
    let buffer: UnsafeMutableRawPointer
    /// Bytes of the file in `buffer`, from file offset `bufferOffset`.
    var valid = 0
    var bufferOffset = 0
    /// File offset of the next record.
    var offset = 24
    let swapped: Bool
    let nanoseconds: Bool
    /// Largest captured length read here: the file's snap length, within libpcap's maximum.
    let captureLimit: UInt32
    /// A record was left to libpcap.
    var abandoned = false

    /// Reads a regular classic pcap file; nil otherwise (pcapng, a pipe).
    init?(file: UnsafeMutablePointer<FILE>) {
        let fd = fileno(file)
        self.fd = fd
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG, st.st_size >= 24 else { return nil }
        var header = (UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0))
        guard withUnsafeMutableBytes(of: &header, { pread(fd, $0.baseAddress, 24, 0) }) == 24 else { return nil }
        switch header.0 {
        case 0xa1b2_c3d4: swapped = false; nanoseconds = false
        case 0xd4c3_b2a1: swapped = true; nanoseconds = false
        case 0xa1b2_3c4d: swapped = false; nanoseconds = true
        case 0x4d3c_b2a1: swapped = true; nanoseconds = true
        default: return nil
        }
        let snaplen = swapped ? header.4.byteSwapped : header.4
        captureLimit = min(snaplen, 262_144)
        buffer = UnsafeMutableRawPointer.allocate(byteCount: Self.blockBytes, alignment: 16)
        posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
    }

    deinit { buffer.deallocate() }

    /// Makes at least `count` bytes from file offset `offset` available in the buffer; false
    /// when the file ends first.
    @inline(__always) func ensure(_ count: Int) -> Bool {
        if offset + count <= bufferOffset + valid { return true }
        return refill(count)
    }

    func refill(_ count: Int) -> Bool {
        // Keep the unread tail, move it to the front, read on after it.
        let keep = bufferOffset + valid - offset
        if keep > 0 { buffer.copyMemory(from: buffer + (offset - bufferOffset), byteCount: keep) }
        bufferOffset = offset
        valid = max(keep, 0)
        while valid < count {
            let n = pread(fd, buffer + valid, Self.blockBytes - valid, off_t(bufferOffset + valid))
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            valid += n
        }
        return true
    }
}

/// Lists capture files: a file path is itself; a directory yields its regular files in name
/// order (rotated captures such as `cap.pcap0`, `cap.pcap1`, or timestamped names).
public func captureFiles(at path: String) throws(CaptureError) -> [String] {
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
        throw CaptureError(source: path, action: "finding capture files", message: "no such file or directory")
    }
    guard isDir.boolValue else { return [path] }
    let dir = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
    let names: [String]
    do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
        throw CaptureError(source: path, action: "listing capture directory", message: "\(error.localizedDescription)")
    }
    return names.filter { !$0.hasPrefix(".") }.sorted { $0.localizedStandardCompare($1) == .orderedAscending }
        .map { "\(dir)/\($0)" }
        .filter { var d: ObjCBool = false; return FileManager.default.fileExists(atPath: $0, isDirectory: &d) && !d.boolValue }
        .filter(isCaptureFile)
}

/// True when the file starts with a pcap (either byte order, µs or ns) or pcapng magic
/// number, so a directory's README or checksum files are passed over.
public func isCaptureFile(_ path: String) -> Bool {
    guard let h = FileHandle(forReadingAtPath: path) else { return false }
    defer { try? h.close() }
    guard let d = try? h.read(upToCount: 4), d.count == 4 else { return false }
    let m = d.withUnsafeBytes { UInt32(bigEndian: $0.loadUnaligned(as: UInt32.self)) }
    return [0xa1b2_c3d4, 0xd4c3_b2a1, 0xa1b2_3c4d, 0x4d3c_b2a1, 0x0a0d_0d0a].contains(m)
}

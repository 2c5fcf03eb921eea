import YAMLSupport

/// The `sampling:` section of the configuration file: where packets come from (a live
/// interface, capture files, or an sFlow socket), how they are sampled, and memory limits.
///
/// ```yaml
/// sampling:
///   capture_point: core-span      # names where the packets were seen
///   interface: eth1               # or: read: [captures/]  or: sflow: 127.0.0.1:6343
///   rate: 100                     # keep 1 packet in 100 (1 = every packet)
///   mode: random                  # or deterministic (every Nth packet)
///   filter: "not port 22"         # BPF, tcpdump syntax (interface and files only)
///   duration: 60                  # seconds a live/sFlow run lasts in `collect --once`
///   reread: false                 # true: count capture files already read again
/// ```
public struct SamplingSettings: Sendable, Hashable {
    /// Where packets come from.
    public enum Source: Sendable, Hashable, CustomStringConvertible {
        /// A live interface (needs root or CAP_NET_RAW).
        case interface(String)
        /// Capture files (pcap or pcapng) and/or directories of rotated files, read in order.
        case files([String])
        /// An sFlow v5 UDP listener.
        case sflow(host: String, port: UInt16)

        public var description: String {
            switch self {
            case .interface(let i): "interface \(i)"
            case .files(let f): f.count == 1 ? "file \(f[0])" : "\(f.count) capture files"
            case .sflow(let h, let p): "sFlow on \(h.contains(":") ? "[\(h)]" : h):\(p)"
            }
        }
    }

    public enum Mode: String, Sendable, Hashable, CaseIterable {
        /// Each packet kept with probability 1/N (no bias toward periodic traffic).
        case random
        /// Every Nth packet (reproducible; what tests and benchmarks use).
        case deterministic
    }

    public var source: Source
    /// Name recorded with every sighting: which SPAN port, switch or sFlow feed saw it.
    public var capturePoint: String
    /// 1-in-N sampling rate applied by Pantau (sFlow agents' own rate multiplies it).
    public var rate: Int = 1
    public var mode: Mode = .random
    /// BPF filter expression (tcpdump syntax); not used for sFlow.
    public var filter: String?
    /// Bytes libpcap copies per packet from live interfaces. Large enough for the control
    /// protocols Pantau reads (DHCP options end past byte 282, LLDP/CDP frames run to ~500);
    /// what lies beyond the headers is never decoded or stored.
    public var snaplen: Int = 640
    public var promiscuous: Bool = false
    /// How long a live or sFlow run lasts when run once (seconds); nil runs until stopped.
    /// File sources always run to the end of the files.
    public var duration: Double?
    /// Seconds between writes to the store (wall clock for live sources, capture time for files).
    public var flushInterval: Double = 60
    /// Most distinct hosts (MAC+VLAN) held between flushes; more are counted as overflow.
    public var maxHosts: Int = 100_000
    /// Most traffic buckets (key × minute) held between flushes; more go to an `other` bucket.
    public var maxTrafficKeys: Int = 200_000
    /// YAML file mapping PD codes to subnets/VLANs (for standalone use; `collect` uses the registry).
    public var pdMap: String?
    /// IEEE OUI registry (CSV) for vendor names.
    public var ouiFile: String? = "/usr/share/ieee-data/oui.csv"
    /// Capture files the store's ledger says were already counted at this capture point are
    /// skipped (a grown or half-read one is read from where counting stopped). True reads
    /// them again from the start, adding their traffic again.
    public var reread: Bool = false

    public init(source: Source, capturePoint: String? = nil) {
        self.source = source
        switch source {
        case .interface(let i): self.capturePoint = capturePoint ?? i
        case .files: self.capturePoint = capturePoint ?? "files"
        case .sflow(let h, let p): self.capturePoint = capturePoint ?? "sflow:\(h):\(p)"
        }
    }

    static let keys: Set<String> = ["capture_point", "interface", "read", "sflow", "rate", "mode", "filter", "snaplen", "promiscuous",
                                    "duration", "flush_interval", "max_hosts", "max_traffic_keys", "pd_map", "oui_file", "reread"]

    /// Parses `host:port`, `[v6]:port` or a bare host (port 6343, the sFlow default).
    public static func parseSFlowAddress(_ text: String) -> (String, UInt16)? {
        var host = text, port: UInt16 = 6343
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if rest.hasPrefix(":") { guard let p = UInt16(rest.dropFirst()) else { return nil }; port = p }
            else if !rest.isEmpty { return nil }
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            host = String(text[..<colon])
            guard let p = UInt16(text[text.index(after: colon)...]) else { return nil }
            port = p
        }
        let isV4 = host.split(separator: ".").count == 4 && host.split(separator: ".").allSatisfy { UInt8($0) != nil }
        guard isV4 || host.contains(":") else { return nil }
        return (host, port)
    }

    static func parse(_ value: YAMLValue, resolve: (String) -> String) -> SamplingSettings? {
        guard let o = value.object(allowing: keys) else { return nil }
        let given = ["interface", "read", "sflow"].filter { o.contains($0) }
        if given.count != 1 {
            value.report(given.isEmpty ? "needs one source: interface, read or sflow"
                                       : "has \(given.joined(separator: " and ")); give exactly one source")
        }
        var source: Source?
        if let i = o["interface"], let name = i.string() {
            if name.isEmpty { i.report("interface name is empty") } else { source = .interface(name) }
        }
        if let r = o["read"] {
            let list = r.stringList()
            if let list {
                if list.isEmpty { r.report("needs at least one file or directory") } else { source = .files(list.map(resolve)) }
            }
        }
        if let s = o["sflow"], let text = s.string() {
            if let (h, p) = parseSFlowAddress(text) { source = .sflow(host: h, port: p) }
            else { s.report("\"\(text)\" is not ADDRESS[:PORT] (an IPv4 or [IPv6] literal, e.g. 127.0.0.1:6343)") }
        }
        // Without a valid source, keep checking the other keys so every problem is reported at once.
        var s = SamplingSettings(source: source ?? .files([]), capturePoint: o["capture_point"]?.string())
        if let r = o["rate"], let n = r.int() {
            if n < 1 || n > 1_000_000 { r.report("rate must be between 1 and 1000000 (1 = every packet)") } else { s.rate = n }
        }
        if let m = o["mode"], let mode = m.oneOf(Mode.self) { s.mode = mode }
        if let f = o["filter"], let text = f.string() {
            if case .sflow = source { f.report("filter applies to interface and read sources, not sflow") } else { s.filter = text }
        }
        if let v = o["snaplen"], let n = v.int() {
            if n < 64 || n > 65_535 { v.report("snaplen must be between 64 and 65535") } else { s.snaplen = n }
        }
        if let v = o["promiscuous"], let b = v.bool() { s.promiscuous = b }
        if let v = o["duration"], let d = v.double() {
            if d <= 0 || d > 86_400 { v.report("duration must be between 0 and 86400 seconds") } else { s.duration = d }
        }
        if let v = o["flush_interval"], let d = v.double() {
            if d < 1 || d > 3600 { v.report("flush_interval must be between 1 and 3600 seconds") } else { s.flushInterval = d }
        }
        if let v = o["max_hosts"], let n = v.int() {
            if n < 16 || n > 10_000_000 { v.report("max_hosts must be between 16 and 10000000") } else { s.maxHosts = n }
        }
        if let v = o["max_traffic_keys"], let n = v.int() {
            if n < 16 || n > 10_000_000 { v.report("max_traffic_keys must be between 16 and 10000000") } else { s.maxTrafficKeys = n }
        }
        if let v = o["pd_map"], let p = v.string() { s.pdMap = resolve(p) }
        if let v = o["oui_file"], let p = v.string() { s.ouiFile = p.isEmpty ? nil : resolve(p) }
        if let v = o["reread"], let b = v.bool() {
            if source != nil, !o.contains("read") { v.report("reread applies to read sources (capture files), not interface or sflow") } else { s.reread = b }
        }
        return given.count == 1 && source != nil ? s : nil
    }
}

import Foundation
import InventoryModel

/// A PD's LAN as the PD declares it: the typed model behind both the YAML format
/// (`pantau-diagram/1`, config/diagrams/README.md) and draw.io files.
///
/// Values are kept as written (strings) so that the validator can report every bad
/// address with its location instead of the loader dropping it.
public struct Diagram: Sendable, Hashable, Codable {
    public static let format = "pantau-diagram/1"

    public var pd: String
    public var site: String?
    /// Local date the PD says the diagram describes (`as_of`).
    public var asOf: String?
    public var boundary: Boundary?
    public var devices: [Device]
    public var links: [Link]
    public var vlans: [VLAN]
    public var segments: [Segment]
    /// Where `pd` was written.
    public var source: SourceRef
    /// True for a draw.io drawing made with stock shapes (some device read from its stencil,
    /// or no shape data at all); nil for YAML and drawings declared with shape data.
    public var stockDrawing: Bool?

    public init(pd: String, site: String? = nil, asOf: String? = nil, boundary: Boundary? = nil, devices: [Device] = [],
                links: [Link] = [], vlans: [VLAN] = [], segments: [Segment] = [], source: SourceRef = SourceRef()) {
        self.pd = pd
        self.site = site
        self.asOf = asOf
        self.boundary = boundary
        self.devices = devices
        self.links = links
        self.vlans = vlans
        self.segments = segments
        self.source = source
    }

    /// Where the WAN meets this LAN.
    public struct Boundary: Sendable, Hashable, Codable {
        /// Id of the boundary router (or firewall) among `devices`.
        public var router: String
        /// Port of that device facing the WAN.
        public var wanPort: String?
        /// Upstream: "Jaringan Intra", an ISP name, …
        public var upstream: String?
        /// WAN address in CIDR form, e.g. 10.255.0.2/30.
        public var wanAddress: String?
        public var bandwidthMbps: Double?
        public var source: SourceRef
        public init(router: String, wanPort: String? = nil, upstream: String? = nil, wanAddress: String? = nil,
                    bandwidthMbps: Double? = nil, source: SourceRef = SourceRef()) {
            self.router = router
            self.wanPort = wanPort
            self.upstream = upstream
            self.wanAddress = wanAddress
            self.bandwidthMbps = bandwidthMbps
            self.source = source
        }
    }

    public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
        case router, switch_ = "switch", accessPoint = "access_point", firewall, server
        case pcGroup = "pc_group", printer, ups, nas, other
        /// One desktop computer, one laptop, one scanner (as stock shapes draw them).
        case pc, notebook, scanner
    }

    public struct Device: Sendable, Hashable, Codable {
        public var id: String
        public var role: Role
        public var name: String?
        public var vendor: String?
        public var model: String?
        public var serial: String?
        /// The firmware or software version the PD declares (`7.14.2`); compared with the
        /// version the device reports (attribute-drift).
        public var firmware: String?
        public var managementIP: String?
        public var macs: [String]
        public var location: String?
        /// Whether the device answers SNMP (so Pantau should see it by polling).
        public var snmp: Bool?
        public var asset: Asset?
        public var source: SourceRef
        /// The stock shape the role was read from (`mxgraph.cisco.routers.router`), when the
        /// drawing gave no `role` shape data; nil for YAML and annotated shapes.
        public var shape: String?

        public init(id: String, role: Role, name: String? = nil, vendor: String? = nil, model: String? = nil,
                    serial: String? = nil, firmware: String? = nil, managementIP: String? = nil, macs: [String] = [], location: String? = nil,
                    snmp: Bool? = nil, asset: Asset? = nil, source: SourceRef = SourceRef(), shape: String? = nil) {
            self.id = id
            self.role = role
            self.name = name
            self.vendor = vendor
            self.model = model
            self.serial = serial
            self.firmware = firmware
            self.managementIP = managementIP
            self.macs = macs
            self.location = location
            self.snmp = snmp
            self.asset = asset
            self.source = source
            self.shape = shape
        }
    }

    /// Asset-register facts (R10, R11, R23).
    public struct Asset: Sendable, Hashable, Codable {
        public enum Source: String, Sendable, Hashable, Codable, CaseIterable {
            case apbd, pusat, provinsi, hibah, lainnya
        }
        /// Acquisition date, YYYY-MM-DD.
        public var acquired: String?
        public var source: Source?
        /// Number in the Pemda asset register.
        public var registerNumber: String?
        public init(acquired: String? = nil, source: Source? = nil, registerNumber: String? = nil) {
            self.acquired = acquired
            self.source = source
            self.registerNumber = registerNumber
        }
    }

    /// One end of a link.
    public struct Endpoint: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
        public var device: String
        public var port: String?
        public init(device: String, port: String?) {
            self.device = device
            self.port = port
        }
        /// Parses `device:port` (the port may itself contain `:` or `/`, e.g. `sw1:Gi1/0/1`).
        public init(parsing text: String) {
            if let i = text.firstIndex(of: ":") {
                device = String(text[..<i]).trimmingCharacters(in: .whitespaces)
                let p = String(text[text.index(after: i)...]).trimmingCharacters(in: .whitespaces)
                port = p.isEmpty ? nil : p
            } else {
                device = text.trimmingCharacters(in: .whitespaces)
                port = nil
            }
        }
        public var description: String { port.map { "\(device):\($0)" } ?? device }
        public static func < (a: Endpoint, b: Endpoint) -> Bool { (a.device, a.port ?? "") < (b.device, b.port ?? "") }
    }

    public enum Media: String, Sendable, Hashable, Codable, CaseIterable {
        case copper, fiber, wireless, other
    }

    public struct Link: Sendable, Hashable, Codable {
        public var a: Endpoint
        public var b: Endpoint
        public var media: Media?
        public var speedMbps: Int?
        public var source: SourceRef
        public init(a: Endpoint, b: Endpoint, media: Media? = nil, speedMbps: Int? = nil, source: SourceRef = SourceRef()) {
            self.a = a
            self.b = b
            self.media = media
            self.speedMbps = speedMbps
            self.source = source
        }
        /// The link's identity regardless of which end was written first.
        public var key: String {
            let (x, y) = a < b ? (a, b) : (b, a)
            return "\(x) <-> \(y)"
        }
    }

    public struct VLAN: Sendable, Hashable, Codable {
        public var id: Int
        public var name: String?
        /// CIDR, e.g. 10.20.20.0/24.
        public var subnet: String?
        public var gateway: String?
        public var source: SourceRef
        public init(id: Int, name: String? = nil, subnet: String? = nil, gateway: String? = nil, source: SourceRef = SourceRef()) {
            self.id = id
            self.name = name
            self.subnet = subnet
            self.gateway = gateway
            self.source = source
        }
    }

    /// End users counted rather than listed: "staff VLAN 20, about 40 PCs, ports 1-24 of sw-lt2".
    public struct Segment: Sendable, Hashable, Codable {
        public var name: String
        public var vlan: Int?
        public var kind: String?
        public var approxHosts: Int?
        /// Switch whose access ports serve the segment.
        public var accessSwitch: String?
        /// Port list such as "1-24" or "1-8,10".
        public var accessPorts: String?
        public var source: SourceRef
        public init(name: String, vlan: Int? = nil, kind: String? = nil, approxHosts: Int? = nil, accessSwitch: String? = nil,
                    accessPorts: String? = nil, source: SourceRef = SourceRef()) {
            self.name = name
            self.vlan = vlan
            self.kind = kind
            self.approxHosts = approxHosts
            self.accessSwitch = accessSwitch
            self.accessPorts = accessPorts
            self.source = source
        }
    }

    /// Whether some device was read from a stock shape rather than declared (YAML, or a
    /// shape with `role` data): then the rules that would refuse a declared diagram warn.
    public var isDrawnWithStockShapes: Bool { stockDrawing == true || devices.contains { $0.shape != nil } }

    /// The same diagram with every source location cleared, for comparing content.
    public var withoutSources: Diagram {
        var d = self
        d.source = SourceRef()
        d.boundary?.source = SourceRef()
        for i in d.devices.indices { d.devices[i].source = SourceRef() }
        for i in d.links.indices { d.links[i].source = SourceRef() }
        for i in d.vlans.indices { d.vlans[i].source = SourceRef() }
        for i in d.segments.indices { d.segments[i].source = SourceRef() }
        return d
    }
}

/// Where an element was written: a YAML line and column, or a draw.io cell id and page.
public struct SourceRef: Sendable, Hashable, Codable, CustomStringConvertible {
    public var line: Int?
    public var column: Int?
    public var cell: String?
    public var page: String?
    public init(line: Int? = nil, column: Int? = nil, cell: String? = nil, page: String? = nil) {
        self.line = line
        self.column = column
        self.cell = cell
        self.page = page
    }
    public var description: String {
        if let cell { return page.map { "page \"\($0)\" cell \"\(cell)\"" } ?? "cell \"\(cell)\"" }
        if let line { return "\(line):\(column ?? 1)" }
        return ""
    }
}

/// One problem found in a diagram, with where it is.
public struct DiagramIssue: Sendable, Hashable, CustomStringConvertible, Codable {
    /// An error refuses the diagram; a warning says what reconciliation will miss and lets
    /// the diagram through.
    public enum Severity: String, Sendable, Hashable, Codable { case error, warning }

    public var file: String
    public var source: SourceRef
    /// Element path such as `links[2].b` or `devices[sw-lt2]`.
    public var path: String
    public var message: String
    /// The file went over a size or work limit (too big, or a decompression bomb) rather than
    /// being wrong; an HTTP front end answers 413 for it. Not part of the JSON form.
    public var limitExceeded: Bool
    public var severity: Severity
    /// Which check found it, and the values its message names (`DiagramIssueCode.parameters`),
    /// for a front end to say it in the reader's language. Not part of the JSON form: nil
    /// only for an issue decoded from JSON.
    public var code: DiagramIssueCode?
    public var params: [String: String]
    public init(file: String, source: SourceRef, path: String, code: DiagramIssueCode, params: [String: String] = [:],
                message: String, limitExceeded: Bool = false, severity: Severity = .error) {
        self.file = file
        self.source = source
        self.path = path
        self.message = message
        self.limitExceeded = limitExceeded
        self.severity = severity
        self.code = code
        self.params = params
    }
    public var isWarning: Bool { severity == .warning }
    enum CodingKeys: String, CodingKey { case file, source, path, message, severity }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        file = try c.decode(String.self, forKey: .file)
        source = try c.decode(SourceRef.self, forKey: .source)
        path = try c.decode(String.self, forKey: .path)
        message = try c.decode(String.self, forKey: .message)
        severity = try c.decodeIfPresent(Severity.self, forKey: .severity) ?? .error
        limitExceeded = false
        code = nil
        params = [:]
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(file, forKey: .file)
        try c.encode(source, forKey: .source)
        try c.encode(path, forKey: .path)
        try c.encode(message, forKey: .message)
        try c.encode(severity, forKey: .severity)
    }
    public var description: String {
        var s = file
        if let line = source.line { s += ":\(line):\(source.column ?? 1)" }
        if source.cell != nil { s += ": \(source)" }
        if !path.isEmpty { s += ": \(path)" }
        // Cell ids, paths and messages quote the PD's file: shown safe, one issue one line.
        return "\(s): \(isWarning ? "warning: " : "")\(message)".terminalSafe
    }
}

/// A diagram was refused; every problem is listed, one per line.
public struct DiagramIssues: Error, Sendable, CustomStringConvertible {
    public var issues: [DiagramIssue]
    public init(_ issues: [DiagramIssue]) { self.issues = issues }
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

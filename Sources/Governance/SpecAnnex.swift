import Foundation
import YAMLSupport

/// The device classes a hardware-specification annex has rows for (issue 17 item 4).
public enum DeviceClass: String, Sendable, Hashable, Codable, CodingKeyRepresentable, CaseIterable, Comparable {
    case pc, server, notebook, printer, scanner, ups, router
    case switch_ = "switch"
    case accessPoint = "access_point"

    /// The annex class of a diagram role; nil for roles no annex has a row for (firewall,
    /// NAS, a group of PCs, other).
    public init?(role: Diagram.Role) {
        switch role {
        case .pc: self = .pc
        case .server: self = .server
        case .notebook: self = .notebook
        case .printer: self = .printer
        case .scanner: self = .scanner
        case .ups: self = .ups
        case .router: self = .router
        case .switch_: self = .switch_
        case .accessPoint: self = .accessPoint
        case .firewall, .nas, .pcGroup, .other: return nil
        }
    }

    public static func < (a: DeviceClass, b: DeviceClass) -> Bool {
        (allCases.firstIndex(of: a) ?? 0) < (allCases.firstIndex(of: b) ?? 0)
    }
}

/// What an annex row can set a minimum for, and how its figures are written.
public enum Requirement: String, Sendable, Hashable, Codable, CodingKeyRepresentable, CaseIterable, Comparable {
    case cpuCores = "cpu_cores"
    case memory
    case storage
    /// The fastest Ethernet port the device has.
    case portSpeed = "port_speed"
    /// How many Ethernet ports it has.
    case portCount = "port_count"
    /// Power over Ethernet budget.
    case poeBudget = "poe_budget"
    /// Whether it can be polled with SNMPv3.
    case snmpv3
    /// Lowest firmware (or operating system) version.
    case firmware
    /// UPS output rating.
    case upsVA = "ups_va"

    /// The kind of figure the requirement takes.
    public enum Dimension: Sendable { case count, bytes, bitsPerSecond, watts, voltAmperes, flag, version }

    public var dimension: Dimension {
        switch self {
        case .cpuCores, .portCount: .count
        case .memory, .storage: .bytes
        case .portSpeed: .bitsPerSecond
        case .poeBudget: .watts
        case .upsVA: .voltAmperes
        case .snmpv3: .flag
        case .firmware: .version
        }
    }

    public static func < (a: Requirement, b: Requirement) -> Bool {
        (allCases.firstIndex(of: a) ?? 0) < (allCases.firstIndex(of: b) ?? 0)
    }
}

/// A figure in a base unit (bytes, bit/s, W, VA, or a count).
public struct Quantity: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var value: Double
    public var dimension: Dimension

    public enum Dimension: String, Sendable, Hashable, Codable { case count, bytes, bitsPerSecond = "bit/s", watts = "W", voltAmperes = "VA" }

    public init(_ value: Double, _ dimension: Dimension) {
        self.value = value
        self.dimension = dimension
    }

    static let units: [Dimension: [(String, Double)]] = [
        .bytes: [("b", 1), ("kb", 1e3), ("mb", 1e6), ("gb", 1e9), ("tb", 1e12),
                 ("kib", 1024), ("mib", 1_048_576), ("gib", 1_073_741_824), ("tib", 1_099_511_627_776)],
        .bitsPerSecond: [("bps", 1), ("kbps", 1e3), ("mbps", 1e6), ("gbps", 1e9), ("kb/s", 1e3), ("mb/s", 1e6), ("gb/s", 1e9)],
        .watts: [("w", 1), ("kw", 1e3)],
        .voltAmperes: [("va", 1), ("kva", 1e3)],
    ]

    static let unitNames: [Dimension: String] = [
        .bytes: "B, KB, MB, GB, TB, KiB, MiB, GiB or TiB", .bitsPerSecond: "bps, Kbps, Mbps or Gbps",
        .watts: "W or kW", .voltAmperes: "VA or kVA",
    ]

    /// Parses "8 GiB", "1 Gbps", "1.5 kVA", "24" (a count); nil with the reason otherwise.
    public static func parse(_ text: String, as dimension: Dimension) -> Result<Quantity, Refusal> {
        let t = text.trimmingCharacters(in: .whitespaces)
        let digits = t.prefix { $0.isNumber || $0 == "." || $0 == "_" }
        guard let number = Double(digits.replacingOccurrences(of: "_", with: "")), number >= 0 else {
            return .failure(Refusal(message: "\"\(text)\" is not a figure such as \(dimension == .count ? "24" : "8 GiB, 1 Gbps or 1000 VA")"))
        }
        let unit = t.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).lowercased()
        if dimension == .count {
            guard unit.isEmpty, number == number.rounded() else { return .failure(Refusal(message: "\"\(text)\" is not a whole number")) }
            return .success(Quantity(number, .count))
        }
        guard !unit.isEmpty else {
            return .failure(Refusal(message: "\"\(text)\" has no unit; use \(unitNames[dimension] ?? "")"))
        }
        guard let factor = units[dimension]?.first(where: { $0.0 == unit })?.1 else {
            return .failure(Refusal(message: "\"\(unit)\" in \"\(text)\" is not a unit of \(dimension == .bytes ? "size" : dimension.rawValue); use \(unitNames[dimension] ?? "")"))
        }
        return .success(Quantity(number * factor, dimension))
    }

    public struct Refusal: Error, Sendable { public var message: String }

    /// "8 GiB", "1 Gbps", "437 W", "1000 VA", "24".
    public var description: String {
        func trim(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(format: "%.1f", v) }
        switch dimension {
        case .count: return trim(value)
        case .bytes:
            for (name, f) in [("TiB", 1_099_511_627_776.0), ("GiB", 1_073_741_824.0), ("MiB", 1_048_576.0), ("KiB", 1024.0)] where value >= f {
                return "\(trim((value / f * 10).rounded() / 10)) \(name)"
            }
            return "\(trim(value)) B"
        case .bitsPerSecond:
            for (name, f) in [("Gbps", 1e9), ("Mbps", 1e6), ("Kbps", 1e3)] where value >= f { return "\(trim(value / f)) \(name)" }
            return "\(trim(value)) bps"
        case .watts: return "\(trim(value)) W"
        case .voltAmperes: return "\(trim(value)) VA"
        }
    }

    public static func < (a: Quantity, b: Quantity) -> Bool { a.value < b.value }
}

extension Requirement {
    var quantityDimension: Quantity.Dimension? {
        switch dimension {
        case .count: .count
        case .bytes: .bytes
        case .bitsPerSecond: .bitsPerSecond
        case .watts: .watts
        case .voltAmperes: .voltAmperes
        case .flag, .version: nil
        }
    }
}

/// A dotted firmware version ("7.12", "15.2(7)E4", "17.03.05"): its numbers, compared in order.
public struct FirmwareVersion: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var text: String
    public var numbers: [Int]

    /// Nil when the text holds no number.
    public init?(_ text: String) {
        var numbers: [Int] = []
        var current = ""
        for ch in text {
            if ch.isNumber { current.append(ch) } else if !current.isEmpty { numbers.append(Int(current) ?? 0); current = "" }
            // Versions are read up to the first space: "7.12 (stable)" is 7.12.
            if ch == " " && !numbers.isEmpty { break }
        }
        if !current.isEmpty { numbers.append(Int(current) ?? 0) }
        guard !numbers.isEmpty else { return nil }
        self.text = text
        self.numbers = numbers
    }

    public static func < (a: FirmwareVersion, b: FirmwareVersion) -> Bool {
        for i in 0..<max(a.numbers.count, b.numbers.count) {
            let (x, y) = (i < a.numbers.count ? a.numbers[i] : 0, i < b.numbers.count ? b.numbers[i] : 0)
            if x != y { return x < y }
        }
        return false
    }

    public static func == (a: FirmwareVersion, b: FirmwareVersion) -> Bool { !(a < b) && !(b < a) }
    public func hash(into h: inout Hasher) { h.combine(numbers.reversed().drop { $0 == 0 }.reversed() as [Int]) }
    public var description: String { text }
}

/// A hardware-specification annex, loaded from a file: the source document, when it took
/// effect, and per device class the minimums. Pantau ships none (no regulation reproduces
/// its annex; regulations.md §0.1); `config/examples/annex.example.yaml` is invented.
///
/// ```yaml
/// format: pantau-annex/1
/// source: "Lampiran II Perbup … (standar minimal perangkat keras)"
/// version: "2024-1"
/// effective: 2022-06-17
/// classes:
///   pc:     {cpu_cores: 4, memory: 8 GB, storage: 256 GB}
///   switch: {port_count: 24, port_speed: 1 Gbps, snmpv3: true, firmware: {routeros: "7.12"}}
///   ups:    {ups_va: 1000 VA}
/// ```
public struct SpecAnnex: Sendable, Hashable, Codable {
    public static let format = "pantau-annex/1"

    /// The document the figures are taken from.
    public var source: String
    /// The annex's own version or edition.
    public var version: String
    /// When the regulation (and so the annex) took effect: devices acquired before it are
    /// reported apart.
    public var effective: LocalDate
    public var file: String
    public var classes: [DeviceClass: [Minimum]]

    /// One minimum of one class, with where it was written.
    public struct Minimum: Sendable, Hashable, Codable {
        public var requirement: Requirement
        public var value: Value
        public var line: Int
        /// The figure as the annex writes it ("8 GB"), for messages.
        public var written: String

        public enum Value: Sendable, Hashable, Codable {
            case quantity(Quantity)
            case flag(Bool)
            /// A version for any firmware (key "*"), or per family or vendor (lower case).
            case firmware([String: FirmwareVersion])
        }
    }

    public init(source: String, version: String, effective: LocalDate, file: String, classes: [DeviceClass: [Minimum]]) {
        self.source = source
        self.version = version
        self.effective = effective
        self.file = file
        self.classes = classes
    }

    public static func load(path: String) throws(ConfigIssues) -> SpecAnnex {
        let sink = IssueSink()
        let root = try YAMLValue.load(path: path, sink: sink)
        let annex = parse(root, file: path)
        try sink.throwIfAny()
        guard let annex else { throw ConfigIssues([ConfigIssue(file: path, line: 1, column: 1, path: "", message: "not an annex")]) }
        return annex
    }

    public static func parse(_ text: String, file: String) throws(ConfigIssues) -> SpecAnnex {
        let sink = IssueSink()
        let root = try YAMLValue.parse(text, file: file, sink: sink)
        let annex = parse(root, file: file)
        try sink.throwIfAny()
        guard let annex else { throw ConfigIssues([ConfigIssue(file: file, line: 1, column: 1, path: "", message: "not an annex")]) }
        return annex
    }

    static func parse(_ root: YAMLValue, file: String) -> SpecAnnex? {
        guard let o = root.object(allowing: ["format", "source", "version", "effective", "classes", "note"]) else { return nil }
        if let f = o.required("format")?.string(), f != format {
            o["format"]?.report("unsupported format \"\(f)\"; this Pantau reads \(format)")
        }
        let source = o.required("source")?.string()
        let version = o.required("version")?.string()
        _ = o["note"]?.string()
        var effective: LocalDate?
        if let e = o.required("effective"), let t = e.string() {
            effective = LocalDate(t)
            if effective == nil { e.report("\"\(t)\" is not a date YYYY-MM-DD") }
        }
        var classes: [DeviceClass: [Minimum]] = [:]
        if let c = o.required("classes")?.object(allowing: nil) {
            for (key, value) in c.pairs {
                guard let cls = DeviceClass(rawValue: key) else {
                    let names = DeviceClass.allCases.map(\.rawValue)
                    let hint = YAMLValue.closest(to: key, in: names).map { " (did you mean \"\($0)\"?)" } ?? ""
                    (c.keyLocation(key) ?? value).report("unknown device class \"\(key)\"\(hint); classes: \(names.joined(separator: ", "))")
                    continue
                }
                guard let row = value.object(allowing: Set(Requirement.allCases.map(\.rawValue))) else { continue }
                var minimums: [Minimum] = []
                for (rkey, rvalue) in row.pairs {
                    guard let req = Requirement(rawValue: rkey), let v = parseValue(rvalue, req) else { continue }
                    minimums.append(Minimum(requirement: req, value: v, line: rvalue.line, written: written(v, rvalue)))
                }
                classes[cls] = minimums.sorted { $0.requirement < $1.requirement }
            }
        }
        guard let source, let version, let effective else { return nil }
        return SpecAnnex(source: source, version: version, effective: effective, file: file, classes: classes)
    }

    static func written(_ value: Minimum.Value, _ node: YAMLValue) -> String {
        switch value {
        case .quantity, .flag: return node.isScalarNode ? (node.string() ?? "") : ""
        case .firmware(let byKey):
            if let any = byKey["*"], byKey.count == 1 { return any.text }
            return byKey.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.text)" }.joined(separator: ", ")
        }
    }

    static func parseValue(_ v: YAMLValue, _ req: Requirement) -> Minimum.Value? {
        switch req.dimension {
        case .flag:
            guard let b = v.bool() else { return nil }
            return .flag(b)
        case .version:
            if v.isScalarNode {
                guard let t = v.string() else { return nil }
                guard let fw = FirmwareVersion(t) else { v.report("\"\(t)\" is not a version such as 7.12"); return nil }
                return .firmware(["*": fw])
            }
            guard let m = v.object(allowing: nil) else { return nil }
            var out: [String: FirmwareVersion] = [:]
            for (k, item) in m.pairs {
                guard let t = item.string() else { continue }
                guard let fw = FirmwareVersion(t) else { item.report("\"\(t)\" is not a version such as 7.12"); continue }
                out[k.lowercased()] = fw
            }
            return out.isEmpty ? nil : .firmware(out)
        default:
            guard let dim = req.quantityDimension, let t = v.string() else { return nil }
            switch Quantity.parse(t, as: dim) {
            case .success(let q): return .quantity(q)
            case .failure(let r):
                v.report(r.message)
                return nil
            }
        }
    }
}

/// What devices do not report about themselves, by model: port count, PoE budget, fastest
/// port, SNMPv3 capability, and figures a model has by design. Loaded from a file
/// (`pantau-catalogue/1`, `config/examples/catalogue.example.yaml`).
public struct ModelCatalogue: Sendable, Hashable, Codable {
    public static let format = "pantau-catalogue/1"

    public struct Entry: Sendable, Hashable, Codable {
        public var vendor: String?
        public var model: String
        public var deviceClass: DeviceClass?
        /// Figures of the model, by requirement (`firmware` is not one: it varies per device).
        public var figures: [Requirement: Quantity]
        public var snmpv3: Bool?
        public var file: String
        public var line: Int
        /// Where each figure was written.
        public var lines: [Requirement: Int]
    }

    public var entries: [Entry]
    public var file: String

    public init(entries: [Entry], file: String) {
        self.entries = entries
        self.file = file
    }

    /// The entry for a model (case-insensitive; the vendor, when the entry gives one, must match too).
    public func entry(vendor: String?, model: String?) -> Entry? {
        guard let model = model?.lowercased(), !model.isEmpty else { return nil }
        return entries.first { e in
            e.model.lowercased() == model && (e.vendor == nil || vendor == nil || e.vendor?.lowercased() == vendor?.lowercased())
        }
    }

    public static func load(path: String) throws(ConfigIssues) -> ModelCatalogue {
        let sink = IssueSink()
        let root = try YAMLValue.load(path: path, sink: sink)
        let c = parse(root, file: path)
        try sink.throwIfAny()
        return c
    }

    public static func parse(_ text: String, file: String) throws(ConfigIssues) -> ModelCatalogue {
        let sink = IssueSink()
        let root = try YAMLValue.parse(text, file: file, sink: sink)
        let c = parse(root, file: file)
        try sink.throwIfAny()
        return c
    }

    static let figureKeys: [String: Requirement] = [
        "port_count": .portCount, "max_port_speed": .portSpeed, "poe_budget": .poeBudget, "cpu_cores": .cpuCores,
        "memory": .memory, "storage": .storage, "ups_va": .upsVA,
    ]

    static func parse(_ root: YAMLValue, file: String) -> ModelCatalogue {
        var entries: [Entry] = []
        guard let o = root.object(allowing: ["format", "models", "note"]) else { return ModelCatalogue(entries: [], file: file) }
        if let f = o.required("format")?.string(), f != format {
            o["format"]?.report("unsupported format \"\(f)\"; this Pantau reads \(format)")
        }
        _ = o["note"]?.string()
        var seen: [String: Int] = [:]
        for item in o.required("models")?.array() ?? [] {
            let allowed = Set(["vendor", "model", "class", "snmpv3"] + figureKeys.keys)
            guard let m = item.object(allowing: allowed), let model = m.required("model")?.string() else { continue }
            let vendor = m["vendor"]?.string()
            let key = "\(vendor?.lowercased() ?? "")/\(model.lowercased())"
            if let first = seen[key] {
                item.report("model \(vendor.map { "\($0) " } ?? "")\(model) is already listed at line \(first)")
                continue
            }
            seen[key] = item.line
            var entry = Entry(vendor: vendor, model: model, deviceClass: nil, figures: [:], snmpv3: m["snmpv3"]?.bool(),
                              file: file, line: item.line, lines: [:])
            if let c = m["class"], let t = c.string() {
                entry.deviceClass = DeviceClass(rawValue: t)
                if entry.deviceClass == nil {
                    c.report("unknown device class \"\(t)\"; classes: \(DeviceClass.allCases.map(\.rawValue).joined(separator: ", "))")
                }
            }
            for (k, req) in figureKeys {
                guard let v = m[k], let dim = req.quantityDimension, let t = v.string() else { continue }
                switch Quantity.parse(t, as: dim) {
                case .success(let q):
                    entry.figures[req] = q
                    entry.lines[req] = v.line
                case .failure(let r): v.report(r.message)
                }
            }
            entries.append(entry)
        }
        return ModelCatalogue(entries: entries, file: file)
    }
}

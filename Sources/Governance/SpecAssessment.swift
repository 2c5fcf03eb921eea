import Foundation
import InventoryModel
import YAMLSupport

/// What is known about one device for the spec annex, and where each figure came from:
/// SNMP (ENTITY-MIB/HOST-RESOURCES-MIB/UPS-MIB/IF-MIB, as `DeviceInventory` holds them),
/// the PD's diagram (role, vendor, model, acquisition date), the collector (SNMP version).
public struct DeviceFacts: Sendable, Hashable, Codable {
    public var name: String
    public var deviceClass: DeviceClass?
    /// How the class was found: "diagram role switch", "SNMP: UPS-MIB", …
    public var classFrom: String?
    public var vendor: String?
    public var model: String?
    /// The probe family (`routeros`, `cisco-iosxe`), to pick a per-family firmware minimum.
    public var family: String?
    public var firmware: String?
    /// Figures the device reported (or the diagram declared), in base units.
    public var figures: [Requirement: Quantity]
    /// Where each figure came from, e.g. "SNMP hrMemorySize".
    public var sources: [Requirement: String]
    /// True when the collector polls it with SNMPv3; nil when not known (v2c polling says
    /// nothing about v3).
    public var snmpv3: Bool?
    /// Acquisition date (the diagram's `asset.acquired`).
    public var acquired: LocalDate?
    /// Whether Pantau polls the device (false: known from a diagram only).
    public var polled: Bool = true

    public init(name: String, deviceClass: DeviceClass? = nil, classFrom: String? = nil, vendor: String? = nil, model: String? = nil,
                family: String? = nil, firmware: String? = nil, figures: [Requirement: Quantity] = [:],
                sources: [Requirement: String] = [:], snmpv3: Bool? = nil, acquired: LocalDate? = nil) {
        self.name = name
        self.deviceClass = deviceClass
        self.classFrom = classFrom
        self.vendor = vendor
        self.model = model
        self.family = family
        self.firmware = firmware
        self.figures = figures
        self.sources = sources
        self.snmpv3 = snmpv3
        self.acquired = acquired
    }

    /// IANA ifTypes of Ethernet ports.
    static let ethernetTypes: Set<String> = ["ethernetCsmacd", "gigabitEthernet", "fastEther", "fastEtherFX", "iso88023Csmacd"]

    /// Facts from a polled device and, when the PD's diagram declares it, from that
    /// declaration (its role, vendor, model and acquisition date win over guesses).
    /// - Parameter snmpVersion: the version the collector polls the device with (3 proves
    ///   SNMPv3 capability; 1 or 2 prove nothing).
    public static func from(inventory inv: DeviceInventory, declared: Diagram.Device? = nil, snmpVersion: Int? = nil) -> DeviceFacts {
        var f = DeviceFacts(name: declared?.id ?? inv.sysName ?? inv.agent)
        f.vendor = inv.vendor ?? declared?.vendor
        f.model = inv.model ?? inv.ups?.model ?? declared?.model
        f.family = inv.family
        f.firmware = inv.version ?? inv.ups?.upsSoftwareVersion
        if let role = declared?.role {
            f.deviceClass = DeviceClass(role: role)
            f.classFrom = "diagram role \(role.rawValue)"
        } else if inv.ups != nil {
            (f.deviceClass, f.classFrom) = (.ups, "SNMP: UPS-MIB")
        } else if inv.printer != nil {
            (f.deviceClass, f.classFrom) = (.printer, "SNMP: Printer-MIB")
        } else {
            let role = ObservedLAN.role(of: inv)
            f.deviceClass = DeviceClass(role: role)
            f.classFrom = f.deviceClass == nil ? nil : "SNMP: what the device says of itself (\(role.rawValue))"
        }
        if let r = inv.resources {
            if let n = r.cpuCount, n > 0 { f.set(.cpuCores, Quantity(Double(n), .count), from: "SNMP hrProcessorTable") }
            if let m = r.memoryBytes { f.set(.memory, Quantity(Double(m), .bytes), from: "SNMP hrMemorySize") }
            let disks = r.storage.filter { $0.type == "fixedDisk" }.compactMap(\.sizeBytes)
            if !disks.isEmpty { f.set(.storage, Quantity(Double(disks.reduce(0, +)), .bytes), from: "SNMP hrStorageTable (fixed disks)") }
        }
        let ports = inv.interfaces.filter { ethernetTypes.contains($0.ifType ?? "") }
        if !ports.isEmpty {
            f.set(.portCount, Quantity(Double(ports.count), .count), from: "SNMP ifTable (Ethernet interfaces)")
            if let fastest = ports.compactMap(\.speed).max(), fastest > 0 {
                f.set(.portSpeed, Quantity(Double(fastest), .bitsPerSecond), from: "SNMP ifHighSpeed/ifSpeed")
            }
        }
        if let va = inv.ups?.ratedVA { f.set(.upsVA, Quantity(Double(va), .voltAmperes), from: "SNMP upsConfigOutputVA") }
        if snmpVersion == 3 { f.snmpv3 = true }
        if let a = declared?.asset?.acquired { f.acquired = LocalDate(a) }
        return f
    }

    /// Facts from the diagram alone (a device Pantau does not poll).
    public static func from(declared d: Diagram.Device) -> DeviceFacts {
        var f = DeviceFacts(name: d.id, deviceClass: DeviceClass(role: d.role), classFrom: "diagram role \(d.role.rawValue)", vendor: d.vendor,
                            model: d.model, acquired: d.asset?.acquired.flatMap(LocalDate.init))
        f.polled = false
        return f
    }

    public mutating func set(_ r: Requirement, _ q: Quantity, from source: String) {
        figures[r] = q
        sources[r] = source
    }
}

/// A device held against the spec annex: per requirement of its class, whether it meets
/// the minimum, is below it (with both figures), or cannot be assessed (and why).
public struct SpecAssessment: Sendable, Hashable, Codable {
    public enum Verdict: String, Sendable, Hashable, Codable, CodingKeyRepresentable, Comparable {
        case meets, below, cannotAssess = "cannot_assess"
        public static func < (a: Verdict, b: Verdict) -> Bool {
            let order: [Verdict] = [.meets, .cannotAssess, .below]
            return (order.firstIndex(of: a) ?? 0) < (order.firstIndex(of: b) ?? 0)
        }
    }

    /// When the device was acquired relative to the annex's effective date.
    public enum Period: String, Sendable, Hashable, Codable, CodingKeyRepresentable {
        case beforeEffective = "before_effective", onOrAfterEffective = "on_or_after_effective", unknown
    }

    public struct Result: Sendable, Hashable, Codable, CustomStringConvertible {
        /// Nil for a verdict on the whole device (no annex, no class, no row for the class).
        public var requirement: Requirement?
        public var verdict: Verdict
        /// The device's figure as shown ("821.5 MiB", "7.12"), when known.
        public var figure: String?
        /// The annex minimum as shown, when there is one.
        public var minimum: String?
        /// Where the figure came from ("SNMP hrMemorySize", "catalogue.yaml:12").
        public var figureFrom: String?
        /// The annex line of the minimum.
        public var annexLine: Int?
        /// Why it cannot be assessed.
        public var reason: String?

        public var description: String {
            let what = requirement?.rawValue ?? "device"
            if requirement == .snmpv3, verdict != .cannotAssess {
                return verdict == .meets ? "snmpv3: meets (speaks SNMPv3)" : "snmpv3: below spec (no SNMPv3)"
            }
            switch verdict {
            case .meets: return "\(what): meets (\(figure ?? "?") ≥ \(minimum ?? "?"))"
            case .below: return "\(what): below spec (\(figure ?? "?") < \(minimum ?? "?"))"
            case .cannotAssess: return "\(what): cannot be assessed (\(reason ?? "no figure"))"
            }
        }
    }

    public var device: String
    public var deviceClass: DeviceClass?
    public var acquired: LocalDate?
    public var period: Period
    public var results: [Result]
    /// Catalogue entries that contradict what the device reports, each naming the
    /// catalogue's file and line; the device's own figure is used.
    public var contradictions: [Contradiction]

    /// A catalogue line at odds with the device: `catalogue.yaml:12: C9300-48P: …`.
    public struct Contradiction: Sendable, Hashable, Codable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var message: String
        public var issue: ConfigIssue { ConfigIssue(file: file, line: line, column: 1, path: "models", message: message) }
        public var description: String { issue.description }
    }

    /// The worst verdict: below when any requirement is below, else cannot be assessed when
    /// any is, else meets. Never `meets` without an annex.
    public var overall: Verdict { results.map(\.verdict).max() ?? .cannotAssess }

    /// SNMP reports usable memory, a little under what is installed: a figure within this
    /// share of the minimum meets it.
    public static let memoryTolerance = 0.05

    /// Holds `facts` against `annex` (nil: none loaded, so nothing can be assessed) with the
    /// model `catalogue` filling in what the device does not report.
    public static func assess(_ facts: DeviceFacts, annex: SpecAnnex?, catalogue: ModelCatalogue? = nil) -> SpecAssessment {
        var out = SpecAssessment(device: facts.name, deviceClass: facts.deviceClass, acquired: facts.acquired, period: .unknown,
                                 results: [], contradictions: [])
        func whole(_ reason: String) -> SpecAssessment {
            out.results = [Result(requirement: nil, verdict: .cannotAssess, reason: reason)]
            return out
        }
        guard let annex else {
            return whole("no spec annex is loaded (Pantau ships none: the regulations do not reproduce their annexes)")
        }
        if let a = facts.acquired { out.period = a < annex.effective ? .beforeEffective : .onOrAfterEffective }
        let entry = catalogue?.entry(vendor: facts.vendor, model: facts.model)
        var deviceClass = facts.deviceClass
        if let entry, let c = entry.deviceClass {
            if let mine = deviceClass, mine != c {
                out.contradictions.append(Contradiction(file: entry.file, line: entry.line,
                    message: "\(entry.model) is listed as a \(c.rawValue), but \(facts.name) is a \(mine.rawValue) (\(facts.classFrom ?? "as found"))"))
            } else if deviceClass == nil {
                deviceClass = c
            }
        }
        out.deviceClass = deviceClass
        guard let cls = deviceClass else {
            return whole("its device class is not known (no diagram role, and SNMP does not say)")
        }
        guard let row = annex.classes[cls] else {
            return whole("the annex (\(annex.file)) has no row for \(cls.rawValue)")
        }
        for m in row {
            var r = Result(requirement: m.requirement, verdict: .cannotAssess, annexLine: m.line)
            switch m.value {
            case .quantity(let min):
                r.minimum = m.written
                var figure = facts.figures[m.requirement]
                r.figureFrom = facts.sources[m.requirement]
                if let listed = entry?.figures[m.requirement], let entry {
                    if let reported = figure, contradicts(m.requirement, listed: listed, reported: reported) {
                        out.contradictions.append(Contradiction(file: entry.file, line: entry.lines[m.requirement] ?? entry.line,
                            message: "\(entry.model): \(m.requirement.rawValue) is listed as \(listed), but \(facts.name) reports \(reported) (\(facts.sources[m.requirement] ?? "SNMP")); the device's figure is used"))
                    } else if figure == nil {
                        figure = listed
                        r.figureFrom = "\(entry.file):\(entry.lines[m.requirement] ?? entry.line)"
                    }
                }
                guard let figure else {
                    r.reason = missingReason(m.requirement, facts: facts)
                    break
                }
                r.figure = figure.description
                let needed = m.requirement == .memory && (r.figureFrom ?? "").hasPrefix("SNMP") ? min.value * (1 - memoryTolerance) : min.value
                r.verdict = figure.value >= needed ? .meets : .below
            case .flag(let wanted):
                r.minimum = wanted ? "yes" : "no"
                let have = facts.snmpv3 ?? entry?.snmpv3
                r.figureFrom = facts.snmpv3 != nil ? "the collector polls it with SNMPv3" : entry.map { "\($0.file):\($0.line)" }
                guard let have else {
                    r.reason = "whether it speaks SNMPv3 is not known (polled with v1/v2c, and no catalogue entry says)"
                    break
                }
                r.figure = have ? "yes" : "no"
                r.verdict = have || !wanted ? .meets : .below
            case .firmware(let byKey):
                let key = [facts.family, facts.vendor].compactMap { $0?.lowercased() }.first { byKey[$0] != nil } ?? "*"
                guard let min = byKey[key] else {
                    r.reason = "the annex sets no firmware minimum for \(facts.family ?? facts.vendor ?? "this device's family")"
                    break
                }
                r.minimum = min.text
                guard let text = facts.firmware, let fw = FirmwareVersion(text) else {
                    r.reason = "the device reports no firmware version"
                    break
                }
                r.figure = text
                r.figureFrom = "SNMP"
                r.verdict = fw < min ? .below : .meets
            }
            out.results.append(r)
        }
        if out.results.isEmpty { return whole("the annex row for \(cls.rawValue) sets no minimum") }
        return out
    }

    /// Whether a catalogue figure contradicts what the device reports: a different count of
    /// cores or ports, a different memory, storage or VA rating (more than 10% apart), or a
    /// port faster than the model's fastest.
    static func contradicts(_ r: Requirement, listed: Quantity, reported: Quantity) -> Bool {
        switch r {
        case .portSpeed: return reported.value > listed.value
        case .cpuCores, .portCount: return reported.value != listed.value
        default: return abs(reported.value - listed.value) > 0.1 * max(listed.value, 1)
        }
    }

    static func missingReason(_ r: Requirement, facts: DeviceFacts) -> String {
        let catalogue = facts.model.map { "the model catalogue has no entry for \($0)" } ?? "its model is not known, so the model catalogue cannot fill it in"
        let reported: String
        switch r {
        case .poeBudget: reported = "devices do not report their PoE budget"
        case .portCount, .portSpeed: reported = facts.polled ? "it reports no Ethernet interfaces" : "Pantau does not poll it"
        case .cpuCores, .memory, .storage: reported = facts.polled ? "it reports no HOST-RESOURCES-MIB figures" : "Pantau does not poll it"
        case .upsVA: reported = facts.polled ? "it reports no UPS-MIB rating" : "Pantau does not poll it"
        case .snmpv3, .firmware: return "not reported"
        }
        return "\(reported), and \(catalogue)"
    }
}

extension SpecAssessment {
    /// Devices counted by overall verdict, apart for those acquired before the annex took
    /// effect, on or after, or at an unknown date (what auditors ask for).
    public struct Summary: Sendable, Hashable, Codable {
        public var counts: [Period: [Verdict: Int]]
    }

    public static func summary(_ all: [SpecAssessment]) -> Summary {
        var counts: [Period: [Verdict: Int]] = [:]
        for a in all { counts[a.period, default: [:]][a.overall, default: 0] += 1 }
        return Summary(counts: counts)
    }
}

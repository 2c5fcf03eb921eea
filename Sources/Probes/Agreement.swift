import Foundation
import InventoryModel

/// Another monitor's reading of a recorded device: the `NAME.expected.json` that sits beside
/// `NAME.snmprec` in the LibreNMS corpus (shared/corpus/snmp-librenms/SOURCES.md). Only the
/// identity facts are read here; interfaces are compared by the test support.
public struct DeviceExpectation: Decodable, Sendable {
    public var sysName: String?
    public var sysDescr: String?
    public var sysObjectID: String?
    /// LibreNMS's operating-system name for the device (`routeros`, `iosxe`, …).
    public var os: String?
    /// LibreNMS calls the model "hardware".
    public var hardware: String?
    public var serial: String?
    public var version: String?

    public init(sysName: String?, sysDescr: String?, sysObjectID: String?, os: String?, hardware: String?, serial: String?,
                version: String?) {
        self.sysName = sysName
        self.sysDescr = sysDescr
        self.sysObjectID = sysObjectID
        self.os = os
        self.hardware = hardware
        self.serial = serial
        self.version = version
    }

    public static func load(path: String) throws -> DeviceExpectation {
        try JSONDecoder().decode(DeviceExpectation.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// The expectation beside a recording (`X.snmprec` → `X.expected.json`), if there is one.
    public static func beside(recording path: String) -> String? {
        let base = path.hasSuffix(".snmprec") ? String(path.dropLast(8)) : path
        let candidate = base + ".expected.json"
        return FileManager.default.fileExists(atPath: candidate) ? candidate : nil
    }
}

/// How one identity fact compares with the other monitor's value.
public enum FactOutcome: String, Sendable, CaseIterable, Comparable {
    /// The same text (after trimming surrounding white space).
    case strict
    /// The same in substance under one of the rules of `Agreement.substance`.
    case lenient
    /// The other monitor has a value; Pantau reports none (never wrong, but not known).
    case missing
    /// The other monitor's model names only the processor architecture of a general-purpose
    /// computer (`Agreement.isArchitecturePlaceholder`) and Pantau reports none: not a model
    /// either side knows, so it counts neither as reported nor as missing.
    case placeholder
    /// Both have a value and they differ in substance: a wrong fact unless waived.
    case wrong
    /// Pantau reports a value the other monitor has none for: nothing to judge it by.
    case unjudged

    public static func < (a: FactOutcome, b: FactOutcome) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!  // every case is in allCases
    }
}

/// One identity fact of one device, compared.
public struct FactComparison: Sendable, CustomStringConvertible {
    /// `model`, `serial` or `version`.
    public var fact: String
    public var expected: String?
    public var actual: String?
    public var outcome: FactOutcome
    /// For `lenient`: the rule that made the two agree.
    public var rule: String?

    public var description: String {
        let e = expected.map { String(reflecting: $0) } ?? "null", a = actual.map { String(reflecting: $0) } ?? "null"
        return "\(fact): \(outcome.rawValue)\(rule.map { " (\($0))" } ?? "") LibreNMS \(e), Pantau \(a)"
    }
}

/// The comparison rules between Pantau's identity facts (model, serial, version) and
/// LibreNMS's, written once and used by the corpus test, the coverage table and
/// `pantau probes test`.
///
/// LibreNMS decorates values (an image-name prefix, a bracketed build suffix, "Rev. A1",
/// "Software …, Bootldr …"); agreement in substance is what matters, so each rule below
/// says which decoration it forgives. The strict figure (same text) is always reported
/// beside the lenient one.
public enum Agreement {
    /// The identity facts compared, with LibreNMS's key for each.
    public static let facts: [(fact: String, libreNMS: String)] = [("model", "hardware"), ("serial", "serial"), ("version", "version")]

    public static func compare(_ inv: DeviceInventory, with e: DeviceExpectation) -> [FactComparison] {
        let pairs: [(String, String?, String?)] = [("model", e.hardware, inv.model), ("serial", e.serial, inv.serial),
                                                    ("version", e.version, inv.version)]
        return pairs.compactMap { fact, expected, actual in
            // LibreNMS writes an empty string for some facts it could not find: no value.
            let ex = expected.flatMap { $0.trimmed.isEmpty ? nil : $0 }
            let ac = actual.flatMap { $0.trimmed.isEmpty ? nil : $0 }
            if let x = ex, (fact == "model" && isArchitecturePlaceholder(x)) || (fact == "serial" && isAnonymisedSerial(x)) {
                return ac.map { FactComparison(fact: fact, expected: nil, actual: $0, outcome: .unjudged, rule: "placeholder \(String(reflecting: x))") }
                    ?? FactComparison(fact: fact, expected: x, actual: nil, outcome: .placeholder)
            }
            var c = judge(fact: fact, expected: ex, actual: ac)
            // Rule "maker-prefix" (models only): LibreNMS writes the maker's name before the
            // model the device reports ("ABB Upscale" for UPS-MIB's "Upscale" from a UPS whose
            // upsIdentManufacturer is "ABB"); the maker must be the device's own vendor.
            if fact == "model", c?.outcome == .wrong, let x = ex, let a = ac, let maker = inv.vendor,
               collapse(x) == collapse("\(maker) \(a)") {
                c?.outcome = .lenient
                c?.rule = "maker-prefix"
            }
            return c
        }
    }

    /// Rule "placeholder" (models only): for a general-purpose computer LibreNMS writes the
    /// processor architecture where a model goes: "Generic x86 64-bit" from an x86_64 kernel
    /// in sysDescr, "Intel x64"/"AMD x64" from Windows' "Hardware: Intel64 Family …", "amd64"
    /// or "amd64 Intel(R) Xeon(R) CPU …" for a BSD build. That names the processor, not the
    /// machine (no standard MIB gives a PC's or server's maker and model, so Pantau leaves
    /// the model out), and it is not counted as a model LibreNMS reports. Only these exact
    /// forms are set aside: a real model that happens to mention an architecture is judged.
    /// Rule "placeholder" (serials only): a serial made only of zeros ("000000000000") is
    /// how the corpus's contributors anonymised a device's serial (SOURCES.md), not the
    /// device's: it is not counted as a serial LibreNMS reports.
    public static func isAnonymisedSerial(_ serial: String) -> Bool {
        let t = serial.trimmed
        return !t.isEmpty && t.allSatisfy { $0 == "0" }
    }

    public static func isArchitecturePlaceholder(_ model: String) -> Bool {
        model.trimmed.range(of: #"^(Generic (x86|ARM|ARMv\d+|MIPS)( 64-bit)?|(AMD|Intel) x64|amd64(/OpenSSL| .*\bCPU\b.*)?)$"#,
                            options: .regularExpression) != nil
    }

    /// Nil when neither side has a value.
    public static func judge(fact: String, expected: String?, actual: String?) -> FactComparison? {
        switch (expected, actual) {
        case (nil, nil): return nil
        case (nil, let a?): return FactComparison(fact: fact, expected: nil, actual: a, outcome: .unjudged)
        case (let x?, nil): return FactComparison(fact: fact, expected: x, actual: nil, outcome: .missing)
        case (let x?, let a?):
            if x.trimmed == a.trimmed { return FactComparison(fact: fact, expected: x, actual: a, outcome: .strict) }
            if let rule = substance(x, a, fact: fact) { return FactComparison(fact: fact, expected: x, actual: a, outcome: .lenient, rule: rule) }
            return FactComparison(fact: fact, expected: x, actual: a, outcome: .wrong)
        }
    }

    /// The rule under which two different texts are the same fact, or nil.
    public static func substance(_ expected: String, _ actual: String, fact: String) -> String? {
        let x = collapse(expected), a = collapse(actual)
        // Rule "case": letter case and runs of white space carry no meaning ("RouterOS" =
        // "routeros", "SG350-10  " = "SG350-10").
        if x == a { return "case" }
        // Rule "version-word": a leading "v", "version", "build", "release" or "software" word
        // is a label, not part of the value ("Build 1.50.018" = "1.50.018", "V5.170" = "5.170").
        if stripLabel(x) == stripLabel(a), !stripLabel(x).isEmpty { return "version-word" }
        // Rule "mac-form": two hardware addresses with the same six bytes, however the bytes
        // are written ("b8:a4:4f:2:fe:1" without zero padding = "b8:a4:4f:02:fe:01"; Axis
        // serial numbers are MAC addresses).
        if let mx = macBytes(x), mx == macBytes(a) { return "mac-form" }
        // Rule "decoration": one value is the other with words around it (an image name before
        // a version, a bracketed build or licence suffix after it, "Rev. A1" after a model,
        // "Software 2.5.9.13, Bootldr …" around a version). Words are split at white space and
        // , ; ( ) [ ] " ' only, so "7050S" never matches "7050TX" and "1.10" never matches
        // "1.10.010"; the shorter value must carry a digit or be two words or more, so a bare
        // word like "Cisco" or "Linux" never agrees with a longer value by containment.
        let wx = words(x), wa = words(a)
        let (short, long) = wx.count <= wa.count ? (wx, wa) : (wa, wx)
        if !short.isEmpty, short.count >= 2 || short.joined().contains(where: \.isNumber), contains(long, short) {
            return "decoration"
        }
        // Rule "build-tag" (versions only): one version is the other with a build or image tag
        // joined by "-" or "_" ("1.5.0-ej76_svrbuild" = "1.5.0", "ibos-ms4k-7.1.2-ED-R" =
        // "7.1.2-ED-R"); the shorter must have at least two dots' worth of release
        // ("1.5.0"), so "1.5" never agrees with "1.50-2".
        if fact == "version" {
            let (s, l) = x.count <= a.count ? (x, a) : (a, x)
            if s.filter({ $0 == "." }).count >= 2, s.first?.isNumber == true || l.hasSuffix(s) {
                if l.hasPrefix(s), let next = l.dropFirst(s.count).first, next == "-" || next == "_" { return "build-tag" }
                if l.hasSuffix(s), let prev = l.dropLast(s.count).last, prev == "-" || prev == "_" { return "build-tag" }
            }
        }
        // Rule "product-name" (models only): where one side gives a product name and the other
        // a part or catalogue form of the same number ("FortiGate 501E" for "FGT_501E", "VSP-8608" for
        // "8608"), every digit-carrying piece (split at any non-alphanumeric character) of the
        // side with fewer pieces is a piece of the other, and the model number among them has
        // at least three characters.
        guard fact == "model" else { return nil }
        let px = pieces(x), pa = pieces(a)
        let (few, many) = px.count <= pa.count ? (px, pa) : (pa, px)
        if !few.isEmpty, few.contains(where: { $0.count >= 3 }), Set(few).isSubset(of: Set(many)) { return "product-name" }
        return nil
    }

    static func collapse(_ s: String) -> String {
        s.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Six bytes written as hex pairs (or single digits) separated by ":" or "-".
    static func macBytes(_ s: String) -> [UInt8]? {
        let parts = s.split(omittingEmptySubsequences: false, whereSeparator: { $0 == ":" || $0 == "-" })
        guard parts.count == 6 else { return nil }
        let bytes = parts.compactMap { p in p.count <= 2 ? UInt8(p, radix: 16) : nil }
        return bytes.count == 6 ? bytes : nil
    }

    static func stripLabel(_ s: String) -> String {
        var t = Substring(s)
        for label in ["version ", "build ", "release ", "software ", "firmware "] where t.hasPrefix(label) {
            t = t.dropFirst(label.count)
        }
        if t.first == "v", t.dropFirst().first?.isNumber == true { t = t.dropFirst() }
        return String(t)
    }

    static func words(_ s: String) -> [String] {
        s.split(whereSeparator: { $0.isWhitespace || ",;()[]\"'".contains($0) }).map(String.init)
    }

    /// Digit-carrying pieces at any non-alphanumeric boundary.
    static func pieces(_ s: String) -> [String] {
        s.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init).filter { $0.contains(where: \.isNumber) }
    }

    static func contains(_ long: [String], _ short: [String]) -> Bool {
        guard short.count <= long.count else { return false }
        for i in 0...(long.count - short.count) where Array(long[i..<(i + short.count)]) == short { return true }
        return false
    }
}

extension String {
    fileprivate var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}

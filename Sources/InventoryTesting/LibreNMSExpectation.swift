import Foundation
import InventoryModel

/// LibreNMS's view of a recorded device (the reduced `.expected.json` beside each `.snmprec`
/// in the shared corpus), and the comparison of a Pantau inventory against it.
///
/// LibreNMS interprets the walk, so the comparison accounts for its habits without copying
/// them into Pantau (corpus SOURCES.md):
/// - it copies ifDescr/ifName into an empty ifAlias: where Pantau has no ifAlias, LibreNMS's
///   must be such a copy (or empty), else it is a mismatch; where Pantau has one they must
///   agree; likewise it fills a missing ifName from ifDescr and an empty ifDescr from ifName, so Pantau's other name stands in where it has none;
/// - it drops ports its OS definition ignores: only ports it lists are checked, each must exist;
/// - it writes MACs as hex without separators: compared after removing separators;
/// - it derives ifSpeed from ifHighSpeed × 10^6: compared as bit/s, when LibreNMS has a speed;
/// - its hardware/serial/version come from vendor parsing: compared after trimming, collapsing
///   white space and ignoring case, when LibreNMS found them; deliberate differences are passed
///   as `waivers` (field → reason) and reported as such, never silently ignored.
public struct LibreNMSExpectation: Decodable, Sendable {
    public var sysName: String?
    public var sysDescr: String?
    public var sysObjectID: String?
    public var os: String?
    public var hardware: String?
    public var serial: String?
    public var version: String?
    public var ports: [Port]

    public struct Port: Decodable, Sendable {
        public var ifIndex: Int
        public var ifName: String?
        public var ifDescr: String?
        public var ifAlias: String?
        public var ifType: String?
        public var ifSpeed: UInt64?
        public var ifPhysAddress: String?
        public var ifAdminStatus: String?
        public var ifOperStatus: String?
    }

    public static func load(path: String) throws -> LibreNMSExpectation {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try JSONDecoder().decode(LibreNMSExpectation.self, from: data)
    }

    /// The outcome of one comparison.
    public struct Report: Sendable, CustomStringConvertible {
        /// Disagreements that are not waived: each names the field, LibreNMS's and Pantau's value.
        public var mismatches: [String] = []
        /// Disagreements covered by a waiver, with its reason.
        public var waived: [String] = []
        /// Fields compared (for "N checks agree" figures).
        public var checks = 0

        public var agrees: Bool { mismatches.isEmpty }
        public var description: String {
            (mismatches.map { "MISMATCH \($0)" } + waived.map { "waived \($0)" }).joined(separator: "\n")
        }
    }

    /// Normalisation allowed for free-text facts: trim, collapse white space, ignore case.
    public static func normalise(_ s: String) -> String {
        s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ").lowercased()
    }

    public func compare(_ inv: DeviceInventory, waivers: [String: String] = [:]) -> Report {
        var report = Report()
        func check(_ field: String, _ expected: String?, _ actual: String?, exact: Bool = true) {
            guard let expected else { return }
            report.checks += 1
            let ok = exact ? expected == actual : actual.map(Self.normalise) == Self.normalise(expected)
            if ok { return }
            let line = "\(field): LibreNMS \(String(reflecting: expected)), Pantau \(actual.map { String(reflecting: $0) } ?? "nil")"
            if let reason = waivers[field] { report.waived.append("\(line) (\(reason))") } else { report.mismatches.append(line) }
        }
        check("sysName", sysName, inv.sysName)
        check("sysDescr", sysDescr, inv.sysDescr)
        check("sysObjectID", sysObjectID.map { $0.hasPrefix(".") ? String($0.dropFirst()) : $0 }, inv.sysObjectID)
        check("model", hardware, inv.model, exact: false)
        check("serial", serial, inv.serial, exact: false)
        check("version", version, inv.version, exact: false)

        let byIndex = Dictionary(inv.interfaces.map { ($0.ifIndex, $0) }, uniquingKeysWith: { a, _ in a })
        for p in ports {
            let f = "port[\(p.ifIndex)]"
            report.checks += 1
            guard let i = byIndex[p.ifIndex] else {
                if let reason = waivers[f] { report.waived.append("\(f): missing (\(reason))") } else {
                    report.mismatches.append("\(f): LibreNMS lists ifIndex \(p.ifIndex) (\(p.ifName ?? "?")), Pantau has no such interface")
                }
                continue
            }
            // LibreNMS fills a missing ifName from ifDescr (agents without ifXTable) and an
            // empty ifDescr from ifName; Pantau leaves them absent, so compare what it has.
            check("\(f).ifName", p.ifName.flatMap { $0.isEmpty ? nil : $0 }, i.ifName ?? i.ifDescr)
            check("\(f).ifDescr", p.ifDescr.flatMap { $0.isEmpty ? nil : $0 }, i.ifDescr ?? i.ifName)
            if let alias = i.ifAlias {
                check("\(f).ifAlias", p.ifAlias ?? "", alias)
            } else if let theirs = p.ifAlias, !theirs.isEmpty, theirs != p.ifDescr, theirs != p.ifName {
                // Pantau has no alias: LibreNMS may only have one it copied from ifDescr/ifName.
                check("\(f).ifAlias", theirs, nil)
            }
            check("\(f).ifType", p.ifType, i.ifType)
            check("\(f).ifAdminStatus", p.ifAdminStatus, i.adminStatus)
            check("\(f).ifOperStatus", p.ifOperStatus, i.operStatus)
            let mac = p.ifPhysAddress.flatMap { $0.isEmpty ? nil : $0.lowercased() }
            check("\(f).mac", mac, i.mac?.replacingOccurrences(of: ":", with: ""))
            if let speed = p.ifSpeed { check("\(f).speed", String(speed), i.speed.map(String.init)) }
        }
        return report
    }
}

/// Row counts per table for each recording, read from the corpus SOURCES.md ("Table rows:"
/// lines), so sections other than interfaces are checked against independent figures.
public enum CorpusTableCounts {
    /// Recording base name → table name → rows.
    public static func load(sourcesPath: String) throws -> [String: [String: Int]] {
        let text = try String(contentsOfFile: sourcesPath, encoding: .utf8)
        var out: [String: [String: Int]] = [:]
        var current: String?
        for line in text.split(separator: "\n") {
            if line.hasPrefix("### ") {
                current = String(line.dropFirst(4)).trimmingCharacters(in: .whitespaces)
            } else if let c = current, line.hasPrefix("- Table rows:") {
                var counts: [String: Int] = [:]
                let body = line.dropFirst("- Table rows:".count).replacingOccurrences(of: "(", with: ",")
                    .replacingOccurrences(of: ")", with: "").replacingOccurrences(of: ".", with: "")
                for item in body.split(separator: ",") {
                    let words = item.split(separator: " ")
                    if words.count == 2, let n = Int(words[1]) { counts[String(words[0])] = n }
                }
                out[c] = counts
            }
        }
        return out
    }
}

/// Deliberate disagreements with LibreNMS over the shared corpus, per recording:
/// field → reason. Shared by the in-process probe tests and the over-the-wire CLI tests, so
/// both hold Pantau to the same standard.
public enum CorpusWaivers {
    public static let all: [String: [String: String]] = [
        "linux_icecast": [
            "model": "LibreNMS invents \"Generic x86 64-bit\" from the kernel architecture; Pantau reports no model for a generic Linux host",
        ],
        "vrp_5720": [
            "version": "LibreNMS appends a licence flag (\"[unlocked]\") from another OID; Pantau reports the VRP version and release only",
        ],
    ]
}

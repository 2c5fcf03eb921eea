import Foundation

/// Vendor names by OUI, from the IEEE registry CSV (Debian's ieee-data: `oui.csv`).
public struct OUIRegistry: Sendable {
    var vendors: [UInt32: String] = [:]

    public init() {}

    /// Loads `Registry,Assignment,Organization Name,Organization Address` rows (MA-L only).
    public init(csvPath: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: csvPath))
        let text = String(decoding: data, as: UTF8.self)
        vendors.reserveCapacity(40_000)
        for line in text.split(whereSeparator: \.isNewline).dropFirst() {
            // Most rows have no quotes; split those cheaply.
            let fields = line.contains("\"") ? OUIRegistry.csvFields(line, max: 3) : line.split(separator: ",", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 3, fields[0] == "MA-L", fields[1].count == 6, let oui = UInt32(fields[1], radix: 16) else { continue }
            vendors[oui] = fields[2].trimmingCharacters(in: .whitespaces)
        }
    }

    public var count: Int { vendors.count }

    /// The vendor owning a 24-bit OUI, if registered.
    public func vendor(oui: UInt32) -> String? { vendors[oui] }

    /// First `max` fields of a CSV line (double quotes may wrap commas; "" is a quote).
    static func csvFields(_ line: Substring, max: Int) -> [String] {
        var out: [String] = []
        var cur = ""
        var quoted = false
        var it = line.makeIterator()
        while let c = it.next() {
            if quoted {
                if c == "\"" { quoted = false } else { cur.append(c) }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                out.append(cur)
                cur = ""
                if out.count == max { return out }
            } else {
                cur.append(c)
            }
        }
        out.append(cur)
        return out
    }
}

import Foundation

/// Vendor names by OUI, from the IEEE registry CSV (Debian's ieee-data: `oui.csv`).
public struct OUIRegistry: Sendable {
    var vendors: [UInt32: String] = [:]

    public init() {}

    /// Loads `Registry,Assignment,Organization Name,Organization Address` rows (MA-L only).
    ///
    /// Scans the file's bytes directly: the registry has some 32,000 rows and this runs at
    /// every sampler start, where splitting it as Swift Strings took longer than decoding
    /// hundreds of thousands of packets.
    public init(csvPath: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: csvPath))
        vendors.reserveCapacity(40_000)
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let b = raw.bindMemory(to: UInt8.self)
            var i = 0
            let n = b.count
            while i < n {
                var end = i
                while end < n && b[end] != 0x0A { end += 1 }
                if let (oui, name) = OUIRegistry.parseRow(b, from: i, to: end) { vendors[oui] = name }
                i = end + 1
            }
        }
    }

    /// One `MA-L,HHHHHH,Organization,...` row; nil for the header, other registries and bad rows.
    static func parseRow(_ b: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> (UInt32, String)? {
        // "MA-L," then six hex digits then a comma.
        guard end - start > 12, b[start] == 0x4D, b[start + 1] == 0x41, b[start + 2] == 0x2D, b[start + 3] == 0x4C,
            b[start + 4] == 0x2C, b[start + 11] == 0x2C
        else { return nil }
        var oui: UInt32 = 0
        for k in start + 5..<start + 11 {
            let c = b[k]
            let v: UInt8
            switch c {
            case 0x30...0x39: v = c - 0x30
            case 0x41...0x46: v = c - 0x37
            case 0x61...0x66: v = c - 0x57
            default: return nil
            }
            oui = oui << 4 | UInt32(v)
        }
        // The organization field: plain, or double-quoted with "" for a literal quote.
        var name: [UInt8] = []
        var k = start + 12
        if k < end && b[k] == 0x22 {
            k += 1
            while k < end {
                if b[k] == 0x22 {
                    if k + 1 < end && b[k + 1] == 0x22 {
                        name.append(0x22)
                        k += 2
                        continue
                    }
                    break
                }
                name.append(b[k])
                k += 1
            }
        } else {
            while k < end && b[k] != 0x2C && b[k] != 0x0D {
                name.append(b[k])
                k += 1
            }
        }
        while let l = name.last, l == 0x20 || l == 0x09 { name.removeLast() }
        while let f = name.first, f == 0x20 || f == 0x09 { name.removeFirst() }
        return (oui, String(decoding: name, as: UTF8.self))
    }

    public var count: Int { vendors.count }

    /// The vendor owning a 24-bit OUI, if registered.
    public func vendor(oui: UInt32) -> String? { vendors[oui] }
}

import Foundation
import SNMPCore

/// Organisation names by IANA Private Enterprise Number, from the registry as Debian's
/// wireshark-common ships it (`/usr/share/wireshark/enterprises.tsv`: `NUMBER<white space>NAME`
/// lines, `#` comments). A device no family matches gets its vendor from the enterprise
/// number in its sysObjectID (`1.3.6.1.4.1.N…`).
public struct EnterpriseRegistry: Sendable {
    var names: [UInt32: String] = [:]

    /// Where the registry is read from by default: `$PANTAU_ENTERPRISES`, else Debian's path.
    public static var defaultPath: String {
        if let p = ProcessInfo.processInfo.environment["PANTAU_ENTERPRISES"] { return p }
        return "/usr/share/wireshark/enterprises.tsv"
    }

    /// Enterprise numbers of SNMP agent software, not of a device's maker: a sysObjectID
    /// under them names the agent (Net-SNMP's 8072, and UCD-SNMP's 2021 before it).
    static let agentSoftware: Set<UInt32> = [2021, 8072]

    public init() {}

    /// Reads the registry. Scans bytes, not Swift Strings: it has some 62,000 lines and is
    /// read whenever a probe catalog is loaded.
    public init(path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        names.reserveCapacity(70_000)
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let b = raw.bindMemory(to: UInt8.self)
            let n = b.count
            var i = 0
            while i < n {
                var end = i
                while end < n && b[end] != 0x0A { end += 1 }
                // NUMBER, then spaces or tabs, then the name to the end of the line.
                var j = i
                var number: UInt32 = 0
                var digits = 0
                while j < end, b[j] >= 0x30, b[j] <= 0x39, digits < 10 {
                    number = number &* 10 &+ UInt32(b[j] - 0x30)
                    j += 1
                    digits += 1
                }
                if digits > 0, j < end, b[j] == 0x20 || b[j] == 0x09 {
                    while j < end, b[j] == 0x20 || b[j] == 0x09 { j += 1 }
                    var k = end
                    while k > j, b[k - 1] == 0x20 || b[k - 1] == 0x09 || b[k - 1] == 0x0D { k -= 1 }
                    if k > j {
                        let name = String(decoding: UnsafeBufferPointer(rebasing: b[j..<k]), as: UTF8.self)
                        names[number] = EnterpriseRegistry.clean(name)
                    }
                }
                i = end + 1
            }
        }
    }

    /// Loads the registry at `path`, or an empty one when there is no file there.
    public static func load(path: String?) throws -> EnterpriseRegistry {
        guard let path, !path.isEmpty, FileManager.default.fileExists(atPath: path) else { return EnterpriseRegistry() }
        return try EnterpriseRegistry(path: path)
    }

    public var count: Int { names.count }

    /// The organisation for an enterprise number.
    public func name(_ number: UInt32) -> String? { names[number] }

    /// The maker named by a sysObjectID (`1.3.6.1.4.1.N` and below), or nil for the bare
    /// enterprises OID, other subtrees, agent-software numbers and unknown numbers.
    public func vendor(sysObjectID: OID) -> String? {
        let c = sysObjectID.components
        guard c.count >= 7, Array(c.prefix(6)) == [1, 3, 6, 1, 4, 1], !Self.agentSoftware.contains(c[6]) else { return nil }
        return names[c[6]]
    }

    /// Drops a trailing parenthesised web address ("IBM (https://w3.ibm.com/standards )").
    static func clean(_ name: String) -> String {
        guard name.hasSuffix(")"), let open = name.range(of: " (http", options: .backwards) else { return name }
        return String(name[..<open.lowerBound]).trimmingCharacters(in: .whitespaces)
    }
}

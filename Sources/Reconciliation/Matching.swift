import Foundation
import Governance
import InventoryModel

/// A device one PD's latest diagram declares.
public struct DeclaredDevice: Sendable, Hashable {
    public var pd: String
    public var version: Int
    public var device: Diagram.Device
    public var id: String { device.id }
}

/// The rule that matched an observed device to a declared one, strongest first.
public enum MatchRule: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case serial, mac, managementIP = "management_ip", name
    var rank: Int { MatchRule.allCases.firstIndex(of: self) ?? 0 }
    public static func < (a: MatchRule, b: MatchRule) -> Bool { a.rank < b.rank }
}

/// An observed device matched to a declared one, with the rule and the value that matched.
public struct DeviceMatch: Sendable, Hashable, Codable {
    public var observed: String
    public var observedName: String
    public var pd: String
    public var declared: String
    public var rule: MatchRule
    /// The value both sides share (the serial, MAC, address or name).
    public var value: String
}

/// The declared devices of every compared PD, indexed by each identifier.
public struct DeclaredIndex: Sendable {
    public private(set) var devices: [DeclaredDevice] = []
    var bySerial: [String: [Int]] = [:]
    var byMAC: [MACAddress: [Int]] = [:]
    var byIP: [IPAddress: [Int]] = [:]
    var byName: [String: [Int]] = [:]

    public init(_ declared: [DeclaredDevice]) {
        for d in declared {
            let i = devices.count
            devices.append(d)
            if let s = Self.serialKey(d.device.serial) { bySerial[s, default: []].append(i) }
            for m in d.device.macs.compactMap(MACAddress.init) { byMAC[m, default: []].append(i) }
            if let ip = d.device.managementIP.flatMap(IPAddress.init) { byIP[ip, default: []].append(i) }
            for n in Set([d.device.id, d.device.name].compactMap { $0 }.flatMap(ObservedNetwork.nameKeys)) { byName[n, default: []].append(i) }
        }
    }

    static func serialKey(_ s: String?) -> String? {
        guard let t = s?.trimmingCharacters(in: .whitespaces).uppercased(), !t.isEmpty else { return nil }
        return t
    }

    /// The declared device an observed one is: by serial, then MAC, then management address,
    /// then name. Among several candidates for one rule, one of the device's own PD wins, then
    /// the first by PD and id.
    public func match(_ d: ObservedNetwork.Device) -> (DeclaredDevice, MatchRule, String)? {
        func pick(_ candidates: [Int]) -> DeclaredDevice? {
            let c = candidates.map { devices[$0] }.sorted { ($0.pd, $0.id) < ($1.pd, $1.id) }
            return c.first { $0.pd == d.pd } ?? c.first
        }
        if let s = Self.serialKey(d.serial), let c = bySerial[s], let hit = pick(c) { return (hit, .serial, s) }
        for m in d.macs.sorted() { if let c = byMAC[m], let hit = pick(c) { return (hit, .mac, m.description) } }
        for a in d.addresses.sorted() { if let c = byIP[a], let hit = pick(c) { return (hit, .managementIP, a.description) } }
        for n in [d.sysName, d.polled ? d.name : nil].compactMap({ $0 }) {
            for k in ObservedNetwork.nameKeys(n) { if let c = byName[k], let hit = pick(c) { return (hit, .name, k) } }
        }
        return nil
    }

    public func declared(mac: MACAddress) -> DeclaredDevice? { byMAC[mac].flatMap { $0.first }.map { devices[$0] } }
    public func declared(ip: IPAddress) -> DeclaredDevice? { byIP[ip].flatMap { $0.first }.map { devices[$0] } }
}

/// Port names as sources write them: `Gi1/0/1`, `GigabitEthernet1/0/1`, `gi 1/0/1`, `24`, `Port 24`.
public enum PortName {
    /// Whether two names denote the same port: equal ignoring case and spaces, or the same
    /// number with one type prefix abbreviating the other (`Gi` / `GigabitEthernet`), or a
    /// bare number against a named port ending in that number (`24` / `Port 24`).
    public static func same(_ a: String, _ b: String) -> Bool {
        let x = normal(a), y = normal(b)
        if x == y { return true }
        let (px, nx) = split(x), (py, ny) = split(y)
        guard !nx.isEmpty, nx == ny else { return false }
        if px.isEmpty || py.isEmpty { return true }
        return px.hasPrefix(py) || py.hasPrefix(px)
    }

    static func normal(_ s: String) -> String { s.lowercased().filter { !$0.isWhitespace } }

    /// Splits `gigabitethernet1/0/1` into `gigabitethernet` and `1/0/1`.
    static func split(_ s: String) -> (String, String) {
        guard let i = s.firstIndex(where: { $0.isNumber }) else { return (s, "") }
        return (String(s[..<i]).trimmingCharacters(in: CharacterSet(charactersIn: "-_")), String(s[i...]))
    }
}

/// Subnets to look addresses up in quickly: IPv4 networks as integer base and mask, most
/// specific first (reconciliation looks up every host's address, 100,000 and more).
public struct SubnetIndex: Sendable {
    struct V4: Sendable { var base: UInt32; var mask: UInt32; var prefix: Int; var owner: String }
    var v4: [V4] = []
    var other: [(IPNetwork, String)] = []

    public init(_ nets: [(IPNetwork, String)]) {
        for (net, owner) in nets {
            if case .v4(let base) = net.address {
                let mask: UInt32 = net.prefixLength == 0 ? 0 : ~UInt32(0) << UInt32(32 - net.prefixLength)
                v4.append(V4(base: base & mask, mask: mask, prefix: net.prefixLength, owner: owner))
            } else {
                other.append((net, owner))
            }
        }
        v4.sort { $0.prefix > $1.prefix }
        other.sort { $0.0.prefixLength > $1.0.prefixLength }
    }

    /// The owner of the most specific subnet holding `ip`.
    public func owner(of ip: IPAddress) -> String? {
        if case .v4(let a) = ip { return v4.first { a & $0.mask == $0.base }?.owner }
        return other.first { $0.0.contains(ip) }?.1
    }

    public func contains(_ ip: IPAddress) -> Bool { owner(of: ip) != nil }
}

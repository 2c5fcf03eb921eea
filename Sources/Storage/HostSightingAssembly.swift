import Foundation
import InventoryModel

/// Host sightings built from the rows a store reads, the same way on every backend: first the
/// hosts (ordered by MAC, VLAN and capture point), then their addresses and names, each row
/// given as plain values. A row whose MAC or address does not parse, or whose host was not
/// read (a filtered read), is left out. Addresses end up ordered by address and source.
///
/// A regency's 100,000 hosts and their addresses go through here on every reconciliation, so
/// rows are matched to their host by the MAC's 48 bits, the VLAN and a number for the capture
/// point (a store has few), not by hashing text.
public struct HostSightingAssembly: Sendable {
    struct Key: Hashable { var mac: UInt64; var vlan: Int; var point: Int }
    private var hosts: [HostSighting] = []
    private var index: [Key: Int] = [:]
    private var pointNumbers: [String: Int] = [:]
    private var lastPoint: (name: String, number: Int)?

    public init() {}

    public var isEmpty: Bool { hosts.isEmpty }

    private mutating func point(_ name: String) -> Int {
        if let last = lastPoint, last.name == name { return last.number }
        let n = pointNumbers[name] ?? pointNumbers.count
        pointNumbers[name] = n
        lastPoint = (name, n)
        return n
    }

    /// One `sighting_host` row; `vlan` 0 is untagged.
    public mutating func host(mac: String, vlan: Int, capturePoint: String, vendor: String?, pd: String?, firstSeen: Double, lastSeen: Double,
                              framesSampled: Int) {
        guard let m = MACAddress(mac) else { return }
        index[Key(mac: m.value, vlan: vlan, point: point(capturePoint))] = hosts.count
        hosts.append(HostSighting(mac: m, vlan: vlan == 0 ? nil : vlan, capturePoint: capturePoint, vendor: vendor, pd: pd,
                                  firstSeen: Date(timeIntervalSince1970: firstSeen), lastSeen: Date(timeIntervalSince1970: lastSeen),
                                  framesSampled: framesSampled))
    }

    private mutating func position(mac: String, vlan: Int, capturePoint: String) -> Int? {
        guard let m = MACAddress(mac) else { return nil }
        return index[Key(mac: m.value, vlan: vlan, point: point(capturePoint))]
    }

    /// One `sighting_host_address` row.
    public mutating func address(mac: String, vlan: Int, capturePoint: String, address: String, source: String, firstSeen: Double, lastSeen: Double) {
        guard let i = position(mac: mac, vlan: vlan, capturePoint: capturePoint), let ip = IPAddress(address) else { return }
        hosts[i].addresses.append(AddressSighting(address: ip, source: source, firstSeen: Date(timeIntervalSince1970: firstSeen),
                                                  lastSeen: Date(timeIntervalSince1970: lastSeen)))
    }

    /// One `sighting_host_name` row.
    public mutating func name(mac: String, vlan: Int, capturePoint: String, name: String, source: String, firstSeen: Double, lastSeen: Double) {
        guard let i = position(mac: mac, vlan: vlan, capturePoint: capturePoint) else { return }
        hosts[i].names.append(NameSighting(name: name, source: source, firstSeen: Date(timeIntervalSince1970: firstSeen),
                                           lastSeen: Date(timeIntervalSince1970: lastSeen)))
    }

    /// The hosts in the order they were given, each one's addresses ordered by address and source.
    public mutating func finished() -> [HostSighting] {
        for i in hosts.indices where hosts[i].addresses.count > 1 {
            hosts[i].addresses.sort { ($0.address, $0.source) < ($1.address, $1.source) }
        }
        defer { self = HostSightingAssembly() }
        return hosts
    }
}

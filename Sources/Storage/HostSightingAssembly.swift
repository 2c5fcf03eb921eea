import Foundation
import InventoryModel

/// Host sightings built from the rows a store reads, the same way on every backend: first the
/// hosts (ordered by MAC, VLAN and capture point), then their addresses and names, each row
/// given as plain values. A row whose MAC or address does not parse, or whose host was not
/// read (a filtered read), is left out. Addresses end up ordered by address and source.
///
/// A regency's 100,000 hosts and their addresses go through here on every reconciliation, so
/// rows are matched to their host by the MAC's 48 bits, the VLAN and a number for the capture
/// point (a store has few), not by hashing text; and since a store gives the addresses (and
/// names) in the hosts' own order, by walking along the hosts, with a hash index built only
/// for a row that is not where that walk expects it (a filtered read, another collation). A store that can hand over a row's text as
/// UTF-8 bytes (SQLite) gives them as such: MACs and addresses are read from the bytes, and
/// the few distinct capture points, vendors, PDs and sources become one String each.
public struct HostSightingAssembly: Sendable {
    struct Key: Hashable { var mac: UInt64; var vlan: Int; var point: Int }
    private var hosts: [HostSighting] = []
    private var keys: [Key] = []
    /// Where the walk along the hosts is; which kind of row it walks for (addresses, names).
    private var cursor = 0, walking = 0
    /// Every host by key, built when the walk first misses.
    private var index: [Key: Int]?
    /// Capture points by number, and the other texts given as bytes, one String each.
    private var points = TextTable()
    private var texts = TextTable()

    public init() {}

    /// Room for this many hosts (a store that knows its row count says so: no rehashing).
    public mutating func reserve(hosts count: Int) {
        hosts.reserveCapacity(count)
        keys.reserveCapacity(count)
    }

    public var isEmpty: Bool { hosts.isEmpty }

    private mutating func point(_ name: String) -> Int {
        var name = name
        return name.withUTF8 { points.number($0) }
    }

    /// One `sighting_host` row; `vlan` 0 is untagged.
    public mutating func host(mac: String, vlan: Int, capturePoint: String, vendor: String?, pd: String?, firstSeen: Double, lastSeen: Double,
                              framesSampled: Int) {
        guard let m = MACAddress(mac) else { return }
        add(host: m, vlan: vlan, point: point(capturePoint), capturePoint: capturePoint, vendor: vendor, pd: pd, firstSeen: firstSeen,
            lastSeen: lastSeen, framesSampled: framesSampled)
    }

    /// The same row with its text columns as UTF-8 bytes (valid only during the call); nil is NULL.
    public mutating func host(mac: UnsafeBufferPointer<UInt8>, vlan: Int, capturePoint: UnsafeBufferPointer<UInt8>, vendor: UnsafeBufferPointer<UInt8>?,
                              pd: UnsafeBufferPointer<UInt8>?, firstSeen: Double, lastSeen: Double, framesSampled: Int) {
        guard let m = MACAddress(utf8: mac) else { return }
        let p = points.number(capturePoint)
        add(host: m, vlan: vlan, point: p, capturePoint: points.texts[p], vendor: vendor.map { texts.text($0) }, pd: pd.map { texts.text($0) },
            firstSeen: firstSeen, lastSeen: lastSeen, framesSampled: framesSampled)
    }

    private mutating func add(host m: MACAddress, vlan: Int, point: Int, capturePoint: String, vendor: String?, pd: String?, firstSeen: Double,
                              lastSeen: Double, framesSampled: Int) {
        keys.append(Key(mac: m.value, vlan: vlan, point: point))
        hosts.append(HostSighting(mac: m, vlan: vlan == 0 ? nil : vlan, capturePoint: capturePoint, vendor: vendor, pd: pd,
                                  firstSeen: Date(timeIntervalSince1970: firstSeen), lastSeen: Date(timeIntervalSince1970: lastSeen),
                                  framesSampled: framesSampled))
    }

    private mutating func position(mac: String, vlan: Int, capturePoint: String, kind: Int) -> Int? {
        guard let m = MACAddress(mac) else { return nil }
        return position(Key(mac: m.value, vlan: vlan, point: point(capturePoint)), kind: kind)
    }

    /// The host with `key`: found by walking on from the last one (rows come in the hosts'
    /// order: MAC, VLAN, capture point), else by the index. The walk only saves time: a row
    /// it misses is looked up, so any order gives the same hosts.
    private mutating func position(_ key: Key, kind: Int) -> Int? {
        if walking != kind { walking = kind; cursor = 0 }
        while cursor < keys.count, before(keys[cursor], key) { cursor += 1 }
        if cursor < keys.count, keys[cursor] == key { return cursor }
        if index == nil {
            var made: [Key: Int] = [:]
            made.reserveCapacity(keys.count)
            for (i, k) in keys.enumerated() where made[k] == nil { made[k] = i }
            index = made
        }
        return index?[key]
    }

    /// The stores' order of rows: MAC, VLAN, then capture point by its bytes.
    private func before(_ a: Key, _ b: Key) -> Bool {
        if a.mac != b.mac { return a.mac < b.mac }
        if a.vlan != b.vlan { return a.vlan < b.vlan }
        return a.point != b.point && points.ordered(a.point, b.point)
    }

    /// One `sighting_host_address` row.
    public mutating func address(mac: String, vlan: Int, capturePoint: String, address: String, source: String, firstSeen: Double, lastSeen: Double) {
        guard let i = position(mac: mac, vlan: vlan, capturePoint: capturePoint, kind: 1), let ip = IPAddress(address) else { return }
        hosts[i].addresses.append(AddressSighting(address: ip, source: source, firstSeen: Date(timeIntervalSince1970: firstSeen),
                                                  lastSeen: Date(timeIntervalSince1970: lastSeen)))
    }

    /// The same row with its text columns as UTF-8 bytes (valid only during the call).
    public mutating func address(mac: UnsafeBufferPointer<UInt8>, vlan: Int, capturePoint: UnsafeBufferPointer<UInt8>, address: UnsafeBufferPointer<UInt8>,
                                 source: UnsafeBufferPointer<UInt8>, firstSeen: Double, lastSeen: Double) {
        guard let m = MACAddress(utf8: mac), let i = position(Key(mac: m.value, vlan: vlan, point: points.number(capturePoint)), kind: 1),
              let ip = IPAddress(utf8: address) else { return }
        hosts[i].addresses.append(AddressSighting(address: ip, source: texts.text(source), firstSeen: Date(timeIntervalSince1970: firstSeen),
                                                  lastSeen: Date(timeIntervalSince1970: lastSeen)))
    }

    /// One `sighting_host_name` row.
    public mutating func name(mac: String, vlan: Int, capturePoint: String, name: String, source: String, firstSeen: Double, lastSeen: Double) {
        guard let i = position(mac: mac, vlan: vlan, capturePoint: capturePoint, kind: 2) else { return }
        hosts[i].names.append(NameSighting(name: name, source: source, firstSeen: Date(timeIntervalSince1970: firstSeen),
                                           lastSeen: Date(timeIntervalSince1970: lastSeen)))
    }

    /// The same row with its text columns as UTF-8 bytes (valid only during the call).
    public mutating func name(mac: UnsafeBufferPointer<UInt8>, vlan: Int, capturePoint: UnsafeBufferPointer<UInt8>, name: UnsafeBufferPointer<UInt8>,
                              source: UnsafeBufferPointer<UInt8>, firstSeen: Double, lastSeen: Double) {
        guard let m = MACAddress(utf8: mac), let i = position(Key(mac: m.value, vlan: vlan, point: points.number(capturePoint)), kind: 2) else { return }
        hosts[i].names.append(NameSighting(name: String(decoding: name, as: UTF8.self), source: texts.text(source),
                                           firstSeen: Date(timeIntervalSince1970: firstSeen), lastSeen: Date(timeIntervalSince1970: lastSeen)))
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

/// Distinct texts given as UTF-8 bytes, each made a String once and numbered in the order
/// first seen. For columns with few distinct values (capture points, vendors, PDs, sources).
struct TextTable: Sendable {
    private(set) var texts: [String] = []
    private var bytes: [[UInt8]] = []
    private var byHash: [UInt64: [Int]] = [:]
    private var last = -1

    private func same(_ i: Int, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes[i].withUnsafeBufferPointer { $0.count == b.count && ($0.isEmpty || memcmp($0.baseAddress!, b.baseAddress!, b.count) == 0) }
    }

    mutating func number(_ b: UnsafeBufferPointer<UInt8>) -> Int {
        if last >= 0, same(last, b) { return last }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
        for c in b { h = (h ^ UInt64(c)) &* 0x100_0000_01b3 }
        if let found = byHash[h]?.first(where: { same($0, b) }) {
            last = found
            return found
        }
        let n = texts.count
        texts.append(String(decoding: b, as: UTF8.self))
        bytes.append(Array(b))
        byHash[h, default: []].append(n)
        last = n
        return n
    }

    mutating func text(_ b: UnsafeBufferPointer<UInt8>) -> String { texts[number(b)] }

    /// Whether text `a` sorts before text `b` by their bytes (SQLite's BINARY collation).
    func ordered(_ a: Int, _ b: Int) -> Bool { bytes[a].lexicographicallyPrecedes(bytes[b]) }
}

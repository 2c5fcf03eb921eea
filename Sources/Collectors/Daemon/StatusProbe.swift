import Foundation
import InventoryModel
import SNMPCore

/// The light polls the daemon makes every interval: a handful of GETs for the uptime
/// counters and a walk of the IF-MIB counter columns, never the full inventory walk.
public enum StatusProbe {
    public static let sysUpTime: OID = "1.3.6.1.2.1.1.3.0"
    public static let hrSystemUptime: OID = "1.3.6.1.2.1.25.1.1.0"
    public static let snmpEngineBoots: OID = "1.3.6.1.6.3.10.2.1.2.0"
    public static let snmpEngineTime: OID = "1.3.6.1.6.3.10.2.1.3.0"
    static let uptimeOIDs = [sysUpTime, hrSystemUptime, snmpEngineBoots, snmpEngineTime]

    /// What one status GET returned.
    public struct Reading: Sendable, Hashable {
        public var sysUpTime: UInt32?
        public var hrSystemUptime: UInt32?
        public var engineBoots: UInt32?
        public var engineTime: UInt32?
    }

    /// One GET for sysUpTime, hrSystemUptime, snmpEngineBoots and snmpEngineTime. An agent
    /// lacking some answers noSuchObject for them (v2c/v3) or noSuchName for the request (v1:
    /// then each is asked for alone). Throws when the agent does not answer at all.
    public static func uptime(_ client: any SNMPClient) async throws(SNMPError) -> Reading {
        var values: [OID: SNMPValue] = [:]
        do {
            for vb in try await client.get(uptimeOIDs) { values[vb.oid] = vb.value }
        } catch {
            guard case .errorStatus(2, _) = error.code else { throw error }
            for oid in uptimeOIDs {
                do throws(SNMPError) {
                    for vb in try await client.get([oid]) { values[vb.oid] = vb.value }
                } catch {
                    guard case .errorStatus = error.code else { throw error }
                }
            }
        }
        func u32(_ oid: OID) -> UInt32? {
            guard let v = values[oid], !v.isException, let n = v.uint64 else { return nil }
            return UInt32(truncatingIfNeeded: n)
        }
        return Reading(sysUpTime: u32(sysUpTime), hrSystemUptime: u32(hrSystemUptime), engineBoots: u32(snmpEngineBoots),
                       engineTime: u32(snmpEngineTime))
    }

    static let ifEntry: OID = "1.3.6.1.2.1.2.2.1"
    static let ifXEntry: OID = "1.3.6.1.2.1.31.1.1.1"
    /// The counter and identity columns, in the order `counters` reads them.
    static let counterColumns: [OID] = [
        ifEntry.appending(2), ifEntry.appending(5), ifEntry.appending(6), ifEntry.appending(8),      // descr, speed, phys, oper
        ifEntry.appending(10), ifEntry.appending(13), ifEntry.appending(14),                         // in octets, discards, errors
        ifEntry.appending(16), ifEntry.appending(19), ifEntry.appending(20),                         // out octets, discards, errors
        ifXEntry.appending(1), ifXEntry.appending(6), ifXEntry.appending(10), ifXEntry.appending(15), // name, HC in, HC out, high speed
        ifXEntry.appending(18), ifXEntry.appending(19),                                               // alias, discontinuity time
    ]

    /// Walks the IF-MIB counter columns and returns each interface's counters as answered.
    public static func counters(_ client: any SNMPClient, device: String, time: @Sendable () -> Date,
                                sysUpTime: UInt32?) async throws(SNMPError) -> CounterPoll {
        let columns = try await client.walkColumns(counterColumns)
        var rows: [Int: InterfaceCounterSnapshot] = [:]
        for (c, bindings) in columns.enumerated() {
            let root = counterColumns[c]
            for vb in bindings where vb.oid.count == root.count + 1 && !vb.value.isException {
                let index = Int(vb.oid.components[root.count])
                var s = rows[index] ?? InterfaceCounterSnapshot(ifIndex: index)
                let u32 = vb.value.uint64.map { UInt32(truncatingIfNeeded: $0) }
                switch c {
                case 0: s.descr = vb.value.text
                case 1: if s.speed == nil { s.speed = vb.value.uint64 }
                case 2: s.mac = vb.value.bytes.flatMap { MACAddress(bytes: $0) }
                case 3: s.operUp = vb.value.int64.map { $0 == 1 }
                case 4: s.inOctets = u32
                case 5: s.inDiscards = u32
                case 6: s.inErrors = u32
                case 7: s.outOctets = u32
                case 8: s.outDiscards = u32
                case 9: s.outErrors = u32
                case 10: s.name = vb.value.text
                case 11: if case .counter64(let n) = vb.value { s.hcInOctets = n }
                case 12: if case .counter64(let n) = vb.value { s.hcOutOctets = n }
                case 13: if let mbit = vb.value.uint64, mbit > 0 { s.speed = mbit * 1_000_000 }
                case 14: s.alias = vb.value.text.flatMap { $0.isEmpty ? nil : $0 }
                default: s.counterDiscontinuityTime = u32
                }
                rows[index] = s
            }
        }
        return CounterPoll(device: device, time: time(), sysUpTime: sysUpTime, interfaces: rows.keys.sorted().map { rows[$0]! })
    }
}

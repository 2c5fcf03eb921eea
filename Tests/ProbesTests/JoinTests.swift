import Foundation
import InventoryModel
import Probes
import SNMPCore
import Testing

/// Joins and conversions on a small hand-written walk (the shared corpus has no CDP, no
/// IPv6 neighbours and no Q-BRIDGE FDB-to-VLAN indirection).
@Suite struct JoinTests {
    func inventory() async throws -> DeviceInventory {
        let rec = try SNMPRecording(contentsOf: "\(Paths.fixtures)/synthetic-c2960.snmprec")
        return try await ProbeRunner(catalog: try catalog()).inventory(client: RecordingSNMPClient(recording: rec), agent: "lab")
    }

    @Test func identityAndFacts() async throws {
        let inv = try await inventory()
        #expect(inv.family == "cisco-ios")
        #expect(inv.vendor == "Cisco")
        #expect(inv.sysObjectID == "1.3.6.1.4.1.9.1.717")
        #expect(inv.sysUpTime == 123456)
        #expect(inv.model == "WS-C2960-24TT-L")
        #expect(inv.serial == "FOC1234X0AB")
        #expect(inv.version == "C2960-LANBASEK9-M 12.2(55)SE5")
        #expect(inv.warnings.isEmpty)
    }

    @Test func interfaces() async throws {
        let inv = try await inventory()
        #expect(inv.interfaces.map(\.ifIndex) == [10101, 10102])
        let gi1 = inv.interfaces[0], gi2 = inv.interfaces[1]
        #expect(gi1.speed == 10_000_000_000)  // ifHighSpeed wins over the saturated ifSpeed
        #expect(gi2.speed == 100_000_000)     // ifHighSpeed 0: ifSpeed stands
        #expect(gi1.ifAlias == "uplink to core" && gi2.ifAlias == nil)
        #expect(gi1.mac == "00:1b:21:3a:4f:01" && gi1.ifType == "ethernetCsmacd")
        #expect(gi2.adminStatus == "down" && gi2.operStatus == "lowerLayerDown")
    }

    @Test func neighbours() async throws {
        let inv = try await inventory()
        #expect(inv.neighbors.count == 2)
        let cdp = try #require(inv.neighbors.first { $0.protocol == .cdp })
        #expect(cdp.localIfIndex == 10101 && cdp.localPort == "Gi0/1")
        #expect(cdp.remoteSysName == "router-2.example" && cdp.remotePort == "GigabitEthernet0/0")
        #expect(cdp.remotePlatform == "cisco ISR4331/K9" && cdp.remoteMgmtAddress == "10.0.0.2")
        let lldp = try #require(inv.neighbors.first { $0.protocol == .lldp })
        #expect(lldp.localIfIndex == 10102 && lldp.localPort == "Gi0/2")  // lldpLocPortId matched to ifName
        #expect(lldp.remoteChassisId == "3c:61:04:5a:0b:01" && lldp.remoteChassisIdSubtype == "macAddress")
        #expect(lldp.remotePort == "ge-0/0/1" && lldp.remotePortSubtype == "interfaceName")
        #expect(lldp.remoteSysName == "core-1" && lldp.remoteMgmtAddress == "10.0.0.1")
        #expect(lldp.remoteCapabilities == ["bridge", "router"])
        #expect(inv.neighbors.map(\.protocol) == [.cdp, .lldp])  // ordered by local ifIndex
    }

    @Test func forwardingAndAddresses() async throws {
        let inv = try await inventory()
        #expect(inv.forwarding == [
            ForwardingEntry(mac: "00:50:56:aa:bb:01", vlan: 1, ifIndex: 10101, bridgePort: 1, status: "learned"),   // FDB id = VLAN
            ForwardingEntry(mac: "00:50:56:aa:bb:cc", vlan: 20, ifIndex: 10102, bridgePort: 2, status: "learned"),  // FDB 5 → VLAN 20
        ])
        #expect(inv.arp == [
            ARPEntry(ip: "10.0.0.1", mac: "3c:61:04:5a:0b:01", ifIndex: 10101, type: "dynamic"),  // in both tables, once
            ARPEntry(ip: "fe80::1", mac: "00:1b:21:3a:4f:99", ifIndex: 10101, type: "dynamic"),
        ])
        #expect(inv.ipAddresses == [IPAddressEntry(address: "10.0.0.2", prefixLength: 24, ifIndex: 10101)])
    }
}

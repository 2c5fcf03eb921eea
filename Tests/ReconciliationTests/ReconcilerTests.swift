import Foundation
import Governance
import InventoryModel
import InventoryTesting
import Reconciliation
import Testing

// Unit tests of the pure functions: matching, placement, each finding code, the lifecycle,
// bad input. Inputs are built in memory (the lab scenarios on real recordings and captures
// are in OperationsTests and CLITests).

let t0 = Date(timeIntervalSince1970: 1_735_000_000)   // 2024-12-24
func days(_ n: Double) -> Date { t0.addingTimeInterval(n * 86400) }

func profile(_ id: String) throws -> RegionalProfile { try RegionalProfile.load(path: Lab.repo + "/config/profiles/\(id).yaml") }
func registry(_ profileID: String = "manggarai") throws -> PDRegistry {
    try PDRegistry.load(path: Lab.repo + "/config/registry.example.yaml", profile: try profile(profileID))
}

func submission(_ pd: String, _ d: Diagram, version: Int = 1, at: Date = days(-30)) -> Submission {
    Submission(pd: pd, version: version, submittedAt: at, submitter: "t", sha256: "", format: .yaml, fileName: "\(pd.lowercased()).yaml",
               channel: "cli", diagram: d)
}

/// A switch inventory: interfaces with MACs, optional neighbours and forwarding entries.
func inventory(sysName: String, serial: String? = nil, model: String? = nil, ip: String? = nil, mac: String,
               ports: [String] = ["Gi1/0/1", "Gi1/0/2", "Gi1/0/3", "Gi1/0/24"]) -> DeviceInventory {
    var inv = DeviceInventory(agent: "udp:\(ip ?? "127.0.0.1"):161", polledAt: t0)
    inv.sysName = sysName
    inv.serial = serial
    inv.model = model
    for (i, p) in ports.enumerated() {
        var iface = Interface(ifIndex: i + 1)
        iface.ifName = p
        iface.mac = mac
        inv.interfaces.append(iface)
    }
    if let ip { inv.ipAddresses = [IPAddressEntry(address: ip, prefixLength: 24, ifIndex: 1)] }
    return inv
}

func lldp(local ifIndex: Int, remoteName: String, remotePort: String, chassis: String? = nil) -> Neighbor {
    var n = Neighbor(protocol: .lldp)
    n.localIfIndex = ifIndex
    n.remoteSysName = remoteName
    n.remotePort = remotePort
    n.remoteChassisId = chassis
    n.remoteChassisIdSubtype = chassis == nil ? nil : "macAddress"
    return n
}

func bappedaDiagram(links: [Diagram.Link]? = nil, devices extra: [Diagram.Device] = []) -> Diagram {
    Diagram(pd: "BAPPEDA", site: "kantor", boundary: .init(router: "rtr-bappeda", wanPort: "ether1"), devices: [
        .init(id: "rtr-bappeda", role: .router, serial: "HD40801A2B3", managementIP: "10.21.0.1", snmp: true),
        .init(id: "sw-core", role: .switch_, model: "WS-C2960X-24TS-L", serial: "FOC2031X0AB", managementIP: "10.21.0.2", snmp: true),
        .init(id: "sw-lt2", role: .switch_, name: "sw-lantai2", model: "TL-SG1024", snmp: false),
    ] + extra, links: links ?? [
        .init(a: .init(device: "rtr-bappeda", port: "ether2"), b: .init(device: "sw-core", port: "Gi1/0/24")),
        .init(a: .init(device: "sw-core", port: "Gi1/0/1"), b: .init(device: "sw-lt2", port: "24")),
    ], vlans: [.init(id: 30, name: "staf", subnet: "10.21.1.0/24", gateway: "10.21.1.1")])
}

func run(_ polled: [PolledDevice], diagrams: [String: Diagram], profileID: String = "manggarai", hosts: [HostSighting] = [],
         neighbours: [NeighbourSighting] = [], dhcp: [DHCPServerSighting] = [], now: Date = t0,
         settings: ReconcileSettings = ReconcileSettings()) throws -> ReconcileResult {
    Reconciler.reconcile(ReconcileInput(registry: try registry(profileID), profile: try profile(profileID),
                                        submissions: diagrams.mapValues { submission($0.pd, $0) }, polled: polled, hosts: hosts,
                                        neighbours: neighbours, dhcpServers: dhcp, now: now, settings: settings))
}

func codes(_ r: ReconcileResult, _ code: FindingCode) -> [Detection] { r.detections.filter { $0.code == code } }

@Suite struct MatchingTests {
    @Test func rulesApplyInOrderAndTheMatchingRuleIsNamed() throws {
        // sw-core by serial although its name says otherwise; the router by MAC; a third by address; a fourth by name.
        var core = inventory(sysName: "totally-different", serial: "foc2031x0ab", ip: "10.21.0.2", mac: "00:1b:21:00:00:02")
        core.model = "WS-C2960X-24TS-L"
        let rtr = inventory(sysName: "mikrotik", ip: "10.21.0.99", mac: "48:8f:5a:10:21:01")
        var diagram = bappedaDiagram()
        diagram.devices[0].macs = ["48:8F:5A:10:21:01"]
        diagram.devices[0].serial = nil
        diagram.devices.append(.init(id: "ap-lobby", role: .accessPoint, managementIP: "10.21.0.20"))
        diagram.devices.append(.init(id: "srv-file", role: .server, name: "srv-file.bappeda.local"))
        let ap = inventory(sysName: "uap", ip: "10.21.0.20", mac: "74:83:c2:aa:01:20")
        let srv = inventory(sysName: "SRV-FILE", ip: "10.21.0.10", mac: "00:25:90:00:00:10")
        let r = try run([PolledDevice(name: "core", pd: "BAPPEDA", inventory: core), PolledDevice(name: "rtr", pd: "BAPPEDA", inventory: rtr),
                         PolledDevice(name: "ap", pd: "BAPPEDA", inventory: ap), PolledDevice(name: "srv", pd: "BAPPEDA", inventory: srv)],
                        diagrams: ["BAPPEDA": diagram])
        let byObserved = Dictionary(r.matches.map { ($0.observedName, $0) }) { a, _ in a }
        #expect(byObserved["core"]?.declared == "sw-core" && byObserved["core"]?.rule == .serial && byObserved["core"]?.value == "FOC2031X0AB")
        #expect(byObserved["rtr"]?.declared == "rtr-bappeda" && byObserved["rtr"]?.rule == .mac && byObserved["rtr"]?.value == "48:8f:5a:10:21:01")
        #expect(byObserved["ap"]?.declared == "ap-lobby" && byObserved["ap"]?.rule == .managementIP)
        #expect(byObserved["srv"]?.declared == "srv-file" && byObserved["srv"]?.rule == .name && byObserved["srv"]?.value == "srv-file")
        #expect(codes(r, .unregisteredDevice).isEmpty)
    }

    @Test func portNamesCompareAcrossAbbreviations() {
        #expect(PortName.same("Gi1/0/1", "GigabitEthernet1/0/1"))
        #expect(PortName.same("gi 1/0/1", "Gi1/0/1"))
        #expect(PortName.same("24", "Port 24"))
        #expect(!PortName.same("Gi1/0/1", "Gi1/0/2"))
        #expect(!PortName.same("Gi1/0/1", "Te1/0/1"))
        #expect(!PortName.same("ether1", "ether2"))
    }

    @Test func hostsArePlacedAtEdgePortsNotUplinks() {
        // sw-a learns the host on Gi1/0/3 (edge) and sw-b's MAC on Gi1/0/24; sw-b learns the host on its uplink to sw-a.
        var a = inventory(sysName: "sw-a", mac: "00:00:00:00:0a:01")
        var b = inventory(sysName: "sw-b", mac: "00:00:00:00:0b:01", ports: ["1", "2", "3", "4"])
        a.neighbors = [lldp(local: 4, remoteName: "sw-b", remotePort: "4")]
        a.forwarding = [ForwardingEntry(mac: "00:00:00:00:0b:01", vlan: 30, ifIndex: 4, status: "learned"),
                        ForwardingEntry(mac: "00:00:00:00:00:99", vlan: 30, ifIndex: 3, status: "learned")]
        b.forwarding = [ForwardingEntry(mac: "00:00:00:00:00:99", vlan: 30, ifIndex: 4, status: "learned"),
                        ForwardingEntry(mac: "00:00:00:00:0a:01", vlan: 30, ifIndex: 4, status: "learned"),
                        ForwardingEntry(mac: "00:00:00:00:00:77", vlan: 30, ifIndex: 1, status: "learned")]
        let net = ObservedNetwork.build(polled: [PolledDevice(name: "sw-a", pd: nil, inventory: a), PolledDevice(name: "sw-b", pd: nil, inventory: b)],
                                        hosts: [], neighbours: [], dhcpServers: [])
        #expect(net.uplinks.contains("snmp:sw-a|Gi1/0/24"))     // an LLDP neighbour
        #expect(net.uplinks.contains("snmp:sw-b|4"))            // sw-a's own MAC is learnt there
        let h = net.hosts.first { $0.mac == MACAddress("00:00:00:00:00:99") }
        #expect(h?.placement?.device == "snmp:sw-a" && h?.placement?.port == "Gi1/0/3" && h?.placement?.edge == true)
        #expect(net.hosts.first { $0.mac == MACAddress("00:00:00:00:00:77") }?.placement?.port == "1")
        // Infrastructure MACs are devices, not hosts; the LLDP link is there once.
        #expect(!net.hosts.contains { $0.mac == MACAddress("00:00:00:00:0a:01") })
        #expect(net.links.count == 1 && net.devices.count == 2)
    }

    /// Sampled hosts come from a store in MAC order, and are then merged without sorting; in any
    /// other order they are sorted first (a host's own sightings kept in their order): the same
    /// network either way, one host per MAC in MAC order, ARP and forwarding entries merged in.
    @Test func sampledHostsInAnyOrderGiveTheSameNetwork() throws {
        var rng = SplitMix64(seed: 71)
        let macs = (0..<40).map { String(format: "02:00:00:00:%02x:%02x", $0 / 7, $0 % 7) }
        var sw = inventory(sysName: "sw-a", mac: "00:00:00:00:0a:01")
        sw.arp = [ARPEntry(ip: "10.21.1.200", mac: macs[3], type: "dynamic"), ARPEntry(ip: "10.21.1.201", mac: "02:00:00:00:ff:01", type: "dynamic")]
        sw.forwarding = [ForwardingEntry(mac: macs[5], vlan: 10, ifIndex: 3, status: "learned"),
                         ForwardingEntry(mac: "02:00:00:00:ff:02", vlan: 10, ifIndex: 2, status: "learned")]
        let points = [("cp1", "BAPPEDA"), ("cp2", "DINKES")]
        var sampled: [HostSighting] = []
        for k in 0..<150 {
            let (point, pd) = points[Int.random(in: 0...1, using: &rng)]
            let at = days(Double(k % 9))
            var h = HostSighting(mac: try #require(MACAddress(macs[Int.random(in: 0..<macs.count, using: &rng)])), vlan: [nil, 10, 20][k % 3],
                                 capturePoint: point, vendor: k % 4 == 0 ? "Vendor \(k)" : nil, pd: pd, firstSeen: at, lastSeen: at, framesSampled: 1)
            h.addresses = [AddressSighting(address: try #require(IPAddress("10.21.\(k % 3).\(k % 250 + 1)")), source: ["arp", "dhcp", "ip"][k % 3],
                                           firstSeen: at, lastSeen: at)]
            sampled.append(h)
        }
        func build(_ hosts: [HostSighting]) -> ObservedNetwork {
            ObservedNetwork.build(polled: [PolledDevice(name: "sw-a", pd: "BAPPEDA", inventory: sw)], hosts: hosts, neighbours: [], dhcpServers: [])
        }
        let stableByMAC = sampled.enumerated().sorted { ($0.element.mac, $0.offset) < ($1.element.mac, $1.offset) }.map(\.element)
        let ordered = build(stableByMAC), unordered = build(sampled)
        #expect(unordered.hosts == ordered.hosts)
        #expect(unordered.capturePoints == ordered.capturePoints)
        #expect(zip(ordered.hosts, ordered.hosts.dropFirst()).allSatisfy { $0.mac < $1.mac })
        #expect(Set(ordered.hosts.map(\.mac.description)).isSuperset(of: Set(sampled.map(\.mac.description)) .union(["02:00:00:00:ff:01", "02:00:00:00:ff:02"])))
        // A host in the ARP table and sampled: the ARP address first, the sampled ones beside it.
        let arpAndSampled = try #require(ordered.hosts.first { $0.mac.description == macs[3] })
        #expect(arpAndSampled.addresses[try #require(IPAddress("10.21.1.200"))] == "arp" && arpAndSampled.capturePoint != nil)
        #expect(ordered.hosts.first { $0.mac.description == macs[5] }?.placement?.port == "Gi1/0/3")
        #expect(ordered.hosts.first { $0.mac.description == "02:00:00:00:ff:02" }?.placement?.port == "Gi1/0/2")
        // Each capture point and VLAN holds the MACs sampled there.
        for cp in ordered.capturePoints {
            #expect(cp.macs == Set(sampled.filter { $0.capturePoint == cp.name && $0.vlan == cp.vlan }.map(\.mac)))
        }
    }
}

@Suite struct FindingCodeTests {
    @Test func firmwareDriftComparesTheDeclaredVersionWithTheReportedOne() throws {
        // The router runs 7.15.3 but the diagram declares 7.14; the core switch's declared 15.2 matches "15.2(4)E8".
        var rtr = inventory(sysName: "rtr-bappeda", serial: "HD40801A2B3", ip: "10.21.0.1", mac: "48:8f:5a:10:21:01", ports: ["ether1", "ether2"])
        rtr.version = "RouterOS 7.15.3 (stable)"
        var core = inventory(sysName: "sw-core", serial: "FOC2031X0AB", model: "WS-C2960X-24TS-L", ip: "10.21.0.2", mac: "00:1b:21:00:00:02")
        core.version = "15.2(4)E8"
        var diagram = bappedaDiagram()
        diagram.devices[0].firmware = "7.14"
        diagram.devices[1].firmware = "V15.2"
        let r = try run([PolledDevice(name: "rtr", pd: "BAPPEDA", inventory: rtr), PolledDevice(name: "core", pd: "BAPPEDA", inventory: core)],
                        diagrams: ["BAPPEDA": diagram])
        let drift = codes(r, .attributeDrift)
        #expect(drift.map(\.subject.detail) == ["firmware"])
        #expect(drift.first?.message == "rtr-bappeda: the diagram declares firmware 7.14, the device (rtr) reports RouterOS 7.15.3 (stable)")
        #expect(drift.first?.evidence.first?.details["declared"] == "7.14")
    }

    @Test(arguments: [
        ("7.14", "7.14.2", true), ("7.14", "RouterOS 7.14.2 (stable)", true), ("v7.14.2", "7.14.2", true),
        ("V200R019C10", "V200R019C10SPC800", true), ("15.2(4)E8", "Cisco IOS 15.2(4)E8, RELEASE SOFTWARE", true),
        ("7.1", "7.14.2", false), ("7.14", "6.7.14", false), ("7.14.3", "7.14", false), ("2.0", "1.2.0", false),
        ("-", "7.14", true),
    ])
    func firmwareComparison(declared: String, reported: String, same: Bool) {
        #expect(Reconciler.sameFirmware(declared, reported) == same)
    }

    @Test func theSmallestMACsAreTheSortedSetsFirst() {
        var rng = SplitMix64(seed: 7)
        for size in [0, 1, 5, 6, 7, 50, 3000] {
            let set = Set((0..<size).map { _ in
                MACAddress(0, 0x1b, UInt8.random(in: 0...3, using: &rng), UInt8.random(in: 0...255, using: &rng), UInt8.random(in: 0...255, using: &rng), 1)
            })
            #expect(Reconciler.smallest(6, of: set) == Array(set.sorted().prefix(6)), "\(size)")
        }
    }

    @Test func unregisteredMissingDriftAndLinkMismatch() throws {
        // sw-core wired to the router on Gi1/0/23 (declared Gi1/0/24), serial differs (matched by its address);
        // sw-lt2 is not seen; an extra switch answers SNMP; LLDP shows a link the diagram lacks.
        var core = inventory(sysName: "sw-core", serial: "FOC9999ZZZZ", model: "WS-C2960X-24TS-L", ip: "10.21.0.2", mac: "00:1b:21:00:00:02",
                             ports: ["Gi1/0/1", "Gi1/0/2", "Gi1/0/23", "Gi1/0/24"])
        core.neighbors = [lldp(local: 3, remoteName: "rtr-bappeda", remotePort: "ether2"),
                          lldp(local: 2, remoteName: "sw-extra", remotePort: "1")]
        let rtr = inventory(sysName: "rtr-bappeda", serial: "HD40801A2B3", ip: "10.21.0.1", mac: "48:8f:5a:10:21:01", ports: ["ether1", "ether2"])
        let extra = inventory(sysName: "sw-extra", ip: "10.21.0.30", mac: "00:00:5e:00:01:30", ports: ["1", "2"])
        var diagram = bappedaDiagram()
        diagram.devices.append(.init(id: "sw-gone", role: .switch_, managementIP: "10.21.0.40", snmp: true))
        let r = try run([PolledDevice(name: "core", pd: "BAPPEDA", inventory: core), PolledDevice(name: "rtr", pd: "BAPPEDA", inventory: rtr),
                         PolledDevice(name: "extra", pd: "BAPPEDA", inventory: extra)], diagrams: ["BAPPEDA": diagram])

        #expect(codes(r, .unregisteredDevice).map(\.subject.device) == ["extra"])
        #expect(codes(r, .unregisteredDevice).first?.evidence.map(\.source) == ["snmp", "lldp"])
        // sw-lt2 declares no identifier (snmp: false): it cannot be seen and is not missing; sw-gone is.
        let missing = codes(r, .missingDevice)
        #expect(missing.map(\.subject.device) == ["sw-gone"])
        #expect(missing.first?.message == "sw-gone is declared in diagram v1 but has not been seen since it was declared on 2024-11-24")
        let drift = codes(r, .attributeDrift)
        #expect(drift.map(\.subject.detail) == ["serial"])
        #expect(drift.first?.evidence.first?.details["matched_by"] == "management_ip")
        #expect(drift.first?.message == "sw-core: the diagram declares serial FOC2031X0AB, the device (core) reports FOC9999ZZZZ")
        let links = codes(r, .linkMismatch).map(\.message).sorted()
        #expect(links == ["declared rtr-bappeda:ether2 <-> sw-core:Gi1/0/24, but LLDP shows sw-core:Gi1/0/23 <-> rtr-bappeda:ether2",
                          "declared sw-core:Gi1/0/1 <-> sw-lt2:24 is not seen by LLDP/CDP"], "\(links)")
        // Under Manggarai the diagram findings cite P16(1); the subject is the declared id.
        #expect(FindingCatalog.basis(for: .missingDevice, profile: try profile("manggarai")).description == "Perbup Manggarai 52/2021 Pasal 16 ayat (1) (wajib)")

        // A missing device within the grace period is not missing yet.
        let fresh = Reconciler.reconcile(ReconcileInput(registry: try registry(), profile: try profile("manggarai"),
                                                        submissions: ["BAPPEDA": submission("BAPPEDA", diagram, at: days(-2))],
                                                        polled: [PolledDevice(name: "rtr", pd: "BAPPEDA", inventory: rtr)], now: t0))
        #expect(codes(fresh, .missingDevice).isEmpty)
        #expect(codes(fresh, .linkMismatch).isEmpty, "the router reports no neighbours: its links cannot be checked")
        // Declared since an earlier version: a resubmission does not restart the clock.
        var v1 = submission("BAPPEDA", diagram, at: days(-40))
        v1.version = 1
        var v2 = submission("BAPPEDA", diagram, version: 2, at: days(-2))
        v2.diagram.devices.removeAll { $0.id == "sw-lt2" }
        let since = Reconciler.declaredSince(history: ["BAPPEDA": [v1, v2]])
        #expect(since["BAPPEDA|sw-gone"] == days(-40) && since["BAPPEDA|sw-lt2"] == nil)
        let resubmitted = Reconciler.reconcile(ReconcileInput(registry: try registry(), profile: try profile("manggarai"), submissions: ["BAPPEDA": v2],
                                                              polled: [], declaredSince: since, now: t0))
        #expect(codes(resubmitted, .missingDevice).first { $0.subject.device == "sw-gone" }?.message == "sw-gone is declared in diagram v2 but has not been seen since it was declared on 2024-11-14")
    }

    @Test func aLinkSeenButNotDeclared() throws {
        var core = inventory(sysName: "sw-core", serial: "FOC2031X0AB", ip: "10.21.0.2", mac: "00:1b:21:00:00:02")
        core.neighbors = [lldp(local: 4, remoteName: "rtr-bappeda", remotePort: "ether2"), lldp(local: 2, remoteName: "sw-lantai2", remotePort: "23")]
        let diagram = bappedaDiagram(links: [.init(a: .init(device: "rtr-bappeda", port: "ether2"), b: .init(device: "sw-core", port: "Gi1/0/24"))])
        let r = try run([PolledDevice(name: "core", pd: "BAPPEDA", inventory: core)], diagrams: ["BAPPEDA": diagram])
        // sw-lantai2 is sw-lt2's name: matched by name, so the LLDP link is between two declared devices.
        #expect(codes(r, .linkMismatch).map(\.message) == ["LLDP shows sw-core:Gi1/0/2 <-> sw-lt2:23, a link the diagram does not declare"])
        #expect(r.matches.contains { $0.declared == "sw-lt2" && $0.rule == .name && $0.observed.hasPrefix("lldp:") })
    }

    @Test func manyMACsBehindOneAccessPortRogueDHCPAndSegments() throws {
        var core = inventory(sysName: "sw-core", serial: "FOC2031X0AB", ip: "10.21.0.2", mac: "00:1b:21:00:00:02")
        core.forwarding = (1...5).map { ForwardingEntry(mac: String(format: "02:00:00:00:00:%02x", $0), vlan: 30, ifIndex: 3, status: "learned") }
            + [ForwardingEntry(mac: "02:00:00:00:01:01", vlan: 30, ifIndex: 2, status: "learned")]
        core.arp = [ARPEntry(ip: "10.21.1.50", mac: "02:00:00:00:00:01"), ARPEntry(ip: "192.168.88.20", mac: "02:00:00:00:01:01")]
        let dhcp = [DHCPServerSighting(server: IPAddress("192.168.88.1")!, mac: MACAddress("02:00:00:00:00:05")!, vlan: 30, capturePoint: "bappeda-uplink",
                                       pd: "BAPPEDA", firstSeen: days(-3), lastSeen: days(-1), replies: 12),
                    DHCPServerSighting(server: IPAddress("10.21.1.1")!, mac: MACAddress("48:8f:5a:10:21:01")!, vlan: 30, capturePoint: "bappeda-uplink",
                                       pd: "BAPPEDA", firstSeen: days(-3), lastSeen: days(-1), replies: 40)]
        let byod = HostSighting(mac: MACAddress("02:00:00:00:02:02")!, vlan: nil, capturePoint: "x", vendor: nil, pd: nil, firstSeen: days(-1), lastSeen: t0,
                                framesSampled: 3, addresses: [AddressSighting(address: IPAddress("10.99.0.7")!, source: "dhcp", firstSeen: days(-1), lastSeen: t0)])
        let r = try run([PolledDevice(name: "core", pd: "BAPPEDA", inventory: core)], diagrams: ["BAPPEDA": bappedaDiagram()], hosts: [byod], dhcp: dhcp)
        let sw = codes(r, .unmanagedSwitchSuspected)
        #expect(sw.count == 1 && sw.first?.subject == FindingSubject(device: "core", port: "Gi1/0/3"))
        #expect(sw.first?.evidence.first?.details["macs"] == "5")
        // The declared gateway serves DHCP legitimately; the home router behind Gi1/0/3 does not.
        #expect(codes(r, .rogueDHCP).map(\.subject.address) == ["192.168.88.1"])
        // A host on a Bappeda switch port with a foreign address; a sampled host outside everything.
        #expect(codes(r, .wrongSegment).map(\.subject.address) == ["192.168.88.20"])
        #expect(codes(r, .wrongSegment).first?.evidence.first?.details["plugged_in"] == "core:Gi1/0/2")
        #expect(codes(r, .unknownEndpoint).map(\.subject.address) == ["10.99.0.7"])
        // With a declared switch on that port, the MACs are explained.
        var declared = bappedaDiagram()
        declared.links.append(.init(a: .init(device: "sw-core", port: "Gi1/0/3"), b: .init(device: "sw-lt2", port: "1")))
        let r2 = try run([PolledDevice(name: "core", pd: "BAPPEDA", inventory: core)], diagrams: ["BAPPEDA": declared])
        #expect(codes(r2, .unmanagedSwitchSuspected).isEmpty)
    }

    @Test func aNetworkMakersMACWithNoDeclaredDeviceIsUnregistered() throws {
        func host(_ mac: String, vendor: String) -> HostSighting {
            HostSighting(mac: MACAddress(mac)!, vlan: 30, capturePoint: "bappeda-span", vendor: vendor, pd: "BAPPEDA", firstSeen: days(-2), lastSeen: t0,
                         framesSampled: 5, addresses: [AddressSighting(address: IPAddress("10.21.1.77")!, source: "arp", firstSeen: days(-2), lastSeen: t0)])
        }
        var diagram = bappedaDiagram()
        diagram.devices.append(.init(id: "ap-lobby", role: .accessPoint, macs: ["74:83:c2:aa:01:20"]))
        let r = try run([], diagrams: ["BAPPEDA": diagram], hosts: [host("00:09:7c:18:b8:60", vendor: "Cisco Systems, Inc"),
                                                                  host("74:83:c2:aa:01:20", vendor: "Ubiquiti Inc"),
                                                                  host("3c:a8:2a:f6:38:ac", vendor: "Hewlett Packard")])
        let u = codes(r, .unregisteredDevice)
        #expect(u.map(\.subject) == [FindingSubject(mac: "00:09:7c:18:b8:60", detail: "oui")], "the declared AP and an HP printer are not")
        #expect(u.first?.evidence.first?.details["vendor"] == "Cisco Systems, Inc")
    }

    @Test func diagramOverdueAndOutOfAuthorityFollowTheProfile() throws {
        let old = submission("BAPPEDA", bappedaDiagram(), at: days(-400))
        func result(_ id: String, registry reg: PDRegistry? = nil, diagrams: [String: Submission], polled: [PolledDevice] = []) throws -> ReconcileResult {
            Reconciler.reconcile(ReconcileInput(registry: try reg ?? registry(id), profile: try profile(id), submissions: diagrams, polled: polled, now: t0))
        }
        let manggarai = try result("manggarai", diagrams: ["BAPPEDA": old])
        let overdue = codes(manggarai, .diagramOverdue)
        #expect(overdue.map { $0.pd ?? "" } == ["BAPPEDA", "BPKAD", "DINKES", "DISDUKCAPIL", "DISKOMINFO"])
        #expect(overdue.first?.message.hasPrefix("latest diagram v1 of 2023-11-20 was due by ") == true, "\(overdue.first?.message ?? "")")
        #expect(overdue.last?.message == "no LAN diagram was ever submitted")
        // Batang has no diagram duty: nothing is overdue.
        #expect(codes(try result("batang", registry: try registry().withoutMandiri, diagrams: ["BAPPEDA": old]), .diagramOverdue).isEmpty)

        // Lebong: DISKOMINFO (PD Mandiri TIK) declares Bappeda's boundary router and collects it.
        var lebongRegistry = try registry("manggarai")
        lebongRegistry.pds = lebongRegistry.pds.map { var p = $0; p.mandiriTIK.decree = nil; return p }
        let kominfo = Diagram(pd: "DISKOMINFO", boundary: .init(router: "rtr-diskominfo", wanPort: "ether1"), devices: [
            .init(id: "rtr-diskominfo", role: .router, managementIP: "10.20.0.1"),
            .init(id: "rtr-bappeda", role: .router),
            .init(id: "isp-modem", role: .other),
        ], links: [.init(a: .init(device: "rtr-diskominfo", port: "ether1"), b: .init(device: "isp-modem", port: "lan1"))])
        let polled = PolledDevice(name: "rtr-bap", pd: "DISKOMINFO", inventory: inventory(sysName: "rtr-bap", ip: "10.21.0.1", mac: "48:8f:5a:10:21:01"))
        let lebong = try result("lebong", registry: lebongRegistry, diagrams: ["DISKOMINFO": submission("DISKOMINFO", kominfo)], polled: [polled])
        let ooa = codes(lebong, .outOfAuthority)
        #expect(ooa.map(\.subject.device) == ["rtr-bappeda", "isp-modem", "rtr-bap"], "\(ooa.map(\.message))")
        let basis = FindingCatalog.basis(for: .outOfAuthority, profile: try profile("lebong"))
        #expect(basis.description == "Perbup Lebong 22/2022 Pasal 21 ayat (5) huruf b (dapat)")
        #expect(FindingCatalog.severity(for: .outOfAuthority, basis: basis) == .warning, "a dapat provision is advisory (R3)")
        // Not under Manggarai (no such rule there).
        #expect(codes(try result("manggarai", diagrams: ["DISKOMINFO": submission("DISKOMINFO", kominfo)], polled: [polled]), .outOfAuthority).isEmpty)
    }

    @Test func changeUnreportedOnlyForChangesAfterTheLatestDiagram() throws {
        let sub = submission("BAPPEDA", bappedaDiagram(), at: days(-10))
        let before = Detection(code: .unregisteredDevice, pd: "BAPPEDA", subject: .init(device: "a"), message: "a",
                               evidence: [Evidence(source: "snmp", firstSeen: days(-20))])
        let after = Detection(code: .missingDevice, pd: "BAPPEDA", subject: .init(device: "b"), message: "b", evidence: [Evidence(source: "diagram")])
        let unrelated = Detection(code: .rogueDHCP, pd: "BAPPEDA", subject: .init(mac: "x"), message: "c", evidence: [Evidence(source: "sampling", firstSeen: days(-1))])
        let out = Reconciler.changeUnreported(changes: [before, after, unrelated], firstSeen: { $0.firstSeen ?? days(-2) },
                                              submissions: ["BAPPEDA": sub], profile: try profile("manggarai"))
        #expect(out.count == 1 && out.first?.message.hasPrefix("1 LAN change(s) seen after diagram v1") == true)
        #expect(FindingCatalog.basis(for: .changeUnreported, profile: try profile("manggarai")).description == "Perbup Manggarai 52/2021 Pasal 16 ayat (2) (wajib)")
        #expect(Reconciler.changeUnreported(changes: [after], firstSeen: { _ in t0 }, submissions: ["BAPPEDA": sub], profile: try profile("lebong")).isEmpty)
    }

    @Test func badInputStopsOnePDOnly() throws {
        // A stored diagram read from YAML that declares sw-core twice (lines 6 and 9) and one serial for two devices.
        let text = """
            format: pantau-diagram/1
            pd: BAPPEDA
            devices:
              - id: rtr-bappeda
                role: router
              - id: sw-core
                role: switch
                serial: FOC2031X0AB
              - id: sw-core
                role: switch
              - id: sw-lt2
                role: switch
                serial: foc2031x0ab
            """
        let twice = try #require(Diagram.parseYAML(text, file: "bappeda.yaml").0)
        var dinkes = Diagram(pd: "DINKES", devices: [.init(id: "sw-dinkes", role: .switch_, managementIP: "10.22.0.2", snmp: true)])
        dinkes.boundary = nil
        var reg = try registry()
        reg.pds[1].subnets.append(IPNetwork("10.20.4.0/24")!)   // BAPPEDA gets a piece of DISKOMINFO's 10.20.0.0/20
        let r = Reconciler.reconcile(ReconcileInput(registry: reg, profile: try profile("manggarai"),
                                                    submissions: ["BAPPEDA": submission("BAPPEDA", twice), "DINKES": submission("DINKES", dinkes)],
                                                    polled: [], now: t0))
        #expect(r.skipped == ["BAPPEDA"] && r.compared == ["DINKES"])
        let issues = r.issues.map(\.description)
        #expect(issues.contains("BAPPEDA: diagram v1 of BAPPEDA, bappeda.yaml:9:5: device \"sw-core\" is declared 2 times (first at bappeda.yaml:6:5); BAPPEDA was not reconciled, the other PDs were"), "\(issues)")
        #expect(issues.contains("BAPPEDA: diagram v1 of BAPPEDA, bappeda.yaml:11:5: serial FOC2031X0AB is declared for both \"sw-core\" (bappeda.yaml:6:5) and \"sw-lt2\"; BAPPEDA was not reconciled, the other PDs were"), "\(issues)")
        #expect(r.issues.map(\.description).contains { $0.hasPrefix("DISKOMINFO: registry subnet 10.20.0.0/20 overlaps 10.20.4.0/24 of PD BAPPEDA") })
        #expect(codes(r, .missingDevice).map(\.subject.device) == ["sw-dinkes"])
    }
}

extension PDRegistry {
    /// The example registry without PD Mandiri TIK designations (Batang has no such status).
    var withoutMandiri: PDRegistry {
        var r = self
        r.pds = r.pds.map { var p = $0; p.mandiriTIK.designated = false; return p }
        return r
    }
}

@Suite struct LifecycleTests {
    let det = Detection(code: .unregisteredDevice, pd: "BAPPEDA", subject: .init(device: "sw-x"), message: "sw-x answers SNMP",
                        evidence: [Evidence(source: "snmp", firstSeen: days(-5), lastSeen: days(-1))])

    func merge(_ d: [Detection], _ prev: [Finding], at now: Date, suppressions: [Suppression] = []) throws -> FindingLifecycle.Outcome {
        FindingLifecycle.merge(detections: d, previous: prev, profile: try profile("manggarai"), suppressions: suppressions, now: now, inScope: { _ in true })
    }

    @Test func opensUpdatesIdempotentlyResolvesAndReopens() throws {
        let first = try merge([det], [], at: t0)
        #expect(first.changed.count == 1 && first.actions.map(\.action) == ["opened"])
        let f = first.changed[0]
        #expect(f.status == .open && f.firstSeen == days(-5) && f.lastSeen == days(-1))
        #expect(f.basis.description == "Perbup Manggarai 52/2021 Pasal 16 ayat (1) (wajib)" && f.severity == .warning)
        // The same detections again: nothing changes, nothing is logged.
        let again = try merge([det], first.current, at: days(1))
        #expect(again.changed.isEmpty && again.actions.isEmpty && again.current == first.current)
        // Seen later: last seen moves, first seen stays.
        var later = det
        later.evidence[0].firstSeen = days(0)
        later.evidence[0].lastSeen = days(2)
        let updated = try merge([later], first.current, at: days(2))
        #expect(updated.changed.first?.firstSeen == days(-5) && updated.changed.first?.lastSeen == days(2) && updated.actions.isEmpty)
        // Gone: resolved by itself; back: reopened with the same first seen.
        let gone = try merge([], updated.current, at: days(3))
        #expect(gone.changed.first?.status == .resolved && gone.changed.first?.resolvedAt == days(3) && gone.actions.map(\.action) == ["resolved"])
        let back = try merge([det], gone.current, at: days(4))
        #expect(back.changed.first?.status == .open && back.changed.first?.firstSeen == days(-5) && back.actions.map(\.action) == ["reopened"])
    }

    @Test func acknowledgementStaysAndSuppressionsExpire() throws {
        var acked = try merge([det], [], at: t0).current[0]
        acked.status = .acknowledged
        acked.acknowledgement = FindingNote(by: "ani", at: t0, reason: "ordered")
        #expect(try merge([det], [acked], at: days(1)).current.first?.status == .acknowledged)
        let rule = Suppression(id: 1, match: "sw-x", code: .unregisteredDevice, note: FindingNote(by: "budi", at: t0, reason: "lab switch"), until: days(10))
        let suppressed = try merge([det], [acked], at: days(1), suppressions: [rule])
        #expect(suppressed.current.first?.status == .suppressed && suppressed.current.first?.suppressedUntil == days(10))
        #expect(suppressed.actions.map(\.action) == ["suppressed"])
        // Past the expiry the rule is no longer active: back to acknowledged (it was), logged once.
        let expired = try merge([det], suppressed.current, at: days(11), suppressions: [rule].filter { $0.isActive(at: days(11)) })
        #expect(expired.current.first?.status == .acknowledged && expired.actions.map(\.action) == ["unsuppressed"])
        // An allow-list entry by MAC for another code does not apply.
        let other = Suppression(match: "sw-x", code: .rogueDHCP, note: FindingNote(by: "b", at: t0, reason: "r"), until: nil)
        #expect(!other.matches(key: det.key, code: det.code, pd: det.pd, subject: det.subject))
    }

    @Test func everyCodeIsDocumentedOnceWithItsBasis() throws {
        let all = FindingCatalog.all.map(\.code)
        #expect(Set(all).count == all.count)
        for code: FindingCode in [.unregisteredDevice, .unmanagedSwitchSuspected, .rogueDHCP, .unknownEndpoint, .missingDevice, .linkMismatch,
                                  .attributeDrift, .wrongSegment, .diagramOverdue, .changeUnreported, .outOfAuthority, .belowSpec, .specUnknown] {
            #expect(FindingCatalog.doc(code) != nil, "\(code) undocumented")
        }
        // Without the duty (Lebong, Batang) a diagram finding carries the Dinas-policy label and no citation.
        let lebong = FindingCatalog.basis(for: .missingDevice, profile: try profile("lebong"))
        #expect(lebong == .dinasPolicy && lebong.description == "Kebijakan Dinas – tidak diatur dalam Perbup")
        let text = FindingCatalog.explain(try #require(FindingCatalog.doc(.diagramOverdue)), profiles: [try profile("manggarai"), try profile("batang")])
        #expect(text.contains("batang     Kebijakan Dinas – tidak diatur dalam Perbup"))
        #expect(text.contains("manggarai  Perbup Manggarai 52/2021 Pasal 16 ayat (1) (wajib)"))
    }
}

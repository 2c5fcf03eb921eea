import Foundation
import InventoryModel
import Testing

/// Change detection between polls, without a store: exact lists, in order.
@Suite struct InventoryChangesTests {
    func inventory(at t: Double, serial: String = "AAA111", alias: String = "uplink", speed: UInt64? = 1_000_000_000,
                   macs: [String] = ["aa:bb:cc:00:00:01"], addresses: [String] = ["10.0.0.1"]) -> DeviceInventory {
        var inv = DeviceInventory(agent: "udp:10.0.0.1:161", polledAt: Date(timeIntervalSince1970: t))
        inv.sysName = "core-sw1"
        inv.serial = serial
        var i1 = Interface(ifIndex: 1)
        i1.ifName = "ether1"
        i1.ifAlias = alias
        i1.speed = speed
        inv.interfaces = [i1]
        inv.forwarding = macs.map { ForwardingEntry(mac: $0, vlan: 20, ifIndex: 1) }
        inv.ipAddresses = addresses.map { IPAddressEntry(address: $0, prefixLength: 24, ifIndex: 1) }
        return inv
    }

    func poll(_ inv: DeviceInventory, agent: String = "udp:10.0.0.1:161") -> PollOutcome {
        PollOutcome(name: "core-sw1", agent: agent, pd: nil, startedAt: inv.polledAt, duration: 0.1, result: .success(inv))
    }

    func failed(at t: Double) -> PollOutcome {
        PollOutcome(name: "core-sw1", agent: "udp:10.0.0.1:161", pd: nil, startedAt: Date(timeIntervalSince1970: t), duration: 3,
                    result: .failure(PollFailure("udp:10.0.0.1:161: no response (timeout)")))
    }

    func lines(_ changes: [InventoryChange]) -> [String] {
        changes.map { "\($0.kind) \($0.subject) [\($0.oldValue ?? "nil") -> \($0.newValue ?? "nil")]" }
    }

    @Test func aFirstPollIsABaseline() {
        #expect(InventoryChanges.of(poll(inventory(at: 1)), previous: nil).isEmpty)
        // A device whose polls had all failed: its first success says it is reachable, nothing more.
        let before = InventoryChanges.Previous(agent: "udp:10.0.0.1:161", lastPollOK: false, inventory: nil)
        #expect(lines(InventoryChanges.of(poll(inventory(at: 2)), previous: before)) == ["reachable device [nil -> nil]"])
    }

    @Test func everyKindOfChangeInOrder() {
        let before = InventoryChanges.Previous(agent: "udp:10.0.0.1:161", lastPollOK: true, inventory: inventory(at: 1))
        let after = inventory(at: 2, serial: "BBB222", alias: "to core", speed: UInt64.max,
                              macs: ["aa:bb:cc:00:00:02", "aa:bb:cc:00:00:02"], addresses: ["10.0.0.1", "10.0.0.9"])
        let changes = InventoryChanges.of(poll(after, agent: "udp:10.0.0.2:161"), previous: before)
        #expect(lines(changes) == [
            "changed agent [udp:10.0.0.1:161 -> udp:10.0.0.2:161]",
            "changed serial [AAA111 -> BBB222]",
            "changed interface 1 (ether1) if_alias [uplink -> to core]",
            "changed interface 1 (ether1) speed [1000000000 -> 9223372036854775807]",
            "added mac aa:bb:cc:00:00:02 vlan 20 [nil -> nil]",  // the duplicate counts once
            "removed mac aa:bb:cc:00:00:01 20 [nil -> nil]",
            "added address 10.0.0.9 [nil -> nil]",
        ])
        #expect(changes.allSatisfy { $0.at == Date(timeIntervalSince1970: 2) })
    }

    @Test func unreachableOnceThenReachable() {
        let ok = InventoryChanges.Previous(agent: "udp:10.0.0.1:161", lastPollOK: true, inventory: inventory(at: 1))
        #expect(lines(InventoryChanges.of(failed(at: 2), previous: ok)) == ["unreachable device [nil -> udp:10.0.0.1:161: no response (timeout)]"])
        let down = InventoryChanges.Previous(agent: "udp:10.0.0.1:161", lastPollOK: false, inventory: inventory(at: 1))
        #expect(InventoryChanges.of(failed(at: 3), previous: down).isEmpty)  // still down: no new change
        #expect(lines(InventoryChanges.of(poll(inventory(at: 4)), previous: down)) == ["reachable device [nil -> nil]"])
        #expect(InventoryChanges.of(failed(at: 5), previous: nil).isEmpty)  // never seen: nothing to lose
    }

    @Test func anUnchangedDeviceHasNoChanges() {
        let before = InventoryChanges.Previous(agent: "udp:10.0.0.1:161", lastPollOK: true, inventory: inventory(at: 1))
        #expect(InventoryChanges.of(poll(inventory(at: 2)), previous: before).isEmpty)
    }
}

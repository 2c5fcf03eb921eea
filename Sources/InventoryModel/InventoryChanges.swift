import Foundation

/// Change detection between polls: a pure function of what was known before a poll and
/// the poll itself. A store records what it returns; it decides nothing itself.
public enum InventoryChanges {
    /// What was known about a device before this poll.
    public struct Previous: Sendable {
        /// The agent it was polled at.
        public var agent: String
        /// Whether its latest poll succeeded.
        public var lastPollOK: Bool
        /// The inventory of its latest successful poll; nil when no poll ever succeeded.
        public var inventory: DeviceInventory?
        public init(agent: String, lastPollOK: Bool, inventory: DeviceInventory?) {
            self.agent = agent
            self.lastPollOK = lastPollOK
            self.inventory = inventory
        }
    }

    /// The changes a poll makes against `previous` (nil: a device never seen before):
    ///
    /// - `changed agent` when the device moved to another agent;
    /// - `unreachable` when a poll fails after one that succeeded, `reachable` when one succeeds after a failure;
    /// - `changed <field>` for each identity field (sysName … version) that differs from the last successful poll;
    /// - per section (interfaces, neighbours, forwarding and ARP entries, addresses): `added` and `removed` items
    ///   by key, and `changed <item> <attribute>` for each attribute that differs.
    ///
    /// The first successful poll is a baseline: it reports no added items and no field changes.
    /// Items with the same key count once (the first). Removals follow the previous poll's order.
    public static func of(_ poll: PollOutcome, previous: Previous?) -> [InventoryChange] {
        var out: [InventoryChange] = []
        let at: Date = (try? poll.result.get().polledAt) ?? poll.startedAt
        func change(_ kind: String, _ subject: String, _ old: String?, _ new: String?) {
            out.append(InventoryChange(at: at, kind: kind, subject: subject, oldValue: old, newValue: new))
        }
        if let previous, previous.agent != poll.agent { change("changed", "agent", previous.agent, poll.agent) }
        let wasOK = previous?.lastPollOK ?? true
        switch poll.result {
        case .failure(let failure):
            if wasOK && previous != nil { change("unreachable", "device", nil, failure.description) }
        case .success(let inv):
            if !wasOK { change("reachable", "device", nil, nil) }
            guard let before = previous?.inventory else { return out }  // first success: the baseline
            for (label, old, new) in identityFields(before, inv) where old != new { change("changed", label, old, new) }
            for section in sections {
                section.compare(before, inv, change)
            }
        }
        return out
    }

    static func identityFields(_ a: DeviceInventory, _ b: DeviceInventory) -> [(String, String?, String?)] {
        [("sysName", a.sysName, b.sysName), ("sysDescr", a.sysDescr, b.sysDescr), ("sysObjectID", a.sysObjectID, b.sysObjectID),
         ("sysContact", a.sysContact, b.sysContact), ("sysLocation", a.sysLocation, b.sysLocation), ("vendor", a.vendor, b.vendor),
         ("family", a.family, b.family), ("model", a.model, b.model), ("serial", a.serial, b.serial), ("version", a.version, b.version)]
    }

    /// One section of an inventory compared item by item: `key` identifies an item (its parts
    /// name it when it is removed), `values` are the compared attributes by name.
    struct Section: Sendable {
        var compare: @Sendable (DeviceInventory, DeviceInventory, (String, String, String?, String?) -> Void) -> Void

        init<Item>(_ label: String, _ items: @escaping @Sendable (DeviceInventory) -> [Item],
                   key: @escaping @Sendable (Item) -> [String], values: @escaping @Sendable (Item) -> [(String, String?)],
                   describe: @escaping @Sendable (Item) -> String) {
            compare = { old, new, change in
                var before: [[String]: Item] = [:]
                var beforeOrder: [[String]] = []
                for item in items(old) where before[key(item)] == nil {
                    before[key(item)] = item
                    beforeOrder.append(key(item))
                }
                var seen = Set<[String]>()
                for item in items(new) {
                    let k = key(item)
                    guard seen.insert(k).inserted else { continue }
                    if let prior = before[k] {
                        for ((name, o), (_, n)) in zip(values(prior), values(item)) where o != n {
                            change("changed", "\(label) \(describe(item)) \(name)", o, n)
                        }
                    } else {
                        change("added", "\(label) \(describe(item))", nil, nil)
                    }
                }
                for k in beforeOrder where !seen.contains(k) {
                    change("removed", "\(label) \(k.joined(separator: " "))", nil, nil)
                }
            }
        }
    }

    static func text(_ v: Int?) -> String? { v.map(String.init) }

    static let sections: [Section] = [
        Section("interface", \.interfaces, key: { [String($0.ifIndex)] },
                values: { [("if_name", $0.ifName), ("if_descr", $0.ifDescr), ("if_alias", $0.ifAlias), ("if_type", $0.ifType),
                           ("speed", $0.speed.map { String(min($0, UInt64(Int64.max))) }), ("mac", $0.mac),
                           ("admin_status", $0.adminStatus), ("oper_status", $0.operStatus)] },
                describe: { "\($0.ifIndex)" + ($0.ifName.map { " (\($0))" } ?? "") }),
        Section("neighbor", \.neighbors,
                key: { [$0.protocol.rawValue, $0.localPort ?? $0.localIfIndex.map(String.init) ?? "", $0.remoteChassisId ?? "", $0.remotePort ?? ""] },
                values: { [("local_if_index", text($0.localIfIndex)), ("remote_sys_name", $0.remoteSysName),
                           ("remote_platform", $0.remotePlatform), ("remote_mgmt_address", $0.remoteMgmtAddress)] },
                describe: { "\($0.protocol.rawValue) \($0.localPort ?? "?") → \($0.remoteSysName ?? $0.remoteChassisId ?? "?") \($0.remotePort ?? "")" }),
        Section("mac", \.forwarding, key: { [$0.mac, String($0.vlan ?? 0)] }, values: { [("if_index", text($0.ifIndex))] },
                describe: { "\($0.mac) vlan \($0.vlan ?? 0)" }),
        Section("arp", \.arp, key: { [$0.ip, $0.mac] }, values: { [("if_index", text($0.ifIndex))] },
                describe: { "\($0.ip) \($0.mac)" }),
        Section("address", \.ipAddresses, key: { [$0.address] },
                values: { [("prefix_length", text($0.prefixLength)), ("if_index", text($0.ifIndex))] }, describe: { $0.address }),
    ]
}

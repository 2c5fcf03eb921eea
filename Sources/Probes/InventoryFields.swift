import Foundation
import InventoryModel

/// The one table of inventory fields: for every section probe tables can fill, each field's
/// name in probe files, its type, and where its value goes in `DeviceInventory`. The loader's
/// schema (`Schema.sections`) and the runner's assembly (`Run.assemble`) both come from it, so
/// a new field is one line here (and its property in the model).
struct FieldSlot<Record>: @unchecked Sendable {  // immutable; the closures only touch their arguments
    let name: String
    let type: FieldType
    /// Stores a value into the record (nothing for the field that identifies it).
    let assign: (inout Record, FieldValue) -> Void
    /// The value as text, for family facts (`chassis.FIELD`).
    let read: (Record) -> String?

    static func text(_ name: String, _ kp: WritableKeyPath<Record, String?>) -> Self {
        Self(name: name, type: .text, assign: { $0[keyPath: kp] = $1.text }, read: { $0[keyPath: kp] })
    }

    static func int(_ name: String, _ kp: WritableKeyPath<Record, Int?>) -> Self {
        Self(name: name, type: .int, assign: { $0[keyPath: kp] = $1.int64.flatMap { Int(exactly: $0) } },
             read: { $0[keyPath: kp].map(String.init) })
    }

    static func uint(_ name: String, _ kp: WritableKeyPath<Record, UInt64?>) -> Self {
        Self(name: name, type: .uint, assign: { $0[keyPath: kp] = $1.uint64 }, read: { $0[keyPath: kp].map(String.init) })
    }

    static func uint32(_ name: String, _ kp: WritableKeyPath<Record, UInt32?>) -> Self {
        Self(name: name, type: .uint, assign: { $0[keyPath: kp] = $1.uint64.flatMap { UInt32(exactly: $0) } },
             read: { $0[keyPath: kp].map(String.init) })
    }

    static func double(_ name: String, _ kp: WritableKeyPath<Record, Double?>) -> Self {
        Self(name: name, type: .double, assign: { $0[keyPath: kp] = $1.double }, read: { $0[keyPath: kp].map { String($0) } })
    }

    static func bool(_ name: String, _ kp: WritableKeyPath<Record, Bool?>) -> Self {
        Self(name: name, type: .bool, assign: { r, v in if case .bool(let b) = v { r[keyPath: kp] = b } },
             read: { $0[keyPath: kp].map { String($0) } })
    }

    static func list(_ name: String, _ kp: WritableKeyPath<Record, [String]?>) -> Self {
        Self(name: name, type: .list, assign: { r, v in if case .list(let l) = v { r[keyPath: kp] = l } },
             read: { $0[keyPath: kp]?.joined(separator: ",") })
    }

    /// The field that identifies a record: read by the section's `make`, not assigned after.
    static func key(_ name: String, _ type: FieldType, read: @escaping (Record) -> String? = { _ in nil }) -> Self {
        Self(name: name, type: type, assign: { _, _ in }, read: read)
    }
}

/// One inventory section: its fields and how its records become part of the inventory.
struct SectionSlot: @unchecked Sendable {  // immutable; the closure only touches its arguments
    let name: String
    let fields: [String: FieldType]
    /// Puts the section's records (in key order; one at most for a singleton) into the inventory.
    let apply: (inout DeviceInventory, [[String: FieldValue]]) -> Void

    /// A section of records of type `R`: `make` builds a record from its identifying field
    /// (nil drops the record), the slots fill the rest, `store` sorts and places them.
    static func records<R>(_ name: String, _ slots: [FieldSlot<R>], make: @escaping ([String: FieldValue]) -> R?,
                           store: @escaping (inout DeviceInventory, [R]) -> Void) -> SectionSlot {
        SectionSlot(name: name, fields: Dictionary(slots.map { ($0.name, $0.type) }, uniquingKeysWith: { a, _ in a })) { inv, rows in
            store(&inv, rows.compactMap { row in
                guard var r = make(row) else { return nil }
                for s in slots { if let v = row[s.name] { s.assign(&r, v) } }
                return r
            })
        }
    }
}

enum InventoryFields {
    static func int(_ v: FieldValue?) -> Int? { v?.int64.flatMap { Int(exactly: $0) } }

    static let system: [FieldSlot<DeviceInventory>] = [
        .text("sysName", \.sysName),
        FieldSlot(name: "sysDescr", type: .text, assign: { $0.sysDescr = $1.text.map(unquoted) }, read: { $0.sysDescr }),
        FieldSlot(name: "sysObjectID", type: .text,
                  assign: { $0.sysObjectID = $1.text.map { $0.hasPrefix(".") ? String($0.dropFirst()) : $0 } },
                  read: { $0.sysObjectID }),
        .text("sysContact", \.sysContact),
        .text("sysLocation", \.sysLocation),
        .uint32("sysUpTime", \.sysUpTime),
    ]

    /// Some agents send sysDescr wrapped in literal double quotes (`"SiteBoss 360 2.12.540 STD"`);
    /// the quotes are the agent's configuration syntax, not part of the description.
    static func unquoted(_ s: String) -> String {
        guard s.count >= 2, s.hasPrefix("\""), s.hasSuffix("\""), !s.dropFirst().dropLast().contains("\"") else { return s }
        return String(s.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
    }

    static let component: [FieldSlot<Component>] = [
        .key("index", .int, read: { String($0.index) }),
        .text("physicalClass", \.physicalClass), .text("descr", \.descr), .text("name", \.name),
        .int("containedIn", \.containedIn), .text("hardwareRev", \.hardwareRev), .text("firmwareRev", \.firmwareRev),
        .text("softwareRev", \.softwareRev), .text("serial", \.serial), .text("manufacturer", \.manufacturer),
        .text("model", \.model), .bool("isFRU", \.isFRU),
    ]

    static let interface: [FieldSlot<Interface>] = [
        .key("ifIndex", .int, read: { String($0.ifIndex) }),
        .text("ifName", \.ifName), .text("ifDescr", \.ifDescr), .text("ifAlias", \.ifAlias), .text("ifType", \.ifType),
        .uint("speed", \.speed), .text("mac", \.mac), .text("adminStatus", \.adminStatus), .text("operStatus", \.operStatus),
        .int("mtu", \.mtu), .uint32("lastChange", \.lastChange),
    ]

    static let upsLine: [FieldSlot<UPSStatus.Line>] = [
        .key("index", .int), .int("voltage", \.voltage), .double("frequencyHz", \.frequencyHz), .double("current", \.current),
        .int("power", \.power), .int("loadPercent", \.loadPercent),
    ]

    /// Interfaces come first: other sections map names to ifIndex through them.
    static let interfaces = SectionSlot.records("interfaces", interface, make: { r in int(r["ifIndex"]).map(Interface.init) }) {
        $0.interfaces = $1.sorted { $0.ifIndex < $1.ifIndex }
    }

    /// Every section but `system` (which fills the inventory's own fields from `system`).
    static let sections: [SectionSlot] = [
        interfaces,
        .records("components", component, make: { r in int(r["index"]).map(Component.init) }) {
            $0.components = $1.sorted { $0.index < $1.index }
        },
        .records("ipAddresses", [.key("address", .text), .int("prefixLength", \.prefixLength), .int("ifIndex", \.ifIndex)],
                 make: { r in r["address"]?.text.map { IPAddressEntry(address: $0) } }) { inv, list in
            inv.ipAddresses = list.sorted { a, b in
                let (ia, ib) = (IPAddress(a.address), IPAddress(b.address))
                if let ia, let ib, ia != ib { return ia < ib }
                return (a.address, a.ifIndex ?? -1) < (b.address, b.ifIndex ?? -1)
            }
        },
        .records("neighbors", [
            .key("protocol", .text), .int("localIfIndex", \.localIfIndex), .text("localPort", \.localPort),
            .text("remoteChassisId", \.remoteChassisId), .text("remoteChassisIdSubtype", \.remoteChassisIdSubtype),
            .text("remotePort", \.remotePort), .text("remotePortSubtype", \.remotePortSubtype),
            .text("remotePortDescr", \.remotePortDescr), .text("remoteSysName", \.remoteSysName),
            .text("remoteSysDescr", \.remoteSysDescr), .text("remotePlatform", \.remotePlatform),
            .text("remoteMgmtAddress", \.remoteMgmtAddress), .list("remoteCapabilities", \.remoteCapabilities),
        ], make: { r in r["protocol"]?.text.flatMap(Neighbor.DiscoveryProtocol.init(rawValue:)).map { Neighbor(protocol: $0) } }) { inv, list in
            // Stable order: by local port, then protocol and remote identity (records arrive in index order).
            inv.neighbors = list.enumerated().sorted { x, y in
                let a = x.element, b = y.element
                let ka = (a.localIfIndex ?? Int.max, a.protocol.rawValue, a.remoteChassisId ?? "", a.remotePort ?? "")
                let kb = (b.localIfIndex ?? Int.max, b.protocol.rawValue, b.remoteChassisId ?? "", b.remotePort ?? "")
                return ka != kb ? ka < kb : x.offset < y.offset
            }.map(\.element)
        },
        .records("forwarding", [.key("mac", .text), .int("vlan", \.vlan), .int("ifIndex", \.ifIndex), .int("bridgePort", \.bridgePort),
                                .text("status", \.status)],
                 make: { r in r["mac"]?.text.map { ForwardingEntry(mac: $0) } }) {
            $0.forwarding = $1.sorted { ($0.vlan ?? -1, $0.mac, $0.ifIndex ?? -1) < ($1.vlan ?? -1, $1.mac, $1.ifIndex ?? -1) }
        },
        .records("arp", [.key("ip", .text), .key("mac", .text), .int("ifIndex", \.ifIndex), .text("type", \.type)],
                 make: { r in
                     guard let ip = r["ip"]?.text, let mac = r["mac"]?.text else { return nil }
                     return ARPEntry(ip: ip, mac: mac)
                 }) { inv, list in
            inv.arp = list.sorted { a, b in
                if (a.ifIndex ?? -1) != (b.ifIndex ?? -1) { return (a.ifIndex ?? -1) < (b.ifIndex ?? -1) }
                if let ia = IPAddress(a.ip), let ib = IPAddress(b.ip), ia != ib { return ia < ib }
                return (a.ip, a.mac) < (b.ip, b.mac)
            }
        },
        // Host resources: three sections into one optional record, absent when all are empty.
        .records("resources", [.uint("memoryBytes", \.memoryBytes)], make: { _ in HostResources() }) { inv, list in
            if let r = list.first { resources(&inv) { $0.memoryBytes = r.memoryBytes } }
        },
        .records("resources.processors", [.int("load", \.load)], make: { _ in Processor() }) { inv, list in
            guard !list.isEmpty else { return }
            resources(&inv) { res in
                res.cpuCount = list.count  // one row per processor
                res.cpuLoads = list.compactMap(\.load)
            }
        },
        .records("resources.storage", [
            .key("index", .int), .text("type", \.type), .text("descr", \.descr), .uint("sizeBytes", \.sizeBytes),
            .uint("usedBytes", \.usedBytes),
        ], make: { r in int(r["index"]).map(HostResources.Storage.init) }) { inv, list in
            resources(&inv) { $0.storage = list.sorted { $0.index < $1.index } }
        },
        // UPS: one record and its input and output lines.
        .records("ups", [
            .text("manufacturer", \.manufacturer), .text("model", \.model), .text("upsSoftwareVersion", \.upsSoftwareVersion),
            .text("agentSoftwareVersion", \.agentSoftwareVersion), .text("batteryStatus", \.batteryStatus),
            .int("secondsOnBattery", \.secondsOnBattery), .int("estimatedMinutesRemaining", \.estimatedMinutesRemaining),
            .int("estimatedChargePercent", \.estimatedChargePercent), .double("batteryVoltage", \.batteryVoltage),
            .int("batteryTemperatureCelsius", \.batteryTemperatureCelsius), .text("outputSource", \.outputSource),
            .int("ratedVA", \.ratedVA), .int("ratedWatts", \.ratedWatts),
        ], make: { _ in UPSStatus() }) { inv, list in
            guard let u = list.first else { return }
            ups(&inv) { res in
                let lines = (res.inputLines, res.outputLines)
                res = u
                (res.inputLines, res.outputLines) = lines
            }
        },
        .records("ups.inputLines", upsLine, make: { r in int(r["index"]).map(UPSStatus.Line.init) }) { inv, list in
            ups(&inv) { $0.inputLines = list.sorted { $0.index < $1.index } }
        },
        .records("ups.outputLines", upsLine, make: { r in int(r["index"]).map(UPSStatus.Line.init) }) { inv, list in
            ups(&inv) { $0.outputLines = list.sorted { $0.index < $1.index } }
        },
        // Printer: one record and its supplies.
        .records("printer", [.text("status", \.status), .text("descr", \.descr), .uint("lifetimeCount", \.lifetimeCount)],
                 make: { _ in PrinterStatus() }) { inv, list in
            guard let p = list.first else { return }
            printer(&inv) { res in
                let supplies = res.supplies
                res = p
                res.supplies = supplies
            }
        },
        .records("printer.supplies", [
            .key("index", .int), .text("descr", \.descr), .text("type", \.type), .int("level", \.level),
            .int("maxCapacity", \.maxCapacity),
        ], make: { r in int(r["index"]).map(PrinterStatus.Supply.init) }) { inv, list in
            printer(&inv) { res in
                res.supplies = list.map { s in
                    var s = s
                    // RFC 3805: negative levels are "unknown"/"some remaining", not quantities.
                    if let l = s.level, let m = s.maxCapacity, l >= 0, m > 0 { s.percent = min(100, l * 100 / m) }
                    return s
                }.sorted { $0.index < $1.index }
            }
        },
    ]

    /// One row of hrProcessorTable.
    struct Processor { var load: Int? }

    /// Edits the inventory's host resources, which stay absent while empty.
    static func resources(_ inv: inout DeviceInventory, _ edit: (inout HostResources) -> Void) {
        var r = inv.resources ?? HostResources()
        edit(&r)
        inv.resources = r == HostResources() ? nil : r
    }

    static func ups(_ inv: inout DeviceInventory, _ edit: (inout UPSStatus) -> Void) {
        var u = inv.ups ?? UPSStatus()
        edit(&u)
        inv.ups = u == UPSStatus() ? nil : u
    }

    static func printer(_ inv: inout DeviceInventory, _ edit: (inout PrinterStatus) -> Void) {
        var p = inv.printer ?? PrinterStatus()
        edit(&p)
        inv.printer = p == PrinterStatus() ? nil : p
    }
}

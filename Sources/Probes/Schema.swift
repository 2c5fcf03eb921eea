/// The inventory sections probe tables can fill, and the type of each field. This is the
/// shape of `DeviceInventory`, not vendor knowledge: adding a vendor never touches it.
enum FieldType: String, Sendable { case text, int, uint, double, bool, list }

enum Schema {
    static let sections: [String: [String: FieldType]] = [
        "system": [
            "sysName": .text, "sysDescr": .text, "sysObjectID": .text, "sysContact": .text,
            "sysLocation": .text, "sysUpTime": .uint,
        ],
        "components": [
            "index": .int, "physicalClass": .text, "descr": .text, "name": .text, "containedIn": .int,
            "hardwareRev": .text, "firmwareRev": .text, "softwareRev": .text, "serial": .text,
            "manufacturer": .text, "model": .text, "isFRU": .bool,
        ],
        "interfaces": [
            "ifIndex": .int, "ifName": .text, "ifDescr": .text, "ifAlias": .text, "ifType": .text,
            "speed": .uint, "mac": .text, "adminStatus": .text, "operStatus": .text, "mtu": .int,
            "lastChange": .uint,
        ],
        "ipAddresses": ["address": .text, "prefixLength": .int, "ifIndex": .int],
        "neighbors": [
            "protocol": .text, "localIfIndex": .int, "localPort": .text, "remoteChassisId": .text,
            "remoteChassisIdSubtype": .text, "remotePort": .text, "remotePortSubtype": .text,
            "remotePortDescr": .text, "remoteSysName": .text, "remoteSysDescr": .text,
            "remotePlatform": .text, "remoteMgmtAddress": .text, "remoteCapabilities": .list,
        ],
        "forwarding": ["mac": .text, "vlan": .int, "ifIndex": .int, "bridgePort": .int, "status": .text],
        "arp": ["ip": .text, "mac": .text, "ifIndex": .int, "type": .text],
        "resources": ["memoryBytes": .uint],
        "resources.processors": ["load": .int],
        "resources.storage": [
            "index": .int, "type": .text, "descr": .text, "sizeBytes": .uint, "usedBytes": .uint,
        ],
        "ups": [
            "manufacturer": .text, "model": .text, "upsSoftwareVersion": .text,
            "agentSoftwareVersion": .text, "batteryStatus": .text, "secondsOnBattery": .int,
            "estimatedMinutesRemaining": .int, "estimatedChargePercent": .int, "batteryVoltage": .double,
            "batteryTemperatureCelsius": .int, "outputSource": .text, "ratedVA": .int, "ratedWatts": .int,
        ],
        "ups.inputLines": upsLine,
        "ups.outputLines": upsLine,
        "printer": ["status": .text, "descr": .text, "lifetimeCount": .uint],
        "printer.supplies": [
            "index": .int, "descr": .text, "type": .text, "level": .int, "maxCapacity": .int,
        ],
    ]

    static let upsLine: [String: FieldType] = [
        "index": .int, "voltage": .int, "frequencyHz": .double, "current": .double, "power": .int,
        "loadPercent": .int,
    ]

    /// Sections that hold one record (a table filling them contributes its first row).
    static let singletons: Set<String> = ["system", "resources", "ups", "printer"]

    /// Facts a family's `inventory:` alternatives may start from.
    static func isFact(_ name: String) -> Bool {
        if let f = sections["system"]?[name] { return f == .text || f == .uint }
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return false }
        switch parts[0] {
        case "chassis": return sections["components"]?[parts[1]] != nil
        case "ups": return sections["ups"]?[parts[1]] != nil
        case "printer": return sections["printer"]?[parts[1]] != nil
        default: return false
        }
    }

    /// The facts a family may set (`inventory:` keys).
    static let inventoryFacts: Set<String> = ["model", "serial", "version"]
}

/// The inventory sections probe tables can fill, and the type of each field (the field table
/// itself is `InventoryFields`). This is the shape of `DeviceInventory`, not vendor knowledge:
/// adding a vendor never touches it.
enum FieldType: String, Sendable { case text, int, uint, double, bool, list }

enum Schema {
    /// Section → field → type, from the one field table (`InventoryFields`).
    static let sections: [String: [String: FieldType]] = {
        var out = Dictionary(uniqueKeysWithValues: InventoryFields.sections.map { ($0.name, $0.fields) })
        out["system"] = Dictionary(uniqueKeysWithValues: InventoryFields.system.map { ($0.name, $0.type) })
        return out
    }()

    /// Sections that hold one record (a table filling them contributes its first row).
    static let singletons: Set<String> = ["system", "resources", "ups", "printer"]

    /// Facts a family's `inventory:` alternatives may start from.
    static func isFact(_ name: String) -> Bool {
        if let f = sections["system"]?[name] { return f == .text || f == .uint }
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return false }
        switch parts[0] {
        case "chassis", "sole-chassis": return sections["components"]?[parts[1]] != nil
        case "ups": return sections["ups"]?[parts[1]] != nil
        case "printer": return sections["printer"]?[parts[1]] != nil
        default: return false
        }
    }

    /// The facts a family may set (`inventory:` keys).
    static let inventoryFacts: Set<String> = ["model", "serial", "version"]
}

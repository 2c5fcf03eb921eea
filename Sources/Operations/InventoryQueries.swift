import Foundation
import InventoryModel
import Storage

/// What SNMP collection recorded (`pantau inventory`, the dashboard's device views).
public struct InventoryQueries: Sendable {
    public let store: any InventoryStorage & DeviceListStorage

    public init(store: any InventoryStorage & DeviceListStorage) { self.store = store }

    /// Every device, ordered by name.
    public func devices() throws(StoreError) -> [DeviceSummary] { try store.devices() }

    /// Every device as a table of the fleet shows it, ordered by name: the device rows only,
    /// no inventory decoded; `counts` adds its current interfaces and neighbours.
    public func listing(counts: Bool = false) throws(StoreError) -> [DeviceListing] { try store.deviceListing(counts: counts) }

    /// One device with its latest inventory and, when asked, its recorded changes.
    public struct Device: Sendable {
        public var summary: DeviceSummary
        public var inventory: DeviceInventory?
        public var changes: [InventoryChange]
    }

    /// A device by name, agent, sysName or serial; `.notFound` when there is none.
    public func device(_ key: String, withHistory: Bool = false) throws -> Device {
        guard let (summary, inventory) = try store.device(key) else {
            throw OperationError(.notFound, "no device \"\(key)\" in \(locationText); see `pantau inventory list`")
        }
        return Device(summary: summary, inventory: inventory, changes: withHistory ? try store.changes(device: summary.name) : [])
    }

    var locationText: String { (store as? any PantauStorage)?.location ?? "the store" }
}

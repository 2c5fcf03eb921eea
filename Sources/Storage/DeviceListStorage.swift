import Foundation
import InventoryModel

/// One device as a table of the fleet shows it: who it is, what its last inventory poll
/// said and, when asked, how many interfaces and neighbours that poll found. Read from the
/// device rows alone: no inventory is read or decoded (the dashboard lists 5,000 of these on
/// every refresh; `InventoryStorage.devices()` is the whole summary).
public struct DeviceListing: Sendable, Codable, Equatable {
    public var name: String
    public var agent: String
    public var pd: String?
    public var sysName: String?
    public var vendor: String?
    public var model: String?
    public var serial: String?
    public var version: String?
    public var lastPollAt: Date
    public var lastPollOK: Bool
    public var lastError: String?
    /// Current interfaces and neighbours (nil: not counted).
    public var interfaces: Int?
    public var neighbours: Int?

    public init(name: String, agent: String, pd: String? = nil, sysName: String? = nil, vendor: String? = nil, model: String? = nil,
                serial: String? = nil, version: String? = nil, lastPollAt: Date, lastPollOK: Bool, lastError: String? = nil,
                interfaces: Int? = nil, neighbours: Int? = nil) {
        self.name = name; self.agent = agent; self.pd = pd; self.sysName = sysName; self.vendor = vendor; self.model = model
        self.serial = serial; self.version = version; self.lastPollAt = lastPollAt; self.lastPollOK = lastPollOK; self.lastError = lastError
        self.interfaces = interfaces; self.neighbours = neighbours
    }
}

/// The fleet's devices as a list (the dashboard's device tables).
public protocol DeviceListStorage: Sendable {
    /// Every device, ordered by name. `counts`: with its current interfaces and neighbours
    /// counted (the costly part; only a table that shows them asks).
    func deviceListing(counts: Bool) throws(StoreError) -> [DeviceListing]
}

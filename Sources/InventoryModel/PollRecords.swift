import Foundation

/// The outcome of polling one target once.
public struct PollOutcome: Sendable {
    /// The operator's name for the target (unique in the configuration).
    public var name: String
    public var agent: String
    public var pd: String?
    public var startedAt: Date
    public var duration: Double
    public var result: Result<DeviceInventory, PollFailure>

    public init(name: String, agent: String, pd: String?, startedAt: Date, duration: Double,
                result: Result<DeviceInventory, PollFailure>) {
        self.name = name
        self.agent = agent
        self.pd = pd
        self.startedAt = startedAt
        self.duration = duration
        self.result = result
    }
}

/// Why a poll failed, already phrased for an operator (`agent: action: cause`). Never
/// contains a secret.
public struct PollFailure: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// One row of `pantau inventory list`.
public struct DeviceSummary: Sendable, Codable, Equatable {
    public var name: String
    public var agent: String
    public var pd: String?
    public var sysName: String?
    public var sysObjectID: String?
    public var vendor: String?
    public var family: String?
    public var model: String?
    public var serial: String?
    public var version: String?
    public var firstSeen: Date?
    public var lastSeen: Date?
    public var lastPollAt: Date
    public var lastPollOK: Bool
    public var lastError: String?
    public var interfaces: Int
    public var neighbors: Int
    public var forwardingEntries: Int
    public var arpEntries: Int

    public init(name: String, agent: String, pd: String?, sysName: String?, sysObjectID: String?, vendor: String?, family: String?, model: String?, serial: String?, version: String?, firstSeen: Date?, lastSeen: Date?, lastPollAt: Date, lastPollOK: Bool, lastError: String?, interfaces: Int, neighbors: Int, forwardingEntries: Int, arpEntries: Int) {
        self.name = name
        self.agent = agent
        self.pd = pd
        self.sysName = sysName
        self.sysObjectID = sysObjectID
        self.vendor = vendor
        self.family = family
        self.model = model
        self.serial = serial
        self.version = version
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.lastPollAt = lastPollAt
        self.lastPollOK = lastPollOK
        self.lastError = lastError
        self.interfaces = interfaces
        self.neighbors = neighbors
        self.forwardingEntries = forwardingEntries
        self.arpEntries = arpEntries
    }
}

/// One recorded change: an attribute that changed, or an item that appeared or went away.
public struct InventoryChange: Sendable, Codable, Equatable {
    public var at: Date
    /// `changed`, `added`, `removed`, `unreachable`, `reachable`.
    public var kind: String
    /// What changed, e.g. `serial`, `interface 3 ifAlias`, `neighbor lldp Gi0/1`.
    public var subject: String
    public var oldValue: String?
    public var newValue: String?

    public init(at: Date, kind: String, subject: String, oldValue: String?, newValue: String?) {
        self.at = at
        self.kind = kind
        self.subject = subject
        self.oldValue = oldValue
        self.newValue = newValue
    }
}

/// First and last time an item of a device was seen.
public struct Sighting: Sendable, Codable, Equatable {
    public var key: String
    public var firstSeen: Date
    public var lastSeen: Date
    /// Seen in the device's latest successful poll.
    public var current: Bool

    public init(key: String, firstSeen: Date, lastSeen: Date, current: Bool) {
        self.key = key
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.current = current
    }
}

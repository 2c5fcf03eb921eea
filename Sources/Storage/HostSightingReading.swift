import Foundation
import InventoryModel

/// A leaner read of host sightings for reconciliation, which uses a host's MAC, VLAN,
/// capture point, PD, times and addresses but never the names it announced: a regency's
/// 100,000 hosts are read on every run, and their names are a table it need not touch.
public protocol HostSightingReading: Sendable {
    /// Hosts seen, as `hostSightings(pd:vlan:since:)` returns them but with `names` empty.
    func hostSightingsWithoutNames(pd: String?, vlan: Int?, since: Date?) throws(StoreError) -> [HostSighting]
}

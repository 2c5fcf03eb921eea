import Foundation
import Storage

/// What the central store knows of its collectors (`pantau collectors`, `pantau store status`,
/// and any front end that shows the fleet): each one's last contact, backlog and clock offset.
public enum FleetQueries {
    /// Whether the store keeps a fleet (the PostgreSQL store does; a SQLite store does not).
    public static func keepsFleet(_ store: any PantauStorage) -> Bool { store is any FleetStorage }

    /// Every collector, by id; none for a store that keeps no fleet.
    public static func collectors(_ store: any PantauStorage) throws(StoreError) -> [CollectorStatus] {
        guard let fleet = store as? any FleetStorage else { return [] }
        return try fleet.collectors()
    }

    /// Forgets a stopped collector (its devices may then be written by another).
    public static func forget(_ id: String, in store: any PantauStorage) throws(StoreError) -> Int {
        guard let fleet = store as? any FleetStorage else {
            throw StoreError(path: store.location, action: "forgetting collector \(id)", message: "a SQLite store keeps no collector fleet")
        }
        return try fleet.forgetCollector(id)
    }
}

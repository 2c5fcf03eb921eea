import Foundation
import GRDB
import InventoryModel
import Storage

extension PantauStore {
    /// Every device from its row alone (never `inventory_json`, the last column, so the row's
    /// overflow pages are not read); the counts only when asked.
    public func deviceListing(counts: Bool) throws(StoreError) -> [DeviceListing] {
        do {
            return try writer.read { db in
                let rows = try Row.fetchCursor(db, sql: Self.listingSQL(counts: counts) + " ORDER BY d.name")
                var out: [DeviceListing] = []
                while let r = try rows.next() {
                    out.append(DeviceListing(
                        name: r[0], agent: r[1], pd: r[2], sysName: r[3], vendor: r[4], model: r[5], serial: r[6], version: r[7],
                        lastPollAt: Date(timeIntervalSince1970: r[8]), lastPollOK: r[9], lastError: r[10],
                        interfaces: counts ? r[11] as Int? : nil, neighbours: counts ? r[12] as Int? : nil))
                }
                return out
            }
        } catch { throw StoreError(path: location, action: "listing devices", underlying: error) }
    }

    static func listingSQL(counts: Bool) -> String {
        "SELECT d.name, d.agent, d.pd, d.sys_name, d.vendor, d.model, d.serial, d.version, d.last_poll_at, d.last_poll_ok, d.last_error"
            + (counts ? """
                ,
                  (SELECT COUNT(*) FROM interface i WHERE i.device_id = d.id AND i.last_seen = d.last_seen),
                  (SELECT COUNT(*) FROM neighbor n WHERE n.device_id = d.id AND n.last_seen = d.last_seen)
                """ : "")
            + " FROM device d"
    }
}

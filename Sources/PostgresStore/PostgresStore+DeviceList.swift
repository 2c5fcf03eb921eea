import Foundation
import InventoryModel
import Storage

extension PostgresStore {
    /// Every device from its row alone (never `inventory_json`); the counts only when asked.
    public func deviceListing(counts: Bool) throws(StoreError) -> [DeviceListing] {
        try read("listing devices") { c in
            let sql = "SELECT d.name, d.agent, d.pd, d.sys_name, d.vendor, d.model, d.serial, d.version, d.last_poll_at, d.last_poll_ok, d.last_error"
                + (counts ? """
                    ,
                      (SELECT COUNT(*) FROM interface i WHERE i.device_id = d.id AND i.last_seen = d.last_seen),
                      (SELECT COUNT(*) FROM neighbor n WHERE n.device_id = d.id AND n.last_seen = d.last_seen)
                    """ : "")
                + " FROM device d ORDER BY d.name"
            return try c.fetchAll(sql).map { r in
                DeviceListing(name: r[0], agent: r[1], pd: r[2], sysName: r[3], vendor: r[4], model: r[5], serial: r[6], version: r[7],
                              lastPollAt: Date(timeIntervalSince1970: r[8]), lastPollOK: r[9], lastError: r[10],
                              interfaces: counts ? r[11] as Int? : nil, neighbours: counts ? r[12] as Int? : nil)
            }
        }
    }
}

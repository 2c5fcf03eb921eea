import GRDB

extension PantauStore {
    /// Schema for SNMP device inventory and its history. Every observed item carries
    /// `first_seen`/`last_seen` (UTC seconds); an item is current when its `last_seen`
    /// equals its device's `last_seen`. What changed between polls is kept in
    /// `inventory_change`.
    static func registerInventoryMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v1-inventory") { db in
            try db.execute(sql: """
                CREATE TABLE device (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    agent TEXT NOT NULL,
                    pd TEXT,
                    sys_name TEXT, sys_descr TEXT, sys_object_id TEXT, sys_contact TEXT, sys_location TEXT,
                    sys_uptime INTEGER,
                    vendor TEXT, family TEXT, model TEXT, serial TEXT, version TEXT,
                    first_seen REAL,
                    last_seen REAL,
                    last_poll_at REAL NOT NULL,
                    last_poll_ok INTEGER NOT NULL,
                    last_error TEXT,
                    inventory_json TEXT
                );
                CREATE TABLE poll_run (
                    id INTEGER PRIMARY KEY,
                    device_id INTEGER NOT NULL REFERENCES device(id) ON DELETE CASCADE,
                    started_at REAL NOT NULL,
                    duration_ms INTEGER NOT NULL,
                    ok INTEGER NOT NULL,
                    error TEXT,
                    warnings INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX poll_run_device ON poll_run(device_id, started_at);
                CREATE TABLE inventory_change (
                    id INTEGER PRIMARY KEY,
                    device_id INTEGER NOT NULL REFERENCES device(id) ON DELETE CASCADE,
                    at REAL NOT NULL,
                    kind TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    old_value TEXT,
                    new_value TEXT
                );
                CREATE INDEX inventory_change_device ON inventory_change(device_id, at);
                CREATE TABLE interface (
                    device_id INTEGER NOT NULL REFERENCES device(id) ON DELETE CASCADE,
                    if_index INTEGER NOT NULL,
                    if_name TEXT, if_descr TEXT, if_alias TEXT, if_type TEXT, speed INTEGER, mac TEXT,
                    admin_status TEXT, oper_status TEXT,
                    first_seen REAL NOT NULL, last_seen REAL NOT NULL,
                    PRIMARY KEY (device_id, if_index)
                );
                CREATE INDEX interface_mac ON interface(mac);
                CREATE TABLE neighbor (
                    device_id INTEGER NOT NULL REFERENCES device(id) ON DELETE CASCADE,
                    protocol TEXT NOT NULL,
                    local_port TEXT NOT NULL,
                    local_if_index INTEGER,
                    remote_chassis TEXT NOT NULL,
                    remote_port TEXT NOT NULL,
                    remote_sys_name TEXT, remote_platform TEXT, remote_mgmt_address TEXT,
                    first_seen REAL NOT NULL, last_seen REAL NOT NULL,
                    PRIMARY KEY (device_id, protocol, local_port, remote_chassis, remote_port)
                );
                CREATE TABLE fdb_entry (
                    device_id INTEGER NOT NULL REFERENCES device(id) ON DELETE CASCADE,
                    mac TEXT NOT NULL,
                    vlan INTEGER NOT NULL,
                    if_index INTEGER,
                    first_seen REAL NOT NULL, last_seen REAL NOT NULL,
                    PRIMARY KEY (device_id, mac, vlan)
                );
                CREATE INDEX fdb_entry_mac ON fdb_entry(mac);
                CREATE TABLE arp_entry (
                    device_id INTEGER NOT NULL REFERENCES device(id) ON DELETE CASCADE,
                    ip TEXT NOT NULL,
                    mac TEXT NOT NULL,
                    if_index INTEGER,
                    first_seen REAL NOT NULL, last_seen REAL NOT NULL,
                    PRIMARY KEY (device_id, ip, mac)
                );
                CREATE INDEX arp_entry_mac ON arp_entry(mac);
                CREATE INDEX arp_entry_ip ON arp_entry(ip);
                CREATE TABLE ip_address (
                    device_id INTEGER NOT NULL REFERENCES device(id) ON DELETE CASCADE,
                    address TEXT NOT NULL,
                    prefix_length INTEGER,
                    if_index INTEGER,
                    first_seen REAL NOT NULL, last_seen REAL NOT NULL,
                    PRIMARY KEY (device_id, address)
                );
                """)
        }
    }
}

import GRDB

extension PantauStore {
    /// Schema for packet sightings (hosts, neighbour announcements, DHCP servers, traffic).
    ///
    /// Times are Unix seconds (REAL). `vlan` is 0 for untagged frames (VLAN 0 means
    /// priority-tagged, i.e. untagged, in 802.1Q), so it can take part in primary keys.
    static func registerSightingMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v1-sightings") { db in
            try db.execute(sql: """
                CREATE TABLE sighting_host (
                    mac TEXT NOT NULL,
                    vlan INTEGER NOT NULL,
                    capture_point TEXT NOT NULL,
                    vendor TEXT,
                    pd TEXT,
                    first_seen REAL NOT NULL,
                    last_seen REAL NOT NULL,
                    frames_sampled INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (mac, vlan, capture_point)
                ) WITHOUT ROWID;
                CREATE INDEX sighting_host_pd ON sighting_host(pd);
                CREATE INDEX sighting_host_last ON sighting_host(last_seen);
                CREATE TABLE sighting_host_address (
                    mac TEXT NOT NULL,
                    vlan INTEGER NOT NULL,
                    capture_point TEXT NOT NULL,
                    address TEXT NOT NULL,
                    source TEXT NOT NULL,
                    first_seen REAL NOT NULL,
                    last_seen REAL NOT NULL,
                    PRIMARY KEY (mac, vlan, capture_point, address, source),
                    FOREIGN KEY (mac, vlan, capture_point) REFERENCES sighting_host(mac, vlan, capture_point) ON DELETE CASCADE
                ) WITHOUT ROWID;
                CREATE TABLE sighting_host_name (
                    mac TEXT NOT NULL,
                    vlan INTEGER NOT NULL,
                    capture_point TEXT NOT NULL,
                    name TEXT NOT NULL,
                    source TEXT NOT NULL,
                    first_seen REAL NOT NULL,
                    last_seen REAL NOT NULL,
                    PRIMARY KEY (mac, vlan, capture_point, name, source),
                    FOREIGN KEY (mac, vlan, capture_point) REFERENCES sighting_host(mac, vlan, capture_point) ON DELETE CASCADE
                ) WITHOUT ROWID;
                CREATE TABLE sighting_neighbour (
                    protocol TEXT NOT NULL,
                    mac TEXT NOT NULL,
                    vlan INTEGER NOT NULL,
                    capture_point TEXT NOT NULL,
                    chassis_id TEXT,
                    port_id TEXT,
                    port_description TEXT,
                    system_name TEXT,
                    system_description TEXT,
                    platform TEXT,
                    capabilities TEXT NOT NULL DEFAULT '',
                    management_addresses TEXT NOT NULL DEFAULT '',
                    native_vlan INTEGER,
                    pd TEXT,
                    first_seen REAL NOT NULL,
                    last_seen REAL NOT NULL,
                    announcements INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (protocol, mac, vlan, capture_point)
                ) WITHOUT ROWID;
                CREATE TABLE sighting_dhcp_server (
                    server TEXT NOT NULL,
                    mac TEXT NOT NULL,
                    vlan INTEGER NOT NULL,
                    capture_point TEXT NOT NULL,
                    pd TEXT,
                    first_seen REAL NOT NULL,
                    last_seen REAL NOT NULL,
                    replies INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (server, mac, vlan, capture_point)
                ) WITHOUT ROWID;
                CREATE TABLE sighting_traffic (
                    minute INTEGER NOT NULL,
                    scope TEXT NOT NULL,
                    key TEXT NOT NULL,
                    capture_point TEXT NOT NULL,
                    sampling_rate INTEGER NOT NULL,
                    pd TEXT,
                    samples INTEGER NOT NULL,
                    in_bytes INTEGER NOT NULL,
                    out_bytes INTEGER NOT NULL,
                    in_packets INTEGER NOT NULL,
                    out_packets INTEGER NOT NULL,
                    PRIMARY KEY (minute, scope, key, capture_point, sampling_rate)
                ) WITHOUT ROWID;
                CREATE INDEX sighting_traffic_pd ON sighting_traffic(pd, minute);
                CREATE TABLE sighting_interface_counters (
                    agent TEXT NOT NULL,
                    if_index INTEGER NOT NULL,
                    sampled_at REAL NOT NULL,
                    capture_point TEXT NOT NULL,
                    if_speed INTEGER NOT NULL,
                    in_octets INTEGER NOT NULL,
                    out_octets INTEGER NOT NULL,
                    in_errors INTEGER NOT NULL,
                    out_errors INTEGER NOT NULL,
                    PRIMARY KEY (agent, if_index, sampled_at)
                ) WITHOUT ROWID;
                """)
        }
    }
}

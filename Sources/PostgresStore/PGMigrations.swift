/// The PostgreSQL schema, in versioned migrations (the counterpart of the SQLite store's
/// `Migrations+*.swift`; same tables, columns and meaning). Applied migrations are listed in
/// `pantau_schema`; the schema version is their count. Add a NEW migration at the end; never
/// edit one that shipped.
///
/// Differences from SQLite, all invisible through the storage protocols:
/// - text is compared and ordered byte-wise (`COLLATE "C"`), like SQLite's default, so every
///   ORDER BY gives the same order on both stores;
/// - times stay Unix seconds (`DOUBLE PRECISION`, or `BIGINT` where SQLite has INTEGER);
/// - the time series (traffic intervals and blocks, status polls, sampled traffic and
///   interface counters) are partitioned by time, one partition per UTC month (`PGPartitions`),
///   so retention drops whole partitions;
/// - the append-only and immutable tables are guarded by triggers raising an error.
struct PGMigration {
    let name: String
    let statements: [String]
    /// Run after the statements, in the same transaction (filling new tables from old ones).
    var after: (@Sendable (PGConnection) throws -> Void)? = nil
}

enum PGSchema {
    /// Text compared byte-wise.
    static let t = "TEXT COLLATE \"C\""

    static let migrations: [PGMigration] = [inventory, sightings, governance, captureFiles, traffic, uptime, findings,
                                             uptimeRollup, fleet, areaChanges, fleetSampling]

    /// The schema version this binary writes: its number of migrations.
    static var version: Int { migrations.count }

    static let inventory = PGMigration(name: "pg1-inventory", statements: [
        """
        CREATE TABLE device (
            id BIGSERIAL PRIMARY KEY,
            name \(t) NOT NULL UNIQUE,
            agent \(t) NOT NULL,
            pd \(t),
            sys_name \(t), sys_descr \(t), sys_object_id \(t), sys_contact \(t), sys_location \(t),
            sys_uptime BIGINT,
            vendor \(t), family \(t), model \(t), serial \(t), version \(t),
            first_seen DOUBLE PRECISION,
            last_seen DOUBLE PRECISION,
            last_poll_at DOUBLE PRECISION NOT NULL,
            last_poll_ok BIGINT NOT NULL,
            last_error \(t),
            inventory_json \(t)
        )
        """,
        """
        CREATE TABLE poll_run (
            id BIGSERIAL PRIMARY KEY,
            device_id BIGINT NOT NULL REFERENCES device(id) ON DELETE CASCADE,
            started_at DOUBLE PRECISION NOT NULL,
            duration_ms BIGINT NOT NULL,
            ok BIGINT NOT NULL,
            error \(t),
            warnings BIGINT NOT NULL DEFAULT 0
        )
        """,
        "CREATE INDEX poll_run_device ON poll_run(device_id, started_at)",
        """
        CREATE TABLE inventory_change (
            id BIGSERIAL PRIMARY KEY,
            device_id BIGINT NOT NULL REFERENCES device(id) ON DELETE CASCADE,
            at DOUBLE PRECISION NOT NULL,
            kind \(t) NOT NULL,
            subject \(t) NOT NULL,
            old_value \(t),
            new_value \(t)
        )
        """,
        "CREATE INDEX inventory_change_device ON inventory_change(device_id, at)",
        """
        CREATE TABLE interface (
            device_id BIGINT NOT NULL REFERENCES device(id) ON DELETE CASCADE,
            if_index BIGINT NOT NULL,
            if_name \(t), if_descr \(t), if_alias \(t), if_type \(t), speed BIGINT, mac \(t),
            admin_status \(t), oper_status \(t),
            first_seen DOUBLE PRECISION NOT NULL, last_seen DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (device_id, if_index)
        )
        """,
        "CREATE INDEX interface_mac ON interface(mac)",
        """
        CREATE TABLE neighbor (
            device_id BIGINT NOT NULL REFERENCES device(id) ON DELETE CASCADE,
            protocol \(t) NOT NULL,
            local_port \(t) NOT NULL,
            local_if_index BIGINT,
            remote_chassis \(t) NOT NULL,
            remote_port \(t) NOT NULL,
            remote_sys_name \(t), remote_platform \(t), remote_mgmt_address \(t),
            first_seen DOUBLE PRECISION NOT NULL, last_seen DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (device_id, protocol, local_port, remote_chassis, remote_port)
        )
        """,
        """
        CREATE TABLE fdb_entry (
            device_id BIGINT NOT NULL REFERENCES device(id) ON DELETE CASCADE,
            mac \(t) NOT NULL,
            vlan BIGINT NOT NULL,
            if_index BIGINT,
            first_seen DOUBLE PRECISION NOT NULL, last_seen DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (device_id, mac, vlan)
        )
        """,
        "CREATE INDEX fdb_entry_mac ON fdb_entry(mac)",
        """
        CREATE TABLE arp_entry (
            device_id BIGINT NOT NULL REFERENCES device(id) ON DELETE CASCADE,
            ip \(t) NOT NULL,
            mac \(t) NOT NULL,
            if_index BIGINT,
            first_seen DOUBLE PRECISION NOT NULL, last_seen DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (device_id, ip, mac)
        )
        """,
        "CREATE INDEX arp_entry_mac ON arp_entry(mac)",
        "CREATE INDEX arp_entry_ip ON arp_entry(ip)",
        """
        CREATE TABLE ip_address (
            device_id BIGINT NOT NULL REFERENCES device(id) ON DELETE CASCADE,
            address \(t) NOT NULL,
            prefix_length BIGINT,
            if_index BIGINT,
            first_seen DOUBLE PRECISION NOT NULL, last_seen DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (device_id, address)
        )
        """,
    ])

    static let sightings = PGMigration(name: "pg1-sightings", statements: [
        """
        CREATE TABLE sighting_host (
            mac \(t) NOT NULL,
            vlan BIGINT NOT NULL,
            capture_point \(t) NOT NULL,
            vendor \(t),
            pd \(t),
            first_seen DOUBLE PRECISION NOT NULL,
            last_seen DOUBLE PRECISION NOT NULL,
            frames_sampled BIGINT NOT NULL DEFAULT 0,
            PRIMARY KEY (mac, vlan, capture_point)
        )
        """,
        "CREATE INDEX sighting_host_pd ON sighting_host(pd)",
        "CREATE INDEX sighting_host_last ON sighting_host(last_seen)",
        """
        CREATE TABLE sighting_host_address (
            mac \(t) NOT NULL,
            vlan BIGINT NOT NULL,
            capture_point \(t) NOT NULL,
            address \(t) NOT NULL,
            source \(t) NOT NULL,
            first_seen DOUBLE PRECISION NOT NULL,
            last_seen DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (mac, vlan, capture_point, address, source),
            FOREIGN KEY (mac, vlan, capture_point) REFERENCES sighting_host(mac, vlan, capture_point) ON DELETE CASCADE
        )
        """,
        """
        CREATE TABLE sighting_host_name (
            mac \(t) NOT NULL,
            vlan BIGINT NOT NULL,
            capture_point \(t) NOT NULL,
            name \(t) NOT NULL,
            source \(t) NOT NULL,
            first_seen DOUBLE PRECISION NOT NULL,
            last_seen DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (mac, vlan, capture_point, name, source),
            FOREIGN KEY (mac, vlan, capture_point) REFERENCES sighting_host(mac, vlan, capture_point) ON DELETE CASCADE
        )
        """,
        """
        CREATE TABLE sighting_neighbour (
            protocol \(t) NOT NULL,
            mac \(t) NOT NULL,
            vlan BIGINT NOT NULL,
            capture_point \(t) NOT NULL,
            chassis_id \(t),
            port_id \(t),
            port_description \(t),
            system_name \(t),
            system_description \(t),
            platform \(t),
            capabilities \(t) NOT NULL DEFAULT '',
            management_addresses \(t) NOT NULL DEFAULT '',
            native_vlan BIGINT,
            pd \(t),
            first_seen DOUBLE PRECISION NOT NULL,
            last_seen DOUBLE PRECISION NOT NULL,
            announcements BIGINT NOT NULL DEFAULT 0,
            PRIMARY KEY (protocol, mac, vlan, capture_point)
        )
        """,
        """
        CREATE TABLE sighting_dhcp_server (
            server \(t) NOT NULL,
            mac \(t) NOT NULL,
            vlan BIGINT NOT NULL,
            capture_point \(t) NOT NULL,
            pd \(t),
            first_seen DOUBLE PRECISION NOT NULL,
            last_seen DOUBLE PRECISION NOT NULL,
            replies BIGINT NOT NULL DEFAULT 0,
            PRIMARY KEY (server, mac, vlan, capture_point)
        )
        """,
        // Time series: partitioned by minute (monthly partitions made on demand).
        """
        CREATE TABLE sighting_traffic (
            minute BIGINT NOT NULL,
            scope \(t) NOT NULL,
            key \(t) NOT NULL,
            capture_point \(t) NOT NULL,
            sampling_rate BIGINT NOT NULL,
            pd \(t),
            samples BIGINT NOT NULL,
            in_bytes BIGINT NOT NULL,
            out_bytes BIGINT NOT NULL,
            in_packets BIGINT NOT NULL,
            out_packets BIGINT NOT NULL,
            PRIMARY KEY (minute, scope, key, capture_point, sampling_rate)
        ) PARTITION BY RANGE (minute)
        """,
        "CREATE INDEX sighting_traffic_pd ON sighting_traffic(pd, minute)",
        """
        CREATE TABLE sighting_interface_counters (
            agent \(t) NOT NULL,
            if_index BIGINT NOT NULL,
            sampled_at DOUBLE PRECISION NOT NULL,
            capture_point \(t) NOT NULL,
            if_speed BIGINT NOT NULL,
            in_octets BIGINT NOT NULL,
            out_octets BIGINT NOT NULL,
            in_errors BIGINT NOT NULL,
            out_errors BIGINT NOT NULL,
            PRIMARY KEY (agent, if_index, sampled_at)
        ) PARTITION BY RANGE (sampled_at)
        """,
    ])

    static let governance = PGMigration(name: "pg1-governance", statements: [
        "CREATE TABLE gov_pd (code \(t) PRIMARY KEY NOT NULL, name \(t) NOT NULL, record_json \(t) NOT NULL, loaded_at DOUBLE PRECISION NOT NULL)",
        """
        CREATE TABLE gov_registry_load (
            id BIGSERIAL PRIMARY KEY, regency \(t) NOT NULL, source \(t) NOT NULL, pd_count BIGINT NOT NULL,
            loaded_at DOUBLE PRECISION NOT NULL
        )
        """,
        """
        CREATE TABLE gov_profile_activation (
            id BIGSERIAL PRIMARY KEY, profile_id \(t) NOT NULL, profile_json \(t) NOT NULL,
            activated_at DOUBLE PRECISION NOT NULL, activated_by \(t) NOT NULL
        )
        """,
        """
        CREATE TABLE gov_submission (
            id BIGSERIAL PRIMARY KEY,
            pd \(t) NOT NULL,
            version BIGINT NOT NULL,
            submitted_at DOUBLE PRECISION NOT NULL,
            submitter \(t) NOT NULL,
            sha256 \(t) NOT NULL,
            format \(t) NOT NULL,
            file_name \(t) NOT NULL,
            channel \(t) NOT NULL,
            content BYTEA NOT NULL,
            diagram_json \(t) NOT NULL,
            UNIQUE (pd, version)
        )
        """,
        """
        CREATE FUNCTION pantau_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END $$
        """,
        """
        CREATE TRIGGER gov_submission_immutable BEFORE UPDATE OR DELETE ON gov_submission
        FOR EACH ROW EXECUTE FUNCTION pantau_refuse('diagram submissions are immutable')
        """,
        """
        CREATE TABLE gov_change_report (
            id BIGSERIAL PRIMARY KEY, pd \(t) NOT NULL, from_version BIGINT NOT NULL, to_version BIGINT NOT NULL,
            recorded_at DOUBLE PRECISION NOT NULL, diff_json \(t) NOT NULL, UNIQUE (pd, to_version)
        )
        """,
        """
        CREATE TABLE gov_change_duty (
            id BIGSERIAL PRIMARY KEY, pd \(t) NOT NULL, opened_at DOUBLE PRECISION NOT NULL, reason \(t) NOT NULL,
            due_at DOUBLE PRECISION, closed_at DOUBLE PRECISION, closed_by_version BIGINT
        )
        """,
        "CREATE INDEX gov_change_duty_pd ON gov_change_duty (pd, closed_at)",
        """
        CREATE TABLE gov_token (
            id BIGSERIAL PRIMARY KEY, role \(t) NOT NULL, pd \(t), label \(t) NOT NULL, token_sha256 \(t) NOT NULL UNIQUE,
            created_at DOUBLE PRECISION NOT NULL, expires_at DOUBLE PRECISION, revoked_at DOUBLE PRECISION
        )
        """,
        """
        CREATE TABLE gov_audit (
            id BIGSERIAL PRIMARY KEY, at DOUBLE PRECISION NOT NULL, actor \(t) NOT NULL, action \(t) NOT NULL, pd \(t),
            outcome \(t) NOT NULL, detail \(t) NOT NULL
        )
        """,
    ])

    static let captureFiles = PGMigration(name: "pg1-capture-files", statements: [
        """
        CREATE TABLE capture_file (
            id BIGSERIAL PRIMARY KEY,
            capture_point \(t) NOT NULL,
            path \(t) NOT NULL,
            size BIGINT NOT NULL,
            modified DOUBLE PRECISION,
            fingerprint \(t) NOT NULL,
            fingerprint_bytes BIGINT NOT NULL,
            filter \(t),
            packets BIGINT NOT NULL DEFAULT 0,
            complete BIGINT NOT NULL DEFAULT 0,
            first_read DOUBLE PRECISION NOT NULL,
            last_read DOUBLE PRECISION NOT NULL,
            first_packet DOUBLE PRECISION,
            last_packet DOUBLE PRECISION
        )
        """,
        "CREATE INDEX capture_file_identity ON capture_file(capture_point, fingerprint_bytes, fingerprint)",
    ])

    static let traffic = PGMigration(name: "pg1-traffic", statements: [
        """
        CREATE TABLE traffic_series (
            id BIGSERIAL PRIMARY KEY,
            device \(t) NOT NULL,
            interface \(t) NOT NULL,
            if_index BIGINT,
            speed BIGINT NOT NULL DEFAULT 0,
            state \(t) NOT NULL,
            UNIQUE (device, interface)
        )
        """,
        """
        CREATE TABLE traffic_raw (
            series_id BIGINT NOT NULL REFERENCES traffic_series(id) ON DELETE CASCADE,
            end_time DOUBLE PRECISION NOT NULL,
            start_time DOUBLE PRECISION NOT NULL,
            kind \(t) NOT NULL,
            reason \(t),
            speed BIGINT NOT NULL,
            in_octets BIGINT,
            out_octets BIGINT,
            in_errors BIGINT,
            out_errors BIGINT,
            in_discards BIGINT,
            out_discards BIGINT,
            wrapped BIGINT NOT NULL DEFAULT 0,
            PRIMARY KEY (series_id, end_time)
        ) PARTITION BY RANGE (end_time)
        """,
        // Blocks: by resolution (each has its own retention), then by month of the block's start.
        """
        CREATE TABLE traffic_block (
            series_id BIGINT NOT NULL REFERENCES traffic_series(id) ON DELETE CASCADE,
            resolution BIGINT NOT NULL,
            start BIGINT NOT NULL,
            count BIGINT NOT NULL,
            last BIGINT NOT NULL,
            data BYTEA NOT NULL,
            PRIMARY KEY (series_id, resolution, start)
        ) PARTITION BY LIST (resolution)
        """,
        "CREATE TABLE traffic_block_r300 PARTITION OF traffic_block FOR VALUES IN (300) PARTITION BY RANGE (start)",
        "CREATE TABLE traffic_block_r3600 PARTITION OF traffic_block FOR VALUES IN (3600) PARTITION BY RANGE (start)",
        "CREATE TABLE traffic_block_r86400 PARTITION OF traffic_block FOR VALUES IN (86400) PARTITION BY RANGE (start)",
        "CREATE INDEX traffic_block_time ON traffic_block(resolution, start)",
    ])

    static let uptime = PGMigration(name: "pg1-uptime", statements: [
        "CREATE SEQUENCE status_poll_id",
        """
        CREATE TABLE status_poll (
            id BIGINT NOT NULL DEFAULT nextval('status_poll_id'),
            device \(t) NOT NULL,
            time DOUBLE PRECISION NOT NULL,
            interval DOUBLE PRECISION NOT NULL,
            pd \(t),
            hosting \(t),
            reachable BIGINT NOT NULL,
            sys_uptime BIGINT,
            hr_uptime BIGINT,
            engine_boots BIGINT,
            engine_time BIGINT,
            duration DOUBLE PRECISION,
            error \(t),
            PRIMARY KEY (id, time)
        ) PARTITION BY RANGE (time)
        """,
        "CREATE INDEX status_poll_device_time ON status_poll(device, time)",
        "CREATE INDEX status_poll_pd_time ON status_poll(pd, time)",
    ])

    static let findings = PGMigration(name: "pg1-findings", statements: [
        """
        CREATE TABLE finding (
            id BIGSERIAL PRIMARY KEY,
            key \(t) NOT NULL UNIQUE,
            code \(t) NOT NULL,
            pd \(t),
            status \(t) NOT NULL,
            severity \(t) NOT NULL,
            first_seen DOUBLE PRECISION NOT NULL,
            last_seen DOUBLE PRECISION NOT NULL,
            resolved_at DOUBLE PRECISION,
            finding_json \(t) NOT NULL
        )
        """,
        "CREATE INDEX finding_pd ON finding(pd, status)",
        """
        CREATE TABLE finding_action (
            id BIGSERIAL PRIMARY KEY,
            finding_id BIGINT NOT NULL REFERENCES finding(id),
            at DOUBLE PRECISION NOT NULL,
            actor \(t) NOT NULL,
            action \(t) NOT NULL,
            reason \(t)
        )
        """,
        "CREATE INDEX finding_action_finding ON finding_action(finding_id)",
        """
        CREATE TRIGGER finding_action_append_only BEFORE UPDATE OR DELETE ON finding_action
        FOR EACH ROW EXECUTE FUNCTION pantau_refuse('the finding log is append-only')
        """,
        """
        CREATE TABLE finding_suppression (
            id BIGSERIAL PRIMARY KEY,
            match \(t) NOT NULL,
            code \(t),
            pd \(t),
            created_by \(t) NOT NULL,
            created_at DOUBLE PRECISION NOT NULL,
            reason \(t) NOT NULL,
            until DOUBLE PRECISION
        )
        """,
    ])
}

import Foundation
import GRDB
import Storage
import InventoryModel

extension PantauStore {
    /// Merges a batch: first/last seen widen, counters add, descriptive fields take the
    /// latest non-empty value. One transaction, so a failure (full disk) loses nothing stored.
    /// Statements are prepared once per connection (a flush can be 100,000s of rows).
    public func record(sightings batch: SightingBatch) throws(StoreError) {
        try record(sightings: batch, alsoIn: nil)
    }

    /// `alsoIn` runs in the same transaction, after the batch (the capture-file ledger's progress).
    func record(sightings batch: SightingBatch, alsoIn extra: ((Database) throws -> Void)?) throws(StoreError) {
        guard !batch.isEmpty || extra != nil else { return }
        do {
            try writer.write { db in
                // Each statement is prepared once per batch, not looked up per row.
                let host = try db.makeStatement(sql: """
                    INSERT INTO sighting_host (mac, vlan, capture_point, vendor, pd, first_seen, last_seen, frames_sampled)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (mac, vlan, capture_point) DO UPDATE SET
                      vendor = coalesce(excluded.vendor, vendor), pd = coalesce(excluded.pd, pd),
                      first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen),
                      frames_sampled = frames_sampled + excluded.frames_sampled
                    """)
                let address = try db.makeStatement(sql: """
                    INSERT INTO sighting_host_address (mac, vlan, capture_point, address, source, first_seen, last_seen)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT DO UPDATE SET first_seen = min(first_seen, excluded.first_seen),
                      last_seen = max(last_seen, excluded.last_seen)
                    """)
                let name = try db.makeStatement(sql: """
                    INSERT INTO sighting_host_name (mac, vlan, capture_point, name, source, first_seen, last_seen)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT DO UPDATE SET first_seen = min(first_seen, excluded.first_seen),
                      last_seen = max(last_seen, excluded.last_seen)
                    """)
                let neighbour = try db.makeStatement(sql: """
                    INSERT INTO sighting_neighbour (protocol, mac, vlan, capture_point, chassis_id, port_id, port_description,
                      system_name, system_description, platform, capabilities, management_addresses, native_vlan, pd,
                      first_seen, last_seen, announcements)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (protocol, mac, vlan, capture_point) DO UPDATE SET
                      chassis_id = coalesce(excluded.chassis_id, chassis_id), port_id = coalesce(excluded.port_id, port_id),
                      port_description = coalesce(excluded.port_description, port_description),
                      system_name = coalesce(excluded.system_name, system_name),
                      system_description = coalesce(excluded.system_description, system_description),
                      platform = coalesce(excluded.platform, platform),
                      capabilities = CASE WHEN excluded.capabilities = '' THEN capabilities ELSE excluded.capabilities END,
                      management_addresses = CASE WHEN excluded.management_addresses = '' THEN management_addresses
                                             ELSE excluded.management_addresses END,
                      native_vlan = coalesce(excluded.native_vlan, native_vlan), pd = coalesce(excluded.pd, pd),
                      first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen),
                      announcements = announcements + excluded.announcements
                    """)
                let dhcpServer = try db.makeStatement(sql: """
                    INSERT INTO sighting_dhcp_server (server, mac, vlan, capture_point, pd, first_seen, last_seen, replies)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT DO UPDATE SET pd = coalesce(excluded.pd, pd), first_seen = min(first_seen, excluded.first_seen),
                      last_seen = max(last_seen, excluded.last_seen), replies = replies + excluded.replies
                    """)
                let traffic = try db.makeStatement(sql: """
                    INSERT INTO sighting_traffic (minute, scope, key, capture_point, sampling_rate, pd, samples,
                      in_bytes, out_bytes, in_packets, out_packets)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT DO UPDATE SET pd = coalesce(excluded.pd, pd), samples = samples + excluded.samples,
                      in_bytes = in_bytes + excluded.in_bytes, out_bytes = out_bytes + excluded.out_bytes,
                      in_packets = in_packets + excluded.in_packets, out_packets = out_packets + excluded.out_packets
                    """)
                let counters = try db.makeStatement(sql: """
                    INSERT OR REPLACE INTO sighting_interface_counters (agent, if_index, sampled_at, capture_point, if_speed,
                      in_octets, out_octets, in_errors, out_errors) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                // The bulk of a window: bound value by value, without an argument array per row.
                var hostRow = RowBinder(host), addressRow = RowBinder(address), nameRow = RowBinder(name)
                for h in batch.hosts {
                    let vlan = Int64(h.vlan ?? 0)
                    let mac = h.mac.description
                    hostRow.text(mac); hostRow.int(vlan); hostRow.text(h.capturePoint); hostRow.text(h.vendor); hostRow.text(h.pd)
                    hostRow.double(h.firstSeen.timeIntervalSince1970); hostRow.double(h.lastSeen.timeIntervalSince1970)
                    hostRow.int(h.framesSampled)
                    try hostRow.execute()
                    for a in h.addresses {
                        addressRow.text(mac); addressRow.int(vlan); addressRow.text(h.capturePoint); addressRow.text(a.address.description)
                        addressRow.text(a.source); addressRow.double(a.firstSeen.timeIntervalSince1970); addressRow.double(a.lastSeen.timeIntervalSince1970)
                        try addressRow.execute()
                    }
                    for n in h.names {
                        nameRow.text(mac); nameRow.int(vlan); nameRow.text(h.capturePoint); nameRow.text(n.name); nameRow.text(n.source)
                        nameRow.double(n.firstSeen.timeIntervalSince1970); nameRow.double(n.lastSeen.timeIntervalSince1970)
                        try nameRow.execute()
                    }
                }
                for n in batch.neighbours {
                    try neighbour.execute(arguments: [n.protocolName, n.mac.description, n.vlan ?? 0, n.capturePoint, n.chassisID, n.portID,
                                         n.portDescription, n.systemName, n.systemDescription, n.platform,
                                         n.capabilities.joined(separator: ","),
                                         n.managementAddresses.map(\.description).joined(separator: ","), n.nativeVLAN, n.pd,
                                         n.firstSeen.timeIntervalSince1970, n.lastSeen.timeIntervalSince1970, n.announcements])
                }
                for s in batch.dhcpServers {
                    try dhcpServer.execute(arguments: [s.server.description, s.mac.description, s.vlan ?? 0, s.capturePoint, s.pd,
                                         s.firstSeen.timeIntervalSince1970, s.lastSeen.timeIntervalSince1970, s.replies])
                }
                var trafficRow = RowBinder(traffic)
                for t in batch.traffic {
                    trafficRow.int(Int64(t.minute.timeIntervalSince1970)); trafficRow.text(t.scope.rawValue); trafficRow.text(t.key)
                    trafficRow.text(t.capturePoint); trafficRow.int(t.samplingRate); trafficRow.text(t.pd); trafficRow.int(t.samples)
                    trafficRow.int(t.inBytes); trafficRow.int(t.outBytes); trafficRow.int(t.inPackets); trafficRow.int(t.outPackets)
                    try trafficRow.execute()
                }
                for c in batch.interfaceCounters {
                    try counters.execute(arguments: [c.agent.description, c.ifIndex, c.sampledAt.timeIntervalSince1970, c.capturePoint,
                                         c.ifSpeed, c.inOctets, c.outOctets, c.inErrors, c.outErrors])
                }
                try extra?(db)
            }
        } catch {
            throw StoreError(path: location, action: "recording packet sightings", underlying: error)
        }
    }

    /// Hosts seen, ordered by MAC, VLAN and capture point, with their addresses and names.
    public func hostSightings(pd: String? = nil, vlan: Int? = nil, since: Date? = nil) throws(StoreError) -> [HostSighting] {
        try readHostSightings(pd: pd, vlan: vlan, since: since, names: true)
    }

    /// The same hosts with their addresses but without reading their names (reconciliation's read).
    public func hostSightingsWithoutNames(pd: String? = nil, vlan: Int? = nil, since: Date? = nil) throws(StoreError) -> [HostSighting] {
        try readHostSightings(pd: pd, vlan: vlan, since: since, names: false)
    }

    private func readHostSightings(pd: String?, vlan: Int?, since: Date?, names withNames: Bool) throws(StoreError) -> [HostSighting] {
        do {
            return try writer.read { db in
                var conditions: [String] = []
                var args: [any DatabaseValueConvertible] = []
                if let pd { conditions.append("pd = ?"); args.append(pd) }
                if let vlan { conditions.append("vlan = ?"); args.append(vlan) }
                if let since { conditions.append("last_seen >= ?"); args.append(since.timeIntervalSince1970) }
                let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
                // Stepped through SQLite, columns by position, text as bytes: a regency's 100,000
                // hosts are read on every reconciliation, and GRDB's boxed rows and a String per
                // text column cost more than the read (`RowStepper`).
                var made = HostSightingAssembly()
                if conditions.isEmpty { made.reserve(hosts: try Int.fetchOne(db, sql: "SELECT count(*) FROM sighting_host") ?? 0) }
                let hosts = try db.makeStatement(sql: """
                    SELECT mac, vlan, capture_point, vendor, pd, first_seen, last_seen, frames_sampled FROM sighting_host
                    \(whereClause) ORDER BY mac, vlan, capture_point
                    """)
                try hosts.setArguments(StatementArguments(args))
                try RowStepper.forEachRow(hosts) { r in
                    made.host(mac: r.text(0), vlan: r.int(1), capturePoint: r.text(2), vendor: r.optionalText(3), pd: r.optionalText(4),
                              firstSeen: r.double(5), lastSeen: r.double(6), framesSampled: r.int(7))
                }
                guard !made.isEmpty else { return [] }
                try RowStepper.forEachRow(try db.makeStatement(sql: """
                    SELECT mac, vlan, capture_point, address, source, first_seen, last_seen FROM sighting_host_address
                    ORDER BY mac, vlan, capture_point, address, source
                    """)) { r in
                    made.address(mac: r.text(0), vlan: r.int(1), capturePoint: r.text(2), address: r.text(3), source: r.text(4),
                                 firstSeen: r.double(5), lastSeen: r.double(6))
                }
                if withNames {
                    try RowStepper.forEachRow(try db.makeStatement(sql: """
                        SELECT mac, vlan, capture_point, name, source, first_seen, last_seen FROM sighting_host_name
                        ORDER BY mac, vlan, capture_point, name, source
                        """)) { r in
                        made.name(mac: r.text(0), vlan: r.int(1), capturePoint: r.text(2), name: r.text(3), source: r.text(4),
                                  firstSeen: r.double(5), lastSeen: r.double(6))
                    }
                }
                return made.finished()
            }
        } catch {
            throw StoreError(path: location, action: "reading host sightings", underlying: error)
        }
    }

    /// Neighbour announcements, ordered by protocol, MAC, VLAN, capture point.
    public func neighbourSightings(pd: String? = nil) throws(StoreError) -> [NeighbourSighting] {
        do {
            return try writer.read { db in
                let rows = try Row.fetchAll(db, sql: """
                    SELECT * FROM sighting_neighbour \(pd == nil ? "" : "WHERE pd = ?") ORDER BY protocol, mac, vlan, capture_point
                    """, arguments: pd.map { [$0] } ?? [])
                return rows.compactMap { r -> NeighbourSighting? in
                    guard let mac = MACAddress(r["mac"] as String) else { return nil }
                    let v: Int = r["vlan"]
                    let caps: String = r["capabilities"]
                    let addrs: String = r["management_addresses"]
                    return NeighbourSighting(protocolName: r["protocol"], mac: mac, vlan: v == 0 ? nil : v, capturePoint: r["capture_point"],
                                             chassisID: r["chassis_id"], portID: r["port_id"], portDescription: r["port_description"],
                                             systemName: r["system_name"], systemDescription: r["system_description"], platform: r["platform"],
                                             capabilities: caps.split(separator: ",").map(String.init),
                                             managementAddresses: addrs.split(separator: ",").compactMap { IPAddress($0) },
                                             nativeVLAN: r["native_vlan"], pd: r["pd"], firstSeen: Date(timeIntervalSince1970: r["first_seen"]),
                                             lastSeen: Date(timeIntervalSince1970: r["last_seen"]), announcements: r["announcements"])
                }
            }
        } catch {
            throw StoreError(path: location, action: "reading neighbour sightings", underlying: error)
        }
    }

    /// DHCP servers seen, ordered by VLAN, server, MAC.
    public func dhcpServerSightings(pd: String? = nil) throws(StoreError) -> [DHCPServerSighting] {
        do {
            return try writer.read { db in
                let rows = try Row.fetchAll(db, sql: """
                    SELECT * FROM sighting_dhcp_server \(pd == nil ? "" : "WHERE pd = ?") ORDER BY vlan, server, mac, capture_point
                    """, arguments: pd.map { [$0] } ?? [])
                return rows.compactMap { r -> DHCPServerSighting? in
                    guard let mac = MACAddress(r["mac"] as String), let ip = IPAddress(r["server"] as String) else { return nil }
                    let v: Int = r["vlan"]
                    return DHCPServerSighting(server: ip, mac: mac, vlan: v == 0 ? nil : v, capturePoint: r["capture_point"], pd: r["pd"],
                                              firstSeen: Date(timeIntervalSince1970: r["first_seen"]),
                                              lastSeen: Date(timeIntervalSince1970: r["last_seen"]), replies: r["replies"])
                }
            }
        } catch {
            throw StoreError(path: location, action: "reading DHCP server sightings", underlying: error)
        }
    }

    /// Per-minute estimates, ordered by minute, scope, key.
    public func trafficEstimates(scope: TrafficScope? = nil, from: Date? = nil, to: Date? = nil) throws(StoreError) -> [TrafficEstimate] {
        do {
            return try writer.read { db in
                var conditions: [String] = []
                var args: [any DatabaseValueConvertible] = []
                if let scope { conditions.append("scope = ?"); args.append(scope.rawValue) }
                if let from { conditions.append("minute >= ?"); args.append(Int64(from.timeIntervalSince1970)) }
                if let to { conditions.append("minute < ?"); args.append(Int64(to.timeIntervalSince1970)) }
                let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
                return try Row.fetchAll(db, sql: "SELECT * FROM sighting_traffic \(whereClause) ORDER BY minute, scope, key, capture_point, sampling_rate",
                                        arguments: StatementArguments(args)).map { r in
                    TrafficEstimate(minute: Date(timeIntervalSince1970: Double(r["minute"] as Int64)),
                                    scope: TrafficScope(rawValue: r["scope"]) ?? .other, key: r["key"], capturePoint: r["capture_point"],
                                    samplingRate: r["sampling_rate"], pd: r["pd"], samples: r["samples"], inBytes: r["in_bytes"],
                                    outBytes: r["out_bytes"], inPackets: r["in_packets"], outPackets: r["out_packets"])
                }
            }
        } catch {
            throw StoreError(path: location, action: "reading traffic estimates", underlying: error)
        }
    }

    /// Top talkers of one scope over [from, to): totals per key, largest first (ties by key).
    public func talkers(scope: TrafficScope, pd: String? = nil, from: Date? = nil, to: Date? = nil, limit: Int = 20) throws(StoreError) -> [TalkerTotal] {
        do {
            return try writer.read { db in
                var conditions = ["scope = ?"]
                var args: [any DatabaseValueConvertible] = [scope.rawValue]
                if let pd { conditions.append("pd = ?"); args.append(pd) }
                if let from { conditions.append("minute >= ?"); args.append(Int64(from.timeIntervalSince1970)) }
                if let to { conditions.append("minute < ?"); args.append(Int64(to.timeIntervalSince1970)) }
                args.append(limit)
                return try Row.fetchAll(db, sql: """
                    SELECT key, max(pd) AS pd, sum(in_bytes) AS ib, sum(out_bytes) AS ob, sum(in_packets) AS ip, sum(out_packets) AS op,
                      sum(samples) AS s, min(sampling_rate) AS minr, max(sampling_rate) AS maxr
                    FROM sighting_traffic WHERE \(conditions.joined(separator: " AND "))
                    GROUP BY key ORDER BY ib + ob DESC, key LIMIT ?
                    """, arguments: StatementArguments(args)).map { r in
                    TalkerTotal(scope: scope, key: r["key"], pd: r["pd"], inBytes: r["ib"], outBytes: r["ob"], inPackets: r["ip"],
                                outPackets: r["op"], samples: r["s"], minRate: r["minr"], maxRate: r["maxr"])
                }
            }
        } catch {
            throw StoreError(path: location, action: "reading top talkers", underlying: error)
        }
    }

    /// sFlow interface counter samples, ordered by agent, ifIndex, capture point, time.
    ///
    /// - Parameters:
    ///   - agent: only this agent's samples.
    ///   - from: only samples taken at or after this time.
    ///   - to: only samples taken before this time.
    public func interfaceCounterSightings(agent: IPAddress? = nil, from: Date? = nil, to: Date? = nil) throws(StoreError) -> [InterfaceCounterSighting] {
        do {
            return try writer.read { db in
                var conditions: [String] = []
                var args: [any DatabaseValueConvertible] = []
                if let agent { conditions.append("agent = ?"); args.append(agent.description) }
                if let from { conditions.append("sampled_at >= ?"); args.append(from.timeIntervalSince1970) }
                if let to { conditions.append("sampled_at < ?"); args.append(to.timeIntervalSince1970) }
                let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
                return try Row.fetchAll(db, sql: """
                    SELECT * FROM sighting_interface_counters \(whereClause) ORDER BY agent, if_index, capture_point, sampled_at
                    """, arguments: StatementArguments(args)).compactMap { r in
                    guard let ip = IPAddress(r["agent"] as String) else { return nil }
                    return InterfaceCounterSighting(agent: ip, ifIndex: r["if_index"], sampledAt: Date(timeIntervalSince1970: r["sampled_at"]),
                                                    capturePoint: r["capture_point"], ifSpeed: r["if_speed"], inOctets: r["in_octets"],
                                                    outOctets: r["out_octets"], inErrors: r["in_errors"], outErrors: r["out_errors"])
                }
            }
        } catch {
            throw StoreError(path: location, action: "reading interface counters", underlying: error)
        }
    }
}

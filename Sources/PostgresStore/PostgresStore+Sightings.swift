import Foundation
import InventoryModel
import Storage

extension PostgresStore {
    /// Merges a batch (see `PantauStore`): first/last seen widen, counters add, descriptive
    /// fields take the latest non-empty value. One transaction; rows go in multi-row statements.
    func record(sightings batch: SightingBatch, alsoIn extra: ((PGConnection) throws -> Void)?) throws(StoreError) {
        guard !batch.isEmpty || extra != nil else { return }
        try write("recording packet sightings", prepare: { c in try prepareSightings(c, batch) }) { c in
            try writeSightings(c, batch)
            try extra?(c)
        }
    }

    /// Makes the partitions a batch of sightings writes into (before its transaction).
    func prepareSightings(_ c: PGConnection, _ batch: SightingBatch) throws {
        try ensurePartitions(c, PGPartitions.sightingTraffic, times: batch.traffic.map { Double(Int64($0.minute.timeIntervalSince1970)) })
        try ensurePartitions(c, PGPartitions.interfaceCounters, times: batch.interfaceCounters.map { $0.sampledAt.timeIntervalSince1970 })
    }

    /// A batch of sightings merged into the tables, inside the caller's transaction:
    /// `record(sightings:captureFile:)` and a collector's replayed spool both write through here.
    func writeSightings(_ c: PGConnection, _ batch: SightingBatch) throws {
            // Within one statement a key may appear once: rows of one key are merged here first, as
            // the row-by-row upserts of the SQLite store would merge them.
            try insertMany(c, """
                INSERT INTO sighting_host AS t (mac, vlan, capture_point, vendor, pd, first_seen, last_seen, frames_sampled) VALUES
                """, width: 8, keyWidth: 3, """
                ON CONFLICT (mac, vlan, capture_point) DO UPDATE SET
                  vendor = coalesce(excluded.vendor, t.vendor), pd = coalesce(excluded.pd, t.pd),
                  first_seen = least(t.first_seen, excluded.first_seen), last_seen = greatest(t.last_seen, excluded.last_seen),
                  frames_sampled = t.frames_sampled + excluded.frames_sampled
                """, batch.hosts.map { h -> [any PGArgument] in
                    [h.mac.description, Int64(h.vlan ?? 0), h.capturePoint, h.vendor, h.pd, h.firstSeen.timeIntervalSince1970,
                     h.lastSeen.timeIntervalSince1970, Int64(h.framesSampled)]
                }, merge: { old, new in
                    [old[0], old[1], old[2], new[3].isNull ? old[3] : new[3], new[4].isNull ? old[4] : new[4], min(old[5], new[5]),
                     max(old[6], new[6]), old[7] + new[7]]
                })
            try insertMany(c, """
                INSERT INTO sighting_host_address AS t (mac, vlan, capture_point, address, source, first_seen, last_seen) VALUES
                """, width: 7, keyWidth: 5, """
                ON CONFLICT (mac, vlan, capture_point, address, source) DO UPDATE SET first_seen = least(t.first_seen, excluded.first_seen),
                  last_seen = greatest(t.last_seen, excluded.last_seen)
                """, batch.hosts.flatMap { h in
                    h.addresses.map { a -> [any PGArgument] in
                        [h.mac.description, Int64(h.vlan ?? 0), h.capturePoint, a.address.description, a.source,
                         a.firstSeen.timeIntervalSince1970, a.lastSeen.timeIntervalSince1970]
                    }
                }, merge: { old, new in Array(old[0..<5]) + [min(old[5], new[5]), max(old[6], new[6])] })
            try insertMany(c, """
                INSERT INTO sighting_host_name AS t (mac, vlan, capture_point, name, source, first_seen, last_seen) VALUES
                """, width: 7, keyWidth: 5, """
                ON CONFLICT (mac, vlan, capture_point, name, source) DO UPDATE SET first_seen = least(t.first_seen, excluded.first_seen),
                  last_seen = greatest(t.last_seen, excluded.last_seen)
                """, batch.hosts.flatMap { h in
                    h.names.map { n -> [any PGArgument] in
                        [h.mac.description, Int64(h.vlan ?? 0), h.capturePoint, n.name, n.source,
                         n.firstSeen.timeIntervalSince1970, n.lastSeen.timeIntervalSince1970]
                    }
                }, merge: { old, new in Array(old[0..<5]) + [min(old[5], new[5]), max(old[6], new[6])] })
            for n in batch.neighbours {
                try c.execute("""
                    INSERT INTO sighting_neighbour AS t (protocol, mac, vlan, capture_point, chassis_id, port_id, port_description,
                      system_name, system_description, platform, capabilities, management_addresses, native_vlan, pd,
                      first_seen, last_seen, announcements)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (protocol, mac, vlan, capture_point) DO UPDATE SET
                      chassis_id = coalesce(excluded.chassis_id, t.chassis_id), port_id = coalesce(excluded.port_id, t.port_id),
                      port_description = coalesce(excluded.port_description, t.port_description),
                      system_name = coalesce(excluded.system_name, t.system_name),
                      system_description = coalesce(excluded.system_description, t.system_description),
                      platform = coalesce(excluded.platform, t.platform),
                      capabilities = CASE WHEN excluded.capabilities = '' THEN t.capabilities ELSE excluded.capabilities END,
                      management_addresses = CASE WHEN excluded.management_addresses = '' THEN t.management_addresses
                                             ELSE excluded.management_addresses END,
                      native_vlan = coalesce(excluded.native_vlan, t.native_vlan), pd = coalesce(excluded.pd, t.pd),
                      first_seen = least(t.first_seen, excluded.first_seen), last_seen = greatest(t.last_seen, excluded.last_seen),
                      announcements = t.announcements + excluded.announcements
                    """, [n.protocolName, n.mac.description, Int64(n.vlan ?? 0), n.capturePoint, n.chassisID, n.portID,
                          n.portDescription, n.systemName, n.systemDescription, n.platform,
                          n.capabilities.joined(separator: ","),
                          n.managementAddresses.map(\.description).joined(separator: ","), n.nativeVLAN.map { Int64($0) }, n.pd,
                          n.firstSeen.timeIntervalSince1970, n.lastSeen.timeIntervalSince1970, Int64(n.announcements)])
            }
            for s in batch.dhcpServers {
                try c.execute("""
                    INSERT INTO sighting_dhcp_server AS t (server, mac, vlan, capture_point, pd, first_seen, last_seen, replies)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (server, mac, vlan, capture_point) DO UPDATE SET pd = coalesce(excluded.pd, t.pd),
                      first_seen = least(t.first_seen, excluded.first_seen),
                      last_seen = greatest(t.last_seen, excluded.last_seen), replies = t.replies + excluded.replies
                    """, [s.server.description, s.mac.description, Int64(s.vlan ?? 0), s.capturePoint, s.pd,
                          s.firstSeen.timeIntervalSince1970, s.lastSeen.timeIntervalSince1970, Int64(s.replies)])
            }
            try insertMany(c, """
                INSERT INTO sighting_traffic AS t (minute, scope, key, capture_point, sampling_rate, pd, samples,
                  in_bytes, out_bytes, in_packets, out_packets) VALUES
                """, width: 11, keyWidth: 5, """
                ON CONFLICT (minute, scope, key, capture_point, sampling_rate) DO UPDATE SET pd = coalesce(excluded.pd, t.pd),
                  samples = t.samples + excluded.samples,
                  in_bytes = t.in_bytes + excluded.in_bytes, out_bytes = t.out_bytes + excluded.out_bytes,
                  in_packets = t.in_packets + excluded.in_packets, out_packets = t.out_packets + excluded.out_packets
                """, batch.traffic.map { t -> [any PGArgument] in
                    [Int64(t.minute.timeIntervalSince1970), t.scope.rawValue, t.key, t.capturePoint, Int64(t.samplingRate), t.pd,
                     Int64(t.samples), Int64(t.inBytes), Int64(t.outBytes), Int64(t.inPackets), Int64(t.outPackets)]
                }, merge: { old, new in
                    Array(old[0..<5]) + [new[5].isNull ? old[5] : new[5]] + (6..<11).map { old[$0] + new[$0] }
                })
            try insertMany(c, """
                INSERT INTO sighting_interface_counters (agent, if_index, sampled_at, capture_point, if_speed,
                  in_octets, out_octets, in_errors, out_errors) VALUES
                """, width: 9, keyWidth: 3, """
                ON CONFLICT (agent, if_index, sampled_at) DO UPDATE SET capture_point = excluded.capture_point,
                  if_speed = excluded.if_speed, in_octets = excluded.in_octets, out_octets = excluded.out_octets,
                  in_errors = excluded.in_errors, out_errors = excluded.out_errors
                """, batch.interfaceCounters.map { c -> [any PGArgument] in
                    [c.agent.description, Int64(c.ifIndex), c.sampledAt.timeIntervalSince1970, c.capturePoint, Int64(c.ifSpeed),
                     Int64(clamping: c.inOctets), Int64(clamping: c.outOctets), Int64(clamping: c.inErrors), Int64(clamping: c.outErrors)]
                }, merge: { _, new in new })
    }

    /// Inserts rows in multi-row statements. Rows with the same key (the first `keyWidth`
    /// values) are merged with `merge` first, in order, as successive upserts would.
    func insertMany(_ c: PGConnection, _ head: String, width: Int, keyWidth: Int, _ tail: String, _ rows: [[any PGArgument]],
                    merge: ([PGValue], [PGValue]) -> [PGValue]) throws {
        guard !rows.isEmpty else { return }
        var order: [[PGValue]] = []
        var index: [ArraySlice<PGValue>: Int] = [:]
        for r in rows {
            let v = r.map(\.pgValue)
            let k = v[0..<keyWidth]
            if let i = index[k] { order[i] = merge(order[i], v) } else { index[k] = order.count; order.append(v) }
        }
        let per = max(1, 60_000 / width)
        let tuple = "(" + Array(repeating: "?", count: width).joined(separator: ", ") + ")"
        for start in stride(from: 0, to: order.count, by: per) {
            let chunk = order[start..<min(start + per, order.count)]
            try c.execute(head + " " + Array(repeating: tuple, count: chunk.count).joined(separator: ", ") + "\n" + tail,
                          chunk.flatMap { $0 as [any PGArgument] })
        }
    }

    public func hostSightings(pd: String? = nil, vlan: Int? = nil, since: Date? = nil) throws(StoreError) -> [HostSighting] {
        try readHostSightings(pd: pd, vlan: vlan, since: since, names: true)
    }

    /// The same hosts with their addresses but without reading their names (reconciliation's read).
    public func hostSightingsWithoutNames(pd: String? = nil, vlan: Int? = nil, since: Date? = nil) throws(StoreError) -> [HostSighting] {
        try readHostSightings(pd: pd, vlan: vlan, since: since, names: false)
    }

    private func readHostSightings(pd: String?, vlan: Int?, since: Date?, names withNames: Bool) throws(StoreError) -> [HostSighting] {
        try read("reading host sightings") { c in
            var conditions: [String] = []
            var args: [any PGArgument] = []
            if let pd { conditions.append("pd = ?"); args.append(pd) }
            if let vlan { conditions.append("vlan = ?"); args.append(vlan) }
            if let since { conditions.append("last_seen >= ?"); args.append(since.timeIntervalSince1970) }
            let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            var made = HostSightingAssembly()
            for r in try c.fetchAll("""
                SELECT mac, vlan, capture_point, vendor, pd, first_seen, last_seen, frames_sampled FROM sighting_host
                \(whereClause) ORDER BY mac, vlan, capture_point
                """, args) {
                made.host(mac: r[0], vlan: r[1], capturePoint: r[2], vendor: r[3], pd: r[4], firstSeen: r[5], lastSeen: r[6], framesSampled: r[7])
            }
            guard !made.isEmpty else { return [] }
            for r in try c.fetchAll("""
                SELECT mac, vlan, capture_point, address, source, first_seen, last_seen FROM sighting_host_address
                ORDER BY mac, vlan, capture_point, address, source
                """) {
                made.address(mac: r[0], vlan: r[1], capturePoint: r[2], address: r[3], source: r[4], firstSeen: r[5], lastSeen: r[6])
            }
            let names = withNames ? try c.fetchAll("""
                SELECT mac, vlan, capture_point, name, source, first_seen, last_seen FROM sighting_host_name
                ORDER BY mac, vlan, capture_point, name, source
                """) : []
            for r in names {
                made.name(mac: r[0], vlan: r[1], capturePoint: r[2], name: r[3], source: r[4], firstSeen: r[5], lastSeen: r[6])
            }
            return made.finished()
        }
    }

    public func neighbourSightings(pd: String? = nil) throws(StoreError) -> [NeighbourSighting] {
        try read("reading neighbour sightings") { c in
            let rows = try c.fetchAll("""
                SELECT * FROM sighting_neighbour \(pd == nil ? "" : "WHERE pd = ?") ORDER BY protocol, mac, vlan, capture_point
                """, pd.map { [$0] } ?? [])
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
    }

    public func dhcpServerSightings(pd: String? = nil) throws(StoreError) -> [DHCPServerSighting] {
        try read("reading DHCP server sightings") { c in
            let rows = try c.fetchAll("""
                SELECT * FROM sighting_dhcp_server \(pd == nil ? "" : "WHERE pd = ?") ORDER BY vlan, server, mac, capture_point
                """, pd.map { [$0] } ?? [])
            return rows.compactMap { r -> DHCPServerSighting? in
                guard let mac = MACAddress(r["mac"] as String), let ip = IPAddress(r["server"] as String) else { return nil }
                let v: Int = r["vlan"]
                return DHCPServerSighting(server: ip, mac: mac, vlan: v == 0 ? nil : v, capturePoint: r["capture_point"], pd: r["pd"],
                                          firstSeen: Date(timeIntervalSince1970: r["first_seen"]),
                                          lastSeen: Date(timeIntervalSince1970: r["last_seen"]), replies: r["replies"])
            }
        }
    }

    public func trafficEstimates(scope: TrafficScope? = nil, from: Date? = nil, to: Date? = nil) throws(StoreError) -> [TrafficEstimate] {
        try read("reading traffic estimates") { c in
            var conditions: [String] = []
            var args: [any PGArgument] = []
            if let scope { conditions.append("scope = ?"); args.append(scope.rawValue) }
            if let from { conditions.append("minute >= ?"); args.append(Int64(from.timeIntervalSince1970)) }
            if let to { conditions.append("minute < ?"); args.append(Int64(to.timeIntervalSince1970)) }
            let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try c.fetchAll("SELECT * FROM sighting_traffic \(whereClause) ORDER BY minute, scope, key, capture_point, sampling_rate",
                                  args).map { r in
                TrafficEstimate(minute: Date(timeIntervalSince1970: Double(r["minute"] as Int64)),
                                scope: TrafficScope(rawValue: r["scope"]) ?? .other, key: r["key"], capturePoint: r["capture_point"],
                                samplingRate: r["sampling_rate"], pd: r["pd"], samples: r["samples"], inBytes: r["in_bytes"],
                                outBytes: r["out_bytes"], inPackets: r["in_packets"], outPackets: r["out_packets"])
            }
        }
    }

    public func talkers(scope: TrafficScope, pd: String? = nil, from: Date? = nil, to: Date? = nil, limit: Int = 20) throws(StoreError) -> [TalkerTotal] {
        try read("reading top talkers") { c in
            var conditions = ["scope = ?"]
            var args: [any PGArgument] = [scope.rawValue]
            if let pd { conditions.append("pd = ?"); args.append(pd) }
            if let from { conditions.append("minute >= ?"); args.append(Int64(from.timeIntervalSince1970)) }
            if let to { conditions.append("minute < ?"); args.append(Int64(to.timeIntervalSince1970)) }
            args.append(limit)
            return try c.fetchAll("""
                SELECT key, max(pd) AS pd, sum(in_bytes)::bigint AS ib, sum(out_bytes)::bigint AS ob, sum(in_packets)::bigint AS ip,
                  sum(out_packets)::bigint AS op, sum(samples)::bigint AS s, min(sampling_rate) AS minr, max(sampling_rate) AS maxr
                FROM sighting_traffic WHERE \(conditions.joined(separator: " AND "))
                GROUP BY key ORDER BY sum(in_bytes) + sum(out_bytes) DESC, key LIMIT ?
                """, args).map { r in
                TalkerTotal(scope: scope, key: r["key"], pd: r["pd"], inBytes: r["ib"], outBytes: r["ob"], inPackets: r["ip"],
                            outPackets: r["op"], samples: r["s"], minRate: r["minr"], maxRate: r["maxr"])
            }
        }
    }

    public func interfaceCounterSightings(agent: IPAddress? = nil, from: Date? = nil, to: Date? = nil) throws(StoreError) -> [InterfaceCounterSighting] {
        try read("reading interface counters") { c in
            var conditions: [String] = []
            var args: [any PGArgument] = []
            if let agent { conditions.append("agent = ?"); args.append(agent.description) }
            if let from { conditions.append("sampled_at >= ?"); args.append(from.timeIntervalSince1970) }
            if let to { conditions.append("sampled_at < ?"); args.append(to.timeIntervalSince1970) }
            let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try c.fetchAll("""
                SELECT * FROM sighting_interface_counters \(whereClause) ORDER BY agent, if_index, capture_point, sampled_at
                """, args).compactMap { r in
                guard let ip = IPAddress(r["agent"] as String) else { return nil }
                return InterfaceCounterSighting(agent: ip, ifIndex: r["if_index"], sampledAt: Date(timeIntervalSince1970: r["sampled_at"]),
                                                capturePoint: r["capture_point"], ifSpeed: r["if_speed"], inOctets: r["in_octets"],
                                                outOctets: r["out_octets"], inErrors: r["in_errors"], outErrors: r["out_errors"])
            }
        }
    }
}

extension PGValue {
    var isNull: Bool { if case .null = self { true } else { false } }

    static func + (a: PGValue, b: PGValue) -> PGValue {
        switch (a, b) {
        case (.int(let x), .int(let y)): .int(x &+ y)
        case (.double(let x), .double(let y)): .double(x + y)
        default: a
        }
    }
}

func min(_ a: PGValue, _ b: PGValue) -> PGValue {
    if case .double(let x) = a, case .double(let y) = b { return .double(Swift.min(x, y)) }
    return a
}

func max(_ a: PGValue, _ b: PGValue) -> PGValue {
    if case .double(let x) = a, case .double(let y) = b { return .double(Swift.max(x, y)) }
    return a
}

import Foundation
import InventoryModel
import Storage

extension PostgresStore {
    public func trafficStateMarks(_ keys: [TrafficSeriesKey]) throws(StoreError) -> [TrafficSeriesKey: String] {
        guard !keys.isEmpty else { return [:] }
        return try read("reading traffic series") { c in
            let json = String(decoding: try JSONEncoder().encode(keys.map { [$0.device, $0.interface] }), as: UTF8.self)
            var out: [TrafficSeriesKey: String] = [:]
            for r in try c.fetchAll("""
                SELECT s.device, s.interface, s.state FROM jsonb_array_elements(CAST(? AS jsonb)) AS k(v)
                JOIN traffic_series s ON s.device = (k.v ->> 0) COLLATE "C" AND s.interface = (k.v ->> 1) COLLATE "C"
                """, [json]) {
                out[TrafficSeriesKey(device: r[0], interface: r[1])] = r[2]
            }
            return out
        }
    }

    public func trafficStates(_ keys: [TrafficSeriesKey]) throws(StoreError) -> [TrafficSeriesKey: TrafficSeriesState] {
        guard !keys.isEmpty else { return [:] }
        return try read("reading traffic series") { c in
            let json = String(decoding: try JSONEncoder().encode(keys.map { [$0.device, $0.interface] }), as: UTF8.self)
            let decoder = JSONDecoder()
            var out: [TrafficSeriesKey: TrafficSeriesState] = [:]
            for r in try c.fetchAll("""
                SELECT s.device, s.interface, s.state FROM jsonb_array_elements(CAST(? AS jsonb)) AS k(v)
                JOIN traffic_series s ON s.device = (k.v ->> 0) COLLATE "C" AND s.interface = (k.v ->> 1) COLLATE "C"
                """, [json]) {
                out[TrafficSeriesKey(device: r[0], interface: r[1])] = try decoder.decode(TrafficSeriesState.self, from: Data((r[2] as String).utf8))
            }
            return out
        }
    }
}

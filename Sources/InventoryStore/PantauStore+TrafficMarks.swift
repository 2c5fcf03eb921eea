import Foundation
import GRDB
import InventoryModel
import Storage

extension PantauStore {
    public func trafficStateMarks(_ keys: [TrafficSeriesKey]) throws(StoreError) -> [TrafficSeriesKey: String] {
        guard !keys.isEmpty else { return [:] }
        do {
            let json = String(decoding: try JSONEncoder().encode(keys.map { [$0.device, $0.interface] }), as: UTF8.self)
            return try writer.read { db in
                var out: [TrafficSeriesKey: String] = [:]
                let rows = try Row.fetchCursor(db, sql: """
                    WITH k(device, interface) AS (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?))
                    SELECT s.device, s.interface, s.state FROM k JOIN traffic_series s ON s.device = k.device AND s.interface = k.interface
                    """, arguments: [json])
                while let r = try rows.next() { out[TrafficSeriesKey(device: r[0], interface: r[1])] = r[2] }
                return out
            }
        } catch {
            throw StoreError(path: location, action: "reading traffic series", underlying: error)
        }
    }

    public func trafficStates(_ keys: [TrafficSeriesKey]) throws(StoreError) -> [TrafficSeriesKey: TrafficSeriesState] {
        guard !keys.isEmpty else { return [:] }
        do {
            let json = String(decoding: try JSONEncoder().encode(keys.map { [$0.device, $0.interface] }), as: UTF8.self)
            return try writer.read { db in
                let decoder = JSONDecoder()
                var out: [TrafficSeriesKey: TrafficSeriesState] = [:]
                let rows = try Row.fetchCursor(db, sql: """
                    WITH k(device, interface) AS (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?))
                    SELECT s.device, s.interface, s.state FROM k JOIN traffic_series s ON s.device = k.device AND s.interface = k.interface
                    """, arguments: [json])
                while let r = try rows.next() { out[TrafficSeriesKey(device: r[0], interface: r[1])] = try Self.trafficState(r[2], decoder: decoder) }
                return out
            }
        } catch {
            throw StoreError(path: location, action: "reading traffic series", underlying: error)
        }
    }
}

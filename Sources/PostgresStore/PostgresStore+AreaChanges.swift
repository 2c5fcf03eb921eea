import Storage

extension PostgresStore {
    public func areaGenerations() throws(StoreError) -> [StoreArea: Int64]? {
        try read("reading the change counters") { c in
            var out: [StoreArea: Int64] = [:]
            for r in try c.fetchAll("SELECT area, generation FROM area_change") {
                if let a = StoreArea(rawValue: r[0]) { out[a] = r[1] }
            }
            return out.count == StoreArea.allCases.count ? out : nil
        }
    }
}

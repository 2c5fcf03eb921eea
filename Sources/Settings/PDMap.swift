import InventoryModel
import YAMLSupport

/// Reads a PD map for standalone sampling:
///
/// ```yaml
/// DISKOMINFO:
///   subnets: [10.10.0.0/24, 2001:db8:10::/64]
///   vlans: [10]
/// BAPPEDA:
///   subnets: [10.20.0.0/24]
/// ```
public func loadPDMap(path: String) throws(ConfigIssues) -> [PDSegment] {
    let sink = IssueSink()
    let root = try YAMLValue.load(path: path, sink: sink)
    var out: [PDSegment] = []
    if let obj = root.object(allowing: nil) {
        for (code, value) in obj.pairs {
            guard let o = value.object(allowing: ["subnets", "vlans"]) else { continue }
            var nets: [IPNetwork] = []
            for item in o["subnets"]?.array() ?? [] {
                guard let t = item.string() else { continue }
                if let n = IPNetwork(t) { nets.append(n) } else { item.report("\"\(t)\" is not a CIDR subnet (e.g. 10.1.2.0/24)") }
            }
            var vlans: [Int] = []
            for item in o["vlans"]?.array() ?? [] {
                guard let v = item.int() else { continue }
                if (1...4094).contains(v) { vlans.append(v) } else { item.report("VLAN \(v) is not between 1 and 4094") }
            }
            if nets.isEmpty && vlans.isEmpty { value.report("PD \(code) needs subnets or vlans") }
            out.append(PDSegment(pd: code, subnets: nets, vlans: vlans))
        }
    }
    try sink.throwIfAny()
    return out
}

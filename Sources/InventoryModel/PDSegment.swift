/// Where a Perangkat Daerah (PD) lives on the network: the subnets and VLANs the PD
/// registry assigns it. Collection uses this to attribute hosts and traffic to a PD
/// without depending on the registry's file format.
public struct PDSegment: Sendable, Hashable, Codable {
    /// The PD's short code from the registry, e.g. `DISKOMINFO`, `BAPPEDA`.
    public var pd: String
    public var subnets: [IPNetwork]
    public var vlans: [Int]

    public init(pd: String, subnets: [IPNetwork], vlans: [Int]) {
        self.pd = pd
        self.subnets = subnets
        self.vlans = vlans
    }
}

extension Array where Element == PDSegment {
    /// The PD owning `ip` (most specific subnet wins), else the PD owning `vlan`.
    public func pd(for ip: IPAddress?, vlan: Int?) -> String? {
        if let ip {
            var best: (String, Int)?
            for seg in self {
                for net in seg.subnets where net.contains(ip) && net.prefixLength > (best?.1 ?? -1) {
                    best = (seg.pd, net.prefixLength)
                }
            }
            if let best { return best.0 }
        }
        if let vlan, let seg = first(where: { $0.vlans.contains(vlan) }) { return seg.pd }
        return nil
    }
}

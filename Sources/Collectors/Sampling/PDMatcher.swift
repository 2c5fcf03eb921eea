import InventoryModel
import PacketDecoding

/// Attributes addresses and VLANs to PDs on the hot path: segments compiled to integer
/// masks, most specific subnet first. The aggregator's flow cache spares most frames the lookup.
struct PDMatcher {
    struct V4Rule { var network: UInt32; var mask: UInt32; var prefix: Int; var pd: Int; var subnet: String }
    struct V6Rule { var hi: UInt64; var lo: UInt64; var maskHi: UInt64; var maskLo: UInt64; var prefix: Int; var pd: Int; var subnet: String }

    let pds: [String]
    var v4: [V4Rule] = []
    var v6: [V6Rule] = []
    var vlans: [UInt16: Int] = [:]

    init(_ segments: [PDSegment]) {
        var names: [String] = []
        for (i, seg) in segments.enumerated() {
            names.append(seg.pd)
            for net in seg.subnets {
                switch net.address {
                case .v4(let a):
                    let mask: UInt32 = net.prefixLength == 0 ? 0 : ~UInt32(0) << UInt32(32 - net.prefixLength)
                    v4.append(V4Rule(network: a & mask, mask: mask, prefix: net.prefixLength, pd: i, subnet: net.description))
                case .v6(let bytes):
                    var hi: UInt64 = 0, lo: UInt64 = 0
                    for j in 0..<8 { hi = hi << 8 | UInt64(bytes[j]) }
                    for j in 8..<16 { lo = lo << 8 | UInt64(bytes[j]) }
                    let p = net.prefixLength
                    let mHi: UInt64 = p >= 64 ? ~0 : (p == 0 ? 0 : ~UInt64(0) << UInt64(64 - p))
                    let mLo: UInt64 = p <= 64 ? 0 : (p == 128 ? ~0 : ~UInt64(0) << UInt64(128 - p))
                    v6.append(V6Rule(hi: hi & mHi, lo: lo & mLo, maskHi: mHi, maskLo: mLo, prefix: p, pd: i, subnet: net.description))
                }
            }
            for v in seg.vlans where v >= 0 && v < 4096 && vlans[UInt16(v)] == nil { vlans[UInt16(v)] = i }
        }
        pds = names
        v4.sort { $0.prefix > $1.prefix }
        v6.sort { $0.prefix > $1.prefix }
    }

    var isEmpty: Bool { pds.isEmpty }

    /// (PD index, subnet text) for an address: the most specific configured subnet, else
    /// nil PD and the address's /24 (IPv4) or /64 (IPv6).
    func classify(_ ip: IPAddr) -> (pd: Int?, subnet: SubnetKey) {
        switch ip {
        case .v4(let a):
            for r in v4 where a & r.mask == r.network { return (r.pd, SubnetKey(v4: r.network, prefix: r.prefix)) }
            return (nil, SubnetKey(v4: a & 0xffff_ff00, prefix: 24))
        case .v6(let h, let l):
            for r in v6 where h & r.maskHi == r.hi && l & r.maskLo == r.lo {
                return (r.pd, SubnetKey(v6hi: r.hi, lo: r.lo, prefix: r.prefix))
            }
            return (nil, SubnetKey(v6hi: h, lo: 0, prefix: 64))
        }
    }

    func pd(vlan: UInt16?) -> Int? { vlan.flatMap { vlans[$0] } }
}

/// A subnet as integers (hashable without allocating).
struct SubnetKey: Hashable {
    var hi: UInt64
    var lo: UInt64
    var prefix: Int16
    var v6: Bool
    init(v4: UInt32, prefix: Int) { hi = UInt64(v4); lo = 0; self.prefix = Int16(prefix); v6 = false }
    init(v6hi: UInt64, lo: UInt64, prefix: Int) { hi = v6hi; self.lo = lo; self.prefix = Int16(prefix); v6 = true }
    var description: String {
        v6 ? "\(IPAddr.v6(hi, lo))/\(prefix)" : "\(IPAddr.v4(UInt32(truncatingIfNeeded: hi)))/\(prefix)"
    }
}

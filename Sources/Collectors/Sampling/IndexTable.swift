/// An open-addressing hash index into an array the caller owns: slots hold positions in
/// that array (or -1), the caller's hash picks the first slot and the caller's comparison
/// tells a match, probing linearly. It replaces `Dictionary` on the aggregator's per-frame
/// path, where hashing a key with `Hasher` (SipHash) on every lookup was the largest single
/// cost. Entries are only added, or all removed at once (a flush), so there are no
/// tombstones. Not thread-safe.
struct IndexTable {
    private(set) var slots: ContiguousArray<Int32>
    private(set) var count = 0
    private var mask: Int

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = ContiguousArray(repeating: -1, count: size)
        mask = size - 1
    }

    /// The position whose entry `matches`, among those stored with `hash`; nil if none.
    @inline(__always) func find(_ hash: UInt64, _ matches: (Int) -> Bool) -> Int? {
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let p = slots[i]
            if p < 0 { return nil }
            if matches(Int(p)) { return Int(p) }
            i = (i + 1) & mask
        }
    }

    /// Adds `position` (not already present) under `hash`. `rehash` gives the hash of any
    /// stored position, for growing.
    @inline(__always) mutating func insert(_ position: Int, hash: UInt64, rehash: (Int) -> UInt64) {
        if (count + 1) * 2 > slots.count { grow(rehash) }
        place(Int32(position), hash)
        count += 1
    }

    @inline(__always) private mutating func place(_ position: Int32, _ hash: UInt64) {
        var i = Int(truncatingIfNeeded: hash) & mask
        while slots[i] >= 0 { i = (i + 1) & mask }
        slots[i] = position
    }

    private mutating func grow(_ rehash: (Int) -> UInt64) {
        let old = slots
        slots = ContiguousArray(repeating: -1, count: old.count * 2)
        mask = slots.count - 1
        for p in old where p >= 0 { place(p, rehash(Int(p))) }
    }

    /// Forgets every entry, keeping the table's size.
    mutating func removeAll() {
        guard count > 0 else { return }
        for i in slots.indices { slots[i] = -1 }
        count = 0
    }

    /// A well-spread 64-bit hash of one value (a multiply and a fold: cheap, not keyed).
    @inline(__always) static func mix(_ x: UInt64) -> UInt64 {
        let z = (x ^ x >> 31) &* 0x9E37_79B9_7F4A_7C15
        return z ^ z >> 29
    }
}

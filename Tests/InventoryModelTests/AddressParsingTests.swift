import InventoryTesting
import Testing

@testable import InventoryModel

/// MAC and IPv4 text are read byte by byte in their common forms (a regency's 100,000 hosts
/// are parsed on every reconciliation); these tests hold that quick path to the general,
/// character-by-character one, on chosen edge cases and on many random strings, and reading
/// the same text from its UTF-8 bytes (a store's column) gives the same value or refusal.
@Suite("address parsing: the quick paths agree with the general ones")
struct AddressParsingTests {
    /// Random strings over `alphabet`, `count` of them, of lengths in `lengths`.
    func strings(_ alphabet: String, lengths: ClosedRange<Int>, count: Int, seed: UInt64) -> [String] {
        var rng = SplitMix64(seed: seed)
        let chars = Array(alphabet)
        return (0..<count).map { _ in
            let n = Int.random(in: lengths, using: &rng)
            return String((0..<n).map { _ in chars[Int.random(in: 0..<chars.count, using: &rng)] })
        }
    }

    @Test("MAC addresses: the same value or refusal as the general parser")
    func macs() throws {
        let chosen = ["00:1b:21:3a:4f:10", "00:1B:21:3A:4F:10", "00-1b-21-3a-4f-10", "00:1b-21:3a-4f:10", "ff:ff:ff:ff:ff:ff",
                      "00:00:00:00:00:00", " 00:1b:21:3a:4f:10", "00:1b:21:3a:4f:10 ", "0:1b:21:3a:4f:10", "00:1b:21:3a:4f:1",
                      "00:1b:21:3a:4f:100", "+f:1b:21:3a:4f:10", "0g:1b:21:3a:4f:10", "00:1b:21:3a:4f:1g", "00.1b.21.3a.4f.10",
                      "001b.213a.4f10", "001b213a4f10", "00::1b:21:3a:4f", "00:1b:21:3a:4f:10:", "", "::::::::::::::::",
                      "00:1b:21:3a:4f:\u{e9}", "00:1b:21:3a:4f:１０"]
        let random = strings("0123456789abcdefABCDEFg:-.+ ", lengths: 15...19, count: 20000, seed: 17)
        // Well-formed ones, so the quick path is taken often (random strings are rarely MACs).
        var rng = SplitMix64(seed: 18)
        let formed = (0..<5000).map { _ in
            (0..<6).map { _ in
                let h = String(UInt8.random(in: 0...255, using: &rng), radix: 16, uppercase: Bool.random(using: &rng))
                return h.count == 1 ? "0" + h : h
            }.joined(separator: Bool.random(using: &rng) ? ":" : "-")
        }
        var quick = 0
        for text in chosen + random + formed {
            #expect(MACAddress(text) == MACAddress.parsed(text), "\(text)")
            #expect(Array(text.utf8).withUnsafeBufferPointer { MACAddress(utf8: $0) } == MACAddress(text), "bytes: \(text)")
            if MACAddress.colonHex(text.utf8) != nil { quick += 1 }
        }
        #expect(quick >= 5000, "the quick path was taken \(quick) times")
        #expect(MACAddress("00:1B:21:3A:4F:10")?.value == 0x001b_213a_4f10)
        #expect(MACAddress("+f:1b:21:3a:4f:10") == MACAddress.parsed("+f:1b:21:3a:4f:10"))
    }

    @Test("MAC addresses print as two lower-case hex digits per byte, colon-separated")
    func macText() {
        var rng = SplitMix64(seed: 19)
        for _ in 0..<5000 {
            let b = (0..<6).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let mac = MACAddress(b[0], b[1], b[2], b[3], b[4], b[5])
            let expected = b.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined(separator: ":")
            #expect(mac.description == expected)
            #expect(MACAddress(mac.description) == mac)
            #expect(mac.isZero == b.allSatisfy { $0 == 0 })
            #expect(mac.isBroadcast == b.allSatisfy { $0 == 0xff })
        }
        #expect(MACAddress(0, 0, 0, 0, 0, 0).isZero && MACAddress(0xff, 0xff, 0xff, 0xff, 0xff, 0xff).isBroadcast)
    }

    @Test("IP addresses: the same value or refusal as the general parser")
    func ips() {
        let chosen = ["10.1.2.3", "0.0.0.0", "255.255.255.255", "256.1.1.1", "1.2.3", "1.2.3.4.5", "01.002.003.004", "0001.2.3.4",
                      "1..2.3", ".1.2.3", "1.2.3.", "+1.2.3.4", " 10.1.2.3", "10.1.2.3 ", "10.1.2.3%eth0", "::1", "fe80::1",
                      "::ffff:10.1.2.3", "2001:db8::1", "1.2.3.4:80", "１.2.3.4", "999.999.999.999", "1.2.3.-4"]
        let random = strings("0123456789.+ :a", lengths: 5...17, count: 20000, seed: 23)
        var rng = SplitMix64(seed: 24)
        let formed = (0..<5000).map { _ in (0..<4).map { _ in String(Int.random(in: 0...299, using: &rng)) }.joined(separator: ".") }
        var quick = 0
        for text in chosen + random + formed {
            #expect(IPAddress(text) == IPAddress.parsed(text), "\(text)")
            #expect(Array(text.utf8).withUnsafeBufferPointer { IPAddress(utf8: $0) } == IPAddress(text), "bytes: \(text)")
            if IPAddress.dottedQuad(text.utf8) != nil { quick += 1 }
        }
        #expect(quick >= 2000, "the quick path was taken \(quick) times")
    }

    @Test("IPv4 text and order: dotted decimal, ordered as their bytes are")
    func ipTextAndOrder() throws {
        var rng = SplitMix64(seed: 29)
        var all: [IPAddress] = []
        for _ in 0..<3000 {
            let b = (0..<4).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let ip = try #require(IPAddress(bytes: b))
            #expect(ip.description == b.map(String.init).joined(separator: "."))
            #expect(IPAddress(ip.description) == ip)
            all.append(ip)
        }
        for _ in 0..<300 { all.append(IPAddress(bytes: (0..<16).map { _ in UInt8.random(in: 0...3, using: &rng) })!) }
        for _ in 0..<20000 {
            let a = all[Int.random(in: 0..<all.count, using: &rng)], b = all[Int.random(in: 0..<all.count, using: &rng)]
            let expected = a.isV4 != b.isV4 ? a.isV4 : a.bytes.lexicographicallyPrecedes(b.bytes)
            #expect((a < b) == expected, "\(a) < \(b)")
        }
    }
}

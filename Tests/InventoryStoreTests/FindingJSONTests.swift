import Foundation
import Governance
import InventoryTesting
import Reconciliation
import Testing

@testable import InventoryStore

/// The store reads its findings' JSON directly (`FindingJSON`); JSONDecoder reads what that
/// reader does not take. Both must give the same finding: on findings with every optional part
/// and awkward text, on the encoder's output laid out otherwise, and on text that is not a
/// finding (the reader refuses, never misreads).
@Suite("stored findings' JSON: the direct reader and JSONDecoder agree")
struct FindingJSONTests {
    /// The store's own encoding of a finding, and the decoder the direct reader stands in for.
    static let encoder = PantauStore.findingEncoder
    static let decoder = PantauStore.findingDecoder()

    func direct(_ text: String) -> Finding? { Array(text.utf8).withUnsafeBufferPointer { FindingJSON.decode($0) } }
    func decoded(_ text: String) -> Finding? { try? Self.decoder.decode(Finding.self, from: Data(text.utf8)) }

    static let awkward = ["", "plain", "quote \" and backslash \\ and slash /", "tab\tnew\nline\r", "\u{1}\u{1f} control", "Dinas – “kutip”",
                          "émoji 🛰️ and 𝄞", "\u{7f}\u{80}\u{ffff}", "{\"json\": [1, 2]}", "\\u0041 not an escape", "Kebijakan Dinas – tidak diatur dalam Perbup"]

    func findings() -> [Finding] {
        var rng = SplitMix64(seed: 53)
        func text() -> String { Self.awkward[Int.random(in: 0..<Self.awkward.count, using: &rng)] }
        func date() -> Date { Date(timeIntervalSince1970: [0, 1_796_000_000, 1_796_000_003.168, 1_793_534_400.5, -12.25, 1e-3][Int.random(in: 0...5, using: &rng)]) }
        func maybe<T>(_ v: @autoclosure () -> T) -> T? { Bool.random(using: &rng) ? v() : nil }
        return (0..<400).map { n in
            let basis: Basis = Bool.random(using: &rng) ? .dinasPolicy
                : .perbup(Citation(perbup: "Perbup Manggarai 52/2021", pasal: n % 60 + 1, ayat: maybe(n % 5), huruf: maybe(text()),
                                   strength: Strength.allCases[n % 4], line: maybe(n * 7)))
            let subject = FindingSubject(device: maybe(text()), port: maybe("Gi1/0/\(n)"), mac: maybe("00:1b:21:00:00:02"), address: maybe("10.21.0.9"),
                                         detail: maybe(text()))
            let evidence = (0..<Int.random(in: 0...3, using: &rng)).map { _ in
                Evidence(source: text(), firstSeen: maybe(date()), lastSeen: maybe(date()),
                         details: Dictionary(uniqueKeysWithValues: (0..<Int.random(in: 0...4, using: &rng)).map { ("k\($0)\(text())", text()) }))
            }
            return Finding(key: "code|PD|\(n)|\(text())", code: FindingCode(rawValue: "code-\(n % 7)"), severity: Severity.allCases[n % 3],
                           pd: maybe(text()), subject: subject, message: text(), evidence: evidence, basis: basis,
                           status: FindingStatus.allCases[n % 4], firstSeen: date(), lastSeen: date(), resolvedAt: maybe(date()),
                           acknowledgement: maybe(FindingNote(by: text(), at: date(), reason: text())),
                           suppression: maybe(FindingNote(by: "noc", at: date(), reason: text())), suppressedUntil: maybe(date()))
        }
    }

    @Test("the encoder's output is read directly, to the finding it came from")
    func roundTrip() throws {
        for f in findings() {
            let text = String(decoding: try Self.encoder.encode(f), as: UTF8.self)
            #expect(direct(text) == f, "\(text)")
            #expect(decoded(text) == f)
            // Laid out otherwise (spaces, keys in another order): the same.
            let pretty = JSONEncoder()
            pretty.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes]
            pretty.dateEncodingStrategy = .secondsSince1970
            let other = String(decoding: try pretty.encode(f), as: UTF8.self)
            #expect(direct(other) == decoded(other) && direct(other) == f, "\(other)")
        }
    }

    @Test("text that is not such a finding is refused, never misread")
    func refusals() throws {
        let good = String(decoding: try Self.encoder.encode(findings()[3]), as: UTF8.self)
        var broken = [String]()
        for cut in stride(from: 0, to: good.utf8.count, by: 7) { broken.append(String(decoding: Array(good.utf8).prefix(cut), as: UTF8.self)) }
        broken += [good + "x", good.replacingOccurrences(of: "\"status\":\"", with: "\"status\":\"x"),
                   good.replacingOccurrences(of: "\"message\":\"", with: "\"message\":1,\"m\":\""),
                   good.replacingOccurrences(of: "\"firstSeen\":", with: "\"firstSeen\":0"),
                   good.replacingOccurrences(of: "\"message\":\"", with: "\"message\":\"\\ud800"),
                   good.replacingOccurrences(of: "\"message\":\"", with: "\"message\":\"\\x"),
                   good.replacingOccurrences(of: "\"message\":\"", with: "\"message\":\"\u{1}"),
                   "{}", "[]", "null", ""]
        for text in broken {
            let d = direct(text)
            #expect(d == nil || d == decoded(text), "\(text)")
            if decoded(text) == nil { #expect(d == nil, "\(text)") }
        }
        // Keys the reader does not know are passed over, as JSONDecoder does.
        let extra = good.replacingOccurrences(of: "{\"basis\"", with: "{\"later\":{\"a\":[1,2.5e3,true,false,null,\"s\"]},\"basis\"")
        #expect(direct(extra) != nil && direct(extra) == decoded(extra))
    }
}

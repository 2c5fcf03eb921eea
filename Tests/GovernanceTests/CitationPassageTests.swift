import Foundation
import Governance
import Testing
import YAMLSupport

/// Every citation in config/profiles/ against the passage of the regulation it cites
/// (config/profiles/passages/): the strength must be the word the provision is worded with.
@Suite("Citations quote the regulation's strength exactly")
struct CitationPassageTests {
    struct Passage {
        var pasal: Int, ayat: Int?, huruf: String?, line: Int?
        var modal: String?
        var text: String?
        var whole: Bool
        var where_: String
    }

    static let modalWords = ["wajib", "harus", "dapat"]

    /// The modal words a quoted text contains, as whole words, lower-cased.
    static func modalWords(in text: String) -> Set<String> {
        let words = text.lowercased().split { !$0.isLetter }.map(String.init)
        return Set(words.filter { modalWords.contains($0) })
    }

    static func passages(_ id: String) throws -> [Passage] {
        let path = repoFile("config/profiles/passages/\(id).yaml")
        let sink = IssueSink()
        let root = try YAMLValue.load(path: path, sink: sink)
        var out: [Passage] = []
        if let o = root.object(allowing: ["profile", "file", "passages"]) {
            if o.required("profile")?.string() != id { o["profile"]?.report("expected profile \(id)") }
            _ = o.required("file")?.string()
            for p in o.required("passages")?.array() ?? [] {
                guard let m = p.object(allowing: ["pasal", "ayat", "huruf", "line", "modal", "text", "whole"]),
                      let pasal = m.required("pasal")?.int(), let modal = m.required("modal")?.string() else { continue }
                if modal != "none" && !modalWords.contains(modal) { m["modal"]?.report("modal is wajib, harus, dapat or none") }
                out.append(Passage(pasal: pasal, ayat: m["ayat"]?.int(), huruf: m["huruf"]?.string(), line: m["line"]?.int(),
                                   modal: modal == "none" ? nil : modal, text: m["text"]?.string(), whole: m["whole"]?.bool() ?? false,
                                   where_: "\(path):\(p.line)"))
            }
        }
        try sink.throwIfAny()
        return out
    }

    @Test func everyProfileCitationMatchesItsPassage() throws {
        let profiles = try RegionalProfile.loadAll(directory: repoFile("config/profiles"))
        var checked = 0
        for (id, profile) in profiles.sorted(by: { $0.key < $1.key }) {
            let passages = try Self.passages(id)
            var used = Set<Int>()
            for (place, c) in profile.citations {
                let matches = passages.indices.filter { passages[$0].pasal == c.pasal && passages[$0].ayat == c.ayat && passages[$0].huruf == c.huruf }
                guard let i = matches.first, matches.count == 1 else {
                    Issue.record("\(id) \(place): \(c) has \(matches.count) passages in config/profiles/passages/\(id).yaml, expected 1")
                    continue
                }
                used.insert(i)
                let p = passages[i]
                if let line = c.line, let pl = p.line {
                    #expect(line == pl, "\(id) \(place): \(c) cites line \(line), its passage (\(p.where_)) is on line \(pl)")
                }
                #expect(c.strength.modalWord == p.modal,
                        "\(id) \(place): \(c) is labelled \(c.strength.rawValue), the provision is worded with \(p.modal ?? "no modal word (ketentuan)") (\(p.where_))")
                checked += 1
            }
            for (i, p) in passages.enumerated() where !used.contains(i) {
                Issue.record("\(p.where_): Pasal \(p.pasal) is cited by no citation of profile \(id)")
            }
        }
        #expect(checked >= 18)
    }

    @Test func quotedTextsCarryOnlyTheirModalWord() throws {
        for id in ["batang", "lebong", "manggarai", "soppeng", "waykanan"] {
            for p in try Self.passages(id) {
                guard let text = p.text else { continue }
                let found = Self.modalWords(in: text)
                #expect(found.isSubset(of: Set([p.modal].compactMap { $0 })), "\(p.where_): the text has \(found.sorted()), the passage says \(p.modal ?? "none")")
                if p.whole, let modal = p.modal {
                    #expect(found.contains(modal), "\(p.where_): the whole provision is quoted but has no \"\(modal)\"")
                }
            }
        }
    }

    /// A profile's `quote:` (shown beside a citation where the profile has one) must be words of
    /// its passage's quoted text: each part between "…" found there as written.
    @Test func profileQuotesAreWordsOfTheirPassage() throws {
        let pattern = try NSRegularExpression(pattern: #"(basis|wan_basis): \{pasal: (\d+)(?:, ayat: (\d+))?(?:, huruf: ([a-z]))?[^}]*quote: "([^"]*)"\}"#)
        var checked = 0
        for id in ["batang", "lebong", "manggarai", "soppeng", "waykanan"] {
            let path = repoFile("config/profiles/\(id).yaml")
            let passages = try Self.passages(id)
            for (n, line) in try readText(path).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let l = String(line)
                guard let m = pattern.firstMatch(in: l, range: NSRange(l.startIndex..., in: l)) else { continue }
                func group(_ i: Int) -> String? { Range(m.range(at: i), in: l).map { String(l[$0]) } }
                let pasal = Int(group(2)!)!, ayat = group(3).flatMap(Int.init), huruf = group(4), quote = group(5)!
                let at = "\(path):\(n + 1)"
                guard let p = passages.first(where: { $0.pasal == pasal && $0.ayat == ayat && $0.huruf == huruf }) else {
                    Issue.record("\(at): no passage for Pasal \(pasal)"); continue
                }
                guard let text = p.text else { Issue.record("\(at): quotes \"\(quote)\" but \(p.where_) keeps no text"); continue }
                for part in quote.components(separatedBy: "…").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
                    #expect(text.contains(part), "\(at): \"\(part)\" is not in the passage's text (\(p.where_))")
                }
                checked += 1
            }
        }
        #expect(checked >= 11)
    }

    @Test func plainStatementsAreShownWithoutAModalWordTheTextLacks() throws {
        let batang = try profile("batang")
        #expect(batang.network.basis.description == "Perbup Batang 50/2019 Pasal 14 ayat (3) (ketentuan)")
        #expect(batang.network.basis.isMandatory)
        // The twelve plain statements the reconciliation in issue 17 found labelled wajib.
        let all = try RegionalProfile.loadAll(directory: repoFile("config/profiles"))
        var plain: [String] = []
        for (id, p) in all.sorted(by: { $0.key < $1.key }) {
            for (place, c) in p.citations where c.strength == .ketentuan {
                #expect(!c.description.contains("wajib") && !c.description.contains("dapat"))
                plain.append("\(id) \(place) P\(c.pasal)(\(c.ayat.map(String.init) ?? ""))\(c.huruf.map { "(\($0))" } ?? "")")
            }
        }
        #expect(plain == [
            "batang network P14(3)", "batang audit_infrastructure P36(2)",
            "lebong network P21(5)(a)", "lebong audit_infrastructure P48(1)", "lebong bandwidth_approval P24(4)",
            "lebong boundary_router P21(5)(a)",
            "manggarai network P14(2)(a)", "manggarai mandiri_tik P18(6)", "manggarai boundary_router P14(2)(a)",
            "manggarai tier1_contact P20(1)(a)",
            "soppeng network P21(5)", "soppeng audit_infrastructure P46(6)",
        ])
        // The Dinas's WAN duty: Manggarai P14(1) and Way Kanan P16(1), both "wajib".
        let m = try profile("manggarai"), w = try profile("waykanan")
        #expect(m.network.wanDutyBasis.description == "Perbup Manggarai 52/2021 Pasal 14 ayat (1) (wajib)")
        #expect(w.network.wanDutyBasis.description == "Perbup Way Kanan 26/2019 Pasal 16 ayat (1) (wajib)")
        #expect(w.network.basis.citation?.strength == .dapat)
        #expect(try profile("soppeng").network.wanDutyBasis == (try profile("soppeng")).network.basis)
    }

    @Test func aStrengthOutsideTheListIsRefusedWithItsLine() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var text = try readText(repoFile("config/profiles/batang.yaml"))
        text = text.replacingOccurrences(of: "strength: ketentuan, line: 263", with: "strength: plain, line: 263")
        try text.write(toFile: "\(dir)/batang.yaml", atomically: true, encoding: .utf8)
        #expect {
            try RegionalProfile.load(path: "\(dir)/batang.yaml")
        } throws: { error in
            let d = (error as? ConfigIssues)?.description ?? ""
            return d.contains("batang.yaml:19:") && d.contains("ketentuan")
        }
    }
}

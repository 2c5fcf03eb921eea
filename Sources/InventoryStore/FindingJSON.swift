import Foundation
import Governance
import Reconciliation

/// Reads a stored finding's JSON (what `saveFindings` writes) straight from its bytes.
/// Reconciliation reads every stored finding on every run (thousands in a regency), and
/// JSONDecoder spent more on that than the store's read. Anything this reader does not expect
/// (a key of the wrong type, a bad escape, a missing field) gives nil, and the caller decodes
/// the row with JSONDecoder as before: the result is the same finding either way.
enum FindingJSON {
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> Finding? {
        var r = JSONBytes(bytes)
        var key: String?, code: String?, severity: Severity?, pd: String?, subject: FindingSubject?, message: String?
        var evidence: [Evidence]?, basis: Basis?, status: FindingStatus?, firstSeen: Double?, lastSeen: Double?
        var resolvedAt: Double?, acknowledgement: FindingNote?, suppression: FindingNote?, suppressedUntil: Double?
        let ok = r.object { r, name in
            switch name {
            case "key": key = r.string(); return key != nil
            case "code": code = r.string(); return code != nil
            case "severity": severity = r.string().flatMap(Severity.init(rawValue:)); return severity != nil
            case "status": status = r.string().flatMap(FindingStatus.init(rawValue:)); return status != nil
            case "message": message = r.string(); return message != nil
            case "pd": return r.optional { pd = $0.string(); return pd != nil }
            case "firstSeen": firstSeen = r.number(); return firstSeen != nil
            case "lastSeen": lastSeen = r.number(); return lastSeen != nil
            case "resolvedAt": return r.optional { resolvedAt = $0.number(); return resolvedAt != nil }
            case "suppressedUntil": return r.optional { suppressedUntil = $0.number(); return suppressedUntil != nil }
            case "subject": subject = Self.subject(&r); return subject != nil
            case "basis": basis = Self.basis(&r); return basis != nil
            case "acknowledgement": return r.optional { acknowledgement = Self.note(&$0); return acknowledgement != nil }
            case "suppression": return r.optional { suppression = Self.note(&$0); return suppression != nil }
            case "evidence":
                var list: [Evidence] = []
                let ok = r.array { r in
                    guard let e = Self.evidence(&r) else { return false }
                    list.append(e)
                    return true
                }
                evidence = list
                return ok
            default: return r.skip()
            }
        }
        guard ok, r.atEnd, let key, let code, let severity, let subject, let message, let evidence, let basis, let status,
              let firstSeen, let lastSeen else { return nil }
        return Finding(key: key, code: FindingCode(rawValue: code), severity: severity, pd: pd, subject: subject, message: message,
                       evidence: evidence, basis: basis, status: status, firstSeen: Date(timeIntervalSince1970: firstSeen),
                       lastSeen: Date(timeIntervalSince1970: lastSeen), resolvedAt: resolvedAt.map(Date.init(timeIntervalSince1970:)),
                       acknowledgement: acknowledgement, suppression: suppression, suppressedUntil: suppressedUntil.map(Date.init(timeIntervalSince1970:)))
    }

    static func subject(_ r: inout JSONBytes) -> FindingSubject? {
        var s = FindingSubject()
        let ok = r.object { r, name in
            switch name {
            case "device": return r.optional { s.device = $0.string(); return s.device != nil }
            case "port": return r.optional { s.port = $0.string(); return s.port != nil }
            case "mac": return r.optional { s.mac = $0.string(); return s.mac != nil }
            case "address": return r.optional { s.address = $0.string(); return s.address != nil }
            case "detail": return r.optional { s.detail = $0.string(); return s.detail != nil }
            default: return r.skip()
            }
        }
        return ok ? s : nil
    }

    static func evidence(_ r: inout JSONBytes) -> Evidence? {
        var source: String?, firstSeen: Double?, lastSeen: Double?, details: [String: String]?
        let ok = r.object { r, name in
            switch name {
            case "source": source = r.string(); return source != nil
            case "firstSeen": return r.optional { firstSeen = $0.number(); return firstSeen != nil }
            case "lastSeen": return r.optional { lastSeen = $0.number(); return lastSeen != nil }
            case "details":
                var d: [String: String] = [:]
                let ok = r.object { r, k in
                    guard let v = r.string() else { return false }
                    d[k] = v
                    return true
                }
                details = d
                return ok
            default: return r.skip()
            }
        }
        guard ok, let source, let details else { return nil }
        return Evidence(source: source, firstSeen: firstSeen.map(Date.init(timeIntervalSince1970:)), lastSeen: lastSeen.map(Date.init(timeIntervalSince1970:)),
                        details: details)
    }

    static func note(_ r: inout JSONBytes) -> FindingNote? {
        var by: String?, at: Double?, reason: String?
        let ok = r.object { r, name in
            switch name {
            case "by": by = r.string(); return by != nil
            case "at": at = r.number(); return at != nil
            case "reason": reason = r.string(); return reason != nil
            default: return r.skip()
            }
        }
        guard ok, let by, let at, let reason else { return nil }
        return FindingNote(by: by, at: Date(timeIntervalSince1970: at), reason: reason)
    }

    /// `Basis`'s own reading: kind "perbup" with its citation, any other kind Dinas policy.
    static func basis(_ r: inout JSONBytes) -> Basis? {
        var kind: String?, citation: Citation?
        let ok = r.object { r, name in
            switch name {
            case "kind": kind = r.string(); return kind != nil
            case "citation": citation = Self.citation(&r); return citation != nil
            default: return r.skip()
            }
        }
        guard ok, let kind else { return nil }
        if kind == "perbup" { return citation.map { .perbup($0) } }
        return .dinasPolicy
    }

    static func citation(_ r: inout JSONBytes) -> Citation? {
        var perbup: String?, pasal: Int?, ayat: Int?, huruf: String?, strength: Strength?, line: Int?
        let ok = r.object { r, name in
            switch name {
            case "perbup": perbup = r.string(); return perbup != nil
            case "pasal": pasal = r.integer(); return pasal != nil
            case "ayat": return r.optional { ayat = $0.integer(); return ayat != nil }
            case "huruf": return r.optional { huruf = $0.string(); return huruf != nil }
            case "line": return r.optional { line = $0.integer(); return line != nil }
            case "strength": strength = r.string().flatMap(Strength.init(rawValue:)); return strength != nil
            default: return r.skip()
            }
        }
        guard ok, let perbup, let pasal, let strength else { return nil }
        return Citation(perbup: perbup, pasal: pasal, ayat: ayat, huruf: huruf, strength: strength, line: line)
    }
}

/// A strict reader of JSON text as UTF-8 bytes: objects, arrays, strings, numbers, true,
/// false, null. Every reading function returns nil or false on anything unexpected.
struct JSONBytes {
    let b: UnsafeBufferPointer<UInt8>
    var i = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { b = bytes }

    var atEnd: Bool {
        mutating get { space(); return i == b.count }
    }

    mutating func space() {
        while i < b.count, b[i] == 0x20 || b[i] == 0x0a || b[i] == 0x0d || b[i] == 0x09 { i += 1 }
    }

    mutating func take(_ c: UInt8) -> Bool {
        space()
        guard i < b.count, b[i] == c else { return false }
        i += 1
        return true
    }

    /// `{"name": value, ...}`: `member` reads each value (or fails).
    mutating func object(_ member: (inout JSONBytes, String) -> Bool) -> Bool {
        guard take(UInt8(ascii: "{")) else { return false }
        if take(UInt8(ascii: "}")) { return true }
        repeat {
            guard let name = string(), take(UInt8(ascii: ":")), member(&self, name) else { return false }
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "}"))
    }

    mutating func array(_ element: (inout JSONBytes) -> Bool) -> Bool {
        guard take(UInt8(ascii: "[")) else { return false }
        if take(UInt8(ascii: "]")) { return true }
        repeat {
            guard element(&self) else { return false }
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "]"))
    }

    /// `null` (the value stays nil), or the value `read` reads.
    mutating func optional(_ read: (inout JSONBytes) -> Bool) -> Bool {
        if literal("null") { return true }
        return read(&self)
    }

    mutating func bool() -> Bool? {
        if literal("true") { return true }
        if literal("false") { return false }
        return nil
    }

    mutating func literal(_ word: StaticString) -> Bool {
        space()
        let n = word.utf8CodeUnitCount
        guard i + n <= b.count else { return false }
        for k in 0..<n where b[i + k] != word.utf8Start[k] { return false }
        i += n
        return true
    }

    mutating func string() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = i
        while i < b.count, b[i] != UInt8(ascii: "\""), b[i] != UInt8(ascii: "\\"), b[i] >= 0x20 { i += 1 }
        guard i < b.count else { return nil }
        if b[i] == UInt8(ascii: "\"") {
            defer { i += 1 }
            return String(validating: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self)
        }
        guard b[i] == UInt8(ascii: "\\") else { return nil }  // a control character
        var out = Array(b[start..<i])
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return String(validating: out, as: UTF8.self)
            }
            guard c >= 0x20 else { return nil }
            guard c == UInt8(ascii: "\\") else { out.append(c); i += 1; continue }
            guard i + 1 < b.count else { return nil }
            let e = b[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0c)
            case UInt8(ascii: "n"): out.append(0x0a)
            case UInt8(ascii: "r"): out.append(0x0d)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                guard var scalar = hex4() else { return nil }
                if (0xd800..<0xdc00).contains(scalar) {
                    guard i + 1 < b.count, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u") else { return nil }
                    i += 2
                    guard let low = hex4(), (0xdc00..<0xe000).contains(low) else { return nil }
                    scalar = 0x10000 + ((scalar - 0xd800) << 10) + (low - 0xdc00)
                } else if (0xdc00..<0xe000).contains(scalar) {
                    return nil
                }
                guard let u = Unicode.Scalar(scalar) else { return nil }
                out.append(contentsOf: UTF8.encode(u)!)
            default: return nil
            }
        }
        return nil
    }

    private mutating func hex4() -> UInt32? {
        guard i + 4 <= b.count else { return nil }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = b[i]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: return nil
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    /// A JSON number (its grammar checked), as the Double it denotes.
    mutating func number() -> Double? {
        space()
        let start = i
        guard wholePart() else { return nil }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { return nil }
        }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { return nil }
        }
        return Double(String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self))
    }

    /// A number written as a plain integer (what the encoder writes for an Int).
    mutating func integer() -> Int? {
        space()
        let start = i
        guard wholePart(), i - start <= 18 else { return nil }
        if i < b.count, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") { return nil }
        return Int(String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self))
    }

    /// An optional minus and digits, with no leading zero (JSON's grammar).
    private mutating func wholePart() -> Bool {
        if i < b.count, b[i] == UInt8(ascii: "-") { i += 1 }
        let first = i
        let n = digits()
        return n == 1 || (n > 1 && b[first] != UInt8(ascii: "0"))
    }

    private mutating func digits() -> Int {
        let start = i
        while i < b.count, b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") { i += 1 }
        return i - start
    }

    /// Any value, read and dropped.
    mutating func skip() -> Bool {
        space()
        guard i < b.count else { return false }
        switch b[i] {
        case UInt8(ascii: "{"): return object { r, _ in r.skip() }
        case UInt8(ascii: "["): return array { $0.skip() }
        case UInt8(ascii: "\""): return string() != nil
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        default: return number() != nil
        }
    }
}

import InventoryModel
import SNMPCore

/// A field value after conversion, before it is stored in the inventory's typed fields.
enum FieldValue: Sendable, Equatable {
    case text(String)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case bool(Bool)
    case list([String])

    var text: String? {
        switch self {
        case .text(let s): s
        case .int(let v): String(v)
        case .uint(let v): String(v)
        case .double(let d): d == d.rounded() && abs(d) < 1e18 ? String(Int64(d)) : String(d)
        case .bool(let b): String(b)
        case .list(let l): l.joined(separator: ",")
        }
    }

    var int64: Int64? {
        switch self {
        case .int(let v): v
        case .uint(let v): v <= UInt64(Int64.max) ? Int64(v) : nil
        case .double(let d): d.isFinite && abs(d) < 9e18 ? Int64(d.rounded()) : nil
        case .text(let s): Int64(s.trimmingCharacters(in: .whitespaces))
        case .bool(let b): b ? 1 : 0
        case .list: nil
        }
    }

    var uint64: UInt64? {
        switch self {
        case .uint(let v): v
        case .int(let v): v >= 0 ? UInt64(v) : nil
        case .double(let d): d.isFinite && d >= 0 && d < 1.8e19 ? UInt64(d.rounded()) : nil
        case .text(let s): UInt64(s.trimmingCharacters(in: .whitespaces))
        case .bool(let b): b ? 1 : 0
        case .list: nil
        }
    }

    var double: Double? {
        switch self {
        case .double(let d): d
        case .int(let v): Double(v)
        case .uint(let v): Double(v)
        case .text(let s): Double(s.trimmingCharacters(in: .whitespaces))
        default: nil
        }
    }

    var isZeroOrEmpty: Bool {
        switch self {
        case .text(let s): s.isEmpty
        case .int(let v): v == 0
        case .uint(let v): v == 0
        case .double(let d): d == 0
        case .bool: false
        case .list(let l): l.isEmpty
        }
    }
}

import Foundation

enum Convert {
    /// Text of a raw value, trimmed; nil for exceptions and NULL.
    static func text(_ v: SNMPValue) -> String? {
        if case .ipAddress(let b) = v, b.count != 4 { return IPAddress(bytes: b)?.description }
        guard let t = v.text else { return nil }
        return t.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "\0")))
    }

    /// A key for comparing raw values in lookups: numbers in decimal, printable text as is,
    /// other bytes as hex.
    static func key(_ v: SNMPValue) -> String? {
        switch v {
        case .octets(let b), .opaque(let b):
            if b.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) { return String(decoding: b, as: UTF8.self) }
            return hex(b)
        default: return text(v)
        }
    }

    static func hex(_ b: [UInt8]) -> String {
        b.map { let h = String($0, radix: 16); return h.count == 1 ? "0" + h : h }.joined()
    }

    static func isPrintable(_ b: [UInt8]) -> Bool {
        !b.isEmpty && b.allSatisfy { ($0 >= 0x20 && $0 < 0x7f) || $0 == 0x09 || $0 == 0x0a || $0 == 0x0d }
    }

    static func apply(_ conversion: Conversion?, _ v: SNMPValue, enums: [String: EnumTable], enumName: String?) -> FieldValue? {
        if v.isException || v == .null { return nil }
        switch conversion {
        case nil:
            switch v {
            case .integer(let i): return .int(i)
            case .counter32, .gauge32, .timeticks, .counter64: return v.uint64.map { .uint($0) }
            case .ipAddress(let b): return IPAddress(bytes: b).map { .text($0.description) }
            default: return text(v).map { .text($0) }
            }
        case .string:
            return text(v).map { .text($0) }
        case .number:
            guard let t = text(v) else { return nil }
            if let i = Int64(t) { return .int(i) }
            if let d = Double(t) { return .double(d) }
            return nil
        case .int:
            if let i = v.int64 { return .int(i) }
            return text(v).flatMap { Int64($0) }.map { .int($0) }
        case .uint, .timeticks:
            if let u = v.uint64 { return .uint(u) }
            return text(v).flatMap { UInt64($0) }.map { .uint($0) }
        case .oid:
            if case .oid(let o) = v { return .text(o.description) }
            return text(v).map { .text($0) }
        case .truth:
            switch v.int64 {
            case 1: return .bool(true)
            case 2: return .bool(false)
            default: return nil
            }
        case .hex:
            guard let b = v.bytes else { return text(v).map { .text($0) } }
            return .text(hex(b))
        case .mac:
            if let b = v.bytes, b.count == 6, let m = MACAddress(bytes: b) { return .text(m.description) }
            if let t = text(v), let m = MACAddress(t) { return .text(m.description) }
            return nil
        case .ip:
            if let b = v.bytes, let ip = IPAddress(bytes: b) { return .text(ip.description) }
            if let t = text(v), let ip = IPAddress(t) { return .text(ip.description) }
            return nil
        case .prefix:
            guard let b = v.bytes, b.count == 4 || b.count == 16 else { return nil }
            var n = 0
            for byte in b { n += byte.nonzeroBitCount }
            return .int(Int64(n))
        case .enum:
            let k: String?
            switch v {
            case .oid(let o): k = o.description
            default: k = v.int64.map(String.init) ?? text(v)
            }
            guard let k else { return nil }
            return .text(enumName.flatMap { enums[$0]?.values[k] } ?? k)
        case .bits:
            guard let b = v.bytes else { return nil }
            var names: [String] = []
            for (i, byte) in b.enumerated() {
                for bit in 0..<8 where byte & (0x80 >> UInt8(bit)) != 0 {
                    let n = String(i * 8 + bit)
                    names.append(enumName.flatMap { enums[$0]?.values[n] } ?? n)
                }
            }
            return .list(names)
        case .identifier:
            guard let b = v.bytes else { return text(v).map { .text($0) } }
            var body = b
            while body.last == 0 { body.removeLast() }
            if isPrintable(body) {
                let t = String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespaces)
                // Agents that send a MAC as text ("20:67:7C:97:A3:48") get Pantau's one MAC form.
                if t.count >= 12, t.count <= 17, let m = MACAddress(t) { return .text(m.description) }
                return .text(t)
            }
            if body.count == 6, let m = MACAddress(bytes: body) { return .text(m.description) }
            // LLDP networkAddress: IANA address family byte then the address.
            if body.count == 5, body[0] == 1, let ip = IPAddress(bytes: body.dropFirst()) { return .text(ip.description) }
            if body.count == 17, body[0] == 2, let ip = IPAddress(bytes: body.dropFirst()) { return .text(ip.description) }
            if body.isEmpty { return nil }
            return .text(hex(body))
        }
    }
}

/// Decodes a row index (sub-identifiers after a column OID) into named parts.
enum IndexDecoder {
    static func decode(_ subids: [UInt32], parts: [IndexPart]) -> [String: SNMPValue]? {
        var out: [String: SNMPValue] = [:]
        var i = 0
        func bytes(_ n: Int) -> [UInt8]? {
            guard n >= 0, i + n <= subids.count else { return nil }
            let slice = subids[i..<(i + n)]
            guard slice.allSatisfy({ $0 <= 255 }) else { return nil }
            i += n
            return slice.map { UInt8($0) }
        }
        for p in parts {
            switch p.kind {
            case .int:
                guard i < subids.count else { return nil }
                out[p.name] = .integer(Int64(subids[i]))
                i += 1
            case .mac:
                guard let b = bytes(6) else { return nil }
                out[p.name] = .octets(b)
            case .ip4:
                guard let b = bytes(4) else { return nil }
                out[p.name] = .ipAddress(b)
            case .octets:
                guard i < subids.count else { return nil }
                let n = Int(subids[i])
                i += 1
                guard let b = bytes(n) else { return nil }
                out[p.name] = .octets(b)
            case .implied:
                guard let b = bytes(subids.count - i) else { return nil }
                out[p.name] = .octets(b)
            case .rest:
                out[p.name] = .oid(OID(Array(subids[i...])))
                i = subids.count
            }
        }
        // A well-formed index is consumed exactly; an empty spec accepts anything.
        if !parts.isEmpty && i != subids.count { return nil }
        return out
    }
}

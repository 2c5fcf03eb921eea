import Foundation

/// The two kinds of form body the portal's pages post.
enum FormBody {
    /// `application/x-www-form-urlencoded`: the fields, first value of each name.
    static func urlEncoded(_ bytes: [UInt8]) -> [String: String] {
        var out: [String: String] = [:]
        for pair in bytes.split(separator: UInt8(ascii: "&")) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]) else { continue }
            let value = parts.count > 1 ? decode(parts[1]) ?? "" : ""
            if out[name] == nil { out[name] = value }
        }
        return out
    }

    private static func decode(_ part: ArraySlice<UInt8>) -> String? {
        let plus = part.map { $0 == UInt8(ascii: "+") ? UInt8(ascii: " ") : $0 }
        return String(decoding: plus, as: UTF8.self).removingPercentEncoding
    }

    /// One part of a `multipart/form-data` body.
    struct Part {
        var name: String
        var fileName: String?
        var data: ArraySlice<UInt8>
    }

    /// The boundary of a `multipart/form-data` content type, or nil.
    static func boundary(contentType: String?) -> String? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for param in contentType.split(separator: ";").dropFirst() {
            let kv = param.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 2, kv[0].lowercased() == "boundary" {
                let b = kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return (1...70).contains(b.count) ? b : nil
            }
        }
        return nil
    }

    /// The parts of a `multipart/form-data` body (RFC 7578), or nil when it is malformed.
    static func multipart(_ body: [UInt8], boundary: String) -> [Part]? {
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [Part] = []
        guard var start = find(delimiter, in: body, from: 0) else { return nil }
        start += delimiter.count
        while true {
            // After a delimiter: "--" ends the body, CRLF starts a part.
            if body.count >= start + 2, body[start] == UInt8(ascii: "-"), body[start + 1] == UInt8(ascii: "-") { return parts }
            guard body.count >= start + 2, body[start] == 13, body[start + 1] == 10 else { return nil }
            let headStart = start + 2
            guard let headEnd = find([13, 10, 13, 10], in: body, from: headStart) else { return nil }
            let head = String(decoding: body[headStart..<headEnd], as: UTF8.self)
            let dataStart = headEnd + 4
            guard let next = find([13, 10] + delimiter, in: body, from: dataStart) else { return nil }
            var name: String?
            var fileName: String?
            for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
                name = parameter("name", in: String(line))
                fileName = parameter("filename", in: String(line))
            }
            if let name { parts.append(Part(name: name, fileName: fileName, data: body[dataStart..<next])) }
            start = next + 2 + delimiter.count
            if parts.count > 20 { return nil }
        }
    }

    private static func parameter(_ key: String, in line: String) -> String? {
        for item in line.split(separator: ";").dropFirst() {
            let kv = item.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[0].trimmingCharacters(in: .whitespaces).lowercased() == key else { continue }
            var v = kv[1].trimmingCharacters(in: .whitespaces)
            if v.hasPrefix("\""), v.hasSuffix("\""), v.count >= 2 { v = String(v.dropFirst().dropLast()) }
            return v
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, hay.count >= needle.count else { return nil }
        let first = needle[0]
        var i = from
        let last = hay.count - needle.count
        while i <= last {
            if hay[i] == first {
                var j = 1
                while j < needle.count && hay[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}

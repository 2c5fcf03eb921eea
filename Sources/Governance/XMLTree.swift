import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed XML element (enough of XML for draw.io files).
struct XMLElement {
    var name: String
    var attributes: [String: String]
    var children: [XMLElement] = []
    var text: String = ""

    func attr(_ key: String) -> String? { attributes[key] }
    /// This element and all below it.
    var elementCount: Int { 1 + children.reduce(0) { $0 + $1.elementCount } }
    func child(_ name: String) -> XMLElement? { children.first { $0.name == name } }
}

/// XML could not be accepted.
public struct XMLInputError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// The input went over a size or work limit (not malformed): an HTTP front end answers 413.
    public var limitExceeded: Bool
    public init(message: String, limitExceeded: Bool = false) {
        self.message = message
        self.limitExceeded = limitExceeded
    }
    public var description: String { message }
}

enum XMLTree {
    /// Parses XML into a tree. Any document type declaration is refused *before* parsing,
    /// so entity expansion ("billion laughs") and external entities cannot happen; element
    /// count and depth are bounded.
    static func parse(_ bytes: [UInt8], what: String, maxElements: Int = 200_000, maxDepth: Int = 64) throws(XMLInputError) -> XMLElement {
        // Only UTF-8 is accepted, so the byte scan below sees what the parser will see
        // (a UTF-16 or UTF-7 document could otherwise hide a DOCTYPE from it).
        if bytes.contains(0) || String(validating: bytes, as: UTF8.self) == nil {
            throw XMLInputError(message: "\(what): XML must be UTF-8 text (diagrams.net saves UTF-8)")
        }
        if let encoding = declaredEncoding(bytes), !["utf-8", "utf8"].contains(encoding.lowercased()) {
            throw XMLInputError(message: "\(what): XML declares encoding \"\(encoding)\"; only UTF-8 is accepted")
        }
        if containsDeclaration(bytes) {
            throw XMLInputError(message: "\(what): XML with a DOCTYPE or ENTITY declaration is refused (draw.io files never contain one)")
        }
        let builder = TreeBuilder(maxElements: maxElements, maxDepth: maxDepth)
        let parser = XMLParser(data: Data(bytes))
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        parser.delegate = builder
        let ok = parser.parse()
        if let limit = builder.limitError { throw XMLInputError(message: "\(what): \(limit)", limitExceeded: true) }
        guard ok, let root = builder.root else {
            let line = parser.lineNumber
            let why = parser.parserError.map { "\($0.localizedDescription)" } ?? "not well-formed XML"
            throw XMLInputError(message: "\(what): broken XML near line \(line): \(why)")
        }
        return root
    }

    /// The `encoding` of a leading `<?xml … ?>` declaration, if any.
    static func declaredEncoding(_ bytes: [UInt8]) -> String? {
        var text = String(decoding: bytes.prefix(256), as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        guard text.hasPrefix("<?xml"), let end = text.range(of: "?>") else { return nil }
        let decl = text[..<end.lowerBound]
        guard let r = decl.range(of: "encoding") else { return nil }
        let rest = decl[r.upperBound...].drop { $0 == " " || $0 == "=" }
        guard let q = rest.first, q == "\"" || q == "'" else { return nil }
        return String(rest.dropFirst().prefix { $0 != q })
    }

    /// True when the bytes contain `<!DOCTYPE` or `<!ENTITY` in any letter case.
    static func containsDeclaration(_ bytes: [UInt8]) -> Bool {
        let patterns: [[UInt8]] = [Array("<!doctype".utf8), Array("<!entity".utf8)]
        guard bytes.count >= 8 else { return false }
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "<"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "!") {
                for p in patterns where i + p.count <= bytes.count {
                    var match = true
                    for k in 0..<p.count {
                        var b = bytes[i + k]
                        if b >= 65 && b <= 90 { b += 32 }
                        if b != p[k] { match = false; break }
                    }
                    if match { return true }
                }
            }
            i += 1
        }
        return false
    }
}

private final class TreeBuilder: NSObject, XMLParserDelegate {
    var stack: [XMLElement] = []
    var root: XMLElement?
    var count = 0
    let maxElements: Int
    let maxDepth: Int
    var limitError: String?

    init(maxElements: Int, maxDepth: Int) {
        self.maxElements = maxElements
        self.maxDepth = maxDepth
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        count += 1
        if count > maxElements || stack.count >= maxDepth {
            limitError = count > maxElements ? "more than \(maxElements) XML elements" : "XML nested deeper than \(maxDepth) levels"
            parser.abortParsing()
            return
        }
        stack.append(XMLElement(name: elementName, attributes: attributes))
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        guard let done = stack.popLast() else { return }
        if stack.isEmpty { root = done } else { stack[stack.count - 1].children.append(done) }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !stack.isEmpty else { return }
        if stack[stack.count - 1].text.utf8.count < 64 * 1024 * 1024 { stack[stack.count - 1].text += string }
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, foundInternalEntityDeclarationWithName name: String, value: String?) {
        // Never reached (declarations are refused before parsing); abort as a second line of defence.
        limitError = "entity declarations are refused"
        parser.abortParsing()
    }
}

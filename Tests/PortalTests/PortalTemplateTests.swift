import Foundation
import Mustache
import Testing
@testable import Portal

/// The portal's words and templates as files: both languages complete, every value escaped.
@Suite("Portal templates and texts")
struct PortalTemplateTests {
    @Test func bothLanguagesHaveTheSameKeys() {
        #expect(Set(PortalTexts.id.keys) == Set(PortalTexts.en.keys))
        #expect(PortalTexts.id.values.allSatisfy { !$0.isEmpty } && PortalTexts.en.values.allSatisfy { !$0.isEmpty })
    }

    /// `{{{x}}}` and `{{&x}}` print a value unescaped: no template may use them, and none may
    /// carry inline script or inline style (the Content-Security-Policy forbids both).
    @Test func templatesEscapeEveryValueAndHaveNoInlineScriptOrStyle() throws {
        for (name, bytes) in PortalTemplateFiles.templates {
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(!text.contains("{{{") && !text.contains("{{&"), "\(name) prints a value unescaped")
            #expect(!text.lowercased().contains("<script") && !text.contains("style=") && !text.lowercased().contains("<style"), "\(name)")
            #expect(text.range(of: #"\son[a-z]+\s*="#, options: .regularExpression) == nil, "\(name) has an event handler")
        }
        let html = try PortalTemplateFiles.library().render(["title": "<b>x</b>\"'&", "t": ["app": "A"], "lang": "id", "message": "<script>alert(1)</script>"],
                                                              withTemplate: "error") ?? ""
        #expect(html.contains("&lt;b&gt;x&lt;/b&gt;&quot;&#39;&amp;"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !html.contains("<script>"))
    }

    @Test func acceptLanguagePicksEnglishOnlyWhenRankedAboveIndonesian() {
        #expect(Portal.preferred(acceptLanguage: "en-US,en;q=0.9") == .en)
        #expect(Portal.preferred(acceptLanguage: "id-ID,id;q=0.9,en;q=0.8") == .id)
        #expect(Portal.preferred(acceptLanguage: "en;q=0.5,id;q=0.9") == .id)
        #expect(Portal.preferred(acceptLanguage: "fr") == .id)
    }

    @Test func multipartFormsAreReadAndMalformedOnesRefused() {
        let body = Array("--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a b.drawio\"\r\nContent-Type: application/octet-stream\r\n\r\n<mxfile>\r\n--x</mxfile>\r\n--XyZ--\r\n".utf8)
        let parts = FormBody.multipart(body, boundary: "XyZ")
        #expect(parts?.count == 2)
        #expect(parts?.first.map { String(decoding: $0.data, as: UTF8.self) } == "abc")
        #expect(parts?.last?.fileName == "a b.drawio")
        #expect(parts?.last.map { String(decoding: $0.data, as: UTF8.self) } == "<mxfile>\r\n--x</mxfile>")
        #expect(FormBody.multipart(Array("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end".utf8), boundary: "XyZ") == nil)
        #expect(FormBody.boundary(contentType: "multipart/form-data; boundary=----WebKitFormBoundaryabc") == "----WebKitFormBoundaryabc")
        #expect(FormBody.urlEncoded(Array("csrf=a%2Bb&by=Maria+Goreti&by=x".utf8)) == ["csrf": "a+b", "by": "Maria Goreti"])
    }
}

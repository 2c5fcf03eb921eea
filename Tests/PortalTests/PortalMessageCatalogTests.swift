import Governance
import Testing
@testable import Portal

/// The portal's message catalog: every code the diagram checks can report has its words in
/// both languages, naming exactly the code's parameters.
@Suite("Portal message catalog")
struct PortalMessageCatalogTests {
    /// Values a page fills in itself (the profile's Dinas), beside a code's parameters.
    static let pageValues: Set<String> = ["dinas"]

    @Test func everyDiagramCheckCodeHasBothLanguagesWithItsParameters() {
        for code in DiagramIssueCode.allCases {
            let m = DiagramMessages.message(code)
            for lang in PortalLanguage.allCases {
                let (text, todo) = (m.text(lang), m.todo(lang))
                #expect(!text.isEmpty && !todo.isEmpty, "\(code.rawValue) has no \(lang.rawValue) words")
                let named = Set(MessageTemplate.placeholders(text + " " + todo))
                #expect(named.subtracting(Self.pageValues) == Set(code.parameters),
                        "\(code.rawValue) in \(lang.rawValue) names \(named.sorted()), the code carries \(code.parameters)")
                // A message names what it is about: every parameter but the long lists appears in the sentence itself.
                let inText = Set(MessageTemplate.placeholders(text))
                #expect(Set(code.parameters).subtracting(["allowed"]).isSubset(of: inText), "\(code.rawValue) in \(lang.rawValue): \(text)")
                let values = Dictionary(uniqueKeysWithValues: (code.parameters + Self.pageValues).map { ($0, "«\($0)»") })
                let filled = MessageTemplate.fill(text, values)
                #expect(filled != nil && filled?.contains("{") == false, "\(code.rawValue): \(filled ?? text)")
            }
            #expect(m.id != m.en && m.idTodo != m.enTodo, "\(code.rawValue): the Indonesian is the English")
        }
    }

    @Test func aMissingParameterIsNotFilledIn() {
        #expect(MessageTemplate.fill("Perangkat “{device}”.", ["device": "SW-Lt2"]) == "Perangkat “SW-Lt2”.")
        #expect(MessageTemplate.fill("Perangkat “{device}”.", [:]) == nil)
        #expect(MessageTemplate.placeholders("{a} dan {b}, lalu {a}") == ["a", "b"])
    }
}

import InventoryModel
import Testing

@Suite struct TerminalTextTests {
    @Test func controlCharactersBecomeVisibleEscapes() {
        #expect("Eve\u{1B}]0;PWNED\u{07}\u{1B}[2J\nFAKE LINE".terminalSafe == "Eve\\e]0;PWNED\\x07\\e[2J\\nFAKE LINE")
        #expect("a\tb\r\nc\u{7F}\u{9B}d".terminalSafe == "a\\tb\\r\\nc\\x7f\\x9bd")
        #expect("admin\u{202E}fdp.exe".terminalSafe == "admin\\u{202e}fdp.exe")
        #expect("\u{0}".terminalSafe == "\\x00")
    }

    @Test func ordinaryTextIsUnchanged() {
        for text in ["core-sw1", "Kantor Bappeda — lantai 2", "C:\\Windows", "日本語", "RB4011iGS+ 7.14.3 (stable)", ""] {
            #expect(text.terminalSafe == text)
        }
    }
}

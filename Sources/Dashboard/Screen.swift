import InventoryModel

/// How a cell is drawn. Colour is a hint: a monochrome terminal (or `NO_COLOR`) draws the
/// same frame with bold and reverse only.
public struct CellStyle: Hashable, Sendable {
    public var bold = false
    public var reverse = false
    public var dim = false
    public var color: TermColor?

    public init(bold: Bool = false, reverse: Bool = false, dim: Bool = false, color: TermColor? = nil) {
        self.bold = bold; self.reverse = reverse; self.dim = dim; self.color = color
    }
    public static let plain = CellStyle()
}

/// The eight ANSI colours the dashboard uses (SGR 30+n).
public enum TermColor: UInt8, Sendable, Hashable {
    case red = 1, green = 2, yellow = 3, blue = 4, magenta = 5, cyan = 6
}

/// One character cell: a grapheme and its style. A wide grapheme (CJK, emoji) fills its cell
/// and the next, which holds the empty continuation text "".
public struct Cell: Hashable, Sendable {
    public var text: String
    public var style: CellStyle
    public init(_ text: String = " ", style: CellStyle = .plain) { self.text = text; self.style = style }
    public static let blank = Cell()
}

/// A frame: width × height cells. What the renderer makes, what the diffing writer compares,
/// and what `pantau dashboard --once` prints as plain text.
public struct Screen: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]
    /// Draw only ASCII (a `LANG=C` or `TERM=linux` console): other graphemes become "?".
    public let ascii: Bool

    public init(width: Int, height: Int, ascii: Bool = false) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.ascii = ascii
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(row: Int, col: Int) -> Cell { cells[row * width + col] }

    /// Writes `text` at (row, col), clipped to `limit` columns and the screen's edge; returns
    /// the columns used. Every text passes `terminalSafe` here, so no control character from a
    /// device name or a diagram field ever reaches a cell.
    @discardableResult
    public mutating func put(_ text: String, row: Int, col: Int, limit: Int? = nil, style: CellStyle = .plain) -> Int {
        guard row >= 0, row < height, col >= 0, col < width else { return 0 }
        let end = min(width, col + (limit ?? width))
        var c = col
        for ch in text.terminalSafe {
            var g = String(ch)
            var w = Screen.displayWidth(ch)
            if ascii && !(ch.isASCII) { g = "?"; w = 1 }
            if c + w > end { break }
            cells[row * width + c] = Cell(g, style: style)
            if w == 2 { cells[row * width + c + 1] = Cell("", style: style) }
            c += w
        }
        return c - col
    }

    /// Gives every cell of a span a style (a selected row, a title bar), keeping its text.
    public mutating func paint(row: Int, from col: Int = 0, count: Int? = nil, style: CellStyle) {
        guard row >= 0, row < height else { return }
        let end = min(width, col + (count ?? width))
        for c in max(0, col)..<max(max(0, col), end) { cells[row * width + c].style = style }
    }

    /// The frame as plain text lines, trailing blanks trimmed.
    public var lines: [String] {
        (0..<height).map { r in
            var line = ""
            for c in 0..<width { line += cells[r * width + c].text }
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    public var text: String { lines.joined(separator: "\n") + "\n" }

    /// Columns a grapheme takes on a terminal: 2 for East Asian wide and emoji, else 1.
    public static func displayWidth(_ ch: Character) -> Int {
        guard let s = ch.unicodeScalars.first?.value else { return 1 }
        switch s {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
             0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD: return 2
        default: return 1
        }
    }

    /// Columns a text takes once made safe.
    public static func displayWidth(_ text: String) -> Int { text.terminalSafe.reduce(0) { $0 + displayWidth($1) } }
}

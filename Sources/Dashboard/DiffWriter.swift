/// Turns frames into terminal output, writing only the cells that changed since the last
/// frame (cursor moves, SGR styles and text). Nothing is written when nothing changed, which
/// matters over a slow SSH link. Pure: the terminal I/O writes what it returns.
public struct DiffWriter: Sendable {
    public private(set) var previous: Screen?
    public let color: Bool

    public init(color: Bool) { self.color = color }

    /// Forget the last frame: the next is drawn whole (after a resize or a redraw request).
    public mutating func invalidate() { previous = nil }

    /// The bytes that turn the last frame into `next`.
    public mutating func frame(_ next: Screen) -> String {
        let full = previous == nil || previous!.width != next.width || previous!.height != next.height
        var out = full ? "\u{1B}[0m\u{1B}[2J" : ""
        var style: CellStyle? = full ? .plain : nil
        var cursor: (row: Int, col: Int)? = nil
        for r in 0..<next.height {
            for c in 0..<next.width {
                let cell = next[r, c]
                if cell.text.isEmpty { continue }  // the second half of a wide grapheme
                if full {
                    if cell == .blank { continue }
                } else if let p = previous, p[r, c] == cell, c + 1 >= next.width || p[r, c + 1] == next[r, c + 1] {
                    continue
                }
                if cursor == nil || cursor! != (r, c) { out += "\u{1B}[\(r + 1);\(c + 1)H" }
                if style != cell.style {
                    out += sgr(cell.style)
                    style = cell.style
                }
                out += cell.text
                let wide = c + 1 < next.width && next[r, c + 1].text.isEmpty
                cursor = (r, c + (wide ? 2 : 1))
            }
        }
        if style != nil && style != .plain { out += "\u{1B}[0m" }
        previous = next
        return out
    }

    func sgr(_ s: CellStyle) -> String {
        var codes = ["0"]
        if s.bold { codes.append("1") }
        if s.dim { codes.append("2") }
        if s.reverse { codes.append("7") }
        if color, let c = s.color { codes.append("3\(c.rawValue)") }
        return "\u{1B}[" + codes.joined(separator: ";") + "m"
    }
}

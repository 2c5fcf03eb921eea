import Foundation

/// What a key asks of the loop after the state has changed.
public enum KeyAction: Sendable, Equatable {
    case redraw
    case reload
    case quit
    /// Acknowledge or suppress a finding (the loop runs it off the UI thread).
    case act(FindingActionRequest)
}

/// k9s-style keys applied to the view state. Pure: the loop passes the current model so the
/// cursor stays within the focused table and Enter knows what is under it.
public enum Navigation {
    /// `readOnly`: why acknowledging and suppressing are refused (nil: they are allowed).
    /// `cache`: the loop's rows, so a key press does not build the focused table's rows again.
    public static func handle(_ key: Key, state: inout ViewState, layout: DashboardLayout, model: DashboardModel?, pageRows: Int = 10,
                              readOnly: String? = nil, cache: TableCache? = nil) -> KeyAction {
        state.message = nil
        if case .finding(var prompt) = state.input {
            switch key {
            case .interrupt: return .quit
            case .escape: state.input = nil; state.message = "\(prompt.request.kind.rawValue) cancelled"
            case .backspace:
                if prompt.askingDays { prompt.days = String(prompt.days.dropLast()) } else { prompt.request.reason = String(prompt.request.reason.dropLast()) }
                state.input = .finding(prompt)
            case .char(let c):
                if prompt.askingDays {
                    if c.isASCII && c.isNumber && prompt.days.count < 5 { prompt.days.append(c) }
                } else if prompt.request.reason.count < 500 {
                    prompt.request.reason.append(c)
                }
                state.input = .finding(prompt)
            case .enter:
                if prompt.request.reason.trimmingCharacters(in: .whitespaces).isEmpty {
                    state.message = "a reason is required (Esc cancels)"
                    return .redraw
                }
                if prompt.request.kind == .suppress && !prompt.askingDays {
                    prompt.askingDays = true
                    state.input = .finding(prompt)
                    return .redraw
                }
                if prompt.askingDays, !prompt.days.isEmpty {
                    guard let d = Int(prompt.days), d >= 1 else { state.message = "days: a whole number, at least 1 (Enter alone: until lifted)"; return .redraw }
                    prompt.request.days = d
                }
                state.input = nil
                return .act(prompt.request)
            default: break
            }
            return .redraw
        }
        // Typing a filter or a view name.
        if let input = state.input {
            switch (input, key) {
            case (_, .interrupt): return .quit
            case (.filter, .escape):
                state.input = nil; state.filter = ""; state.selected = 0
            case (.command, .escape): state.input = nil
            case (.filter, .enter): state.input = nil
            case (.command(let text), .enter):
                state.input = nil
                let name = text.trimmingCharacters(in: .whitespaces)
                if let v = layout.views.first(where: { $0.name == name }) ?? uniquePrefix(name, layout) {
                    open(view: v.name, state: &state)
                } else if !name.isEmpty {
                    state.message = "no view \"\(name)\"; views: \(layout.views.map(\.name).joined(separator: ", "))"
                }
            case (.command(let text), .tab):
                if let v = uniquePrefix(text, layout) { state.input = .command(v.name) }
            case (.filter(let text), .backspace):
                state.filter = String(text.dropLast()); state.input = .filter(state.filter); state.selected = 0
            case (.command(let text), .backspace): state.input = .command(String(text.dropLast()))
            case (.filter(let text), .char(let c)):
                state.filter = text + String(c); state.input = .filter(state.filter); state.selected = 0
            case (.command(let text), .char(let c)): state.input = .command(text + String(c))
            default: break
            }
            return .redraw
        }
        if state.help {
            if key == .char("q") || key == .interrupt { return .quit }
            state.help = false
            return .redraw
        }
        let rows = focusedRows(state: state, layout: layout, model: model, cache: cache)
        switch key {
        case .char("q"), .interrupt: return .quit
        case .char("?"): state.help = true
        case .char("j"), .down: state.selected = min(max(0, rows.count - 1), state.selected + 1)
        case .char("k"), .up: state.selected = max(0, state.selected - 1)
        case .pageDown: state.selected = min(max(0, rows.count - 1), state.selected + pageRows)
        case .pageUp: state.selected = max(0, state.selected - pageRows)
        case .char("g"), .home: state.selected = 0
        case .char("G"), .end: state.selected = max(0, rows.count - 1)
        case .char("/"): if state.detail == nil { state.input = .filter(state.filter) }
        case .char(":"): state.input = .command("")
        case .char("r"): return .reload
        case .char("a"), .char("x"):
            let kind: FindingActionRequest.Kind = key == .char("a") ? .acknowledge : .suppress
            let target: ViewState.Detail? = state.detail ?? (state.selected < rows.count ? rows[state.selected] : nil)
            guard case .finding(let findingKey) = target, let f = model?.findings.first(where: { $0.key == findingKey }) else {
                state.message = "\(kind == .acknowledge ? "a acknowledges" : "x suppresses") the finding under the cursor (in a findings view)"
                break
            }
            if let readOnly { state.message = "read-only: \(readOnly)"; break }
            guard let id = f.id else { state.message = "this finding has no number yet; reload (r)"; break }
            state.input = .finding(FindingPrompt(request: FindingActionRequest(kind: kind, id: id), label: "#\(id) \(f.code) \(f.subject)"))
        case .char("s"), .char("S"):
            guard state.detail == nil, let view = layout.view(named: state.view), let f = view.focus else { break }
            let panel = view.panels[f]
            let current = state.sort ?? panel.sort
            if key == .char("S") {
                state.sort = DashboardLayout.Sort(current?.column ?? panel.columns[0], descending: !(current?.descending ?? false))
            } else {
                let i = current.flatMap { c in panel.columns.firstIndex(of: c.column) }.map { $0 + 1 } ?? 0
                state.sort = DashboardLayout.Sort(panel.columns[i % panel.columns.count])
            }
            state.selected = 0
        case .enter, .right:
            if state.detail == nil, state.selected < rows.count, let target = rows[state.selected] { state.detail = target }
        case .escape, .left, .backspace:
            if state.detail != nil { state.detail = nil } else if !state.filter.isEmpty { state.filter = ""; state.selected = 0 }
        case .tab:
            if let i = layout.views.firstIndex(where: { $0.name == state.view }) { open(view: layout.views[(i + 1) % layout.views.count].name, state: &state) }
        default: break
        }
        return .redraw
    }

    static func open(view: String, state: inout ViewState) {
        state.view = view; state.detail = nil; state.filter = ""; state.sort = nil; state.selected = 0
    }

    static func uniquePrefix(_ text: String, _ layout: DashboardLayout) -> DashboardLayout.View? {
        let hits = layout.views.filter { $0.name.hasPrefix(text) }
        return hits.count == 1 && !text.isEmpty ? hits[0] : nil
    }

    /// What each row of the focused table opens.
    public static func focusedRows(state: ViewState, layout: DashboardLayout, model: DashboardModel?, cache: TableCache? = nil) -> [ViewState.Detail?] {
        guard state.detail == nil, let model, let view = layout.view(named: state.view), let f = view.focus else { return [] }
        // With the loop's cache: the rows the frame on screen was drawn from.
        return DashboardRenderer.tableRows(view.panels[f], model: model, state: state, focused: true, thresholds: layout.thresholds,
                                           ascii: cache?.ascii ?? false, cache: cache).keys
    }
}

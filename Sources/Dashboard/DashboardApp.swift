#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The interactive dashboard: the loop that joins the store (through `load`), the pure
/// render and the terminal. Reloads every `layout.refreshSeconds`; draws only changed cells.
public final class DashboardApp {
    public let layout: DashboardLayout
    public let options: RenderOptions
    let load: () throws -> DashboardModel

    public init(layout: DashboardLayout, options: RenderOptions, load: @escaping () throws -> DashboardModel) {
        self.layout = layout
        self.options = options
        self.load = load
    }

    /// Runs until q, Ctrl-C, SIGINT, SIGTERM, SIGHUP or the end of input; the terminal is
    /// restored on every one of them and when an error is thrown.
    public func run(view: String?, terminal: Terminal) {
        var state = ViewState(view: view ?? layout.views[0].name)
        var model: DashboardModel?
        var error: String?
        func reload() {
            do { model = try load(); error = nil } catch let e { error = "\(e)" }
        }
        reload()
        terminal.enter()
        defer { terminal.restore() }
        var writer = DiffWriter(color: options.color)
        let parser = KeyParser()
        var nextReload = ContinuousClock.now + .milliseconds(Int(layout.refreshSeconds * 1000))
        func draw() {
            let (w, h) = terminal.size()
            let screen = DashboardRenderer.render(model, error: error, layout: layout, state: state, width: w, height: h, options: options)
            let bytes = writer.frame(screen)
            if !bytes.isEmpty { terminal.write(bytes) }
        }
        draw()
        loop: while true {
            let left = nextReload - ContinuousClock.now
            let ms = max(0, Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
            for event in terminal.wait(milliseconds: ms) {
                switch event {
                case .signal(SIGWINCH): writer.invalidate()
                case .signal: break loop
                case .endOfInput: break loop
                case .timeout: break
                case .bytes(let bytes):
                    for key in parser.parse(bytes) {
                        let page = max(1, terminal.size().height - 6)
                        switch Navigation.handle(key, state: &state, layout: layout, model: model, pageRows: page) {
                        case .quit: break loop
                        case .reload: nextReload = ContinuousClock.now
                        case .redraw: break
                        }
                    }
                }
            }
            if ContinuousClock.now >= nextReload {
                reload()
                nextReload = ContinuousClock.now + .milliseconds(Int(layout.refreshSeconds * 1000))
            }
            draw()
        }
    }
}

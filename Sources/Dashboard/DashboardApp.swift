#if canImport(Glibc)
import Glibc
#endif
import Foundation
import InventoryModel
import Operations
import Reconciliation

/// The interactive dashboard: the loop that joins the store (through `load`), the pure
/// render and the terminal. Loads run on a background queue, one at a time, every
/// `layout.refreshSeconds` and when the view needs other data; keys are answered while a load
/// runs (the header says "refreshing"). A failed refresh keeps the last good frame under a
/// line saying why. Draws only changed cells.
public final class DashboardApp {
    public typealias Load = @Sendable (LoadRequest) throws -> DashboardModel
    public typealias Act = @Sendable (FindingActionRequest) throws -> String

    public let layout: DashboardLayout
    public let options: RenderOptions
    let load: Load
    let act: Act?
    /// Why acknowledging and suppressing are refused (nil: `act` is called).
    let readOnly: String?

    public init(layout: DashboardLayout, options: RenderOptions, load: @escaping Load, act: Act? = nil, readOnly: String? = nil) {
        self.layout = layout
        self.options = options
        self.load = load
        self.act = act
        self.readOnly = act == nil ? (readOnly ?? "this dashboard cannot write the store") : readOnly
    }

    /// What the background queue hands back.
    enum Done: Sendable {
        case loaded(Result<DashboardModel, any Error>, LoadRequest)
        case acted(Result<String, any Error>)
    }

    final class Mailbox: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [Done] = []
        func put(_ d: Done) { lock.lock(); items.append(d); lock.unlock(); Terminal.wake() }
        func take() -> [Done] { lock.lock(); defer { items = []; lock.unlock() }; return items }
    }

    /// Runs until q, Ctrl-C, SIGINT, SIGTERM, SIGHUP or the end of input; the terminal is
    /// restored on every one of them and when an error is thrown.
    public func run(view: String?, detail: ViewState.Detail? = nil, terminal: Terminal) {
        var state = ViewState(view: view ?? layout.views[0].name)
        state.detail = detail
        var model: DashboardModel?
        var error: String?
        var loadedAt: ContinuousClock.Instant?
        var loading = false, again = false
        var lastRequest: LoadRequest?
        let queue = DispatchQueue(label: "pantau.dashboard.load")
        let mailbox = Mailbox()
        let refresh = Duration.milliseconds(Int(layout.refreshSeconds * 1000))
        var nextReload = ContinuousClock.now + refresh

        terminal.enter()
        defer { terminal.restore() }
        func startLoad() {
            guard !loading else { again = true; return }
            loading = true
            state.refreshing = true
            let request = LoadRequest.of(state, layout: layout)
            lastRequest = request
            let load = self.load
            queue.async { mailbox.put(.loaded(Result { try load(request) }, request)) }
        }
        func collect() {
            for done in mailbox.take() {
                switch done {
                case .loaded(let result, _):
                    loading = false
                    state.refreshing = false
                    switch result {
                    case .success(let m): model = m; error = nil; state.loadError = nil; loadedAt = .now
                    case .failure(let e):
                        if model == nil { error = "\(e)" } else { state.loadError = "\(e)" }
                    }
                    nextReload = ContinuousClock.now + refresh
                case .acted(let result):
                    switch result {
                    case .success(let text): state.message = text
                    case .failure(let e): state.message = "not done: \(e)"
                    }
                    again = true
                }
            }
            if again && !loading { again = false; startLoad() }
        }
        var writer = DiffWriter(color: options.color)
        let tables = TableCache(ascii: options.ascii)
        let parser = KeyParser()
        func draw() {
            let (w, h) = terminal.size()
            state.dataAge = loadedAt.map { t in
                let d = ContinuousClock.now - t
                return Double(d.components.seconds)
            }
            let screen = DashboardRenderer.render(model, error: error, layout: layout, state: state, width: w, height: h, options: options,
                                                  readOnly: readOnly != nil, cache: tables)
            let bytes = writer.frame(screen)
            if !bytes.isEmpty { terminal.write(bytes) }
        }
        startLoad()
        draw()
        loop: while true {
            let left = nextReload - ContinuousClock.now
            // Wake at least every second while the data is old, so its age on screen moves.
            var ms = max(0, Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
            if loading || state.loadError != nil { ms = min(ms, 1000) }
            for event in terminal.wait(milliseconds: ms) {
                switch event {
                case .signal(0): collect()
                case .signal(SIGWINCH): writer.invalidate()
                case .signal: break loop
                case .endOfInput: break loop
                case .timeout: break
                case .bytes(let bytes):
                    for key in parser.parse(bytes) {
                        let page = max(1, terminal.size().height - 6)
                        switch Navigation.handle(key, state: &state, layout: layout, model: model, pageRows: page, readOnly: readOnly, cache: tables) {
                        case .quit: break loop
                        case .reload: startLoad()
                        case .redraw: break
                        case .act(let request):
                            guard let act else { state.message = "read-only: \(readOnly ?? "")"; break }
                            state.message = "\(request.kind == .acknowledge ? "acknowledging" : "suppressing") #\(request.id)…"
                            queue.async { mailbox.put(.acted(Result { try act(request) })) }
                        }
                    }
                    // The view now needs other data (another view's panels, a detail): load it.
                    if LoadRequest.of(state, layout: layout) != lastRequest { startLoad() }
                }
            }
            if ContinuousClock.now >= nextReload && !loading { startLoad() }
            draw()
        }
    }
}

/// Acknowledging and suppressing from the dashboard: the same use case and the same record
/// (the finding's action log, with who and why) as `pantau findings ack|suppress`.
public enum DashboardActions {
    public static func perform(_ r: FindingActionRequest, operations: FindingOperations, by: String) throws -> String {
        switch r.kind {
        case .acknowledge:
            let f = try operations.acknowledge(id: r.id, by: by, reason: r.reason)
            return "acknowledged #\(r.id) \(f.code.rawValue) (\(f.pd ?? "-")) by \(by)"
        case .suppress:
            let until = r.days.map { operations.clock.now().addingTimeInterval(Double($0) * 86400) }
            let f = try operations.suppress(id: r.id, by: by, reason: r.reason, until: until)
            return "suppressed #\(r.id) \(f.code.rawValue) (\(f.pd ?? "-")) " + (r.days.map { "for \($0) day\($0 == 1 ? "" : "s")" } ?? "until lifted") + " by \(by)"
        }
    }
}

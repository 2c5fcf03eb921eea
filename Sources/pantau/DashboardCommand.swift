import ArgumentParser
import Dashboard
import Foundation
import InventoryModel
import InventoryStore
import Operations
import Storage
import YAMLSupport

extension Pantau {
    struct DashboardCmd: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dashboard",
            abstract: "The NOC's full-screen terminal console (or, with --once or without a terminal, one frame as plain text).",
            discussion: """
                  pantau dashboard                                   # full screen; ? lists the keys, q quits
                  pantau dashboard --once --view devices --width 120 --height 40
                  pantau dashboard --once --pd BAPPEDA               # a PD's detail (--device NAME: a device's)
                  pantau dashboard --layout wallscreen               # dashboards/wallscreen.yaml
                  pantau dashboard --read-only                       # a wall screen or a guest: a and x refused

                In a findings view, a acknowledges and x suppresses the finding under the cursor \
                after asking for a reason (and, to suppress, for how many days): the same use case and \
                record as pantau findings ack|suppress, with --by (default $USER) as who. They are \
                refused with --read-only, and when this user cannot write the store file.

                Layouts are YAML files in the dashboards directory ($PANTAU_DASHBOARDS, else ./dashboards, \
                else the source tree's); the format is in dashboards/README.md. NO_COLOR turns colour off; \
                a LANG without UTF-8 or TERM=linux draws ASCII only.
                """)

        @Option(help: ArgumentHelp("Layout name (dashboards/NAME.yaml) or a layout file.", valueName: "name")) var layout = "default"
        @Option(help: ArgumentHelp("Directory of layouts.", valueName: "dir")) var layouts: String?
        @Flag(help: "Print one frame as plain text and exit.") var once = false
        @Flag(help: "Refuse acknowledging and suppressing findings (a wall screen, a guest's session).") var readOnly = false
        @Option(help: "Who acknowledges or suppresses (recorded in the finding's log).") var by: String = ProcessInfo.processInfo.environment["USER"] ?? "dashboard"
        @Option(help: ArgumentHelp("View to open (the layout's first by default).", valueName: "name")) var view: String?
        @Option(help: ArgumentHelp("Open this device's detail.", valueName: "name")) var device: String?
        @Option(help: ArgumentHelp("Open this PD's detail.", valueName: "code")) var pd: String?
        @Option(help: ArgumentHelp("With --once: columns (default: the terminal's, else 100).", valueName: "n")) var width: Int?
        @Option(help: ArgumentHelp("With --once: rows (default: the terminal's, else 30).", valueName: "n")) var height: Int?
        @OptionGroup var store: StoreOptions
        @Option(name: .customLong("now"), help: .hidden) var now: String?

        func validate() throws {
            if let width, width < 1 || width > 1000 { throw ValidationError("--width must be between 1 and 1000") }
            if let height, height < 1 || height > 1000 { throw ValidationError("--height must be between 1 and 1000") }
            if device != nil && pd != nil { throw ValidationError("give --device or --pd, not both") }
        }

        func run() throws {
            let file = layoutFile()
            let layout: DashboardLayout
            do { layout = try DashboardLayout.load(path: file) } catch {
                throw CLIError("layout \(file) has \(error.issues.count) problem\(error.issues.count == 1 ? "" : "s"):\n\(error)")
            }
            if let view, layout.view(named: view) == nil {
                throw CLIError("no view \"\(view)\" in \(file); views: \(layout.views.map(\.name).joined(separator: ", "))")
            }
            let clock = try commandClock(now)
            let env = ProcessInfo.processInfo.environment
            let ascii = Self.asciiOnly(env)
            let path = store.storePath
            // The store is opened for each load and closed after it: a store replaced, migrated
            // by a newer Pantau or locked meanwhile is noticed (and said) at the next refresh,
            // and the dashboard holds no lock on it between refreshes.
            // A refresh when nothing was committed since the last reuses what that one read.
            let reuse = ModelReuse()
            let load: DashboardApp.Load = { request in
                let store = try openStore(path, .readOnly)
                return DashboardLoader(store: store, clock: clock, reuse: reuse).load(request)
            }
            let interactive = !once && isatty(0) == 1 && isatty(1) == 1
            if !interactive {
                // One frame, the one the TUI would draw first; a store that cannot be read is an error here.
                var state = ViewState(view: view ?? layout.views[0].name)
                state.detail = device.map { .device($0) } ?? pd.map { .pd($0) }
                let model = try load(LoadRequest.of(state, layout: layout))
                let size = Self.terminalSize()
                let screen = DashboardRenderer.render(model, layout: layout, state: state, width: width ?? size?.0 ?? 100,
                                                      height: height ?? size?.1 ?? 30, options: RenderOptions(color: false, ascii: ascii))
                print(screen.text, terminator: "")
                return
            }
            let color = env["NO_COLOR"].map(\.isEmpty) ?? true && env["TERM"] != "dumb"
            // Who may act: not with --read-only, and not a user who cannot write the store file.
            var refusal: String? = readOnly ? "started with --read-only" : nil
            if refusal == nil, FileManager.default.fileExists(atPath: path), access(path, W_OK) != 0 {
                refusal = "\(ProcessInfo.processInfo.environment["USER"] ?? "this user") cannot write \(path)"
            }
            let by = self.by
            let perform: DashboardApp.Act = { request in
                let store = try openStore(path, .readWrite)
                let ops = FindingOperations(store: store, clock: clock)
                return try DashboardActions.perform(request, operations: ops, by: by)
            }
            let act: DashboardApp.Act? = refusal == nil ? perform : nil
            let app = DashboardApp(layout: layout, options: RenderOptions(color: color, ascii: ascii), load: load, act: act, readOnly: refusal)
            app.run(view: view, detail: device.map { .device($0) } ?? pd.map { .pd($0) }, terminal: try Terminal())
        }

        func layoutFile() -> String {
            if layout.hasSuffix(".yaml") || layout.hasSuffix(".yml") || layout.contains("/") { return layout }
            return Self.directory(layouts) + "/" + layout + ".yaml"
        }

        /// The layouts directory: explicit, $PANTAU_DASHBOARDS, ./dashboards, or the source tree's.
        static func directory(_ explicit: String?) -> String {
            if let explicit { return explicit }
            if let env = ProcessInfo.processInfo.environment["PANTAU_DASHBOARDS"], !env.isEmpty { return env }
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: "dashboards", isDirectory: &isDir), isDir.boolValue { return "dashboards" }
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            return root.appendingPathComponent("dashboards").path
        }

        /// ASCII only when the locale is not UTF-8 or the console is the Linux one.
        static func asciiOnly(_ env: [String: String]) -> Bool {
            if env["TERM"] == "linux" { return true }
            let locale = [env["LC_ALL"], env["LC_CTYPE"], env["LANG"]].compactMap { $0 }.first { !$0.isEmpty } ?? ""
            return !(locale.uppercased().contains("UTF-8") || locale.uppercased().contains("UTF8"))
        }

        static func terminalSize() -> (Int, Int)? {
            guard isatty(1) == 1 else { return nil }
            var ws = winsize()
            guard ioctl(1, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0, ws.ws_row > 0 else { return nil }
            return (Int(ws.ws_col), Int(ws.ws_row))
        }
    }
}

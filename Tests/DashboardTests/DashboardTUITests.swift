import Foundation
import InventoryTesting
import Testing

/// The real binary in a real terminal (tmux), driven by keys as a person would: open, jump to
/// a view, filter, drill into a device, help, resize, too small, quit; and killed by SIGTERM.
/// The terminal's settings (`stty -a`) must be the same before and after. Each test uses its
/// own tmux server (`-L pantau-test-…`) and kills it at the end.
@Suite(.serialized) struct DashboardTUITests {
    let socket = "pantau-test-\(UUID().uuidString.prefix(8))"
    let dir: String

    init() throws {
        dir = try Lab.temporaryDirectory("dashboard-tui")
    }

    @discardableResult
    func tmux(_ args: String...) throws -> String {
        let r = try run("/usr/bin/env", ["tmux", "-L", socket] + args, timeout: 20)
        guard r.status == 0 else { throw LabError("tmux \(args.joined(separator: " ")): \(r.stderr)") }
        return r.stdout
    }

    func screen() throws -> String { try tmux("capture-pane", "-p", "-t", "t") }

    /// Waits until the pane shows `text` (the dashboard redraws on its own time).
    @discardableResult
    func waitFor(_ text: String, seconds: Double = 10) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if last.contains(text) { return last }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw LabError("the pane never showed \"\(text)\"; it shows:\n\(last)")
    }

    func waitForFile(_ path: String, seconds: Double = 10) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let s = try? String(contentsOfFile: path, encoding: .utf8), s.hasSuffix("\n") { return s }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw LabError("\(path) never appeared; the pane shows:\n\((try? screen()) ?? "")")
    }

    /// A shell in a 100x30 pane that records `stty -a`, runs the dashboard, then records its
    /// exit status and `stty -a` again.
    func start(_ db: String) throws {
        let script = """
            stty -a > \(dir)/before; \
            PANTAU_NOW=\(DashboardGoldenTests.now) PANTAU_DASHBOARDS=\(Lab.repo)/dashboards LANG=C.UTF-8 \(Lab.pantauBinary) dashboard --store \(db); \
            echo "exit=$?" > \(dir)/rc; stty -a > \(dir)/after; sleep 60
            """
        try tmux("new-session", "-d", "-s", "t", "-x", "100", "-y", "30", "sh", "-c", script)
    }

    /// Ends this test's tmux server. (tmux 3.3a's kill-server alone left the server running
    /// here while the pane's shell slept; killing the session first ends both.)
    func stop() {
        _ = try? run("/usr/bin/env", ["tmux", "-L", socket, "kill-session", "-t", "t"], timeout: 20)
        _ = try? run("/usr/bin/env", ["tmux", "-L", socket, "kill-server"], timeout: 20)
        let stillThere = (try? run("/usr/bin/env", ["tmux", "-L", socket, "list-sessions"], timeout: 20).status) == 0
        #expect(!stillThere, "tmux server \(socket) still running")
        let tmpdir = ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp"
        try? FileManager.default.removeItem(atPath: "\(tmpdir)/tmux-\(getuid())/\(socket)")
        try? FileManager.default.removeItem(atPath: dir)
    }

    @Test("open, jump to a view, filter, drill into a device, help, resize, too small, quit: the terminal restored")
    func mainFlow() throws {
        defer { stop() }
        let db = try DashboardGoldenTests.store()
        try start(db)
        var s = try waitFor("DINKES")
        #expect(s.contains("Regency overview") && s.contains("q quit"))
        try tmux("send-keys", "-t", "t", ":", "dev", "Tab", "Enter")
        s = try waitFor("Devices (7")
        try tmux("send-keys", "-t", "t", "/", "zynos", "Enter")
        s = try waitFor("Devices (1 matching /zynos")
        try tmux("send-keys", "-t", "t", "Enter")
        s = try waitFor("device sw-zynos")
        #expect(s.contains("Zyxel") && s.contains("status poll"))
        try tmux("send-keys", "-t", "t", "Escape")
        _ = try waitFor("Devices (1 matching /zynos")
        try tmux("send-keys", "-t", "t", "?")
        _ = try waitFor("jump to a view by name")
        try tmux("send-keys", "-t", "t", "Escape")
        _ = try waitFor("Devices (1 matching")
        try tmux("resize-window", "-t", "t", "-x", "80", "-y", "24")
        s = try waitFor("2026-12-01 11:10 WITA")
        #expect(s.split(separator: "\n").allSatisfy { $0.count <= 80 })
        try tmux("resize-window", "-t", "t", "-x", "50", "-y", "10")
        _ = try waitFor("terminal too small: 50x10")
        try tmux("resize-window", "-t", "t", "-x", "100", "-y", "30")
        _ = try waitFor("Devices (1 matching")
        try tmux("send-keys", "-t", "t", "q")
        #expect(try waitForFile(dir + "/rc") == "exit=0\n")
        let before = try String(contentsOfFile: dir + "/before", encoding: .utf8)
        #expect(try waitForFile(dir + "/after") == before)
        #expect(!(try screen()).contains("Devices ("), "the main screen is back")
    }

    @Test("a store that cannot be read: said on screen, retried, q still quits")
    func missingStore() throws {
        defer { stop() }
        try start(dir + "/none.sqlite")
        let s = try waitFor("The store cannot be read:")
        #expect(s.contains(dir + "/none.sqlite") && s.contains("q quit"))
        try tmux("send-keys", "-t", "t", "q")
        #expect(try waitForFile(dir + "/rc") == "exit=0\n")
        #expect(!FileManager.default.fileExists(atPath: dir + "/none.sqlite"), "nothing created")
    }

    @Test("SIGTERM: the dashboard exits and the terminal is restored")
    func terminated() throws {
        defer { stop() }
        let db = try DashboardGoldenTests.store()
        try start(db)
        _ = try waitFor("Regency overview")
        let shell = try tmux("display-message", "-p", "-t", "t", "#{pane_pid}").trimmingCharacters(in: .whitespacesAndNewlines)
        let child = try run("/usr/bin/env", ["pgrep", "-P", shell], timeout: 10).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let pid = try #require(Int32(child), "no dashboard under the pane's shell \(shell)")
        #expect(kill(pid, SIGTERM) == 0)
        #expect(try waitForFile(dir + "/rc") == "exit=0\n")
        #expect(try waitForFile(dir + "/after") == (try String(contentsOfFile: dir + "/before", encoding: .utf8)))
    }
}

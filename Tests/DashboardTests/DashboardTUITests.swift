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
    func start(_ db: String, _ extra: String = "") throws {
        let script = """
            stty -a > \(dir)/before; \
            PANTAU_NOW=\(DashboardGoldenTests.now) PANTAU_DASHBOARDS=\(Lab.repo)/dashboards LANG=C.UTF-8 \(Lab.pantauBinary) dashboard --store \(db) \(extra); \
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

    /// A copy of the lab's store this test may change (SQLite's backup API: a consistent copy
    /// whatever the WAL holds).
    func copyOfStore() throws -> String {
        let copy = dir + "/copy.sqlite"
        let r = try run("/usr/bin/env", ["python3", "-c", "import sqlite3,sys; d=sqlite3.connect(sys.argv[2]); sqlite3.connect(sys.argv[1]).backup(d); d.close()",
                                         try DashboardGoldenTests.store(), copy], timeout: 60)
        guard r.status == 0 else { throw LabError("copying the store: \(r.stderr)") }
        return copy
    }

    func pantau(_ args: [String], store db: String) throws -> String {
        let r = try runPantau(args + ["--store", db], store: db, now: DashboardGoldenTests.now)
        guard r.status == 0 else { throw LabError("pantau \(args.joined(separator: " ")): \(r.stderr)") }
        return r.stdout
    }

    @Test("acknowledge and suppress from the findings view: a reason asked, the use case's record with who and why, the row updated")
    func acknowledgeAndSuppress() throws {
        defer { stop() }
        let db = try copyOfStore()
        try start(db, "--by noc-ani")
        _ = try waitFor("DINKES")
        try tmux("send-keys", "-t", "t", ":", "findings", "Enter")
        _ = try waitFor("Findings (45")
        _ = try waitFor("a ack  x suppress")  // the footer, drawn after the table
        // The first row: #41 diagram-overdue of BAPPEDA (errors first).
        try tmux("send-keys", "-t", "t", "a")
        _ = try waitFor("acknowledge #41 diagram-overdue [lan-diagram]; reason: _")
        try tmux("send-keys", "-t", "t", "Enter")
        _ = try waitFor("a reason is required (Esc cancels)")
        try tmux("send-keys", "-t", "t", "-l", "diagram promised by Friday")
        try tmux("send-keys", "-t", "t", "Enter")
        _ = try waitFor("acknowledged #41 diagram-overdue (BAPPEDA) by noc-ani")
        _ = try waitFor("41 diagram-overdue            BAPPEDA      error    acknowledged")
        // The next row: suppressed for 30 days.
        try tmux("send-keys", "-t", "t", "j", "x")
        _ = try waitFor("suppress #42 diagram-overdue [lan-diagram]; reason: _")
        try tmux("send-keys", "-t", "t", "-l", "office moving, diagram in January")
        try tmux("send-keys", "-t", "t", "Enter")
        _ = try waitFor("for how many days (Enter alone: until lifted): _")
        try tmux("send-keys", "-t", "t", "3", "0", "Enter")
        _ = try waitFor("suppressed #42 diagram-overdue (BPKAD) for 30 days by noc-ani")
        try tmux("send-keys", "-t", "t", "q")
        #expect(try waitForFile(dir + "/rc") == "exit=0\n")

        // The same record `pantau findings ack|suppress` leaves: who, what, why, in the finding's log.
        let ack = try pantau(["findings", "show", "41"], store: db)
        #expect(ack.contains("noc-ani acknowledged: diagram promised by Friday"), "\(ack)")
        let sup = try pantau(["findings", "show", "42"], store: db)
        #expect(sup.contains("noc-ani suppressed: office moving, diagram in January (until 2026-12-31T03:10:00.000Z)"), "\(sup)")
        #expect(try pantau(["findings", "list", "--pd", "BPKAD", "--json"], store: db).contains("\"suppressed\""))
    }

    @Test("--read-only: a and x refused with a message, nothing asked, nothing written")
    func readOnlyRefuses() throws {
        defer { stop() }
        let db = try copyOfStore()
        let before = try pantau(["findings", "show", "41"], store: db)
        try start(db, "--read-only")
        _ = try waitFor("DINKES")
        try tmux("send-keys", "-t", "t", ":", "findings", "Enter")
        _ = try waitFor("Findings (45")
        let s = try waitFor("(read-only)")  // the footer, drawn after the table
        #expect(!s.contains("a ack"), "\(s)")
        try tmux("send-keys", "-t", "t", "a")
        _ = try waitFor("read-only: started with --read-only")
        try tmux("send-keys", "-t", "t", "x")
        let after = try waitFor("read-only: started with --read-only")
        #expect(!after.contains("reason:"))
        try tmux("send-keys", "-t", "t", "q")
        #expect(try waitForFile(dir + "/rc") == "exit=0\n")
        #expect(try pantau(["findings", "show", "41"], store: db) == before)
    }

    @Test("a slow store: keys answered while the load waits, refreshing said, the error shown over the last good frame, then recovered")
    func slowStore() throws {
        defer { stop() }
        let db = try copyOfStore()
        try start(db)
        _ = try waitFor("DINKES")
        // Another process takes the database's exclusive lock between two refreshes (the
        // dashboard holds no connection between them): every read waits (the busy timeout is
        // 10 s) and then fails, as on a store being migrated or vacuumed.
        let release = dir + "/release"
        let holder = try ManagedProcess(name: "lock", executable: "/usr/bin/env", arguments: ["python3", "-c", """
            import sqlite3, os, sys, time
            c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
            c.execute("pragma locking_mode=exclusive"); c.execute("begin exclusive")
            c.execute("create table if not exists dashboard_lock_test(a)"); c.execute("insert into dashboard_lock_test values (1)")
            print("locked", flush=True)
            while not os.path.exists(sys.argv[2]): time.sleep(0.05)
            c.execute("rollback")
            """, db, release], logPath: dir + "/lock.log")
        defer { holder.stop() }
        let deadline = Date().addingTimeInterval(20)
        while !holder.log.contains("locked") && Date() < deadline { usleep(20_000) }
        try #require(holder.log.contains("locked"), "the lock holder: \(holder.log)")
        try tmux("send-keys", "-t", "t", "r")
        _ = try waitFor("refreshing")
        // While the load waits: a view change and the help are answered at once.
        let asked = Date()
        try tmux("send-keys", "-t", "t", ":", "dev", "Tab", "Enter")
        var s = try waitFor("Devices (7", seconds: 3)
        #expect(Date().timeIntervalSince(asked) < 3)
        #expect(s.contains("refreshing"), "the load is still waiting:\n\(s)")
        try tmux("send-keys", "-t", "t", "?")
        _ = try waitFor("jump to a view by name", seconds: 3)
        try tmux("send-keys", "-t", "t", "Escape")
        // The busy timeout ends the load: the error, and the last good data still drawn.
        s = try waitFor("refresh failed, showing the last data read", seconds: 20)
        #expect(s.contains("locked") && s.contains("sw-zynos"), "\(s)")
        FileManager.default.createFile(atPath: release, contents: nil)
        #expect(holder.waitForExit(seconds: 10) == 0)
        try tmux("send-keys", "-t", "t", "r")
        let recovered = Date().addingTimeInterval(15)
        while (try screen()).contains("refresh failed") && Date() < recovered { Thread.sleep(forTimeInterval: 0.1) }
        s = try screen()
        #expect(!s.contains("refresh failed") && s.contains("sw-zynos"), "\(s)")
        try tmux("send-keys", "-t", "t", "q")
        #expect(try waitForFile(dir + "/rc") == "exit=0\n")
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

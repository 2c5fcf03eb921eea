import Foundation
import InventoryModel
import InventoryStore
import InventoryTesting
import Operations
import Reconciliation
import Testing

/// The portal in a real browser: Tests/PortalBrowser/portal_test.py drives Debian's chromium
/// through chromedriver (Selenium, axe-selenium-python in the project's venv) against
/// `pantau serve` on loopback: sign in, a stock diagrams.net drawing's warnings, submit, history,
/// diff, sign out, refusals (wrong token, another PD's pages, a form without its CSRF token),
/// axe-core and the served HTML on every page. Screenshots of every page at phone and desktop
/// widths are kept in the directory the test prints.
@Suite struct PortalBrowserTests {
    /// The venv's Python: beside snmpsim's responder (PANTAU_SNMPSIM), else the repository's .venv.
    static var python: String { URL(fileURLWithPath: Lab.snmpsim).deletingLastPathComponent().appendingPathComponent("python").path }

    @Test func aPDGoesFromTokenToSubmittedDiagramInChromium() async throws {
        for tool in ["/usr/bin/chromium", "/usr/bin/chromedriver", Self.python] {
            try #require(FileManager.default.isExecutableFile(atPath: tool), "\(tool) missing: run scripts/setup.sh")
        }
        let s = try await PortalServer(label: "portal-browser")
        defer { s.stop() }
        let shots = URL(fileURLWithPath: Lab.repo).appendingPathComponent(".build/portal-screenshots").path
        try? FileManager.default.removeItem(atPath: shots)
        // The stock drawing under the name a technician gives it (diagrams.net saves .drawio).
        let drawing = s.dir + "/lan-bappeda.drawio"
        try FileManager.default.copyItem(atPath: Lab.repo + "/Tests/GovernanceTests/Fixtures/drawio-templates/wireless_home_network.xml",
                                         toPath: drawing)
        // A finding for the findings page, with its evidence, as the traffic check records it
        // (a code reconciliation after each submission leaves alone).
        let at = Date()
        try FindingOperations(store: try PantauStore(path: s.store), clock: SystemClock()).record([
            Detection(code: .bandwidthOverAllocation, pd: "BAPPEDA", subject: FindingSubject(device: "rtr-bappeda", port: "WAN Telkom"),
                      message: "BAPPEDA: the uplink's 95th percentile was 78 Mbps, over the approved 50 Mbps",
                      evidence: [Evidence(source: "traffic", firstSeen: at, lastSeen: at,
                                          details: ["period": "2026-11 (WITA)", "p95_bps": "78000000", "approved_mbps": "50", "allocation_share": "1"])]),
        ], codes: [.bandwidthOverAllocation])
        let started = ContinuousClock.now
        let r = try run(Self.python, [Lab.repo + "/Tests/PortalBrowser/portal_test.py", "--base", s.base, "--pd", "BAPPEDA",
                                      "--pd-token", s.bappeda, "--other-pd", "DINKES", "--dinas-token", s.diskominfo,
                                      "--drawio", drawing, "--yaml", Lab.repo + "/config/examples/bappeda-lan.yaml", "--shots", shots],
                        timeout: 120)
        print("portal browser test: \(r.stdout.split(separator: "\n").suffix(3).joined(separator: " | ")) (\(ContinuousClock.now - started))")
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr.suffix(3000))")
        #expect(r.stdout.contains(", 0 failed"), "\(r.stdout)")
        let taken = (try? FileManager.default.contentsOfDirectory(atPath: shots).filter { $0.hasSuffix(".png") }) ?? []
        #expect(taken.count >= 32, "screenshots: \(taken.sorted())")
        #expect(!s.process.log.contains(s.bappeda) && !s.process.log.contains(s.diskominfo))
        s.remove()
    }
}

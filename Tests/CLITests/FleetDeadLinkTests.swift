import Foundation
import InventoryTesting
import Testing

/// A collector whose WAN link to the central PostgreSQL dies without a word: packets to the
/// server's port dropped (not refused), as a remote site's link usually fails. Everything runs
/// in a network namespace of the test's own (PostgreSQL on its loopback, a real snmpd, the
/// collector daemon), so the port can be blocked there with iptables without touching the
/// machine's network.
extension FleetCLITests {
    @Test func aCollectorWhoseLinkDropsPacketsNoticesWithinAMinuteSpoolsAndReplaysOnceItIsBack() async throws {
        try #require(getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/iptables"),
                     "needs root and iptables (scripts/setup.sh installs it)")
        let ns = "pantau-deadlink-\(UUID().uuidString.prefix(6).lowercased())"
        func ip(_ args: [String]) throws {
            let r = try run("/usr/sbin/ip", args, timeout: 30)
            try #require(r.status == 0, "ip \(args.joined(separator: " ")): \(r.stderr)")
        }
        try ip(["netns", "add", ns])
        defer { _ = try? run("/usr/sbin/ip", ["netns", "del", ns], timeout: 30) }
        try ip(["netns", "exec", ns, "ip", "link", "set", "lo", "up"])

        let server = try PostgresServer(netns: ns)
        defer { server.stop() }
        let url = try server.createDatabase("deadlink")
        let db = databaseName(url)
        let dir = try Lab.temporaryDirectory("fleet-deadlink")
        defer { try? FileManager.default.removeItem(atPath: dir) }

        // A real snmpd in the namespace, the collector's one target.
        let agentPort = 16161
        let snmpd = try ManagedProcess(name: "snmpd", executable: "/usr/sbin/ip",
                                       arguments: ["netns", "exec", ns, "/usr/sbin/snmpd", "-f", "-Lo", "-C", "-c", Lab.repo + "/lab/snmpd.conf",
                                                   "-p", dir + "/snmpd.pid", "--persistentDir=" + dir, "udp:127.0.0.1:\(agentPort)"],
                                       logPath: dir + "/snmpd.log")
        defer { snmpd.stop() }
        let config = dir + "/site.yaml"
        try """
            store: \(url)
            probes: \(Lab.repo)/probes
            daemon: { interval: 1, inventory_interval: 1h, metrics: off }
            collector: { id: site-x, spool: \(dir)/site-x.spool, heartbeat_seconds: 1 }
            credentials:
              lab: { version: v2c, community: pantau-lab }
            targets:
              - { name: rtr-site, agent: "udp:127.0.0.1:\(agentPort)", credentials: lab, pd: DINKES, options: { timeout: 0.5, retries: 0 } }

            """.write(toFile: config, atomically: true, encoding: .utf8)
        let log = dir + "/site-x.jsonl"
        let p = try ManagedProcess(name: "pantau collect", executable: "/usr/sbin/ip",
                                   arguments: ["netns", "exec", ns, Lab.pantauBinary, "collect", "--config", config, "--counter-log", log],
                                   environment: server.environment.merging(["PANTAU_PROBES": Lab.repo + "/probes"]) { $1 },
                                   logPath: dir + "/site-x.log")
        defer { p.stop() }
        func polled() -> Int { counterPolls([log]).values.reduce(0, +) }
        func inCentral() -> Int { ((try? centralStatus(server, db))?.answered.values.reduce(0, +)) ?? -1 }
        #expect(try await waitFor(60) { inCentral() >= 2 }, "\(p.log)")

        // The link dies: the server's port drops every packet. The forwarder's statement in
        // flight gets no answer; the connection must be given up on (not after the kernel's
        // 15 minutes of retransmissions), the problem said, and polling go on into the spool.
        let block = ["netns", "exec", ns, "iptables", "-A", "INPUT", "-p", "tcp", "--dport", String(server.port), "-j", "DROP"]
        try ip(block)
        let atCut = polled()
        #expect(try await waitFor(120) { p.log.contains("central store not reachable; spooling") }, "\(p.log)")
        #expect(p.isRunning && polled() >= atCut + 5, "\(p.log)")

        // The link returns: the spool is replayed, nothing lost, nothing doubled.
        try ip(block.map { $0 == "-A" ? "-D" : $0 })
        #expect(try await waitFor(90) { p.log.contains("central store reachable again") }, "\(p.log)")
        p.signal(SIGTERM)
        #expect(p.waitForExit(seconds: 60) == 0, "\(p.log)")
        let status = try centralStatus(server, db)
        #expect(!status.doubled)
        let byDevice = counterPolls([log])
        if p.log.contains("counter poll failed") {
            #expect(byDevice.allSatisfy { (status.answered[$0.key] ?? 0) >= $0.value }, "in PostgreSQL \(status.answered), polled \(byDevice)")
        } else {
            #expect(status.answered == byDevice, "in PostgreSQL \(status.answered), polled \(byDevice)")
        }
    }
}

import Foundation
import InventoryModel
import InventoryTesting
import NetSNMP
import Probes
import SNMPCore
import Testing

/// Agents that misbehave in ways no real agent does on demand (lab/hostile-agent.py, a small
/// UDP responder on loopback): answers that are not SNMP, and every reply sent 100 times.
@Suite(.serialized) struct HostileAgentTests {
    final class Agent {
        let port = Lab.freeUDPPort()
        let dir: String
        let process: ManagedProcess
        init(_ mode: [String]) throws {
            dir = try Lab.temporaryDirectory("hostile")
            process = try ManagedProcess(name: "hostile-agent", executable: Lab.repo + "/.venv/bin/python",
                                         arguments: [Lab.repo + "/lab/hostile-agent.py", String(port)] + mode,
                                         environment: ["COUNT_FILE": dir + "/count"], logPath: dir + "/agent.log")
            for _ in 0..<100 where !process.log.contains("ready") { usleep(50_000) }
        }
        var requests: Int { Int((try? String(contentsOfFile: dir + "/count", encoding: .utf8)) ?? "0") ?? 0 }
        var target: SNMPTarget { SNMPTarget(parsing: "udp:127.0.0.1:\(port)")! }
        deinit {
            process.stop()
            try? FileManager.default.removeItem(atPath: dir)
        }
    }

    @Test func answersThatAreNotSNMPAreNamedInTheTimeout() async throws {
        let agent = try Agent(["garbage"])
        try #require(agent.process.log.contains("ready"), "\(agent.process.log)")
        let client = try await NetSNMPEngine.shared.client(target: agent.target, credentials: .community(.v2c, Secret("public")),
                                                           options: SNMPOptions(timeout: 0.3, retries: 1))
        defer { Task { await client.close() } }
        do {
            _ = try await client.get(["1.3.6.1.2.1.1.5.0"])
            Issue.record("a reply that is not SNMP was accepted")
        } catch {
            #expect(error.code == .timeout)
            // Two tries, two answers of the wrong kind.
            #expect(error.description.hasSuffix("no response (timeout): 2 packets came back that are not SNMP (another service on that port?)"),
                    "\(error)")
        }
    }

    /// The same poll with each reply sent once and 100 times: the same inventory, from the
    /// same number of requests (duplicates cause no retransmission, no timeout, no second answer).
    @Test func aHundredCopiesOfEveryReplyChangeNothing() async throws {
        let runner = ProbeRunner(catalog: try ProbeCatalog.load(directory: Lab.repo + "/probes"))
        var results: [(interfaces: Int, sysName: String?, requests: Int)] = []
        for copies in [1, 100] {
            let agent = try Agent(["duplicates", String(copies)])
            try #require(agent.process.log.contains("ready"), "\(agent.process.log)")
            let client = try await NetSNMPEngine.shared.client(target: agent.target, credentials: .community(.v2c, Secret("public")),
                                                               options: SNMPOptions(timeout: 2, retries: 1))
            let inv = try await runner.inventory(client: client, agent: agent.target.description)
            await client.close()
            #expect(inv.warnings.isEmpty, "\(inv.warnings)")
            results.append((inv.interfaces.count, inv.sysName, agent.requests))
        }
        #expect(results[0].interfaces == 300 && results[1].interfaces == 300)
        #expect(results[0].sysName == "hostile" && results[1].sysName == "hostile")
        #expect(results[0].requests == results[1].requests && results[0].requests > 10, "\(results)")
    }
}

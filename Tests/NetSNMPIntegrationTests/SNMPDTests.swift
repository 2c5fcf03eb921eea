import Foundation
import InventoryTesting
@testable import NetSNMP
import SNMPCore
import Testing

/// SNMPv3 and fault behaviour against a real Net-SNMP snmpd on loopback.
@Suite(.serialized) struct SNMPDTests {
    let snmpd: SNMPDAgent

    init() throws { snmpd = try SharedLab.snmpd.get() }

    var target: SNMPTarget { SNMPTarget(parsing: snmpd.agent)! }

    func sysName(_ usm: USMCredentials, timeout: Double = 2) async throws(SNMPError) -> String? {
        let c = try await NetSNMPEngine.shared.client(target: target, credentials: .usm(usm),
                                                      options: SNMPOptions(timeout: timeout, retries: 1))
        do {
            let name = try await c.get(["1.3.6.1.2.1.1.5.0"])[0].value.text
            await c.close()
            return name
        } catch {
            await c.close()
            throw error
        }
    }

    static let users: [(String, AuthProtocol, String, PrivProtocol, String)] = [
        ("labMD5DES", .md5, "lab-auth-md5", .des, "lab-priv-des"),
        ("labSHAAES", .sha, "lab-auth-sha", .aes, "lab-priv-aes"),
        ("labSHA224", .sha224, "lab-auth-sha224", .aes, "lab-priv-224"),
        ("labSHA256", .sha256, "lab-auth-sha256", .aes256, "lab-priv-sha256"),
        ("labSHA384", .sha384, "lab-auth-sha384", .aes192, "lab-priv-sha384"),
        ("labSHA512", .sha512, "lab-auth-sha512", .aes, "lab-priv-sha512"),
    ]

    @Test(arguments: 0..<users.count)
    func authPrivEveryProtocolPair(index: Int) async throws {
        let (user, auth, authPass, priv, privPass) = Self.users[index]
        let name = try await sysName(USMCredentials(user: user, level: .authPriv, authProtocol: auth, authPassword: Secret(authPass),
                                                    privProtocol: priv, privPassword: Secret(privPass)))
        #expect(name == "pantau-lab-snmpd")
    }

    @Test func authNoPrivAndNoAuth() async throws {
        let a = try await sysName(USMCredentials(user: "labAuthOnly", level: .authNoPriv, authProtocol: .sha256,
                                                 authPassword: Secret("lab-auth-only")))
        #expect(a == "pantau-lab-snmpd")
        let n = try await sysName(USMCredentials(user: "labNoAuth", level: .noAuthNoPriv))
        #expect(n == "pantau-lab-snmpd")
    }

    @Test func wrongAuthPasswordIsAnAuthenticationFailure() async {
        do {
            _ = try await sysName(USMCredentials(user: "labSHAAES", level: .authPriv, authProtocol: .sha,
                                                 authPassword: Secret("not-the-password"), privProtocol: .aes,
                                                 privPassword: Secret("lab-priv-aes")))
            Issue.record("expected an authentication failure")
        } catch {
            #expect(error.code == .authenticationFailure)
            #expect(!error.description.contains("not-the-password"))
            #expect(error.description.hasPrefix(snmpd.agent))
        }
    }

    @Test func wrongPrivPasswordFails() async {
        do {
            _ = try await sysName(USMCredentials(user: "labSHAAES", level: .authPriv, authProtocol: .sha,
                                                 authPassword: Secret("lab-auth-sha"), privProtocol: .aes,
                                                 privPassword: Secret("wrong-priv-pass")), timeout: 0.5)
            Issue.record("expected a failure")
        } catch {
            // The request authenticates but snmpd cannot decrypt it, and Net-SNMP's agent then
            // drops it without a report (its own snmpget times out the same way): a timeout,
            // whose hint names the wrong privacy password as a cause.
            #expect(error.code == .timeout, "\(error)")
            #expect(error.hint?.contains("a wrong privacy password also looks like this") == true)
            #expect(!error.description.contains("wrong-priv-pass"))
        }
    }

    /// Two targets on the same agent with the same v3 user name and different passwords,
    /// polled concurrently in both orders: each outcome depends only on its own credentials
    /// (Net-SNMP's USM user table is process-wide; sessions with clashing keys take turns).
    @Test func clashingV3CredentialsNeverCrossOver() async throws {
        let right = USMCredentials(user: "labSHA256", level: .authPriv, authProtocol: .sha256, authPassword: Secret("lab-auth-sha256"),
                                   privProtocol: .aes256, privPassword: Secret("lab-priv-sha256"))
        var wrong = right
        wrong.authPassword = Secret("someone-elses-password")
        for round in 0..<12 {
            let order = round % 2 == 0 ? [right, wrong] : [wrong, right]
            let outcomes = await withTaskGroup(of: (Bool, Result<String?, SNMPError>).self) { group in
                for (i, creds) in (order + order).enumerated() {
                    group.addTask {
                        if i >= 2 { try? await Task.sleep(for: .milliseconds(i * 3)) }
                        do throws(SNMPError) { return (creds == right, .success(try await sysName(creds))) } catch {
                            return (creds == right, .failure(error))
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            for (isRight, result) in outcomes {
                switch result {
                case .success(let name):
                    #expect(isRight && name == "pantau-lab-snmpd", "round \(round): the wrong password got an answer")
                case .failure(let e):
                    #expect(!isRight && e.code == .authenticationFailure, "round \(round): \(isRight ? "right" : "wrong") password: \(e)")
                }
            }
        }
        #expect(NetSNMPEngine.shared.leases.usersInUse == 0)
    }

    @Test func unknownUser() async {
        do {
            _ = try await sysName(USMCredentials(user: "nobody", level: .noAuthNoPriv))
            Issue.record("expected unknown user")
        } catch {
            #expect(error.code == .unknownUser)
        }
    }

    @Test func realIFMIBWalkWithBulk() async throws {
        let c = try await NetSNMPEngine.shared.client(target: target, credentials: .community(.v2c, Secret("pantau-lab")))
        let ifIndex = try await c.walk("1.3.6.1.2.1.2.2.1.1")
        #expect(!ifIndex.isEmpty)  // loopback at least
        let v3 = try await NetSNMPEngine.shared.client(
            target: target,
            credentials: .usm(USMCredentials(user: "labSHA256", level: .authPriv, authProtocol: .sha256,
                                             authPassword: Secret("lab-auth-sha256"), privProtocol: .aes256,
                                             privPassword: Secret("lab-priv-sha256"))))
        #expect(try await v3.walk("1.3.6.1.2.1.2.2.1.1") == ifIndex)
        await c.close()
        await v3.close()
    }

    /// Fifty SNMPv3 agents that never answer beside the real snmpd. Each needs its engine ID
    /// discovered before anything can be asked; those discoveries wait side by side, so the
    /// reachable agent's polls stay fast (an engine that discovered while opening the session
    /// would stall them 2 s per silent agent), and each silent agent fails as a timeout after
    /// its own retries, having been sent exactly one discovery and one retry.
    @Test func unreachableV3AgentsNeverStallTheEngine() async throws {
        let silent = (0..<50).map { _ in SilentUDPAgent() }
        let usm = USMCredentials(user: "labSHA256", level: .authPriv, authProtocol: .sha256, authPassword: Secret("lab-auth-sha256"),
                                 privProtocol: .aes256, privPassword: Secret("lab-priv-sha256"))
        let started = Date()
        async let unreachable = withTaskGroup(of: (Double, SNMPError.Code?).self) { group in
            for s in silent {
                group.addTask {
                    let t0 = Date()
                    do throws(SNMPError) {
                        let c = try await NetSNMPEngine.shared.client(target: SNMPTarget(host: "127.0.0.1", port: s.port), credentials: .usm(usm),
                                                                      options: SNMPOptions(timeout: 1, retries: 1))
                        _ = try await c.get(["1.3.6.1.2.1.1.5.0"])
                        await c.close()
                        return (Date().timeIntervalSince(t0), SNMPError.Code?.none)
                    } catch {
                        return (Date().timeIntervalSince(t0), error.code)
                    }
                }
            }
            return await group.reduce(into: [(Double, SNMPError.Code?)]()) { $0.append($1) }
        }
        try await Task.sleep(for: .milliseconds(300))  // the silent agents' sessions are being opened
        var reachable: [Double] = []
        for _ in 0..<5 {
            let t0 = Date()
            #expect(try await sysName(usm) == "pantau-lab-snmpd")
            reachable.append(Date().timeIntervalSince(t0))
        }
        let reachableDone = Date().timeIntervalSince(started)
        let results = await unreachable
        #expect(reachableDone < 1.8, "reachable polls took \(reachable)")
        #expect(results.count == 50 && results.allSatisfy { $0.1 == .timeout }, "\(results)")
        #expect(results.map(\.0).max()! < 6, "the silent agents' waits did not overlap: \(results.map(\.0).sorted())")
        #expect(silent.map { $0.drain() } == Array(repeating: 2, count: 50))
    }

    /// An agent's engine ID is discovered once and kept: later sessions to it, with any
    /// user, start without a discovery round trip; concurrent first sessions share one.
    @Test func engineIDIsDiscoveredOncePerAgent() async throws {
        let engine = NetSNMPEngine()  // its own cache, so other tests' sessions do not count
        let usm = USMCredentials(user: "labSHA256", level: .authPriv, authProtocol: .sha256, authPassword: Secret("lab-auth-sha256"),
                                 privProtocol: .aes256, privPassword: Secret("lab-priv-sha256"))
        let other = USMCredentials(user: "labAuthOnly", level: .authNoPriv, authProtocol: .sha256, authPassword: Secret("lab-auth-only"))
        try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let c = try await engine.client(target: target, credentials: .usm(usm), options: SNMPOptions(timeout: 2, retries: 1))
                    let name = try await c.get(["1.3.6.1.2.1.1.5.0"])[0].value.text
                    await c.close()
                    return name
                }
            }
            for try await name in group { #expect(name == "pantau-lab-snmpd") }
        }
        #expect(await engine.engineIDDiscoveries == 1)
        for creds in [usm, other] {
            let c = try await engine.client(target: target, credentials: .usm(creds), options: SNMPOptions(timeout: 2, retries: 1))
            #expect(try await c.get(["1.3.6.1.2.1.1.5.0"])[0].value.text == "pantau-lab-snmpd")
            await c.close()
        }
        #expect(await engine.engineIDDiscoveries == 1)
    }

    /// A real agent that stops answering (SIGSTOP): the request times out after its retries,
    /// and the agent answers again once resumed.
    @Test func stoppedAgentTimesOutThenRecovers() async throws {
        let c = try await NetSNMPEngine.shared.client(target: target, credentials: .community(.v2c, Secret("pantau-lab")),
                                                      options: SNMPOptions(timeout: 0.3, retries: 2))
        _ = try await c.get(["1.3.6.1.2.1.1.5.0"])
        snmpd.process.signal(SIGSTOP)
        let start = Date()
        do {
            _ = try await c.get(["1.3.6.1.2.1.1.5.0"])
            Issue.record("expected a timeout")
        } catch {
            #expect(error.code == .timeout)
        }
        let elapsed = Date().timeIntervalSince(start)
        snmpd.process.signal(SIGCONT)
        #expect(elapsed >= 0.85 && elapsed < 3)  // 0.3 s × (1 + 2 retries)
        #expect(try await c.get(["1.3.6.1.2.1.1.5.0"])[0].value.text == "pantau-lab-snmpd")
        await c.close()
    }
}

/// Retries counted at the receiving socket: a UDP socket that reads requests and never
/// answers (the one fault here a real agent cannot be asked to produce precisely).
@Suite struct RetryTests {
    @Test func retriesAreSentThenTimeout() async throws {
        let silent = SilentUDPAgent()
        let port = silent.port
        let c = try await NetSNMPEngine.shared.client(target: SNMPTarget(host: "127.0.0.1", port: port),
                                                      credentials: .community(.v2c, Secret("x")),
                                                      options: SNMPOptions(timeout: 0.2, retries: 3))
        let start = Date()
        do {
            _ = try await c.get(["1.3.6.1.2.1.1.1.0"])
            Issue.record("expected a timeout")
        } catch {
            #expect(error.code == .timeout)
        }
        #expect(Date().timeIntervalSince(start) > 0.7)
        #expect(silent.drain() == 4)
        await c.close()
    }

    /// Fifty unreachable agents time out together, not one after another: nothing blocks per agent.
    /// Judged by each request's own duration, which stays near the 0.5 s timeout when the
    /// waits overlap and grows to 25 s for the last of fifty waits in a queue, so a loaded
    /// machine cannot fail it while a serialising engine always does.
    @Test func timeoutsOverlap() async throws {
        let durations = try await withThrowingTaskGroup(of: Double.self) { group in
            for i in 0..<50 {
                group.addTask {
                    let c = try await NetSNMPEngine.shared.client(
                        target: SNMPTarget(host: "127.0.0.1", port: Lab.freeUDPPort()),
                        credentials: .community(.v2c, Secret("c\(i)")), options: SNMPOptions(timeout: 0.5, retries: 0))
                    let start = Date()
                    _ = try? await c.get(["1.3.6.1.2.1.1.1.0"])
                    let took = Date().timeIntervalSince(start)
                    await c.close()
                    return took
                }
            }
            return try await group.reduce(into: [Double]()) { $0.append($1) }.sorted()
        }
        #expect(durations.count == 50)
        // Every request really waited for its timeout...
        #expect(durations.first.map { $0 >= 0.45 } == true, "\(durations)")
        // ...and the waits overlapped: queued, the median would be about 12.5 s and the slowest 25 s.
        #expect(durations[25] < 2.5 && durations[49] < 5, "\(durations)")
    }
}

import Foundation
import InventoryTesting
import NetSNMP
import SNMPCore
import Testing

/// The Net-SNMP engine against snmpsim serving the real device recordings.
@Suite(.serialized) struct SNMPSimWireTests {
    let sim: SNMPSimAgent

    init() throws { sim = try SharedLab.snmpsim.get() }

    /// snmpsim is a single-threaded Python agent: give it generous timeouts.
    static let patient = SNMPOptions(timeout: 5, retries: 2)

    func client(_ community: String, version: SNMPVersion = .v2c, options: SNMPOptions = patient) async throws -> NetSNMPClient {
        try await NetSNMPEngine.shared.client(
            target: SNMPTarget(parsing: sim.agent)!, credentials: .community(version, Secret(community)), options: options)
    }

    /// Every recording walked over the wire (GETBULK, then GETNEXT as SNMPv1) gives exactly
    /// the bindings in the file: the engine's walk and the in-process playback agree.
    @Test(arguments: Lab.recordings)
    func fullWalkOverTheWireEqualsRecording(name: String) async throws {
        let recording = try SNMPRecording(contentsOf: "\(Lab.snmpCorpus)/\(name).snmprec")
        let bulk = try await client(name, options: SNMPOptions(timeout: 5, retries: 2, maxRepetitions: 50))
        let wire = try await bulk.walk("1")
        await bulk.close()
        #expect(wire.count == recording.bindings.count)
        #expect(wire == recording.bindings)
        let playback = try await RecordingSNMPClient(recording: recording).walk("1")
        #expect(playback == wire)
    }

    @Test func v1GetNextWalkMatchesBulk() async throws {
        let v1 = try await client("routeros", version: .v1)
        let v2 = try await client("routeros")
        let a = try await v1.walk("1.3.6.1.2.1.2.2.1")
        let b = try await v2.walk("1.3.6.1.2.1.2.2.1")
        #expect(a == b)
        #expect(a.count == 132)
        await v1.close()
        await v2.close()
    }

    @Test func getReturnsExceptionsAsValues() async throws {
        let c = try await client("linux_icecast")
        let r = try await c.get(["1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.1.99.0", "1.3.6.1.4.1.99999.1.0"])
        #expect(r.count == 3)
        #expect(r[0].value.text?.isEmpty == false)
        #expect(r[1].value.isException)
        #expect(r[2].value.isException)
        let next = try await c.getNext(["1.3.6.1.2.1.1.1"])
        #expect(next[0].oid == "1.3.6.1.2.1.1.1.0")
        await c.close()
    }

    @Test func lockstepColumnsOverTheWire() async throws {
        let c = try await client("iosxe_c9300", options: SNMPOptions(timeout: 5, retries: 2, maxRepetitions: 10))
        let cols: [OID] = ["1.3.6.1.2.1.2.2.1.2", "1.3.6.1.2.1.2.2.1.3", "1.3.6.1.2.1.31.1.1.1.1", "1.3.6.1.2.1.31.1.1.1.15"]
        let together = try await c.walkColumns(cols)
        for (i, col) in cols.enumerated() {
            #expect(together[i] == (try await c.walk(col)))
        }
        #expect(together.allSatisfy { $0.count == 76 })
        await c.close()
    }

    /// Many agents at once: one engine thread, no thread per agent, all complete.
    @Test func hundredsOfConcurrentWalks() async throws {
        let names = Lab.recordings
        let target = SNMPTarget(parsing: sim.agent)!
        let results = try await withThrowingTaskGroup(of: (String, Int).self) { group in
            for i in 0..<128 {
                let name = names[i % names.count]
                group.addTask {
                    let c = try await NetSNMPEngine.shared.client(target: target, credentials: .community(.v2c, Secret(name)), options: Self.patient)
                    defer { Task { await c.close() } }
                    return (name, try await c.walk("1.3.6.1.2.1.2.2.1.1").count)
                }
            }
            var counts: [(String, Int)] = []
            for try await n in group { counts.append(n) }
            return counts
        }
        #expect(results.count == 128)
        for (name, count) in results {
            let expected = try SNMPRecording(contentsOf: "\(Lab.snmpCorpus)/\(name).snmprec").bindings
                .filter { $0.oid.isDescendant(of: "1.3.6.1.2.1.2.2.1.1") }.count
            #expect(count == expected, "\(name)")
        }
    }

    @Test func wrongCommunityTimesOutWithAHint() async throws {
        let c = try await client("no-such-recording", options: SNMPOptions(timeout: 0.3, retries: 1))
        do {
            _ = try await c.get(["1.3.6.1.2.1.1.1.0"])
            Issue.record("expected a timeout")
        } catch {
            #expect(error.code == .timeout)
            #expect(error.description == "\(sim.agent): GET 1.3.6.1.2.1.1.1.0: no response (timeout)")
            #expect(error.hint?.contains("community") == true)
            #expect(!error.description.contains("no-such-recording"))
        }
        await c.close()
    }
}

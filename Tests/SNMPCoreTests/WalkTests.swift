import Testing
@testable import SNMPCore

/// Walk termination rules, exercised over the in-process recording client and over a client
/// that misbehaves the way some agents do (a fault snmpsim cannot produce on demand).
@Suite struct WalkTests {
    let recording = try! SNMPRecording(text: """
        1.3.6.1.2.1.1.1.0|4|Test agent
        1.3.6.1.2.1.1.5.0|4|sw1
        1.3.6.1.2.1.2.2.1.1.1|2|1
        1.3.6.1.2.1.2.2.1.1.2|2|2
        1.3.6.1.2.1.2.2.1.1.10|2|10
        1.3.6.1.2.1.2.2.1.2.1|4|eth0
        1.3.6.1.2.1.2.2.1.2.2|4x|65746831
        1.3.6.1.2.1.2.2.1.2.10|4|lo
        1.3.6.1.2.1.2.2.1.6.1|4x|001b213a4f10
        1.3.6.1.2.1.31.1.1.1.1.1|4|Gi0/1
        """)

    @Test(arguments: [SNMPVersion.v1, .v2c], [1, 2, 25])
    func walkStopsAtEndOfSubtree(version: SNMPVersion, reps: Int) async throws {
        let client = RecordingSNMPClient(recording: recording, version: version, options: SNMPOptions(maxRepetitions: reps))
        let rows = try await client.walk("1.3.6.1.2.1.2.2.1.2")
        #expect(rows.map(\.oid.description) == ["1.3.6.1.2.1.2.2.1.2.1", "1.3.6.1.2.1.2.2.1.2.2", "1.3.6.1.2.1.2.2.1.2.10"])
        #expect(rows[1].value.text == "eth1")
    }

    @Test func walkToEndOfMib() async throws {
        let client = RecordingSNMPClient(recording: recording)
        let rows = try await client.walk("1.3.6.1.2.1.31")
        #expect(rows.count == 1)
    }

    @Test func lockstepColumnsMatchSeparateWalks() async throws {
        let client = RecordingSNMPClient(recording: recording, options: SNMPOptions(maxRepetitions: 2))
        let cols: [OID] = ["1.3.6.1.2.1.2.2.1.1", "1.3.6.1.2.1.2.2.1.2", "1.3.6.1.2.1.2.2.1.6"]
        let together = try await client.walkColumns(cols)
        for (i, c) in cols.enumerated() {
            #expect(together[i] == (try await client.walk(c)))
        }
        #expect(together.map(\.count) == [3, 3, 1])
    }

    @Test func getReportsMissingObjectsAsValues() async throws {
        let client = RecordingSNMPClient(recording: recording)
        let r = try await client.get(["1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.1.6.0", "1.3.6.1.2.1.2.2.1.2.7"])
        #expect(r[0].value.text == "sw1")
        #expect(r[1].value.isException)
        #expect(r[2].value == .noSuchInstance)
    }

    /// An agent whose GETNEXT answers never advance past one OID.
    struct LoopingClient: SNMPClient {
        var agentDescription = "udp:looper:161"
        var version = SNMPVersion.v2c
        var options = SNMPOptions(maxRepetitions: 5)
        func get(_ oids: [OID]) async throws(SNMPError) -> [VarBind] { [] }
        func getNext(_ oids: [OID]) async throws(SNMPError) -> [VarBind] { [] }
        func getBulk(_ oids: [OID], nonRepeaters: Int, maxRepetitions: Int) async throws(SNMPError) -> [VarBind] {
            [VarBind("1.3.6.1.2.1.2.2.1.2.1", .octets(Array("a".utf8))), VarBind("1.3.6.1.2.1.2.2.1.2.1", .octets(Array("a".utf8)))]
        }
        func close() async {}
    }

    @Test func loopingAgentIsReportedWithPartialData() async {
        do {
            _ = try await LoopingClient().walk("1.3.6.1.2.1.2.2.1.2")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .walkNotIncreasing("1.3.6.1.2.1.2.2.1.2.1"))
            #expect(error.partial.count == 1)
            #expect(error.description.hasPrefix("udp:looper:161: walking 1.3.6.1.2.1.2.2.1.2: "))
        }
    }

    /// An agent whose table never ends.
    struct EndlessClient: SNMPClient {
        var agentDescription = "udp:endless:161"
        var version = SNMPVersion.v2c
        var options = SNMPOptions(maxRepetitions: 10, maxWalkRows: 50)
        func get(_ oids: [OID]) async throws(SNMPError) -> [VarBind] { [] }
        func getNext(_ oids: [OID]) async throws(SNMPError) -> [VarBind] { [] }
        func getBulk(_ oids: [OID], nonRepeaters: Int, maxRepetitions: Int) async throws(SNMPError) -> [VarBind] {
            let base: OID = "1.3.6.1.2.1.2.2.1.1"
            let start = oids[0] == base ? 0 : (oids[0].components.last ?? 0)
            return (1...UInt32(maxRepetitions)).map { VarBind(base.appending(start + $0), .integer(1)) }
        }
        func close() async {}
    }

    @Test func endlessTableHitsTheLimit() async {
        do {
            _ = try await EndlessClient().walk("1.3.6.1.2.1.2.2.1.1")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .walkLimitExceeded(50))
            #expect(error.partial.count == 51)
        }
    }

    /// Recordings saved on Windows end their lines with CR LF (LibreNMS's ciscome1200 does);
    /// "\r\n" is one Character in Swift, so a split on "\n" alone read such a file as one line.
    @Test func recordingReadsCRLFLines() throws {
        let r = try SNMPRecording(text: "1.3.6.1.2.1.1.1.0|4|ME1200 switch\r\n1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.9.1.1899\r\n")
        #expect(r.bindings.count == 2)
        #expect(r.bindings.first?.value == .octets(Array("ME1200 switch".utf8)))
        #expect(r.bindings.last?.value == .oid(OID("1.3.6.1.4.1.9.1.1899")))
    }

    @Test func recordingRejectsBadLines() {
        #expect(throws: SNMPRecording.ParseError.self) { try SNMPRecording(text: "1.3.6|4") }
        #expect(throws: SNMPRecording.ParseError.self) { try SNMPRecording(text: "1.3.x|4|a") }
        #expect(throws: SNMPRecording.ParseError.self) { try SNMPRecording(text: "1.3.6|2|notanumber") }
        #expect(throws: SNMPRecording.ParseError.self) { try SNMPRecording(text: "1.3.6|4x|abc") }
    }
}

import Foundation
import InventoryModel
import Probes
import SNMPCore
import Testing

/// Faults a recording (or snmpsim) cannot produce on demand: a table that times out midway,
/// an SNMPv1 agent, an agent that does not answer at all.
@Suite struct RunnerFaultTests {
    static func recording(_ name: String) throws -> SNMPRecording {
        try SNMPRecording(contentsOf: "\(Paths.snmpCorpus)/\(name).snmprec")
    }

    /// Answers from a recording, but times out on any walk request under `failing` after
    /// `allowed` successful ones.
    final class TimeoutUnderSubtree: SNMPClient, @unchecked Sendable {
        let base: RecordingSNMPClient
        let failing: OID
        var allowed: Int
        init(base: RecordingSNMPClient, failing: OID, allowed: Int) {
            self.base = base
            self.failing = failing
            self.allowed = allowed
        }
        var agentDescription: String { base.agentDescription }
        var version: SNMPVersion { base.version }
        var options: SNMPOptions { base.options }
        func check(_ oids: [OID]) throws(SNMPError) {
            guard oids.contains(where: { $0.hasPrefix(failing) }) else { return }
            if allowed > 0 { allowed -= 1; return }
            throw SNMPError(.timeout, agent: agentDescription, action: "walking \(oids[0])")
        }
        func get(_ oids: [OID]) async throws(SNMPError) -> [VarBind] { try await base.get(oids) }
        func getNext(_ oids: [OID]) async throws(SNMPError) -> [VarBind] {
            try check(oids)
            return try await base.getNext(oids)
        }
        func getBulk(_ oids: [OID], nonRepeaters: Int, maxRepetitions: Int) async throws(SNMPError) -> [VarBind] {
            try check(oids)
            return try await base.getBulk(oids, nonRepeaters: nonRepeaters, maxRepetitions: maxRepetitions)
        }
        func close() async {}
    }

    @Test func tableTimeoutBecomesWarningAndKeepsPartialRows() async throws {
        let base = RecordingSNMPClient(recording: try Self.recording("routeros"), name: "routeros",
                                       options: SNMPOptions(maxRepetitions: 5))
        let client = TimeoutUnderSubtree(base: base, failing: "1.0.8802.1.1.2.1.4.1", allowed: 1)
        let inv = try await ProbeRunner(catalog: try catalog()).inventory(client: client, agent: "udp:192.0.2.1:161")
        let warning = try #require(inv.warnings.first { $0.contains("lldpRemTable") })
        #expect(warning.contains("timeout"))
        #expect(inv.warnings.count == 1)
        // Partial rows kept, the rest of the inventory complete.
        // Exactly the rows of the one GETBULK answered before the timeouts (max-repetitions 5),
        // of the recording's 14.
        #expect(inv.neighbors.count == 5)
        #expect(inv.interfaces.count == 12)
        #expect(inv.forwarding.count == 17)
        #expect(inv.serial == "71B1060EE89D")
    }

    /// SNMPv1 semantics over a recording: a missing object fails the whole GET with
    /// noSuchName; the end of the MIB is noSuchName on GETNEXT; no GETBULK.
    struct V1Agent: SNMPClient {
        let base: RecordingSNMPClient
        var agentDescription: String { base.agentDescription }
        var version: SNMPVersion { .v1 }
        var options: SNMPOptions { base.options }
        func get(_ oids: [OID]) async throws(SNMPError) -> [VarBind] {
            let r = try await base.get(oids)
            if let i = r.firstIndex(where: { $0.value.isException }) {
                throw SNMPError(.errorStatus(2, index: i + 1), agent: agentDescription, action: "get")
            }
            return r
        }
        func getNext(_ oids: [OID]) async throws(SNMPError) -> [VarBind] {
            let r = try await base.getNext(oids)
            if let i = r.firstIndex(where: { $0.value == .endOfMibView }) {
                throw SNMPError(.errorStatus(2, index: i + 1), agent: agentDescription, action: "getnext")
            }
            return r
        }
        func getBulk(_ oids: [OID], nonRepeaters: Int, maxRepetitions: Int) async throws(SNMPError) -> [VarBind] {
            throw SNMPError(.invalidConfiguration, agent: agentDescription, action: "getbulk", detail: "not in SNMPv1")
        }
        func close() async {}
    }

    @Test(arguments: ["routeros", "eaton-mgeups_9pxle", "jetdirect_m252dw"])
    func v1AgentGivesTheSameInventory(name: String) async throws {
        let rec = try Self.recording(name)
        let runner = ProbeRunner(catalog: try catalog())
        var v2 = try await runner.inventory(client: RecordingSNMPClient(recording: rec, name: name), agent: name)
        var v1 = try await runner.inventory(client: V1Agent(base: RecordingSNMPClient(recording: rec, name: name)), agent: name)
        v2.polledAt = Date(timeIntervalSince1970: 0)
        v1.polledAt = v2.polledAt
        #expect(v1.warnings.isEmpty, "\(v1.warnings)")
        #expect(v1.model == v2.model && v1.serial == v2.serial && v1.version == v2.version)
        #expect(v1 == v2)
        #expect(v1.sysName != nil && !v1.interfaces.isEmpty)
    }

    @Test func v1AgentMissingASystemObject() async throws {
        // Without sysContact the v1 agent fails the whole system GET with noSuchName.
        let full = try Self.recording("routeros")
        let rec = SNMPRecording(bindings: full.bindings.filter { $0.oid != "1.3.6.1.2.1.1.4.0" })
        let inv = try await ProbeRunner(catalog: try catalog()).inventory(client: V1Agent(base: RecordingSNMPClient(recording: rec)), agent: "v1")
        #expect(inv.sysContact == nil)
        #expect(inv.sysDescr == "router")
        #expect(inv.family == "mikrotik-routeros")
        #expect(inv.serial == "71B1060EE89D")
    }

    struct Silent: SNMPClient {
        var agentDescription = "udp:192.0.2.9:161"
        var version = SNMPVersion.v2c
        var options = SNMPOptions()
        func get(_ oids: [OID]) async throws(SNMPError) -> [VarBind] {
            throw SNMPError(.timeout, agent: agentDescription, action: "getting \(oids.count) objects")
        }
        func getNext(_ oids: [OID]) async throws(SNMPError) -> [VarBind] { try await get(oids) }
        func getBulk(_ oids: [OID], nonRepeaters: Int, maxRepetitions: Int) async throws(SNMPError) -> [VarBind] { try await get(oids) }
        func close() async {}
    }

    /// Answers the identity GETs, then nothing.
    struct DiesAfterIdentity: SNMPClient {
        let base: RecordingSNMPClient
        var agentDescription: String { base.agentDescription }
        var version: SNMPVersion { base.version }
        var options: SNMPOptions { base.options }
        func get(_ oids: [OID]) async throws(SNMPError) -> [VarBind] { try await base.get(oids) }
        func getNext(_ oids: [OID]) async throws(SNMPError) -> [VarBind] {
            throw SNMPError(.timeout, agent: agentDescription, action: "walking \(oids[0])")
        }
        func getBulk(_ oids: [OID], nonRepeaters: Int, maxRepetitions: Int) async throws(SNMPError) -> [VarBind] {
            try await getNext(oids)
        }
        func close() async {}
    }

    @Test func agentThatStopsAnsweringIsNotWalkedTableByTable() async throws {
        let client = DiesAfterIdentity(base: RecordingSNMPClient(recording: try Self.recording("routeros")))
        let inv = try await ProbeRunner(catalog: try catalog()).inventory(client: client, agent: "x")
        #expect(inv.sysDescr == "router" && inv.serial == "71B1060EE89D")  // GETs still answered
        #expect(inv.interfaces.isEmpty)
        #expect(inv.warnings.filter { $0.hasPrefix("table ") }.count == 2)
        #expect(inv.warnings.last?.hasPrefix("skipped ") == true)
    }

    @Test func unreachableAgentIsTheDevicesFailure() async throws {
        let runner = ProbeRunner(catalog: try catalog())
        await #expect(throws: SNMPError.self) { _ = try await runner.inventory(client: Silent(), agent: "udp:192.0.2.9:161") }
        do {
            _ = try await runner.inventory(client: Silent(), agent: "udp:192.0.2.9:161")
        } catch {
            #expect(error.code == .timeout)
        }
    }

    @Test func listsAreDeterministic() async throws {
        let rec = try Self.recording("ruijie")
        let runner = ProbeRunner(catalog: try catalog())
        var a = try await runner.inventory(client: RecordingSNMPClient(recording: rec), agent: "x")
        var b = try await runner.inventory(client: RecordingSNMPClient(recording: rec, options: SNMPOptions(maxRepetitions: 3)), agent: "x")
        a.polledAt = b.polledAt
        #expect(a == b)
        #expect(a.interfaces.map(\.ifIndex) == a.interfaces.map(\.ifIndex).sorted())
        #expect(a.neighbors.allSatisfy { $0.localIfIndex != nil })
    }
}

/// Family options change how the agent is asked, not what the inventory means.
@Suite struct FamilyOptionTests {
    final class Recorder: SNMPClient, @unchecked Sendable {
        let base: RecordingSNMPClient
        var bulk = 0, next = 0, walkedIfX = false
        init(_ base: RecordingSNMPClient) { self.base = base }
        var agentDescription: String { base.agentDescription }
        var version: SNMPVersion { base.version }
        var options: SNMPOptions { base.options }
        func note(_ oids: [OID]) { if oids.contains(where: { $0.hasPrefix("1.3.6.1.2.1.31.1.1.1") }) { walkedIfX = true } }
        func get(_ oids: [OID]) async throws(SNMPError) -> [VarBind] { try await base.get(oids) }
        func getNext(_ oids: [OID]) async throws(SNMPError) -> [VarBind] {
            next += 1
            note(oids)
            return try await base.getNext(oids)
        }
        func getBulk(_ oids: [OID], nonRepeaters: Int, maxRepetitions: Int) async throws(SNMPError) -> [VarBind] {
            bulk += 1
            note(oids)
            return try await base.getBulk(oids, nonRepeaters: nonRepeaters, maxRepetitions: maxRepetitions)
        }
        func close() async {}
    }

    @Test func bulkOffAndExcludedTable() async throws {
        let cat = try ProbeCatalog.load(directory: "\(Paths.fixtures)/quirks")
        let rec = try SNMPRecording(contentsOf: "\(Paths.snmpCorpus)/routeros.snmprec")
        let client = Recorder(RecordingSNMPClient(recording: rec))
        let inv = try await ProbeRunner(catalog: cat).inventory(client: client, agent: "x")
        #expect(inv.family == "old-agent")
        #expect(client.bulk == 0 && client.next > 12)
        #expect(!client.walkedIfX)
        #expect(inv.interfaces.count == 12 && inv.interfaces.allSatisfy { $0.ifName == nil && $0.ifDescr != nil })

        // The same device under the generic family: GETBULK, ifXTable read.
        let other = Recorder(RecordingSNMPClient(recording: SNMPRecording(bindings: rec.bindings.filter {
            $0.oid != "1.3.6.1.2.1.1.2.0"
        })))
        let inv2 = try await ProbeRunner(catalog: cat).inventory(client: other, agent: "x")
        #expect(inv2.family == "generic" && other.bulk > 0 && other.next == 0 && other.walkedIfX)
        #expect(inv2.interfaces.allSatisfy { $0.ifName != nil })
    }
}

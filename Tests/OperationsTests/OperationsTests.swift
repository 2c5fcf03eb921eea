import Collectors
import Foundation
import Governance
import InventoryModel
import InventoryStore
import InventoryTesting
import Operations
import Probes
import SNMPCore
import Settings
import Storage
import Testing

/// The use cases every front end shares, on a real (in-memory) SQLite store, a fixed clock
/// and recorded devices: what each returns and what each refuses.
@Suite struct OperationsTests {
    static let now = Date(timeIntervalSince1970: 1_720_000_000)
    let clock = FixedClock(OperationsTests.now)

    /// A store with the example registry and the Manggarai profile.
    func governedStore() throws -> PantauStore {
        let store = try PantauStore(inMemory: ())
        let profile = try RegionalProfile.load(path: Lab.repo + "/config/profiles/manggarai.yaml")
        try store.activate(profile: profile, by: "test", at: Self.now)
        try store.saveRegistry(try PDRegistry.load(path: Lab.repo + "/config/registry.example.yaml", profile: profile), source: "example", at: Self.now)
        return store
    }

    // MARK: Poll and record

    @Test func pollAndRecordStoresEachDeviceAsItArrivesAndKeepsFailuresApart() async throws {
        let dir = try Lab.temporaryDirectory("ops")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
            credentials: { c: { version: v2c, community: x } }
            targets:
              - { name: crs, agent: "udp:10.0.0.1:161", credentials: c, pd: DISKOMINFO }
              - { name: ruijie, agent: "udp:10.0.0.2:161", credentials: c }
              - { name: gone, agent: "udp:10.0.0.3:161", credentials: c }
            """.write(toFile: dir + "/c.yaml", atomically: true, encoding: .utf8)
        let config = try PantauConfig.load(path: dir + "/c.yaml", environment: [:])
        let recordings = ["udp:10.0.0.1:161": "routeros_crs317", "udp:10.0.0.2:161": "ruijie"]
        let collector = Collector(runner: ProbeRunner(catalog: try ProbeCatalog.load(directory: Lab.repo + "/probes")), concurrency: 2,
                                  clock: clock) { (target: PantauConfig.Target) async throws(SNMPError) -> any SNMPClient in
            guard let name = recordings[target.agent.description] else {
                throw SNMPError(.timeout, agent: target.agent.description, action: "GET 1.3.6.1.2.1.1.2.0")
            }
            let recording: SNMPRecording
            do { recording = try SNMPRecording(contentsOf: "\(Lab.snmpCorpus)/\(name).snmprec") } catch {
                throw SNMPError(.invalidConfiguration, agent: target.agent.description, action: "reading the recording", detail: "\(error)")
            }
            return RecordingSNMPClient(recording: recording, name: target.agent.description)
        }
        let store = try PantauStore(inMemory: ())
        let seen = Seen()
        let run = await PollAndRecord(collector: collector, store: store, clock: clock).run(config.targets) { device, done, total in
            // Stored before it is reported.
            seen.add(device.outcome.name, stored: (try? store.device(device.outcome.name)) != nil, done: done, total: total)
        }
        #expect(run.devices.map(\.outcome.name) == ["crs", "ruijie", "gone"])
        #expect(run.devices.map(\.ok) == [true, true, false])
        #expect(run.failed == 1 && run.unusableStore == nil)
        #expect(seen.all.count == 3 && seen.all.allSatisfy(\.stored) && seen.all.map(\.done).sorted() == [1, 2, 3])
        let crs = try #require(try store.device("crs"))
        #expect(crs.summary.model == "CRS317-1G-16S+" && crs.summary.pd == "DISKOMINFO")
        #expect(crs.summary.lastPollAt == Self.now && crs.inventory?.polledAt == Self.now)
        #expect(try store.device("gone")?.summary.lastPollOK == false)
        // A second run changes nothing for the recorded devices.
        let again = await PollAndRecord(collector: collector, store: store, clock: clock).run(config.targets)
        let unchanged = again.devices.filter(\.ok).allSatisfy { $0.changes.isEmpty }
        #expect(unchanged && again.devices.filter(\.ok).count == 2)
    }

    final class Seen: @unchecked Sendable {
        struct Entry { var name: String; var stored: Bool; var done: Int }
        private let lock = NSLock()
        private var entries: [Entry] = []
        func add(_ name: String, stored: Bool, done: Int, total: Int) { lock.withLock { entries.append(Entry(name: name, stored: stored, done: done)) } }
        var all: [Entry] { lock.withLock { entries } }
    }

    // MARK: Diagrams

    @Test func submitRefusesInvalidFilesAuditsAndStoresValidOnes() throws {
        let store = try governedStore()
        let ops = DiagramOperations(store: store, clock: clock)
        let yaml = Array(try String(contentsOfFile: Lab.repo + "/config/examples/bappeda-lan.yaml", encoding: .utf8).utf8)
        #expect { try ops.submit(pd: "NOPE", yaml, fileName: "b.yaml", submitter: "M", channel: "cli", actor: "cli:M") } throws: {
            ($0 as? OperationError)?.kind == .notFound
        }
        do {
            _ = try ops.submit(pd: "DINKES", yaml, fileName: "b.yaml", submitter: "M", channel: "cli", actor: "cli:M")
            Issue.record("stored Bappeda's diagram for Dinkes")
        } catch let e as OperationError {
            #expect(e.kind == .invalid && e.message == "b.yaml: 1 problem(s); nothing was stored")
            #expect(e.issues.count == 1 && e.issues[0].contains("this diagram is for PD \"BAPPEDA\", not \"DINKES\""), "\(e.issues)")
        }
        let v1 = try ops.submit(pd: "BAPPEDA", yaml, fileName: "dir/b.yaml", submitter: "Maria", channel: "http", actor: "token #1")
        #expect(v1.submission.version == 1 && v1.submission.fileName == "b.yaml" && v1.submission.submittedAt == Self.now && v1.report == nil)
        #expect(try store.auditLog().map { "\($0.actor) \($0.action) \($0.pd ?? "-") \($0.outcome)" } == [
            "cli:M submit DINKES invalid", "token #1 submit BAPPEDA ok",
        ])
        // Diff: the latest against the one before, and clear refusals.
        #expect { try ops.diff(pd: "BAPPEDA", from: nil, to: nil) } throws: { ($0 as? OperationError)?.message == "BAPPEDA has versions 1-1; cannot compare 0 and 1" }
        #expect { try ops.diff(pd: "DINKES", from: nil, to: nil) } throws: { ($0 as? OperationError)?.message == "DINKES: no diagrams submitted" }
        let v2text = Array(String(decoding: yaml, as: UTF8.self).replacingOccurrences(of: "    model: TL-SG1024\n", with: "    model: TL-SG1024DE\n").utf8)
        let v2 = try ops.submit(pd: "BAPPEDA", v2text, fileName: "b.yaml", submitter: "Maria", channel: "cli", actor: "cli:Maria")
        #expect(v2.report?.diff.text == "~ device sw-lt2 model: TL-SG1024 -> TL-SG1024DE\n")
        let d = try ops.diff(pd: "BAPPEDA", from: nil, to: nil)
        #expect(d.from == 1 && d.to == 2 && d.diff.text == v2.report?.diff.text)
        // Status under the profile, at the clock's time.
        let status = try ops.status()
        #expect(status.profile.id == "manggarai")
        #expect(status.pds.first { $0.pd == "BAPPEDA" }?.duty.state == .current)
        #expect(status.pds.first { $0.pd == "DINKES" }?.duty.state == .neverSubmitted)
    }

    @Test func statusAndDraftNeedTheirPreconditions() throws {
        let bare = DiagramOperations(store: try PantauStore(inMemory: ()), clock: clock)
        #expect { try bare.status() } throws: { ($0 as? OperationError)?.kind == .unavailable }
        #expect { try bare.draft(pd: "BAPPEDA") } throws: { ($0 as? OperationError)?.kind == .unavailable }
        let ops = DiagramOperations(store: try governedStore(), clock: clock)
        #expect { try ops.draft(pd: "NOPE") } throws: { ($0 as? OperationError)?.kind == .notFound }
    }

    @Test func draftsComeFromTheStoresInventories() throws {
        let store = try governedStore()
        var inv = DeviceInventory(agent: "udp:10.21.0.2:161", polledAt: Self.now)
        inv.sysName = "sw-core"
        inv.forwarding = [ForwardingEntry(mac: "00:11:22:33:44:55", vlan: 30, ifIndex: 3)]
        try store.record(PollOutcome(name: "sw-core", agent: inv.agent, pd: nil, startedAt: Self.now, duration: 0.1, result: .success(inv)))
        let ops = DiagramOperations(store: store, clock: clock)
        // Attributed to Bappeda by its management address inside Bappeda's subnet.
        #expect(try ops.observed(pd: "BAPPEDA").devices.map(\.id) == ["sw-core"])
        #expect(try ops.observed(pd: "DINKES").devices.isEmpty)
        let draft = try ops.draft(pd: "BAPPEDA")
        #expect(draft.pd == "BAPPEDA" && draft.devices.map(\.id) == ["sw-core"])
        let zone = try #require(try store.activeProfile()).timeZone
        #expect(draft.asOf == LocalDate(Self.now, in: zone).description)
    }

    // MARK: Access

    @Test func tokensAuthenticateAndEveryRefusalIsAuditedOnce() throws {
        let store = try governedStore()
        let access = AccessOperations(store: store, clock: clock)
        #expect { try access.create(pd: "NOPE", label: "x", expiresDays: nil, actor: "cli") } throws: { ($0 as? OperationError)?.kind == .notFound }
        #expect { try access.create(pd: "BAPPEDA", label: "x", expiresDays: 0, actor: "cli") } throws: { ($0 as? OperationError)?.kind == .invalid }
        let made = try access.create(pd: "BAPPEDA", label: "Tier-1", expiresDays: 30, actor: "cli")
        let caller = try access.authenticate(authorization: "Bearer \(made.secret)", action: "status", pd: nil)
        #expect(caller.token.role == .pd("BAPPEDA") && caller.actor == "token #\(made.id) (pd:BAPPEDA, Tier-1)")
        for header in [nil, "Basic abc", "Bearer pantau_guess"] as [String?] {
            #expect { try access.authenticate(authorization: header, action: "status", pd: nil) } throws: { ($0 as? OperationError)?.kind == .forbidden }
        }
        try access.revoke(id: made.id, actor: "cli")
        #expect { try access.authenticate(authorization: "Bearer \(made.secret)", action: "status", pd: nil) } throws: {
            ($0 as? OperationError)?.message.contains("revoked") == true
        }
        #expect { try access.revoke(id: made.id, actor: "cli") } throws: { ($0 as? OperationError)?.kind == .notFound }
        let log = try store.auditLog().map { "\($0.action) \($0.outcome) \($0.detail)" }
        #expect(log.filter { $0.hasPrefix("status refused") } == [
            "status refused no bearer token", "status refused no bearer token", "status refused unknown token",
            "status refused token revoked",
        ], "\(log)")
        #expect(!log.joined().contains(made.secret))
    }

    // MARK: Sightings and counters

    @Test func hostsReportFlagsVLANsWithTwoDHCPServersAndWritesEveryKey() throws {
        let store = try PantauStore(inMemory: ())
        var batch = SightingBatch()
        let mac = try #require(MACAddress("00:11:22:33:44:55"))
        batch.hosts = [HostSighting(mac: mac, vlan: 20, capturePoint: "mirror", vendor: nil, pd: nil, firstSeen: Self.now, lastSeen: Self.now,
                                    framesSampled: 3, addresses: [], names: [])]
        for (ip, m) in [("10.20.0.1", "00:00:00:00:00:01"), ("10.20.0.99", "00:00:00:00:00:99")] {
            batch.dhcpServers.append(DHCPServerSighting(server: try #require(IPAddress(ip)), mac: try #require(MACAddress(m)), vlan: 20,
                                                        capturePoint: "mirror", pd: nil, firstSeen: Self.now, lastSeen: Self.now, replies: 2))
        }
        batch.dhcpServers.append(DHCPServerSighting(server: try #require(IPAddress("10.30.0.1")), mac: mac, vlan: 30, capturePoint: "mirror",
                                                    pd: nil, firstSeen: Self.now, lastSeen: Self.now, replies: 1))
        try store.record(sightings: batch, captureFile: nil)
        let report = try SightingReports.hosts(.init(), store: store)
        #expect(report.dhcpConflicts == [DHCPServerConflict(vlan: 20, servers: ["10.20.0.1", "10.20.0.99"])])
        #expect(try SightingReports.hosts(.init(vlan: 30), store: store).dhcpConflicts.isEmpty)
        let json = try PantauJSON.text(report)
        // Unknown values are present as null, never left out.
        #expect(json.contains("\"vendor\" : null") && json.contains("\"pd\" : null") && json.contains("\"frames_sampled\" : 3"), "\(json)")
        #expect(json.contains("\"evidence\" : \"frames\""), "\(json)")
    }

    @Test func counterRatesCarryTheBoundaryRoutersPD() throws {
        let store = try governedStore()
        var batch = SightingBatch()
        for (i, octets) in [(0, Int64(0)), (1, Int64(7_500_000))] {
            batch.interfaceCounters.append(InterfaceCounterSighting(
                agent: try #require(IPAddress("10.21.0.1")), ifIndex: 1, sampledAt: Self.now.addingTimeInterval(Double(i) * 60),
                capturePoint: "sflow", ifSpeed: 100_000_000, inOctets: octets, outOctets: octets / 2, inErrors: 0, outErrors: 0))
        }
        try store.record(sightings: batch, captureFile: nil)
        let rows = try CounterReports.interfaces(.init(intervals: true), store: store)
        #expect(rows.count == 1)
        #expect(rows[0].pd == "BAPPEDA" && rows[0].boundaryRouter == "rtr-bappeda")
        #expect(rows[0].series.summary.averageInBitsPerSecond == 1_000_000)
        let json = try PantauJSON.text(rows)
        #expect(json.contains("\"in_bps\" : 1000000") && json.contains("\"pd\" : \"BAPPEDA\""), "\(json)")
    }
}

import Collectors
import Foundation
import Governance
import InventoryModel
import InventoryStore
import InventoryTesting
import Operations
import Exports
import Probes
import Reconciliation
import SNMPCore
import Settings
import Storage
import Testing

/// The audit export on a real (in-memory) SQLite store filled from the lab's recordings under
/// the Manggarai profile (WITA): each table checked against the store, byte-identical
/// re-export, PD scope, integrity checking, the refusals.
@Suite struct AuditExportTests {
    /// 2026-12-01 02:00 UTC (10:00 WITA), after November.
    static let now = Date(timeIntervalSince1970: 1_796_090_400)
    /// 2026-11-15 00:00 UTC: when the lab was polled.
    static let polled = Date(timeIntervalSince1970: 1_794_700_800)
    /// 2026-11-30 00:00 WITA.
    static let day = Date(timeIntervalSince1970: 1_795_968_000)

    /// Recordings standing for one device of each of three PDs.
    static let lab: [(name: String, recording: String, pd: String, agent: String, hosting: HostingType)] = [
        ("rtr-diskominfo", "routeros_crs317", "DISKOMINFO", "udp:10.20.0.1:161", .pd),
        ("sw-bappeda", "ruijie", "BAPPEDA", "udp:10.21.0.2:161", .colocation),
        ("sw-dinkes", "dlink_dgs-1510-28", "DINKES", "udp:10.22.0.2:161", .pd),
    ]

    static func store() async throws -> PantauStore {
        let store = try PantauStore(inMemory: ())
        let profile = try RegionalProfile.load(path: Lab.repo + "/config/profiles/manggarai.yaml")
        try store.activate(profile: profile, by: "test", at: polled)
        try store.saveRegistry(try PDRegistry.load(path: Lab.repo + "/config/registry.example.yaml", profile: profile), source: "example", at: polled)

        let dir = try Lab.temporaryDirectory("audit-ops")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try ("credentials: { c: { version: v2c, community: x } }\ntargets:\n" + lab.map {
            "  - { name: \($0.name), agent: \"\($0.agent)\", credentials: c, pd: \($0.pd) }"
        }.joined(separator: "\n") + "\n").write(toFile: dir + "/c.yaml", atomically: true, encoding: .utf8)
        let config = try PantauConfig.load(path: dir + "/c.yaml", environment: [:])
        let recordings = Dictionary(uniqueKeysWithValues: lab.map { ($0.agent, $0.recording) })
        let clock = FixedClock(polled)
        let collector = Collector(runner: ProbeRunner(catalog: try ProbeCatalog.load(directory: Lab.repo + "/probes")), concurrency: 2,
                                  clock: clock) { (target: PantauConfig.Target) async throws(SNMPError) -> any SNMPClient in
            let name = recordings[target.agent.description] ?? "none"
            do {
                return RecordingSNMPClient(recording: try SNMPRecording(contentsOf: "\(Lab.snmpCorpus)/\(name).snmprec"), name: target.agent.description)
            } catch {
                throw SNMPError(.invalidConfiguration, agent: target.agent.description, action: "reading the recording", detail: "\(error)")
            }
        }
        let run = await PollAndRecord(collector: collector, store: store, clock: clock).run(config.targets)
        #expect(run.devices.allSatisfy { $0.ok })

        // A day of status polls every 5 minutes; sw-dinkes silent 10:00-11:00 WITA.
        for i in 0..<288 {
            let t = day.addingTimeInterval(Double(i) * 300)
            for d in lab {
                let silent = d.name == "sw-dinkes" && (120..<132).contains(i)
                try store.record(status: StatusPoll(device: d.name, time: t, interval: 300, pd: d.pd, hosting: d.hosting, reachable: !silent,
                                                    sysUpTime: silent ? nil : UInt32(i * 30_000 + 100), error: silent ? "no response (timeout)" : nil))
            }
        }
        // Findings: one per PD, Dinkes's resolved on the 20th.
        let findings = FindingOperations(store: store, clock: FixedClock(polled))
        let detections = lab.map { d in
            Detection(code: .missingDevice, pd: d.pd, subject: FindingSubject(device: "declared-\(d.name)"),
                      message: "declared \"x, y\" = \(d.name) not seen", evidence: [Evidence(source: "diagram")])
        }
        _ = try findings.record(detections, codes: [.missingDevice])
        _ = try FindingOperations(store: store, clock: FixedClock(polled.addingTimeInterval(5 * 86_400)))
            .record(detections.filter { $0.pd != "DINKES" }, codes: [.missingDevice])
        // Bappeda's diagram on the 16th.
        let yaml = Array(try String(contentsOfFile: Lab.repo + "/config/examples/bappeda-lan.yaml", encoding: .utf8).utf8)
        _ = try DiagramOperations(store: store, clock: FixedClock(polled.addingTimeInterval(86_400)))
            .submit(pd: "BAPPEDA", yaml, fileName: "bappeda-lan.yaml", submitter: "Maria Nggarang", channel: "cli", actor: "cli:maria")
        return store
    }

    func export(_ store: PantauStore, _ period: String = "2026-11", pds: [String] = []) throws -> AuditExport.Result {
        try AuditExport(store: store, clock: FixedClock(Self.now)).run(.init(period: period, pds: pds))
    }

    @Test func regencyBundleMatchesTheStoreFieldByField() async throws {
        let store = try await Self.store()
        let r = try export(store)
        #expect(!r.empty && r.scope.timeZone == "UTC+08:00" && r.scope.perbup?.contains("Manggarai") == true)
        #expect(r.scope.asOf == r.scope.to && r.scope.to <= Self.now)
        // Devices and interfaces: as the store's summaries and latest inventories.
        let summaries = try store.devices()
        #expect(r.devices.map(\.device) == summaries.map(\.name).sorted())
        for d in r.devices {
            let (s, inv) = try #require(try store.device(d.device))
            #expect(d.pd == s.pd && d.agent == s.agent && d.model == s.model && d.serial == s.serial && d.firmware == s.version)
            #expect(d.vendor == s.vendor && d.sysName == s.sysName && d.location == inv?.sysLocation && d.interfaces == s.interfaces)
            #expect(d.hosting == Self.lab.first { $0.name == d.device }?.hosting.rawValue)
            let mine = r.interfaces.filter { $0.device == d.device }
            #expect(mine.map(\.ifIndex) == (inv?.interfaces ?? []).map(\.ifIndex).sorted())
            for i in mine {
                let stored = try #require(inv?.interfaces.first { $0.ifIndex == i.ifIndex })
                #expect(i.name == stored.ifName && i.mac == stored.mac && i.speed == stored.speed && i.operStatus == stored.operStatus && i.pd == s.pd)
            }
        }
        #expect(r.devices.first { $0.device == "sw-dinkes" }?.model != nil && !r.interfaces.isEmpty)
        // Findings with their basis and history.
        let stored = try store.findings(pd: nil, includeResolved: true)
        #expect(r.findings.count == 3 && Set(r.findings.map(\.id)) == Set(stored.compactMap(\.id)))
        for f in r.findings {
            let s = try #require(stored.first { $0.id == f.id })
            #expect(f.code == s.code.rawValue && f.pd == s.pd && f.basis == s.basis.description && f.message == s.message && f.status == s.status.rawValue)
            #expect(r.findingHistory.filter { $0.finding == f.id }.map(\.action) == (try store.findingActions(id: f.id)).map(\.action))
        }
        #expect(r.findings.first { $0.pd == "DINKES" }?.status == "resolved")
        // Availability as the uptime use case says.
        let uptime = try UptimeReport(store: store, clock: FixedClock(Self.now)).run(.init(period: "2026-11"))
        #expect(r.availability.map(\.device) == uptime.devices.map(\.device))
        for (a, u) in zip(r.availability, uptime.devices) {
            #expect(a.availabilityPercent == u.availabilityPercent && a.downSeconds == u.downSeconds && a.outages == u.outages)
        }
        #expect(r.outages.count == 1 && r.outages[0].device == "sw-dinkes" && r.outages[0].durationSeconds == 3600)
        #expect(r.availabilityByPD.map(\.group) == ["BAPPEDA", "DINKES", "DISKOMINFO"])
        #expect(r.availabilityByHosting.map(\.group) == ["colocation", "pd"])
        // Bandwidth per PD with uplinks (no series recorded: no samples), diagram compliance.
        #expect(r.bandwidth.map(\.pd) == ["BAPPEDA", "DINKES", "DISKOMINFO"] && r.bandwidth.allSatisfy { $0.samples == 0 })
        #expect(r.bandwidth.first { $0.pd == "BAPPEDA" }?.approvedMbps == 50)
        let bappeda = try #require(r.diagrams.first { $0.pd == "BAPPEDA" })
        #expect(bappeda.state == "current" && bappeda.latestVersion == 1 && bappeda.submitter == "Maria Nggarang" && bappeda.submissionsInPeriod == 1)
        #expect(bappeda.basis?.contains("Pasal") == true)
        #expect(r.diagrams.first { $0.pd == "DINKES" }?.state == "never_submitted")
        #expect(r.dataFrom != nil && r.dataTo != nil && r.dataFrom! >= r.scope.from && r.dataTo! < r.scope.to)
    }

    @Test func sameDataAndPeriodGiveByteIdenticalFiles() async throws {
        let store = try await Self.store()
        let a = try AuditBundle.files(try export(store), formats: [.csv, .json, .html])
        let later = try AuditExport(store: store, clock: FixedClock(Self.now.addingTimeInterval(86_400 * 3))).run(.init(period: "2026-11"))
        let b = try AuditBundle.files(later, formats: [.csv, .json, .html])
        #expect(a.keys.sorted() == b.keys.sorted() && a.count == 18 && a["report.html"] != nil)
        for k in a.keys.sorted() { #expect(a[k] == b[k], "\(k) differs") }
        // A BOM, bilingual headers.
        let devices = try #require(a["devices.csv"])
        #expect(Array(devices.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(String(decoding: devices, as: UTF8.self).hasPrefix("\u{FEFF}Perangkat / Device,Kode PD / PD code,"))
    }

    @Test func csvCellsAreQuotedAndFormulaSafe() {
        #expect(AuditBundle.csvCell("plain") == "plain")
        #expect(AuditBundle.csvCell("a,b") == "\"a,b\"")
        #expect(AuditBundle.csvCell("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(AuditBundle.csvCell("two\nlines") == "\"two\nlines\"")
        #expect(AuditBundle.csvCell("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(AuditBundle.csvCell("+1") == "'+1" && AuditBundle.csvCell("-1") == "'-1" && AuditBundle.csvCell("@SUM(A1)") == "'@SUM(A1)")
        let table = String(decoding: AuditBundle.csv(headers: [("A", "a"), ("B", "b")], rows: [["x,y", "=1+1"]]), as: UTF8.self)
        #expect(table == "\u{FEFF}A / a,B / b\r\n\"x,y\",'=1+1\r\n")
    }

    @Test func pdBundleHoldsNothingOfOtherPDs() async throws {
        let store = try await Self.store()
        let r = try export(store, pds: ["dinkes"])
        #expect(r.scope.pds == ["DINKES"] && r.devices.map(\.device) == ["sw-dinkes"] && r.pds.map(\.pd) == ["DINKES"])
        let text = try AuditBundle.files(r, formats: [.csv, .json, .html]).values.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n")
        let registry = try #require(try store.registry())
        var foreign: [String] = []
        for p in registry.pds where p.code != "DINKES" { foreign += [p.code, p.name] + p.subnets.map(\.description) + p.boundaryRouters.map(\.name)
            foreign += p.boundaryRouters.compactMap { $0.managementIP?.description } }
        for d in Self.lab where d.pd != "DINKES" {
            let (s, inv) = try #require(try store.device(d.name))
            foreign += [d.name, String(d.agent.dropFirst(4).prefix { $0 != ":" })] + [s.serial, s.sysName].compactMap { $0 }
            foreign += (inv?.interfaces ?? []).compactMap(\.mac)
        }
        // Values the recordings share with Dinkes's own device (anonymised sysNames read "<private>") are not another PD's.
        let (own, ownInventory) = try #require(try store.device("sw-dinkes"))
        let shared = Set([own.serial, own.sysName].compactMap { $0 } + (ownInventory?.interfaces ?? []).compactMap(\.mac))
        foreign = foreign.filter { !shared.contains($0) }
        #expect(foreign.count > 20)
        let leaked = Set(foreign).filter { text.contains($0) }.sorted()
        #expect(leaked.isEmpty, "the DINKES bundle mentions \(leaked.joined(separator: " "))")
        // Its own are there.
        #expect(text.contains("sw-dinkes") && text.contains("10.22.0.0/22"))
    }

    @Test func emptyPeriodUnknownPDAndBadPeriod() async throws {
        let store = try await Self.store()
        let r = try export(store, "2025-06")
        #expect(r.empty && r.devices.isEmpty && r.findings.isEmpty && r.notes.contains { $0.contains("no data in the period 2025-06") })
        let readme = String(decoding: try #require(try AuditBundle.files(r, formats: [.csv])["README.txt"]), as: UTF8.self)
        #expect(readme.contains("NONE in this period"))
        #expect { try export(store, pds: ["NOPE"]) } throws: { ($0 as? OperationError)?.kind == .notFound }
        #expect { try export(store, "november") } throws: { ($0 as? OperationError)?.kind == .invalid }
    }

    @Test func writtenBundleVerifiesAndEveryTamperingIsNamed() async throws {
        let store = try await Self.store()
        let r = try export(store)
        let dir = try Lab.temporaryDirectory("audit-bundle")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/bundle"
        let manifest = try AuditBundle.write(r, formats: [.csv, .json], to: out, exportedAt: Self.now)
        #expect(manifest.files.count == 17 && manifest.period == "2026-11" && manifest.pantauVersion == PantauVersion.current)
        #expect(manifest.perbup == r.scope.perbup && manifest.dataFrom == r.dataFrom && manifest.formats == ["csv", "json"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["bundle"], "no temporary directory left")
        #expect(try AuditBundle.verify(out).ok)
        // Written again to the same place: refused, the bundle untouched.
        #expect { try AuditBundle.write(r, formats: [.csv], to: out, exportedAt: Self.now) } throws: {
            ($0 as? OperationError)?.message.contains("already exists") == true
        }
        #expect { try AuditBundle.write(r, formats: [.csv], to: dir + "/no/such/dir", exportedAt: Self.now) } throws: {
            ($0 as? OperationError)?.message.contains("does not exist") == true
        }
        // Edit one, add one, remove one.
        let handle = try #require(FileHandle(forWritingAtPath: out + "/findings.csv"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("99,x\r\n".utf8))
        try handle.close()
        try "extra".write(toFile: out + "/notes.txt", atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: out + "/outages.csv")
        let v = try AuditBundle.verify(out)
        #expect(v.changed == ["findings.csv"] && v.added == ["notes.txt"] && v.missing == ["outages.csv"] && !v.ok)
        #expect { try AuditBundle.verify(dir) } throws: { ($0 as? OperationError)?.kind == .notFound }
    }

    @Test func auditJSONFollowsTheCheckedInSchema() async throws {
        let store = try await Self.store()
        let dir = try Lab.temporaryDirectory("audit-schema")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let annexed = try AuditExport(store: store, clock: FixedClock(Self.now)).run(
            .init(period: "2026-11", annex: try SpecAnnex.load(path: Lab.repo + "/config/examples/annex.example.yaml")))
        #expect(!annexed.spec.isEmpty && !annexed.assets.isEmpty)
        for (name, result) in [("full", annexed), ("empty", try export(store, "2025-06")), ("dinkes", try export(store, pds: ["DINKES"]))] {
            try Data(try AuditBundle.json(result)).write(to: URL(fileURLWithPath: "\(dir)/\(name).json"))
        }
        // The venv CI installs (scripts/setup.sh) has jsonschema-rs, through schemathesis.
        let python = URL(fileURLWithPath: Lab.snmpsim).deletingLastPathComponent().appendingPathComponent("python").path
        let script = """
            import json, sys, jsonschema_rs
            schema = json.load(open(sys.argv[1]))
            v = jsonschema_rs.validator_for(schema)
            bad = 0
            for path in sys.argv[2:]:
                for e in v.iter_errors(json.load(open(path))):
                    print(path, e); bad += 1
            # The schema is strict: an unknown key is refused.
            doc = json.load(open(sys.argv[2])); doc["audit"]["surprise"] = 1
            if v.is_valid(doc): print("an unknown key passed"); bad += 1
            sys.exit(1 if bad else 0)
            """
        let r = try run(python, ["-c", script, Lab.repo + "/docs/schemas/audit-bundle.schema.json", dir + "/full.json", dir + "/empty.json", dir + "/dinkes.json"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    }
}

import Foundation
import Governance
import InventoryModel
import Testing
import YAMLSupport

@Suite("Spec annex and model catalogue")
struct SpecAnnexTests {
    func exampleAnnex() throws -> SpecAnnex { try SpecAnnex.load(path: repoFile("config/examples/annex.example.yaml")) }
    func exampleCatalogue() throws -> ModelCatalogue { try ModelCatalogue.load(path: repoFile("config/examples/catalogue.example.yaml")) }

    func issues(_ body: () throws -> Void) -> String {
        do { try body() } catch let e as ConfigIssues { return e.description } catch { return "\(error)" }
        return ""
    }

    @Test func theExampleAnnexLoadsAndSaysItIsInvented() throws {
        let annex = try exampleAnnex()
        #expect(annex.source.contains("INVENTED"))
        #expect(try readText(repoFile("config/examples/annex.example.yaml")).hasPrefix("# AN INVENTED EXAMPLE. NOT A REGULATION'S ANNEX."))
        #expect(Set(annex.classes.keys) == Set(DeviceClass.allCases))
        #expect(annex.effective == date("2022-06-17"))
        let pc = try #require(annex.classes[.pc])
        #expect(pc.map(\.requirement) == [.cpuCores, .memory, .storage])
        #expect(pc[1].value == .quantity(Quantity(8e9, .bytes)))
        #expect(try exampleCatalogue().entries.count == 4)
    }

    @Test func withNoAnnexNothingPassesAndEverythingSaysWhy() throws {
        var facts = DeviceFacts(name: "sw-core", deviceClass: .switch_)
        facts.set(.portCount, Quantity(48, .count), from: "SNMP")
        let a = SpecAssessment.assess(facts, annex: nil, catalogue: try exampleCatalogue())
        #expect(a.overall == .cannotAssess)
        #expect(a.results.count == 1 && a.results[0].requirement == nil)
        #expect(a.results[0].reason?.contains("no spec annex is loaded") == true)
    }

    @Test func eachRequirementMeetsIsBelowOrCannotBeAssessed() throws {
        let annex = try exampleAnnex()
        var pc = DeviceFacts(name: "pc-keuangan-1", deviceClass: .pc, acquired: date("2021-03-01"))
        pc.set(.cpuCores, Quantity(2, .count), from: "SNMP hrProcessorTable")
        pc.set(.memory, Quantity(7.7 * 1_073_741_824, .bytes), from: "SNMP hrMemorySize")  // 8 GB installed, 7.7 GiB usable
        let a = SpecAssessment.assess(pc, annex: annex)
        #expect(a.period == .beforeEffective)
        #expect(a.overall == .below)
        #expect(a.results.map(\.verdict) == [.below, .meets, .cannotAssess])
        #expect(a.results[0].description == "cpu_cores: below spec (2 < 4)")
        #expect(a.results[0].annexLine == 21)
        #expect(a.results[2].reason?.contains("HOST-RESOURCES-MIB") == true)

        // Firmware per family, SNMPv3 from the collector, a port speed from the device.
        var router = DeviceFacts(name: "rtr-bappeda", deviceClass: .router, vendor: "MikroTik", model: "RB4011iGS+", family: "routeros",
                                 firmware: "7.11.2", snmpv3: true, acquired: date("2023-01-05"))
        router.set(.portSpeed, Quantity(1e9, .bitsPerSecond), from: "SNMP ifHighSpeed/ifSpeed")
        let r = SpecAssessment.assess(router, annex: annex, catalogue: try exampleCatalogue())
        #expect(r.period == .onOrAfterEffective)
        let byReq = Dictionary(uniqueKeysWithValues: r.results.compactMap { x in x.requirement.map { ($0, x) } })
        #expect(byReq[.firmware]?.verdict == .below && byReq[.firmware]?.minimum == "7.12")
        #expect(byReq[.snmpv3]?.verdict == .meets)
        #expect(byReq[.portSpeed]?.verdict == .meets)
        // The port count comes from the catalogue, with its line.
        #expect(byReq[.portCount]?.verdict == .meets && byReq[.portCount]?.figureFrom?.hasSuffix("catalogue.example.yaml:13") == true)

        // A class with no row, and a device whose class is not known.
        let fw = SpecAssessment.assess(DeviceFacts(name: "fw", deviceClass: nil), annex: annex)
        #expect(fw.overall == .cannotAssess && fw.results[0].reason?.contains("class is not known") == true)

        let summary = SpecAssessment.summary([a, r, fw])
        #expect(summary.counts[.beforeEffective]?[.below] == 1)
        #expect(summary.counts[.onOrAfterEffective]?[.below] == 1)
        #expect(summary.counts[.unknown]?[.cannotAssess] == 1)
    }

    @Test func aCatalogueEntryContradictingTheDeviceNamesItsFileAndLine() throws {
        let annex = try exampleAnnex()
        var ups = DeviceFacts(name: "ups-server", deviceClass: .ups, vendor: "Eaton", model: "9PX 1000i RT 2U")
        ups.set(.upsVA, Quantity(3000, .voltAmperes), from: "SNMP upsConfigOutputVA")
        let a = SpecAssessment.assess(ups, annex: annex, catalogue: try exampleCatalogue())
        #expect(a.results.first?.verdict == .meets)  // the device's own 3000 VA is used
        let c = try #require(a.contradictions.first)
        #expect(c.description.hasSuffix("catalogue.example.yaml:14:1: models: 9PX 1000i RT 2U: ups_va is listed as 1000 VA, but ups-server reports 3000 VA (SNMP upsConfigOutputVA); the device's figure is used"), "\(c)")
        // A class contradiction too.
        let wrong = SpecAssessment.assess(DeviceFacts(name: "x", deviceClass: .router, vendor: "Cisco", model: "C9300-48P"), annex: annex,
                                          catalogue: try exampleCatalogue())
        #expect(wrong.contradictions.first?.message == "C9300-48P is listed as a switch, but x is a router (as found)")
    }

    @Test func badAnnexesAreRefusedWithFileAndLine() {
        let text = """
            format: pantau-annex/1
            source: "x"
            version: "1"
            effective: 2022-13-01
            classes:
              swich: {port_count: 24}
              pc: {memory: 8 GX, cpu_cores: 2.5, ram: 8 GB}
              ups: {ups_va: 1000}
              router: {firmware: {routeros: "latest"}, snmpv3: maybe}
            """
        let d = issues { _ = try SpecAnnex.parse(text, file: "annex.yaml") }
        #expect(d.contains("annex.yaml:4:12: effective: \"2022-13-01\" is not a date YYYY-MM-DD"), "\(d)")
        #expect(d.contains("annex.yaml:6:3: classes.swich: unknown device class \"swich\" (did you mean \"switch\"?)"))
        #expect(d.contains("annex.yaml:7:16: classes.pc.memory: \"gx\" in \"8 GX\" is not a unit of size; use B, KB, MB, GB, TB, KiB, MiB, GiB or TiB"))
        #expect(d.contains("classes.pc.cpu_cores: \"2.5\" is not a whole number"))
        #expect(d.contains("unknown key \"ram\""))
        #expect(d.contains("annex.yaml:8:17: classes.ups.ups_va: \"1000\" has no unit; use VA or kVA"))
        #expect(d.contains("\"latest\" is not a version such as 7.12"))
        #expect(d.contains("classes.router.snmpv3: expected true or false"))
    }

    @Test func badCataloguesAreRefusedWithFileAndLine() {
        let text = """
            format: pantau-catalogue/1
            models:
              - {vendor: Cisco, model: C9300-48P, class: switch, poe_budget: 437 W}
              - {vendor: cisco, model: c9300-48p, class: switch}
              - {model: X1, class: firewall, max_port_speed: 10 Gbit}
            """
        let d = issues { _ = try ModelCatalogue.parse(text, file: "cat.yaml") }
        #expect(d.contains("cat.yaml:4:5: models[1]: model cisco c9300-48p is already listed at line 3"), "\(d)")
        #expect(d.contains("cat.yaml:5:24: models[2].class: unknown device class \"firewall\""))
        #expect(d.contains("\"gbit\" in \"10 Gbit\" is not a unit of bit/s; use bps, Kbps, Mbps or Gbps"))
    }

    @Test(arguments: [("7.12", "7.11.2", false), ("7.12", "7.12", true), ("7.12", "7.12.1", true), ("15.2", "15.2(7)E4", true),
                      ("17.3", "16.12.4", false), ("1.0", "RouterOS 6.49 (long-term)", true)] as [(String, String, Bool)])
    func firmwareVersionsCompareByNumbers(minimum: String, have: String, meets: Bool) throws {
        let (m, h) = (try #require(FirmwareVersion(minimum)), try #require(FirmwareVersion(have)))
        #expect((h >= m) == meets)
    }

    @Test func factsFromAnInventoryAndItsDeclaration() {
        var inv = DeviceInventory(agent: "udp:10.21.0.9:161", polledAt: Date(timeIntervalSince1970: 0))
        inv.sysName = "srv-file"
        inv.sysDescr = "Linux srv-file 5.10.0"
        var res = HostResources()
        res.cpuCount = 4
        res.memoryBytes = 16 * 1_073_741_824
        var disk = HostResources.Storage(index: 31)
        disk.type = "fixedDisk"
        disk.sizeBytes = 500_000_000_000
        var ram = HostResources.Storage(index: 1)
        ram.type = "ram"
        ram.sizeBytes = 1
        res.storage = [disk, ram]
        inv.resources = res
        var eth = Interface(ifIndex: 2)
        eth.ifType = "ethernetCsmacd"
        eth.speed = 1_000_000_000
        var lo = Interface(ifIndex: 1)
        lo.ifType = "softwareLoopback"
        inv.interfaces = [lo, eth]
        let declared = Diagram.Device(id: "srv-file", role: .server, asset: Diagram.Asset(acquired: "2020-01-02"))
        let f = DeviceFacts.from(inventory: inv, declared: declared, snmpVersion: 2)
        #expect(f.deviceClass == .server && f.classFrom == "diagram role server")
        #expect(f.figures[.cpuCores] == Quantity(4, .count))
        #expect(f.figures[.storage] == Quantity(500_000_000_000, .bytes))
        #expect(f.figures[.portCount] == Quantity(1, .count))
        #expect(f.figures[.portSpeed]?.description == "1 Gbps")
        #expect(f.snmpv3 == nil)
        #expect(f.acquired == date("2020-01-02"))
        let a = SpecAssessment.assess(f, annex: try? exampleAnnex())
        #expect(a.results.map(\.verdict) == [.below, .meets, .below, .cannotAssess])  // 4 < 8 cores; 500 GB < 1 TB; SNMPv3 not known
        #expect(a.period == .beforeEffective)
    }
}

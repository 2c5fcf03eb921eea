import Foundation
import Governance
import InventoryModel
import Testing

@Suite("PD registry")
struct RegistryTests {
    @Test func exampleRegistryLoadsUnderManggarai() throws {
        let r = try exampleRegistry()
        #expect(r.pds.count == 5)
        let kominfo = try #require(r["DISKOMINFO"])
        #expect(kominfo.mandiriTIK.designated)
        #expect(kominfo.mandiriTIK.decree?.contains("HK/215/2022") == true)
        #expect(kominfo.bandwidth?.approvedMbps == 200)
        #expect(r["DINKES"]?.boundaryRouters.count == 2)
        #expect(r.pds.map(\.segment).pd(for: .init("10.22.8.40"), vlan: nil) == "DINKES")
    }

    func load(_ yaml: String, profile id: String? = "manggarai") throws -> PDRegistry {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try yaml.write(toFile: "\(dir)/r.yaml", atomically: true, encoding: .utf8)
        return try PDRegistry.load(path: "\(dir)/r.yaml", profile: try id.map(profile))
    }

    let mandiriWithoutDecree = """
        format: pantau-registry/1
        regency: Kabupaten Manggarai
        pds:
          - code: DISKOMINFO
            name: Diskominfo
            mandiri_tik: {designated: true}
            sites: [{id: kantor}]
            subnets: [10.20.0.0/20]
            boundary_routers: [{name: r1, site: kantor}]
        """

    // regulations.md R4 test: Manggarai needs a Keputusan Bupati for PD Mandiri TIK.
    @Test func manggaraiRefusesMandiriTIKWithoutDecree() throws {
        #expect { try load(mandiriWithoutDecree) } throws: { "\($0)".contains("r.yaml:6:") && "\($0)".contains("Keputusan Bupati") }
        // Lebong defines Mandiri TIK with no designation procedure: no decree needed.
        #expect(try load(mandiriWithoutDecree, profile: "lebong")["DISKOMINFO"]?.mandiriTIK.designated == true)
        // Batang has no Mandiri TIK concept at all.
        #expect { try load(mandiriWithoutDecree, profile: "batang") } throws: { "\($0)".contains("no PD Mandiri TIK status") }
    }

    @Test func everyRegistryProblemAtOnce() throws {
        let yaml = """
            format: pantau-registry/1
            regency: Kabupaten Manggarai
            pds:
              - code: bappeda
                name: Bappeda
                sites: [{id: kantor}, {id: annex}]
                subnets: [10.21.0.0/22, 10.21.0.5/24, 10.30.0.0/33]
                vlans: [5000]
                boundary_routers: [{name: r1, site: kantor}, {name: r2, site: gedung}]
              - code: DINKES
                name: Dinkes
                sites: [{id: kantor}]
                subnets: [10.21.2.0/24]
                boundary_routers: [{name: r3, site: kantor}, {name: r4, site: kantor}]
            """
        #expect { try load(yaml) } throws: { error in
            let d = "\(error)"
            return d.contains("PD code \"bappeda\"") && d.contains("\"10.21.0.5/24\" is not a CIDR") && d.contains("10.30.0.0/33")
                && d.contains("VLAN 5000") && d.contains("no site \"gedung\"") && d.contains("overlaps 10.21.0.0/22 of PD bappeda")
        }
    }

    // regulations.md R6 and R47: flagged for review, not refused.
    @Test func boundaryAndTier1FindingsUnderManggarai() throws {
        let yaml = """
            format: pantau-registry/1
            regency: Kabupaten Manggarai
            pds:
              - code: BAPPEDA
                name: Bappeda
                sites: [{id: kantor}, {id: annex}]
                subnets: [10.21.0.0/22]
                boundary_routers: [{name: r1, site: kantor}]
                tier1_contacts: [{name: Maria}]
              - code: DINKES
                name: Dinkes
                sites: [{id: kantor}]
                subnets: [10.22.0.0/22]
                boundary_routers: [{name: r3, site: kantor}, {name: r4, site: kantor}]
            """
        let r = try load(yaml)
        let found = r.findings(profile: try profile("manggarai"))
        #expect(found.map(\.code) == ["boundary-missing", "boundary-ambiguous", "tier1-missing"])
        #expect(found[0].description == "BAPPEDA: site annex: batas WAN/LAN tidak teridentifikasi (no boundary router) [Perbup Manggarai 52/2021 Pasal 14 ayat (2) huruf a (ketentuan)]")
        #expect(found[2].basis.citation?.pasal == 20)
        // Batang: no WAN/LAN demarcation and no tiered service desk, so nothing to flag.
        #expect(r.findings(profile: try profile("batang")).isEmpty)
        #expect(try exampleRegistry().findings(profile: try profile("manggarai")).isEmpty)
    }
}

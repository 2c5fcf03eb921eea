import Foundation
import InventoryModel
import Probes
import SNMPCore
import Testing

/// The vendor of an unmatched device from its IANA enterprise number, and the core fields a
/// device may leave empty or wrap (LibreNMS corpus recordings, read offline).
@Suite struct VendorAndCoreFieldsTests {
    static let registryPath = "/usr/share/wireshark/enterprises.tsv"

    func inventory(_ name: String) async throws -> DeviceInventory {
        let rec = try SNMPRecording(contentsOf: "\(Paths.libreNMSCorpus)/\(name).snmprec")
        return try await ProbeRunner(catalog: try catalog()).inventory(client: RecordingSNMPClient(recording: rec), agent: name)
    }

    func json(_ inv: DeviceInventory) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(inv)) as? [String: Any])
    }

    /// Debian's wireshark-common (installed by scripts/setup.sh with tshark).
    @Test func registryReadsDebiansFile() throws {
        let r = try EnterpriseRegistry(path: Self.registryPath)
        #expect(r.count > 60_000)
        #expect(r.name(9) == "ciscoSystems")
        #expect(r.name(43) == "3Com")
        #expect(r.name(2) == "IBM")  // "IBM (https://w3.ibm.com/standards )": the address is dropped
        #expect(r.vendor(sysObjectID: "1.3.6.1.4.1.43.10.27.4.1.2.11") == "3Com")
        #expect(r.vendor(sysObjectID: "1.3.6.1.4.1.8072.3.2.10") == nil)  // Net-SNMP names the agent, not the maker
        #expect(r.vendor(sysObjectID: "1.3.6.1.4.1") == nil)              // the bare enterprises OID
        #expect(r.vendor(sysObjectID: "1.3.6.1.2.1.1") == nil)
    }

    @Test func registryIsOptional() throws {
        #expect(try EnterpriseRegistry.load(path: "/nonexistent/enterprises.tsv").count == 0)
        #expect(try EnterpriseRegistry.load(path: "").count == 0)
        let cat = try ProbeCatalog.load(directory: Paths.probes, enterprises: nil)
        #expect(cat.enterprises.count == 0)
    }

    /// A 3Com switch no family matches: vendor from enterprise 43, and the JSON says so.
    @Test func unmatchedDeviceGetsItsVendorFromTheEnterpriseNumber() async throws {
        let inv = try await inventory("3com_4200")
        #expect(inv.family == "generic")
        #expect(inv.vendor == "3Com")
        let obj = try json(inv)
        #expect(obj["vendorSource"] as? String == "enterprise-number")
        let routeros = try await inventory("routeros_rb2011il")
        #expect(try json(routeros)["vendorSource"] as? String == "family")
    }

    /// An Infoblox appliance runs Net-SNMP under its maker's sysObjectID: the Net-SNMP family
    /// knows only the agent, so the vendor comes from the enterprise number. A Linux host with
    /// Net-SNMP's own sysObjectID gets none (8072 names the agent software, not a maker), and
    /// an airOS radio (Frogfoot's number, 10002) gets Ubiquiti from its own family.
    @Test func netSNMPFamilyTakesTheVendorFromTheMakersEnterpriseNumber() async throws {
        let nios = try await inventory("nios")
        #expect(nios.family == "net-snmp-linux")
        #expect(nios.vendor == "InfoBlox Inc.")
        #expect(try json(nios)["vendorSource"] as? String == "enterprise-number")
        let host = try await inventory("linux_docker-v1")
        #expect(host.family == "net-snmp-linux")
        #expect(host.vendor == nil)
        #expect(try json(host)["vendorSource"] is NSNull)
        let airos = try await inventory("airos-af")
        #expect(airos.family == "ubiquiti-linux")
        #expect(airos.vendor == "Ubiquiti")
        #expect(try json(airos)["vendorSource"] as? String == "family")
    }

    /// A UPS whose sysObjectID names no maker (a Generex card answers with UPS-MIB's own OID,
    /// a Marathon card with Net-SNMP's) names its maker in upsIdentManufacturer; the JSON says
    /// where the vendor came from. LibreNMS writes that maker before the model ("ABB Upscale").
    @Test func upsWithoutAMakersSysObjectIDIsNamedByUPSMIB() async throws {
        let generex = try await inventory("generex-ups_cs141-v22036")
        #expect(generex.family == "generic")
        #expect(generex.vendor == "ABB")
        #expect(try json(generex)["vendorSource"] as? String == "ups-mib")
        let model = Agreement.compare(generex, with: try DeviceExpectation.load(
            path: "\(Paths.libreNMSCorpus)/generex-ups_cs141-v22036.expected.json")).first { $0.fact == "model" }
        #expect(model?.outcome == .lenient && model?.rule == "maker-prefix", "\(String(describing: model))")
        let marathon = try await inventory("marathonups")
        #expect(marathon.vendor == "Marathon Power")
        // Another maker's name before the model is still wrong.
        var other = generex
        other.vendor = "Eaton"
        #expect(Agreement.compare(other, with: DeviceExpectation(sysName: nil, sysDescr: nil, sysObjectID: nil, os: nil,
                                                                  hardware: "ABB Upscale", serial: nil, version: nil)).first?.outcome == .wrong)
    }

    /// Appliances answering with Net-SNMP's sysObjectID and a plain Linux sysDescr are
    /// recognised by their maker's own MIB (Synology, Ubiquiti airFiber LTU, Socomec Net
    /// Vision, Zyxel USG FLEX) or by their own sysDescr (UniFi access points), never by the
    /// kernel release; a Linux host without such a MIB stays net-snmp-linux with no vendor.
    @Test(arguments: [
        ("dsm", "synology", "Synology", "RS2212RP+", "3005AWL999111", "6.1-15217"),
        ("airos-af-ltu_1.4.0", "ubiquiti-linux", "Ubiquiti", "airFiber 5XHD", nil, "v1.4.0"),
        ("netvision-rfc", "socomec-netvision", "Socomec", "MODULYS GP 2.0", "PD04405001", "7.20"),
        ("zyxelusg_usgflex100", "zyxel-es", "Zyxel", "USG FLEX 100H", "S222L03100069", "1.31(ABXF.0)"),
        ("unifi_nanohd", "ubiquiti-unifi", "Ubiquiti", "UAP-nanoHD", nil, "5.43.36.12724"),
        ("rutos-rutx_rut955", "teltonika", "Teltonika", nil, "1126284688", "RUT9_R_00.07.06.18"),
        ("gaia_1100", "checkpoint", "Check Point", "CP 1100", nil, "R77.20"),
        // An appliance on a stock distribution kernel: the kernel release is not its version.
        ("primekey-sw", "primekey", "PrimeKey", nil, nil, "2.3.3"),
        ("linux_docker-v1", "net-snmp-linux", nil, nil, nil, "3.10.0-693.5.2.el7.x86_64"),
    ] as [(String, String, String?, String?, String?, String?)])
    func applianceOnNetSNMPIsRecognisedByItsMakersMIB(name: String, family: String, vendor: String?, model: String?,
                                                      serial: String?, version: String?) async throws {
        let inv = try await inventory(name)
        #expect(inv.family == family)
        #expect(inv.vendor == vendor)
        #expect(inv.model == model)
        #expect(inv.serial == serial)
        #expect(inv.version == version)
        if vendor != nil { #expect(try json(inv)["vendorSource"] as? String == "family") }
    }

    /// "SiteBoss 360 2.12.540 STD" comes from the agent in literal quotes.
    @Test func quotesAroundSysDescrAreDropped() async throws {
        let inv = try await inventory("siteboss360_siteboss360")
        #expect(inv.sysDescr == "SiteBoss 360 2.12.540 STD")
    }

    /// An airOS radio has no ifXTable: ifName stays null (observed), `name` is ifDescr (derived).
    @Test func interfaceNameIsDerivedApartFromTheObservedFields() async throws {
        let inv = try await inventory("airos-af")
        let first = try #require(inv.interfaces.first)
        #expect(first.ifName == nil && first.ifDescr != nil)
        #expect(first.name == first.ifDescr && first.nameFrom == "ifDescr")
        let iface = try #require((try json(inv)["interfaces"] as? [[String: Any]])?.first)
        #expect(iface["ifName"] is NSNull)
        #expect(iface["name"] as? String == first.ifDescr)
        #expect(iface["nameFrom"] as? String == "ifDescr")
        // Read back, the derived keys are ignored and the observed ones are unchanged.
        let back = try JSONDecoder().decode(Interface.self, from: JSONEncoder().encode(first))
        #expect(back == first)
    }
}

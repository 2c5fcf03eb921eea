import Foundation
import InventoryModel
import Probes
import SNMPCore
import Testing

/// UPS-MIB, Printer-MIB and HOST-RESOURCES-MIB sections on the corpus recordings, checked
/// against the raw values in the files (scaled as the MIBs define).
@Suite struct FactsTests {
    func inventory(_ name: String) async throws -> DeviceInventory {
        let rec = try SNMPRecording(contentsOf: "\(Paths.snmpCorpus)/\(name).snmprec")
        return try await ProbeRunner(catalog: try catalog()).inventory(client: RecordingSNMPClient(recording: rec), agent: name)
    }

    @Test func eatonUPS() async throws {
        let ups = try #require(try await inventory("eaton-mgeups_9pxle").ups)
        #expect(ups.manufacturer == "EATON" && ups.model == "Eaton 9PX 1000i RT 2U")
        #expect(ups.batteryStatus == "batteryNormal" && ups.outputSource == "normal")
        #expect(ups.estimatedChargePercent == 91)
        #expect(ups.batteryVoltage == 55.0)                    // 550 × 0.1 V
        #expect(ups.inputLines.first?.frequencyHz == 50.0)     // 500 × 0.1 Hz
        let out = try #require(ups.outputLines.first)
        #expect(out.voltage == 230 && out.current == 1.7 && out.power == 360 && out.loadPercent == 40)
        #expect(ups.ratedVA == 1000)
    }

    @Test func printerSupplies() async throws {
        let inv = try await inventory("jetdirect_m252dw")
        let p = try #require(inv.printer)
        #expect(p.supplies.map(\.descr) == ["Black Cartridge HP CF400X", "Cyan Cartridge HP CF401X",
                                           "Magenta Cartridge HP CF403X", "Yellow Cartridge HP CF402X"])
        #expect(p.supplies.map(\.percent) == [63, 63, 88, 36])
        #expect(p.supplies.allSatisfy { $0.type == "toner" })
    }

    @Test func linuxHostResources() async throws {
        let r = try #require(try await inventory("linux_icecast").resources)
        #expect(r.cpuCount == 1 && r.cpuLoads == [13])
        #expect(r.memoryBytes == 841176 * 1024)
        #expect(r.storage.count == 10)
        let ram = try #require(r.storage.first)
        #expect(ram.type == "ram" && ram.descr == "Physical memory")
    }
}

import Collectors
import Settings
import Foundation
import InventoryTesting
import Testing

@Suite struct OUIRegistryTests {
    @Test func parsesQuotedAndPlainRowsAndSkipsTheRest() throws {
        let dir = try Lab.temporaryDirectory("oui")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/oui.csv"
        try """
            Registry,Assignment,Organization Name,Organization Address
            MA-L,00D0EF,IGT,9295 PROTOTYPE DRIVE RENO NV US 89511\r
            MA-L,a047d7,"Acme, ""Quoted"" Ltd",  "1, Road, Town "
            MA-M,70B3D5001,Not a MA-L row,Nowhere
            MA-L,ZZ0000,Bad hex,Nowhere
            MA-L,001B21, Intel Corporate ,Somewhere
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let reg = try OUIRegistry(csvPath: path)
        #expect(reg.count == 3)
        #expect(reg.vendor(oui: 0x00D0EF) == "IGT")
        #expect(reg.vendor(oui: 0xA047D7) == "Acme, \"Quoted\" Ltd")
        #expect(reg.vendor(oui: 0x001B21) == "Intel Corporate")
    }

    @Test func loadsDebiansRegistry() throws {
        let path = "/usr/share/ieee-data/oui.csv"
        try #require(FileManager.default.fileExists(atPath: path), "ieee-data is installed by scripts/setup.sh")
        let reg = try OUIRegistry(csvPath: path)
        #expect(reg.count > 30_000)
        #expect(reg.vendor(oui: 0x000C29) == "VMware, Inc.")
    }
}

import Exports
import Foundation
import InventoryTesting
import Operations
import Testing

/// A regency's report: per-device tables longer than `AuditReport.tableRowLimit` are given per PD,
/// their rows left to the CSV files (which keep every row); shorter ones are listed in full.
@Suite struct AuditReportLongTablesTests {
    @Test func longTablesAreGivenPerPDAndLeftToTheCSVFiles() async throws {
        let store = try await AuditExportTests.store()
        let copies = AuditReport.tableRowLimit / 3 + 1
        // More devices, availability rows, spec rows and assets than the limit.
        let r = try await AuditBundleStreamingTests.result(copies: copies, store: store)
        var long = r
        long.availability = (0..<(r.availability.count * copies)).map { i in
            var a = r.availability[i % r.availability.count]; a.device += "-\(i / r.availability.count)"; return a
        }
        long.spec = (0..<(r.spec.count * copies)).map { i in var x = r.spec[i % r.spec.count]; x.device += "-\(i / r.spec.count)"; return x }
        long.assets = (0..<(r.assets.count * copies)).map { i in var x = r.assets[i % r.assets.count]; x.observed = "seen-\(i)"; return x }
        #expect([long.devices.count, long.availability.count, long.spec.count, long.assets.count].allSatisfy { $0 > AuditReport.tableRowLimit })
        let html = AuditReport.html(long)
        let rows = html.components(separatedBy: "<tr>").count - 1
        #expect(rows < 200, "\(rows) table rows")
        #expect(html.contains("availability_devices.csv") && html.contains("spec_annex.csv") && html.contains("assets.csv") && html.contains("devices.csv"))
        #expect(!html.contains(long.devices.last!.device) && !html.contains("seen-\(long.assets.count - 1)"))
        // Per PD: each PD's devices and interfaces add up to the whole.
        for pd in Set(long.devices.compactMap(\.pd)) {
            let n = long.devices.filter { $0.pd == pd }.count, ifs = long.devices.filter { $0.pd == pd }.reduce(0) { $0 + $1.interfaces }
            #expect(html.contains("<tr><td>\(pd)</td><td class=\"n\">\(n)</td><td class=\"n\">\(ifs)</td></tr>"), "\(pd)")
        }
        // The CSV files keep every row.
        let files = try AuditBundle.csvFiles(long)
        #expect(String(decoding: try #require(files["devices.csv"]), as: UTF8.self).contains(long.devices.last!.device + ","))
        // Short tables are listed in full.
        let short = AuditReport.html(r.withDevices(Array(r.devices.prefix(AuditReport.tableRowLimit))))
        #expect(short.contains(r.devices[AuditReport.tableRowLimit - 1].device))
    }
}

extension AuditExport.Result {
    func withDevices(_ d: [AuditExport.DeviceRow]) -> Self { var r = self; r.devices = d; return r }
}

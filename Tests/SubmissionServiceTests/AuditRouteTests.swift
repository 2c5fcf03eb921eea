import Exports
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Governance
import Hummingbird
import HummingbirdTesting
import InventoryModel
import InventoryStore
import InventoryTesting
import Storage
import Testing
@testable import SubmissionService

/// `GET /api/v1/pds/{pd}/audit`: a PD's audit bundle as a ZIP file, over loopback.
extension SubmissionServiceTests {
    /// A Dinkes switch with names, a serial and a MAC that must never appear in Bappeda's bundle.
    func recordDinkesSwitch(_ store: PantauStore) throws {
        var inv = DeviceInventory(agent: "udp:10.22.0.2:161", polledAt: Date(timeIntervalSince1970: 1_705_000_000))
        inv.sysName = "sw-dinkes-lantai3"
        inv.serial = "DNK-SERIAL-7781"
        var port = Interface(ifIndex: 1)
        port.ifName = "ge-0/0/1"
        port.mac = "02:dd:11:22:33:44"
        inv.interfaces = [port]
        try store.record(PollOutcome(name: "sw-dinkes-lantai3", agent: inv.agent, pd: "DINKES", startedAt: inv.polledAt, duration: 0.1,
                                     result: .success(inv)))
    }

    func unpack(_ body: ByteBuffer, in dir: String, as name: String) throws -> [String: String] {
        let zip = dir + "/" + name
        try Data(body.readableBytesView).write(to: URL(fileURLWithPath: zip))
        let listing = try run("/usr/bin/unzip", ["-Z1", zip])
        #expect(listing.status == 0, "\(listing.stderr)")
        var files: [String: String] = [:]
        for entry in listing.stdout.split(separator: "\n").map(String.init) {
            files[entry] = try run("/usr/bin/unzip", ["-p", zip, entry]).stdout
        }
        return files
    }

    @Test func aPDDownloadsItsOwnAuditBundleOnly() async throws {
        let f = try fixture()
        defer { try? FileManager.default.removeItem(atPath: f.dir) }
        try recordBappedaInventories(f.store)
        try recordDinkesSwitch(f.store)
        try await app(f).test(.live) { live in
            let client = try LoopbackClient(live)
            let own = try await client.execute(uri: "/api/v1/pds/BAPPEDA/audit?period=2024-01", method: .get, headers: auth(f.bappeda))
            #expect(own.status == .ok, "\(String(buffer: own.body))")
            // The headers, read with URLSession itself (the loopback client keeps only status and body).
            var head = URLRequest(url: URL(string: "http://127.0.0.1:\(client.port)/api/v1/pds/BAPPEDA/audit?period=2024-01")!)
            head.setValue("Bearer \(f.bappeda)", forHTTPHeaderField: "Authorization")
            let (_, response) = try await URLSession.shared.data(for: head)
            let http = try #require(response as? HTTPURLResponse)
            #expect(http.value(forHTTPHeaderField: "Content-Type") == "application/zip")
            #expect(http.value(forHTTPHeaderField: "Content-Disposition") == "attachment; filename=\"pantau-audit-BAPPEDA-2024-01.zip\"")
            let files = try unpack(own.body, in: f.dir, as: "own.zip")
            let folder = "pantau-audit-BAPPEDA-2024-01/"
            #expect(Set(files.keys).isSuperset(of: [folder + "manifest.json", folder + "report.html", folder + "devices.csv", folder + "audit.json"]))
            #expect(files[folder + "report.pdf"] == nil, "no PDF without a browser configured")
            #expect(files[folder + "devices.csv"]?.contains("rtr-bappeda") == true && files[folder + "report.html"]?.contains("sw-core") == true)
            // Nothing of Dinkes: its code, name, device, serial, MAC, subnet.
            let all = files.values.joined(separator: "\n")
            for foreign in ["DINKES", "Dinas Kesehatan", "sw-dinkes-lantai3", "DNK-SERIAL-7781", "02:dd:11:22:33:44", "10.22."] {
                #expect(!all.contains(foreign), "Bappeda's bundle holds \(foreign)")
            }
            // Unpacked it verifies.
            let x = f.dir + "/x"
            #expect(try run("/usr/bin/unzip", ["-q", f.dir + "/own.zip", "-d", x]).status == 0)
            #expect(try AuditBundle.verify(x + "/pantau-audit-BAPPEDA-2024-01").ok)

            // Another PD's token, no token, a bad token: refused; Diskominfo may, for any PD.
            let other = try await client.execute(uri: "/api/v1/pds/BAPPEDA/audit?period=2024-01", method: .get, headers: auth(f.dinkes))
            #expect(other.status == .forbidden)
            let none = try await client.execute(uri: "/api/v1/pds/BAPPEDA/audit?period=2024-01", method: .get)
            #expect(none.status == .unauthorized)
            let bad = try await client.execute(uri: "/api/v1/pds/BAPPEDA/audit?period=2024-01", method: .get, headers: auth("not-a-token"))
            #expect(bad.status == .unauthorized)
            let revoked = try await client.execute(uri: "/api/v1/pds/BAPPEDA/audit?period=2024-01", method: .get, headers: auth(f.revoked))
            #expect(revoked.status == .unauthorized)
            let noc = try await client.execute(uri: "/api/v1/pds/DINKES/audit?period=2024-01", method: .get, headers: auth(f.diskominfo))
            #expect(noc.status == .ok)
            let dinkes = try unpack(noc.body, in: f.dir, as: "dinkes.zip")
            #expect(dinkes["pantau-audit-DINKES-2024-01/devices.csv"]?.contains("sw-dinkes-lantai3") == true)
            #expect(!dinkes.values.joined().contains("rtr-bappeda"))
            // Bad input: no period, a bad period, an unknown format, pdf without a browser, an unknown PD.
            let noPeriod = try await client.execute(uri: "/api/v1/pds/BAPPEDA/audit", method: .get, headers: auth(f.bappeda))
            #expect(noPeriod.status == .badRequest)
            let badPeriod = try await client.execute(uri: "/api/v1/pds/BAPPEDA/audit?period=soon", method: .get, headers: auth(f.bappeda))
            #expect(badPeriod.status == .unprocessableContent && String(buffer: badPeriod.body).contains("is not a period"))
            let badFormat = try await client.execute(uri: "/api/v1/pds/BAPPEDA/audit?period=2024-01&format=xls", method: .get, headers: auth(f.bappeda))
            #expect(badFormat.status == .badRequest)
            let pdf = try await client.execute(uri: "/api/v1/pds/BAPPEDA/audit?period=2024-01&format=pdf", method: .get, headers: auth(f.bappeda))
            #expect(pdf.status == .unprocessableContent)
            let unknown = try await client.execute(uri: "/api/v1/pds/NOPE/audit?period=2024-01", method: .get, headers: auth(f.diskominfo))
            #expect(unknown.status == .notFound)
        }
        // Every download and refusal is in the audit log.
        let log = try f.store.auditLog().filter { $0.action == "export-audit" }
        #expect(log.contains { $0.outcome == "ok" && $0.pd == "BAPPEDA" && $0.detail.contains("over HTTP") })
        #expect(log.contains { $0.outcome == "refused" && $0.pd == "BAPPEDA" })
        #expect(log.contains { $0.outcome == "ok" && $0.pd == "DINKES" && $0.actor.contains("diskominfo") })
        #expect(log.contains { $0.outcome == "invalid" && $0.detail.contains("soon") })
    }
}

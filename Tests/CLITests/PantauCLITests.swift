import Foundation
import InventoryModel
import InventoryTesting
import Testing

/// The `pantau` binary as an operator runs it, against snmpsim and snmpd on loopback.
@Suite(.serialized) struct PantauCLITests {
    let sim: SNMPSimAgent

    init() throws {
        sim = try SharedLab.snmpsim.get()
        #expect(FileManager.default.isExecutableFile(atPath: Lab.pantauBinary), "build pantau first: \(Lab.pantauBinary)")
    }

    func pantau(_ args: [String], env: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
        try run(Lab.pantauBinary, args, environment: ["PANTAU_PROBES": Lab.repo + "/probes"].merging(env) { $1 }, timeout: 300)
    }

    static func decode(_ json: String) throws -> DeviceInventory {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return try d.decode(DeviceInventory.self, from: Data(json.utf8))
    }

    /// `pantau poll` over the real wire (Net-SNMP → snmpsim) agrees with LibreNMS's reading of
    /// every recording, under the same waivers as the in-process probe tests.
    @Test(arguments: Lab.recordings)
    func pollAgreesWithLibreNMS(name: String) throws {
        let r = try pantau(["poll", sim.agent, "--community", name, "--json", "--timeout", "5", "--retries", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        let inv = try Self.decode(r.stdout)
        let expected = try LibreNMSExpectation.load(path: "\(Lab.snmpCorpus)/\(name).expected.json")
        let report = expected.compare(inv, waivers: CorpusWaivers.all[name] ?? [:])
        #expect(report.agrees, "\(name):\n\(report)")
        #expect(inv.warnings.isEmpty, "\(name): \(inv.warnings)")
        // The public JSON shape: dotted sysObjectID without a leading dot, MACs lower-case colon hex.
        #expect(inv.sysObjectID?.hasPrefix(".") == false)
        for i in inv.interfaces { if let m = i.mac { #expect(MACAddress(m)?.description == m) } }
    }

    @Test func pollJSONHasThePublicKeys() throws {
        let r = try pantau(["poll", sim.agent, "--community", "routeros_crs317", "--json", "--timeout", "5"])
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        for key in ["sysName", "sysDescr", "sysObjectID", "vendor", "family", "model", "serial", "version", "interfaces",
                    "neighbors", "forwarding", "arp", "components", "ipAddresses"] {
            #expect(obj.keys.contains(key), "missing \(key)")
        }
        let iface = try #require((obj["interfaces"] as? [[String: Any]])?.first)
        for key in ["ifIndex", "ifName", "ifDescr", "ifAlias", "ifType", "speed", "mac", "adminStatus", "operStatus"] {
            #expect(iface.keys.contains(key), "interface missing \(key)")
        }
    }

    @Test func pollTextAndErrors() throws {
        let ok = try pantau(["poll", sim.agent, "--community", "iosxe_c9300", "--timeout", "5"])
        #expect(ok.status == 0)
        #expect(ok.stdout.contains("C9300-48P") && ok.stdout.contains("FCW2204L050") && ok.stdout.contains("ifIndex"))
        let bad = try pantau(["poll", sim.agent, "--community", "wrong-community", "--timeout", "0.3", "--retries", "0"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("\(sim.agent): GET"))
        #expect(bad.stderr.contains("timeout") && bad.stderr.contains("Hint:"))
        #expect(!bad.stderr.contains("wrong-community"))
        let usage = try pantau(["poll", "not a host"])
        #expect(usage.status == 64)
    }

    @Test func collectOnceRecordsEveryDeviceAndSurvivesFailures() throws {
        let snmpd = try SharedLab.snmpd.get()
        let dir = try Lab.temporaryDirectory("collect")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let dead = Lab.freeUDPPort()
        try """
            concurrency: 8
            defaults: { timeout: 5, retries: 2 }
            credentials:
              crs: { version: v2c, community_env: LAB_COMMUNITY }
              c9300: { version: v2c, community_file: c9300.community }
              ups: { version: v1, community: eaton-mgeups_9pxle }
              v3:
                version: v3
                user: labSHA512
                auth_protocol: SHA-512
                auth_password_env: LAB_AUTH
                priv_protocol: AES
                priv_password_env: LAB_PRIV
            targets:
              - { name: crs, agent: "\(sim.agent)", credentials: crs, pd: DISKOMINFO }
              - { name: c9300, agent: "\(sim.agent)", credentials: c9300, pd: BAPPEDA }
              - { name: ups, agent: "\(sim.agent)", credentials: ups }
              - { name: dead, agent: "udp:127.0.0.1:\(dead)", credentials: crs, options: { timeout: 0.3, retries: 0 } }
              - { name: snmpd, agent: "\(snmpd.agent)", credentials: v3 }
            """.write(toFile: dir + "/c.yaml", atomically: true, encoding: .utf8)
        try "iosxe_c9300\n".write(toFile: dir + "/c9300.community", atomically: true, encoding: .utf8)
        let env = ["LAB_AUTH": "lab-auth-sha512", "LAB_PRIV": "lab-priv-sha512", "LAB_COMMUNITY": "routeros_crs317"]
        let r = try pantau(["collect", "--once", "--config", dir + "/c.yaml", "--store", dir + "/p.sqlite"], env: env)
        #expect(r.status == 3, "one device is down: exit 3\n\(r.stdout)\n\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.hasPrefix("ok ") }.count == 4)
        #expect(lines.contains { $0.hasPrefix("FAIL  dead") && $0.contains("udp:127.0.0.1:\(dead)") && $0.contains("timeout") })
        #expect(lines.last?.hasPrefix("collected 5 devices") == true)

        let list = try pantau(["inventory", "list", "--json", "--store", dir + "/p.sqlite"])
        let devices = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(devices.count == 5)
        #expect(devices.first { $0["name"] as? String == "dead" }?["lastPollOK"] as? Bool == false)
        #expect(devices.first { $0["name"] as? String == "crs" }?["model"] as? String == "CRS317-1G-16S+")
        let show = try pantau(["inventory", "show", "c9300", "--json", "--store", dir + "/p.sqlite"])
        #expect(try Self.decode(show.stdout).serial == "FCW2204L050")

        // A second run keeps history: first seen stays, nothing changed for the lab devices.
        let again = try pantau(["collect", "--once", "--config", dir + "/c.yaml", "--store", dir + "/p.sqlite", "--quiet"], env: env)
        #expect(again.status == 3)
        let history = try pantau(["inventory", "show", "crs", "--history", "--store", dir + "/p.sqlite"])
        #expect(history.stdout.contains("no changes recorded"))

        // No secret reached the output or the database: v3 passwords from the environment, a
        // community from the environment and one from a file (the device names differ from them).
        var db = try Data(contentsOf: URL(fileURLWithPath: dir + "/p.sqlite"))
        if let wal = try? Data(contentsOf: URL(fileURLWithPath: dir + "/p.sqlite-wal")) { db.append(wal) }
        for secret in ["lab-auth-sha512", "lab-priv-sha512", "routeros_crs317", "iosxe_c9300"] {
            #expect(db.range(of: Data(secret.utf8)) == nil, "\(secret) in the store")
            for out in [r.stdout, r.stderr, again.stdout, again.stderr, list.stdout, show.stdout, history.stdout] {
                #expect(!out.contains(secret), "\(secret) in the output")
            }
        }
    }

    @Test func badConfigurationTouchesNothing() throws {
        let dir = try Lab.temporaryDirectory("badcfg")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "targets:\n  - agent: 10.0.0.1\n    credentials: nope\n    colour: red\n".write(toFile: dir + "/c.yaml", atomically: true, encoding: .utf8)
        let r = try pantau(["collect", "--once", "--config", dir + "/c.yaml", "--store", dir + "/p.sqlite"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("\(dir)/c.yaml:4:5: targets[0].colour: unknown key"))
        #expect(r.stderr.contains("\(dir)/c.yaml:3:18: targets[0].credentials: no credential set named \"nope\""))
        #expect(!FileManager.default.fileExists(atPath: dir + "/p.sqlite"))
    }

    /// Every command and subcommand, found by walking `--help` from the top, has help that
    /// shows its usage and says what it does.
    @Test func helpIsThereForEveryCommand() throws {
        var queue: [[String]] = [[]]
        var seen: [[String]] = []
        while let cmd = queue.first {
            queue.removeFirst()
            let r = try pantau(cmd + ["--help"])
            #expect(r.status == 0, "\(cmd)")
            #expect(r.stdout.contains("USAGE: pantau" + cmd.map { " " + $0 }.joined()), "\(cmd): \(r.stdout.prefix(200))")
            #expect(r.stdout.contains("OVERVIEW:"), "\(cmd) has no overview")
            seen.append(cmd)
            // The SUBCOMMANDS section lists "  name   abstract" lines up to the next blank line.
            guard let section = r.stdout.components(separatedBy: "SUBCOMMANDS:\n").dropFirst().first else { continue }
            for line in section.components(separatedBy: "\n\n")[0].split(separator: "\n") {
                guard line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first, name != "help" else { continue }
                queue.append(cmd + [String(name)])
            }
        }
        // The top level and every family of subcommands were reached.
        for expected in [["poll"], ["collect"], ["inventory", "show"], ["probes", "lint"], ["diagram", "submit"], ["token", "create"],
                         ["registry", "load"], ["profile", "activate"], ["serve"], ["sample"], ["hosts"], ["talkers"], ["counters"], ["uptime"]] {
            #expect(seen.contains(expected), "\(expected) not listed under --help")
        }
        #expect(seen.count >= 30, "\(seen.count) commands")
        #expect(try pantau(["probes", "lint"]).stdout.contains("files OK"))
    }
}

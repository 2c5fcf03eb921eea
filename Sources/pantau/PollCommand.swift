import ArgumentParser
import Foundation
import NetSNMP
import Probes
import SNMPCore

/// SNMP credentials and protocol options for commands that talk to one agent.
struct SNMPArguments: ParsableArguments {
    @Option(name: .customLong("snmp-version"), help: ArgumentHelp("v1, v2c or v3 (default v2c, or v3 when --v3-user is given).", valueName: "version"))
    var snmpVersion: String?

    @Option(help: ArgumentHelp("v1/v2c community. Prefer $PANTAU_COMMUNITY: command lines are visible to other users.", valueName: "community"))
    var community: String?

    @Option(name: .customLong("v3-user"), help: ArgumentHelp("SNMPv3 user name.", valueName: "user"))
    var v3User: String?

    @Option(help: ArgumentHelp("noAuthNoPriv, authNoPriv or authPriv (default: from the passwords given).", valueName: "level"))
    var securityLevel: String?

    @Option(help: ArgumentHelp("MD5, SHA, SHA-224, SHA-256, SHA-384 or SHA-512 (default SHA-256).", valueName: "protocol"))
    var authProtocol: String?

    @Option(help: ArgumentHelp("SNMPv3 authentication password. Prefer $PANTAU_AUTH_PASSWORD.", valueName: "password"))
    var authPassword: String?

    @Option(help: ArgumentHelp("DES, AES, AES-192 or AES-256 (default AES).", valueName: "protocol"))
    var privProtocol: String?

    @Option(help: ArgumentHelp("SNMPv3 privacy password. Prefer $PANTAU_PRIV_PASSWORD.", valueName: "password"))
    var privPassword: String?

    @Option(help: ArgumentHelp("Seconds to wait for each reply.", valueName: "seconds"))
    var timeout: Double = 2

    @Option(help: ArgumentHelp("Retransmissions after the first attempt.", valueName: "n"))
    var retries: Int = 1

    @Option(help: ArgumentHelp("GETBULK max-repetitions for table walks.", valueName: "n"))
    var maxRepetitions: Int = 25

    func validate() throws {
        if let v = snmpVersion, SNMPVersion(rawValue: v.lowercased()) == nil {
            throw ValidationError("--snmp-version must be v1, v2c or v3, not \(v)")
        }
        if timeout <= 0 || timeout > 120 { throw ValidationError("--timeout must be more than 0 and at most 120 seconds") }
        if retries < 0 || retries > 10 { throw ValidationError("--retries must be between 0 and 10") }
        if maxRepetitions < 1 || maxRepetitions > 200 { throw ValidationError("--max-repetitions must be between 1 and 200") }
        _ = try credentials()
    }

    var options: SNMPOptions { SNMPOptions(timeout: timeout, retries: retries, maxRepetitions: maxRepetitions) }

    /// Credentials from the options, falling back to the environment for secrets.
    func credentials(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SNMPCredentials {
        let version = snmpVersion.flatMap { SNMPVersion(rawValue: $0.lowercased()) } ?? (v3User != nil ? .v3 : .v2c)
        switch version {
        case .v1, .v2c:
            guard let c = community ?? environment["PANTAU_COMMUNITY"], !c.isEmpty else {
                throw ValidationError("give a community with --community or $PANTAU_COMMUNITY (or --v3-user for SNMPv3)")
            }
            return .community(version, Secret(c))
        case .v3:
            guard let user = v3User, !user.isEmpty else { throw ValidationError("SNMPv3 needs --v3-user") }
            let auth = (authPassword ?? environment["PANTAU_AUTH_PASSWORD"]).map(Secret.init)
            let priv = (privPassword ?? environment["PANTAU_PRIV_PASSWORD"]).map(Secret.init)
            let level: SecurityLevel
            if let text = securityLevel {
                guard let l = SecurityLevel(lenient: text) else {
                    throw ValidationError("--security-level must be noAuthNoPriv, authNoPriv or authPriv, not \(text)")
                }
                level = l
            } else {
                level = priv != nil ? .authPriv : auth != nil ? .authNoPriv : .noAuthNoPriv
            }
            var usm = USMCredentials(user: user, level: level, authPassword: auth, privPassword: priv)
            if level != .noAuthNoPriv {
                guard let p = AuthProtocol(lenient: authProtocol ?? "SHA-256") else {
                    throw ValidationError("--auth-protocol must be one of \(AuthProtocol.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                usm.authProtocol = p
            }
            if level == .authPriv {
                guard let p = PrivProtocol(lenient: privProtocol ?? "AES") else {
                    throw ValidationError("--priv-protocol must be one of \(PrivProtocol.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                usm.privProtocol = p
            }
            if let problem = usm.problems.first { throw ValidationError(problem) }
            return .usm(usm)
        }
    }
}

extension Pantau {
    /// `pantau poll AGENT`: one device, now.
    struct Poll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Poll one device now and print its inventory.",
            discussion: """
                AGENT is [udp:|udp6:|tcp:]HOST[:PORT]. Nothing is stored; use `pantau collect` for that.

                Examples:
                  PANTAU_COMMUNITY=public pantau poll 192.0.2.10
                  pantau poll udp:127.0.0.1:11161 --community routeros --json
                  PANTAU_AUTH_PASSWORD=... PANTAU_PRIV_PASSWORD=... \\
                    pantau poll core-sw1 --v3-user noc --auth-protocol SHA-256 --priv-protocol AES

                Exit status: 0 when the device answered (warnings about single tables are printed), \
                1 when it could not be polled.
                """
        )

        @Argument(help: ArgumentHelp("The agent: [udp:|udp6:|tcp:]HOST[:PORT].", valueName: "agent"))
        var agent: String

        @OptionGroup var snmp: SNMPArguments

        @Option(name: .customLong("probes"), help: ArgumentHelp("Probe directory.", valueName: "dir"))
        var probes: String?

        @Flag(help: "Print the inventory as JSON (the public inventory shape, see README).")
        var json = false

        func validate() throws {
            if SNMPTarget(parsing: agent) == nil { throw ValidationError("\(agent) is not [udp:|udp6:|tcp:]HOST[:PORT]") }
        }

        func run() async throws {
            let target = SNMPTarget(parsing: agent)!  // checked in validate()
            let catalog = try ProbeCatalog.load(directory: defaultProbeDirectory(probes))
            let runner = ProbeRunner(catalog: catalog, clock: try commandClock())
            let client = try await NetSNMPEngine.shared.client(target: target, credentials: try snmp.credentials(), options: snmp.options)
            let inv: DeviceInventory
            do {
                inv = try await runner.inventory(client: client, agent: target.description)
            } catch {
                await client.close()
                throw PollError(error: error)
            }
            await client.close()
            print(json ? try InventoryRendering.json(inv) : InventoryRendering.text(inv))
        }
    }
}

import InventoryModel

/// An SNMP failure as the CLI reports it: the error, then the hint on its own line.
struct PollError: Error, CustomStringConvertible {
    var error: SNMPError
    var description: String { error.hint.map { "\(error)\nHint: \($0)" } ?? error.description }
}

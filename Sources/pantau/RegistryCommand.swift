import ArgumentParser
import Settings
import Foundation
import Governance
import InventoryModel
import InventoryStore
import Operations
import Storage

extension Pantau {
    struct Registry: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "registry",
            abstract: "The PD registry: codes, sites, subnets, VLANs, boundary routers, contacts.",
            discussion: """
                The registry is a YAML file (see config/registry.example.yaml) checked against \
                the active profile and loaded into the store.

                  pantau registry check config/registry.example.yaml
                  pantau registry load config/registry.example.yaml
                  pantau registry list
                """,
            subcommands: [Check.self, Load.self, List.self]
        )

        struct Check: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Validate a registry file (against the active profile, if any).")
            @Argument(help: "Registry YAML file.") var file: String
            @OptionGroup var store: StoreOptions
            func run() throws {
                let profile = try store.openIfExists()?.activeProfile()
                let r = try PDRegistry.load(path: file, profile: profile)
                print("\(file): \(r.pds.count) PDs, valid\(profile.map { " under the \($0.id) profile" } ?? " (no active profile)")")
                for f in profile.map(r.findings) ?? [] { print("warning: \(f)") }
            }
        }

        struct Load: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Validate a registry file and replace the stored registry with it.")
            @Argument(help: "Registry YAML file (default: governance.registry of --config).") var file: String?
            @Option(name: .customLong("config"), help: ArgumentHelp("Configuration file with a governance: section.", valueName: "file")) var config: String?
            @OptionGroup var store: StoreOptions
            @Option(name: .customLong("now"), help: .hidden) var now: String?
            func run() throws {
                let g = try config.flatMap { try PantauConfig.load(path: $0).governance }
                guard let file = file ?? g?.registryPath else { throw CLIError("name a registry file, or give --config with governance.registry") }
                let (r, findings) = try RegistryOperations(store: store.open(.readWrite), clock: commandClock(now)).load(path: file)
                print("loaded \(r.pds.count) PDs of \(r.regency) from \(file)")
                for f in findings { print("warning: \(f)") }
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the stored PDs.")
            @OptionGroup var store: StoreOptions
            func run() throws {
                let r = try RegistryOperations(store: store.open(.readOnly), clock: commandClock()).registry()
                for pd in r.pds {
                    let mandiri = pd.mandiriTIK.designated ? " Mandiri TIK (\(pd.mandiriTIK.decree ?? "no decree"))" : ""
                    let bw = pd.bandwidth.map { ", \(Int($0.approvedMbps)) Mbps" } ?? ""
                    print("\(pd.code.padding(toLength: 12, withPad: " ", startingAt: 0)) \(pd.name); subnets \(pd.subnets.map(\.description).joined(separator: " ")); VLANs \(pd.vlans.map(String.init).joined(separator: ","))\(bw);\(mandiri) Tier-1: \(pd.tier1Contacts.map(\.name).joined(separator: ", "))")
                }
            }
        }
    }
}

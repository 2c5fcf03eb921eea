import ArgumentParser
import Settings
import Foundation
import Governance
import InventoryModel
import InventoryStore
import Operations
import Storage

extension Pantau {
    struct Profile: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "profile",
            abstract: "Regional profiles: which checks run under which Peraturan Bupati.",
            discussion: """
                One profile is active per installation. Five ship in config/profiles: lebong \
                (Perbup 22/2022), soppeng (30/2022), batang (50/2019), manggarai (52/2021), \
                waykanan (26/2019).

                  pantau profile list
                  pantau profile activate manggarai
                  pantau profile show
                """,
            subcommands: [List.self, Activate.self, Show.self]
        )

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the profiles in the profiles directory.")
            @OptionGroup var profiles: ProfilesOptions
            func run() throws {
                let all = try RegionalProfile.loadAll(directory: profiles.directory)
                for p in all.values.sorted(by: { $0.id < $1.id }) {
                    let d = p.diagramFreshness
                    let duty = d.enabled ? "diagram duty \(d.mode.rawValue) \(d.maxAgeMonths) months (\(d.basis))" : "no diagram duty"
                    print("\(p.id.padding(toLength: 10, withPad: " ", startingAt: 0)) \(p.perbupShortName): \(duty)")
                }
            }
        }

        struct Activate: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Make a profile the active one (recorded in the store).")
            @Argument(help: "Profile id, e.g. manggarai (default: governance.active_profile of --config).") var id: String?
            @OptionGroup var profiles: ProfilesOptions
            @Option(name: .customLong("config"), help: ArgumentHelp("Configuration file with a governance: section.", valueName: "file")) var config: String?
            @OptionGroup var store: StoreOptions
            @Option(name: .customLong("by"), help: "Who activates it (for the record).") var by: String = ProcessInfo.processInfo.environment["USER"] ?? "cli"
            @Option(name: .customLong("now"), help: .hidden) var now: String?
            func run() throws {
                let g = try config.flatMap { try PantauConfig.load(path: $0).governance }
                guard let id = id ?? g?.activeProfile else { throw CLIError("name a profile, or give --config with governance.active_profile") }
                let dir = g?.profilesDirectory ?? profiles.directory
                let p = try RegistryOperations(store: store.open(.readWrite), clock: commandClock(now)).activate(profile: id, directory: dir, by: by)
                print("active profile: \(p.id) (\(p.perbupShortName))")
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show the active profile's checks and their legal basis.")
            @OptionGroup var store: StoreOptions
            func run() throws {
                let p = try RegistryOperations(store: store.open(.readOnly), clock: commandClock()).activeProfile()
                print("\(p.id): \(p.regency), \(p.perbupShortName); \(p.dinasName); local time UTC+\(p.utcOffsetHours)")
                print("network: WAN \(p.network.wanOperator.rawValue), demarcation \(p.network.wanDemarcation.rawValue), LAN rule \(p.network.lanRule.rawValue) [\(p.network.basis)]")
                if let wan = p.network.wanBasis { print("the Dinas's WAN duty: [\(wan)]") }
                print("PD Mandiri TIK: \(p.mandiriTIK.enabled ? "yes" : "no")\(p.mandiriTIK.requiresDecree ? ", Keputusan Bupati required" : "") [\(p.mandiriTIK.basis)]")
                let d = p.diagramFreshness
                print("lan_diagram_freshness: \(d.enabled ? "on, \(d.mode.rawValue), \(d.maxAgeMonths) months" : "off") [\(d.enabled ? d.basis.description : "-")]")
                let c = p.changeReport
                print("lan_change_report: \(c.enabled ? "on, deadline \(c.deadlineDays.map { "\($0) days" } ?? "none")" : "off") [\(c.enabled ? c.basis.description : "-")]")
                print("audit_infrastructure: \(p.audit.enabled ? "on, every \(p.audit.intervalMonths.map(String.init) ?? "?") months" : "off") [\(p.audit.enabled ? p.audit.basis.description : "-")]")
                for (k, v) in p.otherChecks.sorted(by: { $0.key < $1.key }) {
                    print("\(k): \(v.enabled ? "on" : "off") [\(v.enabled ? v.basis.description : "-")]")
                }
            }
        }
    }
}

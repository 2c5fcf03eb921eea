import ArgumentParser
import Foundation
import Governance
import InventoryModel
import InventoryStore
import Operations
import Storage

extension Pantau {
    struct Token: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "token",
            abstract: "Access tokens for the submission service (one per PD, or Diskominfo).",
            discussion: """
                The token is printed once; only its SHA-256 is stored.

                  pantau token create --pd BAPPEDA --label "Bappeda Tier-1" --expires-days 365
                  pantau token create --diskominfo --label "NOC"
                  pantau token list
                  pantau token revoke 3
                """,
            subcommands: [Create.self, List.self, Revoke.self]
        )

        struct Create: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Create a token and print it once.")
            @Option(help: "PD the token speaks for.") var pd: String?
            @Flag(help: "A Diskominfo token that reads every PD.") var diskominfo = false
            @Option(help: "Label (who holds it).") var label: String
            @Option(name: .customLong("expires-days"), help: "Days until it expires (default: never).") var expiresDays: Int?
            @OptionGroup var store: StoreOptions
            @Option(name: .customLong("now"), help: .hidden) var now: String?
            func run() throws {
                guard (pd != nil) != diskominfo else { throw CLIError("give exactly one of --pd PD or --diskominfo") }
                let created = try AccessOperations(store: store.open(.readWrite), clock: commandClock(now))
                    .create(pd: pd, label: label, expiresDays: expiresDays, actor: "cli")
                let (id, secret) = (created.id, created.secret)
                print(secret)
                FileHandle.standardError.write(Data("token #\(id) for \(pd ?? "Diskominfo") created; it is shown only now\n".utf8))
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List tokens (never their values).")
            @OptionGroup var store: StoreOptions
            func run() throws {
                let access = try AccessOperations(store: store.open(.readOnly), clock: commandClock())
                let now = access.clock.now()
                for t in try access.list() {
                    let state = t.revokedAt != nil ? "revoked" : t.expiresAt.map { $0 < now ? "expired" : "expires \($0)" } ?? "no expiry"
                    print("#\(t.id) \(t.role) \"\(t.label)\" created \(t.createdAt) \(state)")
                }
            }
        }

        struct Revoke: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Revoke a token by id.")
            @Argument(help: "Token id from pantau token list.") var id: Int64
            @OptionGroup var store: StoreOptions
            @Option(name: .customLong("now"), help: .hidden) var now: String?
            func run() throws {
                try AccessOperations(store: store.open(.readWrite), clock: commandClock(now)).revoke(id: id, actor: "cli")
                print("token #\(id) revoked")
            }
        }
    }
}

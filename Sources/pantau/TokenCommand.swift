import ArgumentParser
import Foundation
import Governance
import InventoryModel
import InventoryStore
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
                let s = try store.open(.readWrite)
                if let pd {
                    guard let reg = try s.registry(), reg[pd] != nil else { throw CLIError("PD \"\(pd)\" is not in the stored registry") }
                }
                if let d = expiresDays, d < 1 { throw CLIError("--expires-days must be at least 1") }
                let at = try governanceNow(now)
                let secret = TokenSecret.generate()
                let id = try s.addToken(sha256: TokenSecret.hash(secret), role: pd.map { .pd($0) } ?? .diskominfo, label: label, at: at,
                                        expires: expiresDays.map { at.addingTimeInterval(Double($0) * 86400) })
                try s.appendAudit(AuditEntry(at: at, actor: "cli", action: "token-create", pd: pd, outcome: "ok", detail: "token #\(id) \(label)"))
                print(secret)
                FileHandle.standardError.write(Data("token #\(id) for \(pd ?? "Diskominfo") created; it is shown only now\n".utf8))
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List tokens (never their values).")
            @OptionGroup var store: StoreOptions
            func run() throws {
                let s = try store.open(.readOnly)
                for t in try s.tokens() {
                    let state = t.revokedAt != nil ? "revoked" : t.expiresAt.map { $0 < Date() ? "expired" : "expires \($0)" } ?? "no expiry"
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
                let s = try store.open(.readWrite)
                guard try s.revokeToken(id: id, at: try governanceNow(now)) else { throw CLIError("no active token #\(id)") }
                print("token #\(id) revoked")
            }
        }
    }
}

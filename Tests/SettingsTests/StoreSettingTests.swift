import Foundation
import Settings
import Testing

/// `store:` names a SQLite file (resolved against the configuration's folder) or a PostgreSQL
/// URL (kept as written).
@Suite struct StoreSettingTests {
    func loadConfig(_ yaml: String) throws -> PantauConfig {
        try SettingsTests.loadConfig("credentials: {c: {version: v2c, community: x}}\ntargets: [{name: r, agent: \"udp:10.0.0.1:161\", credentials: c}]\n" + yaml)
    }

    @Test func aPathResolvesAndAURLIsKept() throws {
        let relative = try loadConfig("store: var/p.sqlite\n")
        #expect(relative.store?.hasSuffix("/var/p.sqlite") == true && relative.store?.hasPrefix("/") == true)
        let prefixed = try loadConfig("store: sqlite:var/p.sqlite\n")
        #expect(prefixed.store?.hasPrefix("sqlite:/") == true && prefixed.store?.hasSuffix("/var/p.sqlite") == true)
        #expect(try loadConfig("store: postgres://pantau@db.example:5432/pantau\n").store == "postgres://pantau@db.example:5432/pantau")
        #expect(try loadConfig("store: postgresql://pantau@10.0.0.5/pantau\n").store == "postgresql://pantau@10.0.0.5/pantau")
    }
}

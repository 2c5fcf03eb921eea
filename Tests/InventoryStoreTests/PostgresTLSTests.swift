import Foundation
import InventoryTesting
import PostgresStore
import Storage
import Testing

/// TLS to the central PostgreSQL store, as libpq's sslmode asks for it, against a real server
/// serving a certificate for `localhost` (and, for the refusals, one that serves no TLS).
@Suite struct PostgresTLSTests {
    func refusal(_ url: String, _ env: [String: String]) -> StoreError? {
        do { _ = try PostgresStore(url: url, environment: env); return nil } catch { return error }
    }

    @Test func verifyFullConnectsEncryptedAndRefusesWhatItCannotTrust() throws {
        let server = try PostgresServer(tls: true)
        defer { server.stop() }
        let ca = try #require(server.authority)
        let db = try server.createDatabase("tls").split(separator: "/").last.map(String.init)!
        let base = "postgres://postgres@localhost:\(server.port)/\(db)"

        // Verified against the authority, the connection is TLS.
        let store = try PostgresStore(url: base + "?sslmode=verify-full&sslrootcert=\(ca)", environment: server.environment)
        #expect(store.location == base + "?sslmode=verify-full&sslrootcert=\(ca)")
        #expect(try store.sessionUsesTLS())
        #expect(try store.connectionSecurity().hasPrefix("TLSv1.") && store.connectionSecurity().hasSuffix(" (sslmode verify-full)"))
        // The same through PGSSLMODE and PGSSLROOTCERT, as libpq reads them.
        let byEnv = try PostgresStore(url: base, environment: server.environment.merging(["PGSSLMODE": "verify-full", "PGSSLROOTCERT": ca]) { $1 })
        #expect(try byEnv.sessionUsesTLS())
        // prefer (the default) takes TLS when the server offers it; disable does not.
        #expect(try PostgresStore(url: base, environment: server.environment).sessionUsesTLS())
        let plain = try PostgresStore(url: base + "?sslmode=disable", environment: server.environment)
        #expect(try !plain.sessionUsesTLS() && plain.connectionSecurity() == "not encrypted (sslmode disable)")
        // store status says it, as a person reads it.
        let shown = try run(Lab.pantauBinary, ["store", "status", "--store", base + "?sslmode=verify-full&sslrootcert=\(ca)"], environment: server.environment)
        #expect(shown.status == 0 && shown.stdout.contains("\nwire     TLSv1."), "\(shown.stdout)\(shown.stderr)")

        // Another authority: the certificate is not trusted, and it says so.
        let other = try Lab.temporaryDirectory("other-ca")
        defer { try? FileManager.default.removeItem(atPath: other) }
        let otherCA = try PostgresServer.makeCertificates(in: other)
        let untrusted = try #require(refusal(base + "?sslmode=verify-ca&sslrootcert=\(otherCA)", server.environment))
        #expect(untrusted.kind == .unusable && untrusted.description.contains("TLS certificate is not trusted"), "\(untrusted)")
        #expect(!untrusted.description.contains(server.password))
        // The certificate names localhost, not 127.0.0.1: verify-full refuses an address before connecting.
        let byAddress = try #require(refusal("postgres://postgres@127.0.0.1:\(server.port)/\(db)?sslmode=verify-full&sslrootcert=\(ca)", server.environment))
        #expect(byAddress.description.contains("is an address") && byAddress.description.contains("verify-ca"), "\(byAddress)")
        // verify-ca by address checks the authority, not the name.
        #expect(try PostgresStore(url: "postgres://postgres@127.0.0.1:\(server.port)/\(db)?sslmode=verify-ca&sslrootcert=\(ca)",
                                  environment: server.environment).sessionUsesTLS())
    }

    @Test func requiringTLSOfAServerWithoutItAndBadParametersAreRefusedClearly() throws {
        let server = try PostgresServer.shared()
        let url = try server.createDatabase("notls")
        let plain = try #require(refusal(url + "?sslmode=require", server.environment))
        #expect(plain.kind == .unusable && plain.description.contains("does not offer TLS"), "\(plain)")
        let mode = try #require(refusal(url + "?sslmode=always", server.environment))
        #expect(mode.description.contains("sslmode=always is not one of disable, prefer, require, verify-ca, verify-full"), "\(mode)")
        let env = try #require(refusal(url, server.environment.merging(["PGSSLMODE": "yes"]) { $1 }))
        #expect(env.description.contains("PGSSLMODE=yes"), "\(env)")
        let unknown = try #require(refusal(url + "?sslmode=require&application_name=x", server.environment))
        #expect(unknown.description.contains("application_name is not one Pantau reads"), "\(unknown)")
        let missing = try #require(refusal(url + "?sslmode=verify-ca&sslrootcert=/nonexistent/ca.pem", server.environment))
        #expect(missing.description.contains("sslrootcert /nonexistent/ca.pem cannot be read"), "\(missing)")
    }
}

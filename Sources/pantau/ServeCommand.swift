import ArgumentParser
import Settings
import Foundation
import Governance
import Hummingbird
import InventoryModel
import InventoryStore
import Operations
import Portal
import Storage
import SubmissionService

extension Pantau {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve",
            abstract: "Run the HTTP service where PD staff submit diagrams and check their status.",
            discussion: """
                Binds 127.0.0.1:8780 by default. The PD portal (web pages) is at /: sign in with \
                the token from pantau token create. Every API request needs that token as a \
                bearer token. Routes: GET /api/v1/status, POST /api/v1/pds/PD/validate, \
                POST /api/v1/pds/PD/diagrams?by=NAME, GET /api/v1/pds/PD/diagrams[/V], \
                GET /api/v1/pds/PD/diff?from=V1&to=V2, GET /api/v1/pds/PD/draft?format=drawio.

                  curl -H "Authorization: Bearer $TOKEN" --data-binary @bappeda.drawio \\
                       "http://127.0.0.1:8780/api/v1/pds/BAPPEDA/diagrams?by=Maria&filename=bappeda.drawio"
                """
        )
        @Option(name: .customLong("config"), help: ArgumentHelp("Configuration file with a governance: section.", valueName: "file")) var config: String?
        @Option(help: "Address to bind.") var bind: String?
        @Option(help: "TCP port.") var port: Int?
        @Option(name: .customLong("upload-limit"), help: "Largest upload in bytes.") var uploadLimit: Int?
        @Flag(name: .customLong("secure-cookies"), help: "Mark the portal's cookies Secure (it is reached over HTTPS through a TLS proxy).")
        var secureCookies = false
        @OptionGroup var store: StoreOptions

        func validate() throws {
            if let port, !(1...65535).contains(port) { throw ValidationError("--port must be 1-65535, not \(port)") }
            if let uploadLimit, uploadLimit < 1024 { throw ValidationError("--upload-limit must be at least 1024 bytes") }
        }

        func run() async throws {
            var settings = SubmissionServiceSettings()
            if let config, let g = try PantauConfig.load(path: config).governance {
                settings = SubmissionServiceSettings(host: g.httpBind, port: g.httpPort, uploadLimit: g.uploadLimitBytes)
            }
            if let bind { settings.host = bind }
            if let port { settings.port = port }
            if let uploadLimit { settings.uploadLimit = uploadLimit }
            let s = try store.open(.readWrite)
            let clock = try commandClock()
            _ = try RegistryOperations(store: s, clock: clock).activeProfile()  // the service answers under it
            let limit = settings.uploadLimit
            let host = settings.host
            var portalSettings = PortalSettings(uploadLimit: limit, secureCookies: secureCookies)
            portalSettings.clientAddressHeader = SubmissionService.peerAddressHeader
            let portal = try Portal(store: s, settings: portalSettings, clock: clock)
            let app = SubmissionService.makeApplication(store: s, settings: settings, clock: clock, routes: portal.mount) { port in
                FileHandle.standardOutput.write(Data("pantau: submission service on http://\(host):\(port) (upload limit \(limit) bytes); PD portal at http://\(host):\(port)/\n".utf8))
            }
            try await app.runService()
        }
    }
}

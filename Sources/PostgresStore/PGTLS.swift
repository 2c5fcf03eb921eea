import Foundation
import NIOCore
import PostgresNIO
import Storage

/// How a connection to PostgreSQL uses TLS, as libpq's `sslmode` says it (and with its
/// default, `prefer`): a collector at a remote site reaches the central store over a WAN the
/// regency does not own, so the URL (or `PGSSLMODE`) can ask for encryption and a verified
/// server.
public enum PostgresTLSMode: String, Sendable, CaseIterable {
    /// Never TLS.
    case disable
    /// TLS when the server offers it, else plain; the certificate is not checked (libpq's default).
    case prefer
    /// TLS or no connection; the certificate is not checked, unless `sslrootcert` is given
    /// (then as `verify-ca`, as libpq does).
    case require
    /// TLS, with a certificate signed by a trusted authority (`sslrootcert`, else the system's).
    case verifyCA = "verify-ca"
    /// As `verify-ca`, and the certificate must name the URL's host.
    case verifyFull = "verify-full"
}

/// The TLS a pool's connections use, worked out once from the URL and the environment.
struct PGTLSSetup: @unchecked Sendable {
    let mode: PostgresTLSMode
    let tls: PostgresConnection.Configuration.TLS
    /// The host name the certificate must name (`verify-full`).
    let serverName: String?

    /// `sslmode` and `sslrootcert` from the URL, else `PGSSLMODE` and `PGSSLROOTCERT`, else
    /// `prefer` with the system's authorities. A root file that cannot be read, or `verify-full`
    /// with an IP address for a host (a certificate is checked against a name), is refused.
    static func make(_ location: PostgresLocation, environment: [String: String]) throws(StoreError) -> PGTLSSetup {
        let shown = location.description
        func refuse(_ message: String) -> StoreError {
            StoreError(path: shown, action: "opening the store", message: message, kind: .unusable)
        }
        var mode = location.tlsMode ?? .prefer
        if location.tlsMode == nil, let env = environment["PGSSLMODE"], !env.isEmpty {
            guard let m = PostgresTLSMode(rawValue: env) else {
                throw refuse("PGSSLMODE=\(env) is not one of \(PostgresTLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            mode = m
        }
        let root = location.rootCertificate ?? environment["PGSSLROOTCERT"].flatMap { $0.isEmpty ? nil : $0 }
        if mode == .require, root != nil { mode = .verifyCA }
        if mode == .disable { return PGTLSSetup(mode: mode, tls: .disable, serverName: nil) }
        var config = TLSConfiguration.makeClientConfiguration()
        switch mode {
        case .prefer, .require: config.certificateVerification = .none
        case .verifyCA: config.certificateVerification = .noHostnameVerification
        case .verifyFull, .disable: config.certificateVerification = .fullVerification
        }
        if let root, mode == .verifyCA || mode == .verifyFull {
            guard FileManager.default.isReadableFile(atPath: root) else {
                throw refuse("sslrootcert \(root) cannot be read")
            }
            do {
                config.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(root))
            } catch {
                throw refuse("sslrootcert \(root) holds no PEM certificate (\(error))")
            }
        }
        var serverName: String?
        if mode == .verifyFull {
            guard !location.hostIsAddress else {
                throw refuse("sslmode=verify-full checks the server's certificate against a host name, and \(location.host) is an address; "
                    + "name the server by the name on its certificate, or use sslmode=verify-ca")
            }
            serverName = location.host
        }
        let context: NIOSSLContext
        do { context = try NIOSSLContext(configuration: config) } catch {
            throw refuse("cannot set up TLS (\(error))")
        }
        return PGTLSSetup(mode: mode, tls: mode == .prefer ? .prefer(context) : .require(context), serverName: serverName)
    }
}

extension PostgresLocation {
    /// Whether the host is an IPv4 or IPv6 address rather than a name.
    var hostIsAddress: Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }
}

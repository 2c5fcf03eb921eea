import Foundation

/// Where an agent listens: `[udp:|udp6:|tcp:]HOST[:PORT]`, the Net-SNMP peer-name syntax.
public struct SNMPTarget: Sendable, Hashable, CustomStringConvertible {
    public enum Transport: String, Sendable, Hashable { case udp, udp6, tcp }

    public var transport: Transport
    public var host: String
    public var port: Int

    public init(transport: Transport = .udp, host: String, port: Int = 161) {
        self.transport = transport
        self.host = host
        self.port = port
    }

    /// Parses `udp:10.0.0.1:161`, `10.0.0.1`, `switch-1:1161`, `udp6:[fe80::1]:161`.
    public init?(parsing text: String) {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        var transport = Transport.udp
        for t in [Transport.udp6, .udp, .tcp] where rest.lowercased().hasPrefix(t.rawValue + ":") {
            transport = t
            rest = rest.dropFirst(t.rawValue.count + 1)
            break
        }
        var host = ""
        var port = 161
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") {
                guard let p = Int(after.dropFirst()), (1...65535).contains(p) else { return nil }
                port = p
            } else if !after.isEmpty { return nil }
            if transport == .udp { transport = .udp6 }
        } else if rest.filter({ $0 == ":" }).count == 1, let colon = rest.firstIndex(of: ":") {
            host = String(rest[..<colon])
            guard let p = Int(rest[rest.index(after: colon)...]), (1...65535).contains(p) else { return nil }
            port = p
        } else {
            host = String(rest)
            if host.contains(":") && transport == .udp { transport = .udp6 }
        }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" }) else { return nil }
        self.init(transport: transport, host: host, port: port)
    }

    /// Net-SNMP peer name, e.g. `udp:127.0.0.1:1161`.
    public var description: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return "\(transport.rawValue):\(h):\(port)"
    }
}

/// Per-target protocol options.
public struct SNMPOptions: Sendable, Hashable {
    /// Seconds to wait for each reply before retrying.
    public var timeout: Double
    /// Retransmissions after the first attempt.
    public var retries: Int
    /// GETBULK max-repetitions used by walks.
    public var maxRepetitions: Int
    /// A walk that returns more rows than this is stopped and reported (agents that never
    /// reach the end of a table exist).
    public var maxWalkRows: Int
    /// Use GETNEXT instead of GETBULK even on v2c/v3 (for agents with broken GETBULK).
    public var disableBulk: Bool

    public init(
        timeout: Double = 2, retries: Int = 1, maxRepetitions: Int = 25, maxWalkRows: Int = 100_000,
        disableBulk: Bool = false
    ) {
        self.timeout = timeout
        self.retries = retries
        self.maxRepetitions = maxRepetitions
        self.maxWalkRows = maxWalkRows
        self.disableBulk = disableBulk
    }
}

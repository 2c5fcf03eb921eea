import Foundation

/// A recorded SNMP walk in snmpsim's `.snmprec` format (`OID|TYPE|VALUE` per line), the
/// format LibreNMS keeps its device recordings in.
///
/// Used to replay a device offline (`pantau probes test --recording`), and by tests as the
/// in-process twin of the snmpsim agent serving the same file.
public struct SNMPRecording: Sendable {
    /// Bindings sorted by OID, unique.
    public let bindings: [VarBind]

    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public var file: String
        public var line: Int
        public var message: String
        public var description: String { "\(file):\(line): \(message)" }
    }

    public init(bindings: [VarBind]) {
        var seen = Set<OID>()
        self.bindings = bindings.sorted { $0.oid < $1.oid }.filter { seen.insert($0.oid).inserted }
    }

    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ParseError(file: path, line: 0, message: "cannot read file")
        }
        try self.init(text: String(decoding: data, as: UTF8.self), file: path)
    }

    /// Parses snmprec text. Type codes: 2 INTEGER, 4 OCTET STRING (`4x` hex), 5 NULL,
    /// 6 OBJECT IDENTIFIER, 64 IpAddress, 65 Counter32, 66 Gauge32, 67 TimeTicks,
    /// 68 Opaque, 70 Counter64.
    public init(text: String, file: String = "<recording>") throws {
        var out: [VarBind] = []
        var lineNo = 0
        // "\r\n" is one Character in Swift, so split on it as well as on "\n" (recordings
        // written on Windows end their lines with it).
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNo += 1
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { throw ParseError(file: file, line: lineNo, message: "expected OID|TYPE|VALUE") }
            guard let oid = OID(parts[0]) else { throw ParseError(file: file, line: lineNo, message: "bad OID \(parts[0])") }
            let type = parts[1]
            let raw = parts[2]
            let hex = type.hasSuffix("x")
            let code = hex ? type.dropLast() : type
            func bytes() throws -> [UInt8] {
                if hex { return try SNMPRecording.hexBytes(raw, file: file, line: lineNo) }
                return Array(raw.utf8)
            }
            func number<T: FixedWidthInteger>(_: T.Type) throws -> T {
                guard let v = T(raw) else { throw ParseError(file: file, line: lineNo, message: "bad number \(raw)") }
                return v
            }
            let value: SNMPValue
            switch code {
            case "2": value = .integer(try number(Int64.self))
            case "4": value = .octets(try bytes())
            case "5": value = .null
            case "6":
                guard let o = OID(raw) else { throw ParseError(file: file, line: lineNo, message: "bad OID value \(raw)") }
                value = .oid(o)
            case "64":
                if hex { value = .ipAddress(try bytes()) } else {
                    let octets = raw.split(separator: ".").compactMap { UInt8($0) }
                    guard octets.count == 4 else { throw ParseError(file: file, line: lineNo, message: "bad IpAddress \(raw)") }
                    value = .ipAddress(octets)
                }
            case "65": value = .counter32(try number(UInt32.self))
            case "66": value = .gauge32(try number(UInt32.self))
            case "67": value = .timeticks(try number(UInt32.self))
            case "68": value = .opaque(try bytes())
            case "70": value = .counter64(try number(UInt64.self))
            default: throw ParseError(file: file, line: lineNo, message: "unsupported type \(type)")
            }
            out.append(VarBind(oid, value))
        }
        self.init(bindings: out)
    }

    static func hexBytes(_ s: Substring, file: String, line: Int) throws -> [UInt8] {
        let digits = Array(s.utf8)
        guard digits.count % 2 == 0 else { throw ParseError(file: file, line: line, message: "odd-length hex value") }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var i = 0
        while i < digits.count {
            guard let hi = hexValue(digits[i]), let lo = hexValue(digits[i + 1]) else {
                throw ParseError(file: file, line: line, message: "bad hex value")
            }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: c - 48
        case 65...70: c - 55
        case 97...102: c - 87
        default: nil
        }
    }

    /// Index of the first binding whose OID is greater than `oid`.
    func successorIndex(of oid: OID) -> Int {
        var lo = 0, hi = bindings.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if bindings[mid].oid <= oid { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    func exact(_ oid: OID) -> SNMPValue? {
        let i = successorIndex(of: oid) - 1
        return i >= 0 && bindings[i].oid == oid ? bindings[i].value : nil
    }
}

/// An `SNMPClient` that answers from a recording, as an SNMPv2c agent would: no network,
/// no timing, same answers snmpsim gives for the same file.
public struct RecordingSNMPClient: SNMPClient {
    public let recording: SNMPRecording
    public let agentDescription: String
    public let version: SNMPVersion
    public let options: SNMPOptions

    public init(recording: SNMPRecording, name: String = "recording", version: SNMPVersion = .v2c,
                options: SNMPOptions = SNMPOptions()) {
        self.recording = recording
        self.agentDescription = name
        self.version = version
        self.options = options
    }

    public func get(_ oids: [OID]) async throws(SNMPError) -> [VarBind] {
        oids.map { oid in
            if let v = recording.exact(oid) { return VarBind(oid, v) }
            // An object with instances below it exists but this instance does not.
            let next = recording.successorIndex(of: oid)
            let parentExists = next < recording.bindings.count
                && recording.bindings[next].oid.count > 1
                && OID(Array(oid.components.dropLast())).hasPrefix(OID(Array(recording.bindings[next].oid.components.dropLast())))
            return VarBind(oid, parentExists ? .noSuchInstance : .noSuchObject)
        }
    }

    public func getNext(_ oids: [OID]) async throws(SNMPError) -> [VarBind] {
        oids.map { oid in
            let i = recording.successorIndex(of: oid)
            return i < recording.bindings.count ? recording.bindings[i] : VarBind(oid, .endOfMibView)
        }
    }

    public func getBulk(_ oids: [OID], nonRepeaters: Int, maxRepetitions: Int) async throws(SNMPError) -> [VarBind] {
        var out: [VarBind] = []
        let nr = max(0, min(nonRepeaters, oids.count))
        out += try await getNext(Array(oids.prefix(nr)))
        var cursors = Array(oids.dropFirst(nr))
        for _ in 0..<max(1, maxRepetitions) where !cursors.isEmpty {
            let row = try await getNext(cursors)
            out += row
            cursors = row.map(\.oid)
            if row.allSatisfy({ $0.value == .endOfMibView }) { break }
        }
        return out
    }

    public func close() async {}
}

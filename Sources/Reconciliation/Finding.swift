import Foundation
import Governance

/// A finding's stable code, e.g. `unregistered-device`. Codes are data: each is documented
/// once in `FindingCatalog`, and checks built elsewhere (bandwidth flags, the spec annex)
/// add their own codes there and emit `Detection`s that go through the same lifecycle.
public struct FindingCode: RawRepresentable, Hashable, Comparable, Codable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }
    public var description: String { rawValue }
    public static func < (a: FindingCode, b: FindingCode) -> Bool { a.rawValue < b.rawValue }
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }

    public static let unregisteredDevice: FindingCode = "unregistered-device"
    public static let unmanagedSwitchSuspected: FindingCode = "unmanaged-switch-suspected"
    public static let rogueDHCP: FindingCode = "rogue-dhcp"
    public static let unknownEndpoint: FindingCode = "unknown-endpoint"
    public static let missingDevice: FindingCode = "missing-device"
    public static let linkMismatch: FindingCode = "link-mismatch"
    public static let attributeDrift: FindingCode = "attribute-drift"
    public static let wrongSegment: FindingCode = "wrong-segment"
    public static let diagramOverdue: FindingCode = "diagram-overdue"
    public static let changeUnreported: FindingCode = "change-unreported"
    public static let outOfAuthority: FindingCode = "out-of-authority"
    /// Assessed by the spec-annex check (built apart); catalogued here so it slots in.
    public static let belowSpec: FindingCode = "below-spec"
    public static let specUnknown: FindingCode = "spec-unknown"
    /// From the traffic series (`pantau traffic --record`), against the registry's allocations.
    public static let bandwidthOverAllocation: FindingCode = "bandwidth-over-allocation"
    public static let bandwidthUnapproved: FindingCode = "bandwidth-unapproved"
    public static let uplinkUnmonitored: FindingCode = "uplink-unmonitored"
}

/// How much a finding matters to the NOC. A finding whose basis is a "dapat" provision is
/// never above `warning` (regulations.md R3).
public enum Severity: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case info, warning, error
    var rank: Int { Severity.allCases.firstIndex(of: self) ?? 0 }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// What a finding is about: a device (declared id or observed name) and port, a host's MAC
/// and address, or the PD itself (all nil); `detail` narrows it (an attribute, a VLAN, a link).
public struct FindingSubject: Sendable, Hashable, Codable, CustomStringConvertible {
    public var device: String?
    public var port: String?
    public var mac: String?
    public var address: String?
    public var detail: String?

    public init(device: String? = nil, port: String? = nil, mac: String? = nil, address: String? = nil, detail: String? = nil) {
        self.device = device
        self.port = port
        self.mac = mac
        self.address = address
        self.detail = detail
    }

    /// The part of a finding's identity that names its subject.
    public var key: String {
        [device.map { "device=\($0)" }, port.map { "port=\($0)" }, mac.map { "mac=\($0)" }, address.map { "ip=\($0)" },
         detail.map { "detail=\($0)" }].compactMap { $0 }.joined(separator: ";")
    }

    /// `sw-core:Gi1/0/1`, `mac 00:11:22:33:44:55 (10.21.1.9)`, or `PD` for the PD as a whole.
    public var description: String {
        var parts: [String] = []
        if let device { parts.append(port.map { "\(device):\($0)" } ?? device) }
        if let mac { parts.append("mac \(mac)") }
        if let address { parts.append(parts.isEmpty ? address : "(\(address))") }
        if let detail { parts.append("[\(detail)]") }
        return parts.isEmpty ? "PD" : parts.joined(separator: " ")
    }
}

/// One piece of evidence: where it came from (`snmp`, `lldp`, `cdp`, `stp`, `fdb`, `arp`,
/// `sampling`, `dhcp`, `diagram`, `registry`, `profile`), when it was first and last seen,
/// and its facts (sorted keys in JSON).
public struct Evidence: Sendable, Hashable, Codable {
    public var source: String
    public var firstSeen: Date?
    public var lastSeen: Date?
    public var details: [String: String]
    public init(source: String, firstSeen: Date? = nil, lastSeen: Date? = nil, details: [String: String] = [:]) {
        self.source = source
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.details = details
    }
}

/// What a check found in this run, before the lifecycle gives it a status and history.
public struct Detection: Sendable, Hashable, Codable {
    public var code: FindingCode
    public var pd: String?
    public var subject: FindingSubject
    public var message: String
    public var evidence: [Evidence]

    public init(code: FindingCode, pd: String?, subject: FindingSubject, message: String, evidence: [Evidence]) {
        self.code = code
        self.pd = pd
        self.subject = subject
        self.message = message
        self.evidence = evidence
    }

    /// The finding's identity across runs: code, PD and subject.
    public var key: String { Finding.key(code: code, pd: pd, subject: subject) }
    public var firstSeen: Date? { evidence.compactMap(\.firstSeen).min() }
    public var lastSeen: Date? { evidence.compactMap(\.lastSeen).max() }
}

/// Where a finding stands.
public enum FindingStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Present and not yet handled.
    case open
    /// Present; NOC staff have seen it and said why (it stays until the condition clears).
    case acknowledged
    /// Present; hidden until an expiry by an allow-list entry or a suppression.
    case suppressed
    /// The condition cleared; it reopens if it comes back.
    case resolved
}

/// Who did something to a finding, when, and why.
public struct FindingNote: Sendable, Hashable, Codable {
    public var by: String
    public var at: Date
    public var reason: String
    public init(by: String, at: Date, reason: String) {
        self.by = by
        self.at = at
        self.reason = reason
    }
}

/// A finding with its lifecycle: a stable code, severity, PD, subject, evidence, status and
/// legal basis (a citation of the active profile's Perbup, or Dinas policy with none).
public struct Finding: Sendable, Hashable, Codable {
    /// The store's number for it (nil before it is stored).
    public var id: Int64?
    public var key: String
    public var code: FindingCode
    public var severity: Severity
    public var pd: String?
    public var subject: FindingSubject
    public var message: String
    public var evidence: [Evidence]
    public var basis: Basis
    public var status: FindingStatus
    /// First seen: kept across runs (the earliest evidence when first found).
    public var firstSeen: Date
    public var lastSeen: Date
    public var resolvedAt: Date?
    public var acknowledgement: FindingNote?
    public var suppression: FindingNote?
    /// When the suppression ends (nil: until lifted).
    public var suppressedUntil: Date?

    public init(id: Int64? = nil, key: String, code: FindingCode, severity: Severity, pd: String?, subject: FindingSubject, message: String,
                evidence: [Evidence], basis: Basis, status: FindingStatus, firstSeen: Date, lastSeen: Date, resolvedAt: Date? = nil,
                acknowledgement: FindingNote? = nil, suppression: FindingNote? = nil, suppressedUntil: Date? = nil) {
        self.id = id
        self.key = key
        self.code = code
        self.severity = severity
        self.pd = pd
        self.subject = subject
        self.message = message
        self.evidence = evidence
        self.basis = basis
        self.status = status
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.resolvedAt = resolvedAt
        self.acknowledgement = acknowledgement
        self.suppression = suppression
        self.suppressedUntil = suppressedUntil
    }

    public static func key(code: FindingCode, pd: String?, subject: FindingSubject) -> String {
        "\(code.rawValue)|\(pd ?? "-")|\(subject.key)"
    }

    /// Present now (open, acknowledged or suppressed).
    public var isActive: Bool { status != .resolved }
}

/// One thing done to a finding, by a person or by reconciliation itself (`pantau`):
/// opened, reopened, resolved, acknowledged, suppressed, unsuppressed.
public struct FindingAction: Sendable, Hashable, Codable {
    public var key: String
    public var findingID: Int64?
    public var at: Date
    public var actor: String
    public var action: String
    public var reason: String?
    public init(key: String, findingID: Int64? = nil, at: Date, actor: String, action: String, reason: String? = nil) {
        self.key = key
        self.findingID = findingID
        self.at = at
        self.actor = actor
        self.action = action
        self.reason = reason
    }
}

/// An allow-list entry: findings it matches are suppressed until it expires. It matches by
/// a finding key, a MAC or an address, or a device name, optionally narrowed to one code
/// and one PD.
public struct Suppression: Sendable, Hashable, Codable {
    public var id: Int64?
    public var match: String
    public var code: FindingCode?
    public var pd: String?
    public var note: FindingNote
    public var until: Date?

    public init(id: Int64? = nil, match: String, code: FindingCode? = nil, pd: String? = nil, note: FindingNote, until: Date?) {
        self.id = id
        self.match = match
        self.code = code
        self.pd = pd
        self.note = note
        self.until = until
    }

    public func isActive(at now: Date) -> Bool { until.map { $0 > now } ?? true }

    /// Whether this entry covers a finding (by key, MAC, address or device, code and PD).
    public func matches(key: String, code: FindingCode, pd: String?, subject: FindingSubject) -> Bool {
        if let c = self.code, c != code { return false }
        if let p = self.pd, p != pd { return false }
        let m = match.lowercased()
        return m == key.lowercased() || m == subject.mac?.lowercased() || m == subject.address?.lowercased() || m == subject.device?.lowercased()
    }
}

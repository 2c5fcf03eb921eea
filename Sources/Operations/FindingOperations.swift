import Foundation
import Governance
import InventoryModel
import Reconciliation
import Storage

/// Reconciliation and findings: what each PD declared against what the network shows, and
/// what NOC staff do with the findings. The command line (`pantau reconcile`, `pantau
/// findings`), the HTTP service (a PD's own findings, reconcile after a submission) and the
/// collector daemon (after each inventory cycle) call these.
public struct FindingOperations: Sendable {
    public typealias Store = GovernanceStorage & InventoryStorage & SightingStorage & HostSightingReading & FindingStorage
    public let store: any Store
    public let clock: any WallClock
    public var settings: ReconcileSettings
    /// Only sightings seen this many days back count (nil: all the store holds).
    public var sightingWindowDays: Int?

    public init(store: any Store, clock: any WallClock, settings: ReconcileSettings = ReconcileSettings(), sightingWindowDays: Int? = nil) {
        self.store = store
        self.clock = clock
        self.settings = settings
        self.sightingWindowDays = sightingWindowDays
    }

    /// The codes reconciliation decides (and so may resolve); other checks own theirs.
    public static let reconcileCodes: Set<FindingCode> = Set(FindingCatalog.all.filter { $0.emittedBy == "reconcile" }.map(\.code))

    /// What one run did.
    public struct Report: Sendable, Codable {
        public var at: Date
        public var profile: String?
        /// The PD asked for, or nil for all.
        public var pd: String?
        public var compared: [String]
        public var skipped: [String]
        public var issues: [String]
        public var matches: [DeviceMatch]
        public var opened: Int
        public var reopened: Int
        public var resolved: Int
        /// Every finding of the run's scope that is present now (open, acknowledged, suppressed).
        public var findings: [Finding]
        /// Findings of the scope resolved in this run.
        public var resolvedNow: [Finding]
        /// Change-report duties opened for `change-unreported`.
        public var dutiesOpened: [String]
    }

    /// Reconciles every PD (or one) and records the findings: opened, updated, resolved by
    /// themselves; re-running changes nothing. One call for every front end and the daemon.
    public func reconcile(pd: String? = nil) throws -> Report {
        guard let registry = try store.registry() else {
            throw OperationError(.unavailable, "no registry loaded; run pantau registry load FILE first")
        }
        if let pd, registry[pd] == nil {
            throw OperationError(.notFound, "PD \"\(pd)\" is not in the registry (\(registry.pds.map(\.code).joined(separator: ", ")))")
        }
        let now = clock.now()
        let profile = try store.activeProfile()
        let summaries = Dictionary(try store.devices().map { ($0.name, $0) }) { a, _ in a }
        let polled = try store.latestInventories().map { row in
            PolledDevice(name: row.name, pd: row.pd, inventory: row.inventory, firstSeen: summaries[row.name]?.firstSeen,
                         lastSeen: summaries[row.name]?.lastSeen)
        }
        let since = sightingWindowDays.map { now.addingTimeInterval(-Double($0) * 86400) }
        let latest = try store.latestSubmissions()
        var history: [String: [Submission]] = [:]
        for (code, sub) in latest where sub.version > 1 && (pd == nil || code == pd) { history[code] = try store.submissions(pd: code) }
        let input = ReconcileInput(
            registry: registry, profile: profile, submissions: latest, polled: polled,
            hosts: try store.hostSightingsWithoutNames(pd: nil, vlan: nil, since: since),  // names are never reconciled
            neighbours: try store.neighbourSightings(pd: nil).filter { since == nil || $0.lastSeen >= since! },
            dhcpServers: try store.dhcpServerSightings(pd: nil).filter { since == nil || $0.lastSeen >= since! },
            changeDuties: try store.changeDuties(), declaredSince: Reconciler.declaredSince(history: history), now: now, settings: settings)
        let result = Reconciler.reconcile(input)

        let previous = try store.findings(pd: pd, includeResolved: true)
        let previousByKey = Dictionary(previous.map { ($0.key, $0) }) { a, _ in a }
        var detections = result.detections.filter { pd == nil || $0.pd == pd }
        detections += Reconciler.changeUnreported(changes: detections, firstSeen: { previousByKey[$0.key]?.firstSeen ?? $0.firstSeen ?? now },
                                                  submissions: input.submissions, profile: profile)
        let skipped = Set(result.skipped)
        let outcome = FindingLifecycle.merge(
            detections: detections, previous: previous, profile: profile, suppressions: try store.suppressions(activeAt: now), now: now,
            inScope: { f in Self.reconcileCodes.contains(f.code) && (pd == nil || f.pd == pd) && !skipped.contains(f.pd ?? "") })
        let stored = outcome.changed.isEmpty && outcome.actions.isEmpty ? [] : try store.saveFindings(outcome.changed, actions: outcome.actions)
        let ids = Dictionary(stored.map { ($0.key, $0.id) }) { a, _ in a }
        var current = outcome.current
        for i in current.indices where current[i].id == nil { current[i].id = ids[current[i].key] ?? nil }

        // A LAN change with no diagram after it opens the PD's change-report duty (R17), once.
        var dutiesOpened: [String] = []
        if let profile, profile.changeReport.enabled {
            let owing = Set(current.filter { $0.code == .changeUnreported && $0.isActive }.compactMap(\.pd))
            let open = Set(input.changeDuties.filter { $0.closedAt == nil }.map(\.pd))
            for p in owing.subtracting(open).sorted() {
                _ = try store.openChangeDuty(pd: p, reason: "LAN change seen by reconciliation after the latest diagram",
                                             at: now, due: profile.changeReport.deadline(openedAt: now))
                dutiesOpened.append(p)
            }
        }
        func count(_ a: String) -> Int { outcome.actions.filter { $0.action == a }.count }
        return Report(at: now, profile: profile?.id, pd: pd, compared: result.compared.filter { pd == nil || $0 == pd },
                      skipped: result.skipped, issues: result.issues.map(\.description),
                      matches: result.matches.filter { pd == nil || $0.pd == pd }.sorted { ($0.pd, $0.declared, $0.observed) < ($1.pd, $1.declared, $1.observed) },
                      opened: count("opened"), reopened: count("reopened"), resolved: count("resolved"),
                      findings: current.filter(\.isActive), resolvedNow: current.filter { !$0.isActive && $0.resolvedAt == now },
                      dutiesOpened: dutiesOpened)
    }

    /// Records another check's detections (the spec annex, bandwidth flags) through the same
    /// lifecycle: findings of `codes` not detected now resolve (within `pd` when given).
    @discardableResult
    public func record(_ detections: [Detection], codes: Set<FindingCode>, pd: String? = nil) throws -> [Finding] {
        let now = clock.now()
        let profile = try store.activeProfile()
        let previous = try store.findings(pd: pd, includeResolved: true)
        let outcome = FindingLifecycle.merge(detections: detections.filter { codes.contains($0.code) }, previous: previous, profile: profile,
                                             suppressions: try store.suppressions(activeAt: now), now: now,
                                             inScope: { codes.contains($0.code) && (pd == nil || $0.pd == pd) })
        if !outcome.changed.isEmpty || !outcome.actions.isEmpty { try store.saveFindings(outcome.changed, actions: outcome.actions) }
        return try store.findings(pd: pd, includeResolved: false).filter { codes.contains($0.code) }
    }

    /// Findings, newest first within PD and code; resolved ones when asked; only `codes` when given.
    public func list(pd: String? = nil, includeResolved: Bool = false, codes: Set<FindingCode> = []) throws -> [Finding] {
        try store.findings(pd: pd, includeResolved: includeResolved)
            .filter { codes.isEmpty || codes.contains($0.code) }
            .sorted { ($0.isActive ? 0 : 1, $0.pd ?? "", $0.code, $0.key) < ($1.isActive ? 0 : 1, $1.pd ?? "", $1.code, $1.key) }
    }

    /// One finding and its log.
    public struct Shown: Sendable, Codable {
        public var finding: Finding
        public var log: [FindingAction]
    }

    public func show(id: Int64) throws -> Shown {
        guard let f = try store.finding(id: id) else { throw OperationError(.notFound, "no finding #\(id)") }
        return Shown(finding: f, log: try store.findingActions(id: id))
    }

    /// NOC staff acknowledge a present finding with a reason; it stays acknowledged until it resolves.
    public func acknowledge(id: Int64, by: String, reason: String) throws -> Finding {
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw OperationError(.invalid, "an acknowledgement needs a reason") }
        guard var f = try store.finding(id: id) else { throw OperationError(.notFound, "no finding #\(id)") }
        guard f.isActive else { throw OperationError(.invalid, "finding #\(id) is resolved; nothing to acknowledge") }
        let now = clock.now()
        f.acknowledgement = FindingNote(by: by, at: now, reason: reason)
        if f.status == .open { f.status = .acknowledged }
        return try store.saveFindings([f], actions: [FindingAction(key: f.key, findingID: id, at: now, actor: by, action: "acknowledged", reason: reason)])[0]
    }

    /// Suppresses one finding until `until` (nil: until lifted) with a reason: an allow-list
    /// entry for its key, so it stays suppressed across runs.
    public func suppress(id: Int64, by: String, reason: String, until: Date?) throws -> Finding {
        guard var f = try store.finding(id: id) else { throw OperationError(.notFound, "no finding #\(id)") }
        let s = try allow(match: f.key, code: f.code, pd: f.pd, by: by, reason: reason, until: until)
        let note = FindingNote(by: by, at: s.note.at, reason: reason)
        if f.isActive {
            f.status = .suppressed
            f.suppression = note
            f.suppressedUntil = until
        }
        let action = FindingAction(key: f.key, findingID: id, at: note.at, actor: by, action: "suppressed",
                                   reason: reason + (until.map { " (until \(PreciseTime.format($0)))" } ?? ""))
        return try store.saveFindings([f], actions: [action])[0]
    }

    /// Adds an allow-list entry (a MAC, an address, a device name or a finding key; optionally
    /// one code and one PD) that suppresses what it matches until `until`.
    public func allow(match: String, code: FindingCode?, pd: String?, by: String, reason: String, until: Date?) throws -> Suppression {
        let m = match.trimmingCharacters(in: .whitespaces)
        guard !m.isEmpty else { throw OperationError(.invalid, "say what to allow: a MAC, an address, a device or a finding") }
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw OperationError(.invalid, "a suppression needs a reason") }
        if let code, FindingCatalog.doc(code) == nil { throw OperationError(.invalid, "unknown finding code \"\(code)\" (\(Self.codeList))") }
        let now = clock.now()
        if let until, until <= now { throw OperationError(.invalid, "the expiry \(PreciseTime.format(until)) is not in the future") }
        var s = Suppression(match: MACAddress(m)?.description ?? m, code: code, pd: pd, note: FindingNote(by: by, at: now, reason: reason), until: until)
        s.id = try store.addSuppression(s)
        return s
    }

    public func suppressions(includeExpired: Bool = false) throws -> [Suppression] {
        try store.suppressions(activeAt: includeExpired ? nil : clock.now())
    }

    /// The documentation of a code.
    public static func explain(_ code: String) throws -> FindingDoc {
        guard let doc = FindingCatalog.doc(FindingCode(rawValue: code)) else {
            throw OperationError(.notFound, "unknown finding code \"\(code)\" (\(codeList))")
        }
        return doc
    }

    static var codeList: String { FindingCatalog.all.map(\.code.rawValue).joined(separator: ", ") }
}

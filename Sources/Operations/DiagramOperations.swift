import Foundation
import Governance
import InventoryModel
import Storage

/// The PD LAN diagram duty (Manggarai P16 and the other profiles' rules): validate, submit,
/// history, show, diff, status and draft. The command line, the HTTP service and the
/// coming portal call these; none of them repeats a rule.
public struct DiagramOperations: Sendable {
    public let store: any GovernanceStorage & AccessStorage & InventoryStorage
    public let clock: any WallClock

    public init(store: any GovernanceStorage & AccessStorage & InventoryStorage, clock: any WallClock) {
        self.store = store
        self.clock = clock
    }

    /// A checked diagram file.
    public struct Checked: Sendable {
        public var format: DiagramFormat
        /// The diagram, when it has no problem.
        public var diagram: Diagram?
        public var issues: [DiagramIssue]
        /// What reconciliation will miss in a diagram that is accepted anyway.
        public var warnings: [DiagramIssue] { issues.filter(\.isWarning) }
        /// Whether a registry was at hand to check the PD's subnets and VLANs against.
        public var checkedSubnets: Bool
        public var valid: Bool { diagram != nil }
        /// Refused for its size or the work it would take, not for its content.
        public var limitExceeded: Bool { issues.contains(where: \.limitExceeded) }
        public init(format: DiagramFormat, diagram: Diagram?, issues: [DiagramIssue], checkedSubnets: Bool) {
            self.format = format
            self.diagram = diagram
            self.issues = issues
            self.checkedSubnets = checkedSubnets
        }
    }

    /// Checks a file (nothing is stored) against `registry`, or the stored registry when nil.
    public func validate(_ bytes: [UInt8], fileName: String, pd: String?, registry: PDRegistry? = nil,
                         sizeLimit: Int = DiagramFile.defaultSizeLimit) throws(StoreError) -> Checked {
        let reg: PDRegistry?
        if let registry { reg = registry } else { reg = try store.registry() }
        let (format, d, issues) = DiagramFile.check(bytes, fileName: fileName, registry: reg, expectedPD: pd, sizeLimit: sizeLimit)
        return Checked(format: format, diagram: d, issues: issues, checkedSubnets: reg != nil)
    }

    /// A stored version, with its change report when it differs from the one before.
    public struct Submitted: Sendable {
        public var submission: Submission
        public var report: ChangeReport?
        /// What reconciliation will miss in the stored diagram (a drawing made with stock shapes).
        public var warnings: [DiagramIssue] = []
    }

    /// Validates and stores a new immutable version of `pd`'s diagram, audited as `actor`.
    /// An invalid file is refused (`.invalid`, every issue listed) and audited; nothing is stored.
    public func submit(pd: String, _ bytes: [UInt8], fileName: String, submitter: String, channel: String, actor: String,
                       sizeLimit: Int = DiagramFile.defaultSizeLimit) throws -> Submitted {
        let registry = try store.requiredRegistry()
        guard registry[pd] != nil else {
            throw OperationError(.notFound, "PD \"\(pd)\" is not in the registry (\(registry.pds.map(\.code).joined(separator: ", ")))")
        }
        let at = clock.now()
        let (format, d, issues) = DiagramFile.check(bytes, fileName: fileName, registry: registry, expectedPD: pd, sizeLimit: sizeLimit)
        if let over = issues.first(where: \.limitExceeded) {
            try? store.appendAudit(AuditEntry(at: at, actor: actor, action: "submit", pd: pd, outcome: "refused",
                                              detail: "over a limit: \(over.message); sha256 \(sha256Hex(bytes))"))
            throw OperationError(.tooLarge, over.description + "; nothing was stored")
        }
        guard let d else {
            try? store.appendAudit(AuditEntry(at: at, actor: actor, action: "submit", pd: pd, outcome: "invalid",
                                              detail: "\(issues.count) problem(s) in \(fileName); sha256 \(sha256Hex(bytes))"))
            let errors = issues.filter { !$0.isWarning }.count
            throw OperationError(.invalid, "\(fileName): \(errors) problem(s); nothing was stored", issues: issues.map(\.description))
        }
        // Issues name the file as given; the store keeps its name without a directory.
        let (stored, report) = try store.submit(NewSubmission(pd: pd, submitter: submitter, submittedAt: at, format: format,
                                                              fileName: (fileName as NSString).lastPathComponent, channel: channel,
                                                              content: bytes, diagram: d))
        let warnings = issues.filter(\.isWarning)
        try store.appendAudit(AuditEntry(at: at, actor: actor, action: "submit", pd: pd, outcome: "ok",
                                         detail: "version \(stored.version) sha256 \(stored.sha256) by \(submitter)"
                                             + (warnings.isEmpty ? "" : "; \(warnings.count) warning(s)")))
        return Submitted(submission: stored, report: report, warnings: warnings)
    }

    /// Every stored version of `pd`'s diagram, oldest first.
    public func history(pd: String) throws(StoreError) -> [Submission] { try store.submissions(pd: pd) }

    /// One version (the latest when nil) and, when asked, the file as submitted.
    public func show(pd: String, version: Int?, original: Bool = false) throws -> (submission: Submission, content: [UInt8]?) {
        guard let s = try store.submission(pd: pd, version: version) else {
            throw OperationError(.notFound, "\(pd) has no \(version.map { "version \($0)" } ?? "diagram")")
        }
        return (s, original ? try store.submissionContent(pd: pd, version: s.version) : nil)
    }

    /// What changed between two versions.
    public struct Compared: Sendable {
        public var pd: String
        public var from: Int
        public var to: Int
        public var diff: DiagramDiff
    }

    /// Compares `from` with `to`: by default the latest version with the one before it.
    public func diff(pd: String, from: Int?, to: Int?) throws -> Compared {
        let all = try store.submissions(pd: pd)
        guard let last = all.last else { throw OperationError(.notFound, "\(pd): no diagrams submitted") }
        let b = to ?? last.version
        let a = from ?? (b - 1)
        guard let x = all.first(where: { $0.version == a }), let y = all.first(where: { $0.version == b }) else {
            throw OperationError(.notFound, "\(pd) has versions 1-\(last.version); cannot compare \(a) and \(b)")
        }
        return Compared(pd: pd, from: a, to: b, diff: DiagramDiff(from: x.diagram, to: y.diagram))
    }

    /// Every PD's diagram duty under the active profile: latest version, age, due date, overdue.
    public struct StatusReport: Sendable {
        public var profile: RegionalProfile
        public var pds: [PDDiagramStatus]
    }

    public func status() throws -> StatusReport {
        let profile = try store.requiredProfile()
        let rows = profile.diagramStatus(registry: try store.registry(), latest: try store.latestSubmissions(),
                                         duties: try store.changeDuties(), now: clock.now())
        return StatusReport(profile: profile, pds: rows)
    }

    /// What Pantau observed on `pd`'s LAN, from the latest inventories in the store.
    public func observed(pd: String) throws(StoreError) -> ObservedLAN {
        ObservedLAN.build(pd: pd, registry: try store.registry(), inventories: try store.latestInventories())
    }

    func observed(pd: String, registry: PDRegistry) throws(StoreError) -> ObservedLAN {
        ObservedLAN.build(pd: pd, registry: registry, inventories: try store.latestInventories())
    }

    /// A draft diagram of `pd` from what was observed (from the store when `observed` is nil),
    /// dated today in the active profile's time zone.
    public func draft(pd: String, observed given: ObservedLAN? = nil) throws -> Diagram {
        let registry = try store.requiredRegistry()
        guard registry[pd] != nil else { throw OperationError(.notFound, "PD \"\(pd)\" is not in the registry") }
        let observed = try given ?? self.observed(pd: pd, registry: registry)
        let zone = try store.activeProfile()?.timeZone ?? TimeZone(secondsFromGMT: 0) ?? .gmt
        return DiagramDraft.make(pd: pd, registry: registry, observed: observed, asOf: LocalDate(clock.now(), in: zone))
    }
}

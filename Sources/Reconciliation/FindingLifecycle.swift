import Foundation
import Governance

/// How findings open, update, resolve by themselves and reopen: a pure merge of this run's
/// detections into the stored findings. Running it twice on the same input changes nothing
/// the second time (no duplicates, first seen kept, no actions).
public enum FindingLifecycle {
    public static let actor = "pantau"

    public struct Outcome: Sendable {
        /// Findings that are new or changed (to be written), each with its key.
        public var changed: [Finding]
        /// What happened, for the finding log.
        public var actions: [FindingAction]
        /// Every finding of this run's scope after the merge, active first.
        public var current: [Finding]
    }

    /// Merges `detections` into `previous` (the stored findings, any status).
    ///
    /// - A detection with no stored finding opens one (suppressed when an allow-list entry
    ///   covers it); its first seen is its earliest evidence.
    /// - A stored finding detected again keeps its first seen and status (acknowledged stays
    ///   acknowledged); its message, evidence, basis and last seen (its latest dated evidence;
    ///   kept when no evidence is dated) are updated. A resolved one reopens. Nothing here
    ///   depends on the run's time but suppression expiry and the actions' times, so a finding
    ///   whose condition is unchanged is not rewritten on a later day.
    /// - A stored active finding no longer detected resolves, when `inScope` says this run
    ///   looked at it (a run for one PD does not resolve the others').
    /// - A suppression past its expiry lifts: the finding is open again.
    public static func merge(detections: [Detection], previous: [Finding], profile: RegionalProfile?, suppressions: [Suppression],
                             now: Date, inScope: (Finding) -> Bool) -> Outcome {
        var byKey: [String: Finding] = [:]
        for f in previous { byKey[f.key] = f }
        var changed: [Finding] = []
        var actions: [FindingAction] = []
        var detected = Set<String>()
        let active = suppressions.filter { $0.isActive(at: now) }

        for d in detections {
            let key = d.key
            guard detected.insert(key).inserted else { continue }
            let basis = FindingCatalog.basis(for: d.code, profile: profile)
            let severity = FindingCatalog.severity(for: d.code, basis: basis)
            let rule = active.first { $0.matches(key: key, code: d.code, pd: d.pd, subject: d.subject) }
            if var f = byKey[key] {
                let before = f
                f.message = d.message
                f.evidence = d.evidence
                f.basis = basis
                f.severity = severity
                // Last seen follows the dated evidence; a detection with none (a diagram's or the
                // annex's facts, an overdue duty) keeps the stored one, so an unchanged finding is not
                // rewritten every run. Reopening dates it now.
                if let seen = d.lastSeen { f.lastSeen = max(f.lastSeen, seen) } else if f.status == .resolved { f.lastSeen = max(f.lastSeen, now) }
                if f.status == .resolved {
                    f.status = .open
                    f.resolvedAt = nil
                    f.acknowledgement = nil
                    actions.append(FindingAction(key: key, findingID: f.id, at: now, actor: actor, action: "reopened", reason: d.message))
                }
                applySuppression(&f, rule: rule, now: now, actions: &actions)
                byKey[key] = f
                if f != before { changed.append(f) }
            } else {
                var f = Finding(key: key, code: d.code, severity: severity, pd: d.pd, subject: d.subject, message: d.message,
                                evidence: d.evidence, basis: basis, status: .open, firstSeen: d.firstSeen ?? now, lastSeen: d.lastSeen ?? now)
                actions.append(FindingAction(key: key, at: now, actor: actor, action: "opened", reason: d.message))
                applySuppression(&f, rule: rule, now: now, actions: &actions)
                byKey[key] = f
                changed.append(f)
            }
        }
        for f in previous where f.isActive && !detected.contains(f.key) && inScope(f) {
            var r = f
            r.status = .resolved
            r.resolvedAt = now
            r.suppression = nil
            r.suppressedUntil = nil
            byKey[f.key] = r
            changed.append(r)
            actions.append(FindingAction(key: f.key, findingID: f.id, at: now, actor: actor, action: "resolved", reason: "the condition cleared"))
        }
        let current = byKey.values.filter(inScope).sorted { a, b in
            (a.isActive ? 0 : 1, a.pd ?? "", a.code, a.key) < (b.isActive ? 0 : 1, b.pd ?? "", b.code, b.key)
        }
        return Outcome(changed: changed, actions: actions, current: current)
    }

    /// An allow-list entry suppresses an active finding; a suppression that expired lifts.
    static func applySuppression(_ f: inout Finding, rule: Suppression?, now: Date, actions: inout [FindingAction]) {
        if let rule {
            guard f.status != .suppressed || f.suppressedUntil != rule.until else { return }
            f.status = .suppressed
            f.suppression = rule.note
            f.suppressedUntil = rule.until
            actions.append(FindingAction(key: f.key, findingID: f.id, at: now, actor: actor, action: "suppressed",
                                         reason: "allow-list entry \(rule.id.map { "#\($0)" } ?? "") by \(rule.note.by): \(rule.note.reason)"))
        } else if f.status == .suppressed, f.suppressedUntil.map({ $0 <= now }) ?? true {
            f.status = f.acknowledgement != nil ? .acknowledged : .open
            f.suppression = nil
            f.suppressedUntil = nil
            actions.append(FindingAction(key: f.key, findingID: f.id, at: now, actor: actor, action: "unsuppressed", reason: "the suppression expired"))
        }
    }
}

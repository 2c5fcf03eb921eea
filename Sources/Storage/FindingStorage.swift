import Foundation
import Reconciliation

/// Findings and their history: each finding by its key (code, PD, subject) with its status,
/// the log of every action on findings (who, when, why), and the allow-list of suppressions.
public protocol FindingStorage: Sendable {
    /// Every finding, or one PD's; resolved ones only when asked.
    func findings(pd: String?, includeResolved: Bool) throws(StoreError) -> [Finding]
    /// One finding by its number.
    func finding(id: Int64) throws(StoreError) -> Finding?
    /// Writes new and changed findings (by key: inserted, or updated in place, keeping the
    /// number) and appends the actions, in one transaction. Returns the findings as stored.
    @discardableResult
    func saveFindings(_ findings: [Finding], actions: [FindingAction]) throws(StoreError) -> [Finding]
    /// The action log of one finding, oldest first.
    func findingActions(id: Int64) throws(StoreError) -> [FindingAction]
    /// Adds an allow-list entry; returns its number.
    func addSuppression(_ s: Suppression) throws(StoreError) -> Int64
    /// Allow-list entries, expired ones only when asked.
    func suppressions(activeAt: Date?) throws(StoreError) -> [Suppression]
}

import Foundation
import GRDB
import Governance
import Storage

extension PantauStore {
    public func latestSubmissionHeads(pd: String?) throws(StoreError) -> [String: SubmissionHead] {
        do {
            return try writer.read { db in
                // SQLite: with MAX(), the row's other columns come from the row holding the maximum.
                let rows = try Row.fetchAll(db, sql: """
                    SELECT pd, MAX(version) AS version, submitted_at, submitter FROM gov_submission
                    \(pd == nil ? "" : "WHERE pd = ?") GROUP BY pd
                    """, arguments: StatementArguments(pd.map { [$0] } ?? []))
                var out: [String: SubmissionHead] = [:]
                for r in rows {
                    let head = SubmissionHead(pd: r["pd"], version: r["version"], submittedAt: Date(timeIntervalSince1970: r["submitted_at"]),
                                              submitter: r["submitter"])
                    out[head.pd] = head
                }
                return out
            }
        } catch {
            throw StoreError(path: location, action: "reading the latest diagram versions", underlying: error)
        }
    }
}

import Foundation
import Governance
import Storage

extension PostgresStore {
    public func latestSubmissionHeads(pd: String?) throws(StoreError) -> [String: SubmissionHead] {
        try read("reading the latest diagram versions") { c in
            let rows = try c.fetchAll("""
                SELECT DISTINCT ON (pd) pd, version, submitted_at, submitter FROM gov_submission
                \(pd == nil ? "" : "WHERE pd = ?") ORDER BY pd, version DESC
                """, pd.map { [$0] } ?? [])
            var out: [String: SubmissionHead] = [:]
            for r in rows {
                let head = SubmissionHead(pd: r["pd"], version: r["version"], submittedAt: Date(timeIntervalSince1970: r["submitted_at"]),
                                          submitter: r["submitter"])
                out[head.pd] = head
            }
            return out
        }
    }
}

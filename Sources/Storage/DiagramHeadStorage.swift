import Foundation
import Governance

/// The latest version of each PD's diagram: its number, time and submitter, without the
/// diagram itself. What a duty status needs, read without decoding every diagram (the PD
/// portal's pages for a regency of 60 PDs stay fast).
public protocol DiagramHeadStorage: Sendable {
    /// Every PD's latest version, by PD code (one PD's when `pd` is given).
    func latestSubmissionHeads(pd: String?) throws(StoreError) -> [String: SubmissionHead]
}

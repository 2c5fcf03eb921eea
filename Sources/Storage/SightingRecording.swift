import Foundation
import InventoryModel

/// What packet sampling needs of its store: to record a window of sightings with its capture
/// file's progress, and to read the capture-file ledger that decides which files (and how much
/// of them) to read. Every store has it (`SightingStorage`); so has a fleet collector's spool
/// (`CollectorSpooling`), which keeps its own ledger and replays the sightings into the
/// central store through the same writes (issue 21).
public protocol SightingRecording: Sendable {
    /// Merges a batch (and the capture file's progress, when the batch came from one) in one
    /// transaction. Returns the capture file's ledger id (new when `progress.id` is nil).
    @discardableResult
    func record(sightings batch: SightingBatch, captureFile progress: CaptureFileProgress?) throws(StoreError) -> Int64?
    /// Distinct fingerprint lengths of the ledger entries at a capture point, up to `maxLength`, ascending.
    func captureFileFingerprintLengths(capturePoint: String, upTo maxLength: Int) throws(StoreError) -> [Int]
    /// The ledger entry whose fingerprint is one of `fingerprints` (the longest match).
    func captureFile(capturePoint: String, matching fingerprints: [CaptureFileFingerprint]) throws(StoreError) -> CaptureFileRecord?
}

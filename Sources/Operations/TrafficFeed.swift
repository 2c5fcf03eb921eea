import Foundation
import InventoryModel
import Storage

/// The sighting store seen by packet sampling, with each window's sFlow counter samples also
/// fed to the traffic series (`TrafficRecorder.record(sFlowCounters:)`), so `pantau traffic`
/// and `pantau counters` read the same agent counters through the same arithmetic. The
/// window is committed first; the series' write follows in its own transaction (a failure
/// there is thrown after the window is safe, and costs the series a gap, never a spike).
final class TrafficFeed: SightingRecording {
    let store: any SightingRecording
    let recorder: TrafficRecorder

    init(store: any SightingRecording, recorder: TrafficRecorder) { self.store = store; self.recorder = recorder }

    func record(sightings batch: SightingBatch, captureFile progress: CaptureFileProgress?) throws(StoreError) -> Int64? {
        let id = try store.record(sightings: batch, captureFile: progress)
        if !batch.interfaceCounters.isEmpty { try recorder.record(sFlowCounters: batch.interfaceCounters) }
        return id
    }

    func captureFileFingerprintLengths(capturePoint: String, upTo maxLength: Int) throws(StoreError) -> [Int] {
        try store.captureFileFingerprintLengths(capturePoint: capturePoint, upTo: maxLength)
    }
    func captureFile(capturePoint: String, matching fingerprints: [CaptureFileFingerprint]) throws(StoreError) -> CaptureFileRecord? {
        try store.captureFile(capturePoint: capturePoint, matching: fingerprints)
    }
}

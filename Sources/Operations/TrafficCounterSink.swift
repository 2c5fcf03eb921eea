import Collectors
import Foundation
import InventoryModel
import Storage

/// The collector daemon's counter polls into the traffic series (`TrafficRecorder`: the one
/// arithmetic for an interface's traffic), and each interface's current rate onto /metrics.
public struct TrafficCounterSink: CounterPollSink {
    let recorder: TrafficRecorder
    let metrics: CollectorMetrics?

    public init(recorder: TrafficRecorder, metrics: CollectorMetrics?) {
        self.recorder = recorder
        self.metrics = metrics
    }

    public func record(_ poll: CounterPoll, interval: Double) async throws {
        let rates = try recorder.record(poll, pollInterval: interval)
        guard let metrics else { return }
        // Only intervals with a rate: a gap or a reset has none, and showing 0 would be a lie.
        for r in rates where r.interval.kind == .rate {
            metrics.setInterfaceRates(device: r.key.device, interface: r.key.interface,
                                      inBitsPerSecond: r.interval.inBitsPerSecond ?? 0, outBitsPerSecond: r.interval.outBitsPerSecond ?? 0)
        }
    }
}

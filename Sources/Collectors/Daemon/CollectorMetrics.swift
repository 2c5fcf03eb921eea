import Foundation
import InventoryModel
import Prometheus

/// The collector daemon's Prometheus metrics (served at /metrics by the composition root):
/// per device whether it answered its last status poll, how long that took and how many
/// polls failed; the collector's own health (polls waiting, polls started late, how long
/// store writes take); and interface rates, set by whoever computes them (`setInterfaceRates`).
public final class CollectorMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let queueDepth: Gauge
    let latePolls: Counter
    let storeWrite: ValueHistogram
    let polls: Counter
    private let devices = Locked<[String: Device]>([:])
    private let interfaces = Locked<[InterfaceKey: (Gauge, Gauge)]>([:])

    struct Device {
        var up: Gauge
        var duration: Gauge
        var errors: Counter
    }

    struct InterfaceKey: Hashable { var device: String; var interface: String }

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        queueDepth = registry.makeGauge(descriptor: Self.name("collector_queue", "depth", "Polls due and waiting for a free slot"), labels: [])
        latePolls = registry.makeCounter(descriptor: Self.name("collector_late_polls", "total",
                                                               "Polls started more than a tenth of their interval after they were due"), labels: [])
        storeWrite = registry.makeValueHistogram(descriptor: Self.name("store_write", "seconds", "Time to commit one poll to the store"),
                                                 labels: [], buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1])
        polls = registry.makeCounter(descriptor: Self.name("collector_polls", "total", "Status polls made"), labels: [])
    }

    static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "pantau", metricName: metric, unitName: unit, helpText: help)
    }

    private func device(_ name: String, pd: String?, hosting: HostingType?) -> Device {
        devices.withLock { all in
            if let d = all[name] { return d }
            let labels = [("device", name), ("pd", pd ?? ""), ("hosting", hosting?.rawValue ?? "")]
            let d = Device(
                up: registry.makeGauge(descriptor: Self.name("device", "up", "1 when the device answered its last status poll, else 0"), labels: labels),
                duration: registry.makeGauge(descriptor: Self.name("poll_duration", "seconds", "How long the device's last status poll took"),
                                             labels: [("device", name)]),
                errors: registry.makeCounter(descriptor: Self.name("poll_errors", "total", "Status polls of the device that failed"),
                                             labels: [("device", name)]))
            all[name] = d
            return d
        }
    }

    /// A status poll was made.
    public func observe(_ poll: StatusPoll) {
        let d = device(poll.device, pd: poll.pd, hosting: poll.hosting)
        d.up.set(to: poll.reachable ? 1.0 : 0.0)
        if let s = poll.duration { d.duration.set(to: s) }
        if !poll.reachable { d.errors.increment() }
        polls.increment()
    }

    public func storeWrite(seconds: Double) { storeWrite.record(seconds) }
    public func setQueueDepth(_ n: Int) { queueDepth.set(to: Double(n)) }
    public func latePoll() { latePolls.increment() }

    /// The hook for interface rates: sets `device`'s `interface` in and out bit/s gauges
    /// (`pantau_interface_in_bits_per_second{device,interface}` and `_out_`).
    public func setInterfaceRates(device: String, interface: String, inBitsPerSecond: Double, outBitsPerSecond: Double) {
        let key = InterfaceKey(device: device, interface: interface)
        let (i, o) = interfaces.withLock { all in
            if let g = all[key] { return g }
            let labels = [("device", device), ("interface", interface)]
            let g = (registry.makeGauge(descriptor: Self.name("interface_in_bits_per", "second", "Inbound bit/s over the last counter interval"), labels: labels),
                     registry.makeGauge(descriptor: Self.name("interface_out_bits_per", "second", "Outbound bit/s over the last counter interval"), labels: labels))
            all[key] = g
            return g
        }
        i.set(to: inBitsPerSecond)
        o.set(to: outBitsPerSecond)
    }

    /// A device left the configuration: its series disappear from /metrics.
    public func remove(device name: String) {
        if let d = devices.withLock({ $0.removeValue(forKey: name) }) {
            registry.unregisterGauge(d.up)
            registry.unregisterGauge(d.duration)
            registry.unregisterCounter(d.errors)
        }
        let gone = interfaces.withLock { all in
            let keys = all.keys.filter { $0.device == name }
            return keys.compactMap { all.removeValue(forKey: $0) }
        }
        for (i, o) in gone { registry.unregisterGauge(i); registry.unregisterGauge(o) }
    }

    /// The text exposition format, as /metrics serves it.
    public func exposition() -> String { registry.emitToString() }
}

/// A value behind a lock.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ v: Value) { value = v }
    func withLock<R>(_ body: (inout Value) -> R) -> R { lock.withLock { body(&value) } }
}

import Foundation
import InventoryModel
import Logging
import Storage

/// One window of sightings on its way to the sink: what the aggregator held when a flush
/// closed it, and the capture-file progress it accounts for.
public struct SightingWindow: Sendable {
    public var batch: SightingBatch
    /// Packets read in the run when the window was closed (a capture file's progress is
    /// counted from it).
    public var packetsRead: Int
    /// Progress through a capture file that goes to the store in the same transaction as
    /// `batch`; set by the capture-file ledger.
    public var captureFile: CaptureFileProgress?
    /// True once the ledger has looked at the window, so a retry writes the same progress.
    public var stamped = false

    public init(batch: SightingBatch, packetsRead: Int) {
        self.batch = batch
        self.packetsRead = packetsRead
    }
}

/// The last stage of sampling: where closed windows go. Used from one thread at a time.
public protocol SightingSink: AnyObject {
    /// Writes `window` (its sightings and its capture-file progress in one transaction) and
    /// returns the capture-file ledger entry the progress went to, if any. A stage may
    /// complete the window (the ledger stamps its progress); a retry passes it back as it was.
    @discardableResult func write(_ window: inout SightingWindow) throws -> Int64?
}

/// The store as a sink.
public final class StoreSightingSink: SightingSink {
    let store: any SightingRecording

    public init(store: any SightingRecording) { self.store = store }

    public func write(_ window: inout SightingWindow) throws -> Int64? {
        try store.record(sightings: window.batch, captureFile: window.captureFile)
    }
}

/// What the sink stage did over a run, for the summary.
struct SinkReport: Sendable {
    var flushes = 0
    var storeFailures = 0
    var trafficRows = 0
    var neighbours = 0
    var dhcpServers = 0
    /// The last window, when it could not be written.
    var unwritten: (hosts: Int, traffic: Int)?
}

/// Warnings of a run in the order they arose, from the capture thread and the sink's.
final class WarningLog: @unchecked Sendable {
    // @unchecked: guarded by the lock.
    private let lock = NSLock()
    private var items: [String] = []
    func append(_ w: String) { lock.withLock { items.append(w) } }
    var all: [String] { lock.withLock { items } }
}

/// The sink stage: writes closed windows through the capture-file ledger to the sink, on a
/// thread of its own, so the capture thread reads on while the store writes. Windows and
/// the ledger's file events are handled strictly in the order they were sent; at most
/// `depth` windows wait (the capture thread waits beyond that, so memory stays bounded).
///
/// A failed write (disk full, locked) keeps the window for one retry before the next; if
/// that fails too the older window is dropped and a warning says so.
final class SinkStage: @unchecked Sendable {
    // @unchecked: `queue`, `busy` and `report` are guarded by `condition`; `ledger`, `sink`,
    // `pending` and the key sets belong to the stage's thread once it runs.
    enum Job {
        case window(SightingWindow)
        case ledger(LedgeredSink.Event)
        case finish
    }

    private let condition = NSCondition()
    private var queue: [Job] = []
    private var queuedWindows = 0
    private var busy = false
    private var finished = false
    private var report = SinkReport()
    private let depth = 2

    private let ledger: LedgeredSink?
    private let sink: any SightingSink
    private let logger: Logger
    private let warnings: WarningLog
    private var pending: SightingWindow?
    /// Distinct neighbours and DHCP servers over the whole run (each set itself bounded).
    private var neighbourKeys = Set<String>()
    private var serverKeys = Set<String>()
    private let keyLimit: Int

    /// `ledger` (file sources only) wraps `sink`.
    init(sink: any SightingSink, ledger: LedgeredSink?, logger: Logger, warnings: WarningLog, keyLimit: Int) {
        self.sink = ledger ?? sink
        self.ledger = ledger
        self.logger = logger
        self.warnings = warnings
        self.keyLimit = keyLimit
        let thread = Thread { [self] in work() }
        thread.name = "pantau.sink"
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Hands a closed window to the stage.
    func send(_ window: SightingWindow) { enqueue(.window(window)) }

    /// Hands the ledger an event about the file being read, in order with the windows.
    func send(_ event: LedgeredSink.Event) { enqueue(.ledger(event)) }

    private func enqueue(_ job: Job) {
        condition.lock()
        if case .window = job {
            while queuedWindows >= depth { condition.wait() }
            queuedWindows += 1
        }
        queue.append(job)
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until everything sent so far is written (or has failed).
    func drain() {
        condition.lock()
        while !queue.isEmpty || busy { condition.wait() }
        condition.unlock()
    }

    /// Writes what is left, stops the stage's thread and reports.
    func finish() -> SinkReport {
        enqueue(.finish)
        condition.lock()
        while !finished { condition.wait() }
        let r = report
        condition.unlock()
        return r
    }

    private func work() {
        while true {
            condition.lock()
            while queue.isEmpty { condition.wait() }
            let job = queue.removeFirst()
            if case .window = job { queuedWindows -= 1 }
            busy = true
            condition.broadcast()
            condition.unlock()
            var r: SinkReport?
            switch job {
            case .window(let w): write(w)
            case .ledger(let e): ledger?.handle(e)
            case .finish:
                var done = SinkReport()
                if let p = pending, !p.batch.isEmpty { done.unwritten = (p.batch.hosts.count, p.batch.traffic.count) }
                r = done
            }
            condition.lock()
            busy = false
            if let r {
                report.unwritten = r.unwritten
                finished = true
            }
            condition.broadcast()
            condition.unlock()
            if r != nil { return }
        }
    }

    private func write(_ window: SightingWindow) {
        if var p = pending {
            // Retry the earlier failed window first.
            do {
                try sink.write(&p)
                account(p.batch)
            } catch {
                count { $0.storeFailures += 1 }
                warnings.append("dropped \(p.batch.hosts.count) hosts and \(p.batch.traffic.count) traffic rows after repeated store failures: \(error)")
                logger.error("store write failed again; dropping the older batch: \(error)")
            }
            pending = nil
        }
        var w = window
        if !w.batch.isEmpty { count { $0.flushes += 1 } }
        do {
            try sink.write(&w)
            account(w.batch)
        } catch {
            count { $0.storeFailures += 1 }
            logger.error("store write failed (will retry at next flush): \(error)")
            pending = w
        }
    }

    private func account(_ b: SightingBatch) {
        for n in b.neighbours where neighbourKeys.count < keyLimit { neighbourKeys.insert("\(n.protocolName)|\(n.mac)|\(n.vlan ?? 0)") }
        for s in b.dhcpServers where serverKeys.count < keyLimit { serverKeys.insert("\(s.server)|\(s.mac)|\(s.vlan ?? 0)") }
        let neighbours = neighbourKeys.count, servers = serverKeys.count
        count {
            $0.neighbours = neighbours
            $0.dhcpServers = servers
            $0.trafficRows += b.traffic.count
        }
    }

    private func count(_ change: (inout SinkReport) -> Void) {
        condition.lock()
        change(&report)
        condition.unlock()
    }
}

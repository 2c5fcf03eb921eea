import Foundation
import InventoryModel

/// The collector daemon's wall clock: the system clock, but never stepped.
///
/// NTP, an operator or a virtual machine resuming can step the system clock back or forward
/// while the daemon runs. Stamped with such a clock, polls would go back in time (a backward
/// step: polls out of order, counters seeming to go back, a false reboot) or leave a gap
/// longer than what passed (a forward step: an agent younger than the gap seems to have
/// restarted within it, a counter's increase spread over too long). So the daemon's time is the
/// monotonic clock's elapsed time added to the wall time it started with, and it follows the
/// system clock only by slewing, as NTP itself does: it gains or loses at most `slewRate` of
/// the elapsed time (1 s in 10) until it meets the system clock again. Its readings never go
/// back, and two readings are never further apart or closer together than the time that
/// passed by more than that share, which the uptime arithmetic's tolerance (2 % or 10 s) and
/// the traffic arithmetic absorb: rates read a little high or low while it catches up, never a
/// spike.
///
/// A step larger than `largestSlew` (the clock was wrong by hours, say a machine without a
/// battery-backed clock that only just got its time) would take too long to slew. Forward,
/// the daemon's time moves to the system clock at once, and the log says that the polls
/// either side of it are judged across the stepped gap; back, the daemon's time keeps to the
/// monotonic clock until the system clock is past it again, so no poll ever goes back.
///
/// Each step is logged once, when it is seen, and the end of catching up once (within 1 s of
/// the system clock again).
public final class SteadyClock: WallClock, @unchecked Sendable {
    /// The share of elapsed time by which the daemon's time may gain or lose while it catches up.
    public static let slewRate = 0.1
    /// A difference from the system clock under this is not a step (timer jitter, reading order).
    public static let stepThreshold = 1.0
    /// A step larger than this is taken at once rather than slewed.
    public static let largestSlew = 3600.0

    private let base: any WallClock
    private let monotonic: @Sendable () -> Double
    private let report: @Sendable (String) -> Void
    private let lock = NSLock()
    private var last: (wall: Date, mono: Double)
    /// How far the system clock was from the daemon's time at the last reading (> 0: ahead).
    private var left = 0.0

    /// - Parameters:
    ///   - base: the system clock (or a test's stepped one).
    ///   - monotonic: seconds on a clock that never steps (the default: the boot clock,
    ///     which counts a suspend too, so a resume is not a step).
    ///   - report: where to say that the clock stepped and that it caught up (the daemon's log).
    public init(base: any WallClock, monotonic: @escaping @Sendable () -> Double = SteadyClock.bootClock,
                report: @escaping @Sendable (String) -> Void) {
        self.base = base
        self.monotonic = monotonic
        self.report = report
        last = (base.now(), monotonic())
    }

    /// Seconds since boot, suspend included (CLOCK_BOOTTIME).
    public static let bootClock: @Sendable () -> Double = {
        var ts = timespec()
        clock_gettime(CLOCK_BOOTTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    public func now() -> Date {
        let system = base.now()
        let mono = monotonic()
        var message: String?
        let result: Date = lock.withLock {
            let elapsed = max(0, mono - last.mono)
            let steady = last.wall.addingTimeInterval(elapsed)
            let behind = system.timeIntervalSince(steady)  // > 0: the system clock is ahead of ours
            // What the system clock did since the last reading beyond what was still being caught up.
            let stepped = behind - left
            var next: Date
            let how: String
            if behind > Self.largestSlew {
                next = system
                how = "it is more than an hour ahead of the poll times, too far to catch up gradually, so they follow it at once; "
                    + "restarts and rates of the polls either side of the step are judged over the stepped gap"
            } else if behind < -Self.largestSlew {
                next = steady
                how = "it is more than an hour behind the poll times, so they keep to the monotonic clock until it is within "
                    + "the hour, then meet it at 1 s in \(Int((1 / Self.slewRate).rounded())); no poll goes back in time"
            } else {
                let allowed = elapsed * Self.slewRate
                next = steady.addingTimeInterval(min(max(behind, -allowed), allowed))
                how = "poll times keep to the monotonic clock and meet it at 1 s in \(Int((1 / Self.slewRate).rounded())), "
                    + "so no poll goes back in time and no gap looks longer than it was"
            }
            if abs(stepped) > Self.stepThreshold {
                message = "the system clock stepped \(Self.direction(stepped)) by \(Self.seconds(stepped)): " + how
            }
            if next < last.wall { next = last.wall }
            let wasCatchingUp = abs(left) > Self.stepThreshold
            left = system.timeIntervalSince(next)
            if message == nil && wasCatchingUp && abs(left) <= Self.stepThreshold {
                message = "poll times have caught up with the system clock again"
            }
            last = (next, mono)
            return next
        }
        if let message { report(message) }
        return result
    }

    static func direction(_ behind: Double) -> String { behind > 0 ? "forward" : "back" }
    static func seconds(_ s: Double) -> String { String(format: "%.1f s", abs(s)) }
}

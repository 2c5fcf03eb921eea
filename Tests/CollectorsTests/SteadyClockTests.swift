import Collectors
import Foundation
import InventoryModel
import Testing

/// `SteadyClock`'s arithmetic, on a system clock and a monotonic clock the test moves by hand.
@Suite("The daemon's steady clock")
struct SteadyClockTests {
    final class Hands: @unchecked Sendable {
        var system = Date(timeIntervalSince1970: 1_764_000_000)
        var mono = 1000.0
        var said: [String] = []
        func pass(_ s: Double) { system += s; mono += s }
    }

    func clock(_ h: Hands) -> SteadyClock {
        final class Base: WallClock, @unchecked Sendable {
            let h: Hands
            init(_ h: Hands) { self.h = h }
            func now() -> Date { h.system }
        }
        return SteadyClock(base: Base(h), monotonic: { h.mono }, report: { h.said.append($0) })
    }

    @Test("without a step it reads the system clock and says nothing")
    func follows() {
        let h = Hands(); let c = clock(h)
        for _ in 0..<100 { h.pass(60); #expect(c.now() == h.system) }
        #expect(h.said.isEmpty)
    }

    @Test("a step back: readings keep going forward, gaining no more than 1 s in 10 less, and meet the system clock after ten times the step")
    func stepBack() {
        let h = Hands(); let c = clock(h)
        h.pass(60); var last = c.now()
        h.system -= 30
        var readings = 0
        while c.now() != h.system {
            h.pass(1)
            let t = c.now()
            let gap = t.timeIntervalSince(last)
            #expect(gap >= 0.9 - 1e-6 && gap <= 1 + 1e-6, "gap \(gap)")
            last = t; readings += 1
            if readings > 1000 { break }
        }
        #expect(readings >= 299 && readings <= 301, "\(readings) readings to catch up")
        #expect(h.said.count == 2 && h.said[0].hasPrefix("the system clock stepped back by 30.0 s") && h.said[1] == "poll times have caught up with the system clock again",
                "\(h.said)")
    }

    @Test("a step forward: no gap longer than 1.1 times what passed; a second step while catching up is said again with its own size")
    func stepForward() {
        let h = Hands(); let c = clock(h)
        _ = c.now()
        h.system += 90
        h.pass(10)
        #expect(c.now().timeIntervalSince(h.system) == -89)
        h.system -= 200   // now 111 s behind the steady time
        h.pass(10)
        let t = c.now()
        #expect(h.system.timeIntervalSince(t) < 0 && h.said.count == 2, "\(h.said)")
        #expect(h.said[0].hasPrefix("the system clock stepped forward by 90.0 s") && h.said[1].hasPrefix("the system clock stepped back by 200.0 s"), "\(h.said)")
    }

    @Test("a step of more than an hour is taken at once, and said so")
    func largeStep() {
        let h = Hands(); let c = clock(h)
        _ = c.now()
        h.system += 86_400 * 365
        h.pass(1)
        #expect(c.now() == h.system)
        #expect(h.said.count == 1 && h.said[0].contains("more than an hour ahead"), "\(h.said)")
        // Back by more than an hour: the readings keep to the monotonic clock, and take the system clock once it passes them.
        let before = c.now()
        h.system -= 7200
        h.pass(1)
        #expect(c.now() == before + 1)
        #expect(h.said.count == 2 && h.said[1].hasPrefix("the system clock stepped back by 7200.0 s: it is more than an hour behind"), "\(h.said)")
        h.pass(7198)
        #expect(c.now() == before + 7199)
    }
}

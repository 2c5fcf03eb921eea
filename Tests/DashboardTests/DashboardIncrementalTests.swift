@testable import Dashboard
import Foundation
import Governance
import InventoryModel
import InventoryStore
import InventoryTesting
import Storage
import Testing

/// The refresh after a commit patches what changed instead of building it again: the device
/// rows and each PD's counts and availability (`FleetRows`, `UptimeToday`), and the table rows
/// with their sort orders and filter text (`TableCache`). Random sequences of changes, each
/// refresh compared with a whole read and an uncached render.
@Suite struct DashboardIncrementalTests {
    static let now = DashboardRenderTests.now

    /// The sorts the devices table is drawn in: many ties (status, vendor), numbers, descending.
    static let sorts: [DashboardLayout.Sort?] = [nil, .init(.name), .init(.status), .init(.availability, descending: true), .init(.lastPoll),
                                                 .init(.vendor, descending: true), .init(.pd)]

    @Test("table rows patched for the rows that changed draw what rows built afresh draw, in every sort and filter", arguments: [1, 2] as [UInt64])
    func tablePatchEqualsRebuild(seed: UInt64) throws {
        let layout = try DashboardRenderTests.layout()
        var rng = SplitMix64(seed: seed)
        var model = DashboardCacheTests.fleet()
        let cache = TableCache()
        var views: [ViewState] = Self.sorts.map { var v = ViewState(view: "devices"); v.sort = $0; return v }
        var filtered = ViewState(view: "devices")
        filtered.filter = "sw-1"
        filtered.sort = .init(.status)
        views.append(filtered)
        // Every sort's order and the filter's text kept in the cache before the changes.
        for v in views { _ = DashboardRenderer.render(model, layout: layout, state: v, width: 120, height: 30, cache: cache) }
        let statuses: [DeviceStatus] = [.up, .down, .unknown]
        for round in 0..<30 {
            let n = 1 + Int(rng.next() % 5)
            for _ in 0..<n {
                let i = Int(rng.next() % UInt64(model.devices.count))
                switch rng.next() % 5 {
                case 0: model.devices[i].status = statuses[Int(rng.next() % 3)]
                case 1: model.devices[i].availabilityToday = rng.next() % 4 == 0 ? nil : 90 + Double(rng.next() % 11)
                case 2: model.devices[i].lastPoll = Self.now.addingTimeInterval(Double(rng.next() % 600))
                case 3: model.devices[i].vendor = ["D-Link", "Zyxel", "HPE", "Cisco", nil][Int(rng.next() % 5)]
                default: model.devices[i].name = "sw-\(rng.next() % 400)"  // a name may now repeat another's
                }
            }
            let (buildsBefore, patchesBefore) = (cache.builds, cache.patches)
            for v in views {
                let cached = DashboardRenderer.render(model, layout: layout, state: v, width: 120, height: 30, cache: cache).text
                let fresh = DashboardRenderer.render(model, layout: layout, state: v, width: 120, height: 30).text
                #expect(cached == fresh, "seed \(seed) round \(round) sort \(String(describing: v.sort)) filter \(v.filter)")
                let rows = DashboardRenderer.tableRows(layout.views.first { $0.name == "devices" }!.panels[0], model: model, state: v, focused: true, cache: cache)
                let plain = DashboardRenderer.tableRows(layout.views.first { $0.name == "devices" }!.panels[0], model: model, state: v, focused: true)
                #expect(rows == plain, "seed \(seed) round \(round): every row, not only those on screen")
            }
            #expect(cache.builds - buildsBefore == cache.patches - patchesBefore && cache.patches - patchesBefore <= 1,
                    "at most one patch per change of the data, never a whole build")
        }
        #expect(cache.patches >= 20)
        // Many rows changed at once (more than an eighth): built again whole, and still the same.
        for i in model.devices.indices where i % 2 == 0 { model.devices[i].status = .down }
        let builds = cache.builds, patches = cache.patches
        let cached = DashboardRenderer.render(model, layout: layout, state: views[2], width: 120, height: 30, cache: cache).text
        #expect(cached == DashboardRenderer.render(model, layout: layout, state: views[2], width: 120, height: 30).text)
        #expect(cache.builds == builds + 1 && cache.patches == patches)
    }

    /// The rows one list has and the other has not (or has otherwise), for a failure's message.
    static func difference(_ a: [DeviceRow], _ b: [DeviceRow]) -> String {
        let onlyA = a.filter { !b.contains($0) }, onlyB = b.filter { !a.contains($0) }
        return "refreshed only: \(onlyA.map { "\($0.name) \($0.pd ?? "-") \($0.status) \($0.lastPoll.map { "\($0.timeIntervalSince1970)" } ?? "-")" }); "
            + "whole only: \(onlyB.map { "\($0.name) \($0.pd ?? "-") \($0.status) \($0.lastPoll.map { "\($0.timeIntervalSince1970)" } ?? "-")" })"
    }

    @Test("a refresh after random commits (status polls, new devices, a PD changed, inventory polls) equals a whole read, and its frames too",
          arguments: [(StoreBackend.sqlite, 11), (.sqlite, 12), (.postgres, 13)] as [(StoreBackend, UInt64)])
    func refreshEqualsWholeRead(backend: StoreBackend, seed: UInt64) throws {
        let made = try backend.makeStore("dashboard-incremental")
        defer { made.remove() }
        // The Manggarai profile (WITA), no devices yet.
        let writer = try made.open()
        let profile = try RegionalProfile.load(path: Lab.repo + "/config/profiles/manggarai.yaml")
        try writer.activate(profile: profile, by: "test", at: Self.now.addingTimeInterval(-7200))
        let layout = try DashboardRenderTests.layout()
        var rng = SplitMix64(seed: seed)
        let pds = ["DINKES", "BAPPEDA", "BPKAD"]
        var pdOf: [String: String] = [:]
        var t = Self.now.addingTimeInterval(-3600)
        func statusPoll(_ name: String, up: Bool) throws {
            t = t.addingTimeInterval(1)
            try writer.record(status: StatusPoll(device: name, time: t, interval: 300, pd: pdOf[name], hosting: .pd, reachable: up,
                                                 sysUpTime: up ? UInt32(t.timeIntervalSince(Self.now) + 10_000) * 100 : nil,
                                                 error: up ? nil : "no response (timeout)"))
        }
        func inventoryPoll(_ name: String, ok: Bool) throws {
            t = t.addingTimeInterval(1)
            var inv = DeviceInventory(agent: "10.0.0.\(name.count)", polledAt: t)
            inv.vendor = ["D-Link", "Zyxel", "HPE"][name.count % 3]
            _ = try writer.record(PollOutcome(name: name, agent: inv.agent, pd: pdOf[name], startedAt: t, duration: 0.1,
                                              result: ok ? .success(inv) : .failure(PollFailure("\(inv.agent): no response (timeout)"))))
        }
        // 24 devices: most inventoried and status-polled, some only one of the two.
        for d in 0..<24 {
            let name = "sw-\(d)"
            pdOf[name] = pds[d % 3]
            if d % 6 != 5 { try inventoryPoll(name, ok: true) }
            if d % 6 != 4 { try statusPoll(name, up: d % 7 != 3) }
        }
        let cache = TableCache()
        let views = ["overview", "devices"].map { ViewState(view: $0) }
        var next = 24
        var parts: LoadParts?
        var patched = 0
        for round in 0..<30 {
            t = t.addingTimeInterval(30)
            let view = views[round / 15]
            let request = LoadRequest.of(view, layout: layout)
            if round == 15 { parts = nil }  // another view: a whole read
            // What the collector commits before this refresh.
            for _ in 0..<Int(rng.next() % 4) {
                let name = "sw-\(rng.next() % UInt64(next))"
                try statusPoll(name, up: rng.next() % 3 != 0)
            }
            switch rng.next() % 8 {
            case 0:  // a new device, status polls only
                let name = "sw-\(next)"; next += 1
                pdOf[name] = pds[Int(rng.next() % 3)]
                try statusPoll(name, up: true)
            case 1:  // a device polled under another PD
                let name = "sw-\(rng.next() % UInt64(next))"
                pdOf[name] = pds[Int(rng.next() % 3)]
                try statusPoll(name, up: true)
            case 2:  // an inventory poll (another area: the device list read again)
                try inventoryPoll("sw-\(rng.next() % UInt64(next))", ok: rng.next() % 2 == 0)
            default: break
            }
            // Every other refresh at the very time of the last poll (a device polled then has no time monitored yet).
            t = t.addingTimeInterval(Double(round % 2))
            let loader = DashboardLoader(store: try made.open(.readOnly), clock: FixedClock(t))
            let (refreshed, kept) = loader.read(request, now: t, started: .now, previous: parts)
            #expect(refreshed.problems.isEmpty, "\(refreshed.problems)")
            if kept.uptime?.changed != nil && parts?.fleet != nil { patched += 1 }
            // The same data composed whole: today's uptime summed again, the rows composed and sorted again.
            var whole = kept
            whole.uptime = kept.uptime.map { UptimeToday($0.source) }
            whole.fleet = nil
            let wholeModel = loader.compose(whole, request: request, now: t)
            #expect(kept.uptime?.pds == whole.uptime?.pds && kept.uptime?.latestPoll == whole.uptime?.latestPoll
                    && kept.uptime?.members == whole.uptime?.members, "\(backend) seed \(seed) round \(round)")
            #expect(kept.fleet == FleetRows(listing: kept.listing, uptime: whole.uptime), "\(backend) seed \(seed) round \(round)")
            #expect(refreshed.devices == wholeModel.devices, "\(backend) seed \(seed) round \(round): \(Self.difference(refreshed.devices, wholeModel.devices))")
            #expect(refreshed.pds == wholeModel.pds && refreshed.sources == wholeModel.sources, "\(backend) seed \(seed) round \(round)")
            let cached = DashboardRenderer.render(refreshed, layout: layout, state: view, width: 120, height: 40, cache: cache).text
            #expect(cached == DashboardRenderer.render(wholeModel, layout: layout, state: view, width: 120, height: 40).text, "\(backend) seed \(seed) round \(round)")
            // What a whole read of the store shows of each device (names, PD, status) is the same.
            let read = DashboardLoader(store: try made.open(.readOnly), clock: FixedClock(t)).load(request)
            #expect(refreshed.devices.map { "\($0.name) \($0.pd ?? "-") \($0.status)" } == read.devices.map { "\($0.name) \($0.pd ?? "-") \($0.status)" },
                    "\(backend) seed \(seed) round \(round): \(Self.difference(refreshed.devices, read.devices))")
            parts = kept
        }
        #expect(patched >= 15, "the rows were patched \(patched) times")
        #expect(cache.patches > 0, "the devices table was patched")
    }
}

import Dashboard
import Foundation
import InventoryModel
import InventoryStore
import InventoryTesting
import Reconciliation
import Storage
import Testing

/// What the interactive loop keeps between frames and refreshes: the table rows (built again
/// only when their data changes) and the last model (read again only when the store changed).
@Suite struct DashboardCacheTests {
    static let now = DashboardRenderTests.now

    /// 300 devices in 3 PDs, names that sort naturally ("sw-9" before "sw-10").
    static func fleet() -> DashboardModel {
        var m = DashboardRenderTests.model()
        let vendors = ["D-Link", "Zyxel", "HPE", "Cisco"]
        let pds = ["DINKES", "BAPPEDA", "BPKAD"]
        m.devices = (1...300).map { (i: Int) -> DeviceRow in
            let status: DeviceStatus = i % 25 == 0 ? .down : .up
            let availability: Double = 100 - Double(i % 9)
            let lastPoll: Date = now.addingTimeInterval(Double(-i))
            return DeviceRow(pd: pds[i % 3], name: "sw-\(i)", vendor: vendors[i % 4], model: "M\(i % 7)", status: status,
                             statusSource: "status poll", availabilityToday: availability, lastPoll: lastPoll)
        }
        return m
    }

    @Test("key presses reuse the rows: moving, filtering and sorting build nothing, and draw what an uncached render draws")
    func keyPressesReuseRows() throws {
        let layout = try DashboardRenderTests.layout()
        let model = Self.fleet()
        let cache = TableCache()
        var st = ViewState(view: "devices")
        func frame() -> String {
            let cached = DashboardRenderer.render(model, layout: layout, state: st, width: 120, height: 30, cache: cache).text
            let plain = DashboardRenderer.render(model, layout: layout, state: st, width: 120, height: 30).text
            #expect(cached == plain, "state \(st)")
            return cached
        }
        func press(_ keys: Key...) { for k in keys { _ = Navigation.handle(k, state: &st, layout: layout, model: model, cache: cache) } }
        var s = frame()
        #expect(cache.builds == 1)
        #expect(s.contains("Devices (300, by name)"))
        press(.char("j"), .char("j"), .pageDown)
        _ = frame()
        press(.char("/"), .char("s"), .char("w"), .char("-"), .char("1"), .char("0"))
        s = frame()
        #expect(s.contains("Devices (11 matching /sw-10, by name)"), "sw-10 and sw-100 to sw-109:\n\(s)")
        press(.enter)
        press(.char("s"), .char("s"))  // by vendor, then by model
        s = frame()
        #expect(s.contains("Devices (11 matching /sw-10, by model)"), "\(s)")
        press(.char("S"), .escape)
        s = frame()
        #expect(s.contains("Devices (300, by model ▼)"))
        press(.char("G"))
        _ = frame()
        #expect(cache.builds == 1, "no rebuild while the model is the same")
        press(.enter)
        #expect(st.detail != nil)
    }

    @Test("new data: the rows are built again and show it; the same data read again: not rebuilt")
    func dataChangesRebuild() throws {
        let layout = try DashboardRenderTests.layout()
        let cache = TableCache()
        let st = ViewState(view: "devices")
        var model = Self.fleet()
        _ = DashboardRenderer.render(model, layout: layout, state: st, width: 120, height: 30, cache: cache)
        #expect(cache.builds == 1)
        // A refresh that read the same values (new arrays, equal rows): nothing built.
        let again = Self.fleet()
        _ = DashboardRenderer.render(again, layout: layout, state: st, width: 120, height: 30, cache: cache)
        #expect(cache.builds == 1)
        // sw-1 went down: rebuilt, and the frame says so.
        model.devices[0].status = .down
        let s = DashboardRenderer.render(model, layout: layout, state: st, width: 120, height: 30, cache: cache)
        #expect(cache.builds == 2)
        let row = try #require(s.lines.first { $0.contains(" sw-1 ") })
        #expect(row.contains("down"), "\(row)")
        #expect(s.text == DashboardRenderer.render(model, layout: layout, state: st, width: 120, height: 30).text)
        // The overview's two tables have their own rows; devices data does not rebuild the traffic table.
        let overview = ViewState(view: "overview")
        _ = DashboardRenderer.render(model, layout: layout, state: overview, width: 120, height: 30, cache: cache)
        #expect(cache.builds == 4)
        model.pds[0].availabilityToday = 12.5
        let o = DashboardRenderer.render(model, layout: layout, state: overview, width: 120, height: 30, cache: cache)
        #expect(cache.builds == 5 && o.lines.contains { $0.hasPrefix(" DINKES ") && $0.contains("12.50%") }, "\(o.text)")
    }

    /// A store with two devices polled and a morning of one's status polls.
    func store(_ dir: String) throws -> PantauStore {
        let store = try PantauStore(path: dir + "/p.sqlite")
        for (name, pd) in [("sw-core", "DINKES"), ("sw-lantai2", "BAPPEDA")] {
            var inv = DeviceInventory(agent: "10.0.0.\(name.count)", polledAt: Self.now.addingTimeInterval(-600))
            inv.interfaces = (1...4).map { Interface(ifIndex: $0) }
            try store.record(PollOutcome(name: name, agent: inv.agent, pd: pd, startedAt: inv.polledAt, duration: 0.1, result: .success(inv)))
        }
        try status(store, up: true, at: Self.now.addingTimeInterval(-300))
        return store
    }

    func status(_ store: PantauStore, up: Bool, at t: Date) throws {
        try store.record(status: StatusPoll(device: "sw-core", time: t, interval: 300, pd: "DINKES", hosting: nil, reachable: up,
                                            sysUpTime: up ? 1000 : nil, error: up ? nil : "no response (timeout)"))
    }

    @Test("a refresh with nothing committed reuses the last model with the clock moved on; a commit reads only what changed; a new view or day, or minutes on, reads all")
    func refreshReusesTheModelUntilTheStoreChanges() throws {
        let dir = try Lab.temporaryDirectory("dashboard-reuse")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let writer = try store(dir)
        let reuse = ModelReuse(maxAge: 60, fullAge: 300)
        let devices = LoadRequest(kinds: [.devices, .dataAge])
        func load(_ at: Date, _ request: LoadRequest = devices, reuse: ModelReuse? = reuse) throws -> DashboardModel {
            DashboardLoader(store: try PantauStore(path: dir + "/p.sqlite", access: .readOnly), clock: FixedClock(at), reuse: reuse).load(request)
        }
        func counts() -> [Int] { [reuse.reads, reuse.refreshes, reuse.reuses] }
        let first = try load(Self.now)
        #expect(first.problems.isEmpty, "\(first.problems)")
        #expect(counts() == [1, 0, 0])
        let core = try #require(first.devices.first { $0.name == "sw-core" })
        #expect(core.status == .up && core.statusSource == "status poll")

        // 10 s later, nothing written: the same data, the clock moved (each panel's age follows it).
        let later = Self.now.addingTimeInterval(10)
        let second = try load(later)
        #expect(counts() == [1, 0, 1])
        #expect(second.now == later && second.devices == first.devices && second.pds == first.pds && second.sources == first.sources)
        let frame = DashboardRenderer.render(second, layout: try DashboardRenderTests.layout(), state: ViewState(view: "overview"), width: 120, height: 30)
        #expect(frame.lines.contains { $0.hasPrefix(" status polls") && $0.contains("5m old") }, "\(frame.text)")

        // A status poll committed by the collector: only what changed is read, and the device is down;
        // the same model as a whole read.
        try status(writer, up: false, at: later)
        let third = try load(later.addingTimeInterval(5))
        #expect(counts() == [1, 1, 1])
        #expect(third.devices.first { $0.name == "sw-core" }?.status == .down)
        let whole = try load(later.addingTimeInterval(5), reuse: nil)
        #expect(third.devices == whole.devices && third.pds == whole.pds && third.sources == whole.sources && third.findings == whole.findings)

        // An inventory poll (another area) read as well: the same model as a whole read.
        _ = try writer.record(PollOutcome(name: "sw-lantai2", agent: "10.0.0.10", pd: "BAPPEDA", startedAt: later.addingTimeInterval(6),
                                          duration: 0.1, result: .failure(PollFailure("10.0.0.10: no response (timeout)"))))
        let fourth = try load(later.addingTimeInterval(8))
        #expect(counts() == [1, 2, 1])
        let whole2 = try load(later.addingTimeInterval(8), reuse: nil)
        #expect(fourth.devices == whole2.devices && fourth.pds == whole2.pds && fourth.sources == whole2.sources)
        #expect(fourth.devices.first { $0.name == "sw-lantai2" }?.error?.contains("no response") == true)

        // Nothing new but a minute on (a poll may now be overdue): read what may have changed; another view: read everything.
        _ = try load(later.addingTimeInterval(10))
        #expect(counts() == [1, 2, 2])
        _ = try load(later.addingTimeInterval(70))
        #expect(counts() == [1, 3, 2])
        _ = try load(later.addingTimeInterval(71), LoadRequest(kinds: [.pds, .traffic]))
        #expect(counts() == [2, 3, 2])
        // Five minutes after the last whole read: everything again.
        _ = try load(later.addingTimeInterval(71 + 300), LoadRequest(kinds: [.pds, .traffic]))
        #expect(counts() == [3, 3, 2])
    }

    @Test("the device list counts interfaces only for a table that shows them; an open device's come from its own summary")
    func countsOnlyWhenShown() throws {
        let dir = try Lab.temporaryDirectory("dashboard-counts")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try store(dir)
        let loader = DashboardLoader(store: store, clock: FixedClock(Self.now))
        #expect(loader.load(LoadRequest(kinds: [.devices])).devices.map(\.interfaces) == [nil, nil])
        #expect(loader.load(LoadRequest(kinds: [.devices], deviceCounts: true)).devices.map(\.interfaces) == [4, 4])
        let open = loader.load(LoadRequest(kinds: [.devices], detail: .device("sw-core")))
        #expect(open.devices.first { $0.name == "sw-core" }?.interfaces == 4 && open.devices.first { $0.name == "sw-lantai2" }?.interfaces == nil)
        var layout = try DashboardRenderTests.layout()
        let i = try #require(layout.views.firstIndex { $0.name == "devices" })
        layout.views[i].panels[0].columns.append(.interfaces)
        #expect(LoadRequest.of(ViewState(view: "devices"), layout: layout).deviceCounts)
    }
}

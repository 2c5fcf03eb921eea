import ArgumentParser
import Foundation
import Governance
import InventoryModel
import InventoryStore
import Operations
import Settings
import Storage

extension Pantau {
    struct Traffic: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "traffic",
            abstract: "Interface traffic over a period: average, peak and 95th percentile, per interface and per PD against its approved bandwidth.",
            discussion: """
                The collector records every interface's counters (SNMP counter polls; sFlow \
                counter samples too, under the agent's address and "ifIndex N") as 5-minute \
                samples. This command reports, for a period, the average, the peak and the \
                95th percentile of those 5-minute averages, in and out, and the larger of the \
                two (P95, the transit-billing convention: of a 30-day month's 8640 samples \
                the 432 highest are dropped).

                Per PD: the uplinks named in the registry (boundary_routers[].uplink, an \
                interface name, description or alias of the router's collector target) \
                summed per 5 minutes, against bandwidth.approved_mbps. Flags: over-allocation \
                (P95 above --allocation-share of the approved bandwidth), no-allocation \
                (traffic but no approved bandwidth), uplink-not-found.

                Intervals across counter resets, agent restarts, renumbered interfaces and \
                missed polls have no rate: the 5-minute samples cover only the seconds that \
                had one (COVER), never a zero, never a burst.

                Periods are read in the active profile's time zone (UTC when none is active): \
                \(ReportPeriod.syntax). Units are decimal (1 Mbit/s = 10^6 bit/s); --json \
                gives bit/s.

                Examples:
                  pantau traffic --period 2026-11
                  pantau traffic --pd BAPPEDA --period last-30d
                  pantau traffic --interface bappeda-gw:ge-0/0/0 --period 2026-11-01..2026-11-15 --json
                """
        )

        @Option(help: ArgumentHelp("Only this PD (registry code) and its uplinks.", valueName: "PD"))
        var pd: String?

        @Option(help: ArgumentHelp("Only this interface: collector target and interface name, description or alias.",
                                    valueName: "DEVICE:IF"))
        var interface: String?

        @Option(help: ArgumentHelp("The period (default last-30d).", valueName: "period"))
        var period: String = "last-30d"

        @Option(help: ArgumentHelp("Flag a PD whose P95 is above this share of its approved bandwidth.", valueName: "0-1"))
        var allocationShare: Double = TrafficSettings().allocationShare

        @Flag(help: "Print JSON instead of tables.")
        var json = false

        @Flag(help: "Record the flags as findings (bandwidth-over-allocation, bandwidth-unapproved, uplink-unmonitored).")
        var record = false

        @Option(name: .customLong("now"), help: .hidden) var now: String?

        @OptionGroup var store: StoreOptions

        func validate() throws {
            if pd != nil && interface != nil { throw ValidationError("give --pd or --interface, not both") }
            if record && interface != nil { throw ValidationError("--record takes the PDs' view (all, or --pd PD), not --interface") }
            if let i = interface, !i.contains(":") { throw ValidationError("--interface \"\(i)\" is not DEVICE:INTERFACE") }
            guard allocationShare > 0 && allocationShare <= 1 else { throw ValidationError("--allocation-share must be more than 0 and at most 1") }
        }

        func run() async throws {
            let s = try store.open(record ? .readWrite : .readOnly)
            let read: (period: ReportPeriod, zone: TimeZone, note: String?)
            do { read = try s.reportPeriod(period, now: try commandClock(now).now()) } catch let e as OperationError where e.kind == .invalid {
                throw ValidationError(e.message)  // a usage error, like the other options'
            }
            let (p, zone, note) = read
            let report = try TrafficReports.report(.init(pd: pd, interface: interface, period: p, allocationShare: allocationShare),
                                                   zone: zone, note: note, store: s)
            if record {
                let open = try FindingOperations(store: s, clock: try commandClock(now))
                    .record(TrafficReports.detections(report), codes: TrafficReports.findingCodes, pd: pd)
                if !json { print("findings: \(open.count) bandwidth finding\(open.count == 1 ? "" : "s") open (pantau findings list)") }
            }
            if json { print(try PantauJSON.text(report)); return }
            let local = DateFormatter()
            local.timeZone = zone
            local.dateFormat = "yyyy-MM-dd HH:mm"
            print("Period \(p.label.terminalSafe): \(local.string(from: p.start)) to \(local.string(from: p.end)) \(report.timeZone)")
            if let note { print("Note: \(note)") }
            if !report.pds.isEmpty {
                print("")
                var t = [["PD", "UPLINKS", "APPROVED", "AVG IN", "AVG OUT", "PEAK", "P95 IN", "P95 OUT", "P95", "OF APPROVED"]]
                for d in report.pds {
                    let st = d.statistics
                    t.append([d.pd.terminalSafe, d.uplinks.map { "\($0.device):\($0.interface ?? $0.uplink + "?")" }.joined(separator: ", ").terminalSafe,
                              d.approvedMbps.map { String(format: "%g Mbit/s", $0) } ?? "-",
                              bitRate(st?.inbound.averageBPS), bitRate(st?.outbound.averageBPS), bitRate(st.map { Double($0.peakBPS) }),
                              bitRate(st.map { Double($0.inbound.p95BPS) }), bitRate(st.map { Double($0.outbound.p95BPS) }),
                              bitRate(st.map { Double($0.p95BPS) }), percent(d.allocationUse)])
                }
                printTable(t)
            }
            print("")
            if report.interfaces.isEmpty {
                print("No traffic series\(interface.map { " for \($0.terminalSafe)" } ?? pd.map { " on the uplinks of \($0.terminalSafe)" } ?? ""). "
                      + "Run `pantau collect --config FILE` to poll interface counters.")
            } else {
                var t = [["DEVICE", "INTERFACE", "PD", "SPEED", "NOW IN", "NOW OUT", "SAMPLES", "COVER", "AVG IN", "AVG OUT", "PEAK IN", "PEAK OUT",
                          "P95 IN", "P95 OUT", "P95", "P95 UTIL", "ERRORS", "DISCARDS"]]
                // Interfaces that carried nothing in the period are counted, not listed (JSON lists them).
                let quiet = report.interfaces.filter { i in
                    i.pd == nil && (i.statistics.map { $0.peakBPS == 0 } ?? true) && (i.latest.map { $0.inBPS == 0 && $0.outBPS == 0 } ?? true)
                }
                let shown = quiet.count == report.interfaces.count ? report.interfaces : report.interfaces.filter { !quiet.contains($0) }
                for i in shown {
                    let st = i.statistics
                    let cover = st.map { String(format: "%.1f%%", Double($0.coveredSeconds) / p.duration * 100) } ?? "-"
                    t.append([i.device.terminalSafe, i.interface.terminalSafe, i.pd ?? "-", i.speed > 0 ? bitRate(Double(i.speed)) : "-",
                              bitRate(i.latest?.inBPS), bitRate(i.latest?.outBPS), st.map { String($0.samples) } ?? "0", cover,
                              bitRate(st?.inbound.averageBPS), bitRate(st?.outbound.averageBPS),
                              bitRate(st.map { Double($0.inbound.peakBPS) }), bitRate(st.map { Double($0.outbound.peakBPS) }),
                              bitRate(st.map { Double($0.inbound.p95BPS) }), bitRate(st.map { Double($0.outbound.p95BPS) }),
                              bitRate(st.map { Double($0.p95BPS) }), percent(i.p95Utilisation),
                              st.map { "\($0.inErrors)/\($0.outErrors)" } ?? "-", st.map { "\($0.inDiscards)/\($0.outDiscards)" } ?? "-"])
                }
                printTable(t)
                if shown.count < report.interfaces.count {
                    print("\(report.interfaces.count - shown.count) interface\(report.interfaces.count - shown.count == 1 ? "" : "s") carried no traffic in the period (not listed; --json lists every one)")
                }
            }
            for f in report.flags { print("\(f.kind.rawValue): \(f.pd): \(f.message.terminalSafe)") }
        }
    }
}

import ArgumentParser
import Foundation
import InventoryModel
import Operations
import Settings
import Storage

extension Pantau {
    /// `pantau uptime`: availability, outages, reboots with evidence.
    struct Uptime: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "uptime",
            abstract: "Availability, outages and reboots from the collector daemon's status polls.",
            discussion: """
                The collector daemon (`pantau collect --config FILE`, without --once) polls every \
                target's uptime counters on its interval. From those polls:

                An OUTAGE is a run of at least `down_after` unanswered polls (the config's daemon: \
                section, default 2; fewer is a blip). It starts one interval after the last answered \
                poll, when the first unanswered one was due, and ends at the next answered poll.

                AVAILABILITY is the share of the monitored time not in an outage. Monitored time is \
                where polls were made; a stretch with none (the collector stopped) counts neither way. \
                Per PD and per hosting type (the target's `hosting:`), devices weigh by monitored time. \
                With `availability_targets:` under daemon:, each hosting type's target is shown and \
                whether it was met; with none, the figures are reported only.

                A REBOOT is the host's uptime (hrSystemUptime) starting again; the SNMP agent \
                restarting alone (sysUpTime reset, snmpEngineBoots up, host uptime going on) is an \
                AGENT RESTART, not a reboot; a TimeTicks counter passing 2^32 (497 days) is neither. \
                A device without hrSystemUptime has its sysUpTime or engine figures decide, and the \
                evidence says a reboot and an agent restart cannot be told apart there.

                Periods are read in the active regional profile's time zone (UTC when none is active): \
                \(ReportPeriod.syntax). Default: last-30d.

                Examples:
                  pantau uptime
                  pantau uptime --pd dinkes --period 2026-11
                  pantau uptime --device core-rtr --period 2026-11-01..2026-11-15 --json
                """
        )

        @Option(help: ArgumentHelp("Only this PD's devices (registry code).", valueName: "PD"))
        var pd: String?

        @Option(help: ArgumentHelp("Only this device (the collector target's name).", valueName: "name"))
        var device: String?

        @Option(help: ArgumentHelp("The period: 2026-11, 2026-11-01..2026-11-15, last-30d, today, ... (default last-30d).", valueName: "period"))
        var period: String?

        @Option(help: ArgumentHelp("The collector's configuration, for its down_after and availability_targets.", valueName: "file"))
        var config: String?

        @Option(name: .customLong("down-after"), help: ArgumentHelp("Unanswered polls in a row that make an outage (overrides the config).", valueName: "N"))
        var downAfter: Int?

        @Flag(help: "Print JSON instead of tables.")
        var json = false

        @OptionGroup var store: StoreOptions

        func validate() throws {
            if let downAfter, downAfter < 1 || downAfter > 100 { throw ValidationError("--down-after must be between 1 and 100") }
        }

        func run() async throws {
            let settings = try config.map { try PantauConfig.load(path: $0).daemon } ?? DaemonSettings()
            let request = UptimeReport.Request(pd: pd, device: device, period: period, downAfter: downAfter ?? settings.downAfter,
                                               targets: settings.availabilityTargets)
            let result = try UptimeReport(store: try store.open(.readOnly), clock: try commandClock()).run(request)
            if json {
                print(try PantauJSON.text(result))
                return
            }
            print(UptimeRendering.text(result))
        }
    }
}

/// The tables of `pantau uptime`.
enum UptimeRendering {
    static func percent(_ p: Double) -> String { String(format: "%.3f%%", p) }

    static func target(_ t: Double?, _ met: Bool?) -> String {
        guard let t, let met else { return "-" }
        return String(format: "%g%% %@", t, met ? "met" : "MISSED")
    }

    static func time(_ d: Date, _ zone: TimeZone) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = zone
        f.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return f.string(from: d)
    }

    /// Columns padded to their widest cell; every cell shown `terminalSafe` (names and errors come from devices and the config).
    static func table(_ header: [String], _ raw: [[String]]) -> String {
        let rows = raw.map { $0.map(\.terminalSafe) }
        let widths = header.indices.map { i in ([header[i]] + rows.map { $0[i] }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }

    static func text(_ r: UptimeReport.Result) -> String {
        let zone = TimeZone(identifier: r.period.timeZone) ?? .gmt
        var out: [String] = []
        out.append("uptime over \(r.period.label): \(time(r.period.start, zone)) to \(time(r.period.end, zone)) \(r.period.timeZone) (down after \(r.downAfter) missed polls)")
        if let note = r.note { out.append("note: \(note)") }
        if r.devices.isEmpty {
            out.append("no status polls in this period; the collector daemon (pantau collect --config FILE) makes them")
            return out.joined(separator: "\n")
        }
        out.append("")
        out.append(table(["DEVICE", "PD", "HOSTING", "AVAILABILITY", "MONITORED", "DOWN", "OUTAGES", "REBOOTS", "AGENT RESTARTS", "NOW", "TARGET"],
                         r.devices.map { d in
                             [d.device, d.pd ?? "-", d.hosting?.rawValue ?? "-", percent(d.availabilityPercent),
                              InventoryModel.Uptime.formatSeconds(d.monitoredSeconds), InventoryModel.Uptime.formatSeconds(d.downSeconds),
                              "\(d.outages)", "\(d.reboots)", "\(d.agentRestarts)", d.upAtLastPoll ? "up" : "DOWN", target(d.targetPercent, d.meetsTarget)]
                         }))
        for (title, groups) in [("PD", r.pds), ("HOSTING", r.hosting)] where !groups.isEmpty {
            out.append("")
            out.append(table([title, "DEVICES", "AVAILABILITY", "MONITORED", "DOWN", "TARGET"], groups.map { g in
                [g.group, "\(g.devices)", percent(g.availabilityPercent), InventoryModel.Uptime.formatSeconds(g.monitoredSeconds),
                 InventoryModel.Uptime.formatSeconds(g.downSeconds), target(g.targetPercent, g.meetsTarget)]
            }))
        }
        out.append("")
        if r.outages.isEmpty { out.append("no outages") } else {
            out.append(table(["OUTAGE OF", "START", "END", "DURATION", "MISSED POLLS", "LAST ERROR"], r.outages.map { o in
                [o.device, time(o.start.date, zone), o.end.map { time($0.date, zone) } ?? "(ongoing)", InventoryModel.Uptime.formatSeconds(o.durationSeconds),
                 "\(o.missedPolls)", o.lastError ?? "-"]
            }))
        }
        out.append("")
        if r.restarts.isEmpty { out.append("no reboots or agent restarts") } else {
            for e in r.restarts {
                out.append(("\(e.kind == .reboot ? "REBOOT" : "agent restart") of \(e.device) at about \(time(e.time.date, zone)) "
                            + "(between polls at \(time(e.after.date, zone)) and \(time(e.before.date, zone))):").terminalSafe)
                for line in e.evidence { out.append("  - \(line)".terminalSafe) }
            }
        }
        return out.joined(separator: "\n")
    }
}

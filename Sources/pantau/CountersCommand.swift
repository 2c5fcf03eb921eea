import ArgumentParser
import Foundation
import Governance
import InventoryModel
import InventoryStore
import Operations
import Storage

extension Pantau {
    struct Counters: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "counters",
            abstract: "Interface bandwidth from sFlow counter samples: rates, peaks, utilisation, resets.",
            discussion: """
                sFlow agents (switches, routers, host agents) send counter samples: \
                snapshots of each interface's octet and error counters, typically every \
                20-30 seconds. `pantau sample --sflow ADDRESS:PORT` stores them; this \
                command turns consecutive samples of one interface into intervals with \
                the average bit/s in and out, the utilisation as a percentage of the \
                interface speed the agent reports (each direction against the full speed; \
                "-" when the agent reports speed 0), and the errors counted.

                Unlike `pantau talkers` (estimates scaled up from sampled packets) these \
                are the agent's own counters: exact totals, but per interface only.

                Two kinds of interval get no rate (RESETS and GAPS count them):

                reset: a counter went backwards. The agent restarted, its counters were \
                cleared, or an agent with 32-bit counters put them in sFlow's 64-bit fields \
                and they wrapped. Never shown as a negative rate or a false spike.

                gap: longer than 3 times the interface's median interval, or longer than \
                10 minutes. Samples were lost; an average over the gap would hide that.

                Samples less than a second after the previous one are ignored as \
                duplicates (no octets are lost: the next interval covers them).

                AVG is octets over the seconds of the rate intervals; PEAK the highest \
                interval. Times are when Pantau received the sample. PD is the PD whose \
                registry lists the agent's address as a boundary router's management_ip \
                (`pantau registry load`), else "-". Units are decimal (1 Mbit/s = 10^6 \
                bit/s); --json gives exact numbers (bit/s, octets, seconds).

                Examples:
                  pantau counters
                  pantau counters --period 24h
                  pantau counters --agent 10.20.0.1 --intervals
                  pantau counters --period 7d --json
                """
        )

        @Option(help: ArgumentHelp("Only this sFlow agent (its agent address, IPv4 or IPv6).", valueName: "IP"))
        var agent: String?

        @Option(help: ArgumentHelp("Only samples received in the last 30m, 24h, 7d, ... or since an ISO 8601 time (default: all).",
                                    valueName: "duration"))
        var period: String?

        @Flag(help: "Also list every interval of each interface (rate, reset or gap).")
        var intervals = false

        @Flag(help: "Print JSON instead of tables.")
        var json = false

        @OptionGroup var store: StoreOptions

        func validate() throws {
            if let agent, IPAddress(agent) == nil { throw ValidationError("--agent \"\(agent)\" is not an IP address") }
            if let period { _ = try parseSince(period) }
        }

        func run() async throws {
            let from = try period.map { try parseSince($0) }
            let agentIP = agent.flatMap { IPAddress($0) }
            let groups = try CounterReports.interfaces(.init(agent: agentIP, from: from, intervals: intervals), store: store.open(.readOnly))
            if json {
                print(try PantauJSON.text(groups))
                return
            }
            if groups.isEmpty {
                print("No interface counters recorded\(agent.map { " from agent \($0)" } ?? "")\(period.map { " in the last \($0)" } ?? ""). "
                      + "Run `pantau sample --sflow 0.0.0.0:6343` and point an sFlow agent's counter polling at it.")
                return
            }
            var table = [["AGENT", "IFINDEX", "PD", "SAMPLES", "FIRST", "LAST", "SPEED", "AVG IN", "AVG OUT", "PEAK IN", "PEAK OUT",
                          "PEAK UTIL", "RESETS", "GAPS", "SEEN AT"]]
            for g in groups {
                let s = g.series.summary
                table.append([g.key.agent.description, String(g.key.ifIndex), g.pd ?? "-", String(s.samples),
                              s.first.map(iso) ?? "-", s.last.map(iso) ?? "-", s.ifSpeed > 0 ? bitRate(Double(s.ifSpeed)) : "-",
                              bitRate(s.averageInBitsPerSecond), bitRate(s.averageOutBitsPerSecond), bitRate(s.peakInBitsPerSecond),
                              bitRate(s.peakOutBitsPerSecond), percent(s.peakUtilisation), String(s.resets), String(s.gaps), g.key.capturePoint])
            }
            printTable(table)
            let single = groups.filter { $0.series.summary.samples < 2 }.count
            if single > 0 {
                print("\(single) interface\(single == 1 ? " has" : "s have") a single sample: a rate needs two.")
            }
            guard intervals else { return }
            for g in groups {
                let pd = g.pd.map { " (\($0))" } ?? ""
                print("\n\(g.key.agent) ifIndex \(g.key.ifIndex)\(pd) at \(g.key.capturePoint): \(g.series.intervals.count) intervals")
                guard !g.series.intervals.isEmpty else { continue }
                var lines = [["START", "END", "SECONDS", "KIND", "IN", "OUT", "IN UTIL", "OUT UTIL", "IN ERR", "OUT ERR"]]
                for i in g.series.intervals {
                    lines.append([iso(i.start), iso(i.end), String(format: "%.1f", i.seconds), i.kind.rawValue,
                                 bitRate(i.inBitsPerSecond), bitRate(i.outBitsPerSecond), percent(i.inUtilisation), percent(i.outUtilisation),
                                 i.inErrors.map(String.init) ?? "-", i.outErrors.map(String.init) ?? "-"])
                }
                printTable(lines)
            }
        }
    }
}

/// A bit rate in decimal units: `950 bit/s`, `12.5 kbit/s`, `3.20 Mbit/s`, `1.25 Gbit/s`; "-" for nil.
func bitRate(_ bps: Double?) -> String {
    guard let bps else { return "-" }
    switch bps {
    case ..<1_000: return String(format: "%.0f bit/s", bps)
    case ..<1_000_000: return String(format: "%.1f kbit/s", bps / 1_000)
    case ..<1_000_000_000: return String(format: "%.2f Mbit/s", bps / 1_000_000)
    default: return String(format: "%.2f Gbit/s", bps / 1_000_000_000)
    }
}

/// `12.3%`; "-" for nil.
func percent(_ p: Double?) -> String { p.map { String(format: "%.1f%%", $0) } ?? "-" }

import Foundation
import PacketDecoding

/// What one sampling run did, for `collect` and `sample` to print.
public struct SamplingSummary: Sendable, CustomStringConvertible {
    public var source: String
    public var capturePoint: String
    public var rate: Int
    public var packetsRead = 0
    public var packetsSampled = 0
    /// Sampled frames decoded only partly, by reason.
    public var skipped: [DecodeIssue: Int] = [:]
    /// sFlow datagrams received and rejected.
    public var datagrams = 0
    public var badDatagrams = 0
    /// Distinct hosts recorded (capped at `hostCountLimit` for memory's sake).
    public var hosts = 0
    public var hostsCapped = false
    public var neighbours = 0
    public var dhcpServers = 0
    public var trafficRows = 0
    /// Frames from hosts that did not fit the host table (a flood of new MACs).
    public var overflowFrames = 0
    public var flushes = 0
    public var storeFailures = 0
    /// Capture files not read because the store's ledger says their packets are counted.
    public var filesAlreadyRead = 0
    /// Capture files read from where counting had stopped (grown since, or a run stopped
    /// part-way), and the packets skipped in them because they were counted before.
    public var filesResumed = 0
    /// Capture files that could not be opened as captures at all (missing, unreadable, not pcap).
    public var filesUnreadable = 0
    /// True when files were named and not one packet of them could be read or had been
    /// counted before: the run had no input (an error for the command, not a warning).
    public var noInputReadable: Bool { filesUnreadable > 0 && packetsRead == 0 && filesAlreadyRead == 0 && filesResumed == 0 }
    public var packetsAlreadyCounted = 0
    /// How to read files again, for the "already read" line (`collect` names the config key).
    public var rereadHint = "use --reread to read them again"
    public var seconds: Double = 0
    /// How the run ended: "end of input", "duration reached", or the failure.
    public var ending = ""
    public var warnings: [String] = []

    public var packetsSkipped: Int { skipped.values.reduce(0, +) }

    public var description: String {
        var lines: [String] = []
        let pps = seconds > 0 ? Int(Double(packetsRead) / seconds) : 0
        lines.append("sampling \(source) at \(capturePoint): \(ending)")
        lines.append("  packets: \(packetsRead) read, \(packetsSampled) sampled (1 in \(rate)), \(packetsSkipped) partly decoded"
                     + (skipped.isEmpty ? "" : " (" + skipped.sorted { $0.key < $1.key }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ") + ")")
                     + String(format: " in %.2fs (%d packets/s)", seconds, pps))
        if datagrams > 0 || badDatagrams > 0 { lines.append("  sFlow datagrams: \(datagrams) decoded, \(badDatagrams) rejected") }
        lines.append("  found: \(hostsCapped ? "over " : "")\(hosts) hosts, \(neighbours) neighbour announcements, \(dhcpServers) DHCP servers; \(trafficRows) traffic rows")
        if overflowFrames > 0 { lines.append("  overflow: \(overflowFrames) frames from hosts beyond the host table limit") }
        if storeFailures > 0 { lines.append("  store: \(storeFailures) failed writes") }
        if filesAlreadyRead > 0 {
            lines.append("  files: skipped \(filesAlreadyRead) file\(filesAlreadyRead == 1 ? "" : "s") already read (\(rereadHint))")
        }
        if filesResumed > 0 {
            lines.append("  files: resumed \(filesResumed) file\(filesResumed == 1 ? "" : "s") after \(packetsAlreadyCounted) packets counted before")
        }
        for w in warnings { lines.append("  warning: \(w)") }
        return lines.joined(separator: "\n")
    }
}

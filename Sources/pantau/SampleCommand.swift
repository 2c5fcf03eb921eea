import ArgumentParser
import Collectors
import Settings
import Foundation
import InventoryModel
import InventoryStore
import Operations
import Storage
import Logging

extension Pantau {
    struct Sample: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sample",
            abstract: "Sample packets from an interface, capture files or sFlow, and record hosts and traffic.",
            discussion: """
                Give exactly one source. Pantau keeps headers only, never payload. What it \
                records: hosts (MAC, vendor, VLAN, addresses, names), neighbour announcements \
                (LLDP, CDP, STP, IPv6 router adverts), DHCP servers per VLAN, and traffic per \
                host, subnet and PD per minute, scaled up by the sampling rate.

                Capture files are remembered. The store keeps a ledger of the files it has \
                counted at each capture point, recognised by content (a SHA-256 of the first \
                64 KiB), not by name. Reading a file again, or a renamed or rotated copy of \
                it, skips it and the summary says so. A file that has grown since (a capture \
                still being written) is read from the first packet not yet counted, and so is \
                a file a stopped or killed run left part-read: the ledger is written in the \
                same transaction as the traffic it accounts for. Packets are counted after \
                --filter, so a file counted under another filter is left alone, with a \
                warning. --reread reads files from the start again, and their traffic IS \
                added again.

                Examples:
                  pantau sample --read captures/core-span.pcapng
                  pantau sample --read /var/spool/pantau/rotated/ --rate 10
                  pantau sample --read captures/core-span.pcapng --reread   (counts it again)
                  sudo pantau sample --interface eth1 --duration 300 --filter 'not port 22'
                  pantau sample --sflow 127.0.0.1:6343 --duration 600
                Then:  pantau hosts   and   pantau talkers

                Ctrl-C (SIGINT) or SIGTERM stops a run cleanly: what was sampled since the \
                last store write is written, and the summary is printed.
                """
        )

        @Option(help: ArgumentHelp("Capture live from this interface (root or CAP_NET_RAW).", valueName: "name"))
        var interface: String?

        @Option(parsing: .upToNextOption, help: ArgumentHelp("Read pcap/pcapng files or directories of rotated files, in order.", valueName: "file"))
        var read: [String] = []

        @Option(help: ArgumentHelp("Receive sFlow v5 on this UDP address (default port 6343).", valueName: "address[:port]"))
        var sflow: String?

        @Option(help: ArgumentHelp("Keep 1 packet in N (1 = every packet).", valueName: "N"))
        var rate: Int = 1

        @Option(help: ArgumentHelp("random (default) or deterministic (every Nth packet).", valueName: "mode"))
        var mode: String = "random"

        @Option(help: ArgumentHelp("BPF filter, tcpdump syntax (not for sFlow).", valueName: "expression"))
        var filter: String?

        @Option(help: ArgumentHelp("Stop a live or sFlow run after this many seconds (default: until Ctrl-C).", valueName: "seconds"))
        var duration: Double?

        @Option(name: .customLong("capture-point"), help: ArgumentHelp("Name recorded for where packets were seen.", valueName: "name"))
        var capturePoint: String?

        @Flag(help: "Put the interface in promiscuous mode (a SPAN port usually needs it).")
        var promiscuous = false

        @Option(name: .customLong("pd-map"), help: ArgumentHelp("YAML file mapping PD codes to subnets and VLANs (default: the PD registry in the store).", valueName: "file"))
        var pdMap: String?

        @Option(name: .customLong("max-hosts"), help: ArgumentHelp("Most hosts held between store writes.", valueName: "N"))
        var maxHosts: Int = 100_000

        @Flag(help: "Read capture files again even if the store has counted them at this capture point; their traffic is added again.")
        var reread = false

        @OptionGroup var store: StoreOptions

        func validate() throws {
            let count = (interface == nil ? 0 : 1) + (read.isEmpty ? 0 : 1) + (sflow == nil ? 0 : 1)
            guard count == 1 else { throw ValidationError("give exactly one of --interface, --read or --sflow") }
            guard (1...1_000_000).contains(rate) else { throw ValidationError("--rate must be between 1 and 1000000") }
            guard SamplingSettings.Mode(rawValue: mode) != nil else { throw ValidationError("--mode must be random or deterministic") }
            if let d = duration, d <= 0 { throw ValidationError("--duration must be positive") }
            if sflow != nil, filter != nil { throw ValidationError("--filter applies to --interface and --read, not --sflow") }
            guard maxHosts >= 16 else { throw ValidationError("--max-hosts must be at least 16") }
            if reread, read.isEmpty { throw ValidationError("--reread applies to --read (capture files)") }
        }

        func run() async throws {
            let source: SamplingSettings.Source
            if let i = interface { source = .interface(i) }
            else if let s = sflow {
                guard let (h, p) = SamplingSettings.parseSFlowAddress(s) else {
                    throw ValidationError("--sflow \"\(s)\" is not ADDRESS[:PORT] (an IPv4 or [IPv6] literal)")
                }
                source = .sflow(host: h, port: p)
            } else { source = .files(read) }
            var settings = SamplingSettings(source: source, capturePoint: capturePoint)
            settings.rate = rate
            settings.mode = SamplingSettings.Mode(rawValue: mode) ?? .random
            settings.filter = filter
            settings.duration = duration
            settings.promiscuous = promiscuous
            settings.maxHosts = maxHosts
            settings.reread = reread
            settings.pdMap = pdMap
            let db = try store.open(.readWrite)
            // Progress and warnings go to stderr, so stdout carries only the summary.
            LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
            var logger = Logger(label: "pantau.sample")
            logger.logLevel = .notice
            // Ctrl-C or SIGTERM ends a run cleanly (a graceful shutdown of its service group):
            // the window in memory is written to the store and the summary printed, instead of
            // losing up to a flush interval of data.
            let clock = try commandClock()
            let summary = try await SampleAndRecord(store: db, clock: clock, logger: logger,
                                                    traffic: TrafficRecorder(store: db, clock: clock)).run(settings)
            print(summary.description)
            if summary.noInputReadable { throw CLIError("none of the capture files could be read (see the warnings above)") }
        }
    }
}

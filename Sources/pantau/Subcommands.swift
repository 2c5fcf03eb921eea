import ArgumentParser

extension Pantau {
    /// Every subcommand, in the order `--help` lists them. Each lives in its own file.
    static let subcommandList: [any ParsableCommand.Type] = [
        Pantau.Poll.self,
        Pantau.Collect.self,
        Pantau.Inventory.self,
        Pantau.Probes.self,
        Profile.self,
        Registry.self,
        DiagramCmd.self,
        Token.self,
        Serve.self,
        Sample.self,
        Hosts.self,
        Talkers.self,
        Counters.self,
        Traffic.self,
        TrafficRecord.self,
        Annex.self,
        Uptime.self,
        Reconcile.self,
        Findings.self,
        Export.self,
        DashboardCmd.self,
        Store.self,
        Pantau.Collectors.self,
    ]
}

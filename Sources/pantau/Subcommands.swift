import ArgumentParser

extension Pantau {
    /// Every subcommand, in the order `--help` lists them. Each lives in its own file.
    static let subcommandList: [any ParsableCommand.Type] = [
        Sample.self,
        Hosts.self,
        Talkers.self,
    ]
}

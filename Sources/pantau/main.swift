// Composition root: the only place that picks concrete adapters (Net-SNMP, libpcap,
// SQLite) and wires them into the layers below.
import ArgumentParser

/// Runs an asynchronous command's `run()`; a generic context makes the async requirement
/// the one chosen (on an existential the synchronous default can win).
func runAsync<C: AsyncParsableCommand>(_ command: C) async throws {
    var command = command
    try await command.run()
}

// Parse and run explicitly: in top-level code `await Pantau.main()` resolves to the
// synchronous ParsableCommand.main(), which refuses the asynchronous root outright.
// Both synchronous and asynchronous subcommands run through here.
do {
    let command = try Pantau.parseAsRoot()
    if let asyncCommand = command as? any AsyncParsableCommand {
        try await runAsync(asyncCommand)
    } else {
        var sync = command
        try sync.run()
    }
} catch {
    Pantau.exit(withError: error)
}

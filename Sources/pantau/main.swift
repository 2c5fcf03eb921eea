// Composition root: the only place that picks concrete adapters (Net-SNMP, libpcap,
// SQLite) and wires them into the layers below.
import ArgumentParser

// Parse and run explicitly: in top-level code `await Pantau.main()` resolves to the
// synchronous ParsableCommand.main(), which refuses the asynchronous root outright.
// Governance commands are synchronous (`pantau serve` blocks on its server task).
do {
    var command = try Pantau.parseAsRoot()
    try command.run()
} catch {
    Pantau.exit(withError: error)
}

// Composition root: the only place that picks concrete adapters (Net-SNMP, libpcap,
// SQLite) and wires them into the layers below.
import ArgumentParser

// Called from inside an async function so the async `main()` overload is chosen; from
// top-level code the synchronous one was picked, which refuses to run async commands.
func runPantau() async { await Pantau.main() }
await runPantau()

// Composition root: the only place that picks concrete adapters (Net-SNMP, libpcap,
// SQLite) and wires them into the layers below.
import ArgumentParser

await Pantau.main()

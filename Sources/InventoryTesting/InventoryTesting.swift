// InventoryTesting: see Package.swift for this target's role.
enum InventoryTestingNamespace {}

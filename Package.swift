// swift-tools-version:6.1
//
// Pantau: network and infrastructure inventory monitor for SPBE regencies.
//
// Layers (a target imports only from lower layers; C appears only in the C* shims and
// the adapter targets that wrap them):
//   0 C shims       CNetSNMP, CPcap, CZlib
//   1 vocabulary    SNMPCore, YAMLSupport, PacketDecoding            (pure Swift)
//   1 adapters      NetSNMP (→ CNetSNMP), PacketCapture (→ CPcap), Compression (→ CZlib)
//   2 domain        InventoryModel (observed), Governance (declared: PDs, profiles, diagrams),
//                   Probes (declarative SNMP probes and the runner that applies them),
//                   Reconciliation (→ InventoryModel, Governance: declared against observed, findings)
//   3 storage       Storage (protocols by area: inventory, sightings, time series, governance,
//                   access), InventoryStore (their GRDB/SQLite implementation; SQL never leaves it),
//                   PostgresStore (their postgres-nio/PostgreSQL implementation, the same results)
//   2 settings      Settings (the application's configuration: types, loading, validation)
//   4 behaviour     Collectors (polling, sampling)
//   5 use cases     Operations (what every front end calls; Codable results)
//   5 front ends    SubmissionService (HTTP for PD staff; serves Exports bundles), Portal (the PD portal's web
//                   pages), Exports (audit bundles), Dashboard (the NOC's terminal console)
//   6 composition   pantau (the CLI; the one place that picks concrete adapters)
//   test support    InventoryTesting (lab agents, temp stores, running the binary)
import PackageDescription

let package = Package(
    name: "Pantau",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "pantau", targets: ["pantau"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // Already in the graph through Hummingbird; named for the HTTP service's connection guard.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // The collector daemon's /metrics (Prometheus text format).
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // The PostgreSQL store (issue 21): imported only by PostgresStore.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // The PD portal's server-rendered pages (HTML-escaping templates).
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // MARK: Layer 0: C shims
        .systemLibrary(name: "CNetSNMP", pkgConfig: "netsnmp", providers: [.apt(["libsnmp-dev"])]),
        .systemLibrary(name: "CPcap", pkgConfig: "libpcap", providers: [.apt(["libpcap-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),

        // MARK: Layer 1: vocabulary and adapters
        .target(name: "SNMPCore"),
        .target(name: "YAMLSupport", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(name: "PacketDecoding"),
        .target(
            name: "NetSNMP",
            dependencies: ["SNMPCore", "CNetSNMP", .product(name: "Logging", package: "swift-log")]
        ),
        .target(name: "PacketCapture", dependencies: ["PacketDecoding", "CPcap"]),
        .target(name: "Compression", dependencies: ["CZlib"]),

        // MARK: Layer 2: domain
        .target(name: "InventoryModel"),
        .target(
            name: "Governance",
            dependencies: [
                "YAMLSupport", "Compression", "InventoryModel", "SNMPCore",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            // The stock diagrams.net stencils and the roles they stand for: data, compiled in.
            resources: [.embedInCode("Resources/stencil-roles.txt")]
        ),
        .target(name: "Probes", dependencies: ["SNMPCore", "InventoryModel", "YAMLSupport"]),
        // What each PD declared against what the network shows: matching, findings, their lifecycle (pure).
        .target(name: "Reconciliation", dependencies: ["InventoryModel", "Governance"]),
        // The application's configuration: types, loading and validation (reloadable in a running process).
        .target(name: "Settings", dependencies: ["SNMPCore", "YAMLSupport", "InventoryModel"]),

        // MARK: Layer 3: storage
        // The storage protocols by area (pure Swift); every caller depends on these only.
        .target(name: "Storage", dependencies: ["InventoryModel", "Governance", "Reconciliation"]),
        // Their SQLite implementation: the only target that imports GRDB.
        .target(
            name: "InventoryStore",
            dependencies: ["Storage", "InventoryModel", "Governance", "Reconciliation", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "GRDBSQLite", package: "GRDB.swift")]
        ),

        // Their PostgreSQL implementation: the only target that imports PostgresNIO.
        .target(
            name: "PostgresStore",
            dependencies: ["Storage", "InventoryModel", "Governance", "Reconciliation",
                           .product(name: "PostgresNIO", package: "postgres-nio"),
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "Logging", package: "swift-log")]
        ),

        // MARK: Layer 4: behaviour
        .target(
            name: "Collectors",
            dependencies: [
                "SNMPCore", "Probes", "InventoryModel", "Storage", "YAMLSupport", "Settings",
                "PacketDecoding", "PacketCapture",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .target(
            name: "SubmissionService",
            dependencies: [
                "Governance", "Storage", "Operations", "InventoryModel", "Reconciliation", "Exports",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("openapi.yaml")]
        ),

        // MARK: Layer 5: use cases, shared by every front end (CLI, HTTP service, daemon, dashboard, exports)
        .target(
            name: "Operations",
            dependencies: ["Storage", "InventoryModel", "Governance", "Reconciliation", "Settings", "Collectors", "SNMPCore",
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                           .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                           .product(name: "Crypto", package: "swift-crypto")]
        ),

        // The PD portal: server-rendered pages beside the API on the same service (sign in, duty, submit, history, findings).
        .target(
            name: "Portal",
            dependencies: [
                "Operations", "Exports", "Storage", "Governance", "Reconciliation", "InventoryModel",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            resources: PortalTemplates.names.map { .embedInCode("Templates/\($0)") }
        ),

        // Audit bundles (`pantau export`): files rendered from the AuditExport use case, written and verified.
        .target(name: "Exports", dependencies: ["Operations", "Governance", "Storage", "InventoryModel", "Compression",
                                               .product(name: "Crypto", package: "swift-crypto")]),
        // The NOC's terminal console: model (from the use cases), pure render to a cell grid, terminal I/O.
        .target(name: "Dashboard", dependencies: ["Operations", "Storage", "InventoryModel", "Reconciliation", "Governance", "YAMLSupport"]),

        // MARK: Layer 6: composition root
        .executableTarget(
            name: "pantau",
            dependencies: [
                "SNMPCore", "NetSNMP", "Probes", "InventoryModel", "InventoryStore", "PostgresStore", "Storage", "Operations", "Collectors", "Settings",
                "PacketCapture", "PacketDecoding", "Governance", "Reconciliation", "SubmissionService", "YAMLSupport", "Exports", "Dashboard", "Portal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // Storage benchmark against rrdtool (not a test): `swift build -c release --product traffic-bench`, see BENCHMARKS.md.
        .executableTarget(name: "traffic-bench", dependencies: ["InventoryStore", "InventoryModel", "InventoryTesting", "Storage"], path: "bench/traffic-bench"),
        // SQLite against PostgreSQL on the same traffic (not a test): `swift build -c release --product store-bench`, see BENCHMARKS.md.
        .executableTarget(name: "store-bench", dependencies: ["InventoryStore", "PostgresStore", "InventoryTesting", "InventoryModel", "Storage"],
                          path: "bench/store-bench"),
        // Fleet ingest, several collectors' spools replayed at once into one PostgreSQL (not a test): see BENCHMARKS.md.
        .executableTarget(name: "fleet-bench", dependencies: ["InventoryStore", "PostgresStore", "InventoryTesting", "InventoryModel", "Storage", "Settings"],
                          path: "bench/fleet-bench"),
        // Dashboard benchmark, 5,000 devices (not a test): `swift build -c release --product dashboard-bench`, see BENCHMARKS.md.
        .executableTarget(name: "dashboard-bench", dependencies: ["Dashboard", "Operations", "Governance", "InventoryStore", "InventoryModel", "Storage"], path: "bench/dashboard-bench"),
        // The audit export benchmark's store (not a test): `swift build -c release --product audit-bench`, see BENCHMARKS.md.
        .executableTarget(name: "audit-bench", dependencies: ["InventoryStore", "InventoryModel", "InventoryTesting", "Storage", "Governance", "Operations", "Reconciliation"],
                          path: "bench/audit-bench"),

        // MARK: Test support and tests
        .target(
            name: "InventoryTesting",
            dependencies: ["SNMPCore", "InventoryStore", "PostgresStore", "Storage", "InventoryModel"]
        ),
        .testTarget(name: "SNMPCoreTests", dependencies: ["SNMPCore", "InventoryTesting"]),
        .testTarget(name: "YAMLSupportTests", dependencies: ["YAMLSupport"]),
        .testTarget(name: "InventoryModelTests", dependencies: ["InventoryModel", "InventoryTesting"]),
        .testTarget(name: "ReconciliationTests", dependencies: ["Reconciliation", "Governance", "InventoryModel", "InventoryTesting"]),
        .testTarget(name: "NetSNMPIntegrationTests", dependencies: ["NetSNMP", "SNMPCore", "InventoryTesting", "Probes", "InventoryModel"]),
        .testTarget(
            name: "ProbesTests",
            dependencies: ["Probes", "SNMPCore", "InventoryModel", "InventoryTesting", "NetSNMP"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "InventoryStoreTests",
            dependencies: ["InventoryStore", "PostgresStore", "Storage", "InventoryModel", "Governance", "InventoryTesting",
                           .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "SettingsTests",
            dependencies: ["Settings", "SNMPCore", "YAMLSupport", "InventoryModel", "InventoryTesting"]
        ),
        .testTarget(name: "PacketDecodingTests", dependencies: ["PacketDecoding", "InventoryTesting"]),
        .testTarget(
            name: "CollectorsTests",
            dependencies: ["PacketCapture", "PacketDecoding", "Collectors", "Settings", "InventoryStore", "InventoryModel", "InventoryTesting",
                           "NetSNMP", "Probes", "SNMPCore", "Storage"]
        ),
        .testTarget(
            name: "GovernanceTests",
            dependencies: ["Governance", "InventoryModel", "Compression", "YAMLSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "SubmissionServiceTests",
            dependencies: [
                "SubmissionService", "Governance", "InventoryModel", "InventoryStore", "InventoryTesting", "Compression", "Exports",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "OperationsTests",
            dependencies: ["Operations", "Collectors", "Governance", "InventoryModel", "InventoryStore", "InventoryTesting", "Probes",
                           "SNMPCore", "Settings", "Storage", "Reconciliation", "Exports", "Compression"]
        ),
        .testTarget(
            name: "DashboardTests",
            dependencies: ["Dashboard", "InventoryModel", "InventoryStore", "InventoryTesting", "Reconciliation", "Governance", "Storage", "YAMLSupport"],
            exclude: ["Goldens"]
        ),
        .testTarget(
            name: "PortalTests",
            dependencies: ["Portal", "SubmissionService", "Operations", "Governance", "InventoryModel", "InventoryStore", "InventoryTesting",
                           "Storage", "Reconciliation", "Compression",
                           .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Mustache", package: "swift-mustache")]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["InventoryTesting", "InventoryModel", "InventoryStore", "Storage", "Governance", "Operations", "Reconciliation"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets where [.regular, .test, .executable].contains(target.type) {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
    ]
}

/// The portal's template files and stylesheet (Sources/Portal/Templates), compiled into the binary.
enum PortalTemplates {
    static let names = ["layout-head.mustache", "layout-foot.mustache", "signin.mustache", "home.mustache", "submit.mustache",
                        "checked.mustache", "submitted.mustache", "history.mustache", "diff.mustache", "version.mustache",
                        "findings.mustache", "regency.mustache", "error.mustache", "style.css"]
}

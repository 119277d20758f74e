// swift-tools-version:6.2
import PackageDescription

// Every target gets the same strictness Hummingbird uses: explicit `any`, imports that are
// visible only where declared, and imports internal unless written `public import`.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

// How the server binary is linked on Linux, for its resident memory (bench/results, "idle RSS"):
// - lld with packed relative relocations (DT_RELR, glibc 2.36+): the 149,000 relocations of a
//   position-independent binary take 29 KB instead of 3.5 MiB, which start-up read in full and
//   left mapped;
// - no exported symbols: nothing loads into the server, yet `-export-dynamic` (which swiftc adds
//   to every executable) put all of them, 2 MiB of tables, in front of every symbol lookup
//   the dynamic loader makes. Crash backtraces read the symbol table itself and are unchanged.
let serverLinking: [LinkerSetting] = [
    .unsafeFlags(
        ["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-export-dynamic"],
        .when(platforms: [.linux])
    )
]

let package = Package(
    name: "portico",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "portico", targets: ["portico"]),
        .executable(name: "tradeflow-data", targets: ["TradeflowData"]),
        .executable(name: "portico-bench", targets: ["PorticoBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        // HMAC for signed cursors now; jwt-kit (partner access) builds on it too.
        .package(url: "https://github.com/apple/swift-crypto.git", "4.1.0"..<"5.0.0"),
        // JWS signing and verification, JWKs (OAuth 2 access tokens, external issuers).
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        // HTTP request parts as the server's channel handlers see them (hardening).
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        // OpenAPI documents: OpenAPIKit parses and validates every generated one.
        .package(url: "https://github.com/mattpolzin/OpenAPIKit.git", from: "6.4.0", traits: []),
        // Metrics, exported in Prometheus' text format at the admin listener's /metrics.
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // Fetching external issuers' JWKS.
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        // libmysqlclient (Debian: libmariadb-dev-compat). Only PorticoMySQL imports it.
        .systemLibrary(
            name: "CMySQL",
            pkgConfig: "libmariadb",
            providers: [.apt(["libmariadb-dev-compat", "libmariadb-dev"])]
        ),
        // zlib (Debian: zlib1g-dev), for gzip-compressed responses. Only PorticoServer imports it.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // Row and parameter value types, free of C: shared by the driver and the pure stages.
        .target(name: "PorticoValues", swiftSettings: strict),
        .target(
            name: "PorticoMySQL",
            dependencies: [
                "CMySQL", "PorticoValues",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Pure stages: they never link libmysqlclient, so their tests run without a database.
        .target(
            name: "PorticoCatalog",
            dependencies: ["PorticoValues", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        .target(
            name: "PorticoQuery",
            dependencies: ["PorticoCatalog", "PorticoValues", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        // Follows the planner's projection (which column each field reads), hence PorticoQuery.
        .target(name: "PorticoShape", dependencies: ["PorticoCatalog", "PorticoQuery", "PorticoValues"], swiftSettings: strict),
        .target(name: "PorticoQuota", dependencies: ["PorticoValues"], swiftSettings: strict),
        // Catalog → OpenAPI 3.1 (checked by OpenAPIKit), the lock's diff, the docs page.
        .target(
            name: "PorticoContract",
            dependencies: ["PorticoCatalog", .product(name: "OpenAPIKit", package: "OpenAPIKit"), .product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        .target(
            name: "PorticoAccess",
            dependencies: [
                "PorticoMySQL", .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
                .product(name: "JWTKit", package: "jwt-kit"), .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "PorticoServer",
            dependencies: [
                "PorticoMySQL", "PorticoCatalog", "PorticoQuery", "PorticoShape", "PorticoValues",
                "PorticoAccess", "PorticoQuota", "PorticoContract", "CZlib",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "portico",
            dependencies: [
                "PorticoServer", "PorticoMySQL", "PorticoCatalog", "PorticoQuery", "PorticoAccess", "PorticoQuota", "PorticoContract",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict,
            linkerSettings: serverLinking
        ),
        // The benchmark ceiling: P1–P3's statements with no HTTP (scripts/bench); the bare HTTP and proxy floors.
        .executableTarget(
            name: "PorticoBench",
            dependencies: [
                "PorticoCatalog", "PorticoQuery", "PorticoShape", "PorticoMySQL", "PorticoServer", "PorticoValues",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The demo product's deterministic data generator (tiny for tests, bench for benchmarks).
        .executableTarget(
            name: "TradeflowData",
            dependencies: ["PorticoValues", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict
        ),
        // What the integration tests share: where the private MariaDB is, scratch schemas, scripts/db.
        .target(
            name: "PorticoTestSupport",
            dependencies: ["PorticoMySQL", .product(name: "Logging", package: "swift-log")],
            path: "Tests/PorticoTestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "PorticoMySQLTests",
            dependencies: ["PorticoMySQL", "PorticoTestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PorticoCatalogTests",
            dependencies: ["PorticoCatalog"],
            exclude: ["Corpus"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PorticoAccessTests",
            dependencies: ["PorticoAccess", .product(name: "JWTKit", package: "jwt-kit"), .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PorticoContractTests",
            dependencies: ["PorticoContract", "PorticoCatalog", "PorticoQuery", .product(name: "Yams", package: "Yams")],
            exclude: ["Corpus", "DocumentCorpus", "make-corpus.py"],
            swiftSettings: strict
        ),
        .testTarget(name: "PorticoQuotaTests", dependencies: ["PorticoQuota"], swiftSettings: strict),
        .testTarget(name: "PorticoValuesTests", dependencies: ["PorticoValues"], swiftSettings: strict),
        .testTarget(
            name: "PorticoQueryTests",
            dependencies: ["PorticoQuery", "PorticoCatalog", "PorticoValues"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PorticoShapeTests",
            dependencies: ["PorticoShape", "PorticoQuery", "PorticoCatalog", "PorticoValues"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PorticoServerTests",
            dependencies: [
                "PorticoServer", "PorticoMySQL", "PorticoCatalog", "PorticoAccess", "PorticoQuota", "PorticoShape", "PorticoTestSupport",
                "PorticoContract",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // The server's own logic in process, on an in-memory executor: handler stages, limits,
        // errors, routes and the contract endpoints. Needs no database server at all.
        .testTarget(
            name: "PorticoServerUnitTests",
            dependencies: [
                "PorticoServer", "PorticoCatalog", "PorticoQuery", "PorticoShape", "PorticoValues", "PorticoContract", "PorticoAccess",
                "PorticoQuota",
                "PorticoMySQL", "PorticoTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TradeflowDataTests",
            dependencies: ["TradeflowData"],
            swiftSettings: strict
        ),
    ]
)

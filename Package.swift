// swift-tools-version: 6.1
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "CompressionFit",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cfit", targets: ["cfit"]),
        .library(name: "Fitting", targets: ["Fitting"]),
        .library(name: "Postgres", targets: ["Postgres"]),
        .library(name: "Inventory", targets: ["Inventory"]),
        .library(name: "Counter", targets: ["Counter"]),
        .library(name: "SyntheticData", targets: ["SyntheticData"]),
        .library(name: "CounterWeb", targets: ["CounterWeb"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        // A client generated from `cfit serve`'s OpenAPI document, in the tests only.
        .package(url: "https://github.com/apple/swift-openapi-generator", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.4"),
    ],
    targets: [
        .target(name: "Fitting", swiftSettings: strictSettings),
        // Generated catalogs for load: the fault tests and the benchmarks.
        .target(name: "SyntheticData", swiftSettings: strictSettings),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .target(
            name: "Postgres",
            dependencies: [
                "CLibPQ", .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(name: "schema-embed", swiftSettings: strictSettings),
        .plugin(
            name: "SchemaPlugin",
            capability: .buildTool(),
            dependencies: ["schema-embed"],
            path: "Sources/SchemaPlugin"
        ),
        .target(
            name: "Inventory",
            dependencies: ["Fitting", "Postgres", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings,
            plugins: ["SchemaPlugin"]
        ),
        .target(
            name: "Counter",
            dependencies: [
                "Fitting", "Inventory", "Postgres", .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // `cfit serve`: pages and the HTTP API over the same application layer. Both faces depend
        // on Counter (and Fitting for the values they show), never on Inventory or Postgres.
        .target(
            name: "CounterWeb",
            dependencies: [
                "Counter", "Fitting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "cfit",
            dependencies: [
                "Counter",
                "CounterWeb",
                "Fitting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "FittingTests",
            dependencies: [
                "Fitting",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "PostgresTestSupport",
            dependencies: ["Postgres", "Inventory", "SyntheticData"],
            path: "Tests/PostgresTestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PostgresTests",
            dependencies: [
                "Postgres",
                "PostgresTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "InventoryTests",
            dependencies: [
                "Inventory", "Fitting", "Postgres", "PostgresTestSupport", "SyntheticData",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CounterTests",
            dependencies: [
                "Counter", "Fitting", "Inventory", "Postgres", "PostgresTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strictSettings
        ),
        // A browser's part in the route tests (cookies, forms), shared by the web and parity tests.
        .target(
            name: "WebTestSupport",
            dependencies: [.product(name: "HummingbirdTesting", package: "hummingbird")],
            path: "Tests/WebTestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CounterWebTests",
            dependencies: [
                "WebTestSupport", "CounterWeb", "Counter", "Fitting", "Inventory", "Postgres", "PostgresTestSupport",
                "SyntheticData",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
            ],
            swiftSettings: strictSettings,
            // Tests/CounterWebTests/openapi.json, the document the server serves, generates the
            // client GeneratedClientTests calls the server with.
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: [
                "Fitting", "cfit", "CounterWeb", "Inventory", "Postgres", "PostgresTestSupport", "SyntheticData",
                "WebTestSupport", .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)

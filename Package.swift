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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .target(name: "Fitting", swiftSettings: strictSettings),
        // Generated catalogs for load: the fault tests and the benchmarks.
        .target(name: "SyntheticData", swiftSettings: strictSettings),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .target(
            name: "Postgres",
            dependencies: ["CLibPQ", .product(name: "Logging", package: "swift-log")],
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
            dependencies: ["Fitting", "Postgres"],
            swiftSettings: strictSettings,
            plugins: ["SchemaPlugin"]
        ),
        .target(
            name: "Counter",
            dependencies: ["Fitting", "Inventory", "Postgres"],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "cfit",
            dependencies: [
                "Counter",
                "Fitting",
                "Inventory",
                "Postgres",
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
        .testTarget(
            name: "CLITests",
            dependencies: ["Fitting", "cfit", "PostgresTestSupport", "SyntheticData"],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)

// swift-tools-version: 6.1
// The benchmarks live in their own package so that the main build and CI never fetch or build the
// benchmark harness. Run them with `swift package benchmark` from this folder (see the README).
// The comparison programs live under Comparisons/, so the harness (which takes every executable
// directly under Benchmarks/ for a benchmark) never launches them: run them with `swift run`.
import PackageDescription

let package = Package(
    name: "CompressionFitBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "CompressionFit", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "FitBenchmarks",
            dependencies: [
                .product(name: "Fitting", package: "CompressionFit"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "FitBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "PostgresComparison",
            dependencies: [.product(name: "Postgres", package: "CompressionFit")],
            path: "Comparisons/PostgresComparison"
        ),
        .executableTarget(
            name: "ShopFigures",
            dependencies: [
                .product(name: "Fitting", package: "CompressionFit"),
                .product(name: "Postgres", package: "CompressionFit"),
                .product(name: "Inventory", package: "CompressionFit"),
                .product(name: "SyntheticData", package: "CompressionFit"),
            ],
            path: "Comparisons/ShopFigures"
        ),
        .executableTarget(
            name: "RoundTrips",
            dependencies: [.product(name: "Postgres", package: "CompressionFit")],
            path: "Comparisons/RoundTrips"
        ),
    ],
    swiftLanguageModes: [.v6]
)

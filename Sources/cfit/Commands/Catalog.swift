import ArgumentParser
import Counter
import Fitting
import Foundation

/// `cfit catalog`: the admin's catalog files in the database.
struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "Import, list and show manufacturers' catalogs.",
        subcommands: [Import.self, List.self, Show.self]
    )

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a catalog file and its articles CSV (all checked first; one transaction).",
            discussion:
                "The files are compared with what the database holds: only differences are applied, and a file the database already matches is a reported no-op. --dry-run shows the differences. Articles missing from the articles file are deactivated, never deleted."
        )
        @Argument(help: "The catalog JSON file.") var catalog: String
        @Argument(help: "The articles CSV file.") var articles: String?
        @Flag(name: .customLong("dry-run"), help: "Check and report, store nothing.") var dryRun = false
        @Flag(
            name: .customLong("all-errors"),
            help: "List every problem of a broken file (default: the first 50; --json lists all too).")
        var allErrors = false
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors(limit: allErrors || json ? nil : 50) {
                guard let bytes = FileManager.default.contents(atPath: catalog) else {
                    throw CLIError(status: .noInput, message: "CATALOG: expected a readable file, found '\(catalog)'")
                }
                if let articles {
                    // Read in blocks during the import: only readability is checked here.
                    var directory: ObjCBool = false
                    guard FileManager.default.isReadableFile(atPath: articles),
                        FileManager.default.fileExists(atPath: articles, isDirectory: &directory), !directory.boolValue
                    else {
                        throw CLIError(
                            status: .noInput, message: "ARTICLES: expected a readable file, found '\(articles)'")
                    }
                }
                let progress = Progress(label: "importing \(URL(fileURLWithPath: catalog).lastPathComponent)")
                defer { progress.finish() }
                let summary = try database.desk().importCatalog(
                    json: [UInt8](bytes), fileName: URL(fileURLWithPath: catalog).lastPathComponent,
                    articlesPath: articles, dryRun: dryRun, progress: progress.update)
                progress.finish()
                if json {
                    print(try RecordJSON.render(nil, summary))
                } else {
                    print(Self.report(summary))
                }
            }
        }

        /// The summary in words: what changed (or would), article by article, and the stock of
        /// every article deactivated.
        static func report(_ summary: ImportSummary) -> String {
            let lines = summary.lines.joined(separator: ", ")
            if summary.unchanged {
                return "already up to date: the database holds exactly these files' content (\(lines)); nothing changed"
            }
            var text = [
                "\(summary.dryRun ? "dry run, nothing stored: would import" : "imported") \(summary.lines.count) lines (\(lines)), "
                    + "\(summary.sizes) sizes; articles: \(summary.articlesAdded) added, \(summary.articlesChanged) changed, "
                    + "\(summary.articlesDeactivated) deactivated"
            ]
            if !summary.chartChanges.isEmpty {
                text.append("charts:")
                text += summary.chartChanges.map { "  \($0)" }
            }
            func list(_ name: String, _ skus: [String]) {
                guard !skus.isEmpty else { return }
                let shown = skus.prefix(20).joined(separator: ", ")
                text.append(
                    "\(name): \(shown)\(skus.count > 20 ? " … and \(skus.count - 20) more (--json lists all)" : "")")
            }
            list("added", summary.added)
            list("changed", summary.changed)
            list("deactivated", summary.deactivated)
            if !summary.deactivatedOnHand.isEmpty {
                text.append(
                    "on hand of deactivated articles (\(summary.dryRun ? "would no longer" : "can no longer") be fitted from the catalog):"
                )
                for stock in summary.deactivatedOnHand {
                    text.append(
                        "  \(stock.sku) at \(stock.location)\(stock.lot.map { " lot \($0)" } ?? ""): \(stock.onHand)")
                }
            }
            return text.joined(separator: "\n")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the product lines in the database.")
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let lines = try database.desk().productLines()
                if json {
                    print(
                        JSONValue.array(
                            lines.map { line in
                                .object([
                                    ("line", .string(line.id)), ("name", .string(line.name)),
                                    ("manufacturer", .string(line.manufacturer)),
                                    ("standard", .string(line.standard.rawValue)),
                                    ("classes", .array(line.classes.map { .string($0.label) })),
                                    ("styles", .array(line.styles.map { .string($0.rawValue) })),
                                    ("sizes", .array(line.sizes.map { .string($0.name) })),
                                ])
                            }
                        ).serialized(pretty: true)
                    )
                    return
                }
                if lines.isEmpty {
                    print("no catalogs yet: cfit catalog import FILE.json [ARTICLES.csv], or cfit seed")
                }
                for line in lines {
                    print(
                        "\(line.id)  \(line.manufacturer) \(line.name)  \(line.standard.rawValue) \(line.classes.map(\.label).joined(separator: "/"))  "
                            + "\(line.styles.map(\.rawValue).joined(separator: " "))  sizes \(line.sizes.map(\.name).joined(separator: " "))"
                    )
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one line's size chart and length variants.")
        @Argument(help: "The line's id.") var line: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let lines = try database.desk().productLines()
                guard let found = lines.first(where: { $0.id == line }) else {
                    throw CLIError.badInput(
                        "LINE", expected: "one of \(lines.map(\.id).joined(separator: ", "))", found: quoted(line))
                }
                if json {
                    print(Self.json(found).serialized(pretty: true))
                    return
                }
                print(
                    "\(found.manufacturer) \(found.name) [\(found.id)], \(found.standard) classes \(found.classes.map(\.label).joined(separator: ", ")), styles \(found.styles.map(\.rawValue).joined(separator: " ")), in \(found.unit.rawValue)"
                )
                let points = MeasurementPoint.circumferences.filter { point in
                    found.sizes.contains { $0.range(for: point) != nil }
                }
                print((["size"] + points.map(\.rawValue)).joined(separator: "\t"))
                for size in found.sizes {
                    print(
                        ([size.name] + points.map { size.range(for: $0)?.formatted(in: found.unit) ?? "-" }).joined(
                            separator: "\t"))
                }
                for variant in found.lengths {
                    print(
                        "\(variant.style.rawValue) \(variant.name): \(variant.style.lengthPoint.rawValue) \(variant.range.formatted(in: found.unit))"
                    )
                }
            }
        }
    }
}

extension CatalogCommand.Show {
    /// The line in the catalog format's shape (ranges in the chart's unit).
    static func json(_ line: ProductLine) -> JSONValue {
        func range(_ range: MeasureRange) -> JSONValue {
            .array([.number(range.lower.formatted(in: line.unit)), .number(range.upper.formatted(in: line.unit))])
        }
        return .object([
            ("id", .string(line.id)), ("name", .string(line.name)), ("manufacturer", .string(line.manufacturer)),
            ("standard", .string(line.standard.rawValue)), ("classes", .array(line.classes.map { .string($0.label) })),
            ("styles", .array(line.styles.map { .string($0.rawValue) })), ("unit", .string(line.unit.rawValue)),
            (
                "sizes",
                .array(
                    line.sizes.map { size in
                        .object(
                            [("size", .string(size.name))]
                                + size.points.map { ($0.rawValue, range(size.range(for: $0)!)) })
                    }
                )
            ),
            (
                "lengths",
                .array(
                    line.lengths.map { variant in
                        .object([
                            ("style", .string(variant.style.rawValue)), ("name", .string(variant.name)),
                            (variant.style.lengthPoint.rawValue, range(variant.range)),
                        ])
                    }
                )
            ),
        ])
    }
}

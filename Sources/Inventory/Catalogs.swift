public import Fitting
import Foundation
public import Postgres

/// What a catalog import did (or, for a dry run, would do).
public struct ImportSummary: Codable, Sendable, Hashable {
    /// The product lines in the file.
    public var lines: [String]
    /// How many sizes their charts have in all.
    public var sizes: Int
    /// Articles new to the database.
    public var articlesAdded: Int
    /// Articles already known whose details were updated (or confirmed unchanged).
    public var articlesUpdated: Int
    /// Articles of these lines missing from the file, now inactive (never deleted).
    public var articlesDeactivated: Int
    /// Whether this exact file (and articles file) had been imported before: nothing was changed.
    public var alreadyImported: Bool
    /// Whether this was a dry run: everything was checked, nothing was kept.
    public var dryRun: Bool
}

/// Catalogs in the database: importing files, listing lines, and loading charts for the fit engine.
///
/// ```swift
/// let catalogs = Catalogs(connection: connection)
/// let summary = try catalogs.importCatalog(json: bytes, fileName: "northwind.json", articles: csv, articlesFileName: "a.csv")
/// let lines = try catalogs.productLines()
/// ```
public struct Catalogs: Sendable {
    /// The connection every call uses.
    public let connection: Connection

    /// Catalog operations on `connection`.
    public init(connection: Connection) {
        self.connection = connection
    }

    /// Validates the whole catalog (and articles) first, then stores everything in one transaction:
    /// lines and charts upserted, articles loaded with COPY and merged, articles that disappeared
    /// deactivated. Importing the same files again changes nothing and says so.
    public func importCatalog(
        json: [UInt8],
        fileName: String,
        articles: String?,
        articlesFileName: String?,
        dryRun: Bool = false,
        progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) throws -> ImportSummary {
        let catalog: Catalog
        do {
            catalog = try CatalogDecoder().decode(json)
        } catch {
            throw InventoryError(
                .badInput,
                "catalog \(fileName): \(error.issues[0])",
                details: error.issues.dropFirst().map(\.description)
            )
        }
        var decodedArticles: [Article] = []
        if let articles {
            do {
                decodedArticles = try ArticleDecoder(lines: catalog.lines).decode(articles)
            } catch {
                throw InventoryError(
                    .badInput,
                    "articles \(articlesFileName ?? "file"): \(error.issues[0])",
                    details: error.issues.dropFirst().map(\.description)
                )
            }
        }
        let articleBytes = articles.map { Array($0.utf8) }
        struct DryRun: Error { let summary: ImportSummary }
        do {
            return try connection.transaction { tx in
                // One catalog import at a time.
                try tx.query("SELECT pg_advisory_xact_lock(\(Int64(0x6366_6974_696D_7074)))")
                let catalogHash = try Self.sha256(json, on: tx)
                let articlesHash = try articleBytes.map { try Self.sha256($0, on: tx) }
                var summary = ImportSummary(
                    lines: catalog.lines.map(\.id),
                    sizes: catalog.lines.reduce(0) { $0 + $1.sizes.count },
                    articlesAdded: 0,
                    articlesUpdated: 0,
                    articlesDeactivated: 0,
                    alreadyImported: false,
                    dryRun: dryRun
                )
                let seenCatalog =
                    try tx.query("SELECT 1 FROM import_batch WHERE kind = 'catalog' AND sha256 = \(catalogHash)").count
                    > 0
                let seenArticles =
                    try articlesHash.map {
                        try tx.query("SELECT 1 FROM import_batch WHERE kind = 'articles' AND sha256 = \($0)").count > 0
                    } ?? true
                if seenCatalog && seenArticles {
                    summary.alreadyImported = true
                    return summary
                }
                // Steps: each line stored, then the articles.
                let steps = catalog.lines.count + 1
                try store(catalog, on: tx) { progress($0, steps) }
                if let articles = articles, !decodedArticles.isEmpty || !articles.isEmpty {
                    let counts = try merge(decodedArticles, lines: catalog.lines.map(\.id), on: tx)
                    summary.articlesAdded = counts.added
                    summary.articlesUpdated = counts.updated
                    summary.articlesDeactivated = counts.deactivated
                }
                progress(steps, steps)
                if !seenCatalog {
                    try tx.execute(
                        """
                        INSERT INTO import_batch (kind, file_name, sha256, rows, summary)
                        VALUES ('catalog', \(fileName), \(catalogHash), \(catalog.lines.count), \("\(summary.lines.count) lines, \(summary.sizes) sizes"))
                        """
                    )
                }
                if let articlesHash, !seenArticles {
                    try tx.execute(
                        """
                        INSERT INTO import_batch (kind, file_name, sha256, rows, summary)
                        VALUES ('articles', \(articlesFileName ?? "articles"), \(articlesHash), \(decodedArticles.count),
                                \("\(summary.articlesAdded) added, \(summary.articlesUpdated) updated, \(summary.articlesDeactivated) deactivated"))
                        """
                    )
                }
                if dryRun { throw DryRun(summary: summary) }
                return summary
            }
        } catch let dry as DryRun {
            return dry.summary
        }
    }

    static func sha256(_ bytes: [UInt8], on connection: Connection) throws -> String {
        try connection.query("SELECT encode(sha256(\(ByteA(bytes))), 'hex') AS h")[0].decode(String.self, "h")
    }

    private func store(_ catalog: Catalog, on tx: Connection, stored: (Int) -> Void) throws {
        let manufacturer = try tx.query(
            """
            INSERT INTO manufacturer (name) VALUES (\(catalog.manufacturer))
            ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id
            """
        )[0].decode(Int64.self, "id")
        var storedLines = 1
        for line in catalog.lines {
            let owner = try tx.query(
                "SELECT m.name FROM product_line l JOIN manufacturer m ON m.id = l.manufacturer_id WHERE l.id = \(line.id)"
            )
            if owner.count > 0, try owner[0].decode(String.self, "name") != catalog.manufacturer {
                throw InventoryError(
                    .badInput,
                    "line \"\(line.id)\", key \"id\": expected an id unique across all manufacturers, found it already used by \(try owner[0].decode(String.self, "name"))"
                )
            }
            try tx.execute(
                """
                INSERT INTO product_line (id, manufacturer_id, name, standard, classes, styles, unit)
                VALUES (\(line.id), \(manufacturer), \(line.name), \(line.standard.rawValue),
                        string_to_array(\(line.classes.map(\.label).joined(separator: "\u{1F}")), chr(31)),
                        string_to_array(\(line.styles.map(\.rawValue).joined(separator: "\u{1F}")), chr(31)), \(line.unit.rawValue))
                ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, standard = EXCLUDED.standard, classes = EXCLUDED.classes,
                    styles = EXCLUDED.styles, unit = EXCLUDED.unit, updated_at = now()
                """
            )
            try tx.execute("DELETE FROM chart_size WHERE line_id = \(line.id)")
            try tx.execute("DELETE FROM length_variant WHERE line_id = \(line.id)")
            try tx.copy(
                into: "chart_size",
                columns: ["line_id", "name", "position"],
                rows: line.sizes.enumerated().map { [line.id, $0.element.name, String($0.offset)] }
            )
            var ranges: [[String?]] = []
            for size in line.sizes {
                for point in size.points {
                    let range = size.range(for: point)!
                    ranges.append([
                        line.id, size.name, point.rawValue, String(range.lower.micrometres),
                        String(range.upper.micrometres),
                    ])
                }
            }
            try tx.copy(
                into: "chart_range", columns: ["line_id", "size_name", "point", "lower_um", "upper_um"], rows: ranges)
            try tx.copy(
                into: "length_variant",
                columns: ["line_id", "style", "name", "position", "lower_um", "upper_um"],
                rows: line.lengths.enumerated().map {
                    [
                        line.id, $0.element.style.rawValue, $0.element.name, String($0.offset),
                        String($0.element.range.lower.micrometres), String($0.element.range.upper.micrometres),
                    ]
                }
            )
            stored(storedLines)
            storedLines += 1
        }
    }

    private func merge(_ articles: [Article], lines: [String], on tx: Connection) throws
        -> (added: Int, updated: Int, deactivated: Int)
    {
        try tx.executeScript(
            """
            CREATE TEMP TABLE article_import (
                sku text, gtin text, line_id text, style text, class_label text, size_name text,
                length_name text, toe text, color text, hcpcs text
            ) ON COMMIT DROP
            """
        )
        try tx.copy(
            into: "article_import",
            columns: [
                "sku", "gtin", "line_id", "style", "class_label", "size_name", "length_name", "toe", "color", "hcpcs",
            ],
            rows: articles.map {
                [
                    $0.sku, $0.gtin.digits, $0.line, $0.style.rawValue, $0.pressureClass.label, $0.size, $0.length,
                    $0.toe.rawValue, $0.color, $0.hcpcs,
                ]
            }
        )
        let added = try tx.query(
            "SELECT count(*) AS n FROM article_import i WHERE NOT EXISTS (SELECT 1 FROM article a WHERE a.sku = i.sku)")[
                0
            ]
            .decode(Int.self, "n")
        do {
            try tx.execute(
                """
                INSERT INTO article (sku, gtin, line_id, style, class_label, size_name, length_name, toe, color, hcpcs, active)
                SELECT sku, gtin, line_id, style, class_label, size_name, length_name, toe, color, hcpcs, true FROM article_import
                ON CONFLICT (sku) DO UPDATE SET gtin = EXCLUDED.gtin, line_id = EXCLUDED.line_id, style = EXCLUDED.style,
                    class_label = EXCLUDED.class_label, size_name = EXCLUDED.size_name, length_name = EXCLUDED.length_name,
                    toe = EXCLUDED.toe, color = EXCLUDED.color, hcpcs = EXCLUDED.hcpcs, active = true, updated_at = now()
                """
            )
        } catch {
            guard error.sqlState == .uniqueViolation else { throw error }
            throw InventoryError(
                .badInput,
                "articles: expected GTINs not used by other SKUs, found a GTIN already in the database (\(error.detail ?? error.message))"
            )
        }
        let deactivated = try tx.execute(
            """
            UPDATE article SET active = false, updated_at = now()
            WHERE active AND line_id = ANY(string_to_array(\(lines.joined(separator: "\u{1F}")), chr(31)))
              AND sku NOT IN (SELECT sku FROM article_import)
            """
        )
        return (added, articles.count - added, deactivated)
    }

    /// Every product line in the database, ready for the fit engine, in id order.
    public func productLines() throws -> [ProductLine] {
        let lineRows = try connection.query(
            """
            SELECT l.id, l.name, m.name AS manufacturer, l.standard, array_to_string(l.classes, chr(31)) AS classes,
                   array_to_string(l.styles, chr(31)) AS styles, l.unit
            FROM product_line l JOIN manufacturer m ON m.id = l.manufacturer_id ORDER BY l.id
            """
        )
        var ranges: [String: [String: [MeasurementPoint: MeasureRange]]] = [:]
        for row in try connection.query("SELECT line_id, size_name, point, lower_um, upper_um FROM chart_range") {
            guard let point = MeasurementPoint(rawValue: try row.decode(String.self, "point")) else { continue }
            ranges[try row.decode(String.self, "line_id"), default: [:]][
                try row.decode(String.self, "size_name"), default: [:]][point] =
                MeasureRange(
                    lower: Length(micrometres: try row.decode(Int64.self, "lower_um")),
                    upper: Length(micrometres: try row.decode(Int64.self, "upper_um"))
                )
        }
        var sizes: [String: [ChartSize]] = [:]
        for row in try connection.query("SELECT line_id, name FROM chart_size ORDER BY line_id, position") {
            let line = try row.decode(String.self, "line_id")
            let name = try row.decode(String.self, "name")
            sizes[line, default: []].append(ChartSize(name: name, ranges: ranges[line]?[name] ?? [:]))
        }
        var lengths: [String: [LengthVariant]] = [:]
        for row in try connection.query(
            "SELECT line_id, style, name, lower_um, upper_um FROM length_variant ORDER BY line_id, position")
        {
            guard let style = Style(rawValue: try row.decode(String.self, "style")) else { continue }
            lengths[try row.decode(String.self, "line_id"), default: []].append(
                LengthVariant(
                    style: style,
                    name: try row.decode(String.self, "name"),
                    range: MeasureRange(
                        lower: Length(micrometres: try row.decode(Int64.self, "lower_um")),
                        upper: Length(micrometres: try row.decode(Int64.self, "upper_um"))
                    )
                )
            )
        }
        return try lineRows.map { row in
            let id = try row.decode(String.self, "id")
            guard let standard = PressureStandard(rawValue: try row.decode(String.self, "standard")),
                let unit = LengthUnit(rawValue: try row.decode(String.self, "unit"))
            else { throw InventoryError(.badInput, "database: line \(id) has an unknown standard or unit") }
            return ProductLine(
                id: id,
                name: try row.decode(String.self, "name"),
                manufacturer: try row.decode(String.self, "manufacturer"),
                standard: standard,
                classes: try row.decode(String.self, "classes").split(separator: "\u{1F}").compactMap {
                    standard.pressureClass($0)
                },
                styles: try row.decode(String.self, "styles").split(separator: "\u{1F}").compactMap {
                    Style(rawValue: String($0))
                },
                unit: unit,
                sizes: sizes[id] ?? [],
                lengths: lengths[id] ?? []
            )
        }
    }
}

public import Fitting
import Foundation
public import Postgres

/// Units on hand of an article that an import deactivates: stock that can no longer be offered
/// through the catalog, which someone should look at.
public struct DeactivatedStock: Codable, Sendable, Hashable {
    /// The article.
    public var sku: String
    /// The location's code.
    public var location: String
    /// The lot's code, if any.
    public var lot: String?
    /// Units on hand there.
    public var onHand: Int
}

/// What a catalog import did (or, for a dry run, would do), compared with what the database held.
public struct ImportSummary: Codable, Sendable, Hashable {
    /// The product lines in the file.
    public var lines: [String]
    /// How many sizes their charts have in all.
    public var sizes: Int
    /// Each difference between the database's charts and the file's, `line: change`.
    public var chartChanges: [String]
    /// Articles new to the database.
    public var articlesAdded: Int
    /// Articles already known whose details differ in the file (updated).
    public var articlesChanged: Int
    /// Articles of these lines missing from the articles file, now inactive (never deleted).
    public var articlesDeactivated: Int
    /// The SKUs added, changed and deactivated, each list in SKU order.
    public var added: [String]
    /// The SKUs whose details changed.
    public var changed: [String]
    /// The SKUs deactivated.
    public var deactivated: [String]
    /// Units on hand of the deactivated articles.
    public var deactivatedOnHand: [DeactivatedStock]
    /// Whether the database already held exactly this content: nothing was changed.
    public var unchanged: Bool
    /// Whether this was a dry run: everything was checked and compared, nothing was kept.
    public var dryRun: Bool
}

/// Catalogs in the database: importing files, listing lines, and loading charts for the fit engine.
///
/// ```swift
/// let catalogs = Catalogs(connection: connection)
/// let summary = try catalogs.importCatalog(json: bytes, fileName: "northwind.json", articles: csvBytes, articlesFileName: "a.csv")
/// let lines = try catalogs.productLines()
/// ```
public struct Catalogs: Sendable {
    /// The connection every call uses.
    public let connection: Connection

    /// Catalog operations on `connection`.
    public init(connection: Connection) {
        self.connection = connection
    }

    /// Imports a catalog and, when given, its articles held in memory: see
    /// ``importCatalog(json:fileName:articlesInput:dryRun:progress:)``.
    public func importCatalog(
        json: [UInt8],
        fileName: String,
        articles: [UInt8]?,
        articlesFileName: String?,
        dryRun: Bool = false,
        key: String? = nil,
        progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) throws -> ImportSummary {
        try importCatalog(
            json: json, fileName: fileName,
            articlesInput: articles.map { .bytes($0, name: articlesFileName ?? "file") },
            dryRun: dryRun, key: key,
            request: key.map { _ in
                "[\"catalog.import\", \"\(FileDigest.hex(json))\", \"\(articles.map(FileDigest.hex) ?? "")\", \(dryRun)]"
            }, progress: progress)
    }

    /// Checks the whole catalog first, then compares it with what the database holds and applies
    /// the differences in one transaction: changed lines and charts replaced, articles checked row
    /// by row as they are read and sent with COPY, then merged; articles missing from the articles
    /// file deactivated. Any problem in the articles file ends the transaction with every issue
    /// found, so nothing is kept. A file whose content the database already holds changes nothing
    /// and says so, whatever was imported in between; a dry run reports the same comparison and
    /// keeps nothing. With an idempotency `key` (and the `request` it was given for), the same key
    /// repeats the first import's answer and a key used for other files is refused.
    public func importCatalog(
        json: [UInt8],
        fileName: String,
        articlesInput: ArticlesInput?,
        dryRun: Bool = false,
        key: String? = nil,
        request: String? = nil,
        progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) throws -> ImportSummary {
        let catalog: Catalog
        do {
            catalog = try CatalogDecoder().decode(json)
        } catch {
            throw InventoryError(
                .badData, field: nil, text: "catalog \(fileName): \(error.issues[0])",
                details: error.issues.dropFirst().map(\.description)
            )
        }
        struct DryRun: Error { let summary: ImportSummary }
        do {
            return try connection.transaction { tx in
                // One catalog import at a time.
                try tx.query("SELECT pg_advisory_xact_lock(\(Int64(0x6366_6974_696D_7074)))")
                // A client killed during a long statement (a COPY, the merge) is noticed within a
                // second and its transaction ended, rather than running on and holding the lock.
                // (PostgreSQL 14 and later; older servers go on without it.)
                try tx.query(
                    """
                    SELECT set_config('client_connection_check_interval', '1s', true)
                    WHERE current_setting('server_version_num')::int >= 140000
                    """)
                if let key {
                    let claimed = try tx.query("SELECT cfit_import_key(\(key), \(request ?? key), NULL)::text AS r")[0]
                    if let answer = try claimed.decode(String?.self, "r"), answer != "null" {
                        // The first import's answer, as it was stored.
                        return try JSONDecoder().decode(ImportSummary.self, from: Data(answer.utf8))
                    }
                }
                let summary = try apply(
                    catalog, fileName: fileName, json: json, articlesInput, dryRun: dryRun, on: tx, progress)
                if dryRun { throw DryRun(summary: summary) }
                if let key {
                    let encoded = String(decoding: try JSONEncoder().encode(summary), as: UTF8.self)
                    try tx.query("SELECT cfit_import_key(\(key), NULL, \(encoded)::jsonb)")
                }
                return summary
            }
        } catch let dry as DryRun {
            return dry.summary
        }
    }

    /// The differences between `catalog` (and its articles) and the database, applied in `tx`.
    private func apply(
        _ catalog: Catalog, fileName: String, json: [UInt8], _ articlesInput: ArticlesInput?, dryRun: Bool,
        on tx: Connection, _ progress: (_ done: Int, _ total: Int) -> Void
    ) throws -> ImportSummary {
        let stored = try Self.productLines(ids: catalog.lines.map(\.id), on: tx)
        var changedLines: [ProductLine] = []
        var chartChanges: [String] = []
        for line in catalog.lines {
            let changes = ChartDifference.between(
                stored.first { $0.id == line.id }, and: line)
            if !changes.isEmpty {
                changedLines.append(line)
                chartChanges += changes.map { "\(line.id): \($0)" }
            }
        }
        var summary = ImportSummary(
            lines: catalog.lines.map(\.id),
            sizes: catalog.lines.reduce(0) { $0 + $1.sizes.count },
            chartChanges: chartChanges,
            articlesAdded: 0, articlesChanged: 0, articlesDeactivated: 0,
            added: [], changed: [], deactivated: [], deactivatedOnHand: [],
            unchanged: false,
            dryRun: dryRun
        )
        // Steps: each changed line stored, then the articles.
        let steps = changedLines.count + 1
        try store(changedLines, manufacturer: catalog.manufacturer, on: tx) { progress($0, steps) }
        var articlesRead: (rows: Int, digest: String)?
        if let articlesInput {
            articlesRead = try merge(
                articlesInput, decoder: ArticleDecoder(lines: catalog.lines), lines: catalog.lines.map(\.id),
                into: &summary, on: tx)
        }
        progress(steps, steps)
        summary.unchanged =
            chartChanges.isEmpty && summary.added.isEmpty && summary.changed.isEmpty
            && summary.deactivated.isEmpty
        if summary.unchanged { return summary }
        if !changedLines.isEmpty {
            try tx.execute(
                """
                INSERT INTO import_batch (kind, file_name, sha256, rows, summary)
                VALUES ('catalog', \(fileName), \(FileDigest.hex(json)), \(catalog.lines.count),
                        \("\(changedLines.count) of \(catalog.lines.count) lines changed, \(chartChanges.count) differences"))
                """
            )
        }
        if let articlesInput, let articlesRead,
            !(summary.added.isEmpty && summary.changed.isEmpty && summary.deactivated.isEmpty)
        {
            try tx.execute(
                """
                INSERT INTO import_batch (kind, file_name, sha256, rows, summary)
                VALUES ('articles', \(articlesInput.name), \(articlesRead.digest), \(articlesRead.rows),
                        \("\(summary.articlesAdded) added, \(summary.articlesChanged) changed, \(summary.articlesDeactivated) deactivated"))
                """
            )
        }
        return summary
    }

    private func store(_ lines: [ProductLine], manufacturer name: String, on tx: Connection, stored: (Int) -> Void)
        throws
    {
        guard !lines.isEmpty else { return }
        let manufacturer = try tx.query(
            """
            INSERT INTO manufacturer (name) VALUES (\(name))
            ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id
            """
        )[0].decode(Int64.self, "id")
        var storedLines = 1
        for line in lines {
            let owner = try tx.query(
                "SELECT m.name FROM product_line l JOIN manufacturer m ON m.id = l.manufacturer_id WHERE l.id = \(line.id)"
            )
            if owner.count > 0, try owner[0].decode(String.self, "name") != name {
                throw InventoryError(
                    .badData, field: nil,
                    text:
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

    /// The columns of `article` an articles file fills, in ``ArticlePass``'s order.
    private static let articleColumns = [
        "sku", "gtin", "line_id", "style", "class_label", "size_name", "length_name", "toe", "color", "hcpcs",
    ]

    /// The first import of lines that hold no articles yet: the rows go straight into `article`
    /// by COPY as they are read and checked (the table's own constraints check them too), with no
    /// staging table and no merge. Returns `nil`, having changed nothing, when the lines already
    /// hold articles or when a SKU or GTIN of the file is already used by another line (then the
    /// merge handles or refuses it).
    private func loadedDirectly(
        _ input: ArticlesInput, decoder: ArticleDecoder, lines: [String], into summary: inout ImportSummary,
        on tx: Connection
    ) throws -> (rows: Int, digest: String)? {
        let lineList = lines.joined(separator: "\u{1F}")
        let held = try tx.query(
            "SELECT EXISTS (SELECT 1 FROM article WHERE line_id = ANY(string_to_array(\(lineList), chr(31)))) AS held"
        )[0].decode(Bool.self, "held")
        guard !held else { return nil }
        try tx.execute("SAVEPOINT article_copy")
        // `article`'s unique SKU and GTIN refuse a duplicate here; the merge then reads the file
        // again, checking duplicates itself so that it can name their rows.
        let pass = try ArticlePass(input, decoder: decoder, checkingDuplicates: false)
        do {
            try tx.copy(into: "article", columns: Self.articleColumns, rows: pass)
        } catch let error as PostgresError where error.sqlState == .uniqueViolation {
            try tx.execute("ROLLBACK TO SAVEPOINT article_copy")
            return nil
        }
        if pass.failed {
            // Every issue of the file, duplicates included, named by a pass that looks for them.
            let full = try ArticlePass(input, decoder: decoder)
            while full.next() != nil {}
            try full.finish()
            try pass.finish()
        }
        try tx.execute("RELEASE SAVEPOINT article_copy")
        if pass.rows > 0 {
            // The table may have grown many times over: plans made from its old statistics would be wrong.
            try tx.execute("ANALYZE article")
        }
        summary.added = pass.sortedSKUs()
        summary.articlesAdded = summary.added.count
        return (pass.rows, pass.digest)
    }

    /// Loads the articles of `input` into a temporary table with COPY, checking each row as it is
    /// read, compares them with the database's articles of `lines`, and applies the differences,
    /// filling in `summary`. Returns the file's row count and digest.
    private func merge(
        _ input: ArticlesInput, decoder: ArticleDecoder, lines: [String], into summary: inout ImportSummary,
        on tx: Connection
    ) throws -> (rows: Int, digest: String) {
        if let loaded = try loadedDirectly(input, decoder: decoder, lines: lines, into: &summary, on: tx) {
            return loaded
        }
        try tx.executeScript(
            """
            CREATE TEMP TABLE article_import (
                sku text, gtin text, line_id text, style text, class_label text, size_name text,
                length_name text, toe text, color text, hcpcs text
            ) ON COMMIT DROP
            """
        )
        let pass = try ArticlePass(input, decoder: decoder)
        try tx.copy(into: "article_import", columns: Self.articleColumns, rows: pass)
        try pass.finish()
        let read = (pass.rows, pass.digest)
        // The planner knows nothing of a fresh temporary table (autovacuum never analyzes one), and
        // `article`'s own statistics may predate a large first import: with either missing it chose
        // a nested loop for the comparison below, 200 000 × 200 000 rows, and an update of a large
        // catalog ran for minutes. An index on the staged SKUs keeps every plan a lookup per row.
        try tx.executeScript("CREATE INDEX ON article_import (sku); ANALYZE article_import")
        let lineList = lines.joined(separator: "\u{1F}")
        for row in try tx.query(
            """
            SELECT i.sku, CASE WHEN a.sku IS NULL THEN 'added' ELSE 'changed' END AS change
            FROM article_import i LEFT JOIN article a ON a.sku = i.sku
            WHERE a.sku IS NULL OR NOT a.active
               OR (a.gtin, a.line_id, a.style, a.class_label, a.size_name, a.length_name, a.toe, a.color, a.hcpcs)
                  IS DISTINCT FROM (i.gtin, i.line_id, i.style, i.class_label, i.size_name, i.length_name, i.toe, i.color, i.hcpcs)
            UNION ALL
            SELECT a.sku, 'deactivated' FROM article a
            WHERE a.active AND a.line_id = ANY(string_to_array(\(lineList), chr(31)))
              AND NOT EXISTS (SELECT 1 FROM article_import i WHERE i.sku = a.sku)
            ORDER BY 1
            """
        ) {
            let sku = try row.decode(String.self, "sku")
            switch try row.decode(String.self, "change") {
            case "added": summary.added.append(sku)
            case "changed": summary.changed.append(sku)
            default: summary.deactivated.append(sku)
            }
        }
        summary.articlesAdded = summary.added.count
        summary.articlesChanged = summary.changed.count
        summary.articlesDeactivated = summary.deactivated.count
        guard !(summary.added.isEmpty && summary.changed.isEmpty && summary.deactivated.isEmpty) else { return read }
        do {
            try tx.execute(
                """
                INSERT INTO article (sku, gtin, line_id, style, class_label, size_name, length_name, toe, color, hcpcs, active)
                SELECT sku, gtin, line_id, style, class_label, size_name, length_name, toe, color, hcpcs, true FROM article_import
                ON CONFLICT (sku) DO UPDATE SET gtin = EXCLUDED.gtin, line_id = EXCLUDED.line_id, style = EXCLUDED.style,
                    class_label = EXCLUDED.class_label, size_name = EXCLUDED.size_name, length_name = EXCLUDED.length_name,
                    toe = EXCLUDED.toe, color = EXCLUDED.color, hcpcs = EXCLUDED.hcpcs, active = true, updated_at = now()
                WHERE (article.gtin, article.line_id, article.style, article.class_label, article.size_name, article.length_name,
                       article.toe, article.color, article.hcpcs, article.active)
                      IS DISTINCT FROM (EXCLUDED.gtin, EXCLUDED.line_id, EXCLUDED.style, EXCLUDED.class_label, EXCLUDED.size_name,
                       EXCLUDED.length_name, EXCLUDED.toe, EXCLUDED.color, EXCLUDED.hcpcs, true)
                """
            )
        } catch {
            guard error.sqlState == .uniqueViolation else { throw error }
            throw InventoryError(
                .badData, field: nil,
                text:
                    "articles: expected GTINs not used by other SKUs, found a GTIN already in the database (\(error.detail ?? error.message))"
            )
        }
        if summary.deactivated.isEmpty { return read }
        let deactivatedList = summary.deactivated.joined(separator: "\u{1F}")
        try tx.execute(
            """
            UPDATE article SET active = false, updated_at = now()
            WHERE sku = ANY(string_to_array(\(deactivatedList), chr(31)))
            """
        )
        summary.deactivatedOnHand = try tx.query(
            """
            SELECT b.sku, loc.code AS location, l.code AS lot, b.on_hand
            FROM stock_balance b JOIN location loc ON loc.id = b.location_id LEFT JOIN lot l ON l.id = b.lot_id
            WHERE b.on_hand > 0 AND b.sku = ANY(string_to_array(\(deactivatedList), chr(31)))
            ORDER BY b.sku, loc.code, l.code
            """
        ).map {
            DeactivatedStock(
                sku: try $0.decode(String.self, "sku"), location: try $0.decode(String.self, "location"),
                lot: try $0.decode(String?.self, "lot"), onHand: try $0.decode(Int.self, "on_hand"))
        }
        return read
    }

    /// Every product line in the database, ready for the fit engine, in id order.
    public func productLines() throws -> [ProductLine] {
        try Self.productLines(ids: nil, on: connection)
    }

    /// The product lines with `ids` (every line when `nil`), in id order.
    static func productLines(ids: [String]?, on connection: Connection) throws -> [ProductLine] {
        let only = ids?.joined(separator: "\u{1F}")
        let filter: PostgresQuery =
            "\(only)::text IS NULL OR line_id = ANY(string_to_array(\(only), chr(31)))"
        // Four reads in one round trip.
        let results = try connection.pipeline([
            """
            SELECT l.id, l.name, m.name AS manufacturer, l.standard, array_to_string(l.classes, chr(31)) AS classes,
                   array_to_string(l.styles, chr(31)) AS styles, l.unit
            FROM product_line l JOIN manufacturer m ON m.id = l.manufacturer_id
            WHERE \(only)::text IS NULL OR l.id = ANY(string_to_array(\(only), chr(31))) ORDER BY l.id
            """,
            PostgresQuery(
                sql: "SELECT line_id, size_name, point, lower_um, upper_um FROM chart_range WHERE " + filter.sql,
                binds: filter.binds),
            PostgresQuery(
                sql: "SELECT line_id, name FROM chart_size WHERE " + filter.sql + " ORDER BY line_id, position",
                binds: filter.binds),
            PostgresQuery(
                sql: "SELECT line_id, style, name, lower_um, upper_um FROM length_variant WHERE " + filter.sql
                    + " ORDER BY line_id, position",
                binds: filter.binds),
        ])
        let lineRows = results[0]
        var ranges: [String: [String: [MeasurementPoint: MeasureRange]]] = [:]
        for row in results[1] {
            guard let point = MeasurementPoint(rawValue: try row.decode(String.self, "point")) else { continue }
            ranges[try row.decode(String.self, "line_id"), default: [:]][
                try row.decode(String.self, "size_name"), default: [:]][point] =
                MeasureRange(
                    lower: Length(micrometres: try row.decode(Int64.self, "lower_um")),
                    upper: Length(micrometres: try row.decode(Int64.self, "upper_um"))
                )
        }
        var sizes: [String: [ChartSize]] = [:]
        for row in results[2] {
            let line = try row.decode(String.self, "line_id")
            let name = try row.decode(String.self, "name")
            sizes[line, default: []].append(ChartSize(name: name, ranges: ranges[line]?[name] ?? [:]))
        }
        var lengths: [String: [LengthVariant]] = [:]
        for row in results[3] {
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
            else {
                throw InventoryError(.badData, field: nil, text: "database: line \(id) has an unknown standard or unit")
            }
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

/// One pass over an articles input for COPY: blocks read in turn, each row checked as it comes
/// and, while the file has shown no problem, handed on as the row of `article`'s columns. The first
/// problem — or, at the end, every issue of the rows — is kept for ``finish()``, so the COPY ends
/// and the caller's transaction is ended with it. Only each SKU and GTIN seen is kept.
private final class ArticlePass: Sequence, IteratorProtocol {
    private var stream: CSVReader.Stream
    private var checker: ArticleDecoder.RowChecker
    private let name: String
    private let digester: Digester
    private var headerRead = false
    private var failure: InventoryError?
    /// How many rows of articles were read.
    private(set) var rows = 0

    /// The SHA-256 of the bytes read so far, updated block by block.
    private final class Digester {
        var hash = FileDigest()
    }

    init(_ input: ArticlesInput, decoder: ArticleDecoder, checkingDuplicates: Bool = true) throws {
        let read = try input.open()
        let digester = Digester()
        self.digester = digester
        self.name = input.name
        self.checker = ArticleDecoder.RowChecker(decoder, checkingDuplicates: checkingDuplicates)
        self.stream = CSVReader.Stream {
            let block = try read()
            if let block { digester.hash.update(block) }
            return block
        }
    }

    /// Each good row's SKU, sorted.
    func sortedSKUs() -> [String] { checker.sortedSKUs() }

    /// The digest of the whole file (once read to its end).
    var digest: String { digester.hash.finalHex() }

    func next() -> [String?]? {
        guard failure == nil else { return nil }
        do throws(CSVReader.Stream.Failure) {
            while let row = try stream.next() {
                if !headerRead {
                    do {
                        try checker.header(row)
                    } catch {
                        failure = problem(error.issues)
                        return nil
                    }
                    headerRead = true
                    continue
                }
                rows += 1
                if let article = checker.check(row), checker.issues.isEmpty {
                    return [
                        article.sku, article.gtin.digits, article.line, article.style.rawValue,
                        article.pressureClass.label, article.size, article.length, article.toe.rawValue,
                        article.color, article.hcpcs,
                    ]
                }
            }
        } catch {
            switch error {
            case .syntax(let syntax):
                failure = problem([ArticleDecoder.issue(syntax)])
            case .encoding(let invalid):
                failure = InventoryError(.badData, field: nil, text: "articles \(name): \(invalid)")
            case .read(let read):
                failure =
                    read as? InventoryError
                    ?? InventoryError(.unreadable, field: nil, text: "articles \(name): \(read)")
            }
            return nil
        }
        if !headerRead {
            failure = problem([ArticleDecoder.emptyFile])
        } else if !checker.issues.isEmpty {
            failure = problem(checker.issues)
        }
        return nil
    }

    /// Whether the pass found a problem with the file.
    var failed: Bool { failure != nil }

    /// Throws the file's problem, if the pass found one.
    func finish() throws {
        if let failure { throw failure }
    }

    private func problem(_ issues: [ArticleIssue]) -> InventoryError {
        InventoryError(
            .badData, field: nil, text: "articles \(name): \(issues[0])", details: issues.dropFirst().map(\.description)
        )
    }
}

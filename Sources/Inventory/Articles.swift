public import Postgres

/// A sellable variant from the catalog: what it is, and (for one article) where it is in stock.
public struct ArticleRecord: Codable, Sendable, Hashable {
    /// The article.
    public var sku: String
    /// Its GTIN, as printed.
    public var gtin: String
    /// The product line.
    public var line: String
    /// The line's name with its manufacturer.
    public var lineName: String
    /// The style.
    public var style: String
    /// The class, `STANDARD:LABEL`.
    public var pressureClass: String
    /// The size.
    public var size: String
    /// The length variant.
    public var length: String
    /// Open or closed toe.
    public var toe: String
    /// The colour.
    public var color: String
    /// The HCPCS code, if any.
    public var hcpcs: String?
    /// Whether it is still in the catalog.
    public var active: Bool
    /// Its balances everywhere (only for ``Articles/show(_:)``).
    public var stock: [BalanceRecord]?
}

/// The catalog's articles, as the counter looks them up (by SKU, GTIN or a scanned code's GTIN).
///
/// ```swift
/// let article = try Articles(connection: c).show("04012345678901")
/// let knee = try Articles(connection: c).list(line: "northwind-classic", style: "AD")
/// ```
public struct Articles: Sendable {
    /// The connection every call uses.
    public let connection: Connection

    /// Article look-ups on `connection`.
    public init(connection: Connection) {
        self.connection = connection
    }

    /// The article `code` (SKU or GTIN) with its stock everywhere.
    public func show(_ code: String) throws -> ArticleRecord {
        // The article and its balances in one round trip.
        let results = try connection.pipeline(
            [
                """
                SELECT a.sku, a.gtin, a.line_id, m.name || ' ' || l.name AS line_name, a.style,
                       l.standard || ':' || a.class_label AS class_code,
                       a.size_name, a.length_name, a.toe, a.color, a.hcpcs, a.active
                FROM article a JOIN product_line l ON l.id = a.line_id JOIN manufacturer m ON m.id = l.manufacturer_id
                WHERE a.sku = cfit_find_article(\(code))
                """
            ] + Stock.balanceQueries(sku: code, location: nil, today: .today()))
        guard results[0].count > 0 else {
            throw InventoryError.unknown("sku", "a known SKU or GTIN", code)
        }
        var article = try Self.record(results[0][0])
        article.stock = try Stock.balanceRecords(results[1...], sku: code, location: nil)
        return article
    }

    /// Articles, optionally only of a line, style, class (`2` or `RAL:2`) or size, by SKU.
    public func list(
        line: String? = nil, style: String? = nil, pressureClass: String? = nil, size: String? = nil
    ) throws -> [ArticleRecord] {
        try list(sku: nil, line: line, style: style, pressureClass: pressureClass, size: size)
    }

    /// Articles still in the catalog whose SKU, GTIN, line (and manufacturer) name, style, class,
    /// size, length, toe or colour contain every word of `text` (any case), by SKU; at most `limit`.
    /// A word of one or two characters — a size such as `M` or `II` — must be a whole word there
    /// (`II` is not `III`); a longer one may be part of one (`class` finds Classic). For the
    /// counter's search box: `"classic AD2 beige"`, `"prairie XL"`.
    public func search(_ text: String, limit: Int = 50) throws -> [ArticleRecord] {
        let words = text.split(whereSeparator: \.isWhitespace).map { String($0).lowercased() }
        guard !words.isEmpty else { return [] }
        return try connection.query(
            """
            SELECT * FROM (
                SELECT a.sku, a.gtin, a.line_id, m.name || ' ' || l.name AS line_name, a.style,
                       l.standard || ':' || a.class_label AS class_code,
                       a.size_name, a.length_name, a.toe, a.color, a.hcpcs, a.active,
                       lower(concat_ws(' ', a.sku, a.gtin, a.line_id, m.name, l.name, a.style,
                                       a.style || a.class_label, l.standard || ':' || a.class_label,
                                       a.size_name, a.length_name, a.toe, a.color)) AS haystack
                FROM article a JOIN product_line l ON l.id = a.line_id JOIN manufacturer m ON m.id = l.manufacturer_id
                WHERE a.active
            ) found
            WHERE NOT EXISTS (
                SELECT 1 FROM unnest(string_to_array(\(words.joined(separator: "\u{1F}")), chr(31))) w
                WHERE NOT (w = ANY (string_to_array(found.haystack, ' '))
                           OR (length(w) >= 3 AND strpos(found.haystack, w) > 0)))
            ORDER BY sku
            LIMIT \(Int64(limit))
            """
        ).map(Self.record)
    }

    private func list(
        sku: String?, line: String? = nil, style: String? = nil, pressureClass: String? = nil, size: String? = nil
    ) throws -> [ArticleRecord] {
        try connection.query(
            """
            SELECT a.sku, a.gtin, a.line_id, m.name || ' ' || l.name AS line_name, a.style, l.standard || ':' || a.class_label AS class_code,
                   a.size_name, a.length_name, a.toe, a.color, a.hcpcs, a.active
            FROM article a JOIN product_line l ON l.id = a.line_id JOIN manufacturer m ON m.id = l.manufacturer_id
            WHERE (\(sku)::text IS NULL OR a.sku = \(sku)) AND (\(line)::text IS NULL OR a.line_id = \(line))
              AND (\(style)::text IS NULL OR a.style = upper(\(style)))
              AND (\(pressureClass)::text IS NULL OR a.class_label = \(pressureClass) OR l.standard || ':' || a.class_label = \(pressureClass))
              AND (\(size)::text IS NULL OR a.size_name = \(size))
            ORDER BY a.sku
            """
        ).map(Self.record)
    }

    private static func record(_ row: Row) throws -> ArticleRecord {
        ArticleRecord(
            sku: try row.decode(String.self, "sku"), gtin: try row.decode(String.self, "gtin"),
            line: try row.decode(String.self, "line_id"), lineName: try row.decode(String.self, "line_name"),
            style: try row.decode(String.self, "style"), pressureClass: try row.decode(String.self, "class_code"),
            size: try row.decode(String.self, "size_name"), length: try row.decode(String.self, "length_name"),
            toe: try row.decode(String.self, "toe"), color: try row.decode(String.self, "color"),
            hcpcs: try row.decode(String?.self, "hcpcs"), active: try row.decode(Bool.self, "active"), stock: nil)
    }
}

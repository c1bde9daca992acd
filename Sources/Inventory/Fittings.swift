public import Fitting
import Foundation
public import Postgres

/// An article that matches a fitting result, with where it is in stock.
public struct ArticleStock: Codable, Sendable, Hashable {
    /// The article.
    public var sku: String
    /// Its GTIN.
    public var gtin: String
    /// Open or closed toe.
    public var toe: String
    /// The colour.
    public var color: String
    /// Available units (on hand − reserved; usable units only: no returned, expired, held or
    /// recalled ones) at the fitter's location.
    public var here: Int
    /// Available units at each other location that has some.
    public var elsewhere: [String: Int]
}

/// The fitter's side of the database: stock for a fitting result, and recording fittings.
///
/// ```swift
/// let matches = try Fittings(connection: c).articles(for: fit, location: "shop")
/// ```
public struct Fittings: Sendable {
    /// The connection every call uses.
    public let connection: Connection
    /// The shop's calendar day, against which lots' expiry is judged.
    public let today: CalendarDay

    /// Fitting operations on `connection`, judging expiry against `today` (default: today in
    /// the counter's time zone).
    public init(connection: Connection, today: CalendarDay = .today()) {
        self.connection = connection
        self.today = today
    }

    /// The active articles of a ready-made result (its line, style, class, size and length), with
    /// stock here and elsewhere; empty for made-to-measure.
    public func articles(for fit: LineFit, location: String) throws -> [ArticleStock] {
        try articles(for: [fit], location: location)[0]
    }

    /// The articles of each result, as ``articles(for:location:)`` gives them, all in one round trip.
    public func articles(for fits: [LineFit], location: String) throws -> [[ArticleStock]] {
        var queries: [PostgresQuery] = []
        var positions: [Int?] = []
        for fit in fits {
            guard let size = fit.size, let length = fit.length else {
                positions.append(nil)
                continue
            }
            positions.append(queries.count)
            queries.append(
                """
                SELECT a.sku, a.gtin, a.toe, a.color, loc.code AS location,
                       coalesce(sum(b.on_hand - b.reserved)
                           FILTER (WHERE unusable_reason(b.state, l.status, l.expires_on, \(today)) IS NULL), 0)::int8 AS available
                FROM article a
                LEFT JOIN stock_balance b ON b.sku = a.sku
                LEFT JOIN location loc ON loc.id = b.location_id
                LEFT JOIN lot l ON l.id = b.lot_id
                WHERE a.active AND a.line_id = \(fit.line.id) AND a.style = \(fit.style.rawValue)
                  AND a.class_label = \(fit.pressureClass.label) AND a.size_name = \(size) AND a.length_name = \(length)
                GROUP BY a.sku, a.gtin, a.toe, a.color, loc.code ORDER BY a.sku, loc.code
                """
            )
        }
        let results = try connection.pipeline(queries)
        return try positions.map { position in
            guard let position else { return [] }
            return try Self.stock(results[position], location: location)
        }
    }

    /// Folds rows of (article, location, available) into one entry per article.
    private static func stock(_ rows: QueryResult, location: String) throws -> [ArticleStock] {
        var result: [ArticleStock] = []
        for row in rows {
            let sku = try row.decode(String.self, "sku")
            if result.last?.sku != sku {
                result.append(
                    ArticleStock(
                        sku: sku,
                        gtin: try row.decode(String.self, "gtin"),
                        toe: try row.decode(String.self, "toe"),
                        color: try row.decode(String.self, "color"),
                        here: 0,
                        elsewhere: [:]
                    )
                )
            }
            guard let place = try row.decode(String?.self, "location") else { continue }
            let available = try row.decode(Int.self, "available")
            if place == location {
                result[result.count - 1].here = available
            } else if available > 0 {
                result[result.count - 1].elsewhere[place] = available
            }
        }
        return result
    }

    /// Stores a fitting (the legs' measurements and the engine's results as JSON) against
    /// prescription `rx`; the fitter recorded is the database user. Returns the fitting's id.
    public func record(
        rx: String,
        style: Style,
        pressureClass: String,
        unit: LengthUnit,
        measurements: String,
        result: String,
        key: String
    ) throws -> Int64 {
        let request = [rx, style.rawValue, pressureClass, unit.rawValue, measurements]
        return try Operations.call(
            connection,
            """
            SELECT cfit_record_fitting(\(key), \(Operations.fingerprint("fit.record", request)), \(rx), \(style.rawValue),
                                       \(pressureClass), \(unit.rawValue), \(measurements)::jsonb, \(result)::jsonb)::text AS result
            """
        )
    }
}

import Postgres

/// One line of a location's stocktake sheet: a balance to count (returned units awaiting
/// inspection are counted apart, on inspection, and are not on it).
public struct StocktakeLine: Codable, Sendable, Hashable {
    /// The article.
    public var sku: String
    /// What it is, in words: line, size, length, toe, colour.
    public var description: String
    /// The lot, for lot-tracked stock.
    public var lot: String?
    /// The lot's expiry, `YYYY-MM-DD`.
    public var expiresOn: String?
    /// Units the books hold here.
    public var onHand: Int
}

/// A count a sheet reports for one line.
public struct StocktakeCount: Sendable, Hashable {
    /// The article.
    public var sku: String
    /// The lot, for lot-tracked stock.
    public var lot: String?
    /// Units counted.
    public var counted: Int

    /// `counted` units of `sku` (of `lot`).
    public init(sku: String, lot: String?, counted: Int) {
        self.sku = sku
        self.lot = lot
        self.counted = counted
    }
}

/// What a whole sheet's counts did: every line with what the books held and what was counted,
/// and the count movements posted for the differences.
public struct StocktakeResult: Codable, Sendable, Hashable {
    /// A line counted.
    public struct Line: Codable, Sendable, Hashable {
        /// The article.
        public var sku: String
        /// The lot.
        public var lot: String?
        /// Units the books held.
        public var expected: Int
        /// Units counted.
        public var counted: Int
        /// `counted - expected`: posted as a count movement when not 0.
        public var difference: Int
    }

    /// The location counted.
    public var location: String
    /// Every line, in the sheet's order.
    public var lines: [Line]

    /// The lines whose count differed from the books.
    public var differences: [Line] { lines.filter { $0.difference != 0 } }
}

extension Stock {
    /// The stocktake sheet of `location`: every balance there (but returned units), by article and lot.
    public func sheet(location: String) throws -> [StocktakeLine] {
        let place = try connection.query("SELECT id FROM location WHERE code = \(location)")
        guard place.count > 0 else { throw InventoryError.unknown("location", "a known location code", location) }
        return try connection.query(
            """
            SELECT b.sku, a.line_id || ' size ' || a.size_name || ' ' || a.length_name || ', ' || a.toe || ' toe, ' || a.color
                       AS description,
                   l.code AS lot, l.expires_on::text AS expires_on, b.on_hand
            FROM stock_balance b JOIN location loc ON loc.id = b.location_id JOIN article a ON a.sku = b.sku
            LEFT JOIN lot l ON l.id = b.lot_id
            WHERE loc.code = \(location) AND b.state <> 'returned'
            ORDER BY b.sku, l.expires_on NULLS FIRST, l.code NULLS FIRST
            """
        ).map {
            StocktakeLine(
                sku: try $0.decode(String.self, "sku"), description: try $0.decode(String.self, "description"),
                lot: try $0.decode(String?.self, "lot"), expiresOn: try $0.decode(String?.self, "expires_on"),
                onHand: try $0.decode(Int.self, "on_hand"))
        }
    }

    /// Posts a whole sheet's counts at `location` in one transaction — each line a count (a
    /// movement for its difference), all or nothing — once per `key` (each line under the key
    /// and its position). A line named twice is refused.
    public func countSheet(location: String, counts: [StocktakeCount], key: String) throws -> StocktakeResult {
        var seen: Set<String> = []
        for (index, count) in counts.enumerated() {
            try InventoryError.checkUnits(count.counted, "counted", allowZero: true)
            guard seen.insert("\(count.sku)\u{0}\(count.lot ?? "")").inserted else {
                throw InventoryError(
                    .badInput, field: "sheet",
                    text:
                        "line \(index + 1): expected each article and lot once, found \(count.sku)\(count.lot.map { " lot \($0)" } ?? "") again"
                )
            }
        }
        guard !counts.isEmpty else {
            throw InventoryError(.badInput, field: "sheet", text: "expected at least one line counted, found none")
        }
        return try connection.transaction { tx in
            var lines: [StocktakeResult.Line] = []
            for (index, count) in counts.enumerated() {
                let stock = Stock(connection: tx, today: today)
                let moved: MovementRecord? = try stock.count(
                    sku: count.sku, counted: count.counted, location: location, lot: count.lot,
                    key: "\(key):\(index + 1)")
                let difference = moved?.delta ?? 0
                lines.append(
                    StocktakeResult.Line(
                        sku: moved?.sku ?? count.sku, lot: count.lot, expected: count.counted - difference,
                        counted: count.counted, difference: difference))
            }
            return StocktakeResult(location: location, lines: lines)
        }
    }
}

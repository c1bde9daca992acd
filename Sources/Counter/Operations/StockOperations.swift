import Fitting
import Foundation
public import Inventory

/// Counting a location's stock: the difference from the books is posted as one movement.
///
/// ```swift
/// let movement = try CountRequest(sku: "NW-CL-AD2-II-R-C-BE", counted: "3").run(on: desk, key: "count-1")
/// ```
public struct CountRequest: Sendable, Decodable, Hashable {
    /// The article: SKU, GTIN or scanned code.
    public var sku: String
    /// Units counted (0 or more).
    public var counted: NumberText
    /// Where; the desk's location when not given.
    public var location: String?
    /// The lot counted, needed when the article is held in several lots there.
    public var lot: String?

    /// A count of `counted` units of `sku`.
    public init(sku: String, counted: NumberText, location: String? = nil, lot: String? = nil) {
        self.sku = sku
        self.counted = counted
        self.location = location
        self.lot = lot
    }

    /// Posts the difference, once per `key`; `nil` when the count matches the books.
    public func run(on desk: Desk, key: String) throws -> MovementRecord? {
        let sku = try Input.article(sku, field: "sku", today: desk.today)
        let counted = try Input.wholeNumber(counted.text, field: "counted")
        return try Stock(connection: desk.connection, today: desk.today).count(
            sku: sku, counted: counted, location: try Input.optionalCode(location, field: "location") ?? desk.location,
            lot: try Input.optionalCode(lot, field: "lot"), key: key)
    }
}

/// Moving units of an article from one location to another (two movements, one transaction).
public struct TransferRequest: Sendable, Decodable, Hashable {
    /// The article: SKU, GTIN or scanned code.
    public var sku: String
    /// Units moved.
    public var quantity: NumberText
    /// From where; the desk's location when not given.
    public var from: String?
    /// To where.
    public var to: String
    /// Move only units that may not be offered (expired, recalled, held, returned), to a
    /// quarantine or returns location.
    public var unusable: Bool?

    /// A transfer of `quantity` units of `sku` to `to`.
    public init(sku: String, quantity: NumberText, from: String? = nil, to: String, unusable: Bool? = nil) {
        self.sku = sku
        self.quantity = quantity
        self.from = from
        self.to = to
        self.unusable = unusable
    }

    /// Moves the units, once per `key`: the movement out and the movement in.
    public func run(on desk: Desk, key: String) throws -> [MovementRecord] {
        try Stock(connection: desk.connection, today: desk.today).transfer(
            sku: try Input.article(sku, field: "sku", today: desk.today),
            quantity: try Input.wholeNumber(quantity.text, field: "quantity"),
            from: try Input.optionalCode(from, field: "from") ?? desk.location, to: try Input.code(to, field: "to"),
            unusable: unusable ?? false, key: key)
    }
}

/// Writing units off: expired, damaged, returned garments that failed inspection, or recalled.
public struct WriteOffRequest: Sendable, Decodable, Hashable {
    /// The article: SKU, GTIN or scanned code.
    public var sku: String
    /// Units written off.
    public var quantity: NumberText
    /// Where; the desk's location when not given.
    public var location: String?
    /// The lot.
    public var lot: String?
    /// expired, damaged, returned or recalled.
    public var reason: String
    /// A note for the ledger.
    public var note: String?

    /// A write-off of `quantity` units of `sku` for `reason`.
    public init(
        sku: String, quantity: NumberText, location: String? = nil, lot: String? = nil, reason: String,
        note: String? = nil
    ) {
        self.sku = sku
        self.quantity = quantity
        self.location = location
        self.lot = lot
        self.reason = reason
        self.note = note
    }

    /// Posts the write-off, once per `key`.
    public func run(on desk: Desk, key: String) throws -> MovementRecord {
        try Stock(connection: desk.connection, today: desk.today).writeOff(
            sku: try Input.article(sku, field: "sku", today: desk.today),
            quantity: try Input.wholeNumber(quantity.text, field: "quantity"),
            location: try Input.optionalCode(location, field: "location") ?? desk.location,
            lot: try Input.optionalCode(lot, field: "lot"),
            reason: try Input.oneOf(reason, field: "reason", as: WriteOffReason.self),
            note: try Input.optional(note, field: "note"), key: key)
    }
}

/// Putting returned units that passed inspection back into usable stock.
public struct ReleaseReturnRequest: Sendable, Decodable, Hashable {
    /// The article: SKU, GTIN or scanned code.
    public var sku: String
    /// Units released.
    public var quantity: NumberText
    /// Where; the desk's location when not given.
    public var location: String?
    /// The lot.
    public var lot: String?

    /// A release of `quantity` returned units of `sku`.
    public init(sku: String, quantity: NumberText, location: String? = nil, lot: String? = nil) {
        self.sku = sku
        self.quantity = quantity
        self.location = location
        self.lot = lot
    }

    /// Releases the units, once per `key`.
    public func run(on desk: Desk, key: String) throws -> [MovementRecord] {
        try Stock(connection: desk.connection, today: desk.today).releaseReturn(
            sku: try Input.article(sku, field: "sku", today: desk.today),
            quantity: try Input.wholeNumber(quantity.text, field: "quantity"),
            location: try Input.optionalCode(location, field: "location") ?? desk.location,
            lot: try Input.optionalCode(lot, field: "lot"), key: key)
    }
}

/// The least an article should have at a location, and what to order when below it.
public struct MinimumRequest: Sendable, Decodable, Hashable {
    /// The article: SKU, GTIN or scanned code.
    public var sku: String
    /// The minimum (0 removes it).
    public var minimum: NumberText
    /// What to order when below it.
    public var reorder: NumberText?
    /// Where; the desk's location when not given.
    public var location: String?

    /// A minimum of `minimum` units of `sku`.
    public init(sku: String, minimum: NumberText, reorder: NumberText? = nil, location: String? = nil) {
        self.sku = sku
        self.minimum = minimum
        self.reorder = reorder
        self.location = location
    }

    /// Sets the minimum; returns the rule as set.
    public func run(on desk: Desk) throws -> ReorderRule {
        let rule = ReorderRule(
            sku: try Input.article(sku, field: "sku", today: desk.today),
            location: try Input.optionalCode(location, field: "location") ?? desk.location,
            minimum: try Input.wholeNumber(minimum.text, field: "minimum"),
            reorder: try reorder.map { (number) throws(CounterError) in
                try Input.wholeNumber(number.text, field: "reorder")
            })
        try Stock(connection: desk.connection, today: desk.today).setMinimum(
            sku: rule.sku, minimum: rule.minimum, reorderQuantity: rule.reorder, location: rule.location)
        return rule
    }
}

/// A minimum as set: the article, where, the least available, and what to order when below it.
public struct ReorderRule: Sendable, Encodable, Hashable {
    /// The article as named.
    public let sku: String
    /// The location.
    public let location: String
    /// The least available units.
    public let minimum: Int
    /// What to order when below it.
    public let reorder: Int?
}

extension ReceiveRequest {
    /// Reads the request and books the receipt in one transaction, once per `key`.
    public func run(on desk: Desk, key: String) throws -> MovementRecord {
        let receipt = try read(defaultLocation: desk.location, today: desk.today)
        return try Stock(connection: desk.connection, today: desk.today).receive(
            sku: receipt.sku, quantity: receipt.quantity, location: receipt.location, lot: receipt.lot,
            expires: receipt.expires, acceptExpired: receipt.acceptExpired, reference: receipt.reference, key: key)
    }
}

extension Desk {
    /// Balances of `sku` (a SKU, GTIN or scanned code), or of everything in stock; at `location`
    /// only when given.
    public func balances(sku: String?, location: String?) throws -> [BalanceRecord] {
        try Stock(connection: connection, today: today).balances(
            sku: try sku.map { (code) throws(CounterError) in try Input.article(code, field: "sku", today: today) },
            location: try Input.optionalCode(location, field: "location"))
    }

    /// An article's ledger, oldest first.
    public func history(sku: String) throws -> [MovementRecord] {
        try Stock(connection: connection, today: today).history(
            sku: try Input.article(sku, field: "sku", today: today))
    }

    /// What is below its minimum (at `location` only, when given), with suggested orders.
    public func low(location: String?) throws -> [LowStock] {
        try Stock(connection: connection, today: today).low(
            location: try Input.optionalCode(location, field: "location"))
    }

    /// Lots on hand expiring within `within` days (as typed: 0 to 3650, default 90), the expired
    /// ones included, soonest first; at `location`, or everywhere.
    public func expiringLots(within: String?, location: String?) throws -> [ExpiringLot] {
        let days = try Input.count(within, field: "within", default: 90, range: 0...3_650)
        return try Stock(connection: connection, today: today).expiring(
            within: days, location: try Input.optionalCode(location, field: "location"))
    }

    /// An article by SKU, GTIN or scanned code, with its stock.
    public func article(_ code: String, field: String = "code") throws -> ArticleRecord {
        try Articles(connection: connection).show(try Input.article(code, field: field, today: today))
    }

    /// Articles of the catalog, narrowed by line, style, class and size.
    public func articles(line: String?, style: String?, pressureClass: String?, size: String?) throws
        -> [ArticleRecord]
    {
        try Articles(connection: connection).list(line: line, style: style, pressureClass: pressureClass, size: size)
    }

    /// Articles matching every word of `text` (SKU, GTIN, line, size, colour …), at most `limit`
    /// (as typed: 1 to 1000, default 50).
    public func searchArticles(_ text: String, limit: String? = nil) throws -> [ArticleRecord] {
        _ = try Input.plain(text, field: "search", scanned: true)
        guard Input.hasContent(text) else {
            throw CounterError.badInput("search", expected: "words to search for", typed: text)
        }
        let most = try Input.count(limit, field: "limit", default: 50, range: 1...1_000, units: "articles")
        return try Articles(connection: connection).search(text, limit: most)
    }

    /// A lot by its code (and article, when several articles have a lot of that code).
    public func lot(_ code: String, sku: String?) throws -> LotRecord {
        try Lots(connection: connection).show(
            try Input.code(code, field: "code"),
            sku: try Input.optional(sku, field: "sku").map { (text) throws(CounterError) in
                try Input.article(text, field: "sku", today: today)
            })
    }
}

/// Holding a lot, releasing it (approved again), or recalling it.
public struct LotStatusRequest: Sendable, Decodable, Hashable {
    /// approved, on-hold or recalled.
    public var status: String
    /// Why.
    public var reason: String
    /// The article, when the lot's code is not unique.
    public var sku: String?

    /// A change of a lot to `status`, for `reason`.
    public init(status: String, reason: String, sku: String? = nil) {
        self.status = status
        self.reason = reason
        self.sku = sku
    }

    /// Sets lot `code`'s status, once per `key`.
    public func run(on desk: Desk, code: String, key: String) throws -> LotRecord {
        try Lots(connection: desk.connection).setStatus(
            try Input.code(code, field: "code"),
            sku: try Input.optional(sku, field: "sku").map { (text) throws(CounterError) in
                try Input.article(text, field: "sku", today: desk.today)
            },
            to: try Input.oneOf(status, field: "status", as: LotStatus.self),
            reason: try Input.text(reason, field: "reason"), key: key)
    }
}

/// What one box typed or scanned at the stock counter finds: the article it names, or the
/// articles its words describe — with a scanned box's own lot and expiry, to fill in a receipt.
public struct ArticleFinding: Sendable {
    /// The article named (or the one article the words describe).
    public let article: ArticleRecord?
    /// The articles the words describe, when more than one (at most `limit` and one more).
    public let matches: [ArticleRecord]
    /// A scanned box's lot.
    public let scannedLot: String?
    /// A scanned box's expiry.
    public let scannedExpiry: CalendarDay?
}

extension Desk {
    /// Finds what `typed` names (field `field`): a SKU, a GTIN or a scanned code finds its article;
    /// words find the articles they describe (one match is the article, as if its code had been
    /// typed); a single word that finds nothing was meant as a code, and says why it names nothing.
    public func findArticle(_ typed: String, field: String = "q", limit: Int = 50) throws -> ArticleFinding {
        let text = try Input.text(typed, field: field).trimmingWhitespace()
        let scanned = GS1Scan.looksScanned(text)
        let box = scanned ? try Input.scan(text, field: field, referenceYear: today.year) : nil
        let expiry = try box?.expiry.map { (day) throws(CounterError) in try Input.day("\(day)", field: field) }
        let articles = Articles(connection: connection)
        do {
            return ArticleFinding(
                article: try articles.show(box?.gtin.gtin14 ?? text), matches: [], scannedLot: box?.lot,
                scannedExpiry: expiry)
        } catch let error as InventoryError where error.kind == .notFound && !scanned {
            let matches = try articles.search(text, limit: limit + 1)
            if matches.count == 1 {
                return ArticleFinding(
                    article: try articles.show(matches[0].sku), matches: [], scannedLot: nil, scannedExpiry: nil)
            }
            if matches.isEmpty && !text.contains(where: \.isWhitespace) { throw error }
            guard !matches.isEmpty else {
                throw CounterError.badInput(
                    field, expected: "a SKU, GTIN, scanned code or words describing an article", typed: typed)
            }
            return ArticleFinding(article: nil, matches: matches, scannedLot: nil, scannedExpiry: nil)
        }
    }
}

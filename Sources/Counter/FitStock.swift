public import Fitting
import Inventory
import Postgres

/// One line's result on one leg: what the stock of a fitting is looked up by.
public struct LegLine: Hashable, Sendable {
    /// The leg, or `nil` when one leg was measured without saying which.
    public let side: Side?
    /// The product line's id.
    public let line: String

    /// The result of `line` on the `side` leg.
    public init(side: Side?, line: String) {
        self.side = side
        self.line = line
    }
}

extension FitReport {
    /// The matching articles of every ready-made result and their stock at `location` and
    /// elsewhere, read in one round trip; made-to-measure results have none.
    ///
    /// ```swift
    /// let stock = try report.stock(on: connection, location: "shop")
    /// stock[LegLine(side: nil, line: "northwind-classic")]   // [ArticleStock]
    /// ```
    func stock(on connection: Connection, location: String) throws -> [LegLine: [ArticleStock]] {
        let wanted = legs.flatMap { leg in
            leg.fits.filter { $0.outcome == .standard }.map { (LegLine(side: leg.side, line: $0.line.id), $0) }
        }
        let found = try Fittings(connection: connection).articles(for: wanted.map(\.1), location: location)
        var stock: [LegLine: [ArticleStock]] = [:]
        for (index, entry) in wanted.enumerated() { stock[entry.0] = found[index] }
        return stock
    }
}

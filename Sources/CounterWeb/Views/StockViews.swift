import Counter
import Foundation

/// The stock room's lists: what is low, an article's ledger — HTML from records, no rules and no queries.
enum StockViews {
    static func low(_ low: [LowStock]) -> HTML {
        let rows: [HTML] = low.map { item in
            "<tr><td><a href=\"/stock?q=\(PageRoutes.percent(item.sku))\">\(item.sku)</a></td><td>\(item.location)</td><td>\(item.available)</td><td>\(item.minimum)</td><td>\(item.suggestedOrder)</td></tr>"
        }
        return """
            <h1>Low stock</h1>
            <table><thead><tr><th>Article</th><th>Location</th><th>Available</th><th>Minimum</th><th>Suggested order</th></tr></thead>
            <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"5\">Nothing is below its minimum.</td></tr>"] : rows)</tbody></table>
            """
    }

    static func history(_ movements: [MovementRecord], sku: String) -> HTML {
        let rows: [HTML] = movements.map { movement in
            "<tr><td>\(Pages.time(movement.occurredAt))</td><td>\(movement.location)</td><td>\(movement.lot ?? "—")</td><td>\(movement.delta > 0 ? "+\(movement.delta)" : "\(movement.delta)")</td><td>\(movement.onHandAfter)</td><td>\(movement.reason)</td><td>\(movement.reference ?? "")</td><td>\(movement.actor)</td></tr>"
        }
        return """
            <h1>History of \(sku)</h1>
            <table><thead><tr><th>When</th><th>Location</th><th>Lot</th><th>Change</th><th>On hand after</th><th>Why</th><th>Reference</th><th>Who</th></tr></thead>
            <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"8\">No movements.</td></tr>"] : rows)</tbody></table>
            """
    }
}

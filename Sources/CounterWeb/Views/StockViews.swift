import Counter
import Foundation

/// The stock room's lists: what is low, an article's ledger — HTML from records, no rules and no queries.
enum StockViews {
    static func low(_ low: [LowStock]) -> HTML {
        let rows: [HTML] = low.map { item in
            "<tr><td><a href=\"/stock?q=\(PageRoutes.percent(item.sku))\">\(item.sku)</a></td><td>\(item.location)</td><td>\(item.available)</td><td>\(item.minimum)</td><td>\(item.needed)</td><td>\(item.transfers.isEmpty ? "—" : item.transfers.map { "\($0.quantity) from \($0.from)" }.joined(separator: ", "))</td><td>\(item.suggestedOrder)</td></tr>"
        }
        return """
            <h1>Low stock</h1>
            <p>What another location can spare (above its own minimum) is moved first; the rest is ordered.</p>
            <table><thead><tr><th>Article</th><th>Location</th><th>Available</th><th>Minimum</th><th>Needs</th><th>Transfer first</th><th>Order</th></tr></thead>
            <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"7\">Nothing is below its minimum.</td></tr>"] : rows)</tbody></table>
            """
    }

    /// Lots on hand expiring within `within` days, the expired first: sell first, move or write off.
    static func expiring(_ lots: [ExpiringLot], within: String) -> HTML {
        let rows: [HTML] = lots.map { lot in
            let left: HTML = lot.daysLeft < 0 ? "<strong>expired</strong>" : "\(lot.daysLeft) days"
            return
                "<tr><td>\("\(lot.expiresOn)")</td><td>\(left)</td><td><a href=\"/stock?q=\(PageRoutes.percent(lot.sku))\">\(lot.sku)</a></td><td><a href=\"/lots/\(PageRoutes.percent(lot.lot))?sku=\(PageRoutes.percent(lot.sku))\">\(lot.lot)</a></td><td>\(lot.location)</td><td>\(lot.onHand)</td><td>\(lot.reserved)</td></tr>"
        }
        let choices: [HTML] = ["30", "90", "180"].map {
            $0 == within ? "<strong>\($0) days</strong> " : "<a href=\"/stock/expiring?within=\($0)\">\($0) days</a> "
        }
        return """
            <h1>Expiring lots</h1>
            <p>Lots on hand that expire within the next \(within) days, expired ones first: sell them first, move them or write them off. \(choices)</p>
            <table><thead><tr><th>Expires</th><th>Left</th><th>Article</th><th>Lot</th><th>Location</th><th>On hand</th><th>Reserved</th></tr></thead>
            <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"7\">No lot on hand expires within \(within) days.</td></tr>"] : rows)</tbody></table>
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

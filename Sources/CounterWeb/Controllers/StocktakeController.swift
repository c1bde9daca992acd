import Counter
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A location's stocktake: its blind sheet to fill in on the page or print (or download as CSV),
/// and the whole sheet's counts posted at once.
enum StocktakeController {
    static func routes(state: WebState) -> RouteCollection<WebContext> {
        let router = RouteCollection(context: WebContext.self)
        router.add(middleware: FormMiddleware(state: state))
        router.get("/stock/sheet") { request, context in
            let location = try Web.given(request, "location")
            return try await PageRoutes.page(
                request, context: context, state: state, title: "Stocktake", current: "/stock"
            ) { session, desk in
                let place = location ?? desk.location
                return StocktakeViews.sheet(session, location: place, try desk.stocktakeSheet(location: place))
            }
        }

        router.get("/stock/sheet.csv") { request, context in
            let location = try Web.given(request, "location")
            return try await PageRoutes.csv(
                request, context: context, state: state, title: "Stocktake", current: "/stock",
                filename: "stocktake-\(location ?? state.location)"
            ) { StocktakeSheet.csv(try $0.stocktakeSheet(location: location)) }
        }

        router.post("/stock/sheet") { request, context in
            try await PageRoutes.posted(request, context: context, state: state) { session, fields in
                let count = Int(fields.text("lines")) ?? 0
                let lines = (0..<min(count, 10_000)).map { index in
                    (
                        sku: fields.text("sku_\(index)"), lot: fields.text("lot_\(index)"),
                        counted: fields.text("counted_\(index)")
                    )
                }
                let sheet = StocktakeRequest.fromForm(location: fields.given("location"), lines: lines)
                let key = try fields.key()
                let result = try await state.withDesk(session.login) { try sheet.run(on: $0, key: key) }
                return Web.page(
                    Pages.layout("Stocktake", session: session, current: "/stock", StocktakeViews.result(result)))
            } page: { session, fields, message in
                Pages.layout(
                    "Stocktake", session: session, current: "/stock",
                    """
                    \(Pages.message(message))
                    <p>Nothing was posted. <a href="/stock/sheet?location=\(PageRoutes.percent(fields["location"] ?? ""))">Back to the sheet</a></p>
                    """)
            }
        }
        return router
    }
}

/// The stocktake sheet as a form, and what posting it did.
enum StocktakeViews {
    static func sheet(_ session: Session, location: String, _ lines: [StocktakeLine]) -> HTML {
        let rows: [HTML] = lines.enumerated().map { index, line in
            """
            <tr><td>\(line.sku)<input type="hidden" name="sku_\(index)" value="\(line.sku)"></td><td>\(line.description)</td>
            <td>\(line.lot ?? "—")<input type="hidden" name="lot_\(index)" value="\(line.lot ?? "")"></td><td>\(line.expiresOn ?? "—")</td>
            <td><input name="counted_\(index)" type="number" min="0" step="1" size="5" required inputmode="numeric"></td></tr>
            """
        }
        let post: HTML =
            session.role >= .pharmacy && !lines.isEmpty
            ? "<p><button>Post every count</button> — each line a count, all or nothing; the differences are listed.</p>"
            : ""
        return """
            <h1>Stocktake <small>\(location)</small></h1>
            <form method="get" action="/stock/sheet"><label>Location <input name="location" value="\(location)" size="10"></label> <button>Show its sheet</button></form>
            <p>A blind sheet: count what is on the shelf. <a href="/stock/sheet.csv?location=\(PageRoutes.percent(location))">Download as CSV</a> (fill in counted; cfit stock count-sheet posts it).</p>
            <form method="post" action="/stock/sheet"><input type="hidden" name="csrf" value="\(session.csrf)">
            <input type="hidden" name="key" value="\(Token.make())"><input type="hidden" name="location" value="\(location)">
            <input type="hidden" name="lines" value="\(lines.count)">
            <table><thead><tr><th>Article</th><th>Description</th><th>Lot</th><th>Expires</th><th>Counted</th></tr></thead>
            <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"5\">Nothing is held here.</td></tr>"] : rows)</tbody></table>
            \(post)</form>
            """
    }

    static func result(_ result: StocktakeResult) -> HTML {
        let rows: [HTML] = result.differences.map { line in
            "<tr><td>\(line.sku)</td><td>\(line.lot ?? "—")</td><td>\(line.expected)</td><td>\(line.counted)</td><td>\(line.difference > 0 ? "+" : "")\(line.difference)</td></tr>"
        }
        return """
            \(Pages.message("stocktake at \(result.location) posted: \(result.lines.count) lines counted, \(result.differences.count) differ from the books", error: false))
            <table><thead><tr><th>Article</th><th>Lot</th><th>Books</th><th>Counted</th><th>Posted</th></tr></thead>
            <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"5\">Every count matched the books.</td></tr>"] : rows)</tbody></table>
            <p><a href="/stock/sheet?location=\(PageRoutes.percent(result.location))">The sheet again</a> · <a href="/stock" autofocus>Stock</a></p>
            """
    }
}

import Counter
import Fitting
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The stock room: finding an article by code, scan or words; receiving, counting, moving, releasing returned units and writing off; what is low; an article's ledger.
enum StockController {
    static func routes(state: WebState) -> RouteCollection<WebContext> {
        let router = RouteCollection(context: WebContext.self)
        router.add(middleware: FormMiddleware(state: state))
        router.get("/stock") { request, context in
            guard let session = context.session else {
                return Web.redirect("/login")
            }
            let query = (try Web.query(request, "q"))?.trimmingCharacters(in: .whitespaces) ?? ""
            let notice = (try Web.query(request, "done"))
            guard !query.isEmpty else {
                // Nothing looked up: what is here, so the page is never empty.
                let here = try await state.withDesk(session.login) { [location = state.location] in
                    try $0.balances(sku: nil, location: location)
                }
                return Web.page(
                    Pages.stock(
                        session: session, query: "", article: nil, error: nil, notice: notice, formKey: Token.make(),
                        here: (state.location, here)))
            }
            do {
                let finding = try await state.withDesk(session.login) {
                    try $0.findArticle(query, limit: Pages.searchLimit)
                }
                guard let article = finding.article else {
                    return Web.page(
                        Pages.stock(
                            session: session, query: query, article: nil, error: nil, notice: notice,
                            formKey: Token.make(), matches: finding.matches))
                }
                // A scanned box's lot and expiry fill in the receive form.
                let scanned = Pages.Scanned(
                    lot: finding.scannedLot, expires: finding.scannedExpiry.map { "\($0)" }, location: state.location)
                return Web.page(
                    Pages.stock(
                        session: session, query: query, article: article, error: nil, notice: notice,
                        formKey: Token.make(), scanned: scanned))
            } catch {
                let failure = Web.describe(error)
                let (status, message) = (failure.status, failure.message)
                return Web.page(
                    Pages.stock(
                        session: session, query: query, article: nil, error: message, notice: nil, formKey: Token.make()
                    ),
                    status: status == .internalServerError ? status : .ok)
            }
        }

        router.post("/stock/receive") { request, context in
            try await PageRoutes.posted(request, context: context, state: state) { session, fields in
                let (sku, key) = (fields.text("sku"), try fields.key())
                let receipt = ReceiveRequest(
                    sku: sku, quantity: NumberText(fields.text("quantity")), location: fields.given("location"),
                    lot: fields.given("lot"), expires: fields.given("expires"), reference: "received at the counter")
                let movement = try await state.withDesk(session.login) { try receipt.run(on: $0, key: key) }
                let quantity = movement.delta
                return Web.redirect(
                    "/stock?q=\(PageRoutes.percent(sku))&done=\(PageRoutes.percent("received \(quantity) into \(movement.location) (movement \(movement.id))"))"
                )
            } page: {
                Pages.stockRefused($0, $1, $2)
            }
        }

        router.get("/stock/low") { request, context in
            try await PageRoutes.page(
                request, context: context, state: state, title: "Low stock", current: "/stock/low"
            ) {
                _, desk in
                let low = try desk.low(location: nil)
                return StockViews.low(low)
            }
        }

        router.get("/stock/expiring") { request, context in
            let within = try Web.given(request, "within")
            return try await PageRoutes.page(
                request, context: context, state: state, title: "Expiring lots", current: "/stock"
            ) {
                _, desk in
                let lots = try desk.expiringLots(within: within, location: nil)
                return StockViews.expiring(lots, within: within ?? "90")
            }
        }

        router.get("/stock/history") { request, context in
            let sku = (try Web.query(request, "sku")) ?? ""
            return try await PageRoutes.page(
                request, context: context, state: state, title: "History", current: "/stock"
            ) {
                _, desk in
                let movements = try desk.history(sku: sku)
                return StockViews.history(movements, sku: sku)
            }
        }

        router.post("/stock/count") { request, context in
            try await PageRoutes.posted(request, context: context, state: state) { session, fields in
                let (sku, location, key) = (
                    fields.text("sku"), fields.given("location") ?? state.location, try fields.key()
                )
                let count = CountRequest(
                    sku: sku, counted: NumberText(fields.text("counted")), location: location, lot: fields.given("lot"))
                let movement = try await state.withDesk(session.login) { try count.run(on: $0, key: key) }
                let counted = count.counted.text
                let done =
                    movement.map { "counted \(counted) at \(location): \($0.delta > 0 ? "+" : "")\($0.delta) recorded" }
                    ?? "counted \(counted) at \(location): as recorded, nothing to correct"
                return Web.redirect("/stock?q=\(PageRoutes.percent(sku))&done=\(PageRoutes.percent(done))")
            } page: {
                Pages.stockRefused($0, $1, $2)
            }
        }

        router.post("/stock/transfer") { request, context in
            try await PageRoutes.posted(request, context: context, state: state) { session, fields in
                let (sku, key) = (fields.text("sku"), try fields.key())
                let transfer = TransferRequest(
                    sku: sku, quantity: NumberText(fields.text("quantity")), from: fields.given("from"),
                    to: fields.text("to"))
                let moved = try await state.withDesk(session.login) { try transfer.run(on: $0, key: key) }
                let done =
                    "moved \(moved.last?.delta ?? 0) from \(moved.first?.location ?? "") to \(moved.last?.location ?? "")"
                return Web.redirect("/stock?q=\(PageRoutes.percent(sku))&done=\(PageRoutes.percent(done))")
            } page: {
                Pages.stockRefused($0, $1, $2)
            }
        }

        // Returned garments that passed inspection go back on the shelf; units that cannot be
        // sold (failed inspection, expired, recalled, damaged) are written off with their reason.
        router.post("/stock/release-return") { request, context in
            try await PageRoutes.posted(request, context: context, state: state) { session, fields in
                let (sku, key) = (fields.text("sku"), try fields.key())
                let release = ReleaseReturnRequest(
                    sku: sku, quantity: NumberText(fields.text("quantity")), location: fields.given("location"),
                    lot: fields.given("lot"))
                let moved = try await state.withDesk(session.login) { try release.run(on: $0, key: key) }
                let done =
                    "\(moved.last?.delta ?? 0) returned at \(moved.last?.location ?? "") passed inspection: back in stock"
                return Web.redirect("/stock?q=\(PageRoutes.percent(sku))&done=\(PageRoutes.percent(done))")
            } page: {
                Pages.stockRefused($0, $1, $2)
            }
        }

        router.post("/stock/write-off") { request, context in
            try await PageRoutes.posted(request, context: context, state: state) { session, fields in
                let (sku, key) = (fields.text("sku"), try fields.key())
                let writeOff = WriteOffRequest(
                    sku: sku, quantity: NumberText(fields.text("quantity")), location: fields.given("location"),
                    lot: fields.given("lot"), reason: fields.text("reason"), note: fields.given("note"))
                let movement = try await state.withDesk(session.login) { try writeOff.run(on: $0, key: key) }
                let done = "wrote off \(-movement.delta) at \(movement.location) (\(writeOff.reason))"
                return Web.redirect("/stock?q=\(PageRoutes.percent(sku))&done=\(PageRoutes.percent(done))")
            } page: {
                Pages.stockRefused($0, $1, $2)
            }
        }
        return router
    }
}

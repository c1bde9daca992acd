import Counter
import Fitting
import Foundation

/// The pages, as HTML: small, fast on a tablet, keyboard-first, nothing from elsewhere.
enum Pages {
    static let dateFormat: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter
    }()

    static func time(_ date: Date) -> String { dateFormat.string(from: date) }

    /// An ISO 8601 instant as the database writes it (`2026-12-05T10:35:24Z`), in the shop's time
    /// zone like every other time on the pages (`2026-12-05 11:35`); as given when it does not read.
    static func localTime(_ iso: String) -> String {
        ISO8601DateFormatter().date(from: iso).map(time) ?? iso
    }

    static let style = """
        body{font:16px/1.4 system-ui,sans-serif;margin:0;color:#111;background:#fafafa}
        header{display:flex;gap:1rem;align-items:center;padding:.5rem 1rem;background:#1d3b53;color:#fff}
        header a{color:#fff;text-decoration:none;padding:.25rem .5rem;border-radius:4px}
        header a[aria-current]{background:#35607f}
        header form{margin-left:auto}
        main{padding:1rem;max-width:64rem}
        input,select,button{font:inherit;padding:.35rem .5rem}
        button{cursor:pointer}
        table{border-collapse:collapse;margin:.5rem 0}
        th,td{border-bottom:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}
        .error{background:#fde8e8;border-left:4px solid #c0392b;padding:.5rem .75rem}
        ul.confirm{list-style:none}ul.confirm li+li{margin-top:.4rem}
        .ok{background:#e8f6ec;border-left:4px solid #2e7d32;padding:.5rem .75rem}
        .gauge{display:inline-block;width:8rem;height:.6rem;background:#ddd;position:relative;vertical-align:middle}
        .gauge span{position:absolute;top:-.2rem;width:.25rem;height:1rem;background:#1d3b53}
        fieldset{border:1px solid #ccc;margin:.5rem 0}
        label{display:inline-block;margin:.25rem .75rem .25rem 0}
        @media print{header,.noprint{display:none}main{padding:0}}
        """

    /// A page with the header: who is signed in, what their role may open, and sign out.
    static func layout(_ title: String, session: Session?, current: String = "", _ body: HTML) -> HTML {
        var nav: [HTML] = []
        if let session {
            // Each page has an access key (Alt+key in Chromium, Alt+Shift+key in Firefox), so the
            // counter moves between them without a mouse.
            let links: [(String, String, String, StaffRole)] = [
                ("/fit", "Fit", "f", .fitter), ("/patients", "Patients", "p", .fitter),
                ("/prescriptions", "Prescriptions", "r", .fitter), ("/due", "Due", "d", .fitter),
                ("/stock", "Stock", "s", .fitter), ("/stock/low", "Low stock", "l", .pharmacy),
                ("/admin", "Admin", "a", .admin),
            ]
            for (path, name, key, needed) in links where session.role >= needed {
                nav.append(
                    """
                    <a href="\(path)" accesskey="\(key)" title="\(name) (access key \(key.uppercased()))"\
                    \(path == current ? HTML(raw: " aria-current=\"page\"") : "")>\(name)</a>
                    """)
            }
        }
        let account: HTML =
            session.map { session in
                """
                <form method="post" action="/logout"><span>\(session.login) (\(session.role.rawValue))</span>
                <input type="hidden" name="csrf" value="\(session.csrf)"> <button>Sign out</button></form>
                """
            } ?? ""
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
            <title>\(title) · CompressionFit</title><style>\(HTML(raw: style))</style></head>
            <body><header><strong>CompressionFit</strong>\(nav)\(account)</header><main>\(body)</main></body></html>
            """
    }

    static func message(_ text: String?, error: Bool = true) -> HTML {
        guard let text, !text.isEmpty else { return "" }
        return error ? "<p class=\"error\" role=\"alert\">\(text)</p>" : "<p class=\"ok\" role=\"status\">\(text)</p>"
    }

    static func login(csrf: String, login: String = "", error: String? = nil) -> HTML {
        layout(
            "Sign in", session: nil,
            """
            <h1>Sign in</h1>\(message(error))
            <form method="post" action="/login">
            <input type="hidden" name="csrf" value="\(csrf)">
            <p><label>Login <input name="login" value="\(login)" autocomplete="username" required autofocus></label></p>
            <p><label>Password <input name="password" type="password" autocomplete="current-password" required></label></p>
            <p><button>Sign in</button></p>
            </form>
            <p>Your login and password are your database login's, made with <code>cfit user add</code>.</p>
            """)
    }

    /// What a scanned code said about the box, to fill in the receive form.
    struct Scanned: Sendable {
        var lot: String?
        var expires: String?
        var location: String
    }

    /// The stock page with a refused operation's message, the article it was about in the field.
    static func stockRefused(_ session: Session, _ fields: [String: String], _ message: String) -> HTML {
        stock(
            session: session, query: fields["sku"] ?? "", article: nil, error: message, notice: nil,
            formKey: Token.make())
    }

    /// At most this many articles are listed for a search.
    static let searchLimit = 50

    /// The stock page: a scan field — empty and focused after every answer, so the next scan is
    /// never glued onto the last — what was looked up, then the article's balances by location and lot.
    static func stock(
        session: Session, query: String, article: ArticleRecord?, error: String?, notice: String?, formKey: String,
        scanned: Scanned? = nil, matches: [ArticleRecord] = [],
        here: (location: String, balances: [BalanceRecord])? = nil
    ) -> HTML {
        var body: HTML = """
            <h1>Stock</h1>\(message(error))\(message(notice, error: false))
            <form method="get" action="/stock"><label>Scan or type a GTIN, GS1 code or SKU, or words to search
            <input name="q" value="" autofocus autocomplete="off" inputmode="text"></label> <button>Look up</button></form>
            <p><a href="/stock/expiring">Expiring lots</a> · <a href="/stock/sheet">Stocktake sheet</a></p>
            \(query.isEmpty ? "" : "<p>Looked up: <code>\(query)</code></p>" as HTML)
            """
        if let here {
            let rows: [HTML] = here.balances.map { balance in
                """
                <tr><td><a href="/stock?q=\(PageRoutes.percent(balance.sku))">\(balance.sku)</a></td><td>\(balance.lot ?? "—")</td>
                <td>\(balance.expiresOn.map { "\($0)" } ?? "—")</td><td>\(balance.onHand)</td><td>\(balance.reserved)</td>
                <td>\(balance.unusable.map { "\($0.rawValue)" } ?? "\(balance.available)")</td></tr>
                """
            }
            body = """
                \(body)
                <h2>Here (\(here.location))</h2>
                \(rows.isEmpty ? "<p>Nothing in stock here yet: scan a box to receive it.</p>" as HTML : """
                <table><thead><tr><th>Article</th><th>Lot</th><th>Expires</th><th>On hand</th><th>Reserved</th><th>Available</th></tr></thead>
                <tbody>\(rows)</tbody></table>
                """)
                """
        }
        if !matches.isEmpty {
            let rows: [HTML] = matches.prefix(searchLimit).map { found in
                """
                <tr><td><a href="/stock?q=\(PageRoutes.percent(found.sku))">\(found.sku)</a></td><td>\(found.lineName)</td>
                <td>\(found.style) \(found.pressureClass)</td><td>\(found.size) \(found.length)</td><td>\(found.toe)</td><td>\(found.color)</td></tr>
                """
            }
            let more: HTML =
                matches.count > searchLimit ? "<p>More than \(searchLimit) articles match: add a word.</p>" : ""
            body = """
                \(body)
                <h2>\(min(matches.count, searchLimit)) articles match</h2>
                <table><thead><tr><th>Article</th><th>Line</th><th>Garment</th><th>Size</th><th>Toe</th><th>Colour</th></tr></thead>
                <tbody>\(rows)</tbody></table>\(more)
                """
        }
        if let article {
            // A returns balance emptied by inspection says nothing; every other balance shows, even at 0.
            let balances = (article.stock ?? []).filter {
                !($0.unusable == .returned && $0.onHand == 0 && $0.reserved == 0)
            }
            let rows: [HTML] = balances.map { balance in
                """
                <tr><td>\(balance.location)</td><td>\(balance.lot.map { lot in "<a href=\"/lots/\(PageRoutes.percent(lot))?sku=\(PageRoutes.percent(balance.sku))\">\(lot)</a>" as HTML } ?? "—")</td><td>\(balance.expiresOn.map { "\($0)" } ?? "—")</td>
                <td>\(balance.onHand)</td><td>\(balance.reserved)</td><td>\(balance.unusable)</td>
                <td>\(session.role >= .pharmacy ? unusableActions(session, balance) : "")</td></tr>
                """
            }
            body = """
                \(body)
                <h2>\(article.sku) <small>\(article.lineName) · \(article.style) \(article.pressureClass) · size \(article.size) \(article.length) · \(article.color)</small></h2>
                <p>GTIN \(article.gtin)\(article.active ? "" : " · no longer in the catalog") · <a href="/stock/history?sku=\(PageRoutes.percent(article.sku))">history</a></p>
                <table><thead><tr><th>Location</th><th>Lot</th><th>Expires</th><th>On hand</th><th>Reserved</th><th>Not usable</th><th></th></tr></thead>
                <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"7\">No stock anywhere.</td></tr>"] : rows)</tbody></table>
                """
            if session.role >= .pharmacy {
                body = """
                    \(body)
                    <h3>Receive</h3>
                    <form method="post" action="/stock/receive">
                    <input type="hidden" name="csrf" value="\(session.csrf)"><input type="hidden" name="key" value="\(formKey)">
                    <input type="hidden" name="sku" value="\(article.sku)">
                    <label>Quantity <input name="quantity" inputmode="numeric" size="4" required></label>
                    <label>Location <input name="location" size="8" value="\(scanned?.location ?? "")" required></label>
                    <label>Lot <input name="lot" size="10" value="\(scanned?.lot ?? "")"></label>
                    <label>Expires <input name="expires" type="date" value="\(scanned?.expires ?? "")"></label>
                    <button>Receive</button></form>
                    <h3>Count</h3>
                    <form method="post" action="/stock/count">
                    <input type="hidden" name="csrf" value="\(session.csrf)"><input type="hidden" name="key" value="\(Token.make())">
                    <input type="hidden" name="sku" value="\(article.sku)">
                    <label>Counted <input name="counted" inputmode="numeric" size="4" required></label>
                    <label>Location <input name="location" size="8" value="\(scanned?.location ?? "")" required></label>
                    <label>Lot <input name="lot" size="10"></label>
                    <button>Record the count</button></form>
                    <h3>Transfer</h3>
                    <form method="post" action="/stock/transfer">
                    <input type="hidden" name="csrf" value="\(session.csrf)"><input type="hidden" name="key" value="\(Token.make())">
                    <input type="hidden" name="sku" value="\(article.sku)">
                    <label>Quantity <input name="quantity" inputmode="numeric" size="4" required></label>
                    <label>From <input name="from" size="8" required></label>
                    <label>To <input name="to" size="8" required></label>
                    <button>Move</button></form>
                    <h3>Write off</h3>
                    <form method="post" action="/stock/write-off">
                    <input type="hidden" name="csrf" value="\(session.csrf)"><input type="hidden" name="key" value="\(Token.make())">
                    <input type="hidden" name="sku" value="\(article.sku)">
                    <label>Quantity <input name="quantity" inputmode="numeric" size="4" required></label>
                    <label>Location <input name="location" size="8" value="\(scanned?.location ?? "")" required></label>
                    <label>Lot <input name="lot" size="10"></label>
                    <label>Why <select name="reason"><option>damaged</option><option>expired</option><option>recalled</option>
                    <option value="returned">returned, failed inspection</option></select></label>
                    <label>Note <input name="note"></label>
                    <button>Write off</button></form>
                    """
            }
        }
        return layout("Stock", session: session, current: "/stock", body)
    }

    /// What the pharmacy can do with units that may not be sold: a return back on the shelf after
    /// inspection, or written off; expired and recalled units written off. (Held and quarantined
    /// lots are decided on the lot's page.)
    static func unusableActions(_ session: Session, _ balance: BalanceRecord) -> HTML {
        // Each form its own key: the same key on two operations would be refused as reused.
        func hidden(_ units: Int) -> HTML {
            """
            <input type="hidden" name="csrf" value="\(session.csrf)"><input type="hidden" name="key" value="\(Token.make())">
            <input type="hidden" name="sku" value="\(balance.sku)"><input type="hidden" name="location" value="\(balance.location)">
            <input type="hidden" name="lot" value="\(balance.lot ?? "")"><input type="hidden" name="quantity" value="\(units)">
            """
        }
        let forms: [HTML] = balance.actions.map { action in
            switch action {
            case .releaseReturn(let units):
                """
                <form method="post" action="/stock/release-return">\(hidden(units))<button>Passed inspection: back to stock</button></form>
                """
            case .writeOff(let units, let reason):
                """
                <form method="post" action="/stock/write-off">\(hidden(units))<input type="hidden" name="reason" value="\(reason.rawValue)">
                <button>Write off \(units)</button></form>
                """
            }
        }
        return "\(forms)"
    }
}

import Foundation
import HTTPTypes
import HummingbirdTesting
import Inventory
import Logging
import NIOCore
import Postgres
import PostgresTestSupport
import Testing
import WebTestSupport

@testable import CounterWeb

/// One table of fittings, good and bad, through the three faces of the same operation: the command
/// line (the built binary), the API and the fit page. Each must reach the same outcome and say the
/// same words after the field's name (which each face writes its own way: `--cC`, `cC`).
@Suite("The same fit through the command line, the API and the page: the same outcome, the same words", .ownThread)
struct ParityTests {
    /// A fitting as a person enters it.
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        var style = "AD"
        var pressureClass = "2"
        var unit = "cm"
        var abpi: String?
        var leg: [(String, String)] = [("cB", "22"), ("cC", "36.5"), ("cD", "34"), ("lD", "41")]
        /// Further fields by their API names (`tolerance`, `ankle_tolerance`, `abpi_left`).
        var options: [(String, String)] = []
        /// Whether `leg` is measured on both legs, by side (the same values left and right).
        var both = false
        /// `ok`, or the layer's kind of error.
        let outcome: String
        /// The start of the message after the field's name (empty for `ok`).
        var words = ""
        /// For `ok`: the best line's size, or `nil` when every line says made-to-measure.
        var size: String? = "II"
        /// For `ok`: the start of what the fitter is asked to confirm, when something is.
        var confirm: String?
        /// For `ok`: the start of a warning every face shows.
        var warning: String?
        var description: String { name }
    }

    /// The ankle just under Northwind Classic's size I (cB 18–20): the tolerance never widens it.
    static let ankleJustUnder = [("cB", "17.7"), ("cC", "30"), ("cD", "28"), ("lD", "41")]

    static let cases: [Case] = [
        Case(name: "the spec's leg", outcome: "ok"),
        Case(name: "a style in lower case", style: "ad", outcome: "ok"),
        Case(
            name: "a decimal comma", leg: [("cB", "22"), ("cC", "36,5"), ("cD", "34"), ("lD", "41")], outcome: "ok"),
        Case(
            name: "tape fractions in inches", unit: "in",
            leg: [("cB", "8 5/8"), ("cC", "14 3/8"), ("cD", "13-3/8"), ("lD", "16½")], outcome: "ok"),
        Case(
            name: "a unit that is neither cm nor in", unit: "mm", outcome: "bad-input",
            words: "unit: expected cm or in, found 'mm'"),
        Case(
            name: "an unknown style", style: "XX", outcome: "bad-input",
            words: "style: expected AD, AF, AG or AT, found 'XX'"),
        Case(
            name: "a measurement that is not a number", leg: [("cB", "22"), ("cC", "abc"), ("cD", "34"), ("lD", "41")],
            outcome: "bad-input", words: "cC: expected a positive number in cm, found 'abc'"),
        Case(
            name: "a point the lines need, not measured", leg: [("cB", "22"), ("cC", "36.5"), ("lD", "41")],
            outcome: "bad-input", words: "cD: expected a measurement"),
        Case(
            name: "an ABPI that is not a number", abpi: "high", outcome: "bad-input", words: "abpi: expected an index"),
        Case(name: "an ABPI that forbids compression", abpi: "0.4", outcome: "refused", words: "abpi: ABPI 0.4"),
        // NICE CKS, the shop's default policy: below 0.8 do not prescribe stockings; refer.
        Case(
            name: "an ABPI of 0.7 under the default policy (NICE)", abpi: "0.7", outcome: "refused",
            words: "abpi: ABPI 0.7 is below 0.8: do not compress; refer for a vascular assessment (policy nice"),
        // Issue 20 (compression.md §4): the class's pressure is defined at the ankle, so a
        // tolerance never widens cB; only its own tolerance does, and the size is marked to confirm.
        Case(
            name: "a 0.5 tolerance leaves an ankle 0.3 cm under size I made to measure", leg: ankleJustUnder,
            options: [("tolerance", "0.5")], outcome: "ok", size: nil),
        Case(
            name: "an ankle tolerance admits size I, marked to confirm", leg: ankleJustUnder,
            options: [("ankle_tolerance", "0.5")], outcome: "ok", size: "I",
            confirm: "cB 17.7 cm is 0.3 cm below size I 18–20 cm: it fits only by the ankle tolerance"),
        Case(
            name: "a calf tolerance admits size II, marked to confirm",
            leg: [("cB", "21"), ("cC", "38.4"), ("cD", "34"), ("lD", "41")], options: [("tolerance", "0.5")],
            outcome: "ok", size: "II",
            confirm: "cC 38.4 cm is 0.4 cm above size II 30–38 cm: it fits only by the tolerance"),
        Case(
            name: "an ankle tolerance past 10 cm", options: [("ankle_tolerance", "11")], outcome: "bad-input",
            words: "ankle_tolerance: expected a length from 0 to 10 cm in cm, found '11'"),
        // compression.md §5: an ABPI is per leg; one index for two legs is ambiguous, and each
        // leg's is judged by the shop's policy (NICE CKS by default) on its own.
        Case(
            name: "one ABPI for two legs", abpi: "1.0", both: true, outcome: "bad-input",
            words:
                "abpi: expected abpi_left and abpi_right for legs fitted by side (an ABPI is per leg), found one index for both"
        ),
        Case(
            name: "a left leg whose ABPI the default policy refuses",
            options: [("abpi_left", "0.7"), ("abpi_right", "1.1")],
            both: true, outcome: "refused",
            words: "abpi_left: ABPI 0.7 is below 0.8: do not compress; refer for a vascular assessment (policy nice"),
        Case(
            name: "each leg's ABPI, both allowed", options: [("abpi_left", "1.0"), ("abpi_right", "1.1")], both: true,
            outcome: "ok", size: "II"),
        Case(
            name: "a right leg's ABPI with one unnamed leg", options: [("abpi_right", "1.0")], outcome: "bad-input",
            words: "abpi_right: expected it with the right leg's measurements, found no right leg"),
        // compression.md §5 and the S2k guideline: how and when the legs were measured, and the
        // contraindication checklist (an absolute one refuses; a relative one is a warning here and
        // needs a specialist's confirmation when the fitting is recorded).
        Case(
            name: "an absolute contraindication", options: [("contraindications", "phlegmasia")], outcome: "refused",
            words:
                "contraindications: phlegmasia coerulea dolens is an absolute contraindication to compression: do not compress; refer (German S2k guideline"
        ),
        Case(
            name: "a relative contraindication", options: [("contraindications", "neuropathy")], outcome: "ok",
            warning:
                "neuropathy or severe sensory loss is a relative contraindication: compress only with a specialist's confirmation"
        ),
        Case(
            name: "legs measured after midday, not raised first",
            options: [("measured_at", "15:10"), ("legs_raised", "no"), ("posture", "standing")], outcome: "ok",
            warning: "measured at 15:10, after midday, without the legs raised first"),
        Case(
            name: "legs measured after midday, raised first",
            options: [("measured_at", "15:10"), ("legs_raised", "yes")],
            outcome: "ok"),
        Case(
            name: "a posture nobody measures in", options: [("posture", "upside-down")], outcome: "bad-input",
            words: "posture: expected standing, seated, lying or mixed, found 'upside-down'"),
        Case(
            name: "a time of day that does not exist", options: [("measured_at", "25:00")], outcome: "bad-input",
            words: "measured_at: expected a time of day today such as 09:30, found '25:00'"),
        // compression.md §5: a UK class 2 is 18–24 mmHg, a RAL 2 23–32: never resolved silently.
        Case(
            name: "a bare class that a RAL and a BS line read differently", style: "AG",
            leg: [("cB", "22"), ("cC", "36.5"), ("cD", "34"), ("cE", "36"), ("cF", "46"), ("cG", "55"), ("lG", "75")],
            outcome: "bad-input",
            words:
                "class: expected the class with its standard (BS:2 or RAL:2), since BS 2 is 18–24 mmHg and RAL 2 is 23–32 mmHg, found '2'"
        ),
        Case(
            name: "the same class with its standard", style: "AG", pressureClass: "RAL:2",
            leg: [("cB", "22"), ("cC", "36.5"), ("cD", "34"), ("cE", "36"), ("cF", "46"), ("cG", "55"), ("lG", "75")],
            outcome: "ok"),
    ]

    /// What one face answered: the outcome and the words after the field's name.
    struct Answer: Equatable, CustomStringConvertible {
        let outcome: String
        let words: String
        var description: String { "\(outcome): \(words)" }
    }

    static func kind(ofExit status: Int32) -> String {
        switch status {
        case 0: "ok"
        case 1: "refused"
        case 64: "bad-input"
        default: "exit \(status)"
        }
    }

    static func kind(of status: HTTPResponse.Status) -> String {
        switch status {
        case .ok: "ok"
        case .conflict: "refused"
        case .unprocessableContent: "bad-input"
        default: "status \(status.code)"
        }
    }

    static func unescaped(_ html: String) -> String {
        html.replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// A seeded database, a pharmacist's login and the three faces over it: `body` gets the command
    /// line's environment, the API's credentials, a browser signed in to the pages and the client.
    static func withFaces(
        _ body: @escaping @Sendable ([String: String], String, Browser, any TestClientProtocol) async throws -> Void
    ) async throws {
        let (url, environment) = try CFit.seededDatabase()
        // A UK line beside the RAL ones, in thigh-high only: a bare class 2 is then ambiguous for AG.
        let ral = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: "\(CFit.root)/Seeds/northwind.json")))
        var catalog = try #require(ral as? [String: Any])
        var line = try #require((catalog["lines"] as? [[String: Any]])?.first)
        line["id"] = "albion-classic"
        line["standard"] = "BS"
        line["styles"] = ["AG"]
        line["lengths"] = (line["lengths"] as? [[String: Any]])?.filter { $0["style"] as? String == "AG" }
        catalog["manufacturer"] = "Albion Hosiery (sample data)"
        catalog["lines"] = [line]
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("albion-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: catalog).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let imported = try CFit.run(["catalog", "import", file.path], environment: environment)
        #expect(imported.status == 0, "\(imported.stderr) \(imported.stdout)")
        let password = "parity-\(UUID().uuidString.prefix(8))"
        let login = "par\(getpid())_\(UUID().uuidString.prefix(6).lowercased())"
        let owner = try Connection(url)
        _ = try Users(connection: owner).add(login, role: "pharmacy", password: password)
        owner.close()
        var logger = Logger(label: "cfit.serve.parity")
        logger.logLevel = .critical
        let server = try WebServer(WebServer.Settings(databaseURL: url), logger: logger)
        try await server.application().test(.router) { client in
            let browser = Browser(client)
            #expect(try await browser.signIn(login, password) == .seeOther)
            try await body(
                environment, "Basic " + Data("\(login):\(password)".utf8).base64EncodedString(), browser, client)
        }
    }

    @Test("every case: the same outcome and the same words on each face")
    func parity() async throws {
        try await Self.withFaces { environment, auth, browser, client in
            for (index, entry) in Self.cases.enumerated() {
                // The command line.
                var arguments = ["fit", "--style", entry.style, "--class", entry.pressureClass, "--unit", entry.unit]
                if let abpi = entry.abpi { arguments += ["--abpi", abpi] }
                for (name, value) in entry.options {
                    // The checklist's flag is said once per finding.
                    let flag = name == "contraindications" ? "contraindication" : name
                    arguments += ["--\(flag.replacingOccurrences(of: "_", with: "-"))", value]
                }
                if entry.both {
                    let measured = entry.leg.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
                    arguments += ["--left", measured, "--right", measured]
                } else {
                    for (point, value) in entry.leg { arguments += ["--\(point)", value] }
                }
                let run = try CFit.run(arguments, environment: environment)
                var line = run.firstErrorLine.replacingOccurrences(of: "error: ", with: "")
                if line.hasPrefix("--"), let colon = line.range(of: ": ") {
                    // The command line names a field as its flag (`--ankle-tolerance`).
                    let flag = line[line.index(line.startIndex, offsetBy: 2)..<colon.lowerBound]
                    line =
                        (flag == "contraindication"
                            ? "contraindications" : flag.replacingOccurrences(of: "-", with: "_"))
                        + line[colon.lowerBound...]
                }
                let cli = Answer(outcome: Self.kind(ofExit: run.status), words: run.status == 0 ? "" : line)

                // The API.
                var body: [String: Any] = [
                    "style": entry.style, "class": entry.pressureClass, "unit": entry.unit,
                    "legs": entry.both
                        ? [
                            "left": Dictionary(uniqueKeysWithValues: entry.leg),
                            "right": Dictionary(uniqueKeysWithValues: entry.leg),
                        ] : ["leg": Dictionary(uniqueKeysWithValues: entry.leg)],
                ]
                if let abpi = entry.abpi { body["abpi"] = abpi }
                for (name, value) in entry.options { body[name] = value }
                let json = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
                let response = try await client.execute(
                    uri: "/api/v1/fit", method: .post,
                    headers: [.authorization: auth, .contentType: "application/json"], body: ByteBuffer(string: json))
                let problem =
                    (try? JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)))
                    as? [String: Any]
                let api = Answer(
                    outcome: Self.kind(of: response.status),
                    words: response.status == .ok
                        ? "" : (problem?["detail"] as? String ?? String(buffer: response.body)))

                // The page.
                let form = try await browser.get("/fit?style=\(entry.style.uppercased())\(entry.both ? "&both=1" : "")")
                var fields = [
                    "csrf": Browser.token(form.body) ?? "", "key": "parity-\(index)", "style": entry.style,
                    "class": entry.pressureClass, "unit": entry.unit, "abpi": entry.abpi ?? "",
                    "both": entry.both ? "1" : "",
                ]
                for (point, value) in entry.leg {
                    if entry.both {
                        fields["left.\(point)"] = value
                        fields["right.\(point)"] = value
                    } else {
                        fields[point] = value
                    }
                }
                for (name, value) in entry.options {
                    // The page's checklist is a box per finding.
                    if name == "contraindications" { fields["ci_\(value)"] = "yes" } else { fields[name] = value }
                }
                let posted = try await browser.post("/fit", fields)
                let error = posted.body.range(of: "<p class=\"error\" role=\"alert\">").map {
                    Self.unescaped(String(posted.body[$0.upperBound...].prefix { $0 != "<" }))
                }
                let page = Answer(outcome: Self.kind(of: posted.status), words: error ?? "")
                #expect(
                    cli.outcome == entry.outcome && api.outcome == entry.outcome && page.outcome == entry.outcome,
                    "\(entry): cli \(cli), api \(api), page \(page)")
                #expect(
                    cli.words == api.words && api.words == page.words, "\(entry): cli \(cli), api \(api), page \(page)")
                #expect(cli.words.hasPrefix(entry.words), "\(entry): \(cli)")

                // A ready-made answer says the same size on every face, and what to confirm.
                let answered = String(buffer: response.body)
                // Other standards' classes are shown as approximate, never as a fit of the class.
                if entry.outcome == "ok" {
                    #expect(posted.body.contains("never a fit of the class"), "\(entry): the page")
                    #expect(answered.contains("\"equivalents\":[\""), "\(entry): the API")
                    #expect(run.stdout.contains("(approximate: standards test pressure differently"), "\(entry): cli")
                }
                if entry.outcome == "ok", let size = entry.size {
                    #expect(posted.body.contains("size <strong>\(size)</strong>"), "\(entry): the page")
                    #expect(answered.contains("\"size\":\"\(size)\""), "\(entry): the API")
                    #expect(run.stdout.contains(": size \(size), length"), "\(entry): the command line")
                } else if entry.outcome == "ok" {
                    #expect(!posted.body.contains("size <strong>"), "\(entry): the page")
                    #expect(!answered.contains("\"outcome\":\"standard\""), "\(entry): the API")
                    #expect(!run.stdout.contains(", length "), "\(entry): the command line")
                }
                if let warning = entry.warning {
                    #expect(Self.unescaped(posted.body).contains(warning), "\(entry): the page")
                    #expect(answered.contains(warning), "\(entry): the API")
                    #expect(run.stdout.contains("warning: \(warning)"), "\(entry): the command line")
                } else if entry.outcome == "ok" {
                    #expect(!answered.contains("contraindication") && !answered.contains("after midday"), "\(entry)")
                }
                if let confirm = entry.confirm {
                    #expect(Self.unescaped(posted.body).contains(confirm), "\(entry): the page")
                    #expect(answered.contains(confirm), "\(entry): the API")
                    #expect(run.stdout.contains("confirm: \(confirm)"), "\(entry): the command line")
                } else if entry.outcome == "ok" {
                    #expect(!posted.body.contains("<strong>to confirm</strong>"), "\(entry): the page")
                    #expect(!answered.contains("fits only by"), "\(entry): the API")
                }
            }
        }
    }

    /// A receipt as a person enters it, and what every face must make of it.
    struct Receipt: Sendable, CustomStringConvertible {
        let name: String
        var sku = "NW-CL-AD2-II-R-C-BE"
        var quantity = "2"
        var location = "shop"
        var lot: String? = "L-PAR"
        var expires: String? = "2030-01-31"
        /// `ok`, or the layer's kind of error.
        let outcome: String
        /// The start of the message after the field's name (and with inputs named without `--`).
        var words = ""
        /// What the API says instead, where its JSON cannot carry what was typed (a number's type).
        var apiWords: String?
        var description: String { name }
    }

    static let receipts: [Receipt] = [
        Receipt(name: "a delivery with its lot", outcome: "ok"),
        Receipt(
            name: "a raw scan as scanners send it", sku: "01020000000004591729073110LIV-A", quantity: "1", lot: nil,
            expires: nil, outcome: "ok"),
        Receipt(
            name: "units that are not a number", quantity: "three", outcome: "bad-input",
            words: "expected a whole number, found 'three'",
            apiWords: "expected a whole number, found a value of another type"),
        Receipt(
            name: "no units", quantity: "0", outcome: "bad-input", words: "expected 1 to 2147483647 units, found 0"),
        Receipt(
            name: "an unknown article", sku: "NOPE-1", outcome: "not-found",
            words: "expected a known SKU or GTIN, found 'NOPE-1'"),
        Receipt(name: "an unknown location", location: "attic", outcome: "not-found", words: "expected one of"),
        Receipt(
            name: "an expiry without its lot", lot: nil, outcome: "bad-input",
            words: "expected lot with it (expiry belongs to a lot), found no lot"),
        Receipt(
            name: "a day that does not exist", expires: "2030-02-30", outcome: "bad-input",
            words: "expected a real calendar day"),
        Receipt(
            name: "a scan whose lot is not the one typed", sku: "01020000000004591729073110LIV-A", lot: "OTHER",
            expires: nil, outcome: "bad-input", words: "expected the scanned lot LIV-A, found 'OTHER'"),
    ]

    /// The exit status and the HTTP status each kind has.
    static func statuses(_ kind: String) -> (exit: Int32, http: HTTPResponse.Status) {
        switch kind {
        case "ok": (0, .ok)
        case "not-found": (64, .notFound)
        case "refused": (1, .conflict)
        default: (64, .unprocessableContent)
        }
    }

    /// The words after the field's name, with every input named plainly (`--lot` and `lot` alike).
    static func words(_ line: String) -> String {
        let plain = line.replacingOccurrences(of: "error: ", with: "").replacingOccurrences(of: "--", with: "")
        return plain.range(of: ": ").map { String(plain[$0.upperBound...]) } ?? plain
    }

    /// What the command line answered: the exit status as a kind, and the words of its error.
    static func cliAnswer(_ run: RunResult, expected: (exit: Int32, http: HTTPResponse.Status), outcome: String)
        -> Answer
    {
        Answer(
            outcome: run.status == expected.exit ? outcome : "exit \(run.status)",
            words: run.status == 0 ? "" : words(run.firstErrorLine))
    }

    /// What the API answered to a write: created, or the problem's kind and words.
    static func apiAnswer(
        _ response: TestResponse, expected: (exit: Int32, http: HTTPResponse.Status), outcome: String
    ) -> Answer {
        let problem =
            (try? JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8))) as? [String: Any]
        let created = response.status == .created
        return Answer(
            outcome: created || response.status == expected.http
                ? (created ? "ok" : outcome) : "status \(response.status.code)",
            words: created ? "" : words(problem?["detail"] as? String ?? String(buffer: response.body)))
    }

    /// What the page answered to a posted form: a redirect, or the refusal's kind and words.
    static func pageAnswer(
        _ posted: (status: HTTPResponse.Status, body: String, headers: HTTPFields),
        expected: (exit: Int32, http: HTTPResponse.Status), outcome: String
    ) -> Answer {
        let error = posted.body.range(of: "<p class=\"error\" role=\"alert\">").map {
            unescaped(String(posted.body[$0.upperBound...].prefix { $0 != "<" }))
        }
        return Answer(
            outcome: posted.status == .seeOther
                ? "ok" : posted.status == expected.http ? outcome : "status \(posted.status.code)",
            words: error.map(words) ?? "")
    }

    /// The three faces reached `outcome` and said the same words (the API its own, where its JSON
    /// cannot carry what was typed), starting with `words`.
    static func expectSame(
        _ entry: some CustomStringConvertible, outcome: String, words: String, apiWords: String?, cli: Answer,
        api: Answer, page: Answer
    ) {
        #expect(
            cli.outcome == outcome && api.outcome == outcome && page.outcome == outcome,
            "\(entry): cli \(cli), api \(api), page \(page)")
        #expect(cli.words == page.words, "\(entry): cli \(cli), page \(page)")
        #expect(api.words == (apiWords ?? cli.words), "\(entry): cli \(cli), api \(api)")
        #expect(cli.words.hasPrefix(words), "\(entry): \(cli)")
    }

    @Test("receiving stock: the same outcome and the same words on each face")
    func receiving() async throws {
        try await Self.withFaces { environment, auth, browser, client in
            for (index, entry) in Self.receipts.enumerated() {
                let expected = Self.statuses(entry.outcome)
                var arguments = ["stock", "receive", entry.sku, entry.quantity, "--location", entry.location]
                if let lot = entry.lot { arguments += ["--lot", lot] }
                if let expires = entry.expires { arguments += ["--expires", expires] }
                arguments += ["--idempotency-key", "cli-\(index)"]
                let cli = Self.cliAnswer(
                    try CFit.run(arguments, environment: environment), expected: expected, outcome: entry.outcome)

                var body: [String: Any] = [
                    "sku": entry.sku, "quantity": Int(entry.quantity) ?? entry.quantity,
                    "location": entry.location,
                ]
                if let lot = entry.lot { body["lot"] = lot }
                if let expires = entry.expires { body["expires"] = expires }
                let json = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
                let response = try await client.execute(
                    uri: "/api/v1/stock/receive", method: .post,
                    headers: [
                        .authorization: auth, .contentType: "application/json",
                        HTTPField.Name("Idempotency-Key")!: "api-\(index)",
                    ], body: ByteBuffer(string: json))
                let api = Self.apiAnswer(response, expected: expected, outcome: entry.outcome)

                let form = try await browser.get("/stock?q=NW-CL-AD2-II-R-C-BE")
                var fields = [
                    "csrf": Browser.token(form.body) ?? "", "key": "page-\(index)", "sku": entry.sku,
                    "quantity": entry.quantity, "location": entry.location,
                ]
                if let lot = entry.lot { fields["lot"] = lot }
                if let expires = entry.expires { fields["expires"] = expires }
                let posted = try await browser.post("/stock/receive", fields)
                let page = Self.pageAnswer(posted, expected: expected, outcome: entry.outcome)

                Self.expectSame(
                    entry, outcome: entry.outcome, words: entry.words, apiWords: entry.apiWords, cli: cli, api: api,
                    page: page)
            }
        }
    }

    /// A prescription as written at the counter.
    struct Written: Sendable, CustomStringConvertible {
        let name: String
        var patient = "P-PAR"
        var style = "AD"
        var pressureClass = "2"
        var quantity = "2"
        var validUntil: String?
        /// `ok`, or the layer's kind of error.
        let outcome: String
        /// The start of the message after the field's name.
        var words = ""
        /// What the API says instead, where its JSON cannot carry what was typed (a number's type).
        var apiWords: String?
        var description: String { name }
    }

    static let prescriptions: [Written] = [
        Written(name: "a pair of knee-highs in class 2", outcome: "ok"),
        Written(name: "a style in lower case", style: "ag", outcome: "ok"),
        Written(
            name: "an unknown style", style: "XX", outcome: "bad-input", words: "expected AD, AF, AG or AT, found 'XX'"),
        Written(
            name: "a class in no standard", pressureClass: "Q:2", outcome: "bad-input",
            words: "expected a class such as 2, RAL:2 or US:20-30, found 'Q:2'"),
        Written(
            name: "garments that are not a number", quantity: "two", outcome: "bad-input",
            words: "expected a whole number, found 'two'",
            apiWords: "expected a whole number, found a value of another type"),
        Written(
            name: "a day that does not exist", validUntil: "2030-02-30", outcome: "bad-input",
            words: "expected a real calendar day"),
        Written(
            name: "a reference with a blank around it", patient: " P-PAR", outcome: "bad-input",
            words: "expected a code of 1 to 100 characters without surrounding spaces, found ' P-PAR'"),
    ]

    @Test("recording a prescription: the same outcome and the same words on each face")
    func prescribing() async throws {
        try await Self.withFaces { environment, auth, browser, client in
            for (index, entry) in Self.prescriptions.enumerated() {
                let expected = Self.statuses(entry.outcome)
                // Each face records its own patient, so the good cases never meet one another's.
                func patient(_ face: String) -> String {
                    entry.patient.hasPrefix(" ") ? entry.patient : "\(entry.patient)-\(face)-\(index)"
                }
                var arguments = [
                    "rx", "new", "--arterial-assessed", "--patient", patient("C"), "--patient-name", "Ada Parity",
                    "--prescriber", "DR-PAR",
                    "--prescriber-name", "Dr Parity", "--style", entry.style, "--class", entry.pressureClass,
                    "--quantity", entry.quantity, "--idempotency-key", "rx-cli-\(index)",
                ]
                if let day = entry.validUntil { arguments += ["--valid-until", day] }
                let cli = Self.cliAnswer(
                    try CFit.run(arguments, environment: environment), expected: expected, outcome: entry.outcome)

                var body: [String: Any] = [
                    "patient": patient("A"), "patient_name": "Ada Parity", "prescriber": "DR-PAR",
                    "prescriber_name": "Dr Parity", "style": entry.style, "class": entry.pressureClass,
                    "quantity": Int(entry.quantity) ?? entry.quantity,
                ]
                if let day = entry.validUntil { body["valid_until"] = day }
                let response = try await client.execute(
                    uri: "/api/v1/prescriptions", method: .post,
                    headers: [
                        .authorization: auth, .contentType: "application/json",
                        HTTPField.Name("Idempotency-Key")!: "rx-api-\(index)",
                    ], body: ByteBuffer(data: try JSONSerialization.data(withJSONObject: body)))
                let api = Self.apiAnswer(response, expected: expected, outcome: entry.outcome)

                let form = try await browser.get("/prescriptions/new")
                var fields = [
                    "csrf": Browser.token(form.body) ?? "", "key": "rx-page-\(index)", "patient": patient("P"),
                    "patient_name": "Ada Parity", "prescriber": "DR-PAR", "prescriber_name": "Dr Parity",
                    "style": entry.style, "class": entry.pressureClass, "quantity": entry.quantity, "side": "both",
                ]
                if let day = entry.validUntil { fields["valid_until"] = day }
                let posted = try await browser.post("/prescriptions/new", fields)
                let page = Self.pageAnswer(posted, expected: expected, outcome: entry.outcome)

                Self.expectSame(
                    entry, outcome: entry.outcome, words: entry.words, apiWords: entry.apiWords, cli: cli, api: api,
                    page: page)
            }
        }
    }
}

extension ParityTests {
    /// Issue 20 (compression.md §5: "above 20 mmHg [an ABPI] should be known before fitting"): a
    /// garment above 20 mmHg is reserved only when each leg the prescription covers has its ABPI
    /// recorded at a fitting, or the prescriber's assessment is on the prescription. The database
    /// guards it; every face says the same words.
    @Test("the arterial gate: the same refusal on each face until each leg's ABPI is recorded, then a reservation")
    func arterialGate() async throws {
        try await Self.withFaces { environment, auth, browser, client in
            let made = try CFit.run(
                [
                    "rx", "new", "--patient", "P-GATE", "--patient-name", "Gale Sample", "--prescriber", "DR-01",
                    "--style", "AD", "--class", "RAL:2", "--quantity", "6", "--number", "RX-GATE",
                ], environment: environment)
            #expect(made.status == 0, "\(made.stderr)")
            let sku = "NW-CL-AD2-II-R-C-BE"
            func reserveEverywhere(_ round: String) async throws -> [Answer] {
                let expected = Self.statuses("refused")
                let run = try CFit.run(
                    ["reserve", "--rx", "RX-GATE", "--sku", sku, "--idempotency-key", "cli-\(round)"],
                    environment: environment)
                let cli =
                    run.status == 0
                    ? Answer(outcome: "ok", words: "") : Self.cliAnswer(run, expected: expected, outcome: "refused")
                let response = try await client.execute(
                    uri: "/api/v1/reservations", method: .post,
                    headers: [
                        .authorization: auth, .contentType: "application/json",
                        HTTPField.Name("Idempotency-Key")!: "api-\(round)",
                    ], body: ByteBuffer(string: #"{"prescription": "RX-GATE", "sku": "\#(sku)"}"#))
                let api = Self.apiAnswer(response, expected: expected, outcome: "refused")
                let form = try await browser.get("/prescriptions/RX-GATE")
                let posted = try await browser.post(
                    "/reserve",
                    ["csrf": Browser.token(form.body) ?? "", "key": "page-\(round)", "rx": "RX-GATE", "sku": sku])
                let page =
                    posted.status == .ok
                    ? Answer(outcome: "ok", words: "") : Self.pageAnswer(posted, expected: expected, outcome: "refused")
                return [cli, api, page]
            }

            // Nothing recorded: refused on every face, naming the left leg first and both ways out.
            let none = try await reserveEverywhere("none")
            Self.expectSame(
                "no ABPI recorded", outcome: "refused",
                words:
                    "reserving \(sku) (RAL 2, 23–32 mmHg, above 20 mmHg) needs the left leg's ABPI recorded at a fitting for this patient, or the prescriber's arterial assessment recorded on prescription RX-GATE; found neither",
                apiWords: nil, cli: none[0], api: none[1], page: none[2])

            // The left leg's index alone (a fitting by the command line): the right leg is named.
            let left = try CFit.run(
                [
                    "fit", "--style", "AD", "--class", "RAL:2", "--left", "cB=22,cC=36.5,cD=34,lD=41", "--abpi-left",
                    "1.0", "--rx", "RX-GATE", "--record",
                ], environment: environment)
            #expect(left.status == 0, "\(left.stderr)")
            let oneLeg = try await reserveEverywhere("left")
            Self.expectSame(
                "only the left leg's ABPI", outcome: "refused",
                words: "reserving \(sku) (RAL 2, 23–32 mmHg, above 20 mmHg) needs the right leg's ABPI",
                apiWords: nil, cli: oneLeg[0], api: oneLeg[1], page: oneLeg[2])

            // Both legs recorded through the API: each face reserves.
            let recorded = try await client.execute(
                uri: "/api/v1/fittings", method: .post,
                headers: [
                    .authorization: auth, .contentType: "application/json",
                    HTTPField.Name("Idempotency-Key")!: "fit-both",
                ],
                body: ByteBuffer(
                    string: """
                        {"rx": "RX-GATE", "style": "AD", "class": "RAL:2", "abpi_left": "1.0", "abpi_right": 1.1,
                         "legs": {"left": {"cB": "22", "cC": "36.5", "cD": "34", "lD": "41"},
                                  "right": {"cB": "22", "cC": "36", "cD": "34", "lD": "41"}}}
                        """))
            #expect(recorded.status == .created, "\(String(buffer: recorded.body))")
            let fitting =
                (try? JSONSerialization.jsonObject(with: Data(String(buffer: recorded.body).utf8))) as? [String: Any]
            #expect(fitting?["abpiLeft"] as? String == "1.0" && fitting?["abpiRight"] as? String == "1.1")
            #expect(fitting?["arterialPolicy"] as? String == "nice")
            let open = try await reserveEverywhere("both")
            #expect(open.map(\.outcome) == ["ok", "ok", "ok"], "\(open)")
        }
    }
}

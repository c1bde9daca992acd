import Counter
import Foundation
import HTTPTypes
import Hummingbird

/// The HTTP API for the pharmacy's other systems (the till, the web shop): the same operations as
/// the command line with the same JSON as its `--json`, idempotency keys in `Idempotency-Key`,
/// errors as problem details (RFC 9457), HTTP Basic or the session cookie. The operations table
/// below both registers the routes and writes the OpenAPI document, so the two cannot drift.
enum APIRoutes {
    /// One operation of the API.
    struct Operation: Sendable {
        let method: HTTPRequest.Method
        /// The path as the router and OpenAPI write it: `{id}` for a parameter.
        let path: String
        /// What a success answers with, read from the layer's record types.
        let answer: ValueShape
        let summary: String
        /// Whether it changes something (then it needs an `Idempotency-Key`).
        let writes: Bool
        let parameters: [(name: String, in: String, description: String)]
        let body: [RequestField]
        let created: Bool
        /// Whether the body is `multipart/form-data` files (`body` types "binary") rather than JSON.
        var multipart = false

        /// Query parameters the operation cannot do without.
        var requiredQuery: Set<String> = []
        let handler: @Sendable (Request, WebContext, Caller) async throws -> [UInt8]
    }

    /// Who is calling, checked, and the key their write carries.
    struct Caller: Sendable {
        let login: String
        let key: String?
    }

    static func operations(state: WebState) -> [Operation] {
        [
            Operation(
                method: .get, path: "/api/v1/articles/{code}", answer: .record(ArticleRecord.self),
                summary: "An article (SKU, GTIN or GS1 code) with its stock",
                writes: false, parameters: [("code", "path", "SKU, GTIN or scanned GS1 code")], body: [], created: false
            ) { _, context, caller in
                let code = try Web.path(context, "code")
                return try Web.encode(try await state.withDesk(caller.login) { try $0.article(code) })
            },
            Operation(
                method: .get, path: "/api/v1/stock", answer: .list(BalanceRecord.self),
                summary: "Balances, of one article or every article with stock",
                writes: false,
                parameters: [
                    ("sku", "query", "SKU or GTIN (optional)"), ("location", "query", "location code (optional)"),
                ], body: [], created: false
            ) { request, _, caller in
                let (sku, location) = (try query(request, "sku"), try query(request, "location"))
                return try Web.encode(
                    try await state.withDesk(caller.login) { try $0.balances(sku: sku, location: location) })
            },
            Operation(
                method: .post, path: "/api/v1/reservations", answer: .record(ReservationRecord.self),
                summary: "Reserve one unit for a prescription",
                writes: true, parameters: [],
                body: ReserveRequest.fields, created: true
            ) { request, _, caller in
                let reserve = try await decoded(ReserveRequest.self, request, limit: state.limits.body)
                let key = caller.key!
                return try Web.encode(try await state.withDesk(caller.login) { try reserve.run(on: $0, key: key) })
            },
            Operation(
                method: .post, path: "/api/v1/reservations/{id}/dispense", answer: .record(DispenseRecord.self),
                summary: "Hand the reserved unit over (dispense it)", writes: true,
                parameters: [
                    ("id", "path", "reservation reference (R-…)"),
                    (
                        "prescription", "query",
                        "the prescription it is for: checked when given, needed with a number instead of a reference"
                    ),
                    (
                        "scan", "query",
                        "the box in the hand as scanned (GTIN, GS1 code or SKU): refused unless it is the reserved article and lot"
                    ),
                ], body: [],
                created: true
            ) { request, context, caller in
                let (id, rx, key) = (try Web.path(context, "id"), try query(request, "prescription"), caller.key!)
                let scan = try query(request, "scan")
                return try Web.encode(
                    try await state.withDesk(caller.login) {
                        try $0.dispense(reservation: id, rx: rx, scan: scan, key: key)
                    })
            },
            Operation(
                method: .post, path: "/api/v1/reservations/{id}/release", answer: .record(ReservationRecord.self),
                summary: "Give a reserved unit back to stock",
                writes: true,
                parameters: [
                    ("id", "path", "reservation reference (R-…)"),
                    (
                        "prescription", "query",
                        "the prescription it is for: checked when given, needed with a number instead of a reference"
                    ),
                ], body: [],
                created: false
            ) { request, context, caller in
                let (id, rx, key) = (try Web.path(context, "id"), try query(request, "prescription"), caller.key!)
                return try Web.encode(
                    try await state.withDesk(caller.login) { try $0.release(reservation: id, rx: rx, key: key) })
            },
            Operation(
                method: .post, path: "/api/v1/stock/receive", answer: .record(MovementRecord.self),
                summary: "Receive units into a location (a lot optional)",
                writes: true, parameters: [],
                body: ReceiveRequest.fields, created: true
            ) { request, _, caller in
                let receipt = try await decoded(ReceiveRequest.self, request, limit: state.limits.body)
                let key = caller.key!
                return try Web.encode(try await state.withDesk(caller.login) { try receipt.run(on: $0, key: key) })
            },
            Operation(
                method: .post, path: "/api/v1/stock/count",
                answer: .object([
                    .init(name: "movement", shape: .nullable(.record(MovementRecord.self)), required: true)
                ]), summary: "Record a count; the difference is booked",
                writes: true, parameters: [],
                body: CountRequest.fields, created: false
            ) { request, _, caller in
                let count = try await decoded(CountRequest.self, request, limit: state.limits.body)
                let key = caller.key!
                let movement = try await state.withDesk(caller.login) { try count.run(on: $0, key: key) }
                return try Web.encode(["movement": movement])
            },
            Operation(
                method: .post, path: "/api/v1/stock/transfer", answer: .list(MovementRecord.self),
                summary: "Move units between locations",
                writes: true, parameters: [],
                body: TransferRequest.fields, created: true
            ) { request, _, caller in
                let transfer = try await decoded(TransferRequest.self, request, limit: state.limits.body)
                let key = caller.key!
                return try Web.encode(try await state.withDesk(caller.login) { try transfer.run(on: $0, key: key) })
            },
            Operation(
                method: .get, path: "/api/v1/stock/low", answer: .list(LowStock.self),
                summary: "What is below its minimum, with suggested orders",
                writes: false, parameters: [("location", "query", "location code (optional)")], body: [],
                created: false
            ) { request, _, caller in
                let location = try query(request, "location")
                return try Web.encode(try await state.withDesk(caller.login) { try $0.low(location: location) })
            },
            Operation(
                method: .get, path: "/api/v1/stock/expiring", answer: .list(ExpiringLot.self),
                summary: "Lots on hand expiring within N days, the expired ones included, soonest first",
                writes: false,
                parameters: [
                    ("within", "query", "days ahead, 0 to 3650 (default 90)"),
                    ("location", "query", "location code (optional)"),
                ], body: [], created: false
            ) { request, _, caller in
                let (within, location) = (try query(request, "within"), try query(request, "location"))
                return try Web.encode(
                    try await state.withDesk(caller.login) { try $0.expiringLots(within: within, location: location) })
            },
            Operation(
                method: .get, path: "/api/v1/stock/history", answer: .list(MovementRecord.self),
                summary: "An article's ledger, oldest first",
                writes: false, parameters: [("sku", "query", "SKU or GTIN")], body: [], created: false,
                requiredQuery: ["sku"]
            ) { request, _, caller in
                let sku = try query(request, "sku") ?? ""
                return try Web.encode(try await state.withDesk(caller.login) { try $0.history(sku: sku) })
            },
            Operation(
                method: .get, path: "/api/v1/lots/{code}", answer: .record(LotRecord.self),
                summary: "A lot: where its units are, what is reserved from it, who received it",
                writes: false,
                parameters: [("code", "path", "lot code"), ("sku", "query", "SKU, when the code is not unique")],
                body: [], created: false
            ) { request, context, caller in
                let (code, sku) = (try Web.path(context, "code"), try query(request, "sku"))
                return try Web.encode(try await state.withDesk(caller.login) { try $0.lot(code, sku: sku) })
            },
            Operation(
                method: .get, path: "/api/v1/stock/sheet", answer: .list(StocktakeLine.self),
                summary: "A location's stocktake sheet: every article and lot held there, with what the books hold",
                writes: false, parameters: [("location", "query", "location code (default: this server's)")],
                body: [], created: false
            ) { request, _, caller in
                let location = try query(request, "location")
                return try Web.encode(
                    try await state.withDesk(caller.login) { try $0.stocktakeSheet(location: location) })
            },
            Operation(
                method: .post, path: "/api/v1/stock/sheet", answer: .record(StocktakeResult.self),
                summary: "Post a filled-in stocktake sheet: every line a count, all or nothing; the differences listed",
                writes: true, parameters: [], body: StocktakeRequest.fields, created: true
            ) { request, _, caller in
                let sheet = try await decoded(StocktakeRequest.self, request, limit: state.limits.body)
                let key = caller.key!
                return try Web.encode(try await state.withDesk(caller.login) { try sheet.run(on: $0, key: key) })
            },
            Operation(
                method: .get, path: "/api/v1/lots/{code}/contacts", answer: .list(RecallContact.self),
                summary:
                    "A recall's contact list: who received the lot, how to reach them, how far staff got (pharmacy and admin)",
                writes: false,
                parameters: [("code", "path", "lot code"), ("sku", "query", "SKU, when the code is not unique")],
                body: [], created: false
            ) { request, context, caller in
                let (code, sku) = (try Web.path(context, "code"), try query(request, "sku"))
                return try Web.encode(
                    try await state.withDesk(caller.login) { try $0.recallContacts(lot: code, sku: sku) })
            },
            Operation(
                method: .post, path: "/api/v1/lots/{code}/contacts/{dispense}", answer: .record(RecallContact.self),
                summary: "Record how far a recall's contact got for one hand-over of the recalled lot",
                writes: true,
                parameters: [
                    ("code", "path", "lot code"), ("dispense", "path", "the hand-over's reference (D-…)"),
                    ("sku", "query", "SKU, when the code is not unique"),
                    (
                        "prescription", "query",
                        "the prescription it is for: checked when given, needed with a number instead of a reference"
                    ),
                ],
                body: RecallStatusRequest.fields, created: false
            ) { request, context, caller in
                let (code, dispense, key) = (
                    try Web.path(context, "code"), try Web.path(context, "dispense"), caller.key!
                )
                let (sku, rx) = (try query(request, "sku"), try query(request, "prescription"))
                let body = try await decoded(RecallStatusRequest.self, request, limit: state.limits.body)
                return try Web.encode(
                    try await state.withDesk(caller.login) {
                        try body.run(on: $0, lot: code, sku: sku, dispense: dispense, rx: rx, key: key)
                    })
            },
            Operation(
                method: .post, path: "/api/v1/lots/{code}/status", answer: .record(LotRecord.self),
                summary: "Hold, release (approved) or recall a lot",
                writes: true, parameters: [("code", "path", "lot code")],
                body: LotStatusRequest.fields, created: false
            ) { request, context, caller in
                let code = try Web.path(context, "code")
                let change = try await decoded(LotStatusRequest.self, request, limit: state.limits.body)
                let key = caller.key!
                return try Web.encode(
                    try await state.withDesk(caller.login) { try change.run(on: $0, code: code, key: key) })
            },
            Operation(
                method: .get, path: "/api/v1/prescriptions", answer: .list(PrescriptionRecord.self),
                summary: "Prescriptions, by status or patient",
                writes: false,
                parameters: [
                    ("status", "query", "active, on-hold, completed, revoked (optional)"),
                    ("patient", "query", "patient reference (optional)"),
                ], body: [], created: false
            ) { request, _, caller in
                let (status, patient) = (try query(request, "status"), try query(request, "patient"))
                return try Web.encode(
                    try await state.withDesk(caller.login) { try $0.prescriptions(status: status, patient: patient) })
            },
            Operation(
                method: .get, path: "/api/v1/patients/{reference}", answer: .record(PatientHistory.self),
                summary: "A patient's prescriptions, fittings and garments handed over", writes: false,
                parameters: [("reference", "path", "patient reference")], body: [], created: false
            ) { _, context, caller in
                let reference = try Web.path(context, "reference")
                return try Web.encode(try await state.withDesk(caller.login) { try $0.patient(reference) })
            },
            Operation(
                method: .post, path: "/api/v1/fit", answer: .array(.any),
                summary: "Fit legs against the database's lines, with stock (the JSON of cfit fit --json)",
                writes: false,
                parameters: [],
                body: FitQuery.fields, created: false
            ) { request, _, caller in
                return try await FitAPI.fit(
                    Array(buffer: try await Web.body(request, limit: state.limits.body)), state: state,
                    login: caller.login)
            },
            Operation(
                method: .post, path: "/api/v1/fittings", answer: .record(FittingRecord.self),
                summary:
                    "Fit legs and record the fitting against a prescription: measurements, each leg's ABPI judged by the shop's policy, results",
                writes: true,
                parameters: [],
                body: FitQuery.recordFields, created: true
            ) { request, _, caller in
                let fit = try FitQuery(json: Array(buffer: try await Web.body(request, limit: state.limits.body)))
                let key = caller.key!
                return try Web.encode(try await state.withDesk(caller.login) { try fit.record(on: $0, key: key) })
            },
        ]
    }

    /// What the database must grant the caller before an operation's request is read, by
    /// `METHOD path`: the function the operation calls, or the tables a catalog import writes.
    /// A test holds each name to the schema (an admin is granted every one, a fitter almost none).
    static let privileges: [String: Privilege] = [
        "POST /api/v1/catalog/import": .table("article", privilege: "INSERT"),
        "POST /api/v1/dispenses/{id}/return": .execute("cfit_return"),
        "POST /api/v1/fittings": .execute("cfit_record_fitting"),
        "POST /api/v1/fittings/{id}/void": .execute("cfit_fitting_void"),
        "POST /api/v1/guideline": .execute("cfit_set_guideline"),
        "POST /api/v1/locations": .execute("cfit_location_add"),
        "POST /api/v1/locations/{code}/disable": .execute("cfit_location_disable"),
        "POST /api/v1/lots/{code}/status": .execute("cfit_lot_status"),
        "POST /api/v1/lots/{code}/contacts/{dispense}": .execute("cfit_recall_contact_set"),
        "POST /api/v1/patients/{reference}/contact": .execute("cfit_patient_contact_set"),
        "POST /api/v1/patients": .execute("cfit_party_add"),
        "POST /api/v1/prescriptions": .execute("cfit_rx_new"),
        "POST /api/v1/prescriptions/{number}/cancel": .execute("cfit_rx_cancel"),
        "POST /api/v1/prescriptions/expire": .execute("cfit_rx_expire"),
        "POST /api/v1/reservations": .execute("cfit_reserve"),
        "POST /api/v1/reservations/{id}/dispense": .execute("cfit_dispense"),
        "POST /api/v1/reservations/{id}/release": .execute("cfit_release"),
        "POST /api/v1/stock/count": .execute("cfit_count"),
        "POST /api/v1/stock/sheet": .execute("cfit_count"),
        "POST /api/v1/stock/receive": .execute("cfit_receive"),
        "POST /api/v1/stock/release-return": .execute("cfit_release_return"),
        "POST /api/v1/stock/transfer": .execute("cfit_transfer"),
        "POST /api/v1/stock/write-off": .execute("cfit_write_off"),
    ]

    /// Every operation of the API.
    static func all(state: WebState) -> [Operation] {
        operations(state: state) + recordOperations(state: state)
    }

    static func add(to router: Router<WebContext>, state: WebState) {
        let operations = all(state: state)
        let document = openAPI(operations)
        router.get("/api/v1/openapi.json") { _, _ in Web.json(document) }
        // Every operation runs after the caller has been found (APIAuthenticationMiddleware).
        let api = RouteCollection(context: WebContext.self)
        api.add(middleware: APIAuthenticationMiddleware(state: state))
        for operation in operations {
            let path = operation.path.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
            let privilege = privileges["\(operation.method.rawValue) \(operation.path)"]
            let limit = operation.multipart ? state.limits.importBytes : state.limits.body
            api.on(RouterPath(path), method: operation.method) { request, context in
                let caller: Caller
                do {
                    // Everything that can refuse the request from its head alone does so before
                    // a byte of the body is read: the caller, what the database grants them, the
                    // key, the body's type and declared length. The connection is then closed
                    // rather than the rest of the body read and thrown away.
                    let login = try Self.caller(request, login: context.apiLogin, writes: false).login
                    if let privilege, !(try await state.staff.permits(login, privilege)) {
                        throw CounterError.plain(
                            .notPermitted,
                            "permission: your login may not do this (\(operation.summary.lowercased())); the database grants it to another role"
                        )
                    }
                    caller = try Self.caller(request, login: login, writes: operation.writes)
                    if !operation.body.isEmpty {
                        try Web.requireContentType(
                            request, operation.multipart ? "multipart/form-data" : "application/json")
                        try Web.requireDeclaredLength(request, limit: limit)
                    }
                } catch {
                    _ = Web.failure(error, request, logger: state.logger)
                    return Web.closingUnread(problem(error), request)
                }
                do {
                    let body = try await operation.handler(request, context, caller)
                    return Web.json(body, status: operation.created ? .created : .ok)
                } catch {
                    _ = Web.failure(error, request, logger: state.logger)
                    return problem(error)
                }
            }
        }
        router.addRoutes(api)
    }

    /// The caller the authentication middleware found, and the key a write carries
    /// (`Idempotency-Key`, read by the layer and scoped to the login).
    static func caller(_ request: Request, login: String?, writes: Bool) throws -> Caller {
        guard let login else {
            throw StaffSignIn.Refusal(message: "sign in: HTTP Basic credentials or a session cookie", retryAfter: nil)
        }
        guard writes else { return Caller(login: login, key: nil) }
        let key = try Input.idempotencyKey(
            request.headers[HTTPField.Name("Idempotency-Key")!] ?? "", field: "Idempotency-Key")
        // Keys are the caller's own: two systems choosing the same key never collide.
        return Caller(login: login, key: Input.scopedKey(key, face: "api", login: login))
    }

    /// A problem details document (RFC 9457) for `error` (with `status` instead of its kind's).
    static func problem(_ error: any Error, status given: HTTPResponse.Status? = nil) -> Response {
        let failure = Web.describe(error)
        let status = given ?? failure.status
        var object: [String: Any] = [
            "type": "/api/v1/problems/\(failure.reason)", "title": status.reasonPhrase, "status": status.code,
            "detail": failure.message, "reason": failure.reason,
        ]
        // A bad file has more than one problem: each, with its line and field, after the first.
        if !failure.details.isEmpty { object["issues"] = failure.details }
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data()
        var response = Web.json(Array(data), status: status, type: "application/problem+json")
        if status == .unauthorized { response.headers[.wwwAuthenticate] = "Basic realm=\"cfit\", charset=\"UTF-8\"" }
        if let seconds = failure.retryAfter { response.headers[.retryAfter] = String(seconds) }
        return response
    }

    /// An API query parameter: absent is `nil`; given, it must hold something (an empty value is
    /// refused, as the document says — a client leaves out what it does not mean).
    static func query(_ request: Request, _ name: String) throws -> String? {
        guard let value = try Web.query(request, name) else { return nil }
        guard value.contains(where: { !$0.isWhitespace }) else {
            throw CounterError.badInput(
                name, expected: "a value, or the parameter left out", found: value.isEmpty ? "nothing" : "only blanks")
        }
        return value
    }

    /// The request a JSON body describes, decoded by the layer (every problem named by its field).
    ///
    /// Kept out of line: inlined into the operations' async closures, the Swift 6.3 optimizer
    /// crashed splitting their coroutines (signal 11 in `swift build -c release`).
    @inline(never)
    static func decoded<T: Decodable>(_ type: T.Type, _ request: Request, limit: Int) async throws -> T {
        let body = Array(buffer: try await Web.body(request, limit: limit))
        return try Self.decode(T.self, body)
    }

    /// The synchronous half of ``decoded(_:_:)``: the layer's typed-throws reader, called from
    /// no coroutine.
    @inline(never)
    static func decode<T: Decodable>(_ type: T.Type, _ body: [UInt8]) throws -> T {
        try Input.request(T.self, json: body)
    }

    /// The schema of a parameter, by its name: the same names mean the same values in every
    /// operation (a record's number, a bounded count of days, a closed set).
    static func parameterSchema(_ name: String, in place: String, path: String) -> FieldKind {
        switch name {
        case "code" where path.hasPrefix("/api/v1/articles/"): .scan
        case "sku", "scan": .scan
        case "id", "reference", "number", "patient", "location", "code", "prescription": .code
        case "limit": .integer(minimum: 1, maximum: 1_000)
        case "within" where path == "/api/v1/stock/expiring": .integer(minimum: 0, maximum: 3_650)
        case "within": .integer(minimum: 0, maximum: 36_500)
        case "replace_after", "remeasure_after": .integer(minimum: 1, maximum: 36_500)
        case "status" where place == "query": .oneOf(Desk.prescriptionStatuses)
        case "dry_run": .oneOf(["true", "false"])
        case "toe": .oneOf(["closed", "open"])
        default: .text
        }
    }

    /// The OpenAPI 3.1 document of `operations`.
    static func openAPI(_ operations: [Operation]) -> [UInt8] {
        var paths: [String: [String: Any]] = [:]
        for operation in operations {
            var entry: [String: Any] = [
                "summary": operation.summary,
                "operationId": operation.method.rawValue.lowercased()
                    + operation.path.split(separator: "/").dropFirst(2).map {
                        $0.replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: "").capitalized
                    }.joined(),
                "security": [["basic": [] as [String]], ["session": [] as [String]]],
            ]
            func required(_ parameter: (name: String, in: String, description: String)) -> Bool {
                parameter.in == "path" || operation.requiredQuery.contains(parameter.name)
            }
            var parameters: [[String: Any]] = operation.parameters.map {
                [
                    "name": $0.name, "in": $0.in, "required": required($0), "description": $0.description,
                    "schema": parameterSchema($0.name, in: $0.in, path: operation.path).json(),
                ]
            }
            if operation.writes {
                parameters.append([
                    "name": "Idempotency-Key", "in": "header", "required": true,
                    "description": "the same key repeats the same request's result, never the operation",
                    "schema": ["type": "string", "pattern": "^[!-~]{1,\(Input.keyLength)}$"],
                ])
            }
            if !parameters.isEmpty { entry["parameters"] = parameters }
            if !operation.body.isEmpty {
                // A file is a string of bytes in OpenAPI 3.1 (contentMediaType says which).
                let properties = Dictionary(
                    uniqueKeysWithValues: operation.body.map {
                        // An optional field may be left out or be null: both mean "not given".
                        let schema = $0.required ? $0.kind.json() : FieldKind.nullable($0.kind.json())
                        return ($0.name, schema.merging(["description": $0.description]) { first, _ in first })
                    })
                entry["requestBody"] = [
                    "required": true,
                    "content": [
                        operation.multipart ? "multipart/form-data" : "application/json": [
                            "schema": [
                                "type": "object",
                                "required": operation.body.filter(\.required).map(\.name),
                                "properties": properties,
                            ]
                        ]
                    ],
                ]
            }
            let problem: [String: Any] = [
                "description": "a problem (RFC 9457)",
                "content": ["application/problem+json": ["schema": ["$ref": "#/components/schemas/Problem"]]],
            ]
            let record = operation.answer.json()
            var responses: [String: Any] = [
                operation.created ? "201" : "200": [
                    "description": "the record, as `cfit … --json` prints it",
                    "content": ["application/json": ["schema": record]],
                ],
                "401": problem, "403": problem, "404": problem, "405": problem, "409": problem, "422": problem,
                "429": problem, "503": problem,
            ]
            if !operation.body.isEmpty {
                responses["413"] = problem
                responses["415"] = problem
            }
            entry["responses"] = responses
            paths[operation.path, default: [:]][operation.method.rawValue.lowercased()] = entry
        }
        let document: [String: Any] = [
            "openapi": "3.1.0",
            "info": ["title": "CompressionFit", "version": "1"],
            "paths": paths,
            "components": [
                "securitySchemes": [
                    "basic": ["type": "http", "scheme": "basic"],
                    "session": ["type": "apiKey", "in": "cookie", "name": Web.sessionCookie],
                ],
                "schemas": [
                    "Problem": [
                        "type": "object",
                        "properties": [
                            "type": ["type": "string"], "title": ["type": "string"], "status": ["type": "integer"],
                            "detail": ["type": "string"],
                            "reason": [
                                "type": "string",
                                "enum": CounterError.Kind.allCases.map(\.rawValue).filter {
                                    $0 != "bad-data" && $0 != "unreadable"
                                } + ["unauthorized", "throttled"],
                            ],
                            "issues": [
                                "type": "array", "items": ["type": "string"],
                                "description": "a bad file's other problems, each with its line and field",
                            ],
                        ],
                    ]
                ],
            ],
        ]
        return Array(
            (try? JSONSerialization.data(
                withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data())
    }
}

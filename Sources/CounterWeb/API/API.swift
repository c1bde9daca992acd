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
        /// Whether a write needs an `Idempotency-Key` (a catalog import is idempotent by content).
        var keyed = true
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
                let reserve = try await decoded(ReserveRequest.self, request)
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
                ], body: [],
                created: true
            ) { request, context, caller in
                let (id, rx, key) = (try Web.path(context, "id"), try query(request, "prescription"), caller.key!)
                return try Web.encode(
                    try await state.withDesk(caller.login) { try $0.dispense(reservation: id, rx: rx, key: key) })
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
                let receipt = try await decoded(ReceiveRequest.self, request)
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
                let count = try await decoded(CountRequest.self, request)
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
                let transfer = try await decoded(TransferRequest.self, request)
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
                method: .post, path: "/api/v1/lots/{code}/status", answer: .record(LotRecord.self),
                summary: "Hold, release (approved) or recall a lot",
                writes: true, parameters: [("code", "path", "lot code")],
                body: LotStatusRequest.fields, created: false
            ) { request, context, caller in
                let code = try Web.path(context, "code")
                let change = try await decoded(LotStatusRequest.self, request)
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
                    Array(buffer: try await Web.body(request)), state: state, login: caller.login)
            },
            Operation(
                method: .post, path: "/api/v1/fittings", answer: .record(FittingRecord.self),
                summary:
                    "Fit legs and record the fitting against a prescription: measurements, each leg's ABPI judged by the shop's policy, results",
                writes: true,
                parameters: [],
                body: FitQuery.recordFields, created: true
            ) { request, _, caller in
                let fit = try FitQuery(json: Array(buffer: try await Web.body(request)))
                let key = caller.key!
                return try Web.encode(try await state.withDesk(caller.login) { try fit.record(on: $0, key: key) })
            },
        ]
    }

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
            api.on(RouterPath(path), method: operation.method) { request, context in
                do {
                    let caller = try caller(
                        request, login: context.apiLogin, writes: operation.writes && operation.keyed)
                    let body = try await operation.handler(request, context, caller)
                    return Web.json(body, status: operation.created ? .created : .ok)
                } catch {
                    _ = Web.failure(error, request, logger: state.logger)
                    return problem(error)
                }
            }
        }
        router.addRoutes(api)
        // A method a path does not have is 405 with the methods it has, not the router's 404.
        let methods = Dictionary(grouping: operations, by: \.path).mapValues { Set($0.map(\.method)) }
        let every: [HTTPRequest.Method] = [
            .get, .head, .post, .put, .patch, .delete, .options, .trace, HTTPRequest.Method("QUERY")!,
        ]
        for (path, allowed) in methods {
            let route = path.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
            let allow = allowed.map(\.rawValue).sorted().joined(separator: ", ")
            for method in every where !allowed.contains(method) && !(method == .head && allowed.contains(.get)) {
                router.on(RouterPath(route), method: method) { _, _ in
                    var response = problem(
                        CounterError.plain(
                            .badInput, "method: expected \(allow) on \(path), found \(method.rawValue)"),
                        status: .methodNotAllowed)
                    response.headers[.allow] = allow
                    return response
                }
            }
        }
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
    static func decoded<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        let body = Array(buffer: try await Web.body(request))
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
        case "sku": .scan
        case "id", "reference", "number", "patient", "location", "code", "prescription": .code
        case "limit": .integer(minimum: 1, maximum: 1_000)
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
            if operation.writes && operation.keyed {
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
            if !operation.body.isEmpty { responses["413"] = problem }
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

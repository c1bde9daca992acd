import Counter
import Foundation
import HTTPTypes
import Hummingbird
import Inventory
import Postgres

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
        let summary: String
        /// Whether it changes something (then it needs an `Idempotency-Key`).
        let writes: Bool
        let parameters: [(name: String, in: String, description: String)]
        let body: [(name: String, required: Bool, description: String, type: FieldSchema)]
        let created: Bool
        /// Whether a write needs an `Idempotency-Key` (a catalog import is idempotent by content).
        var keyed = true
        /// Whether the body is `multipart/form-data` files (`body` types "binary") rather than JSON.
        var multipart = false
        /// What a success answers with: one record, or a list.
        var returns: ResponseShape = .object
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
                method: .get, path: "/api/v1/articles/{code}",
                summary: "An article (SKU, GTIN or GS1 code) with its stock",
                writes: false, parameters: [("code", "path", "SKU, GTIN or scanned GS1 code")], body: [], created: false
            ) { _, context, caller in
                let code = try PageRoutes.articleCode(try Web.path(context, "code"), field: "code")
                return try Web.encode(
                    try await state.withConnection(caller.login) { try Articles(connection: $0).show(code) })
            },
            Operation(
                method: .get, path: "/api/v1/stock", summary: "Balances, of one article or every article with stock",
                writes: false,
                parameters: [
                    ("sku", "query", "SKU or GTIN (optional)"), ("location", "query", "location code (optional)"),
                ], body: [], created: false, returns: .array
            ) { request, _, caller in
                let sku = (try query(request, "sku"))
                let location = (try query(request, "location"))
                return try Web.encode(
                    try await state.withConnection(caller.login) {
                        try Stock(connection: $0).balances(sku: sku, location: location)
                    })
            },
            Operation(
                method: .post, path: "/api/v1/reservations", summary: "Reserve one unit for a prescription",
                writes: true, parameters: [],
                body: [
                    ("prescription", true, "prescription number", "string"), ("sku", true, "SKU or GTIN", "string"),
                    ("location", false, "location code (default: this server's)", "string"),
                ], created: true
            ) { request, _, caller in
                let body = try await jsonObject(request)
                let rx = try string(body, "prescription")
                let sku = try string(body, "sku")
                let location = try optionalString(body, "location") ?? state.location
                let key = caller.key!
                return try Web.encode(
                    try await state.withConnection(caller.login) {
                        try Reservations(connection: $0).reserve(rx: rx, sku: sku, location: location, key: key)
                    })
            },
            Operation(
                method: .post, path: "/api/v1/reservations/{id}/dispense",
                summary: "Hand the reserved unit over (dispense it)", writes: true,
                parameters: [("id", "path", "reservation number")], body: [], created: true
            ) { _, context, caller in
                let id = try number(try Web.path(context, "id"), "id")
                let key = caller.key!
                return try Web.encode(
                    try await state.withConnection(caller.login) {
                        try Dispensing(connection: $0).dispense(reservation: id, key: key)
                    })
            },
            Operation(
                method: .post, path: "/api/v1/reservations/{id}/release", summary: "Give a reserved unit back to stock",
                writes: true, parameters: [("id", "path", "reservation number")], body: [], created: false
            ) { _, context, caller in
                let id = try number(try Web.path(context, "id"), "id")
                let key = caller.key!
                return try Web.encode(
                    try await state.withConnection(caller.login) {
                        try Reservations(connection: $0).release(id, key: key)
                    })
            },
            Operation(
                method: .post, path: "/api/v1/stock/receive", summary: "Receive units into a location (a lot optional)",
                writes: true, parameters: [],
                body: [
                    ("sku", true, "SKU, GTIN or scanned GS1 code (its lot and expiry fill those in)", "string"),
                    ("quantity", true, "units", .quantity),
                    ("location", false, "location code (default: this server's)", "string"),
                    ("lot", false, "lot code", "string"), ("expires", false, "the lot's expiry, YYYY-MM-DD", .day),
                    ("reference", false, "delivery note or order", "string"),
                    ("accept_expired", false, "book an expired lot in as expired stock, never offered", .boolean),
                ], created: true
            ) { request, _, caller in
                let receipt = try Input.request(ReceiveRequest.self, json: Array(buffer: try await Web.body(request)))
                let (key, location) = (caller.key!, state.location)
                return try Web.encode(
                    try await state.withConnection(caller.login) {
                        try receipt.run(on: $0, location: location, key: key)
                    })
            },
            Operation(
                method: .post, path: "/api/v1/stock/count", summary: "Record a count; the difference is booked",
                writes: true, parameters: [],
                body: [
                    ("sku", true, "SKU or GTIN", "string"), ("counted", true, "units counted", .count),
                    ("location", true, "location code", "string"), ("lot", false, "lot code", "string"),
                ], created: false
            ) { request, _, caller in
                let body = try await jsonObject(request)
                let (sku, counted, location) = (
                    try string(body, "sku"), try integer(body, "counted", allowZero: true), try string(body, "location")
                )
                let lot = try optionalString(body, "lot")
                let key = caller.key!
                let movement = try await state.withConnection(caller.login) {
                    try Stock(connection: $0).count(sku: sku, counted: counted, location: location, lot: lot, key: key)
                }
                return try Web.encode(["movement": movement])
            },
            Operation(
                method: .post, path: "/api/v1/stock/transfer", summary: "Move units between locations",
                writes: true, parameters: [],
                body: [
                    ("sku", true, "SKU or GTIN", "string"), ("quantity", true, "units", .quantity),
                    ("from", true, "location code", "string"), ("to", true, "location code", "string"),
                ], created: true
            ) { request, _, caller in
                let body = try await jsonObject(request)
                let (sku, quantity) = (try string(body, "sku"), try integer(body, "quantity"))
                let (from, to) = (try string(body, "from"), try string(body, "to"))
                let key = caller.key!
                return try Web.encode(
                    try await state.withConnection(caller.login) {
                        try Stock(connection: $0).transfer(sku: sku, quantity: quantity, from: from, to: to, key: key)
                    })
            },
            Operation(
                method: .get, path: "/api/v1/stock/low", summary: "What is below its minimum, with suggested orders",
                writes: false, parameters: [("location", "query", "location code (optional)")], body: [],
                created: false, returns: .array
            ) { request, _, caller in
                let location = (try query(request, "location"))
                return try Web.encode(
                    try await state.withConnection(caller.login) { try Stock(connection: $0).low(location: location) })
            },
            Operation(
                method: .get, path: "/api/v1/stock/history", summary: "An article's ledger, oldest first",
                writes: false, parameters: [("sku", "query", "SKU or GTIN")], body: [], created: false, returns: .array,
                requiredQuery: ["sku"]
            ) { request, _, caller in
                let sku = try PageRoutes.articleCode((try query(request, "sku")) ?? "", field: "sku")
                return try Web.encode(
                    try await state.withConnection(caller.login) { try Stock(connection: $0).history(sku: sku) })
            },
            Operation(
                method: .get, path: "/api/v1/lots/{code}",
                summary: "A lot: where its units are, what is reserved from it, who received it",
                writes: false,
                parameters: [("code", "path", "lot code"), ("sku", "query", "SKU, when the code is not unique")],
                body: [], created: false
            ) { request, context, caller in
                let code = try Web.path(context, "code")
                let sku = (try query(request, "sku"))
                return try Web.encode(
                    try await state.withConnection(caller.login) { try Lots(connection: $0).show(code, sku: sku) })
            },
            Operation(
                method: .post, path: "/api/v1/lots/{code}/status", summary: "Hold, release (approved) or recall a lot",
                writes: true, parameters: [("code", "path", "lot code")],
                body: [
                    ("status", true, "approved, on-hold or recalled", .oneOf(["approved", "on-hold", "recalled"])),
                    ("reason", true, "why", "string"),
                    ("sku", false, "SKU, when the code is not unique", "string"),
                ], created: false
            ) { request, context, caller in
                let code = try Web.path(context, "code")
                let body = try await jsonObject(request)
                let statusText = try string(body, "status")
                guard let status = Lots.Status(rawValue: statusText) else {
                    throw CounterError.badInput("status", expected: "approved, on-hold or recalled", typed: statusText)
                }
                let (reason, sku) = (try string(body, "reason"), try optionalString(body, "sku"))
                let key = caller.key!
                return try Web.encode(
                    try await state.withConnection(caller.login) {
                        try Lots(connection: $0).setStatus(code, sku: sku, to: status, reason: reason, key: key)
                    })
            },
            Operation(
                method: .get, path: "/api/v1/prescriptions", summary: "Prescriptions, by status or patient",
                writes: false,
                parameters: [
                    ("status", "query", "active, on-hold, completed, revoked (optional)"),
                    ("patient", "query", "patient reference (optional)"),
                ], body: [], created: false, returns: .array
            ) { request, _, caller in
                let status = (try query(request, "status"))
                let patient = (try query(request, "patient"))
                return try Web.encode(
                    try await state.withConnection(caller.login) {
                        try Prescriptions(connection: $0).list(status: status, patient: patient)
                    })
            },
            Operation(
                method: .get, path: "/api/v1/patients/{reference}",
                summary: "A patient's prescriptions, fittings and garments handed over", writes: false,
                parameters: [("reference", "path", "patient reference")], body: [], created: false
            ) { _, context, caller in
                let reference = try Web.path(context, "reference")
                return try Web.encode(
                    try await state.withConnection(caller.login) { try Patients(connection: $0).show(reference) })
            },
            Operation(
                method: .post, path: "/api/v1/fit",
                summary: "Fit legs against the database's lines, with stock (the JSON of cfit fit --json)",
                writes: false,
                parameters: [],
                body: [
                    ("style", true, "AD, AF, AG or AT", .oneOf(["AD", "AF", "AG", "AT"])),
                    ("class", true, "class, e.g. 2 or RAL:2", "string"),
                    ("unit", false, "cm (default) or in", .oneOf(["cm", "in"])),
                    ("legs", true, "{\"leg\": {\"cB\": 22, …}} or {\"left\": {…}, \"right\": {…}}", "object"),
                    ("abpi", false, "ankle-brachial pressure index", "string"),
                ], created: false, returns: .array
            ) { request, _, caller in
                return try await FitAPI.fit(
                    Array(buffer: try await Web.body(request)), state: state, login: caller.login)
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
        for operation in operations {
            let path = operation.path.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
            router.on(RouterPath(path), method: operation.method) { request, context in
                do {
                    let caller = try await authenticate(
                        request, session: context.session, state: state, writes: operation.writes,
                        keyed: operation.keyed, from: context.clientAddress)
                    let body = try await operation.handler(request, context, caller)
                    return Web.json(body, status: operation.created ? .created : .ok)
                } catch {
                    _ = Web.failure(error, request, logger: state.logger)
                    return problem(error)
                }
            }
        }
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

    /// The caller: HTTP Basic credentials, checked like a sign-in, or a page session (whose
    /// writes must carry its CSRF token in `X-CSRF-Token`). A write needs an `Idempotency-Key`.
    static func authenticate(
        _ request: Request, session: Session?, state: WebState, writes: Bool, keyed: Bool = true,
        from address: String? = nil
    ) async throws -> Caller {
        var login: String
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("basic ") {
            guard let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
                let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
            else {
                throw WebState.Refusal(
                    message: "Authorization: expected Basic credentials (login:password)", retryAfter: nil)
            }
            login = String(text[..<colon])
            _ = try await state.signIn(
                login: login, password: String(text[text.index(after: colon)...]), from: address)
        } else if let session {
            login = session.login
            if writes {
                let token = request.headers[HTTPField.Name("X-CSRF-Token")!] ?? ""
                guard PasswordCheck.constantTimeEqual(Array(token.utf8), Array(session.csrf.utf8)) else {
                    throw CounterError.badInput("X-CSRF-Token", expected: "the session's token", typed: token)
                }
            }
        } else {
            throw WebState.Refusal(message: "sign in: HTTP Basic credentials or a session cookie", retryAfter: nil)
        }
        guard writes, keyed else { return Caller(login: login, key: nil) }
        let key = request.headers[HTTPField.Name("Idempotency-Key")!] ?? ""
        guard (1...200).contains(key.count),
            key.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0.asciiValue! >= 0x21 })
        else {
            throw CounterError.badInput(
                "Idempotency-Key", expected: "a key of 1 to 200 visible ASCII characters", typed: key)
        }
        // Keys are the caller's own: two systems choosing the same key never collide.
        return Caller(login: login, key: "api:\(login):\(key)")
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

    static func jsonObject(_ request: Request) async throws -> [String: Any] {
        let body = try await Web.body(request)
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] else {
            throw CounterError.badInput(
                "body", expected: "a JSON object", typed: String(String(buffer: body).prefix(80)))
        }
        return object
    }

    static func string(_ object: [String: Any], _ name: String) throws -> String {
        guard let value = try optionalString(object, name) else {
            throw CounterError.badInput(name, expected: "a string", typed: "")
        }
        return value
    }

    static func optionalString(_ object: [String: Any], _ name: String) throws -> String? {
        guard let value = object[name], !(value is NSNull) else { return nil }
        guard let text = value as? String else {
            throw CounterError.badInput(name, expected: "a string", typed: "\(value)")
        }
        _ = try Input.withoutNUL(text, field: name)
        guard text.contains(where: { !$0.isWhitespace }) else {
            throw CounterError.badInput(name, expected: "text, or the field left out", found: "only blanks")
        }
        return text
    }

    static func integer(_ object: [String: Any], _ name: String, allowZero: Bool = false) throws -> Int {
        guard let value = object[name], !(value is NSNull) else {
            throw CounterError.badInput(name, expected: "a whole number", typed: "")
        }
        // JSON true and false come as NSNumber too, of type "c".
        guard let number = value as? NSNumber, String(cString: number.objCType) != "c",
            let whole = Int(exactly: number.doubleValue), allowZero || whole != 0
        else {
            throw CounterError.badInput(
                name, expected: allowZero ? "a whole number" : "a whole number other than 0", typed: "\(value)")
        }
        return whole
    }

    static func number(_ text: String?, _ name: String) throws -> Int64 {
        guard let text, let value = Int64(text), value > 0 else {
            throw CounterError.badInput(name, expected: "a positive whole number", typed: text ?? "")
        }
        return value
    }

    /// The schema of a parameter, by its name: the same names mean the same values in every
    /// operation (a record's number, a bounded count of days, a closed set).
    static func parameterSchema(_ name: String, in place: String) -> FieldSchema {
        switch name {
        case "id": .recordNumber
        case "limit": .integer(minimum: 1, maximum: 1_000)
        case "within": .integer(minimum: 0, maximum: 36_500)
        case "replace_after", "remeasure_after": .integer(minimum: 1, maximum: 36_500)
        case "status" where place == "query": .oneOf(Prescriptions.statuses)
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
                    "schema": parameterSchema($0.name, in: $0.in).json(),
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
                        let schema = $0.required ? $0.type.json() : FieldSchema.nullable($0.type.json())
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
            let record: [String: Any] =
                switch operation.returns {
                case .object: ["type": "object"]
                case .array: ["type": "array", "items": ["type": "object"]]
                }
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

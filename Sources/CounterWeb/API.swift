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
        let body: [(name: String, required: Bool, description: String)]
        let created: Bool
        let handler: @Sendable (Request, BasicRequestContext, Caller) async throws -> [UInt8]
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
                let code = try PageRoutes.articleCode(context.parameters.get("code")?.removingPercentEncoding ?? "")
                return try Web.encode(
                    try await state.withConnection(caller.login) { try Articles(connection: $0).show(code) })
            },
            Operation(
                method: .get, path: "/api/v1/stock", summary: "Balances, of one article or every article with stock",
                writes: false,
                parameters: [
                    ("sku", "query", "SKU or GTIN (optional)"), ("location", "query", "location code (optional)"),
                ], body: [], created: false
            ) { request, _, caller in
                let sku = request.uri.queryParameters.get("sku")
                let location = request.uri.queryParameters.get("location")
                return try Web.encode(
                    try await state.withConnection(caller.login) {
                        try Stock(connection: $0).balances(sku: sku, location: location)
                    })
            },
            Operation(
                method: .post, path: "/api/v1/reservations", summary: "Reserve one unit for a prescription",
                writes: true, parameters: [],
                body: [
                    ("prescription", true, "prescription number"), ("sku", true, "SKU or GTIN"),
                    ("location", false, "location code (default: this server's)"),
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
                let id = try number(context.parameters.get("id")?.removingPercentEncoding, "id")
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
                let id = try number(context.parameters.get("id")?.removingPercentEncoding, "id")
                let key = caller.key!
                return try Web.encode(
                    try await state.withConnection(caller.login) {
                        try Reservations(connection: $0).release(id, key: key)
                    })
            },
        ]
    }

    static func add(to router: Router<BasicRequestContext>, state: WebState) {
        let operations = operations(state: state)
        let document = openAPI(operations)
        router.get("/api/v1/openapi.json") { _, _ in Web.json(document) }
        for operation in operations {
            let path = operation.path.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
            router.on(RouterPath(path), method: operation.method) { request, context in
                do {
                    let caller = try await authenticate(request, state: state, writes: operation.writes)
                    let body = try await operation.handler(request, context, caller)
                    return Web.json(body, status: operation.created ? .created : .ok)
                } catch {
                    return problem(error)
                }
            }
        }
    }

    /// The caller: HTTP Basic credentials, checked like a sign-in, or a page session (whose
    /// writes must carry its CSRF token in `X-CSRF-Token`). A write needs an `Idempotency-Key`.
    static func authenticate(_ request: Request, state: WebState, writes: Bool) async throws -> Caller {
        var login: String
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("basic ") {
            guard let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
                let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
            else {
                throw WebState.Refusal(
                    message: "Authorization: expected Basic credentials (login:password)", retryAfter: nil)
            }
            login = String(text[..<colon])
            _ = try await state.signIn(login: login, password: String(text[text.index(after: colon)...]))
        } else if let session = state.session(request.cookies[Web.sessionCookie]?.value) {
            login = session.login
            if writes {
                let token = request.headers[HTTPField.Name("X-CSRF-Token")!] ?? ""
                guard PasswordCheck.constantTimeEqual(Array(token.utf8), Array(session.csrf.utf8)) else {
                    throw WebInputError("X-CSRF-Token", expected: "the session's token", found: token)
                }
            }
        } else {
            throw WebState.Refusal(message: "sign in: HTTP Basic credentials or a session cookie", retryAfter: nil)
        }
        guard writes else { return Caller(login: login, key: nil) }
        let key = request.headers[HTTPField.Name("Idempotency-Key")!] ?? ""
        guard (1...200).contains(key.count),
            key.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0.asciiValue! >= 0x21 })
        else {
            throw WebInputError("Idempotency-Key", expected: "a key of 1 to 200 visible ASCII characters", found: key)
        }
        // Keys are the caller's own: two systems choosing the same key never collide.
        return Caller(login: login, key: "api:\(login):\(key)")
    }

    /// A problem details document (RFC 9457) for `error`.
    static func problem(_ error: any Error) -> Response {
        let (status, reason, message) = Web.describe(error)
        let object: [String: Any] = [
            "type": "/api/v1/problems/\(reason)", "title": status.reasonPhrase, "status": status.code,
            "detail": message, "reason": reason,
        ]
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data()
        var response = Web.json(Array(data), status: status, type: "application/problem+json")
        if status == .unauthorized { response.headers[.wwwAuthenticate] = "Basic realm=\"cfit\", charset=\"UTF-8\"" }
        return response
    }

    static func jsonObject(_ request: Request) async throws -> [String: Any] {
        let body = try await request.body.collect(upTo: 1 << 20)
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] else {
            throw WebInputError("body", expected: "a JSON object", found: String(String(buffer: body).prefix(80)))
        }
        return object
    }

    static func string(_ object: [String: Any], _ name: String) throws -> String {
        guard let value = try optionalString(object, name) else {
            throw WebInputError(name, expected: "a string", found: "")
        }
        return value
    }

    static func optionalString(_ object: [String: Any], _ name: String) throws -> String? {
        guard let value = object[name], !(value is NSNull) else { return nil }
        guard let text = value as? String else { throw WebInputError(name, expected: "a string", found: "\(value)") }
        return text
    }

    static func number(_ text: String?, _ name: String) throws -> Int64 {
        guard let text, let value = Int64(text), value > 0 else {
            throw WebInputError(name, expected: "a positive whole number", found: text ?? "")
        }
        return value
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
            var parameters: [[String: Any]] = operation.parameters.map {
                [
                    "name": $0.name, "in": $0.in, "required": $0.in == "path", "description": $0.description,
                    "schema": ["type": "string"],
                ]
            }
            if operation.writes {
                parameters.append([
                    "name": "Idempotency-Key", "in": "header", "required": true,
                    "description": "the same key repeats the same request's result, never the operation",
                    "schema": ["type": "string", "minLength": 1, "maxLength": 200],
                ])
            }
            if !parameters.isEmpty { entry["parameters"] = parameters }
            if !operation.body.isEmpty {
                entry["requestBody"] = [
                    "required": true,
                    "content": [
                        "application/json": [
                            "schema": [
                                "type": "object",
                                "required": operation.body.filter(\.required).map(\.name),
                                "properties": Dictionary(
                                    uniqueKeysWithValues: operation.body.map {
                                        ($0.name, ["type": "string", "description": $0.description] as [String: Any])
                                    }),
                            ]
                        ]
                    ],
                ]
            }
            let problem: [String: Any] = [
                "description": "a problem (RFC 9457)",
                "content": ["application/problem+json": ["schema": ["$ref": "#/components/schemas/Problem"]]],
            ]
            entry["responses"] = [
                operation.created ? "201" : "200": [
                    "description": "the record, as `cfit … --json` prints it",
                    "content": ["application/json": ["schema": ["type": "object"]]],
                ],
                "401": problem, "403": problem, "409": problem, "422": problem,
            ]
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
                                "enum": [
                                    "refused", "bad-input", "not-permitted", "unauthorized", "unavailable", "database",
                                    "internal",
                                ],
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

import Counter
import Fitting
import Foundation
import HTTPTypes
import Hummingbird
import Inventory
import Postgres

/// The API's operations on patients, prescriptions, returns, write-offs, fittings, locations, staff
/// and catalogs: the rest of what the command line does, with the same JSON as its `--json`.
extension APIRoutes {
    static func recordOperations(state: WebState) -> [Operation] {
        [
            Operation(
                method: .get, path: "/api/v1/articles",
                summary: "Articles in the catalog matching every word of a search (SKU, GTIN, line, size, colour …)",
                writes: false,
                parameters: [
                    ("search", "query", "words, e.g. classic AD2 beige"), ("limit", "query", "at most (default 50)"),
                ], body: [], created: false, returns: .array, requiredQuery: ["search"]
            ) { request, _, caller in
                let search = (try query(request, "search")) ?? ""
                guard !search.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw CounterError.badInput("search", expected: "words to search for", typed: search)
                }
                let limit = try days(request, "limit", default: 50, units: "articles", maximum: 1_000)
                return try Web.encode(
                    try await state.withConnection(caller.login) {
                        try Articles(connection: $0).search(search, limit: limit)
                    })
            },
            Operation(
                method: .get, path: "/api/v1/due",
                summary: "What is due: garments to replace, prescriptions running out, legs to measure again",
                writes: false,
                parameters: [
                    ("within", "query", "days ahead (default 30); overdue items are always listed"),
                    ("replace_after", "query", "days a garment lasts (default 182)"),
                    ("remeasure_after", "query", "days after which a leg is measured again (default 182)"),
                ], body: [], created: false, returns: .array
            ) { request, _, caller in
                let within = try days(request, "within", default: 30, allowZero: true)
                let replace = try days(request, "replace_after", default: 182)
                let remeasure = try days(request, "remeasure_after", default: 182)
                return try Web.encode(
                    try await state.withConnection(caller.login) {
                        try Due(connection: $0).list(within: within, replacementDays: replace, remeasureDays: remeasure)
                    })
            },
            Operation(
                method: .get, path: "/api/v1/patients", summary: "Patients whose reference or name contains a text",
                writes: false, parameters: [("search", "query", "part of a name or reference (optional)")], body: [],
                created: false, returns: .array
            ) { request, _, caller in
                let search = (try query(request, "search"))
                return try Web.encode(
                    try await state.withConnection(caller.login) { try Patients(connection: $0).list(search: search) })
            },
            Operation(
                method: .post, path: "/api/v1/patients", summary: "Add a patient", writes: true, parameters: [],
                body: [
                    ("reference", true, "the shop's reference (a card or file number)", "string"),
                    ("name", true, "the patient's name", "string"), ("born", false, "birth date, YYYY-MM-DD", .day),
                ], created: true
            ) { request, _, caller in
                let body = try await jsonObject(request)
                let (reference, name) = (try string(body, "reference"), try string(body, "name"))
                let born = try day(body, "born")
                let key = caller.key!
                return try Web.encode(
                    try await state.withConnection(caller.login) {
                        try Patients(connection: $0).add(reference: reference, name: name, born: born, key: key)
                    })
            },
            Operation(
                method: .get, path: "/api/v1/prescriptions/{number}", summary: "One prescription", writes: false,
                parameters: [("number", "path", "prescription number")], body: [], created: false
            ) { _, context, caller in
                let number = try Web.path(context, "number")
                return try Web.encode(
                    try await state.withConnection(caller.login) { try Prescriptions(connection: $0).show(number) })
            },
            Operation(
                method: .post, path: "/api/v1/prescriptions",
                summary: "Record a prescription (a new patient or prescriber is added when their name is given)",
                writes: true, parameters: [],
                body: [
                    ("patient", true, "patient reference", "string"),
                    ("patient_name", false, "the patient's name, to add a new patient", "string"),
                    ("prescriber", true, "prescriber reference", "string"),
                    ("prescriber_name", false, "the prescriber's name, to add a new prescriber", "string"),
                    ("style", true, "AD, AF, AG or AT", .oneOf(["AD", "AF", "AG", "AT"])),
                    ("class", true, "e.g. 2, RAL:2, US:20-30", "string"),
                    ("quantity", true, "garments (a pair is 2)", .quantity),
                    ("side", false, "left, right or both (default)", .oneOf(["left", "right", "both"])),
                    ("valid_until", false, "last day it may be dispensed, YYYY-MM-DD", .day),
                    ("diagnosis", false, "ICD-10 code", "string"),
                    ("number", false, "its number (default RX-n)", "string"),
                ], created: true
            ) { request, _, caller in
                let body = try await jsonObject(request)
                var fields: [String: String] = [:]
                for name in [
                    "patient", "patient_name", "prescriber", "prescriber_name", "style", "class", "side", "valid_until",
                    "diagnosis", "number",
                ] {
                    fields[name] = try optionalString(body, name)
                }
                fields["side"] = fields["side"] ?? "both"
                for name in ["patient", "prescriber", "style", "class"] where fields[name] == nil {
                    throw CounterError.badInput(name, expected: "a string", typed: "")
                }
                fields["quantity"] = String(try integer(body, "quantity"))
                let new = try PatientPages.prescription(fields)
                let key = caller.key!
                return try Web.encode(
                    try await state.withConnection(caller.login) {
                        try Prescriptions(connection: $0).create(new, key: key)
                    })
            },
            Operation(
                method: .post, path: "/api/v1/prescriptions/{number}/cancel",
                summary: "Cancel a prescription (its reservations are released)", writes: true,
                parameters: [("number", "path", "prescription number")], body: [], created: false
            ) { _, context, caller in
                let number = try Web.path(context, "number")
                let key = caller.key!
                return try Web.encode(
                    try await state.withConnection(caller.login) {
                        try Prescriptions(connection: $0).cancel(number, key: key)
                    })
            },
            Operation(
                method: .post, path: "/api/v1/dispenses/{id}/return",
                summary: "Take garments back from a patient; they await inspection", writes: true,
                parameters: [("id", "path", "dispense number")],
                body: [
                    ("reason", true, "why it came back", "string"),
                    ("quantity", false, "units (default: all not yet returned)", .quantity),
                    ("location", false, "where it goes (default: this server's)", "string"),
                    ("reopen", false, "reopen a completed prescription, to dispense a replacement", "boolean"),
                ], created: true
            ) { request, context, caller in
                let id = try number(try Web.path(context, "id"), "id")
                let body = try await jsonObject(request)
                let reason = try string(body, "reason")
                let quantity = body["quantity"] == nil ? nil : try integer(body, "quantity")
                let location = try optionalString(body, "location") ?? state.location
                let reopen = try boolean(body, "reopen")
                let key = caller.key!
                return try Web.encode(
                    try await state.withConnection(caller.login) {
                        try Dispensing(connection: $0).takeBack(
                            dispense: id, quantity: quantity, reason: reason, location: location, reopen: reopen,
                            key: key)
                    })
            },
            Operation(
                method: .post, path: "/api/v1/stock/write-off",
                summary: "Write units off: expired, damaged, returned (failed inspection) or recalled", writes: true,
                parameters: [],
                body: [
                    ("sku", true, "SKU or GTIN", "string"), ("quantity", true, "units", .quantity),
                    ("location", true, "location code", "string"), ("lot", false, "lot code", "string"),
                    (
                        "reason", true, "expired, damaged, returned or recalled",
                        .oneOf(["expired", "damaged", "returned", "recalled"])
                    ),
                    ("note", false, "a note for the ledger", "string"),
                ], created: true
            ) { request, _, caller in
                let body = try await jsonObject(request)
                let (sku, quantity, location) = (
                    try string(body, "sku"), try integer(body, "quantity"), try string(body, "location")
                )
                let reasonText = try string(body, "reason")
                guard let reason = WriteOffReason(rawValue: reasonText) else {
                    throw CounterError.badInput(
                        "reason", expected: "expired, damaged, returned or recalled", typed: reasonText)
                }
                let (lot, note) = (try optionalString(body, "lot"), try optionalString(body, "note"))
                let key = caller.key!
                return try Web.encode(
                    try await state.withConnection(caller.login) {
                        try Stock(connection: $0).writeOff(
                            sku: sku, quantity: quantity, location: location, lot: lot, reason: reason, note: note,
                            key: key)
                    })
            },
            Operation(
                method: .post, path: "/api/v1/stock/release-return",
                summary: "Put returned units that passed inspection back into usable stock", writes: true,
                parameters: [],
                body: [
                    ("sku", true, "SKU or GTIN", "string"), ("quantity", true, "units", .quantity),
                    ("location", true, "location code", "string"), ("lot", false, "lot code", "string"),
                ], created: true
            ) { request, _, caller in
                let body = try await jsonObject(request)
                let (sku, quantity, location) = (
                    try string(body, "sku"), try integer(body, "quantity"), try string(body, "location")
                )
                let lot = try optionalString(body, "lot")
                let key = caller.key!
                return try Web.encode(
                    try await state.withConnection(caller.login) {
                        try Stock(connection: $0).releaseReturn(
                            sku: sku, quantity: quantity, location: location, lot: lot, key: key)
                    })
            },
            Operation(
                method: .get, path: "/api/v1/fittings/{id}",
                summary: "A recorded fitting: its measurements and results", writes: false,
                parameters: [("id", "path", "fitting number")], body: [], created: false
            ) { _, context, caller in
                let id = try number(try Web.path(context, "id"), "id")
                return try Web.encode(
                    try await state.withConnection(caller.login) { try Fittings(connection: $0).show(id) })
            },
            Operation(
                method: .get, path: "/api/v1/fittings/{id}/order",
                summary: "A fitting's made-to-measure order sheet (the JSON of cfit fitting order --json)",
                writes: false,
                parameters: [
                    ("id", "path", "fitting number"),
                    ("line", "query", "the line to order (default: the one that needed made-to-measure)"),
                    ("toe", "query", "closed (default) or open"), ("color", "query", "the colour (default beige)"),
                ], body: [], created: false
            ) { request, context, caller in
                let id = try number(try Web.path(context, "id"), "id")
                let line = try query(request, "line")
                let (toe, color) = (
                    try query(request, "toe") ?? "closed", try query(request, "color") ?? "beige"
                )
                return try Web.encode(
                    try await state.withConnection(caller.login) {
                        try Fittings(connection: $0).order(id, line: line, toe: toe, color: color)
                    })
            },
            Operation(
                method: .get, path: "/api/v1/locations", summary: "Every location", writes: false, parameters: [],
                body: [], created: false, returns: .array
            ) { _, _, caller in
                try Web.encode(try await state.withConnection(caller.login) { try Locations(connection: $0).list() })
            },
            Operation(
                method: .post, path: "/api/v1/locations", summary: "Add a location (admin)", writes: true,
                parameters: [],
                body: [
                    ("code", true, "its code", "string"), ("name", true, "its name", "string"),
                    (
                        "kind", false, "stock (default), quarantine or returns",
                        .oneOf(["stock", "quarantine", "returns"])
                    ),
                    ("parent", false, "the location it is part of", "string"),
                ], created: true
            ) { request, _, caller in
                let body = try await jsonObject(request)
                let (code, name) = (try string(body, "code"), try string(body, "name"))
                let (kind, parent) = (try optionalString(body, "kind") ?? "stock", try optionalString(body, "parent"))
                let key = caller.key!
                return try Web.encode(
                    try await state.withConnection(caller.login) {
                        try Locations(connection: $0).add(code: code, name: name, kind: kind, parent: parent, key: key)
                    })
            },
            Operation(
                method: .post, path: "/api/v1/locations/{code}/disable",
                summary: "Disable a location that holds no stock (admin)", writes: true,
                parameters: [("code", "path", "location code")], body: [], created: false
            ) { _, context, caller in
                let code = try Web.path(context, "code")
                let key = caller.key!
                return try Web.encode(
                    try await state.withConnection(caller.login) {
                        try Locations(connection: $0).disable(code, key: key)
                    }
                )
            },
            Operation(
                method: .get, path: "/api/v1/users", summary: "Staff logins and their roles", writes: false,
                parameters: [], body: [], created: false, returns: .array
            ) { _, _, caller in
                try Web.encode(try await state.withConnection(caller.login) { try Users(connection: $0).list() })
            },
            Operation(
                method: .post, path: "/api/v1/catalog/import",
                summary:
                    "Import a catalog and its articles (admin): every problem with its line and field, nothing stored unless all is right",
                writes: true, parameters: [("dry_run", "query", "true: check and compare only, store nothing")],
                body: [
                    ("catalog", true, "the catalog JSON file", "binary"),
                    ("articles", false, "the articles CSV file", "binary"),
                ], created: false, keyed: false, multipart: true
            ) { request, _, caller in
                let upload = try await catalogUpload(request, login: caller.login)
                let dryRun = (try query(request, "dry_run")) == "true"
                return try Web.encode(
                    try await state.withConnection(caller.login) {
                        try AdminPages.importing(upload, dryRun: dryRun, on: $0)
                    })
            },
        ]
    }

    /// The files of a `multipart/form-data` catalog upload: `catalog` and, optionally, `articles`.
    static func catalogUpload(_ request: Request, login: String) async throws -> WebState.Upload {
        let body = Array(buffer: try await Web.body(request, limit: 64 << 20))
        guard let boundary = request.headers[.contentType].flatMap(Multipart.boundary),
            let parts = Multipart.parts(body, boundary: boundary)
        else {
            throw CounterError.badInput(
                "body", expected: "multipart/form-data with a catalog file",
                typed: request.headers[.contentType] ?? "no Content-Type")
        }
        guard let catalog = parts.first(where: { $0.name == "catalog" }), !catalog.bytes.isEmpty else {
            throw CounterError.badInput("catalog", expected: "a catalog JSON file", typed: "none")
        }
        let articles = parts.first { $0.name == "articles" && !$0.bytes.isEmpty }
        return WebState.Upload(
            login: login, catalog: catalog.bytes, catalogName: catalog.fileName ?? "catalog.json",
            articles: articles?.bytes, articlesName: articles?.fileName ?? "articles.csv", received: .now)
    }

    /// A whole number of days (or other `units`, at most `maximum`) from the query; `default`
    /// when absent.
    static func days(
        _ request: Request, _ name: String, default value: Int, allowZero: Bool = false, units: String = "days",
        maximum: Int = 36_500
    ) throws -> Int {
        guard let text = try query(request, name) else { return value }
        guard let number = Int(text), number >= (allowZero ? 0 : 1), number <= maximum else {
            throw CounterError.badInput(
                name, expected: "a whole number of \(units) from \(allowZero ? 0 : 1) to \(maximum)",
                typed: String(text))
        }
        return number
    }

    /// An optional day (`YYYY-MM-DD`) of a JSON body.
    static func day(_ object: [String: Any], _ name: String) throws -> CalendarDay? {
        try Web.day(try optionalString(object, name), field: name)
    }

    /// An optional JSON boolean (`false` when absent).
    static func boolean(_ object: [String: Any], _ name: String) throws -> Bool {
        guard let value = object[name], !(value is NSNull) else { return false }
        guard let number = value as? NSNumber, String(cString: number.objCType) == "c" else {
            throw CounterError.badInput(name, expected: "true or false", typed: "\(value)")
        }
        return number.boolValue
    }
}

import Counter
import Fitting
import Foundation
import HTTPTypes
import Hummingbird

/// The API's operations on patients, prescriptions, returns, write-offs, fittings, locations, staff
/// and catalogs: the rest of what the command line does, with the same JSON as its `--json`.
extension APIRoutes {
    static func recordOperations(state: WebState) -> [Operation] {
        [
            Operation(
                method: .get, path: "/api/v1/articles", answer: .list(ArticleRecord.self),
                summary: "Articles in the catalog matching every word of a search (SKU, GTIN, line, size, colour …)",
                writes: false,
                parameters: [
                    ("search", "query", "words, e.g. classic AD2 beige"), ("limit", "query", "at most (default 50)"),
                ], body: [], created: false, requiredQuery: ["search"]
            ) { request, _, caller in
                let (search, limit) = (try query(request, "search") ?? "", try query(request, "limit"))
                return try Web.encode(
                    try await state.withDesk(caller.login) { try $0.searchArticles(search, limit: limit) })
            },
            Operation(
                method: .get, path: "/api/v1/due", answer: .list(DueItem.self),
                summary: "What is due: garments to replace, prescriptions running out, legs to measure again",
                writes: false,
                parameters: [
                    ("within", "query", "days ahead (default 30); overdue items are always listed"),
                    ("replace_after", "query", "days a garment lasts (default 182)"),
                    (
                        "remeasure_after", "query",
                        "days after which a leg is measured again (default 91: every 3–6 months)"
                    ),
                ], body: [], created: false
            ) { request, _, caller in
                let due = DueRequest(
                    within: try query(request, "within"), replaceAfter: try query(request, "replace_after"),
                    remeasureAfter: try query(request, "remeasure_after"))
                return try Web.encode(try await state.withDesk(caller.login) { try due.run(on: $0) })
            },
            Operation(
                method: .get, path: "/api/v1/patients", answer: .list(PatientRecord.self),
                summary: "Patients whose reference or name contains a text",
                writes: false, parameters: [("search", "query", "part of a name or reference (optional)")], body: [],
                created: false
            ) { request, _, caller in
                let search = try query(request, "search")
                return try Web.encode(try await state.withDesk(caller.login) { try $0.patients(search: search) })
            },
            Operation(
                method: .post, path: "/api/v1/patients", answer: .record(PatientRecord.self), summary: "Add a patient",
                writes: true, parameters: [],
                body: PatientRequest.fields, created: true
            ) { request, _, caller in
                let patient = try await decoded(PatientRequest.self, request, limit: state.limits.body)
                let key = caller.key!
                return try Web.encode(try await state.withDesk(caller.login) { try patient.run(on: $0, key: key) })
            },
            Operation(
                method: .post, path: "/api/v1/patients/{reference}/contact", answer: .record(PatientContact.self),
                summary:
                    "Record how to reach a patient, replacing what was recorded (pharmacy and admin; fitters never see it)",
                writes: true, parameters: [("reference", "path", "the patient's reference")],
                body: ContactRequest.fields, created: false
            ) { request, context, caller in
                let (reference, key) = (try Web.path(context, "reference"), caller.key!)
                let body = try await decoded(ContactRequest.self, request, limit: state.limits.body)
                return try Web.encode(
                    try await state.withDesk(caller.login) { try body.run(on: $0, patient: reference, key: key) })
            },
            Operation(
                method: .get, path: "/api/v1/prescriptions/{number}", answer: .record(PrescriptionRecord.self),
                summary: "One prescription", writes: false,
                parameters: [("number", "path", "prescription number")], body: [], created: false
            ) { _, context, caller in
                let number = try Web.path(context, "number")
                return try Web.encode(try await state.withDesk(caller.login) { try $0.prescription(number) })
            },
            Operation(
                method: .post, path: "/api/v1/prescriptions", answer: .record(PrescriptionRecord.self),
                summary: "Record a prescription (a new patient or prescriber is added when their name is given)",
                writes: true, parameters: [],
                body: PrescriptionRequest.fields, created: true
            ) { request, _, caller in
                let prescription = try await decoded(PrescriptionRequest.self, request, limit: state.limits.body)
                let key = caller.key!
                return try Web.encode(
                    try await state.withDesk(caller.login) { try prescription.run(on: $0, key: key) })
            },
            Operation(
                method: .post, path: "/api/v1/prescriptions/{number}/cancel", answer: .record(PrescriptionRecord.self),
                summary: "Cancel a prescription, saying why (its reservations are released and listed)", writes: true,
                parameters: [("number", "path", "prescription number")], body: ReasonRequest.fields, created: false
            ) { request, context, caller in
                let (number, key) = (try Web.path(context, "number"), caller.key!)
                let body = try await decoded(ReasonRequest.self, request, limit: state.limits.body)
                return try Web.encode(
                    try await state.withDesk(caller.login) {
                        try $0.cancel(prescription: number, reason: body.reason, key: key)
                    })
            },
            Operation(
                method: .post, path: "/api/v1/prescriptions/expire", answer: .record(PrescriptionExpiry.self),
                summary:
                    "Mark every prescription past its last valid day expired and release what each held (cfit serve does it daily)",
                writes: true, parameters: [], body: [], created: false
            ) { _, _, caller in
                let key = caller.key!
                return try Web.encode(try await state.withDesk(caller.login) { try $0.expirePrescriptions(key: key) })
            },
            Operation(
                method: .post, path: "/api/v1/dispenses/{id}/return", answer: .record(ReturnRecord.self),
                summary: "Take garments back from a patient; they await inspection", writes: true,
                parameters: [
                    ("id", "path", "dispense reference (D-…)"),
                    (
                        "prescription", "query",
                        "the prescription it is for: checked when given, needed with a number instead of a reference"
                    ),
                ],
                body: ReturnRequest.fields, created: true
            ) { request, context, caller in
                let id = try Web.path(context, "id")
                let rx = try query(request, "prescription")
                let taking = try await decoded(ReturnRequest.self, request, limit: state.limits.body)
                let key = caller.key!
                return try Web.encode(
                    try await state.withDesk(caller.login) {
                        try taking.run(on: $0, dispense: .reference(id, rx: rx), key: key)
                    })
            },
            Operation(
                method: .post, path: "/api/v1/stock/write-off", answer: .record(MovementRecord.self),
                summary: "Write units off: expired, damaged, returned (failed inspection) or recalled", writes: true,
                parameters: [],
                body: WriteOffRequest.fields, created: true
            ) { request, _, caller in
                let writeOff = try await decoded(WriteOffRequest.self, request, limit: state.limits.body)
                let key = caller.key!
                return try Web.encode(try await state.withDesk(caller.login) { try writeOff.run(on: $0, key: key) })
            },
            Operation(
                method: .post, path: "/api/v1/stock/release-return", answer: .list(MovementRecord.self),
                summary: "Put returned units that passed inspection back into usable stock", writes: true,
                parameters: [],
                body: ReleaseReturnRequest.fields, created: true
            ) { request, _, caller in
                let release = try await decoded(ReleaseReturnRequest.self, request, limit: state.limits.body)
                let key = caller.key!
                return try Web.encode(try await state.withDesk(caller.login) { try release.run(on: $0, key: key) })
            },
            Operation(
                method: .get, path: "/api/v1/fittings/{id}", answer: .record(FittingRecord.self),
                summary: "A recorded fitting: its measurements and results", writes: false,
                parameters: [
                    ("id", "path", "fitting reference (F-…)"),
                    (
                        "prescription", "query",
                        "the prescription it is for: checked when given, needed with a number instead of a reference"
                    ),
                ], body: [], created: false
            ) { request, context, caller in
                let id = try Web.path(context, "id")
                let rx = try query(request, "prescription")
                return try Web.encode(try await state.withDesk(caller.login) { try $0.fitting(id, rx: rx) })
            },
            Operation(
                method: .post, path: "/api/v1/fittings/{id}/void", answer: .record(FittingRecord.self),
                summary:
                    "Void a fitting recorded in error, saying why: kept and shown as voided, never compared with or ordered from",
                writes: true,
                parameters: [
                    ("id", "path", "fitting reference (F-…)"),
                    (
                        "prescription", "query",
                        "the prescription it is for: checked when given, needed with a number instead of a reference"
                    ),
                ], body: ReasonRequest.fields, created: false
            ) { request, context, caller in
                let (id, key) = (try Web.path(context, "id"), caller.key!)
                let rx = try query(request, "prescription")
                let body = try await decoded(ReasonRequest.self, request, limit: state.limits.body)
                return try Web.encode(
                    try await state.withDesk(caller.login) {
                        try $0.voidFitting(id, rx: rx, reason: body.reason, key: key)
                    })
            },
            Operation(
                method: .get, path: "/api/v1/fittings/{id}/order", answer: .record(MadeToMeasureOrder.self),
                summary: "A fitting's made-to-measure order sheet (the JSON of cfit fitting order --json)",
                writes: false,
                parameters: [
                    ("id", "path", "fitting reference (F-…)"),
                    (
                        "prescription", "query",
                        "the prescription it is for: checked when given, needed with a number instead of a reference"
                    ),
                    ("line", "query", "the line to order (default: the one that needed made-to-measure)"),
                    ("toe", "query", "closed (default) or open"), ("color", "query", "the colour (default beige)"),
                ], body: [], created: false
            ) { request, context, caller in
                let id = try Web.path(context, "id")
                let rx = try query(request, "prescription")
                let (line, toe, color) = (
                    try query(request, "line"), try query(request, "toe"), try query(request, "color")
                )
                return try Web.encode(
                    try await state.withDesk(caller.login) {
                        try $0.order(fitting: id, rx: rx, line: line, toe: toe, color: color)
                    })
            },
            Operation(
                method: .get, path: "/api/v1/guideline", answer: .record(Guideline.self),
                summary:
                    "The shop's clinical guideline: arterial-safety policy and the standard a bare class is read in",
                writes: false, parameters: [], body: [], created: false
            ) { _, _, caller in
                try Web.encode(try await state.withDesk(caller.login) { try $0.guideline() })
            },
            Operation(
                method: .post, path: "/api/v1/guideline", answer: .record(Guideline.self),
                summary: "Set the shop's arterial-safety policy and/or default standard (admin)", writes: true,
                parameters: [], body: GuidelineRequest.fields, created: false
            ) { request, _, caller in
                let set = try await decoded(GuidelineRequest.self, request, limit: state.limits.body)
                let key = caller.key!
                return try Web.encode(try await state.withDesk(caller.login) { try set.run(on: $0, key: key) })
            },
            Operation(
                method: .get, path: "/api/v1/locations", answer: .list(LocationRecord.self), summary: "Every location",
                writes: false, parameters: [],
                body: [], created: false
            ) { _, _, caller in
                try Web.encode(try await state.withDesk(caller.login) { try $0.locations() })
            },
            Operation(
                method: .post, path: "/api/v1/locations", answer: .record(LocationRecord.self),
                summary: "Add a location (admin)", writes: true,
                parameters: [],
                body: LocationRequest.fields, created: true
            ) { request, _, caller in
                let location = try await decoded(LocationRequest.self, request, limit: state.limits.body)
                let key = caller.key!
                return try Web.encode(try await state.withDesk(caller.login) { try location.run(on: $0, key: key) })
            },
            Operation(
                method: .post, path: "/api/v1/locations/{code}/disable", answer: .record(LocationRecord.self),
                summary: "Disable a location that holds no stock (admin)", writes: true,
                parameters: [("code", "path", "location code")], body: [], created: false
            ) { _, context, caller in
                let (code, key) = (try Web.path(context, "code"), caller.key!)
                return try Web.encode(
                    try await state.withDesk(caller.login) { try $0.disable(location: code, key: key) })
            },
            Operation(
                method: .get, path: "/api/v1/users", answer: .list(UserRecord.self),
                summary: "Staff logins and their roles", writes: false,
                parameters: [], body: [], created: false
            ) { _, _, caller in
                try Web.encode(try await state.withDesk(caller.login) { try $0.users() })
            },
            Operation(
                method: .post, path: "/api/v1/catalog/import", answer: .record(ImportSummary.self),
                summary:
                    "Import a catalog and its articles (admin): every problem with its line and field, nothing stored unless all is right",
                writes: true, parameters: [("dry_run", "query", "true: check and compare only, store nothing")],
                body: [
                    RequestField("catalog", required: true, "the catalog JSON file", .binary),
                    RequestField("articles", required: false, "the articles CSV file", .binary),
                ], created: false, multipart: true
            ) { request, _, caller in
                let dryRun = (try query(request, "dry_run")) == "true"
                let key = caller.key!
                // At most `--max-imports` at once, each admitted before its body is read.
                return try await state.importing {
                    let upload = try await catalogUpload(request, login: caller.login, limit: state.limits.importBytes)
                    return try Web.encode(
                        try await state.withDesk(caller.login) {
                            try upload.importing(dryRun: dryRun, on: $0, key: key)
                        })
                }
            },
        ]
    }

    /// The files of a `multipart/form-data` catalog upload: `catalog` and, optionally, `articles`.
    static func catalogUpload(_ request: Request, login: String, limit: Int) async throws -> WebState.Upload {
        let body = Array(buffer: try await Web.body(request, limit: limit))
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
}

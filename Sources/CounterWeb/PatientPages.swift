import Counter
import Fitting
import Foundation
import Hummingbird

/// Patients and new prescriptions, and what is due: finding a patient, adding one, recording a
/// prescription (creating its patient and prescriber when they are new), cancelling one, and the
/// list of garments to replace, prescriptions running out and legs to measure again.
enum PatientPages {
    /// At most this many patients are listed for a search (a shop's list can be long).
    static let listLimit = 200

    static func add(to router: Router<WebContext>, state: WebState) {
        router.get("/due") { request, context in
            let asked = DueRequest(within: try Web.given(request, "within"))
            return try await RecordPages.page(request, context: context, state: state, title: "Due", current: "/due") {
                _, desk in due(try asked.run(on: desk), try asked.days(), desk.today)
            }
        }

        router.get("/patients") { request, context in
            let search = (try Web.query(request, "q"))?.trimmingCharacters(in: .whitespaces) ?? ""
            return try await RecordPages.page(
                request, context: context, state: state, title: "Patients", current: "/patients"
            ) {
                session, desk in
                let found = try desk.patients(search: search.isEmpty ? nil : search, limit: listLimit + 1)
                return patients(session, search: search, found: found)
            }
        }

        router.post("/patients") { request, context in
            try await PageRoutes.posted(request, context: context, state: state) { session, fields in
                let added = PatientRequest(
                    reference: fields.text("reference"), name: fields.text("name"), born: fields.given("born"))
                let key = try fields.key()
                let patient = try await state.withDesk(session.login) { try added.run(on: $0, key: key) }
                return Web.redirect(
                    "/patients/\(PageRoutes.percent(patient.reference))?done=\(PageRoutes.percent("patient \(patient.reference) added"))"
                )
            } page: { session, fields, message in
                Pages.layout(
                    "Patients", session: session, current: "/patients",
                    patients(session, search: "", found: [], entered: fields, error: message))
            }
        }

        router.get("/prescriptions/new") { request, context in
            let entered = ["patient": (try Web.query(request, "patient")) ?? ""]
            return try await RecordPages.page(
                request, context: context, state: state, title: "New prescription", current: "/prescriptions"
            ) { session, desk in
                newPrescription(
                    session, prescribers: try desk.prescribers(), entered: entered,
                    error: nil)
            }
        }

        router.post("/prescriptions/new") { request, context in
            try await PageRoutes.posted(request, context: context, state: state) { session, fields in
                let new = prescription(fields)
                let key = try fields.key()
                let record = try await state.withDesk(session.login) { try new.run(on: $0, key: key) }
                return Web.redirect(
                    "/prescriptions/\(PageRoutes.percent(record.number))?done=\(PageRoutes.percent("prescription \(record.number) recorded: \(record.quantityPrescribed) × \(record.style) \(record.pressureClass) for \(record.patientName)"))"
                )
            } page: { session, fields, message in
                Pages.layout(
                    "New prescription", session: session, current: "/prescriptions",
                    newPrescription(session, prescribers: [], entered: fields, error: message))
            }
        }

        router.post("/prescriptions/cancel") { request, context in
            try await PageRoutes.posted(request, context: context, state: state) { session, fields in
                let (number, key) = (fields.text("rx"), try fields.key())
                let record = try await state.withDesk(session.login) { try $0.cancel(prescription: number, key: key) }
                return Web.redirect(
                    "/prescriptions/\(PageRoutes.percent(record.number))?done=\(PageRoutes.percent("prescription \(record.number) cancelled"))"
                )
            } page: { session, _, message in
                Pages.layout("Prescription", session: session, current: "/prescriptions", Pages.message(message))
            }
        }
    }

    /// The prescription a posted form describes, for the layer to read.
    static func prescription(_ fields: [String: String]) -> PrescriptionRequest {
        PrescriptionRequest(
            number: fields.given("number"), patient: fields.text("patient"), patientName: fields.given("patient_name"),
            prescriber: fields.text("prescriber"), prescriberName: fields.given("prescriber_name"),
            style: fields.text("style"), pressureClass: fields.text("class"),
            quantity: NumberText(fields.text("quantity")), side: fields.given("side"),
            validUntil: fields.given("valid_until"), diagnosis: fields.given("diagnosis"))
    }

    static let reasons = [
        "replacement": "replacement garments", "prescription-expires": "prescription runs out",
        "re-measure": "measure again",
    ]

    static func due(_ items: [DueItem], _ within: Int, _ today: CalendarDay) -> HTML {
        let rows: [HTML] = items.map { item in
            let late = item.due.daysSince2000 - today.daysSince2000
            let when: HTML =
                late < 0
                ? "<strong>\(item.due.description)</strong> (\(-late) days overdue)"
                : late == 0 ? "\(item.due.description) (today)" : "\(item.due.description) (in \(late) days)"
            return """
                <tr><td>\(when)</td><td><a href="/patients/\(PageRoutes.percent(item.patient))">\(item.name)</a> \(item.patient)</td>
                <td>\(reasons[item.reason] ?? item.reason)</td><td>\(item.detail)</td></tr>
                """
        }
        let choices: [HTML] = [7, 30, 90].map { days in
            days == within ? "<strong>\(days) days</strong> " : "<a href=\"/due?within=\(days)\">\(days) days</a> "
        }
        return """
            <h1>Due</h1>
            <p>Garments worn 6 months, prescriptions running out and legs last measured 6 months ago, \
            overdue first, then the next \(within) days: \(choices)</p>
            <table><thead><tr><th>Due</th><th>Patient</th><th>What</th><th>Details</th></tr></thead>
            <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"4\">Nothing is due.</td></tr>"] : rows)</tbody></table>
            """
    }

    static func patients(
        _ session: Session, search: String, found: [PatientRecord], entered: [String: String] = [:],
        error: String? = nil
    ) -> HTML {
        let rows: [HTML] = found.prefix(listLimit).map { patient in
            """
            <tr><td><a href="/patients/\(PageRoutes.percent(patient.reference))">\(patient.reference)</a></td>
            <td>\(patient.name)</td><td>\(patient.born ?? "—")</td></tr>
            """
        }
        let more: HTML =
            found.count > listLimit ? "<p>More than \(listLimit) patients match: narrow the search.</p>" : ""
        var body: HTML = """
            <h1>Patients</h1>\(Pages.message(error))
            <form method="get" action="/patients"><label>Name or reference
            <input name="q" value="\(search)" autofocus autocomplete="off"></label> <button>Find</button></form>
            <table><thead><tr><th>Reference</th><th>Name</th><th>Born</th></tr></thead>
            <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"3\">No patient found.</td></tr>"] : rows)</tbody></table>\(more)
            """
        if session.role >= .pharmacy {
            body = """
                \(body)
                <h2>New patient</h2>
                <form method="post" action="/patients">
                <input type="hidden" name="csrf" value="\(session.csrf)"><input type="hidden" name="key" value="\(Token.make())">
                <label>Reference <input name="reference" value="\(entered["reference"])" size="12" required></label>
                <label>Name <input name="name" value="\(entered["name"])" required></label>
                <label>Born <input name="born" type="date" value="\(entered["born"])"></label>
                <button>Add the patient</button></form>
                """
        }
        return body
    }

    static func newPrescription(
        _ session: Session, prescribers: [PrescriberRecord], entered: [String: String], error: String?
    ) -> HTML {
        let styles: [HTML] = Style.allCases.map { style in
            let chosen = (entered["style"] ?? "AD") == style.rawValue
            return "<option value=\"\(style.rawValue)\"\(chosen ? " selected" : "")>\(style.rawValue)</option>"
        }
        let sides: [HTML] = ["both", "left", "right"].map { side in
            "<option\((entered["side"] ?? "both") == side ? " selected" : "")>\(side)</option>"
        }
        let known: [HTML] = prescribers.map { "<option value=\"\($0.reference)\">\($0.name)</option>" }
        return """
            <h1>New prescription</h1>\(Pages.message(error))
            <form method="post" action="/prescriptions/new">
            <input type="hidden" name="csrf" value="\(session.csrf)"><input type="hidden" name="key" value="\(Token.make())">
            <fieldset><legend>Patient</legend>
            <label>Reference <input name="patient" value="\(entered["patient"])" size="12" required autofocus></label>
            <label>Name, for a new patient <input name="patient_name" value="\(entered["patient_name"])"></label></fieldset>
            <fieldset><legend>Prescriber</legend>
            <label>Reference <input name="prescriber" value="\(entered["prescriber"])" size="12" list="prescribers" required></label>
            <datalist id="prescribers">\(known)</datalist>
            <label>Name, for a new prescriber <input name="prescriber_name" value="\(entered["prescriber_name"])"></label></fieldset>
            <fieldset><legend>Garment</legend>
            <label>Style <select name="style">\(styles)</select></label>
            <label>Class <input name="class" value="\(entered["class"] ?? "2")" size="8" required></label>
            <label>Side <select name="side">\(sides)</select></label>
            <label>Garments <input name="quantity" value="\(entered["quantity"] ?? "2")" inputmode="numeric" size="3" required></label>
            <label>Valid until <input name="valid_until" type="date" value="\(entered["valid_until"])"></label>
            <label>Diagnosis (ICD-10) <input name="diagnosis" value="\(entered["diagnosis"])" size="8"></label>
            <label>Number <input name="number" value="\(entered["number"])" size="10" placeholder="RX-n"></label></fieldset>
            <p><button>Record the prescription</button></p></form>
            """
    }
}

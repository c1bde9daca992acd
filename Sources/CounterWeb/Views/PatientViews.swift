import Counter
import Fitting
import Foundation
import Hummingbird

/// Patients and new prescriptions, and what is due: finding a patient, adding one, recording a
/// prescription (creating its patient and prescriber when they are new), cancelling one, and the
/// list of garments to replace, prescriptions running out and legs to measure again.
enum PatientViews {
    /// At most this many patients are listed for a search (a shop's list can be long).
    static let listLimit = 200

    static let reasons = [
        "replacement": "replacement garments", "prescription-expires": "prescription runs out",
        "prescription-expired": "prescription expired", "re-measure": "measure again",
    ]

    static func due(
        _ session: Session, _ items: [DueItem], _ within: Int, _ today: CalendarDay, notice: String? = nil
    ) -> HTML {
        // Prescriptions past their last day are marked expired (what they hold released) once a
        // day by cfit serve; the pharmacy need not wait for it.
        let expire: HTML =
            session.role >= .pharmacy && items.contains(where: { $0.reason == "prescription-expired" })
            ? """
            <form method="post" action="/prescriptions/expire"><input type="hidden" name="csrf" value="\(session.csrf)">
            <input type="hidden" name="key" value="\(Token.make())">
            <button>Expire now</button> every prescription past its last valid day, releasing the garments it holds</form>
            """ : ""
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
            <h1>Due</h1>\(Pages.message(notice, error: false))
            <p>Garments worn 6 months, prescriptions running out and legs last measured 6 months ago, \
            overdue first, then the next \(within) days: \(choices)</p>
            <table><thead><tr><th>Due</th><th>Patient</th><th>What</th><th>Details</th></tr></thead>
            <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"4\">Nothing is due.</td></tr>"] : rows)</tbody></table>
            \(expire)
            """
    }

    static func patients(
        _ session: Session, search: String, found: [PatientRecord], entered: [String: String] = [:],
        error: String? = nil, askDifferentPerson: Bool = false
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
                \(askDifferentPerson ? "<label><input type=\"checkbox\" name=\"different_person\" value=\"true\"> A different person from the patient already recorded with this name and birth date</label>" as HTML : "")
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
            <label>Class (with its standard: RAL:2, BS:2, US:20-30) <input name="class" value="\(entered["class"] ?? "RAL:2")" size="8" required></label>
            <label>Side <select name="side">\(sides)</select></label>
            <label>Garments <input name="quantity" value="\(entered["quantity"] ?? "2")" inputmode="numeric" size="3" required></label>
            <label>Valid until <input name="valid_until" type="date" value="\(entered["valid_until"])"></label>
            <label>Diagnosis (ICD-10) <input name="diagnosis" value="\(entered["diagnosis"])" size="8"></label>
            <label>Number <input name="number" value="\(entered["number"])" size="10" placeholder="RX-n"></label>
            <label><input type="checkbox" name="arterial_assessed" value="true"\(HTML(raw: entered["arterial_assessed"] == "true" ? " checked" : ""))> the prescriber assessed arterial status (ABPI or equivalent)</label>
            <label><input type="checkbox" name="washing_set" value="true"\(HTML(raw: entered["washing_set"] == "true" ? " checked" : ""))> a second set for washing is covered</label></fieldset>
            <p><button>Record the prescription</button></p></form>
            """
    }

    /// How to reach the patient, and the form to change it: for pharmacy and admin only (a
    /// fitter's page has neither; PostgreSQL would not show the details anyway).
    static func contact(
        _ session: Session, _ history: PatientHistory, error: String? = nil, entered: [String: String]? = nil
    )
        -> HTML
    {
        guard session.role >= .pharmacy else { return "" }
        let c = history.contact
        let values =
            entered ?? [
                "phone": c?.phone ?? "", "email": c?.email ?? "", "address": c?.address ?? "",
                "preferred": c?.preferred ?? "",
            ]
        let ways: [HTML] = ([""] + PatientContact.preferences).map { way in
            "<option value=\"\(way)\"\(values["preferred"] == way ? " selected" : "")>\(way.isEmpty ? "—" : way)</option>"
        }
        let shown: HTML =
            c.map { c in
                let parts = [("phone", c.phone), ("e-mail", c.email), ("address", c.address)].compactMap {
                    name, detail in
                    detail.map { "\(name) \($0)" }
                }
                return "<p>\(parts.joined(separator: " · "))\(c.preferred.map { " — prefers \($0)" } ?? "")</p>"
            } ?? "<p>No contact details recorded: a recall cannot reach this patient.</p>"
        return """
            <h2>Contact</h2>\(Pages.message(error))\(shown)
            <form method="post" action="/patients/\(PageRoutes.percent(history.patient.reference))/contact">
            <input type="hidden" name="csrf" value="\(session.csrf)"><input type="hidden" name="key" value="\(Token.make())">
            <label>Phone <input name="phone" value="\(values["phone"])" size="16"></label>
            <label>E-mail <input name="email" type="email" value="\(values["email"])" size="24"></label>
            <label>Address <input name="address" value="\(values["address"])" size="40"></label>
            <label>Prefers <select name="preferred">\(ways)</select></label>
            <button>Save contact details</button></form>
            """
    }

    static func history(_ session: Session, _ history: PatientHistory, notice: String?) -> HTML {
        let prescriptions: [HTML] = history.prescriptions.map { rx in
            "<tr><td><a href=\"/prescriptions/\(PageRoutes.percent(rx.number))\">\(rx.number)</a></td><td>\(rx.style.rawValue) \(rx.pressureClass)</td><td>\(rx.quantityDispensed) of \(rx.quantityPrescribed)</td><td>\(rx.status)</td></tr>"
        }
        let fittings: [HTML] = history.fittings.map { fitting in
            let results = fitting.results.map { result in
                "\(result.line): \(result.outcome == .standard ? "\(result.size ?? "") \(result.length ?? "")" : result.outcome.rawValue)"
            }.joined(separator: "; ")
            let changes = fitting.changes.sorted { $0.key < $1.key }.flatMap { side, points in
                points.sorted { $0.key < $1.key }.map {
                    "\(side == "leg" ? "" : "\(side) ")\($0.key) \($0.value)"
                }
            }.joined(separator: ", ")
            let voided: HTML = fitting.voided.map { " <strong>voided</strong>: \($0.reason)" } ?? ""
            return
                "<tr><td><a href=\"/fittings/\(String(fitting.id))\">\(Pages.time(fitting.takenAt))</a>\(voided)</td><td>\(fitting.fitter)</td><td>\(fitting.style.rawValue) \(fitting.pressureClass)</td><td>\(results)</td><td>\(changes.isEmpty ? "—" : changes)</td></tr>"
        }
        let dispenses: [HTML] = history.dispenses.map { handOver in
            "<tr><td>\(Pages.time(handOver.handedOverAt))</td><td>\(handOver.prescription)</td><td>\(handOver.sku)</td><td>\(handOver.lot ?? "—")</td><td>\(handOver.quantity)</td><td>\(handOver.returned)</td></tr>"
        }
        let new: HTML =
            session.role >= .pharmacy
            ? "<p><a href=\"/prescriptions/new?patient=\(PageRoutes.percent(history.patient.reference))\" accesskey=\"n\">New prescription for \(history.patient.name)</a></p>"
            : ""
        return """
            <h1>\(history.patient.name) <small>\(history.patient.reference)\(history.patient.born.map { " · born \($0)" } ?? "")</small></h1>
            \(Pages.message(notice, error: false))\(new)\(contact(session, history))
            <h2>Prescriptions</h2><table><thead><tr><th>Number</th><th>Garment</th><th>Handed over</th><th>Status</th></tr></thead>
            <tbody>\(prescriptions.isEmpty ? ["<tr><td colspan=\"4\">None.</td></tr>"] : prescriptions)</tbody></table>
            <h2>Fittings</h2><table><thead><tr><th>Taken</th><th>Fitter</th><th>Garment</th><th>Result</th><th>Change since the last</th></tr></thead>
            <tbody>\(fittings.isEmpty ? ["<tr><td colspan=\"5\">None.</td></tr>"] : fittings)</tbody></table>
            <h2>Garments handed over</h2><table><thead><tr><th>When</th><th>Prescription</th><th>Article</th><th>Lot</th><th>Units</th><th>Returned</th></tr></thead>
            <tbody>\(dispenses.isEmpty ? ["<tr><td colspan=\"6\">None.</td></tr>"] : dispenses)</tbody></table>
            """
    }
}

import Counter
import Fitting
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Patients: finding one, adding one, a patient's prescriptions, fittings and garments handed over.
enum PatientsController {
    static func routes(state: WebState) -> RouteCollection<WebContext> {
        let router = RouteCollection(context: WebContext.self)
        router.add(middleware: FormMiddleware(state: state))
        router.get("/patients/:reference") { request, context in
            let reference = try Web.path(context, "reference")
            let notice = (try Web.query(request, "done"))
            return try await PageRoutes.page(
                request, context: context, state: state, title: "Patient", current: "/patients"
            ) {
                session, desk in
                let history = try desk.patient(reference)
                return PatientViews.history(session, history, notice: notice)
            }
        }

        router.post("/patients/:reference/contact") { request, context in
            let reference = try Web.path(context, "reference")
            return try await PageRoutes.posted(request, context: context, state: state) { session, fields in
                let contact = ContactRequest(
                    phone: fields.given("phone"), email: fields.given("email"), address: fields.given("address"),
                    preferred: fields.given("preferred"))
                let key = try fields.key()
                _ = try await state.withDesk(session.login) { try contact.run(on: $0, patient: reference, key: key) }
                return Web.redirect(
                    "/patients/\(PageRoutes.percent(reference))?done=\(PageRoutes.percent("contact details saved"))")
            } page: { session, fields, message in
                Pages.layout(
                    "Patient", session: session, current: "/patients",
                    """
                    \(Pages.message(message))
                    <p><a href="/patients/\(PageRoutes.percent(reference))">Back to patient \(reference)</a>: nothing was saved.</p>
                    """)
            }
        }

        router.get("/patients") { request, context in
            let search = (try Web.query(request, "q"))?.trimmingCharacters(in: .whitespaces) ?? ""
            return try await PageRoutes.page(
                request, context: context, state: state, title: "Patients", current: "/patients"
            ) {
                session, desk in
                let found = try desk.patients(search: search.isEmpty ? nil : search, limit: PatientViews.listLimit + 1)
                return PatientViews.patients(session, search: search, found: found)
            }
        }

        router.post("/patients") { request, context in
            try await PageRoutes.posted(request, context: context, state: state) { session, fields in
                let added = PatientRequest(
                    reference: fields.text("reference"), name: fields.text("name"), born: fields.given("born"),
                    differentPerson: fields["different_person"] == "true" ? true : nil)
                let key = try fields.key()
                let patient: PatientRecord
                do {
                    patient = try await state.withDesk(session.login) { try added.run(on: $0, key: key) }
                } catch {
                    // The same name and birth date as a recorded patient: asked again, with the box to tick.
                    let classified = CounterError(classifying: error)
                    guard classified.kind == .conflict, classified.field == "differentPerson" else { throw error }
                    let failure = Web.failure(error, request, logger: state.logger)
                    return Web.page(
                        Pages.layout(
                            "Patients", session: session, current: "/patients",
                            PatientViews.patients(
                                session, search: "", found: [], entered: fields, error: failure.message,
                                askDifferentPerson: true)),
                        failure: failure)
                }
                return Web.redirect(
                    "/patients/\(PageRoutes.percent(patient.reference))?done=\(PageRoutes.percent("patient \(patient.reference) added"))"
                )
            } page: { session, fields, message in
                Pages.layout(
                    "Patients", session: session, current: "/patients",
                    PatientViews.patients(session, search: "", found: [], entered: fields, error: message))
            }
        }
        return router
    }
}

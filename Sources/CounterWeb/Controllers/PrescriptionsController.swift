import Counter
import Fitting
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Prescriptions: the list by status, recording one (with a new patient or prescriber), one at the counter, cancelling one.
enum PrescriptionsController {
    static func routes(state: WebState) -> RouteCollection<WebContext> {
        let router = RouteCollection(context: WebContext.self)
        router.add(middleware: FormMiddleware(state: state))
        router.get("/prescriptions") { request, context in
            try await PageRoutes.page(
                request, context: context, state: state, title: "Prescriptions", current: "/prescriptions"
            ) {
                session, desk in
                let status = (try Web.query(request, "status")).flatMap { $0.isEmpty ? nil : $0 } ?? "active"
                let records = try desk.prescriptions(status: status == "all" ? nil : status, patient: nil)
                return PrescriptionViews.list(session, records, status: status)
            }
        }

        router.get("/prescriptions/:number") { request, context in
            let number = try Web.path(context, "number")
            let notice: String? = (try Web.query(request, "done"))
            return try await PageRoutes.page(
                request, context: context, state: state, title: "Prescription", current: "/prescriptions"
            ) {
                session, desk in
                let here = try desk.prescriptionAtCounter(number)
                return PrescriptionViews.page(
                    session, here.prescription, here.reservations, here.handedOver, notice: notice,
                    location: desk.location)
            }
        }

        router.get("/prescriptions/new") { request, context in
            let entered = ["patient": (try Web.query(request, "patient")) ?? ""]
            return try await PageRoutes.page(
                request, context: context, state: state, title: "New prescription", current: "/prescriptions"
            ) { session, desk in
                PatientViews.newPrescription(
                    session, prescribers: try desk.prescribers(), entered: entered,
                    error: nil)
            }
        }

        router.post("/prescriptions/new") { request, context in
            try await PageRoutes.posted(request, context: context, state: state) { session, fields in
                let new = PrescriptionsController.prescription(fields)
                let key = try fields.key()
                let record = try await state.withDesk(session.login) { try new.run(on: $0, key: key) }
                return Web.redirect(
                    "/prescriptions/\(PageRoutes.percent(record.number))?done=\(PageRoutes.percent("prescription \(record.number) recorded: \(record.quantityPrescribed) × \(record.style.rawValue) \(record.pressureClass) for \(record.patientName)"))"
                )
            } page: { session, fields, message in
                Pages.layout(
                    "New prescription", session: session, current: "/prescriptions",
                    PatientViews.newPrescription(session, prescribers: [], entered: fields, error: message))
            }
        }

        router.post("/prescriptions/cancel") { request, context in
            try await PageRoutes.posted(request, context: context, state: state) { session, fields in
                let (number, reason, key) = (fields.text("rx"), fields.text("reason"), try fields.key())
                let record = try await state.withDesk(session.login) {
                    try $0.cancel(prescription: number, reason: reason, key: key)
                }
                let released = record.released ?? []
                let words =
                    "prescription \(record.number) cancelled (\(record.statusReason ?? reason)); "
                    + (released.isEmpty
                        ? "nothing was reserved"
                        : "released \(released.map { "\($0.id) (\($0.sku) at \($0.location))" }.joined(separator: ", ")) back into stock")
                return Web.redirect(
                    "/prescriptions/\(PageRoutes.percent(record.number))?done=\(PageRoutes.percent(words))")
            } page: { session, _, message in
                Pages.layout("Prescription", session: session, current: "/prescriptions", Pages.message(message))
            }
        }
        return router
    }

    /// The prescription a posted form describes, for the layer to read.
    static func prescription(_ fields: [String: String]) -> PrescriptionRequest {
        PrescriptionRequest(
            number: fields.given("number"), patient: fields.text("patient"), patientName: fields.given("patient_name"),
            prescriber: fields.text("prescriber"), prescriberName: fields.given("prescriber_name"),
            style: fields.text("style"), pressureClass: fields.text("class"),
            quantity: NumberText(fields.text("quantity")), side: fields.given("side"),
            validUntil: fields.given("valid_until"), diagnosis: fields.given("diagnosis"),
            arterialAssessed: fields["arterial_assessed"] == "true", washingSet: fields["washing_set"] == "true")
    }
}

// The fields of each request as its `Decodable` conformance reads them, with what the layer's
// readers accept: the API's document is made from these, and a test decodes each table back.

extension ReceiveRequest: DescribedRequest {
    /// The fields of a receipt.
    public static let fields = [
        RequestField("sku", required: true, "SKU, GTIN or scanned GS1 code (its lot and expiry fill those in)", .scan),
        RequestField("quantity", required: true, "units", .quantity),
        RequestField("location", required: false, "location code (default: this server's)", .code),
        RequestField("lot", required: false, "lot code", .code),
        RequestField("expires", required: false, "the lot's expiry, YYYY-MM-DD", .day),
        RequestField("reference", required: false, "delivery note or order", .text),
        RequestField(
            "accept_expired", required: false, "book an expired lot in as expired stock, never offered", .boolean),
    ]
}

extension CountRequest: DescribedRequest {
    /// The fields of a count.
    public static let fields = [
        RequestField("sku", required: true, "SKU, GTIN or scanned GS1 code", .scan),
        RequestField("counted", required: true, "units counted", .count),
        RequestField("location", required: false, "location code (default: this server's)", .code),
        RequestField("lot", required: false, "lot code", .code),
    ]
}

extension TransferRequest: DescribedRequest {
    /// The fields of a transfer.
    public static let fields = [
        RequestField("sku", required: true, "SKU, GTIN or scanned GS1 code", .scan),
        RequestField("quantity", required: true, "units", .quantity),
        RequestField("from", required: false, "location code (default: this server's)", .code),
        RequestField("to", required: true, "location code", .code),
        RequestField(
            "unusable", required: false, "move only units that may not be offered, to quarantine or returns", .boolean),
    ]
}

extension WriteOffRequest: DescribedRequest {
    /// The fields of a write-off.
    public static let fields = [
        RequestField("sku", required: true, "SKU, GTIN or scanned GS1 code", .scan),
        RequestField("quantity", required: true, "units", .quantity),
        RequestField("location", required: false, "location code (default: this server's)", .code),
        RequestField("lot", required: false, "lot code", .code),
        RequestField(
            "reason", required: true, "expired, damaged, returned or recalled",
            .oneOf(WriteOffReason.allCases.map(\.rawValue))),
        RequestField("note", required: false, "a note for the ledger", .text),
    ]
}

extension ReleaseReturnRequest: DescribedRequest {
    /// The fields of a release of returned units.
    public static let fields = [
        RequestField("sku", required: true, "SKU, GTIN or scanned GS1 code", .scan),
        RequestField("quantity", required: true, "units", .quantity),
        RequestField("location", required: false, "location code (default: this server's)", .code),
        RequestField("lot", required: false, "lot code", .code),
    ]
}

extension MinimumRequest: DescribedRequest {
    /// The fields of a minimum.
    public static let fields = [
        RequestField("sku", required: true, "SKU, GTIN or scanned GS1 code", .scan),
        RequestField("minimum", required: true, "the least available units (0 removes it)", .count),
        RequestField("reorder", required: false, "what to order when below it", .quantity),
        RequestField("location", required: false, "location code (default: this server's)", .code),
    ]
}

extension LotStatusRequest: DescribedRequest {
    /// The fields of a lot's change of status.
    public static let fields = [
        RequestField(
            "status", required: true, "approved, on-hold or recalled", .oneOf(LotStatus.allCases.map(\.rawValue))),
        RequestField("reason", required: true, "why", .text),
        RequestField("sku", required: false, "SKU, when the code is not unique", .scan),
    ]
}

extension ReserveRequest: DescribedRequest {
    /// The fields of a reservation.
    public static let fields = [
        RequestField("prescription", required: true, "prescription number", .code),
        RequestField("sku", required: true, "SKU, GTIN or scanned GS1 code", .scan),
        RequestField("location", required: false, "location code (default: this server's)", .code),
        RequestField(
            "confirmedReason", required: false,
            "why this article, when the prescription's last fitting chose another size in its line or made-to-measure (refused as a conflict without it)",
            .text),
    ]
}

extension ContactRequest: DescribedRequest {
    /// The fields of a patient's contact details.
    public static let fields = [
        RequestField("phone", required: false, "a phone number (at most 40 characters)", .text),
        RequestField("email", required: false, "an e-mail address", .text),
        RequestField("address", required: false, "a postal address (at most 500 characters)", .text),
        RequestField(
            "preferred", required: false, "how the patient prefers to be reached (its detail given)",
            .oneOf(ContactPreference.allCases.map(\.rawValue))),
    ]
}

extension RecallStatusRequest: DescribedRequest {
    /// The fields of a recall contact's status.
    public static let fields = [
        RequestField("status", required: true, "how far staff got", .oneOf(RecallStatus.allCases.map(\.rawValue))),
        RequestField("note", required: false, "what happened, in a few words (at most 500 characters)", .text),
    ]
}

extension StocktakeRequest: DescribedRequest {
    /// The fields of a whole sheet's counts.
    public static let fields = [
        RequestField("location", required: false, "location code (default: this server's)", .code),
        RequestField(
            "sheet", required: true,
            "the filled-in stocktake sheet as CSV: a header naming sku, counted and (for lots) lot; a line per balance counted",
            .text),
    ]
}

extension ReasonRequest: DescribedRequest {
    /// The one field of a cancellation or a voiding.
    public static let fields = [RequestField("reason", required: true, "why (kept with the record)", .text)]
}

extension ReturnRequest: DescribedRequest {
    /// The fields of a return.
    public static let fields = [
        RequestField("reason", required: true, "why it came back", .text),
        RequestField("quantity", required: false, "units (default: all not yet returned)", .quantity),
        RequestField("location", required: false, "where it goes (default: this server's)", .code),
        RequestField("reopen", required: false, "reopen a completed prescription, to dispense a replacement", .boolean),
    ]
}

extension PatientRequest: DescribedRequest {
    /// The fields of a new patient.
    public static let fields = [
        RequestField("reference", required: true, "the shop's reference (a card or file number)", .code),
        RequestField("name", required: true, "the patient's name", .text),
        RequestField("born", required: false, "birth date, YYYY-MM-DD", .day),
        RequestField(
            "differentPerson", required: false,
            "confirms a different person from the patient already recorded with this name and birth date (refused as a conflict without it)",
            .boolean),
    ]
}

extension PrescriberRequest: DescribedRequest {
    /// The fields of a new prescriber.
    public static let fields = [
        RequestField("reference", required: true, "the prescriber's reference", .code),
        RequestField("name", required: true, "the prescriber's name", .text),
    ]
}

extension PrescriptionRequest: DescribedRequest {
    /// The fields of a prescription.
    public static let fields = [
        RequestField("patient", required: true, "patient reference", .code),
        RequestField("patient_name", required: false, "the patient's name, to add a new patient", .text),
        RequestField("prescriber", required: true, "prescriber reference", .code),
        RequestField("prescriber_name", required: false, "the prescriber's name, to add a new prescriber", .text),
        RequestField("style", required: true, "AD, AF, AG or AT", .oneOf(["AD", "AF", "AG", "AT"])),
        RequestField(
            "class", required: true, "e.g. RAL:2, BS:2, US:20-30; a bare label is read in the shop's standard", .text),
        RequestField("quantity", required: true, "garments (a pair is 2)", .quantity),
        RequestField("side", required: false, "left, right or both (default)", .oneOf(["left", "right", "both"])),
        RequestField("valid_until", required: false, "last day it may be dispensed, YYYY-MM-DD", .day),
        RequestField("diagnosis", required: false, "ICD-10 code (I83.9, I872)", .diagnosis),
        RequestField("number", required: false, "its number (default RX-n)", .code),
        RequestField(
            "arterial_assessed", required: false,
            "true when the prescriber assessed arterial status (ABPI or equivalent); without it a garment above 20 mmHg needs each leg's ABPI recorded at a fitting",
            .boolean),
        RequestField(
            "washing_set", required: false,
            "true when a second set for washing is covered (two garments per leg: one to wear, one to wash)", .boolean),
    ]
}

extension LocationRequest: DescribedRequest {
    /// The fields of a new location.
    public static let fields = [
        RequestField("code", required: true, "its code", .code),
        RequestField("name", required: true, "its name", .text),
        RequestField(
            "kind", required: false, "stock (default), quarantine or returns",
            .oneOf(["stock", "quarantine", "returns"])),
        RequestField("parent", required: false, "the location it is part of", .code),
    ]
}

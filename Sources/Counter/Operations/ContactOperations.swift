import Foundation
public import Inventory

/// How a patient prefers to be reached.
public enum ContactPreference: String, Sendable, CaseIterable {
    /// By phone.
    case phone
    /// By e-mail.
    case email
    /// By letter, at the address.
    case letter
}

/// A patient's contact details as a person enters them: each optional, a preference needing its
/// detail. Recording them replaces what was recorded.
///
/// ```swift
/// let contact = try ContactRequest(phone: "+44 20 7946 0000", preferred: "phone").run(on: desk, patient: "P-1", key: "c1")
/// ```
public struct ContactRequest: Sendable, Decodable, Hashable {
    /// A phone number.
    public var phone: String?
    /// An e-mail address.
    public var email: String?
    /// A postal address.
    public var address: String?
    /// `phone`, `email` or `letter`.
    public var preferred: String?

    /// Contact details; every part optional (left out: not recorded).
    public init(phone: String? = nil, email: String? = nil, address: String? = nil, preferred: String? = nil) {
        self.phone = phone
        self.email = email
        self.address = address
        self.preferred = preferred
    }

    /// Records them for patient `patient`, once per `key`.
    public func run(on desk: Desk, patient: String, key: String) throws -> PatientContact {
        func part(_ text: String?, _ field: String, limit: Int) throws(CounterError) -> String? {
            guard let given = try Input.optional(text, field: field)?.trimmingWhitespace() else { return nil }
            guard given.count <= limit else {
                throw .badInput(field, expected: "at most \(limit) characters", found: "\(given.count)")
            }
            return given
        }
        let email = try part(email, "email", limit: 200)
        if let email, email.range(of: #"^[^@\s]+@[^@\s]+$"#, options: .regularExpression) == nil {
            throw CounterError.badInput("email", expected: "an e-mail address (name@domain)", found: "'\(email)'")
        }
        let preference = try part(preferred, "preferred", limit: 10).map { (text) throws(CounterError) in
            try Input.oneOf(text, field: "preferred", as: ContactPreference.self).rawValue
        }
        return try Patients(connection: desk.connection).setContact(
            try Input.code(patient, field: "patient"),
            PatientContact(
                phone: try part(phone, "phone", limit: 40), email: email,
                address: try part(address, "address", limit: 500),
                preferred: preference), key: key)
    }
}

/// How far staff got with one hand-over of a recalled lot.
///
/// ```swift
/// _ = try RecallStatusRequest(status: "contacted", note: "called, bringing it back Monday")
///     .run(on: desk, lot: "L2611A", sku: nil, dispense: "D-08KF…", key: "rc1")
/// ```
public struct RecallStatusRequest: Sendable, Decodable, Hashable {
    /// `to-contact`, `contacted` or `returned`.
    public var status: String
    /// What happened, in a few words.
    public var note: String?

    /// A status, with an optional note.
    public init(status: String, note: String? = nil) {
        self.status = status
        self.note = note
    }

    /// Records it for hand-over `dispense` of lot `lot` (its reference, or its number with `rx`),
    /// once per `key`.
    public func run(on desk: Desk, lot: String, sku: String?, dispense: String, rx: String? = nil, key: String) throws
        -> RecallContact
    {
        let note = try Input.optional(note, field: "note")?.trimmingWhitespace()
        if let note, note.count > 500 {
            throw CounterError.badInput("note", expected: "at most 500 characters", found: "\(note.count)")
        }
        return try Lots(connection: desk.connection).setContactStatus(
            try Input.code(lot, field: "lot"),
            sku: try sku.map { (text) throws(CounterError) in try Input.article(text, field: "sku", today: desk.today)
            },
            dispense: try Input.reference(dispense, field: "dispense"),
            rx: try Input.optionalCode(rx, field: "prescription"),
            status: try Input.oneOf(status, field: "status", as: RecallStatus.self), note: note, key: key)
    }
}

extension Desk {
    /// The contact list of lot `code` (of `sku` when several articles have the code): who
    /// received it, how to reach them, how far staff got. Fitters may not read it.
    public func recallContacts(lot code: String, sku: String?) throws -> [RecallContact] {
        try Lots(connection: connection).contacts(
            try Input.code(code, field: "lot"),
            sku: try sku.map { (text) throws(CounterError) in try Input.article(text, field: "sku", today: today) })
    }
}

/// A recall's contact list as CSV (RFC 4180, a header row), for a spreadsheet or a mail merge:
/// one line per hand-over. A cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`) is
/// given a leading apostrophe.
public enum RecallContactCSV {
    /// The header and one line per contact, CRLF-terminated.
    public static func render(_ contacts: [RecallContact]) -> String {
        let header = [
            "patient", "name", "phone", "email", "address", "preferred", "dispense", "handed_over", "sku", "quantity",
            "returned", "prescription", "status", "note",
        ]
        var lines = [header.map(cell).joined(separator: ",")]
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        day.timeZone = .current
        for c in contacts {
            lines.append(
                [
                    c.patient, c.patientName, c.contact?.phone ?? "", c.contact?.email ?? "", c.contact?.address ?? "",
                    c.contact?.preferred ?? "", c.dispense, day.string(from: c.handedOverAt), c.sku, String(c.quantity),
                    String(c.returned), c.prescription, c.status.rawValue, c.note ?? "",
                ].map(cell).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func cell(_ text: String) -> String {
        quoted(["=", "+", "-", "@"].contains(where: text.hasPrefix) ? "'" + text : text)
    }

    /// `text` as one CSV cell, quoted when it must be, otherwise as it is.
    static func quoted(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

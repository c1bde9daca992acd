public import Fitting
import Foundation
public import Inventory

/// A new patient: the shop's reference (a card or file number), the name, the birth date.
///
/// Why a record is cancelled or voided: a body of its own, so every face asks for it the same way.
///
/// ```swift
/// let rx = try desk.cancel(prescription: "RX-1", reason: ReasonRequest(reason: "changed to class III").reason, key: "c1")
/// ```
public struct ReasonRequest: Sendable, Decodable, Hashable {
    /// Why, as a person gives it.
    public var reason: String

    /// A request giving `reason`.
    public init(reason: String) { self.reason = reason }
}

/// ```swift
/// let patient = try PatientRequest(reference: "P-7", name: "Ada Lovelace", born: "1815-12-10").run(on: desk, key: "p7")
/// ```
public struct PatientRequest: Sendable, Decodable, Hashable {
    /// The shop's reference.
    public var reference: String
    /// The patient's name.
    public var name: String
    /// The birth date, `YYYY-MM-DD`.
    public var born: String?
    /// Confirms a different person from the patient already recorded with the same name and
    /// birth date: without it such a patient is refused (conflict), most likely a second
    /// reference for the same person.
    public var differentPerson: Bool?

    /// A patient `reference` named `name`.
    public init(reference: String, name: String, born: String? = nil, differentPerson: Bool? = nil) {
        self.reference = reference
        self.name = name
        self.born = born
        self.differentPerson = differentPerson
    }

    /// Adds the patient, once per `key`.
    public func run(on desk: Desk, key: String) throws -> PatientRecord {
        try Patients(connection: desk.connection).add(
            reference: try Input.code(reference, field: "reference"), name: try Input.text(name, field: "name"),
            born: try Input.optional(born, field: "born").map { (text) throws(CounterError) in
                try Input.day(text, field: "born")
            }, differentPerson: differentPerson ?? false, key: key)
    }
}

/// A new prescriber: a reference and a name.
public struct PrescriberRequest: Sendable, Decodable, Hashable {
    /// The prescriber's reference.
    public var reference: String
    /// The prescriber's name.
    public var name: String

    /// A prescriber `reference` named `name`.
    public init(reference: String, name: String) {
        self.reference = reference
        self.name = name
    }

    /// Adds the prescriber, once per `key`.
    public func run(on desk: Desk, key: String) throws -> PrescriberRecord {
        try Patients(connection: desk.connection).addPrescriber(
            reference: try Input.code(reference, field: "reference"), name: try Input.text(name, field: "name"),
            key: key)
    }
}

/// A prescription as written: patient and prescriber (added when their names are given), one
/// style and class, a number of garments, the side, validity and diagnosis.
///
/// ```swift
/// let rx = try PrescriptionRequest(patient: "P-7", prescriber: "DR-1", style: "AD", pressureClass: "RAL:2",
///                                  quantity: "2").run(on: desk, key: "rx-7")
/// ```
public struct PrescriptionRequest: Sendable, Decodable, Hashable {
    /// Its number; `RX-n` when not given.
    public var number: String?
    /// The patient's reference.
    public var patient: String
    /// The patient's name, to add a new patient.
    public var patientName: String?
    /// The prescriber's reference.
    public var prescriber: String
    /// The prescriber's name, to add a new prescriber.
    public var prescriberName: String?
    /// AD, AF, AG or AT.
    public var style: String
    /// The class: `STANDARD:LABEL`, or a RAL label.
    public var pressureClass: String
    /// Garments (a pair is 2).
    public var quantity: NumberText
    /// left, right or both (the default).
    public var side: String?
    /// The last day it may be dispensed, `YYYY-MM-DD`.
    public var validUntil: String?
    /// The ICD-10 code.
    public var diagnosis: String?
    /// Whether the prescriber assessed arterial status (an ABPI or equivalent).
    public var arterialAssessed: Bool?
    /// Whether a second set for washing is covered.
    public var washingSet: Bool?

    enum CodingKeys: String, CodingKey {
        case number, patient, prescriber, style, quantity, side, diagnosis
        case arterialAssessed = "arterial_assessed"
        case washingSet = "washing_set"
        case patientName = "patient_name"
        case prescriberName = "prescriber_name"
        case pressureClass = "class"
        case validUntil = "valid_until"
    }

    /// A prescription for `quantity` garments of `style` in `pressureClass`.
    public init(
        number: String? = nil, patient: String, patientName: String? = nil, prescriber: String,
        prescriberName: String? = nil, style: String, pressureClass: String, quantity: NumberText,
        side: String? = nil, validUntil: String? = nil, diagnosis: String? = nil, arterialAssessed: Bool? = nil,
        washingSet: Bool? = nil
    ) {
        self.arterialAssessed = arterialAssessed
        self.washingSet = washingSet
        self.number = number
        self.patient = patient
        self.patientName = patientName
        self.prescriber = prescriber
        self.prescriberName = prescriberName
        self.style = style
        self.pressureClass = pressureClass
        self.quantity = quantity
        self.side = side
        self.validUntil = validUntil
        self.diagnosis = diagnosis
    }

    /// Records the prescription, once per `key`. A class without its standard is read in the
    /// shop's standard (the guideline's), and stored with it.
    public func run(on desk: Desk, key: String) throws -> PrescriptionRecord {
        let style = try Input.style(style)
        let classText = try Input.text(pressureClass, field: "class")
        let standard = classText.contains(":") ? PressureStandard.RAL : try desk.guideline().standard
        let parsedClass: PressureClass
        do {
            parsedClass = try PressureClass.parse(classText, defaultStandard: standard)
        } catch {
            throw CounterError.badInput("class", expected: "a class such as 2, RAL:2 or US:20-30", typed: classText)
        }
        let new = NewPrescription(
            number: try Input.optionalCode(number, field: "number"), patient: try Input.code(patient, field: "patient"),
            patientName: try Input.optional(patientName, field: "patient_name"),
            prescriber: try Input.code(prescriber, field: "prescriber"),
            prescriberName: try Input.optional(prescriberName, field: "prescriber_name"), style: style,
            pressureClass: parsedClass,
            side: try Input.optional(side, field: "side") ?? "both",
            quantity: try Input.wholeNumber(quantity.text, field: "quantity"),
            validUntil: try Input.optional(validUntil, field: "valid_until").map { (text) throws(CounterError) in
                try Input.day(text, field: "valid_until")
            }, diagnosis: try Input.diagnosis(diagnosis, field: "diagnosis"),
            arterialAssessed: arterialAssessed ?? false,
            washingSet: washingSet ?? false
        )
        return try Prescriptions(connection: desk.connection, today: desk.today).create(new, key: key)
    }
}

/// A new location: a code, a name, a kind (stock, quarantine or returns) and the location it is
/// part of.
public struct LocationRequest: Sendable, Decodable, Hashable {
    /// Its code.
    public var code: String
    /// Its name.
    public var name: String
    /// stock (the default), quarantine or returns.
    public var kind: String?
    /// The location it is part of.
    public var parent: String?

    /// A location `code` named `name`.
    public init(code: String, name: String, kind: String? = nil, parent: String? = nil) {
        self.code = code
        self.name = name
        self.kind = kind
        self.parent = parent
    }

    /// Adds the location, once per `key`.
    public func run(on desk: Desk, key: String) throws -> LocationRecord {
        try Locations(connection: desk.connection).add(
            code: try Input.code(code, field: "code"), name: try Input.text(name, field: "name"),
            kind: try Input.optional(kind, field: "kind") ?? "stock",
            parent: try Input.optionalCode(parent, field: "parent"), key: key)
    }
}

extension Desk {
    /// Patients whose reference or name contains `search` (every patient when `nil`).
    public func patients(search: String?, limit: Int? = nil) throws -> [PatientRecord] {
        try Patients(connection: connection).list(search: try Input.optional(search, field: "search"), limit: limit)
    }

    /// Patient `reference` with prescriptions, fittings and hand-overs.
    public func patient(_ reference: String) throws -> PatientHistory {
        try Patients(connection: connection).show(try Input.code(reference, field: "reference"))
    }

    /// Every prescriber.
    public func prescribers() throws -> [PrescriberRecord] { try Patients(connection: connection).prescribers() }

    /// Prescription `number`.
    public func prescription(_ number: String) throws -> PrescriptionRecord {
        try Prescriptions(connection: connection, today: today).show(try Input.code(number, field: "number"))
    }

    /// Every status a prescription can have.
    public static let prescriptionStatuses = Prescriptions.statuses

    /// Prescriptions, newest first: only those with `status`, only `patient`'s, when given.
    public func prescriptions(status: String?, patient: String?) throws -> [PrescriptionRecord] {
        try Prescriptions(connection: connection, today: today).list(
            status: try Input.optional(status, field: "status"),
            patient: try Input.optionalCode(patient, field: "patient"))
    }

    /// Cancels prescription `number` for `reason` (kept with it), once per `key`; the answer lists
    /// the reservations it released.
    public func cancel(prescription number: String, reason: String, key: String) throws -> PrescriptionRecord {
        try Prescriptions(connection: connection, today: today).cancel(
            try Input.code(number, field: "number"), reason: try Input.text(reason, field: "reason"), key: key)
    }

    /// Marks every prescription past its last valid day expired and releases what each held, once
    /// per `key` (`cfit expire`, the due page's button, and `cfit serve` once a day).
    public func expirePrescriptions(key: String) throws -> PrescriptionExpiry {
        try Prescriptions(connection: connection, today: today).expire(key: key)
    }

    /// Voids fitting `reference` (or its number with `rx`) for `reason`, once per `key`: kept and
    /// shown as voided, never compared with or ordered from again.
    public func voidFitting(_ reference: String, rx: String? = nil, reason: String, key: String) throws
        -> FittingRecord
    {
        try Fittings(connection: connection, today: today).void(
            try Input.reference(reference, field: "fitting"), rx: try Input.optionalCode(rx, field: "prescription"),
            reason: try Input.text(reason, field: "reason"), key: key)
    }

    /// A fitting by reference, or by number with `rx` (as typed; `rx`, when given, must be its
    /// prescription): its measurements, results and changes since the previous one.
    public func fitting(_ reference: String, rx: String? = nil) throws -> FittingRecord {
        try Fittings(connection: connection, today: today).show(
            try Input.reference(reference, field: "fitting"), rx: try Input.optionalCode(rx, field: "prescription"))
    }

    /// The made-to-measure order sheet of a fitting (as for ``fitting(_:rx:)``): for `line`
    /// (default: the one that needed made-to-measure), `toe` open or closed (default), in `color`
    /// (default beige).
    public func order(fitting reference: String, rx: String? = nil, line: String?, toe: String?, color: String?)
        throws -> MadeToMeasureOrder
    {
        try Fittings(connection: connection, today: today).order(
            try Input.reference(reference, field: "fitting"), rx: try Input.optionalCode(rx, field: "prescription"),
            line: try Input.optional(line, field: "line"),
            toe: try Input.optional(toe, field: "toe") ?? "closed",
            color: try Input.optional(color, field: "color") ?? "beige", shop: location)
    }

    /// Every location.
    public func locations() throws -> [LocationRecord] { try Locations(connection: connection).list() }

    /// Disables location `code` (it must hold no stock), once per `key`.
    public func disable(location code: String, key: String) throws -> LocationRecord {
        try Locations(connection: connection).disable(try Input.code(code, field: "code"), key: key)
    }

    /// The database's consistency checks.
    public func check() throws -> CheckReport { try Checks(connection: connection, today: today).run() }

    /// Loads the catalogs and articles of `directory` (a seed directory).
    public func seed(from directory: String) throws -> SeedSummary {
        try Seeding(connection: connection).seed(from: directory)
    }
}

// MARK: Staff

extension Desk {
    /// Staff logins and their roles.
    public func users() throws -> [UserRecord] { try Users(connection: connection).list() }

    /// Adds a login with `role` (fitter, pharmacy or admin) and `password`.
    public func addUser(_ name: String, role: String, password: String) throws -> UserRecord {
        try Users(connection: connection).add(
            try Input.text(name, field: "name"), role: try Input.text(role, field: "role"), password: password)
    }

    /// Sets a login's password.
    public func setPassword(_ name: String, password: String) throws -> UserRecord {
        try Users(connection: connection).setPassword(try Input.text(name, field: "name"), password: password)
    }

    /// Gives a login another role.
    public func setRole(_ name: String, role: String) throws -> UserRecord {
        try Users(connection: connection).setRole(
            try Input.text(name, field: "name"), role: try Input.text(role, field: "role"))
    }

    /// Disables a login: it may no longer connect.
    public func disableUser(_ name: String) throws -> UserRecord {
        try Users(connection: connection).disable(try Input.text(name, field: "name"))
    }

    /// The login this desk's connection runs as.
    public func currentLogin() throws -> String { try Users(connection: connection).currentLogin() }

    /// What a sign-in is checked against: the login's SCRAM verifier and role, `nil` when it may
    /// not sign in.
    public func signInVerifier(_ login: String) throws -> (verifier: String, role: String)? {
        try Users(connection: connection).signInVerifier(login)
    }

    /// Whether the database lets `login` do what `privilege` names (see ``Privilege``).
    public func permits(_ login: String, _ privilege: Privilege) throws -> Bool {
        let users = Users(connection: connection)
        switch privilege {
        case .execute(let function): return try users.mayExecute(login, function: function)
        case .table(let table, let kind): return try users.mayUse(login, table: table, privilege: kind)
        }
    }

    /// What ``signInVerifier(_:)`` says for each of `logins` that may still sign in, in one query.
    public func signInStates(_ logins: [String]) throws -> [String: (verifier: String, role: String)] {
        try Users(connection: connection).signInStates(logins)
    }
}

// MARK: Catalogs

extension Desk {
    /// The product lines of the catalogs in the database.
    public func productLines() throws -> [ProductLine] { try Catalogs(connection: connection).productLines() }

    /// Imports a catalog (JSON bytes) and optionally its articles (CSV bytes): every problem with
    /// its line and field, nothing stored unless all is right; with `dryRun`, compares only.
    /// With an idempotency `key`, the same key repeats the first import's answer.
    public func importCatalog(
        json: [UInt8], fileName: String, articles: [UInt8]?, articlesFileName: String?, dryRun: Bool = false,
        key: String? = nil
    ) throws -> ImportSummary {
        try Catalogs(connection: connection).importCatalog(
            json: json, fileName: fileName, articles: articles, articlesFileName: articlesFileName, dryRun: dryRun,
            key: key)
    }

    /// Imports a catalog whose articles are read from the file at `articlesPath` as they are
    /// imported (a large CSV is never held whole), reporting progress.
    public func importCatalog(
        json: [UInt8], fileName: String, articlesPath: String?, dryRun: Bool = false,
        progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) throws -> ImportSummary {
        try Catalogs(connection: connection).importCatalog(
            json: json, fileName: fileName, articlesInput: articlesPath.map { ArticlesInput.file(path: $0) },
            dryRun: dryRun, progress: progress)
    }
}

/// What is due, as asked: how many days ahead (overdue items are always listed), how long a
/// garment lasts, and after how long a leg is measured again — each in days, as typed.
public struct DueRequest: Sendable, Hashable {
    /// Days ahead (default 30, 0 to 36 500).
    public var within: String?
    /// Days a garment lasts (default 182).
    public var replaceAfter: String?
    /// Days after which a leg is measured again (default 91: every 3–6 months).
    public var remeasureAfter: String?

    /// A look `within` days ahead.
    public init(within: String? = nil, replaceAfter: String? = nil, remeasureAfter: String? = nil) {
        self.within = within
        self.replaceAfter = replaceAfter
        self.remeasureAfter = remeasureAfter
    }

    /// The days ahead this request looks.
    public func days() throws(CounterError) -> Int {
        try Input.count(within, field: "within", default: 30, range: 0...36_500)
    }

    /// What is due.
    public func run(on desk: Desk) throws -> [DueItem] {
        try Due(connection: desk.connection, today: desk.today).list(
            within: try days(),
            replacementDays: try Input.count(replaceAfter, field: "replace_after", default: 182, range: 1...36_500),
            remeasureDays: try Input.count(remeasureAfter, field: "remeasure_after", default: 91, range: 1...36_500))
    }
}

/// What an operation needs the database to grant its caller, asked before a server reads the
/// request's body: a face never keeps a table of roles of its own, PostgreSQL stays the judge.
///
/// ```swift
/// try desk.permits("dana", .execute("cfit_reserve"))                 // a pharmacist: true
/// try desk.permits("fitter1", .table("article", privilege: "INSERT")) // false: catalogs are admins'
/// ```
public enum Privilege: Hashable, Sendable {
    /// `EXECUTE` on the function of that name (any overload).
    case execute(String)
    /// A privilege (`INSERT`, `UPDATE` …) on a table.
    case table(String, privilege: String)
}

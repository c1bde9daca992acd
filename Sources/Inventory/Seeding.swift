import Fitting
import Foundation
public import Postgres

/// Loads the sample data in `Seeds/` so a newcomer has something real to look at: the catalogs and
/// articles, two locations, opening stock (some in lots), reorder minimums, patients, prescribers and
/// prescriptions. Every write carries a fixed idempotency key, so seeding twice changes nothing.
public struct Seeding: Sendable {
    /// The connection every call uses.
    public let connection: Connection

    /// Seeding on `connection`.
    public init(connection: Connection) {
        self.connection = connection
    }

    /// What seeding did.
    public struct Summary: Sendable {
        /// One line per catalog imported (or already there).
        public var catalogs: [String] = []
        /// Movements posted now (0 when seeded before).
        public var receipts = 0
        /// Prescriptions present after seeding.
        public var prescriptions = 0
    }

    /// Seeds from `directory` (the repository's `Seeds/`). Every row is read and checked before
    /// anything is written; a row that cannot be read is refused, naming its file, row and column.
    public func seed(from directory: String) throws -> Summary {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw InventoryError(
                .unreadable, field: "from", text: "expected a readable folder of seed files, found '\(directory)'")
        }
        let files = names.filter { $0.hasSuffix(".json") }.sorted()
        guard !files.isEmpty else {
            throw InventoryError(
                .badData, field: "from",
                text: "expected a folder with catalog files (Seeds/), found none in '\(directory)'")
        }
        let today = CalendarDay.today()
        let stockRows = try table(directory, "stock.csv").map { try StockRow($0, today: today) }
        let prescriptionRows = try table(directory, "prescriptions.csv").map {
            try PrescriptionRow($0, validUntil: today.adding(days: 180))
        }
        var summary = Summary()
        let catalogs = Catalogs(connection: connection)
        for file in files {
            let base = String(file.dropLast(5))
            let json = try read("\(directory)/\(file)")
            let articlesPath = "\(directory)/\(base)-articles.csv"
            let articles =
                FileManager.default.fileExists(atPath: articlesPath) ? ArticlesInput.file(path: articlesPath) : nil
            let result = try catalogs.importCatalog(json: json, fileName: file, articlesInput: articles)
            summary.catalogs.append(
                result.unchanged
                    ? "\(file): already imported"
                    : "\(file): \(result.lines.count) lines, \(result.articlesAdded) articles added"
            )
        }
        let stock = Stock(connection: connection, today: today)
        try stock.addLocation(code: "shop", name: "Main shop (counter)")
        try stock.addLocation(code: "store", name: "Store room")
        try stock.addLocation(
            code: "quarantine", name: "Quarantine shelf (recalled, expired, returned)", kind: "quarantine")
        // Rows seeded before are skipped: their dates were reckoned from the day they were seeded.
        let seeded = Set(
            try connection.query("SELECT key FROM idempotent_result WHERE key LIKE 'seed:%'").map {
                try $0.decode(String.self, "key")
            })
        for (index, row) in stockRows.enumerated() where !seeded.contains("seed:stock:\(index)") {
            try stock.receive(
                sku: row.sku, quantity: row.quantity, location: row.location, lot: row.lot, expires: row.expires,
                reference: "opening stock", key: "seed:stock:\(index)"
            )
            summary.receipts += 1
            if let minimum = row.minimum {
                try stock.setMinimum(
                    sku: row.sku, minimum: minimum, reorderQuantity: row.reorder, location: row.location)
            }
        }
        let prescriptions = Prescriptions(connection: connection, today: today)
        for (index, row) in prescriptionRows.enumerated() where !seeded.contains("seed:rx:\(index)") {
            _ = try prescriptions.create(row.prescription, key: "seed:rx:\(index)")
        }
        summary.prescriptions = try connection.query("SELECT count(*) AS n FROM prescription")[0].decode(Int.self, "n")
        return summary
    }

    private func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InventoryError(.unreadable, field: "from", text: "expected a readable file, found none at '\(path)'")
        }
        return [UInt8](data)
    }

    /// The rows of `directory/name` as (file, row number, column → value).
    private func table(_ directory: String, _ name: String) throws -> [SeedRow] {
        let bytes = try read("\(directory)/\(name)")
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw InventoryError(.badData, field: nil, text: "\(name): expected UTF-8 text, found bytes that are not")
        }
        let rows: [CSVReader.Row]
        do {
            rows = try CSVReader.rows(text)
        } catch {
            throw InventoryError(.badData, field: nil, text: "\(name): \(error)")
        }
        guard let header = rows.first?.fields else { return [] }
        return rows.dropFirst().enumerated().map { offset, row in
            SeedRow(
                file: name, number: offset + 2,
                values: Dictionary(zip(header, row.fields).map { ($0, $1) }, uniquingKeysWith: { first, _ in first }))
        }
    }
}

/// One data row of a seed CSV, with where it came from for error messages.
private struct SeedRow {
    let file: String
    let number: Int
    let values: [String: String]

    func error(_ column: String, _ expected: String) -> InventoryError {
        InventoryError(
            .badData, field: nil,
            text: "\(file) row \(number), column \(column): expected \(expected), found '\(values[column] ?? "")'")
    }

    /// A required, non-empty value.
    func text(_ column: String) throws -> String {
        guard let value = values[column], !value.isEmpty else { throw error(column, "a value") }
        return value
    }

    /// An optional value (`nil` when empty or absent).
    func optional(_ column: String) -> String? {
        values[column].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A whole number ≥ `minimum`, or `nil` when empty and allowed.
    func number(_ column: String, minimum: Int, required: Bool) throws -> Int? {
        guard let text = optional(column) else {
            if required { throw error(column, "a whole number") }
            return nil
        }
        guard let value = Int(text), value >= minimum, value <= Int(Int32.max) else {
            throw error(column, "a whole number from \(minimum)")
        }
        return value
    }
}

/// A row of `stock.csv`: an opening receipt, and optionally a reorder rule.
private struct StockRow {
    let sku: String
    let location: String
    let quantity: Int
    let lot: String?
    let expires: CalendarDay?
    let minimum: Int?
    let reorder: Int?

    /// Reads the row; `expires` is a day `YYYY-MM-DD` or `+N` days from `today` (sample data that
    /// never goes stale).
    init(_ row: SeedRow, today: CalendarDay) throws {
        sku = try row.text("sku")
        location = try row.text("location")
        quantity = try row.number("quantity", minimum: 1, required: true)!
        lot = row.optional("lot")
        minimum = try row.number("minimum", minimum: 0, required: false)
        reorder = try row.number("reorder", minimum: 1, required: false)
        switch row.optional("expires") {
        case nil: expires = nil
        case let text? where text.hasPrefix("+"):
            guard let days = Int(text.dropFirst()), days >= 0, days <= 36_500 else {
                throw row.error("expires", "a date YYYY-MM-DD or +N days")
            }
            expires = today.adding(days: days)
        case let text?:
            guard let day = try? CalendarDay(parsing: text) else {
                throw row.error("expires", "a date YYYY-MM-DD or +N days")
            }
            expires = day
        }
    }
}

/// A row of `prescriptions.csv`.
private struct PrescriptionRow {
    let prescription: NewPrescription

    init(_ row: SeedRow, validUntil: CalendarDay) throws {
        guard let style = Style(rawValue: try row.text("style")) else { throw row.error("style", "AD, AF, AG or AT") }
        guard let pressureClass = try? PressureClass.parse(try row.text("class"), defaultStandard: .RAL) else {
            throw row.error("class", "a class such as RAL:2 or US:20-30")
        }
        prescription = NewPrescription(
            number: try row.text("number"),
            patient: try row.text("patient"),
            patientName: row.optional("patient_name"),
            prescriber: try row.text("prescriber"),
            prescriberName: row.optional("prescriber_name"),
            style: style,
            pressureClass: pressureClass,
            quantity: try row.number("quantity", minimum: 1, required: true)!,
            validUntil: validUntil,
            diagnosis: row.optional("diagnosis"),
            arterialAssessed: try Self.yesNo(row, "arterial_assessed")
        )
    }

    /// `yes` or `no` (empty or absent: no): whether the prescriber assessed arterial status.
    static func yesNo(_ row: SeedRow, _ column: String) throws -> Bool {
        switch row.optional(column) {
        case nil, "no": return false
        case "yes": return true
        default: throw row.error(column, "yes or no")
        }
    }
}

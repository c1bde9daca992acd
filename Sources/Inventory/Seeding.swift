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

    /// Seeds from `directory` (the repository's `Seeds/`).
    public func seed(from directory: String) throws -> Summary {
        var summary = Summary()
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }
            .sorted()
        guard !files.isEmpty else {
            throw InventoryError(
                .badInput, "--from: expected a folder with catalog files (Seeds/), found none in '\(directory)'")
        }
        let catalogs = Catalogs(connection: connection)
        for file in files {
            let base = String(file.dropLast(5))
            let json = try read("\(directory)/\(file)")
            let articlesPath = "\(directory)/\(base)-articles.csv"
            let articles =
                FileManager.default.fileExists(atPath: articlesPath)
                ? String(decoding: try read(articlesPath), as: UTF8.self) : nil
            let result = try catalogs.importCatalog(
                json: json, fileName: file, articles: articles, articlesFileName: "\(base)-articles.csv")
            summary.catalogs.append(
                result.alreadyImported
                    ? "\(file): already imported"
                    : "\(file): \(result.lines.count) lines, \(result.articlesAdded) articles added"
            )
        }
        let stock = Stock(connection: connection)
        try stock.addLocation(code: "shop", name: "Main shop (counter)")
        try stock.addLocation(code: "store", name: "Store room")
        let receiptsBefore = try receiptCount()
        for (index, row) in try table("\(directory)/stock.csv").enumerated() {
            let expires = row["expires"].flatMap { $0.isEmpty ? nil : CalendarDay.parse($0) }
            try stock.receive(
                sku: row["sku"] ?? "",
                quantity: Int(row["quantity"] ?? "") ?? 0,
                location: row["location"] ?? "",
                lot: row["lot"].flatMap { $0.isEmpty ? nil : $0 },
                expires: expires,
                reference: "opening stock",
                key: "seed:stock:\(index)"
            )
            if let minimum = row["minimum"].flatMap({ Int($0) }) {
                try stock.setMinimum(
                    sku: row["sku"] ?? "", minimum: minimum, reorderQuantity: Int(row["reorder"] ?? ""),
                    location: row["location"] ?? "")
            }
        }
        summary.receipts = try receiptCount() - receiptsBefore
        let prescriptions = Prescriptions(connection: connection)
        for (index, row) in try table("\(directory)/prescriptions.csv").enumerated() {
            let line = row["class"] ?? ""
            let pressureClass = try PressureClass.parse(line, defaultStandard: .RAL)
            _ = try prescriptions.create(
                NewPrescription(
                    number: row["number"],
                    patient: row["patient"] ?? "",
                    patientName: row["patient_name"],
                    prescriber: row["prescriber"] ?? "",
                    prescriberName: row["prescriber_name"],
                    style: Style(rawValue: row["style"] ?? "") ?? .AD,
                    pressureClass: pressureClass,
                    quantity: Int(row["quantity"] ?? "") ?? 2,
                    validUntil: Calendar(identifier: .gregorian).date(byAdding: .day, value: 180, to: Date()),
                    diagnosis: row["diagnosis"]
                ),
                key: "seed:rx:\(index)"
            )
        }
        summary.prescriptions = try connection.query("SELECT count(*) AS n FROM prescription")[0].decode(Int.self, "n")
        return summary
    }

    /// Opening-stock receipts posted by seeding so far (their keys start with `seed:stock:`).
    private func receiptCount() throws -> Int {
        try connection.query("SELECT count(*) AS n FROM idempotent_result WHERE key LIKE 'seed:stock:%'")[0]
            .decode(Int.self, "n")
    }

    private func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InventoryError(.badInput, "--from: expected a readable file, found none at '\(path)'")
        }
        return [UInt8](data)
    }

    private func table(_ path: String) throws -> [[String: String]] {
        let text = String(decoding: try read(path), as: UTF8.self)
        let rows = try CSVReader.rows(text)
        guard let header = rows.first?.fields else { return [] }
        return rows.dropFirst().map { row in
            Dictionary(zip(header, row.fields).map { ($0, $1) }, uniquingKeysWith: { first, _ in first })
        }
    }
}

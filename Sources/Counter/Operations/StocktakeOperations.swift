import Fitting
import Foundation
public import Inventory

/// A location's stocktake sheet, printed or exported, counted, and posted whole.
///
/// The sheet is blind — no quantity from the books on it — so a count is what is on the shelf,
/// not what the paper says; the differences are shown once it is posted.
///
/// ```swift
/// let text = StocktakeSheet.csv(try desk.stocktakeSheet(location: "store"))   // fill in `counted`
/// let result = try StocktakeRequest(location: "store", sheet: filledIn).run(on: desk, key: "st-1")
/// ```
public enum StocktakeSheet {
    /// The sheet's columns: what identifies a balance, what helps find it, the column to fill in.
    public static let header = ["sku", "description", "lot", "expires", "counted"]

    /// The sheet as CSV (RFC 4180, CRLF), `counted` empty on every line.
    public static func csv(_ lines: [StocktakeLine]) -> String {
        var out = [header.joined(separator: ",")]
        for line in lines {
            out.append(
                [line.sku, line.description, line.lot ?? "", line.expiresOn ?? "", ""].map(RecallContactCSV.cell)
                    .joined(separator: ","))
        }
        return out.joined(separator: "\r\n") + "\r\n"
    }

    /// The counts a filled-in sheet reports: its header names `sku`, `counted` and (for lots)
    /// `lot`, in any order, other columns ignored; every line needs its count. Each problem is
    /// named by line and column.
    public static func read(_ text: String, field: String = "sheet") throws(CounterError) -> [StocktakeCount] {
        _ = try Input.plain(
            text.replacingOccurrences(of: "\r", with: "").replacingOccurrences(of: "\n", with: ""), field: field)
        let rows: [CSVReader.Row]
        do {
            rows = try CSVReader.rows(text)
        } catch {
            throw .badInput(field, expected: "a CSV sheet", found: error.description)
        }
        guard let head = rows.first else { throw .badInput(field, expected: "a CSV sheet", found: "nothing") }
        let names = head.fields.map { $0.trimmingWhitespace().lowercased() }
        guard let skuColumn = names.firstIndex(of: "sku"), let countedColumn = names.firstIndex(of: "counted") else {
            throw .badInput(
                field, expected: "a header naming the columns sku and counted (and lot)",
                found: "'\(head.fields.joined(separator: ","))'")
        }
        let lotColumn = names.firstIndex(of: "lot")
        var counts: [StocktakeCount] = []
        for row in rows.dropFirst() where row.fields.contains(where: { !$0.trimmingWhitespace().isEmpty }) {
            func cell(_ column: Int) -> String {
                column < row.fields.count ? row.fields[column].trimmingWhitespace() : ""
            }
            let sku = cell(skuColumn)
            guard !sku.isEmpty else {
                throw .badInput(field, expected: "an article in column sku of line \(row.line)", found: "nothing")
            }
            let typed = cell(countedColumn)
            guard let counted = Int(typed), counted >= 0, counted <= Int(Int32.max) else {
                throw .badInput(
                    field, expected: "the units counted (0 or more) in column counted of line \(row.line) (\(sku))",
                    found: typed.isEmpty ? "nothing" : "'\(typed)'")
            }
            let lot = lotColumn.map(cell).flatMap { $0.isEmpty ? nil : $0 }
            counts.append(StocktakeCount(sku: sku, lot: lot, counted: counted))
        }
        guard !counts.isEmpty else { throw .badInput(field, expected: "at least one line counted", found: "none") }
        return counts
    }
}

/// A whole sheet's counts, posted at once: each line a count, all or nothing.
public struct StocktakeRequest: Sendable, Decodable, Hashable {
    /// The location counted; the desk's when not given.
    public var location: String?
    /// The filled-in sheet, as CSV (see ``StocktakeSheet``).
    public var sheet: String

    /// The counts of `sheet` at `location`.
    public init(location: String? = nil, sheet: String) {
        self.location = location
        self.sheet = sheet
    }

    /// A sheet posted from a form: `(sku, lot, counted)` per line, as typed, read as the CSV is.
    public static func fromForm(location: String?, lines: [(sku: String, lot: String, counted: String)])
        -> StocktakeRequest
    {
        let rows = lines.map { line in
            [line.sku, line.lot, line.counted].map(RecallContactCSV.quoted).joined(separator: ",")
        }
        return StocktakeRequest(location: location, sheet: (["sku,lot,counted"] + rows).joined(separator: "\r\n"))
    }

    /// Posts them, once per `key`.
    public func run(on desk: Desk, key: String) throws -> StocktakeResult {
        try desk.countSheet(
            location: try Input.optionalCode(location, field: "location") ?? desk.location,
            counts: try StocktakeSheet.read(sheet), key: key)
    }
}

extension Desk {
    /// The stocktake sheet of `location` (the desk's when `nil`).
    public func stocktakeSheet(location: String?) throws -> [StocktakeLine] {
        try Stock(connection: connection, today: today).sheet(
            location: try Input.optionalCode(location, field: "location") ?? self.location)
    }

    /// Posts `counts` at `location` in one transaction, once per `key`.
    public func countSheet(location: String, counts: [StocktakeCount], key: String) throws -> StocktakeResult {
        try Stock(connection: connection, today: today).countSheet(location: location, counts: counts, key: key)
    }
}

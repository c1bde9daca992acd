import ArgumentParser
import Counter
import Foundation

/// `cfit stock sheet`: a location's stocktake sheet, blind (no quantity from the books).
struct Sheet: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "A location's stocktake sheet: every article and lot held there, blind, with a column to fill in (print, or --csv for a spreadsheet)."
    )
    @OptionGroup var place: LocationOption
    @Flag(help: "Print JSON (with what the books hold).") var json = false
    @Flag(help: "Print CSV, the column counted to fill in; cfit stock count-sheet posts it back.") var csv = false
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try reportingErrors {
            let lines = try database.desk(at: place.code).stocktakeSheet(location: place.code)
            if json {
                print(try RecordJSON.render(nil, lines))
            } else if csv {
                FileHandle.standardOutput.write(Data(StocktakeSheet.csv(lines).utf8))
            } else {
                var rows = [["sku", "description", "lot", "expires", "counted"]]
                for line in lines {
                    rows.append([line.sku, line.description, line.lot ?? "", line.expiresOn ?? "", "______"])
                }
                print("STOCKTAKE — \(place.code), \(CalendarDay.today())")
                print(lines.isEmpty ? "nothing is held here" : textTable(rows))
            }
        }
    }
}

/// `cfit stock count-sheet FILE`: a filled-in sheet's counts, posted whole.
struct CountSheet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "count-sheet",
        abstract:
            "Post a filled-in stocktake sheet (CSV: sku, lot, counted): every line a count, all or nothing; lists the differences."
    )
    @Argument(help: "The sheet (CSV), or - for standard input.") var file: String
    @OptionGroup var place: LocationOption
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var write: WriteOptions
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try reportingErrors(arguments: ["sheet": file == "-" ? "stdin" : file]) {
            let data: Data
            do {
                data =
                    file == "-"
                    ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
            } catch {
                throw CounterError.plain(
                    .unreadable, "\(file): expected a readable file, found \(error.localizedDescription)")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw CounterError.badInput(file, expected: "UTF-8 text", found: "other bytes")
            }
            let result = try StocktakeRequest(location: place.code, sheet: text).run(
                on: database.desk(at: place.code), key: write.key)
            if json {
                print(try RecordJSON.render("stocktake", result))
                return
            }
            var out = [
                "stocktake at \(result.location): \(result.lines.count) lines counted, \(result.differences.count) differ from the books"
            ]
            for line in result.differences {
                out.append(
                    "  \(line.sku)\(line.lot.map { " lot \($0)" } ?? ""): books \(line.expected), counted \(line.counted), \(line.difference > 0 ? "+" : "")\(line.difference) posted"
                )
            }
            print(out.joined(separator: "\n"))
        }
    }
}

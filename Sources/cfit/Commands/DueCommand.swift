import ArgumentParser
import Foundation
import Inventory

/// `cfit due`: who to call.
struct DueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "due",
        abstract:
            "Patients due for replacement garments (6 months after the last hand-over), a prescription running out, or measuring again."
    )
    @Option(
        help: ArgumentHelp("Days ahead to look; overdue items are always listed (default: 30).", valueName: "DAYS"),
        transform: Typed.wholeNumber("--within"))
    var within = 30
    @Option(
        name: .customLong("replace-after"),
        help: ArgumentHelp("Days a garment lasts (default: 182).", valueName: "DAYS"),
        transform: Typed.wholeNumber("--replace-after"))
    var replaceAfter = 182
    @Option(
        name: .customLong("remeasure-after"),
        help: ArgumentHelp("Days after which a leg is measured again (default: 182).", valueName: "DAYS"),
        transform: Typed.wholeNumber("--remeasure-after"))
    var remeasureAfter = 182
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try reportingErrors {
            let items = try Due(connection: database.connect()).list(
                within: within,
                replacementDays: replaceAfter,
                remeasureDays: remeasureAfter)
            if json {
                print(try RecordJSON.render(nil, items))
                return
            }
            var rows = [["due", "patient", "why", "details"]]
            for item in items {
                rows.append([item.due.description, "\(item.name) (\(item.patient))", item.reason, item.detail])
            }
            print(items.isEmpty ? "nothing due within \(within) days" : textTable(rows))
        }
    }
}

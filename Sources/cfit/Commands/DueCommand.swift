import ArgumentParser
import Counter
import Foundation

/// `cfit due`: who to call.
struct DueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "due",
        abstract:
            "Patients due for replacement garments (6 months after the last hand-over), a prescription running out, or measuring again."
    )
    @Option(
        help: ArgumentHelp("Days ahead to look; overdue items are always listed (default: 30).", valueName: "DAYS"))
    var within: String?
    @Option(
        name: .customLong("replace-after"),
        help: ArgumentHelp("Days a garment lasts (default: 182).", valueName: "DAYS"))
    var replaceAfter: String?
    @Option(
        name: .customLong("remeasure-after"),
        help: ArgumentHelp(
            "Days after which a leg is measured again (default: 91, every 3–6 months).", valueName: "DAYS"))
    var remeasureAfter: String?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try reportingErrors(arguments: ["replace_after": "--replace-after", "remeasure_after": "--remeasure-after"]) {
            let request = DueRequest(within: within, replaceAfter: replaceAfter, remeasureAfter: remeasureAfter)
            let items = try request.run(on: database.desk())
            if json {
                print(try RecordJSON.render(nil, items))
                return
            }
            var rows = [["due", "patient", "why", "details"]]
            for item in items {
                rows.append([item.due.description, "\(item.name) (\(item.patient))", item.reason, item.detail])
            }
            print(items.isEmpty ? "nothing due within \(try request.days()) days" : textTable(rows))
        }
    }
}

import ArgumentParser
import Counter
import Fitting

/// `cfit seed`: loads the sample data so a newcomer has something real to look at.
struct Seed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load the sample catalogs, locations, stock and prescriptions from Seeds/ (safe to repeat)."
    )
    @Option(help: ArgumentHelp("The seeds folder.", valueName: "DIR")) var from = "Seeds"
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try reportingErrors {
            let summary = try database.desk().seed(from: from)
            if json {
                print(
                    JSONValue.object([
                        ("catalogs", .array(summary.catalogs.map(JSONValue.string))),
                        ("receipts", .integer(summary.receipts)),
                        ("prescriptions", .integer(summary.prescriptions)),
                    ]).serialized(pretty: true)
                )
                return
            }
            for line in summary.catalogs { print(line) }
            print(
                "locations: shop, store, quarantine; opening stock: \(summary.receipts) receipts posted now; prescriptions: \(summary.prescriptions)"
            )
        }
    }
}

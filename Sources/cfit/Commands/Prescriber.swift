import ArgumentParser
import Counter
import Foundation

/// `cfit prescriber`: the doctors and nurses who prescribe.
struct Prescriber: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add and list prescribers.", subcommands: [Add.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a prescriber.")
        @Argument(help: "The prescriber's reference.") var reference: String
        @Option(help: ArgumentHelp("The prescriber's name.", valueName: "NAME")) var name: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var write: WriteOptions
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors(arguments: ["reference": "REF"]) {
                let added = try PrescriberRequest(reference: reference, name: name).run(
                    on: database.desk(), key: write.key)
                print(
                    json
                        ? try RecordJSON.render("prescriber", added)
                        : "prescriber \(added.reference) added: \(added.name)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List prescribers.")
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let all = try database.desk().prescribers()
                if json {
                    print(try RecordJSON.render(nil, all))
                    return
                }
                var rows = [["prescriber", "name"]]
                for p in all { rows.append([p.reference, p.name]) }
                print(all.isEmpty ? "no prescribers yet: cfit prescriber add REF --name NAME" : textTable(rows))
            }
        }
    }
}

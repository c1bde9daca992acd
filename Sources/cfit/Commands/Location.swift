import ArgumentParser
import Counter
import Foundation

/// `cfit location`: the shop's locations.
struct Location: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Add, list and disable locations (a shop, a store room, a quarantine shelf). Adding and disabling: admins.",
        subcommands: [Add.self, List.self, Disable.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a location.")
        @Argument(help: "Its code (lowercase letters, digits, -).") var code: String
        @Option(help: ArgumentHelp("Its name.", valueName: "NAME")) var name: String
        @Option(help: ArgumentHelp("stock (default), quarantine or returns.", valueName: "KIND")) var kind = "stock"
        @Option(help: ArgumentHelp("The location it is part of.", valueName: "CODE")) var parent: String?
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var write: WriteOptions
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors(arguments: ["code": "CODE"]) {
                let added = try LocationRequest(code: code, name: name, kind: kind, parent: parent).run(
                    on: database.desk(), key: write.key)
                print(json ? try RecordJSON.render("location", added) : "location \(added.code) added (\(added.kind))")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List locations with the units on hand at each.")
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let locations = try database.desk().locations()
                if json {
                    print(try RecordJSON.render(nil, locations))
                    return
                }
                var rows = [["code", "name", "kind", "part of", "on hand", "state"]]
                for l in locations {
                    rows.append([
                        l.code, l.name, l.kind, l.parent ?? "-", String(l.onHand), l.active ? "active" : "disabled",
                    ])
                }
                print(locations.isEmpty ? "no locations yet: cfit location add CODE --name NAME" : textTable(rows))
            }
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable a location (refused while it holds stock); its history stays.")
        @Argument(help: "The location's code.") var code: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var write: WriteOptions
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors(arguments: ["code": "CODE"]) {
                let disabled = try database.desk().disable(location: code, key: write.key)
                print(json ? try RecordJSON.render("location", disabled) : "location \(disabled.code) disabled")
            }
        }
    }
}

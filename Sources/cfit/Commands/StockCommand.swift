import ArgumentParser
import Foundation
import Inventory

/// The location a counter works at: `--location`, else `$CFIT_LOCATION`, else `shop`.
struct LocationOption: ParsableArguments {
    @Option(help: ArgumentHelp("The location (default: $CFIT_LOCATION, else shop).", valueName: "L"))
    var location: String?

    var code: String { location ?? ProcessInfo.processInfo.environment["CFIT_LOCATION"] ?? "shop" }
}

/// Reads a whole number argument, naming the field when it is not one.
func wholeNumber(_ text: String, _ field: String) throws -> Int {
    guard let value = Int(text) else { throw CLIError.badInput(field, expected: "a whole number", found: quoted(text)) }
    return value
}

/// `cfit stock`: the pharmacy's stock.
struct StockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stock",
        abstract: "Show, receive, count and move stock; its history; what to reorder.",
        subcommands: [Show.self, Receive.self, Count.self, Transfer.self, History.self, Low.self, Minimum.self]
    )

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Balances: on hand, reserved, available (by lot).")
        @Argument(help: "A SKU or GTIN (default: everything in stock).") var sku: String?
        @Option(help: ArgumentHelp("Only this location.", valueName: "L")) var location: String?
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let balances = try Stock(connection: database.connect()).balances(sku: sku, location: location)
                if json {
                    print(try RecordJSON.render(nil, balances.map(BalanceJSON.init)))
                    return
                }
                if balances.isEmpty { print("no stock\(sku.map { " of \($0)" } ?? "")") }
                var rows = [["sku", "location", "lot", "expires", "on hand", "reserved", "available"]]
                for b in balances {
                    rows.append([
                        b.sku, b.location, b.lot ?? "-", b.expiresOn.map(Self.day) ?? "-", String(b.onHand),
                        String(b.reserved), String(b.available),
                    ])
                }
                if !balances.isEmpty { print(textTable(rows)) }
            }
        }

        static func day(_ date: Date) -> String { String(ISO8601DateFormatter().string(from: date).prefix(10)) }
    }

    struct Receive: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Book a delivery in (a receipt movement).")
        @Argument(help: "SKU or GTIN.") var sku: String
        @Argument(help: "Units received.") var quantity: String
        @OptionGroup var place: LocationOption
        @Option(help: ArgumentHelp("The lot code on the box.", valueName: "CODE")) var lot: String?
        @Option(help: ArgumentHelp("The lot's expiry, YYYY-MM-DD.", valueName: "DATE")) var expires: String?
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var write: WriteOptions
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let units = try wholeNumber(quantity, "QTY")
                var expiry: Date?
                if let expires {
                    guard let day = CalendarDay.parse(expires) else {
                        throw CLIError.badInput("--expires", expected: "a date YYYY-MM-DD", found: quoted(expires))
                    }
                    expiry = day
                }
                if expires != nil && lot == nil {
                    throw CLIError.badInput(
                        "--expires", expected: "--lot with it (expiry belongs to a lot)", found: "no --lot")
                }
                let movement = try Stock(connection: database.connect()).receive(
                    sku: sku, quantity: units, location: place.code, lot: lot, expires: expiry, key: write.key
                )
                print(
                    json
                        ? try RecordJSON.render("movement", movement)
                        : "received \(movement.delta) × \(movement.sku) at \(movement.location)\(movement.lot.map { " (lot \($0))" } ?? ""): on hand \(movement.onHandAfter)"
                )
            }
        }
    }

    struct Count: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a stock count; the difference is posted as a movement.")
        @Argument(help: "SKU or GTIN.") var sku: String
        @Argument(help: "Units counted.") var quantity: String
        @OptionGroup var place: LocationOption
        @Option(help: ArgumentHelp("The lot counted (default: the stock without a lot).", valueName: "CODE")) var lot:
            String?
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var write: WriteOptions
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let movement = try Stock(connection: database.connect()).count(
                    sku: sku, counted: try wholeNumber(quantity, "QTY"), location: place.code, lot: lot, key: write.key
                )
                if json {
                    print(try RecordJSON.render("movement", movement))
                } else if let movement {
                    print(
                        "count posted: \(movement.delta > 0 ? "+" : "")\(movement.delta) × \(movement.sku) at \(movement.location): on hand \(movement.onHandAfter)"
                    )
                } else {
                    print("count matches the books: nothing posted")
                }
            }
        }
    }

    struct Transfer: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move available units between locations.")
        @Argument(help: "SKU or GTIN.") var sku: String
        @Argument(help: "Units to move.") var quantity: String
        @Option(help: ArgumentHelp("From this location.", valueName: "A")) var from: String
        @Option(help: ArgumentHelp("To this location.", valueName: "B")) var to: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var write: WriteOptions
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let movements = try Stock(connection: database.connect()).transfer(
                    sku: sku, quantity: try wholeNumber(quantity, "QTY"), from: from, to: to, key: write.key
                )
                print(
                    json
                        ? try RecordJSON.render("movements", movements)
                        : "moved \(quantity) × \(sku) from \(from) to \(to)")
            }
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The ledger of one article, with the balance after each movement and who did it.")
        @Argument(help: "SKU or GTIN.") var sku: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let movements = try Stock(connection: database.connect()).history(sku: sku)
                if json {
                    print(try RecordJSON.render(nil, movements))
                    return
                }
                var rows = [["#", "when", "location", "lot", "change", "on hand after", "reason", "reference", "by"]]
                let formatter = ISO8601DateFormatter()
                for m in movements {
                    rows.append([
                        String(m.id), formatter.string(from: m.occurredAt), m.location, m.lot ?? "-",
                        (m.delta > 0 ? "+" : "") + String(m.delta),
                        String(m.onHandAfter), m.reason, m.reference ?? "", m.actor,
                    ])
                }
                print(movements.isEmpty ? "no movements of \(sku)" : textTable(rows))
            }
        }
    }

    struct Low: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Articles available at or below their minimum, with a suggested order.")
        @Option(help: ArgumentHelp("Only this location.", valueName: "L")) var location: String?
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let low = try Stock(connection: database.connect()).low(location: location)
                if json {
                    print(try RecordJSON.render(nil, low))
                    return
                }
                var rows = [["sku", "location", "available", "minimum", "order"]]
                for item in low {
                    rows.append([
                        item.sku, item.location, String(item.available), String(item.minimum),
                        String(item.suggestedOrder),
                    ])
                }
                print(low.isEmpty ? "nothing at or below its minimum" : textTable(rows))
            }
        }
    }

    struct Minimum: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the minimum (and reorder quantity) of an article at a location.")
        @Argument(help: "SKU or GTIN.") var sku: String
        @Argument(help: "The minimum available units.") var quantity: String
        @Option(help: ArgumentHelp("How many to order when low.", valueName: "N")) var reorder: String?
        @OptionGroup var place: LocationOption
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let minimum = try wholeNumber(quantity, "QTY")
                let reorderQuantity = try reorder.map { try wholeNumber($0, "--reorder") }
                try Stock(connection: database.connect()).setMinimum(
                    sku: sku, minimum: minimum, reorderQuantity: reorderQuantity, location: place.code)
                if json {
                    let rule = MinimumJSON(sku: sku, location: place.code, minimum: minimum, reorder: reorderQuantity)
                    print(try RecordJSON.render("minimum", rule))
                } else {
                    print(
                        "minimum of \(sku) at \(place.code): \(minimum)\(reorderQuantity.map { ", reorder \($0)" } ?? "")"
                    )
                }
            }
        }
    }
}

/// A reorder rule as set, for JSON.
struct MinimumJSON: Encodable {
    let sku: String
    let location: String
    let minimum: Int
    let reorder: Int?
}

/// A balance with its available count spelled out for JSON.
struct BalanceJSON: Encodable {
    let sku: String
    let location: String
    let lot: String?
    let expiresOn: Date?
    let onHand: Int
    let reserved: Int
    let available: Int

    init(_ balance: BalanceRecord) {
        sku = balance.sku
        location = balance.location
        lot = balance.lot
        expiresOn = balance.expiresOn
        onHand = balance.onHand
        reserved = balance.reserved
        available = balance.available
    }
}

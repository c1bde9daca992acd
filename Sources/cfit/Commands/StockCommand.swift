import ArgumentParser
import Counter
import Fitting
import Foundation

/// The location a counter works at: `--location`, else `$CFIT_LOCATION`, else `shop`.
/// `--rx RX` beside a record's reference: the prescription it must be for (checked), which a bare
/// number needs (a number alone could name another patient's record after a failover).
struct PrescriptionCheck: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The prescription it is for: checked when given, needed with a number instead of a reference.",
            valueName: "RX"))
    var rx: String?
}

struct LocationOption: ParsableArguments {
    @Option(help: ArgumentHelp("The location (default: $CFIT_LOCATION, else shop).", valueName: "L"))
    var location: String?

    var code: String { location ?? Desk.defaultLocation() }
}

/// Shows instants in the counter's own time zone, with its offset: `2026-11-26 14:03:07 -08:00`.
func localTimeFormatter() -> DateFormatter {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = .current
    formatter.dateFormat = "yyyy-MM-dd HH:mm:ss xxx"
    return formatter
}

/// `cfit stock`: the pharmacy's stock.
struct StockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stock",
        abstract: "Show, receive, count and move stock; its history; what to reorder.",
        subcommands: [
            Show.self, Receive.self, Count.self, Transfer.self, WriteOff.self, ReleaseReturn.self, History.self,
            Low.self,
            Minimum.self, Sheet.self, CountSheet.self,
        ]
    )

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Balances: on hand, reserved, available (by lot); units that may not be offered are listed apart."
        )
        @Argument(help: "A SKU or GTIN (default: everything in stock).") var sku: String?
        @Option(help: ArgumentHelp("Only this location.", valueName: "L")) var location: String?
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors(arguments: ["sku": "SKU"]) {
                let balances = try database.desk().balances(sku: sku, location: location)
                if json {
                    print(try RecordJSON.render(nil, balances.map(BalanceJSON.init)))
                    return
                }
                if balances.isEmpty { print("no stock\(sku.map { " of \($0)" } ?? "")") }
                let usable = balances.filter { $0.unusable == nil }
                let unusable = balances.filter { $0.unusable != nil }
                if !usable.isEmpty {
                    var rows = [["sku", "location", "lot", "expires", "on hand", "reserved", "available"]]
                    for b in usable {
                        rows.append([
                            b.sku, b.location, b.lot ?? "-", b.expiresOn?.description ?? "-", String(b.onHand),
                            String(b.reserved), String(b.available),
                        ])
                    }
                    print(textTable(rows))
                }
                if !unusable.isEmpty {
                    if !usable.isEmpty { print("") }
                    print("not available (never offered; write off, release or move to quarantine):")
                    var rows = [["sku", "location", "lot", "expires", "on hand", "reserved", "why"]]
                    for b in unusable {
                        rows.append([
                            b.sku, b.location, b.lot ?? "-", b.expiresOn?.description ?? "-", String(b.onHand),
                            String(b.reserved), b.unusable?.rawValue ?? "",
                        ])
                    }
                    print(textTable(rows))
                }
            }
        }
    }

    struct Receive: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Book a delivery in (a receipt movement): by SKU, GTIN or a scanned code, or --scan.",
            discussion: """
                cfit stock receive SKU QTY, or cfit stock receive --scan CODE QTY: a scanned GS1 code gives the \
                article, the lot (AI 10) and the expiry (AI 17); --lot or --expires given as well must agree with it.
                """
        )
        @Argument(help: "The SKU, GTIN or scanned code, then the units received (with --scan: only the units).")
        var values: [String] = []
        @Option(help: ArgumentHelp("A scanned GS1 code: article, lot and expiry in one.", valueName: "CODE"))
        var scan: String?
        @OptionGroup var place: LocationOption
        @Option(help: ArgumentHelp("The lot code on the box.", valueName: "CODE")) var lot: String?
        @Option(help: ArgumentHelp("The lot's expiry, YYYY-MM-DD.", valueName: "DATE")) var expires: String?
        @Flag(
            name: .customLong("accept-expired"),
            help: "Book in a lot that has already expired (on hand, never offered; to be written off).")
        var acceptExpired = false
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var write: WriteOptions
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors(arguments: ["sku": scan == nil ? "SKU" : "--scan", "quantity": "QTY"]) {
                let code: String
                let quantityText: String
                switch (scan, values.count) {
                case (let scanCode?, 1):
                    (code, quantityText) = (scanCode, values[0])
                case (nil, 2):
                    (code, quantityText) = (values[0], values[1])
                default:
                    throw CLIError.badInput(
                        "QTY", expected: scan == nil ? "SKU and QTY" : "only QTY with --scan",
                        found: values.isEmpty ? "nothing" : quoted(values.joined(separator: " ")))
                }
                // The application layer reads the code or scan, the units, the lot and the expiry.
                let request = ReceiveRequest(
                    sku: code, quantity: NumberText(quantityText), location: place.code, lot: lot,
                    expires: expires, acceptExpired: acceptExpired)
                let movement = try request.run(on: database.desk(at: place.code), key: write.key)
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
        @Option(
            help: ArgumentHelp(
                "The lot counted (needed when the article is held in several lots here).", valueName: "CODE"))
        var lot: String?
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var write: WriteOptions
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors(arguments: ["sku": "SKU", "counted": "QTY", "quantity": "QTY"]) {
                let movement = try CountRequest(sku: sku, counted: NumberText(quantity), lot: lot).run(
                    on: database.desk(at: place.code), key: write.key)
                if json {
                    print(try RecordJSON.render("movement", movement))
                } else if let movement {
                    print(
                        "count posted: \(movement.delta > 0 ? "+" : "")\(movement.delta) × \(movement.sku) at \(movement.location)\(movement.lot.map { " lot \($0)" } ?? ""): on hand \(movement.onHandAfter)"
                    )
                } else {
                    print("count matches the books: nothing posted")
                }
            }
        }
    }

    struct Transfer: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move usable units between locations (earliest-expiring lots first).")
        @Argument(help: "SKU or GTIN.") var sku: String
        @Argument(help: "Units to move.") var quantity: String
        @Option(help: ArgumentHelp("From this location.", valueName: "A")) var from: String
        @Option(help: ArgumentHelp("To this location.", valueName: "B")) var to: String
        @Flag(
            help:
                "Move only units that may not be offered (expired, recalled, held, returned), to a quarantine or returns location."
        )
        var unusable = false
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var write: WriteOptions
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors(arguments: ["sku": "SKU", "quantity": "QTY"]) {
                let movements = try TransferRequest(
                    sku: sku, quantity: NumberText(quantity), from: from, to: to, unusable: unusable
                ).run(on: database.desk(), key: write.key)
                print(
                    json
                        ? try RecordJSON.render("movements", movements)
                        : "moved \(movements.last?.delta ?? 0) × \(sku) from \(from) to \(to)")
            }
        }
    }

    struct WriteOff: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "write-off",
            abstract: "Take units off the books for good: expired, damaged, returned (failed inspection) or recalled.")
        @Argument(help: "SKU or GTIN.") var sku: String
        @Argument(help: "Units written off.") var quantity: String
        @Option(help: ArgumentHelp("The lot (omit for stock without a lot).", valueName: "CODE")) var lot: String?
        @Option(help: ArgumentHelp("expired, damaged, returned or recalled.", valueName: "WHY")) var reason: String
        @Option(help: ArgumentHelp("A note for the ledger.", valueName: "TEXT")) var note: String?
        @OptionGroup var place: LocationOption
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var write: WriteOptions
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors(arguments: ["sku": "SKU", "quantity": "QTY"]) {
                let movement = try WriteOffRequest(
                    sku: sku, quantity: NumberText(quantity), lot: lot, reason: reason, note: note
                ).run(on: database.desk(at: place.code), key: write.key)
                print(
                    json
                        ? try RecordJSON.render("movement", movement)
                        : "written off \(-movement.delta) × \(movement.sku) at \(movement.location)\(movement.lot.map { " lot \($0)" } ?? "") (\(reason)): on hand \(movement.onHandAfter)"
                )
            }
        }
    }

    struct ReleaseReturn: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "release-return",
            abstract: "Put returned units that passed inspection back into usable stock (same lot).")
        @Argument(help: "SKU or GTIN.") var sku: String
        @Argument(help: "Units released.") var quantity: String
        @Option(help: ArgumentHelp("The lot (omit for stock without a lot).", valueName: "CODE")) var lot: String?
        @OptionGroup var place: LocationOption
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var write: WriteOptions
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors(arguments: ["sku": "SKU", "quantity": "QTY"]) {
                let movements = try ReleaseReturnRequest(sku: sku, quantity: NumberText(quantity), lot: lot).run(
                    on: database.desk(at: place.code), key: write.key)
                let back = movements[1]
                print(
                    json
                        ? try RecordJSON.render("movements", movements)
                        : "released \(back.delta) × \(back.sku) at \(back.location)\(back.lot.map { " lot \($0)" } ?? "") to stock: on hand \(back.onHandAfter) usable"
                )
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
            try reportingErrors(arguments: ["sku": "SKU"]) {
                let movements = try database.desk().history(sku: sku)
                if json {
                    print(try RecordJSON.render(nil, movements))
                    return
                }
                var rows = [["#", "when", "location", "lot", "change", "on hand after", "reason", "reference", "by"]]
                let formatter = localTimeFormatter()
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
                let low = try database.desk().low(location: location)
                if json {
                    print(try RecordJSON.render(nil, low))
                    return
                }
                var rows = [["sku", "location", "available", "minimum", "needs", "transfer first", "order"]]
                for item in low {
                    rows.append([
                        item.sku, item.location, String(item.available), String(item.minimum), String(item.needed),
                        item.transfers.map { "\($0.quantity) from \($0.from)" }.joined(separator: ", "),
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
            try reportingErrors(arguments: ["sku": "SKU", "minimum": "QTY", "quantity": "QTY"]) {
                let rule = try MinimumRequest(
                    sku: sku, minimum: NumberText(quantity), reorder: reorder.map { NumberText($0) }
                ).run(on: database.desk(at: place.code))
                let (minimum, reorderQuantity) = (rule.minimum, rule.reorder)
                if json {
                    print(try RecordJSON.render("minimum", rule))
                } else {
                    print(
                        "minimum of \(sku) at \(rule.location): \(minimum)\(reorderQuantity.map { ", reorder \($0)" } ?? "")"
                    )
                }
            }
        }
    }
}

/// A balance with its available count spelled out for JSON.
struct BalanceJSON: Encodable {
    let sku: String
    let location: String
    let lot: String?
    let expiresOn: CalendarDay?
    let onHand: Int
    let reserved: Int
    let available: Int
    let unusable: UnusableReason?

    init(_ balance: BalanceRecord) {
        sku = balance.sku
        location = balance.location
        lot = balance.lot
        expiresOn = balance.expiresOn
        onHand = balance.onHand
        reserved = balance.reserved
        available = balance.available
        unusable = balance.unusable
    }
}

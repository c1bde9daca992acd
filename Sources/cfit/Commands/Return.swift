import ArgumentParser
import Counter
import Foundation

/// `cfit return`: take dispensed garments back, to inspection.
struct Return: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "return",
        abstract: "Take dispensed garments back: they keep their lot and wait for inspection (never offered).",
        discussion: """
            Name the dispense by its reference (`cfit rx show RX` lists them; with --rx, checked to be that \
            prescription's), or give --rx and --sku when that prescription has one dispense of the article. Returned units are on hand but not available until `cfit stock release-return` \
            puts them back or `cfit stock write-off --reason returned` removes them. A completed prescription stays \
            completed unless --reopen is given (to dispense a replacement).
            """
    )
    @Argument(help: "The dispense's reference (D-…).") var dispense: String?
    @Option(help: ArgumentHelp("Garments returned (default: all of the dispense not yet returned).", valueName: "N"))
    var quantity: String?
    @Option(help: ArgumentHelp("Why they came back.", valueName: "TEXT")) var reason: String
    @Option(
        help: ArgumentHelp(
            "The prescription: the dispense's (checked), or with --sku instead of the dispense.", valueName: "RX"))
    var rx: String?
    @Option(help: ArgumentHelp("The article (with --rx).", valueName: "SKU")) var sku: String?
    @Flag(help: "Reopen a completed prescription so a replacement can be dispensed.") var reopen = false
    @OptionGroup var place: LocationOption
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var write: WriteOptions
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try reportingErrors(arguments: ["dispense": "DISPENSE", "prescription": "--rx"]) {
            let which: ReturnRequest.Dispense
            switch (dispense, rx, sku) {
            case (let reference?, _, nil):
                which = .reference(reference, rx: rx)
            case (nil, let rx?, let sku?):
                which = .of(rx: rx, sku: sku)
            default:
                throw CLIError.badInput(
                    "DISPENSE", expected: "a dispense's reference, or --rx and --sku (not both)",
                    found: [dispense.map { "DISPENSE \($0)" }, rx.map { "--rx \($0)" }, sku.map { "--sku \($0)" }]
                        .compactMap { $0 }.joined(separator: ", ").nonEmpty ?? "none")
            }
            let r = try ReturnRequest(reason: reason, quantity: quantity.map { NumberText($0) }, reopen: reopen).run(
                on: database.desk(at: place.code), dispense: which, key: write.key)
            print(
                json
                    ? try RecordJSON.render("return", r)
                    : "return \(r.id): \(r.quantity) × \(r.sku)\(r.lot.map { " lot \($0)" } ?? "") of dispense \(r.dispense) back at \(r.location), awaiting inspection; rx \(r.prescription) is \(r.prescriptionStatus)"
            )
        }
    }
}

extension String {
    /// The string, or `nil` when it is empty.
    var nonEmpty: String? { isEmpty ? nil : self }
}

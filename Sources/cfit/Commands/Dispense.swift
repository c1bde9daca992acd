import ArgumentParser
import Counter
import Foundation

/// `cfit dispense`: hand a reserved garment over.
struct Dispense: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Hand over the garment held by a reservation.")
    @Argument(help: "The reservation's reference (R-…).") var reservation: String
    @OptionGroup var check: PrescriptionCheck
    @Option(
        help: ArgumentHelp(
            "The box in the hand, as scanned (GTIN, GS1 code or SKU): refused unless it is the reserved article and lot.",
            valueName: "CODE"))
    var scan: String?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var write: WriteOptions
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try reportingErrors(arguments: ["reservation": "RESERVATION", "prescription": "--rx", "scan": "--scan"]) {
            let d = try database.desk().dispense(
                reservation: reservation, rx: check.rx, scan: scan, key: write.key)
            print(
                json
                    ? try RecordJSON.render("dispense", d)
                    : "dispensed \(d.sku)\(d.lot.map { " lot \($0)" } ?? "") from \(d.location) for rx \(d.prescription)"
            )
        }
    }
}

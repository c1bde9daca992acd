import ArgumentParser
import Counter
import Foundation

/// `cfit dispense`: hand a reserved garment over.
struct Dispense: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Hand over the garment held by a reservation.")
    @Argument(help: "The reservation's reference (R-…).") var reservation: String
    @OptionGroup var check: PrescriptionCheck
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var write: WriteOptions
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try reportingErrors(arguments: ["reservation": "RESERVATION", "prescription": "--rx"]) {
            let d = try database.desk().dispense(reservation: reservation, rx: check.rx, key: write.key)
            print(
                json
                    ? try RecordJSON.render("dispense", d)
                    : "dispensed \(d.sku)\(d.lot.map { " lot \($0)" } ?? "") from \(d.location) for rx \(d.prescription)"
            )
        }
    }
}

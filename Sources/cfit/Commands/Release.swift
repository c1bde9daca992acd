import ArgumentParser
import Counter
import Foundation

/// `cfit release`: give a held garment back to stock.
struct Release: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Release a reservation: the garment is available again.")
    @Argument(help: "The reservation's reference (R-…).") var reservation: String
    @OptionGroup var check: PrescriptionCheck
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var write: WriteOptions
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try reportingErrors(arguments: ["reservation": "RESERVATION", "prescription": "--rx"]) {
            let r = try database.desk().release(reservation: reservation, rx: check.rx, key: write.key)
            print(json ? try RecordJSON.render("reservation", r) : "reservation \(r.id): \(r.status)")
        }
    }
}

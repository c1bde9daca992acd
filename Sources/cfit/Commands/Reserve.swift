import ArgumentParser
import Counter
import Foundation

/// `cfit reserve`: hold a garment for a prescription.
struct Reserve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Hold one garment of an article for a prescription (earliest-expiring lot first).")
    @Option(help: ArgumentHelp("The prescription.", valueName: "RX")) var rx: String
    @Option(help: ArgumentHelp("The article (SKU or GTIN).", valueName: "SKU")) var sku: String
    @OptionGroup var place: LocationOption
    @Option(
        help: ArgumentHelp(
            "Why this article, when the prescription's last fitting chose another size in its line or made-to-measure.",
            valueName: "REASON")) var confirmReason: String?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var write: WriteOptions
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try reportingErrors(arguments: [
            "prescription": "--rx", "confirmedReason": "--confirm-reason",
        ]) {
            let r = try ReserveRequest(prescription: rx, sku: sku, confirmedReason: confirmReason).run(
                on: database.desk(at: place.code), key: write.key)
            print(
                json
                    ? try RecordJSON.render("reservation", r)
                    : "reservation \(r.id): \(r.sku) at \(r.location)\(r.lot.map { " (lot \($0))" } ?? "") held for rx \(r.prescription)\(r.confirmedReason.map { "; confirmed: \($0)" } ?? "")"
            )
        }
    }
}

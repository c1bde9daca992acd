import ArgumentParser
import Counter
import Foundation

/// `cfit expire`: prescriptions past their last valid day marked expired, their reservations released.
struct ExpireCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expire",
        abstract:
            "Mark every prescription past its last valid day expired and release the garments it held (cfit serve does it daily).",
        discussion: """
            Shops that do not run cfit serve run it from cron once a day, just after midnight:
              5 0 * * *  cfit expire
            """)
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var write: WriteOptions
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try reportingErrors {
            let expiry = try database.desk().expirePrescriptions(key: write.key)
            if json {
                print(try RecordJSON.render("expiry", expiry))
                return
            }
            guard !expiry.expired.isEmpty else {
                print("no prescription past its last valid day (\(expiry.today)) was still active")
                return
            }
            var lines: [String] = []
            for rx in expiry.expired {
                let released = rx.released ?? []
                lines.append(
                    "rx \(rx.number) (\(rx.patientName), \(rx.patient)): expired, valid until \(rx.validUntil?.description ?? "?")"
                        + (released.isEmpty ? "" : "; released \(released.map(\.id).joined(separator: ", "))"))
            }
            print(lines.joined(separator: "\n"))
        }
    }
}

import ArgumentParser
import Counter
import Foundation

/// `cfit check`: do the books add up?
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Verify on hand = Σ ledger, reserved = Σ active reservations, dispensed ≤ prescribed, every return names its dispense; list stock to write off. Exit 1 on any mismatch."
    )
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        var mismatches = false
        try reportingErrors {
            let desk = try database.desk()
            let report = try desk.check()
            if let warning = try desk.backupWarning() { Warnings.add(warning) }
            mismatches = !report.problems.isEmpty
            if json {
                print(try RecordJSON.render(nil, report))
                return
            }
            print(
                report.problems.isEmpty
                    ? "check: every balance matches its ledger and reservations; every prescription and return adds up"
                    : report.problems.joined(separator: "\n"))
            if !report.toWriteOff.isEmpty {
                print("to write off (expired or recalled, never offered):")
                for line in report.toWriteOff { print("  \(line)") }
            }
            if !report.toExpire.isEmpty {
                print("prescriptions past their last valid day, not yet expired (cfit expire releases what they hold):")
                for line in report.toExpire { print("  \(line)") }
            }
        }
        if mismatches { throw ExitCode(CLIError.Status.refused.rawValue) }
    }
}

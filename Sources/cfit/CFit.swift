import ArgumentParser
import Foundation
import Logging

/// `cfit`: the CompressionFit command line for fitters, pharmacies and the admins who keep the
/// catalogs.
@main
struct CFit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cfit",
        abstract: "Fit and dispense medical compression stockings.",
        discussion: """
            Exit status: 0 done (for fit: a ready-made size or made-to-measure was computed); 1 refused \
            by a clinical or stock rule, or `check` found a mismatch; 64 bad input on the command line; 65 bad data in a file; 66 a file \
            could not be read; 69 the database is unavailable; 70 an unexpected database error; 75 busy: \
            another counter held the record longer than the lock timeout (5 s), try again; 77 permission denied: \
            the login's role may not do this.
            """,
        subcommands: [
            Fit.self, CatalogCommand.self, ArticleCommand.self, StockCommand.self, Rx.self, Reserve.self,
            Dispense.self, Release.self, Return.self, Patient.self, Prescriber.self, FittingCommand.self, Lot.self,
            DueCommand.self, ExpireCommand.self, Location.self, GuidelineCommand.self, Check.self, Seed.self, User.self,
            Serve.self,
            DB.self,
        ]
    )

    /// Starts logging — quiet unless `CFIT_LOG` names a level (`debug`, `info`, `warning`…), so a
    /// server's notices never come before an error's first line — then runs the command (`serve`
    /// as an asynchronous command on Swift's own executor, every other one as it is).
    static func main() async {
        let level = ProcessInfo.processInfo.environment["CFIT_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .error
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            let status = exitCode(for: error)
            // A value a typed reader refused is worded like every other error: field, expected, found.
            if status == .validationFailure, let refusal = Typed.lastRefusal {
                writeError("error: \(displayLine(refusal.message))\n")
                Foundation.exit(status.rawValue)
            }
            exit(withError: error)
        }
    }
}

import ArgumentParser
import Counter
import Foundation

/// How a command finds its database: `--database-url`, else `DATABASE_URL`, else the embedded
/// local cluster that `cfit` creates, starts and migrates itself.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .customLong("database-url"),
        help: ArgumentHelp(
            "A libpq connection string or URI (default: $DATABASE_URL, else cfit's own local server).",
            valueName: "URL"
        )
    )
    var databaseURL: String?

    /// The URL given explicitly, by flag or environment; `nil` means the embedded default.
    var explicitURL: String? {
        if let databaseURL { return databaseURL }
        if let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty { return url }
        return nil
    }

    /// A desk through the application layer's policy (``DatabaseAccess``), working at `location`
    /// (this counter's when not given), warning when the command line carries a password.
    func desk(at location: String? = nil) throws -> Desk {
        if let databaseURL, !DatabaseAccess.secrets(in: databaseURL).isEmpty {
            Warnings.add(
                "--database-url carries a password, which every user of this machine can see (ps); keep it in ~/.pgpass or a file named by PGPASSFILE"
            )
        }
        return try DatabaseAccess.desk(url: explicitURL, location: location ?? Desk.defaultLocation())
    }
}

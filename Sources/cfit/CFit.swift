import ArgumentParser

/// `cfit`: the CompressionFit command line for fitters, pharmacies and the admins who keep the
/// catalogs.
@main
struct CFit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cfit",
        abstract: "Fit and dispense medical compression stockings.",
        discussion: """
            Exit status: 0 a result was computed (a ready-made size or made-to-measure); 1 refused by a \
            clinical or stock rule; 64 bad input on the command line; 65 bad data in a file; 66 a file \
            could not be read; 69 the database is unavailable.
            """,
        subcommands: [
            Fit.self, CatalogCommand.self, Seed.self, StockCommand.self, Rx.self, Reserve.self, Dispense.self,
            Release.self,
            Return.self, Check.self, DB.self,
        ]
    )
}

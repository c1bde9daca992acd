import ArgumentParser
import Counter

/// `cfit guideline`: the shop's clinical guideline — its arterial-safety policy and the standard a
/// class given without one is read in.
struct GuidelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guideline",
        abstract:
            "Show or set the shop's clinical guideline: arterial-safety policy and default standard (setting: admins).",
        discussion: """
            Policies (docs/fitting.md has the table and sources): nice (NICE CKS, the default and most \
            conservative: ABPI below 0.8 or above 1.3 refused), formulary (NHS formularies: below 0.5 \
            refused; 0.5–0.79 and 1.4 or above only with a specialist's confirmation), s2k (German S2k \
            guideline: below 0.5 refused; 0.5–0.8 only a reduced class of 30 mmHg at most, confirmed).
            """,
        subcommands: [Show.self, Set.self],
        defaultSubcommand: Show.self
    )

    /// The guideline as a few lines of text.
    static func text(_ guideline: Guideline) -> String {
        """
        arterial policy: \(guideline.arterialPolicy.rawValue) (\(guideline.arterialPolicy.source))
        default standard: \(guideline.defaultStandard) (a class given without its standard is read in it)
        set \(guideline.updatedAt) by \(guideline.updatedBy)
        """
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the guideline.")
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let guideline = try database.desk().guideline()
                print(json ? try RecordJSON.render("guideline", guideline) : GuidelineCommand.text(guideline))
            }
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the policy and/or the default standard (admins).")
        @Option(help: ArgumentHelp("nice, formulary or s2k.", valueName: "POLICY")) var policy: String?
        @Option(help: ArgumentHelp("RAL, BS, AFNOR, ENV or US.", valueName: "STANDARD")) var standard: String?
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var write: WriteOptions
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let set = try GuidelineRequest(policy: policy, standard: standard).run(
                    on: database.desk(), key: write.key)
                print(json ? try RecordJSON.render("guideline", set) : GuidelineCommand.text(set))
            }
        }
    }
}

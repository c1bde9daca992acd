import ArgumentParser
import Counter
import Fitting
import Foundation

extension DB {
    /// `cfit db backup`: a consistent backup the shop can restore.
    struct Backup: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Back up the database to a file (pg_dump, custom format, 0600) with a manifest to verify it.",
            discussion: """
                Every table, grant, function and the migration record, from one snapshot; beside the file, \
                FILE.manifest.json holds the schema version, every table's rows, what check found, the size and \
                the SHA-256. Run it as the schema's owner (the embedded default's is). With --to DIR the file is \
                named after the date and time there, and --keep N removes all but the newest N.
                """)
        @Argument(help: "The file to write (default: cfit-DATE-TIME.dump here, or in --to).") var file: String?
        @Option(help: ArgumentHelp("The folder to write the backup to.", valueName: "DIR")) var to: String?
        @Option(
            help: ArgumentHelp("Keep only the newest N backups in --to.", valueName: "N"),
            transform: Typed.wholeNumber("--keep"))
        var keep: Int?
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors(arguments: ["FILE": "FILE"]) {
                if let keep, keep < 1 {
                    throw CLIError.badInput("--keep", expected: "at least 1", found: String(keep))
                }
                if keep != nil, to == nil {
                    throw CLIError.badInput("--keep", expected: "--to DIR with it", found: "no --to")
                }
                if file != nil, to != nil {
                    throw CLIError.badInput("FILE", expected: "a file or --to DIR, not both", found: file ?? "")
                }
                if let to, !FileManager.default.fileExists(atPath: to) {
                    try FileManager.default.createDirectory(
                        atPath: to, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                }
                let path = file ?? "\(to ?? ".")/\(Backups.defaultFileName())"
                let interactive = isatty(2) == 1
                let taken = try Backups.take(url: database.explicitURL, file: path) { bytes in
                    if interactive { writeError("\rbacking up: \(bytes / 1_048_576) MB written") }
                }
                if interactive { writeError("\r") }
                let removed = try keep.map { try Backups.rotate(folder: to ?? ".", keep: $0) } ?? []
                let rows = taken.manifest.tables.values.reduce(0, +)
                if json {
                    print(
                        JSONValue.object([
                            ("file", .string(taken.file)), ("manifest", .string(taken.file + Backups.manifestSuffix)),
                            ("bytes", .integer(taken.manifest.bytes)), ("sha256", .string(taken.manifest.sha256)),
                            ("schemaVersion", .integer(taken.manifest.schemaVersion)),
                            ("tables", .integer(taken.manifest.tables.count)), ("rows", .integer(rows)),
                            ("checkProblems", .array(taken.manifest.checkProblems.map { .string($0) })),
                            ("verified", .bool(taken.verified)), ("removed", .array(removed.map { .string($0) })),
                        ]).serialized(pretty: true))
                    return
                }
                print(
                    "backed up \(taken.manifest.tables.count) tables, \(rows) rows to \(taken.file) (\(taken.manifest.bytes) bytes, sha256 \(taken.manifest.sha256.prefix(12))…)\(taken.verified ? ", read back whole" : "")"
                )
                if !taken.manifest.checkProblems.isEmpty {
                    print(
                        "note: check found \(taken.manifest.checkProblems.count) problems at backup time (kept in the manifest)"
                    )
                }
                for old in removed { print("removed \(old)") }
            }
        }
    }

    /// `cfit db restore`: a backup back in place, verified before it replaces anything.
    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restore a backup: checked against its manifest, restored aside, verified, then put in place.",
            discussion: """
                The file must match its manifest (size and SHA-256); it is restored into a new database, every \
                table's rows are compared with the manifest and check must find what it found at backup time — \
                only then does it take the database's place. A database that is not empty is replaced only with \
                --replace, and kept under another name. A backup from an older cfit is migrated after the restore; \
                one from a newer cfit is refused. Needs a login that may create databases (the embedded default's).
                """)
        @Argument(help: "The backup file (its manifest beside it).") var file: String
        @Flag(help: "Restore over a database that is not empty (it is kept aside, renamed).") var replace = false
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors(arguments: ["FILE": "FILE"]) {
                let done = try Backups.restore(url: database.explicitURL, file: file, replace: replace)
                if json {
                    print(
                        JSONValue.object([
                            ("database", .string(done.database)), ("tables", .integer(done.tables)),
                            ("rows", .integer(done.rows)), ("keptAside", done.keptAside.map(JSONValue.string) ?? .null),
                            ("migrated", .array(done.migrated.map { .string($0) })),
                            ("missingLogins", .array(done.missingLogins.map { .string($0) })),
                        ]).serialized(pretty: true))
                    return
                }
                print(
                    "restored \(done.tables) tables, \(done.rows) rows into \(done.database); every table matches the manifest and check agrees"
                )
                if let aside = done.keptAside {
                    print(
                        "the database it replaced is kept as \(aside) (drop it once satisfied: DROP DATABASE \(aside))")
                }
                if !done.migrated.isEmpty { print("then migrated: \(done.migrated.joined(separator: ", "))") }
                if !done.missingLogins.isEmpty {
                    print(
                        "logins the records name that this server lacks: \(done.missingLogins.joined(separator: ", ")) — add each with cfit user add NAME --role fitter|pharmacy|admin"
                    )
                }
            }
        }
    }
}

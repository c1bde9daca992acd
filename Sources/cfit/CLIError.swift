import ArgumentParser
import Counter
import Fitting
import Foundation
import Inventory
import Postgres

/// An error the CLI reports as one line on stderr, with its own exit status.
///
/// The message always starts with the field (flag, file key, prompt) and says what was expected
/// and what was found, so the person at the counter can fix the input.
struct CLIError: Error, CustomStringConvertible {
    /// The exit statuses `cfit` documents in its help.
    enum Status: Int32 {
        /// A clinical or stock rule refused the request.
        case refused = 1
        /// Bad input on the command line or at a prompt.
        case badInput = 64
        /// Bad data in a file.
        case badData = 65
        /// A file could not be read.
        case noInput = 66
        /// The database could not be reached or used.
        case unavailable = 69
        /// Another session holds what this one needs (a lock wait timed out): try again.
        case busy = 75
        /// The person logged in has no role that may do this.
        case notPermitted = 77
        /// Something that should not happen (an unexpected database error).
        case internalError = 70
    }

    let status: Status
    let message: String
    /// Further lines printed after the first (e.g. the rest of a catalog's issues).
    var details: [String] = []

    var description: String { message }

    static func badInput(_ field: String, expected: String, found: String) -> CLIError {
        CLIError(status: .badInput, message: "\(field): expected \(expected), found \(found)")
    }
}

extension CLIError {
    /// The one mapping from every error a command can raise to the line it prints and its exit
    /// status: a rule's refusal 1, bad input 64, bad data in a file 65, a file that cannot be read
    /// 66, the database unavailable 69, anything unexpected 70.
    ///
    /// Inputs are named as flags (`--lot`) unless `arguments` names them otherwise (a positional
    /// argument: `["quantity": "QTY"]`).
    init(_ error: any Error, arguments: [String: String] = [:]) {
        switch error {
        case let error as CLIError:
            self = error
        case let error as InventoryError:
            let status: Status =
                switch error.kind {
                case .refused: .refused
                case .badInput: .badInput
                case .badData: .badData
                case .unreadable: .noInput
                case .notPermitted: .notPermitted
                }
            self.init(
                status: status, message: error.worded { arguments[$0] ?? "--\($0)" }, details: error.details)
        case let error as PostgresError:
            self.init(postgres: error)
        case let error as CounterError:
            // The counter names inputs by their own names; here they are flags (`--cB`, `--left cB`).
            let flag = "--\(error.field)"
            if let reason = error.reason {
                self.init(status: error.kind == .refused ? .refused : .badInput, message: "\(error.field): \(reason)")
            } else {
                self.init(
                    status: error.kind == .refused ? .refused : .badInput,
                    message: "\(flag): expected \(error.expected ?? "?"), found \(error.found ?? "?")")
            }
        case let error as DatabaseAccess.SchemaBehind:
            self.init(status: .unavailable, message: "database: \(error); run `cfit db migrate`")
        case let error as CatalogError:
            self.init(
                status: .badData, message: "catalog: \(error.issues[0])",
                details: error.issues.dropFirst().map(\.description))
        case let error as ArticleError:
            self.init(
                status: .badData, message: "articles: \(error.issues[0])",
                details: error.issues.dropFirst().map(\.description))
        case let error as CSVReader.SyntaxError:
            self.init(status: .badData, message: "CSV: \(error)")
        case let error as JSONSyntaxError:
            self.init(status: .badData, message: "JSON: \(error)")
        case let error as UTF8Text.InvalidByte:
            self.init(status: .badData, message: "file: \(error)")
        case let error as CalendarDay.ParseError:
            self.init(status: .badInput, message: "date: \(error)")
        case let error as DecodingError:
            self.init(status: .badData, message: "data: expected readable JSON, found \(Self.describe(error))")
        case let error as CocoaError where error.isFileError:
            let path =
                (error.userInfo[NSFilePathErrorKey] as? String) ?? (error.userInfo["NSURL"].map { "\($0)" } ?? "")
            self.init(
                status: .noInput,
                message: "file: expected a readable file, found '\(path)' (\(error.localizedDescription))")
        default:
            self.init(status: .internalError, message: "unexpected error: \(error)")
        }
    }

    /// A database error: unreachable or shut down 69; a value the server refused (a data
    /// exception, a constraint) 64 naming the column or constraint; a schema that needs
    /// migrating 65; anything else 70.
    private init(postgres error: PostgresError) {
        let details = error.detail.map { [$0] } ?? []
        let state = error.sqlState?.code ?? ""
        switch error.kind {
        case .connection, .connectionLost:
            self.init(status: .unavailable, message: "database: \(error.description)", details: details)
        case .schema:
            self.init(status: .badData, message: "database: \(error.description)", details: details)
        case .server where state == SQLState.insufficientPrivilege.code:
            self.init(status: .notPermitted, message: "permission denied: \(error.description)", details: details)
        case .server where state == SQLState.lockNotAvailable.code:
            self.init(
                status: .busy,
                message: "busy: another counter holds this record; try again in a moment (\(error.description))",
                details: details)
        case .server where state == "25006":
            self.init(
                status: .unavailable,
                message:
                    "database: this server or login only reads (a hot standby, or read-only); writes need the primary (target_session_attrs=read-write) (\(error.description))",
                details: details)
        case .server where state.hasPrefix("08") || state.hasPrefix("57P") || state == "53300":
            self.init(status: .unavailable, message: "database: \(error.description)", details: details)
        case .server where state.hasPrefix("22") || state.hasPrefix("23"):
            let field = error.column ?? error.constraint ?? "value"
            self.init(
                status: .badInput,
                message: "\(field): expected a value the database accepts, found it refused: \(error.description)",
                details: details)
        case .server, .decoding, .usage:
            self.init(status: .internalError, message: "database: \(error.description)", details: details)
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context), .keyNotFound(_, let context), .typeMismatch(_, let context),
            .valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "\(context.debugDescription)\(path.isEmpty ? "" : " at \(path)")"
        @unknown default:
            return "\(error)"
        }
    }
}

/// Runs a command body, turning any error into its lines on stderr and its exit status; warnings
/// collected on the way are printed after the output or the error, never before an error's line.
/// A long list of problems (a broken file) shows its first `limit`, then how many more there are.
/// `arguments` names the inputs that are positional arguments here (`["quantity": "QTY"]`).
func reportingErrors(limit: Int? = 50, arguments: [String: String] = [:], _ body: () throws -> Void) throws {
    defer { Warnings.flush() }
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch {
        let error = CLIError(error, arguments: arguments)
        var text = "error: \(displayLine(error.message))\n"
        let shown = limit.map { max(0, $0 - 1) } ?? error.details.count
        for line in error.details.prefix(shown) { text += "  \(line)\n" }
        if error.details.count > shown {
            text +=
                "  … and \(error.details.count - shown) more (\(error.details.count + 1) problems in all; --json or --all-errors lists every one)\n"
        }
        FileHandle.standardError.write(Data(text.utf8))
        throw ExitCode(error.status.rawValue)
    }
}

/// `message` as one line for a terminal: control characters shown as `\u{0}` rather than sent,
/// and every quoted value longer than 120 characters cut to its first 60 and its length
/// (`'7777…' (100000 characters)`), so a pasted 100 kB value never floods the screen while the
/// line still says what was found.
func displayLine(_ message: String) -> String {
    var shown = ""
    for scalar in message.unicodeScalars {
        if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
            shown += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
        } else {
            shown.unicodeScalars.append(scalar)
        }
    }
    return shown.replacing(/'([^']{121,})'/) { match in
        let value = match.output.1
        return "'\(value.prefix(60))…' (\(value.count) characters)"
    }
}

/// Warnings for the person at the counter, held until the command has said what it has to say.
enum Warnings {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var pending: [String] = []

    /// Holds `text` for the end of the command.
    static func add(_ text: String) {
        lock.withLock { pending.append(text) }
    }

    /// Prints what is held, each as `warning: …` on stderr.
    static func flush() {
        let lines = lock.withLock {
            defer { pending.removeAll() }
            return pending
        }
        for line in lines { writeError("warning: \(line)\n") }
    }
}

/// Writes `text` to standard error without a trailing newline.
func writeError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}

/// Quotes a value as the user typed it, for "found …".
func quoted(_ text: String) -> String { "'\(text)'" }

import ArgumentParser
import Counter
import Fitting
import Foundation

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
    /// The one mapping from the application layer's error kinds to the line a command prints and
    /// its exit status: a rule's refusal 1, bad input (and an unknown record, a conflicting or too
    /// large request) 64,
    /// bad data in a file 65, a file that cannot be read 66, the database unavailable 69, anything
    /// unexpected 70, busy 75, not permitted 77.
    ///
    /// Inputs are named as flags (`--lot`) unless `arguments` names them otherwise (a positional
    /// argument: `["quantity": "QTY"]`).
    init(_ error: any Error, arguments: [String: String] = [:]) {
        if let error = error as? CLIError {
            self = error
            return
        }
        let error = CounterError(classifying: error)
        self.init(
            status: Self.status(error.kind),
            message: error.worded { arguments[$0] ?? "--" + $0.replacingOccurrences(of: "_", with: "-") },
            details: error.details)
    }

    /// The exit status of each kind of the application layer's errors.
    static func status(_ kind: CounterError.Kind) -> Status {
        switch kind {
        case .refused: .refused
        case .badInput, .notFound, .conflict, .tooLarge: .badInput
        case .badData: .badData
        case .unreadable: .noInput
        case .notPermitted: .notPermitted
        case .busy: .busy
        case .unavailable: .unavailable
        case .internal: .internalError
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
    } catch {
        throw reported(error, limit: limit, arguments: arguments)
    }
}

/// ``reportingErrors(limit:arguments:_:)`` for an asynchronous body (`cfit serve`).
func reportingErrors(limit: Int? = 50, arguments: [String: String] = [:], _ body: () async throws -> Void)
    async throws
{
    defer { Warnings.flush() }
    do {
        try await body()
    } catch {
        throw reported(error, limit: limit, arguments: arguments)
    }
}

/// Prints `error`'s lines on stderr and returns the exit it ends the command with (an `ExitCode`
/// passes through unprinted).
private func reported(_ error: any Error, limit: Int?, arguments: [String: String]) -> any Error {
    if let exit = error as? ExitCode { return exit }
    let error = CLIError(error, arguments: arguments)
    var text = "error: \(displayLine(error.message))\n"
    let shown = limit.map { max(0, $0 - 1) } ?? error.details.count
    for line in error.details.prefix(shown) { text += "  \(line)\n" }
    if error.details.count > shown {
        text +=
            "  … and \(error.details.count - shown) more (\(error.details.count + 1) problems in all; --json or --all-errors lists every one)\n"
    }
    FileHandle.standardError.write(Data(text.utf8))
    return ExitCode(error.status.rawValue)
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

import ArgumentParser
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

/// Runs a command body, turning a ``CLIError`` into its lines on stderr and its exit status.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        do {
            try body()
        } catch let error as InventoryError {
            throw CLIError(
                status: error.kind == .refused ? .refused : .badInput, message: error.message, details: error.details)
        } catch let error as PostgresError {
            let status: CLIError.Status =
                switch error.kind {
                case .connection, .connectionLost: .unavailable
                case .schema: .badData
                case .server, .decoding, .usage: .internalError
                }
            throw CLIError(
                status: status, message: "database: \(error.description)", details: error.detail.map { [$0] } ?? [])
        }
    } catch let error as CLIError {
        var text = "error: \(error.message)\n"
        for line in error.details { text += "  \(line)\n" }
        FileHandle.standardError.write(Data(text.utf8))
        throw ExitCode(error.status.rawValue)
    }
}

/// Writes `text` to standard error without a trailing newline.
func writeError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}

/// Quotes a value as the user typed it, for "found …".
func quoted(_ text: String) -> String { "'\(text)'" }

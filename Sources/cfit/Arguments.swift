import ArgumentParser
import Postgres
import Synchronization

/// Values typed on the command line, read once by ArgumentParser as typed values, so that no
/// command parses numbers or days by hand. Each reader names its field, so a value that is not
/// one reads `error: QTY: expected a whole number, found 'three'` like every other refusal; the
/// range a value must lie in is the operation's rule, checked where the rule lives.
///
/// ```swift
/// @Argument(help: "Units counted.", transform: Typed.wholeNumber("QTY")) var quantity: Int
/// @Option(transform: Typed.day("--expires")) var expires: CalendarDay?
/// ```
enum Typed {
    /// Reads a whole number (units, days, a record's number).
    static func wholeNumber(_ field: String) -> @Sendable (String) throws -> Int {
        { text in
            guard let value = Int(text) else {
                throw refusing(CLIError.badInput(field, expected: "a whole number", found: quoted(text)))
            }
            return value
        }
    }

    /// Reads a record's number (a reservation, a dispense, a fitting).
    static func recordNumber(_ field: String) -> @Sendable (String) throws -> Int64 {
        { text in
            guard let value = Int64(text) else {
                throw refusing(CLIError.badInput(field, expected: "a whole number", found: quoted(text)))
            }
            return value
        }
    }

    /// Reads a calendar day, `YYYY-MM-DD`, from 1900 to 2199.
    static func day(_ field: String) -> @Sendable (String) throws -> CalendarDay {
        { text in
            do {
                return try CalendarDay(parsing: text)
            } catch {
                throw refusing(CLIError(status: .badInput, message: "\(field): \(error)"))
            }
        }
    }

    /// Keeps `error` for ``CFit/main()`` (ArgumentParser words a value it could not read in its own
    /// way, without our field name) and returns it to be thrown.
    private static func refusing(_ error: CLIError) -> CLIError {
        refused.withLock { $0 = error }
        return error
    }

    /// The last value a reader refused while the command line was parsed.
    static var lastRefusal: CLIError? { refused.withLock { $0 } }

    private static let refused = Mutex<CLIError?>(nil)
}

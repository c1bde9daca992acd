import ArgumentParser
import Counter
import Synchronization

/// The command line's own settings typed as numbers (`--idle-minutes`), read by ArgumentParser with
/// the field named like every other refusal: `error: --idle-minutes: expected a whole number,
/// found 'ten'`. What an operation is given (units, days, record numbers) is passed on as typed
/// and read by the application layer, the same for every face.
///
/// ```swift
/// @Option(transform: Typed.wholeNumber("--idle-minutes")) var idleMinutes = 30
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

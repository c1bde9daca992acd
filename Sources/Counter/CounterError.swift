/// Why the counter's work did not happen, with the input it is about kept apart from the words,
/// so that each face says it in its own terms: the command line as a flag (`--cB`), a web form
/// as a field.
///
/// ```swift
/// do { _ = try session.run(legs: legs) } catch let error as CounterError {
///     print(error.field, error.expected ?? "", error.found ?? "")
/// }
/// ```
public struct CounterError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The broad reason, which a face turns into its status (exit code, HTTP status).
    public enum Kind: Sendable, Hashable {
        /// A clinical rule refused (an ABPI below 0.5).
        case refused
        /// An input is missing or malformed.
        case badInput
    }

    /// The broad reason.
    public let kind: Kind
    /// The input it is about, by its own name (`abpi`, `cB`, `left cB`).
    public let field: String
    /// What was expected, when the input is wrong.
    public let expected: String?
    /// What was found.
    public let found: String?
    /// A sentence for a refusal (`expected`/`found` are then `nil`).
    public let reason: String?

    /// Bad input at `field`: `expected`, but `found`.
    public static func badInput(_ field: String, expected: String, found: String) -> CounterError {
        CounterError(kind: .badInput, field: field, expected: expected, found: found, reason: nil)
    }

    /// A rule refusing, about `field`, for `reason`.
    public static func refused(_ field: String, _ reason: String) -> CounterError {
        CounterError(kind: .refused, field: field, expected: nil, found: nil, reason: reason)
    }

    /// `field: expected …, found …` or `field: reason`.
    public var description: String {
        if let reason { return "\(field): \(reason)" }
        return "\(field): expected \(expected ?? "?"), found \(found ?? "?")"
    }
}

import Inventory

/// Why the counter's work did not happen — the one taxonomy every face maps: the command line to
/// its exit statuses, the web to HTTP statuses and problem details. The input it is about is kept
/// apart from the words, so that each face names it in its own terms: the command line as a flag
/// (`--cB`), a web form as a field.
///
/// ```swift
/// do { _ = try session.run(legs: legs) } catch let error as CounterError {
///     print(error.kind, error.worded { "--" + $0 })   // badInput --left cD: expected a measurement …
/// }
/// let error = CounterError(classifying: somePostgresError)   // any error, classified once
/// ```
public struct CounterError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The broad reason, which a face turns into its status (exit code, HTTP status). The raw value
    /// is the word the API's problem documents carry as `reason`.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// An input a person or a client typed is missing or malformed.
        case badInput = "bad-input"
        /// A file's content breaks its format (a catalog, an articles or seed file).
        case badData = "bad-data"
        /// A file could not be read.
        case unreadable
        /// The input names a record that does not exist (an unknown SKU, location, prescription).
        case notFound = "not-found"
        /// A rule refused (out of stock, prescription not active, an ABPI below 0.5).
        case refused
        /// The request conflicts with one made before (an idempotency key used for another request).
        case conflict
        /// The person signed in has no role that may do this (SQLSTATE 42501).
        case notPermitted = "not-permitted"
        /// Another session holds what this one needs (a lock wait timed out): the same request may
        /// succeed in ``CounterError/retryAfter`` seconds.
        case busy
        /// The database cannot serve now: no connection, a read-only server, too many
        /// connections, shutting down, out of resources.
        case unavailable
        /// The request or a value in it is larger than the layer accepts.
        case tooLarge = "too-large"
        /// Something that should not happen (an unexpected database error): a fault to report.
        case `internal`
    }

    /// The broad reason.
    public let kind: Kind
    /// The input it is about, by its own name (`abpi`, `cB`, `left cB`, `location`), or `nil` for
    /// an error about no one input (the database unavailable, a row held).
    public let field: String?
    /// What was expected, when the input is wrong.
    public let expected: String?
    /// What was found.
    public let found: String?
    /// A sentence for a refusal (`expected`/`found` are then `nil`).
    public let reason: String?
    /// Further lines (e.g. every issue of an import file, the server's detail).
    public let details: [String]
    /// For ``Kind/busy`` and ``Kind/unavailable``: how many seconds to wait before trying again.
    public let retryAfter: Int?
    /// The words after the field, with other inputs it mentions written `{name}` (and a literal
    /// `{` doubled), so that ``worded(naming:)`` can put each face's names in.
    let text: String

    /// An error of `kind` about `field`, worded by `text` in the `{name}` convention.
    init(
        kind: Kind, field: String?, text: String, expected: String? = nil, found: String? = nil,
        reason: String? = nil, details: [String] = [], retryAfter: Int? = nil
    ) {
        self.kind = kind
        self.field = field
        self.text = text
        self.expected = expected
        self.found = found
        self.reason = reason
        self.details = details
        self.retryAfter = retryAfter
    }

    /// Bad input at `field`: `expected`, but `found`.
    ///
    /// ```swift
    /// CounterError.badInput("unit", expected: "cm or in", found: "'mm'").message
    /// // "unit: expected cm or in, found 'mm'"
    /// ```
    public static func badInput(_ field: String, expected: String, found: String) -> CounterError {
        CounterError(
            kind: .badInput, field: field, text: "expected \(literal(expected)), found \(literal(found))",
            expected: expected, found: found)
    }

    /// Bad input at `field`: `expected`, but the text `typed` (quoted, or "nothing" when empty).
    ///
    /// ```swift
    /// CounterError.badInput("quantity", expected: "a whole number", typed: "three").message
    /// // "quantity: expected a whole number, found 'three'"
    /// ```
    public static func badInput(_ field: String, expected: String, typed: String) -> CounterError {
        badInput(field, expected: expected, found: typed.isEmpty ? "nothing" : "'\(typed)'")
    }

    /// A rule refusing, about `field`, for `reason`.
    public static func refused(_ field: String, _ reason: String) -> CounterError {
        CounterError(kind: .refused, field: field, text: literal(reason), reason: reason)
    }

    /// An error of `kind` about no one input, in plain words (`busy: another counter holds …`).
    public static func plain(_ kind: Kind, _ message: String, details: [String] = [], retryAfter: Int? = nil)
        -> CounterError
    {
        CounterError(kind: kind, field: nil, text: literal(message), details: details, retryAfter: retryAfter)
    }

    /// The message with the field and every mentioned input named by `naming`: the command line
    /// passes `{ "--" + $0 }`, a web form its own field names.
    public func worded(naming: (String) -> String) -> String {
        InventoryError.wording(field: field, text: text, naming: naming)
    }

    /// The message with inputs by their own names: `location: expected one of shop, found 'x'`.
    public var message: String { worded { $0 } }

    /// The message.
    public var description: String { message }

    /// `text` with every `{` doubled, so that nothing a person typed is read as a mention.
    static func literal(_ text: String) -> String {
        text.contains("{") ? text.replacingOccurrences(of: "{", with: "{{") : text
    }
}

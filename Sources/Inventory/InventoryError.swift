/// Why an inventory operation did not happen, in words for the person at the counter.
///
/// ``Kind/refused`` is a rule saying no (out of stock, prescription not active, quantity
/// exceeded); ``Kind/badInput`` is input that names nothing real or breaks the format. Neither
/// changed anything.
public struct InventoryError: Error, Sendable, CustomStringConvertible {
    /// The broad reason, which the CLI turns into its exit status.
    public enum Kind: Sendable, Hashable {
        /// A business rule refused the operation.
        case refused
        /// The input named something unknown or was malformed.
        case badInput
    }

    /// The broad reason.
    public let kind: Kind
    /// One line: the field, what was expected and what was found, or the rule that refused.
    public let message: String
    /// Further lines (e.g. every issue of an import file).
    public let details: [String]

    /// An error of `kind` with `message`.
    public init(_ kind: Kind, _ message: String, details: [String] = []) {
        self.kind = kind
        self.message = message
        self.details = details
    }

    /// The message.
    public var description: String { message }

    static func refused(_ message: String) -> InventoryError { InventoryError(.refused, message) }

    static func unknown(_ field: String, _ what: String, _ value: String) -> InventoryError {
        InventoryError(.badInput, "\(field): expected \(what), found '\(value)'")
    }
}

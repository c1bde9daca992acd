/// Why an inventory operation did not happen, in words for the person at the counter.
///
/// ``Kind/refused`` is a rule saying no (out of stock, prescription not active, quantity
/// exceeded); ``Kind/badInput`` is input that names nothing real or breaks the format;
/// ``Kind/badData`` is a file whose content is wrong; ``Kind/unreadable`` a file that cannot be
/// read. None of them changed anything.
public struct InventoryError: Error, Sendable, CustomStringConvertible {
    /// The broad reason, which the CLI turns into its exit status.
    public enum Kind: Sendable, Hashable {
        /// A business rule refused the operation.
        case refused
        /// The input named something unknown or was malformed.
        case badInput
        /// A file's content broke its format (a seed row, a catalog).
        case badData
        /// A file could not be read.
        case unreadable
        /// The person logged in has no role that may do this (SQLSTATE 42501).
        case notPermitted
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

    /// `field` should hold a whole number of units from 1 to 2 147 483 647 (what the database's
    /// `integer` holds); throws naming the field otherwise.
    static func checkUnits(_ value: Int, _ field: String, allowZero: Bool = false) throws {
        guard value >= (allowZero ? 0 : 1), value <= Int(Int32.max) else {
            throw InventoryError(
                .badInput,
                "\(field): expected \(allowZero ? "0" : "1") to \(Int32.max) units, found \(value)")
        }
    }

    static func unknown(_ field: String, _ what: String, _ value: String) -> InventoryError {
        InventoryError(.badInput, "\(field): expected \(what), found '\(value)'")
    }
}

/// Why an inventory operation did not happen, in words for the person at the counter.
///
/// ``Kind/refused`` is a rule saying no (out of stock, prescription not active, quantity
/// exceeded); ``Kind/badInput`` is input that names nothing real or breaks the format;
/// ``Kind/badData`` is a file whose content is wrong; ``Kind/unreadable`` a file that cannot be
/// read. None of them changed anything. The input an error is about travels apart from its words
/// (from the database, as the error's column), so each face names it its own way.
///
/// ```swift
/// let error = InventoryError(.badInput, field: "expires", text: "expected --lot with it, found no --lot")
/// error.worded { "--" + $0 }    // "--expires: expected --lot with it, found no --lot"
/// error.message                 // "expires: expected lot with it, found no lot"
/// ```
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
        /// The request conflicts with an earlier one (an idempotency key used for another request).
        case conflict
        /// The input names a record that does not exist (an unknown SKU, location, prescription).
        case notFound
    }

    /// The broad reason.
    public let kind: Kind
    /// The input it is about, by its own name (`location`, `quantity`, `idempotency-key`), or
    /// `nil` for a rule about no one input. A face names it its own way: the CLI as a flag, a
    /// form as a field.
    public let field: String?
    /// What was expected and found, or the rule that refused, without the field. Other inputs
    /// it mentions are written `{name}`; ``worded(naming:)`` puts each face's names in.
    public let text: String
    /// Further lines (e.g. every issue of an import file).
    public let details: [String]

    /// An error of `kind` about `field` (an input's own name, or `nil`), worded by `text` — which
    /// may mention other inputs as `--name`. The database's operations raise theirs this way: the
    /// field travels as the error's column, apart from the words.
    public init(_ kind: Kind, field: String?, text: String, details: [String] = []) {
        self.kind = kind
        self.details = details
        self.field = field.flatMap { $0.isEmpty ? nil : $0 }
        self.text = Self.markingInputs(Substring(text))
    }

    /// The message with the field and every mentioned input named by `naming`: the CLI passes
    /// `{ "--" + $0 }`, a web form its labels.
    public func worded(naming: (String) -> String) -> String {
        Self.wording(field: field, text: text, naming: naming)
    }

    /// `field: text` with the field and each `{name}` mention of `text` named by `naming` and each
    /// doubled `{{` read as one brace: how every error that keeps inputs apart from its words (this
    /// one and the application layer's) is worded for a face.
    public static func wording(field: String?, text: String, naming: (String) -> String) -> String {
        var out = field.map { naming($0) + ": " } ?? ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            let after = rest.index(after: open)
            if rest[after...].hasPrefix("{") {
                out += "{"
                rest = rest[rest.index(after: after)...]
            } else if let close = rest[after...].firstIndex(of: "}") {
                out += naming(String(rest[after..<close]))
                rest = rest[rest.index(after: close)...]
            } else {
                break
            }
        }
        return out + rest
    }

    /// The message with inputs by their own names: `location: expected one of shop, found 'x'`.
    public var message: String { worded { $0 } }

    /// The message.
    public var description: String { message }

    /// `text` with each `--name` mention (at the start of a word) written `{name}` and each
    /// literal `{` doubled, so that no text a person typed is ever read as a mention.
    private static func markingInputs(_ text: Substring) -> String {
        var out = ""
        var rest = text
        var previous: Character = " "
        while let character = rest.first {
            if character == "{" {
                out += "{{"
                rest = rest.dropFirst()
            } else if character == "-", previous == " " || previous == "(", rest.hasPrefix("--"),
                case let name = rest.dropFirst(2).prefix(while: { $0.isLetter || $0.isNumber || $0 == "-" }),
                isInputName(name)
            {
                out += "{\(name)}"
                rest = rest[name.endIndex...]
            } else {
                out.append(character)
                rest = rest.dropFirst()
            }
            previous = character
        }
        return out
    }

    /// Whether `name` reads as an input's name: a lower-case letter, then letters, digits and dashes.
    private static func isInputName(_ name: Substring) -> Bool {
        guard let first = name.first, first.isLowercase, first.isASCII else { return false }
        return name.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" } && name.last != "-"
    }

    /// A rule refusing, about `field` when it is about one input.
    static func refused(field: String? = nil, _ text: String) -> InventoryError {
        InventoryError(.refused, field: field, text: text)
    }

    /// `field` should hold a whole number of units from 1 to 2 147 483 647 (what the database's
    /// `integer` holds); throws naming the field otherwise.
    static func checkUnits(_ value: Int, _ field: String, allowZero: Bool = false) throws {
        guard value >= (allowZero ? 0 : 1), value <= Int(Int32.max) else {
            throw InventoryError(
                .badInput, field: field, text: "expected \(allowZero ? "0" : "1") to \(Int32.max) units, found \(value)"
            )
        }
    }

    static func unknown(_ field: String, _ what: String, _ value: String) -> InventoryError {
        InventoryError(.notFound, field: field, text: "expected \(what), found '\(value)'")
    }
}

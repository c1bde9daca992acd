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

    /// An error of `kind` from a message in the operations' convention: a leading `--name: `
    /// (or `NAME: ` for an input the command line takes positionally) is the field, and `--name`
    /// anywhere else mentions another input. The database's operations and this module write
    /// their messages this way, once; every face reads the field apart from the words.
    ///
    /// ```swift
    /// let error = InventoryError(.badInput, "--lot: expected a lot received before, found 'X'")
    /// error.field                        // "lot"
    /// error.worded { "--" + $0 }         // "--lot: expected a lot received before, found 'X'"
    /// error.message                      // "lot: expected a lot received before, found 'X'"
    /// ```
    public init(_ kind: Kind, _ message: String, details: [String] = []) {
        self.kind = kind
        self.details = details
        var rest = Substring(message)
        var field: String?
        if let colon = rest.firstIndex(of: ":"), rest[colon...].hasPrefix(": "),
            let name = Self.fieldName(rest[..<colon])
        {
            field = name
            rest = rest[rest.index(colon, offsetBy: 2)...]
        }
        self.field = field
        self.text = Self.markingInputs(rest)
    }

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

    /// The field a message's leading `--name` or `NAME` stands for (`QTY` is `quantity`, `REF`
    /// `reference`), or `nil` when the message starts with something else.
    private static func fieldName(_ prefix: Substring) -> String? {
        if prefix.hasPrefix("--"), case let name = prefix.dropFirst(2), isInputName(name) { return String(name) }
        guard prefix.count >= 2, prefix.allSatisfy({ $0.isASCII && $0.isUppercase }) else { return nil }
        switch prefix {
        case "QTY": return "quantity"
        case "REF": return "reference"
        default: return prefix.lowercased()
        }
    }

    /// Whether `name` reads as an input's name: a lower-case letter, then letters, digits and dashes.
    private static func isInputName(_ name: Substring) -> Bool {
        guard let first = name.first, first.isLowercase, first.isASCII else { return false }
        return name.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" } && name.last != "-"
    }

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
        InventoryError(.notFound, "\(field): expected \(what), found '\(value)'")
    }
}

/// What a field of a request is, as the layer reads it: the kinds and bounds its readers enforce,
/// stated once so that a face can describe them (the API's OpenAPI document) exactly as they are
/// checked.
///
/// ```swift
/// RequestField("quantity", required: true, "units", .quantity)   // a whole number 1 … 2 147 483 647
/// ```
public enum FieldKind: Sendable, Hashable {
    /// Text with something besides blanks, and no control character (``Input/text(_:field:)``).
    case text
    /// An article's code as typed or scanned: ``text`` that may also hold GS (U+001D), the
    /// separator inside a GS1 code (``Input/scannedText(_:field:)``).
    case scan
    /// An ICD-10 code (``Input/diagnosis(_:field:)``).
    case diagnosis
    /// A code a shop gives a record: 1 to 100 characters, no blanks around it (``Input/code(_:field:)``).
    case code
    /// A whole number between the bounds.
    case integer(minimum: Int64, maximum: Int64)
    /// A calendar day, `YYYY-MM-DD`, 1900 to 2199.
    case day
    /// One of a closed set of words.
    case oneOf([String])
    /// `true` or `false`.
    case boolean
    /// A JSON object (its members described in the field's words).
    case object
    /// A file's bytes.
    case binary

    /// Units of stock or garments: 1 to the largest `integer` the database holds.
    public static let quantity = FieldKind.integer(minimum: 1, maximum: Int64(Int32.max))
    /// A count: 0 to the largest `integer` the database holds.
    public static let count = FieldKind.integer(minimum: 0, maximum: Int64(Int32.max))
}

/// One field of a request: its name as sent, whether it must be given, what it means, its kind.
public struct RequestField: Sendable, Hashable {
    /// The name, as a JSON body or a form sends it.
    public let name: String
    /// Whether the request needs it.
    public let required: Bool
    /// What it means, for a person reading the document.
    public let description: String
    /// What the layer accepts.
    public let kind: FieldKind

    /// A field `name` of `kind`.
    public init(_ name: String, required: Bool, _ description: String, _ kind: FieldKind) {
        self.name = name
        self.required = required
        self.description = description
        self.kind = kind
    }
}

/// A request that says what its fields are: the same names its `Decodable` conformance reads.
public protocol DescribedRequest: Decodable, Sendable {
    /// Every field, in the order a person fills them in.
    static var fields: [RequestField] { get }
}

extension Input {
    /// What counts as a blank around or instead of text: ECMAScript's white space and line
    /// terminators (the set a JSON Schema pattern's `\s` means), so that the document's patterns
    /// and the layer's readers agree to the character.
    public static let blanks: Set<Unicode.Scalar> = Set(
        [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF]
            .compactMap(Unicode.Scalar.init) + (0x2000...0x200A).compactMap(Unicode.Scalar.init))

    /// ``blanks`` as the inside of a regular expression's character class.
    public static let blankClass =
        "\\t\\n\\u000b\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"

    /// What ``plain(_:field:)`` refuses in any text, as the inside of a character class: control
    /// characters and bidirectional embeddings, overrides and isolates.
    public static let forbiddenClass = "\\u0000-\\u001f\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069"

    /// Text ``text(_:field:)`` takes, as a pattern: something besides blanks, nothing
    /// ``plain(_:field:)`` refuses.
    public static let textPattern = "^[^\(forbiddenClass)]*[^\(forbiddenClass)\(blankClass)][^\(forbiddenClass)]*$"

    /// An article's code ``scannedText(_:field:)`` takes, as a pattern: ``textPattern`` that also
    /// admits GS (U+001D).
    public static let scanPattern =
        "^([^\(forbiddenClass)]|\\u001d)*[^\(forbiddenClass)\(blankClass)]([^\(forbiddenClass)]|\\u001d)*$"

    /// A code ``code(_:field:)`` takes, as a pattern (its length, 1 to 100, is said apart): nothing
    /// ``plain(_:field:)`` refuses, no blank first or last.
    public static let codePattern =
        "^[^\(forbiddenClass)\(blankClass)]([^\(forbiddenClass)]*[^\(forbiddenClass)\(blankClass)])?$"

    /// An ICD-10 code ``diagnosis(_:field:)`` takes, as a pattern: blanks around it allowed.
    public static let diagnosisPattern =
        "^[\(blankClass)]*[A-Za-z][0-9][0-9A-Za-z](\\.?[0-9A-Za-z]{1,4})?[\(blankClass)]*$"

    /// A day ``day(_:field:)`` takes, as a pattern: `YYYY-MM-DD` from 1900 to 2199.
    public static let dayPattern = "^(19|20|21)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"

    /// Whether `text` holds something besides ``blanks``.
    static func hasContent(_ text: String) -> Bool {
        text.unicodeScalars.contains { !blanks.contains($0) }
    }
}

import Foundation

/// What a value of the API is, for the OpenAPI document: a request body's field, a parameter, a
/// response. Written next to each operation in the table that also registers its route, so the
/// document states the same bounds the layer enforces — a quantity from 1, a day as `YYYY-MM-DD`,
/// a status from its closed set — and a client generated from it sends what the server takes.
///
/// ```swift
/// ("quantity", true, "units", .quantity)          // integer 1 … 2 147 483 647
/// ("status", true, "the lot's status", .oneOf(["approved", "on-hold", "recalled"]))
/// ```
enum FieldSchema: Sendable, ExpressibleByStringLiteral {
    /// Text; required text must not be empty.
    case text
    /// A whole number between the bounds.
    case integer(minimum: Int64, maximum: Int64)
    /// A calendar day, `YYYY-MM-DD`.
    case day
    /// One of a closed set of words.
    case oneOf([String])
    /// `true` or `false`.
    case boolean
    /// A JSON object (its members described in the field's words).
    case object
    /// A file's bytes, in a multipart body.
    case binary

    /// Units of stock or garments: 1 to the largest `integer` the database holds.
    static let quantity = FieldSchema.integer(minimum: 1, maximum: Int64(Int32.max))
    /// A count: 0 to the largest `integer` the database holds.
    static let count = FieldSchema.integer(minimum: 0, maximum: Int64(Int32.max))
    /// A record's number.
    static let recordNumber = FieldSchema.integer(minimum: 1, maximum: Int64.max)

    /// `"string"`, `"integer"`, `"boolean"`, `"object"` or `"binary"`, as the table first wrote types.
    init(stringLiteral value: String) {
        switch value {
        case "integer": self = .integer(minimum: Int64(Int32.min), maximum: Int64(Int32.max))
        case "boolean": self = .boolean
        case "object": self = .object
        case "binary": self = .binary
        default: self = .text
        }
    }

    /// Text the layer takes: something besides blanks, and no NUL (PostgreSQL cannot store it).
    static let textPattern = "^[^\u{0}]*[^\u{0}\\s][^\u{0}]*$"
    /// A day from 1900 to 2199 (what the layer accepts), `YYYY-MM-DD`.
    static let dayPattern = "^(19|20|21)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"

    /// The JSON Schema of the value. Text given at all is at least one character long (an empty
    /// value is nothing, which an optional field says by being left out).
    func json() -> [String: Any] {
        switch self {
        case .text: ["type": "string", "minLength": 1, "pattern": Self.textPattern]
        case .integer(let minimum, let maximum): ["type": "integer", "minimum": minimum, "maximum": maximum]
        case .day: ["type": "string", "format": "date", "pattern": Self.dayPattern]
        case .oneOf(let words): ["type": "string", "enum": words]
        case .boolean: ["type": "boolean"]
        case .object: ["type": "object"]
        case .binary: ["type": "string", "contentMediaType": "application/octet-stream"]
        }
    }
}

extension FieldSchema {
    /// `schema` that also admits `null`.
    static func nullable(_ schema: [String: Any]) -> [String: Any] {
        var out = schema
        if let type = schema["type"] as? String { out["type"] = [type, "null"] }
        if let words = schema["enum"] as? [String] { out["enum"] = words.map { $0 as Any } + [NSNull()] }
        return out
    }
}

/// What an operation answers with on success: one record or a list of them.
enum ResponseShape: Sendable {
    /// One JSON object.
    case object
    /// A JSON array of objects.
    case array
}

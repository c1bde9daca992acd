import Counter
import Foundation

/// The JSON Schema of what the layer accepts (``FieldKind``), for the OpenAPI document: the same
/// bounds the readers enforce — a quantity from 1, a day as `YYYY-MM-DD`, a code's length and
/// blanks, a status from its closed set — so a client generated from it sends what the server takes.
///
/// ```swift
/// FieldKind.quantity.json()   // ["type": "integer", "minimum": 1, "maximum": 2147483647]
/// ```
extension FieldKind {
    /// The JSON Schema of the value. Text given at all is at least one character long (an empty
    /// value is nothing, which an optional field says by being left out).
    func json() -> [String: Any] {
        switch self {
        case .text: ["type": "string", "minLength": 1, "pattern": Input.textPattern]
        case .scan: ["type": "string", "minLength": 1, "pattern": Input.scanPattern]
        case .diagnosis: ["type": "string", "pattern": Input.diagnosisPattern]
        case .code: ["type": "string", "minLength": 1, "maxLength": 100, "pattern": Input.codePattern]
        case .integer(let minimum, let maximum): ["type": "integer", "minimum": minimum, "maximum": maximum]
        case .day: ["type": "string", "format": "date", "pattern": Input.dayPattern]
        case .oneOf(let words): ["type": "string", "enum": words]
        case .boolean: ["type": "boolean"]
        case .object: ["type": "object"]
        case .binary: ["type": "string", "contentMediaType": "application/octet-stream"]
        }
    }

    /// `schema` that also admits `null`.
    static func nullable(_ schema: [String: Any]) -> [String: Any] {
        var out = schema
        if let type = schema["type"] as? String { out["type"] = [type, "null"] }
        if let words = schema["enum"] as? [String] { out["enum"] = words.map { $0 as Any } + [NSNull()] }
        return out
    }
}

extension ValueShape {
    /// The JSON Schema of a value of this shape (a record's optional members may be left out).
    func json() -> [String: Any] {
        switch self {
        case .string(let format): format.map { ["type": "string", "format": $0] } ?? ["type": "string"]
        case .integer: ["type": "integer"]
        case .number: ["type": "number"]
        case .boolean: ["type": "boolean"]
        case .words(let words): ["type": "string", "enum": words]
        case .array(let element): ["type": "array", "items": element.json()]
        case .object(let members):
            [
                "type": "object",
                "properties": Dictionary(uniqueKeysWithValues: members.map { ($0.name, $0.shape.json()) }),
                "required": members.filter(\.required).map(\.name).sorted(),
            ]
        case .map(let value): ["type": "object", "additionalProperties": value.json()]
        case .nullable(let shape): FieldKind.nullable(shape.json())
        case .any: [:]
        }
    }
}

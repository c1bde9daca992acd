import ArgumentParser
import Foundation

/// JSON for the inventory commands: records encoded with sorted keys and ISO 8601 dates, wrapped
/// in the object the command documents (`{"reservation": …}`, `{"rx": …}`).
enum RecordJSON {
    static func render(_ name: String?, _ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let body = String(decoding: try encoder.encode(value), as: UTF8.self)
        guard let name else { return body }
        let indented = body.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n  ")
        return "{\n  \"\(name)\": \(indented)\n}"
    }
}

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

/// Options every write takes.
struct WriteOptions: ParsableArguments {
    @Option(
        name: .customLong("idempotency-key"),
        help: ArgumentHelp(
            "A key for this write: the same key again returns the first result and posts nothing.", valueName: "K")
    )
    var idempotencyKey: String?

    /// The key given, or a new random one.
    var key: String { idempotencyKey ?? UUID().uuidString.lowercased() }
}

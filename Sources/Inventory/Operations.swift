import Foundation
import Postgres

/// Calls the database's operations: every write is one `SELECT cfit_…(…)` statement — one round
/// trip, its own transaction, nothing kept on the connection — that checks the caller's role,
/// claims the idempotency key for this request, does the work and returns the result as JSON.
///
/// A serialization failure or deadlock is retried with jittered backoff (safe: the key's claim
/// rolls back with the rest). The database's refusals come back as ``InventoryError``s with the
/// message it wrote for the person at the counter.
enum Operations {
    /// Runs `query` (one call of an operation returning `jsonb`) and decodes its result.
    static func call<Result: Decodable>(_ connection: Connection, _ query: PostgresQuery, maxAttempts: Int = 6) throws
        -> Result
    {
        var attempt = 1
        while true {
            do {
                let json = try connection.query(query)[0].decode(String.self, "result")
                return try decoder.decode(Result.self, from: Data(json.utf8))
            } catch let error as PostgresError where error.isTransient && attempt < maxAttempts {
                Thread.sleep(forTimeInterval: Connection.backoff(attempt: attempt))
                attempt += 1
            } catch let error as PostgresError {
                throw InventoryError(error) ?? error
            }
        }
    }

    /// The request as stored with its key and compared on a repeat: the operation and its
    /// arguments as given, as a JSON array.
    static func fingerprint(_ operation: String, _ request: [String?]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let data = (try? encoder.encode([operation] + request)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Results carry instants as ISO 8601 text; those stored by earlier versions as seconds
    /// since 2001 are still read.
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            if let seconds = try? container.decode(Double.self) {
                return Date(timeIntervalSinceReferenceDate: seconds)
            }
            let text = try container.decode(String.self)
            guard let date = ISO8601DateFormatter().date(from: text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "expected an ISO 8601 time, found '\(text)'")
            }
            return date
        }
        return decoder
    }()
}

extension InventoryError {
    /// The inventory error an operation raised: CFR01 a rule refusing, CFB01 bad input, 42501 a
    /// role that may not do it; `nil` for any other database error.
    init?(_ error: PostgresError) {
        switch error.sqlState?.code {
        case "CFR01": self.init(.refused, error.message)
        case "CFB01": self.init(.badInput, error.message)
        case "42501" where error.message.hasPrefix("permission denied:"):
            self.init(.notPermitted, error.message)
        case "42501":
            self.init(.notPermitted, "permission denied: your login's role may not do this (\(error.message))")
        default: return nil
        }
    }
}

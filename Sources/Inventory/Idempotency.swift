import Foundation
import Postgres

/// Runs writes so that the same idempotency key never posts twice: the first result is stored
/// with the key, the operation and the request in the same transaction as the write, and a repeat
/// of the same request returns it without writing. The same key with a different request is refused.
struct Idempotency {
    let connection: Connection

    /// Runs `body` in one transaction (retried on serialization failures and deadlocks) unless
    /// `key` has been used already: for the same `operation` and `request`, the stored result is
    /// returned; for anything else the key is refused. `request` lists the arguments that make
    /// the request what it is, as given.
    func run<Result: Codable>(
        _ operation: String,
        key: String,
        request: [String?],
        isolation: Connection.Isolation = .readCommitted,
        _ body: (Connection) throws -> Result
    ) throws -> Result {
        let fingerprint = Self.fingerprint(operation, request)
        for _ in 0..<3 {
            do {
                return try connection.transaction(isolation: isolation) { tx in
                    if let stored = try Self.stored(key: key, fingerprint: fingerprint, on: tx) as Result? {
                        return stored
                    }
                    let result = try body(tx)
                    let json = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
                    try tx.execute(
                        """
                        INSERT INTO idempotent_result (key, operation, request, result)
                        VALUES (\(key), \(operation), \(fingerprint), \(json)::jsonb)
                        """
                    )
                    return result
                }
            } catch let error as PostgresError
                where error.sqlState == .uniqueViolation
                && (error.constraint == "idempotent_result_pkey"
                    || error.constraint?.hasSuffix("idempotency_key_key") == true)
            {
                // The same key committed concurrently: run again to return its result.
                continue
            }
        }
        throw InventoryError.refused(
            "idempotency key '\(key)': expected one operation to finish with it, found it still contended")
    }

    /// The request as stored and compared: the operation and its arguments, as a JSON array.
    static func fingerprint(_ operation: String, _ request: [String?]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let data = (try? encoder.encode([operation] + request)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    static func stored<Result: Decodable>(key: String, fingerprint: String, on connection: Connection) throws
        -> Result?
    {
        let rows = try connection.query(
            "SELECT operation, request, result::text AS result FROM idempotent_result WHERE key = \(key)")
        guard rows.count > 0 else { return nil }
        let storedRequest = try rows[0].decode(String?.self, "request")
        let storedOperation = try rows[0].decode(String.self, "operation")
        // Results stored before requests were recorded carry only their operation.
        let same = storedRequest.map { $0 == fingerprint } ?? fingerprint.hasPrefix("[\"\(storedOperation)\"")
        guard same else {
            throw InventoryError(
                .badInput,
                "--idempotency-key: key '\(key)' was used for a different request: \(storedRequest ?? "[\"\(storedOperation)\", …]"); this one is \(fingerprint)"
            )
        }
        return try JSONDecoder().decode(Result.self, from: Data(try rows[0].decode(String.self, "result").utf8))
    }
}

import Foundation
import Postgres

/// Runs writes so that the same idempotency key never posts twice: the first result is stored
/// with the key in the same transaction as the write, and a repeat returns it without writing.
struct Idempotency {
    let connection: Connection

    /// Runs `body` in one transaction (retried on serialization failures and deadlocks) unless
    /// `key` has been used already, in which case the stored result is returned. A key used for
    /// another kind of operation is refused.
    func run<Result: Codable>(
        _ operation: String,
        key: String,
        isolation: Connection.Isolation = .readCommitted,
        _ body: (Connection) throws -> Result
    ) throws -> Result {
        for _ in 0..<3 {
            do {
                return try connection.transaction(isolation: isolation) { tx in
                    if let stored = try Self.stored(operation, key: key, on: tx) as Result? { return stored }
                    let result = try body(tx)
                    let json = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
                    try tx.execute(
                        "INSERT INTO idempotent_result (key, operation, result) VALUES (\(key), \(operation), \(json)::jsonb)"
                    )
                    return result
                }
            } catch let error as PostgresError
                where error.sqlState == .uniqueViolation && error.constraint == "idempotent_result_pkey"
            {
                // The same key committed concurrently: run again to return its result.
                continue
            }
        }
        throw InventoryError.refused(
            "idempotency key '\(key)': expected one operation to finish with it, found it still contended")
    }

    static func stored<Result: Decodable>(_ operation: String, key: String, on connection: Connection) throws -> Result?
    {
        let rows = try connection.query(
            "SELECT operation, result::text AS result FROM idempotent_result WHERE key = \(key)")
        guard rows.count > 0 else { return nil }
        let storedOperation = try rows[0].decode(String.self, "operation")
        guard storedOperation == operation else {
            throw InventoryError(
                .badInput,
                "--idempotency-key: expected a key not used before, found '\(key)' already used for \(storedOperation)"
            )
        }
        return try JSONDecoder().decode(Result.self, from: Data(try rows[0].decode(String.self, "result").utf8))
    }
}

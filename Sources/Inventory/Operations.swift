import Foundation
public import Postgres

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
            } catch let error as PostgresError where error.isTransient && connection.isInTransaction {
                // Inside a transaction the statement cannot be tried again alone: the whole
                // transaction is (``Connection/transaction(isolation:maxAttempts:_:)``).
                throw error
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
            guard let date = Instant.parse(text) ?? ISO8601DateFormatter().date(from: text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "expected an ISO 8601 time, found '\(text)'")
            }
            return date
        }
        return decoder
    }()
}

extension InventoryError {
    /// The inventory error an operation raised: CFR01 a rule refusing, CFB01 bad input, CFN01 a
    /// reference to nothing, CFC01 a request that conflicts with an earlier one — each with the
    /// input it is about as the error's column — or 42501, a role that may not do it; `nil` for any
    /// other database error.
    public init?(_ error: PostgresError) {
        switch error.sqlState?.code {
        case "CFR01": self.init(.refused, field: error.column, text: error.message)
        case "CFB01": self.init(.badInput, field: error.column, text: error.message)
        case "CFC01": self.init(.conflict, field: error.column, text: error.message)
        case "CFN01": self.init(.notFound, field: error.column, text: error.message)
        case "42501" where error.message.hasPrefix("permission denied:"):
            self.init(.notPermitted, field: nil, text: error.message)
        case "42501":
            self.init(
                .notPermitted, field: nil,
                text: "permission denied: your login's role may not do this (\(error.message))")
        default: return nil
        }
    }
}

/// Instants as the database's `cfit_time` writes them, `2026-11-27T03:10:14Z` (or with an offset,
/// `+01:00`), read by arithmetic: every operation's result carries some, and Foundation's
/// ISO8601DateFormatter built a formatter through ICU for each one (most of a dispense's client time).
enum Instant {
    /// The instant `text` names, or `nil` when it is not `YYYY-MM-DDTHH:MM:SS` followed by `Z` or
    /// an offset `±HH:MM`.
    static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 20 || bytes.count == 25 else { return nil }
        func number(_ start: Int, _ count: Int) -> Int? {
            var value = 0
            for index in start..<start + count {
                let digit = Int(bytes[index]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
            let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        var offset = 0
        if bytes.count == 20 {
            guard bytes[19] == UInt8(ascii: "Z") else { return nil }
        } else {
            guard bytes[19] == UInt8(ascii: "+") || bytes[19] == UInt8(ascii: "-"), bytes[22] == UInt8(ascii: ":"),
                let hours = number(20, 2), let minutes = number(23, 2), hours < 24, minutes < 60
            else { return nil }
            offset = (hours * 3_600 + minutes * 60) * (bytes[19] == UInt8(ascii: "-") ? -1 : 1)
        }
        // Days since 1970-01-01 of the proleptic Gregorian date (civil-from-days, inverted).
        let shifted = month <= 2 ? year - 1 : year
        let era = (shifted >= 0 ? shifted : shifted - 399) / 400
        let yearOfEra = shifted - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        // The day must exist in its month (31 February is not a date).
        let daysInMonth = [
            31, year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
        ]
        guard day <= daysInMonth[month - 1] else { return nil }
        return Date(timeIntervalSince1970: Double(days * 86_400 + hour * 3_600 + minute * 60 + second - offset))
    }
}

public import Foundation

/// A Swift value that can be sent as a query parameter.
///
/// Parameters always travel separately from the SQL text (never spliced into it), in PostgreSQL's
/// binary format with their type.
///
/// ```swift
/// try connection.execute("UPDATE stock SET on_hand = on_hand + \(quantity) WHERE sku = \(sku)")
/// ```
public protocol PostgresEncodable: Sendable {
    /// The value as a bound parameter.
    var postgresBind: PostgresBind { get }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    /// The wrapped value's parameter, or NULL typed like it.
    public var postgresBind: PostgresBind {
        switch self {
        case .some(let value): value.postgresBind
        case .none: PostgresBind(type: 0, bytes: nil)
        }
    }
}

extension FixedWidthInteger {
    /// The integer's bytes, most significant first.
    var bigEndianBytes: [UInt8] {
        withUnsafeBytes(of: self.bigEndian) { Array($0) }
    }
}

extension Int: PostgresEncodable {
    /// Sent as `int8`.
    public var postgresBind: PostgresBind { PostgresBind(type: PostgresType.int8, bytes: Int64(self).bigEndianBytes) }
}

extension Int64: PostgresEncodable {
    /// Sent as `int8`.
    public var postgresBind: PostgresBind { PostgresBind(type: PostgresType.int8, bytes: bigEndianBytes) }
}

extension Int32: PostgresEncodable {
    /// Sent as `int4`.
    public var postgresBind: PostgresBind { PostgresBind(type: PostgresType.int4, bytes: bigEndianBytes) }
}

extension Int16: PostgresEncodable {
    /// Sent as `int2`.
    public var postgresBind: PostgresBind { PostgresBind(type: PostgresType.int2, bytes: bigEndianBytes) }
}

extension Double: PostgresEncodable {
    /// Sent as `float8`.
    public var postgresBind: PostgresBind {
        PostgresBind(type: PostgresType.float8, bytes: bitPattern.bigEndianBytes)
    }
}

extension Bool: PostgresEncodable {
    /// Sent as `bool`.
    public var postgresBind: PostgresBind { PostgresBind(type: PostgresType.bool, bytes: [self ? 1 : 0]) }
}

extension String: PostgresEncodable {
    /// Sent as `text` (UTF-8).
    public var postgresBind: PostgresBind { PostgresBind(type: PostgresType.text, bytes: Array(utf8)) }
}

extension Substring: PostgresEncodable {
    /// Sent as `text` (UTF-8).
    public var postgresBind: PostgresBind { PostgresBind(type: PostgresType.text, bytes: Array(utf8)) }
}

extension UUID: PostgresEncodable {
    /// Sent as `uuid`.
    public var postgresBind: PostgresBind {
        PostgresBind(type: PostgresType.uuid, bytes: withUnsafeBytes(of: uuid) { Array($0) })
    }
}

extension Date: PostgresEncodable {
    /// Sent as `timestamptz`: microseconds since 2000-01-01 00:00 UTC, rounded to the microsecond.
    public var postgresBind: PostgresBind {
        let micros = Int64((timeIntervalSince(PostgresEpoch.date) * 1_000_000).rounded())
        return PostgresBind(type: PostgresType.timestamptz, bytes: micros.bigEndianBytes)
    }
}

/// Raw bytes, sent as `bytea`.
public struct ByteA: PostgresEncodable, PostgresDecodable, Hashable {
    /// The bytes.
    public var bytes: [UInt8]

    /// Wraps `bytes`.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Sent as `bytea`.
    public var postgresBind: PostgresBind { PostgresBind(type: PostgresType.bytea, bytes: bytes) }

    /// Reads a `bytea` column.
    public static func decode(from bytes: UnsafeRawBufferPointer, type: PostgresTypeOID, column: String)
        throws(PostgresError) -> ByteA
    {
        guard type == PostgresType.bytea else { throw mismatch(column, type, "ByteA") }
        return ByteA(Array(bytes))
    }
}

/// PostgreSQL's epoch for timestamps and dates.
enum PostgresEpoch {
    static let date = Date(timeIntervalSince1970: 946_684_800)
}

public import Foundation

/// A Swift type a column value can be read into.
///
/// Decoding checks the column's type: reading a `text` column as `Int` is an error naming the
/// column and both types, never a silent conversion. `numeric` is not decoded here at all (its
/// binary form is easy to get wrong): cast it to text or a float in the query.
public protocol PostgresDecodable {
    /// Reads a non-NULL value in PostgreSQL's binary format.
    static func decode(from bytes: UnsafeRawBufferPointer, type: PostgresTypeOID, column: String)
        throws(PostgresError) -> Self
    /// What NULL becomes: an error, except for optionals.
    static func decodeNull(column: String) throws(PostgresError) -> Self
}

extension PostgresDecodable {
    /// NULL is an error naming the column.
    public static func decodeNull(column: String) throws(PostgresError) -> Self {
        throw PostgresError(
            .decoding, "column \"\(column)\" is NULL; expected a \(Self.self) (read it as \(Self.self)?)")
    }
}

/// The error for a column whose type cannot be read as `swiftType`.
func mismatch(_ column: String, _ type: PostgresTypeOID, _ swiftType: String) -> PostgresError {
    var message = "column \"\(column)\" is \(PostgresType.name(of: type)); it cannot be read as \(swiftType)"
    if type == PostgresType.numeric { message += " (cast numeric to text or float8 in the query)" }
    return PostgresError(.decoding, message)
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    /// Reads the wrapped type.
    public static func decode(from bytes: UnsafeRawBufferPointer, type: PostgresTypeOID, column: String)
        throws(PostgresError) -> Wrapped?
    {
        try Wrapped.decode(from: bytes, type: type, column: column)
    }

    /// NULL is `nil`.
    public static func decodeNull(column: String) throws(PostgresError) -> Wrapped? { nil }
}

/// Reads a big-endian integer of `T`'s width from possibly unaligned bytes.
func readInteger<T: FixedWidthInteger>(_ bytes: UnsafeRawBufferPointer, as: T.Type) -> T? {
    guard bytes.count == MemoryLayout<T>.size else { return nil }
    return T(bigEndian: bytes.loadUnaligned(as: T.self))
}

/// Reads any integer column (`int2`, `int4`, `int8`, `oid`) widened to Int64.
func readAnyInteger(_ bytes: UnsafeRawBufferPointer, type: PostgresTypeOID) -> Int64? {
    switch type {
    case PostgresType.int2: readInteger(bytes, as: Int16.self).map(Int64.init)
    case PostgresType.int4: readInteger(bytes, as: Int32.self).map(Int64.init)
    case PostgresType.int8: readInteger(bytes, as: Int64.self)
    case PostgresType.oid: readInteger(bytes, as: UInt32.self).map(Int64.init)
    default: nil
    }
}

extension Int64: PostgresDecodable {
    /// Reads `int2`, `int4`, `int8` or `oid`.
    public static func decode(from bytes: UnsafeRawBufferPointer, type: PostgresTypeOID, column: String)
        throws(PostgresError) -> Int64
    {
        guard let value = readAnyInteger(bytes, type: type) else { throw mismatch(column, type, "Int64") }
        return value
    }
}

extension Int: PostgresDecodable {
    /// Reads `int2`, `int4`, `int8` or `oid`.
    public static func decode(from bytes: UnsafeRawBufferPointer, type: PostgresTypeOID, column: String)
        throws(PostgresError) -> Int
    {
        guard let value = readAnyInteger(bytes, type: type) else { throw mismatch(column, type, "Int") }
        return Int(value)
    }
}

extension Int32: PostgresDecodable {
    /// Reads `int2` or `int4`.
    public static func decode(from bytes: UnsafeRawBufferPointer, type: PostgresTypeOID, column: String)
        throws(PostgresError) -> Int32
    {
        switch type {
        case PostgresType.int2: if let v = readInteger(bytes, as: Int16.self) { return Int32(v) }
        case PostgresType.int4: if let v = readInteger(bytes, as: Int32.self) { return v }
        default: break
        }
        throw mismatch(column, type, "Int32")
    }
}

extension Int16: PostgresDecodable {
    /// Reads `int2`.
    public static func decode(from bytes: UnsafeRawBufferPointer, type: PostgresTypeOID, column: String)
        throws(PostgresError) -> Int16
    {
        guard type == PostgresType.int2, let value = readInteger(bytes, as: Int16.self) else {
            throw mismatch(column, type, "Int16")
        }
        return value
    }
}

extension Double: PostgresDecodable {
    /// Reads `float8` or `float4`.
    public static func decode(from bytes: UnsafeRawBufferPointer, type: PostgresTypeOID, column: String)
        throws(PostgresError) -> Double
    {
        switch type {
        case PostgresType.float8:
            if let bits = readInteger(bytes, as: UInt64.self) { return Double(bitPattern: bits) }
        case PostgresType.float4:
            if let bits = readInteger(bytes, as: UInt32.self) { return Double(Float(bitPattern: bits)) }
        default: break
        }
        throw mismatch(column, type, "Double")
    }
}

extension Bool: PostgresDecodable {
    /// Reads `bool`.
    public static func decode(from bytes: UnsafeRawBufferPointer, type: PostgresTypeOID, column: String)
        throws(PostgresError) -> Bool
    {
        guard type == PostgresType.bool, bytes.count == 1 else { throw mismatch(column, type, "Bool") }
        return bytes[0] != 0
    }
}

extension String: PostgresDecodable {
    /// Reads `text`, `varchar`, `bpchar`, `name`, `char`, `json` and `jsonb` (UTF-8).
    public static func decode(from bytes: UnsafeRawBufferPointer, type: PostgresTypeOID, column: String)
        throws(PostgresError) -> String
    {
        switch type {
        case PostgresType.text, PostgresType.varchar, PostgresType.bpchar, PostgresType.name, PostgresType.char,
            PostgresType.json:
            return String(decoding: bytes, as: UTF8.self)
        case PostgresType.jsonb:
            // Binary jsonb is a version byte (1) followed by the text.
            guard bytes.first == 1 else { throw mismatch(column, type, "String") }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes.dropFirst()), as: UTF8.self)
        default:
            throw mismatch(column, type, "String")
        }
    }
}

extension UUID: PostgresDecodable {
    /// Reads `uuid`.
    public static func decode(from bytes: UnsafeRawBufferPointer, type: PostgresTypeOID, column: String)
        throws(PostgresError) -> UUID
    {
        guard type == PostgresType.uuid, bytes.count == 16 else { throw mismatch(column, type, "UUID") }
        var raw: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &raw) { $0.copyMemory(from: bytes) }
        return UUID(uuid: raw)
    }
}

extension Date: PostgresDecodable {
    /// Reads `timestamptz`, `timestamp` (taken as UTC) or `date` (midnight UTC).
    public static func decode(from bytes: UnsafeRawBufferPointer, type: PostgresTypeOID, column: String)
        throws(PostgresError) -> Date
    {
        switch type {
        case PostgresType.timestamptz, PostgresType.timestamp:
            if let micros = readInteger(bytes, as: Int64.self) {
                if micros == Int64.max { return .distantFuture }
                if micros == Int64.min { return .distantPast }
                return PostgresEpoch.date.addingTimeInterval(Double(micros) / 1_000_000)
            }
        case PostgresType.date:
            if let days = readInteger(bytes, as: Int32.self) {
                return PostgresEpoch.date.addingTimeInterval(Double(days) * 86_400)
            }
        default: break
        }
        throw mismatch(column, type, "Date")
    }
}

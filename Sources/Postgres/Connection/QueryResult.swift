import CLibPQ

/// The rows a statement returned, owning libpq's `PGresult` and clearing it exactly once.
///
/// ```swift
/// let result = try connection.query("SELECT id, name FROM line WHERE standard = \(standard)")
/// for row in result { print(try row.decode(Int64.self, "id"), try row.decode(String.self, "name")) }
/// ```
public final class QueryResult: Sequence, @unchecked Sendable {
    // The result is never mutated after it is received, so reading it from several threads is safe.
    let handle: OpaquePointer
    /// The number of rows.
    public let count: Int
    /// The column names, in order.
    public let columns: [String]
    private let columnIndex: [String: Int]

    init(taking handle: OpaquePointer) {
        self.handle = handle
        count = Int(PQntuples(handle))
        let fields = Int(PQnfields(handle))
        columns = (0..<fields).map { String(cString: PQfname(handle, Int32($0))) }
        var index: [String: Int] = [:]
        for (offset, name) in columns.enumerated() where index[name] == nil { index[name] = offset }
        columnIndex = index
    }

    deinit {
        PQclear(handle)
    }

    /// The number of rows an INSERT, UPDATE or DELETE touched.
    public var affectedRows: Int {
        Int(String(cString: PQcmdTuples(handle))) ?? 0
    }

    /// The row at `index`.
    public subscript(index: Int) -> Row {
        precondition(index >= 0 && index < count, "row index out of range")
        return Row(result: self, index: Int32(index))
    }

    /// Iterates the rows in order.
    public func makeIterator() -> AnyIterator<Row> {
        var next = 0
        return AnyIterator {
            guard next < self.count else { return nil }
            defer { next += 1 }
            return self[next]
        }
    }

    func column(named name: String) throws(PostgresError) -> Int32 {
        guard let index = columnIndex[name] else {
            throw PostgresError(
                .usage, "no column \"\(name)\" in the result (columns: \(columns.joined(separator: ", ")))")
        }
        return Int32(index)
    }
}

/// One row of a ``QueryResult``, read by column name or index into typed values.
public struct Row: @unchecked Sendable {
    let result: QueryResult
    let index: Int32

    /// The column's value decoded as `type`; a clear error on NULL (unless `type` is optional) or a
    /// type that does not match the column's.
    public func decode<T: PostgresDecodable>(_ type: T.Type, _ column: String) throws(PostgresError) -> T {
        try decode(type, at: Int(result.column(named: column)))
    }

    /// The value at column `position` (0-based) decoded as `type`.
    public func decode<T: PostgresDecodable>(_ type: T.Type, at position: Int) throws(PostgresError) -> T {
        let column = Int32(position)
        guard column >= 0, column < Int32(result.columns.count) else {
            throw PostgresError(.usage, "no column \(position) in a result of \(result.columns.count) columns")
        }
        let name = result.columns[position]
        let oid = PQftype(result.handle, column)
        if PQgetisnull(result.handle, index, column) == 1 {
            return try T.decodeNull(column: name)
        }
        let length = Int(PQgetlength(result.handle, index, column))
        guard let pointer = PQgetvalue(result.handle, index, column) else {
            return try T.decodeNull(column: name)
        }
        let bytes = UnsafeRawBufferPointer(start: UnsafeRawPointer(pointer), count: length)
        return try T.decode(from: bytes, type: oid, column: name)
    }

    /// Whether the column's value is NULL.
    public func isNull(_ column: String) throws(PostgresError) -> Bool {
        PQgetisnull(result.handle, index, try result.column(named: column)) == 1
    }
}

/// SQL text with its parameters, built by string interpolation that binds every value.
///
/// An interpolated value never becomes part of the SQL text: it is replaced by `$1`, `$2`, … and
/// sent separately, so a name like `O'Brien; DROP TABLE x` is just a name.
///
/// ```swift
/// let query: PostgresQuery = "SELECT on_hand FROM stock WHERE sku = \(sku) AND location = \(location)"
/// query.sql     // "SELECT on_hand FROM stock WHERE sku = $1 AND location = $2"
/// ```
public struct PostgresQuery: Sendable, Hashable, ExpressibleByStringInterpolation {
    /// The SQL with `$n` placeholders.
    public var sql: String
    /// The parameters, in placeholder order.
    public var binds: [PostgresBind]

    /// A query of `sql` with `binds` for its `$n` placeholders.
    public init(sql: String, binds: [PostgresBind] = []) {
        self.sql = sql
        self.binds = binds
    }

    /// A query with no parameters.
    public init(stringLiteral value: String) {
        self.init(sql: value)
    }

    /// A query built by interpolation.
    public init(stringInterpolation: StringInterpolation) {
        self.init(sql: stringInterpolation.sql, binds: stringInterpolation.binds)
    }

    /// Collects literal SQL and bound values.
    public struct StringInterpolation: StringInterpolationProtocol {
        var sql = ""
        var binds: [PostgresBind] = []

        /// Reserves room for the text.
        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
            binds.reserveCapacity(interpolationCount)
        }

        /// Appends SQL text as written.
        public mutating func appendLiteral(_ literal: String) {
            sql += literal
        }

        /// Appends SQL text written in code (a type or table name), never a value and never input.
        public mutating func appendInterpolation(unescaped sql: String) {
            self.sql += sql
        }

        /// Appends a placeholder and binds `value` to it, or NULL when it is `nil`.
        public mutating func appendInterpolation<T: PostgresEncodable>(_ value: T?) {
            binds.append(value.postgresBind)
            sql += "$\(binds.count)"
        }

        /// Appends a placeholder and binds `value` to it.
        public mutating func appendInterpolation(_ value: some PostgresEncodable) {
            binds.append(value.postgresBind)
            sql += "$\(binds.count)"
        }
    }
}

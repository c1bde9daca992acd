/// A PostgreSQL type OID: which type a parameter is sent as, or a column came back as.
public typealias PostgresTypeOID = UInt32

/// Well-known type OIDs (from `pg_type`).
public enum PostgresType {
    /// `bool`
    public static let bool: PostgresTypeOID = 16
    /// `bytea`
    public static let bytea: PostgresTypeOID = 17
    /// `"char"`
    public static let char: PostgresTypeOID = 18
    /// `name`
    public static let name: PostgresTypeOID = 19
    /// `int8` / `bigint`
    public static let int8: PostgresTypeOID = 20
    /// `int2` / `smallint`
    public static let int2: PostgresTypeOID = 21
    /// `int4` / `integer`
    public static let int4: PostgresTypeOID = 23
    /// `text`
    public static let text: PostgresTypeOID = 25
    /// `oid`
    public static let oid: PostgresTypeOID = 26
    /// `json`
    public static let json: PostgresTypeOID = 114
    /// `float4` / `real`
    public static let float4: PostgresTypeOID = 700
    /// `float8` / `double precision`
    public static let float8: PostgresTypeOID = 701
    /// `bpchar` / `char(n)`
    public static let bpchar: PostgresTypeOID = 1042
    /// `varchar`
    public static let varchar: PostgresTypeOID = 1043
    /// `date`
    public static let date: PostgresTypeOID = 1082
    /// `timestamp` (without time zone)
    public static let timestamp: PostgresTypeOID = 1114
    /// `timestamptz`
    public static let timestamptz: PostgresTypeOID = 1184
    /// `numeric` (never decoded by hand here: cast it to text in the query)
    public static let numeric: PostgresTypeOID = 1700
    /// `uuid`
    public static let uuid: PostgresTypeOID = 2950
    /// `jsonb`
    public static let jsonb: PostgresTypeOID = 3802

    /// A readable name for error messages.
    static func name(of oid: PostgresTypeOID) -> String {
        switch oid {
        case bool: "bool"
        case bytea: "bytea"
        case char: "char"
        case name: "name"
        case int8: "int8"
        case int2: "int2"
        case int4: "int4"
        case text: "text"
        case self.oid: "oid"
        case json: "json"
        case float4: "float4"
        case float8: "float8"
        case bpchar: "bpchar"
        case varchar: "varchar"
        case date: "date"
        case timestamp: "timestamp"
        case timestamptz: "timestamptz"
        case numeric: "numeric"
        case uuid: "uuid"
        case jsonb: "jsonb"
        default: "type \(oid)"
        }
    }
}

/// One parameter as sent to the server: its type and its binary value, or NULL.
public struct PostgresBind: Sendable, Hashable {
    /// The type the value is sent as (0 lets the server infer it, as for an untyped NULL).
    public let type: PostgresTypeOID
    /// The value in PostgreSQL's binary format; `nil` is SQL NULL.
    public let bytes: [UInt8]?

    /// A parameter of `type` with `bytes` (binary format), or NULL when `bytes` is `nil`.
    public init(type: PostgresTypeOID, bytes: [UInt8]?) {
        self.type = type
        self.bytes = bytes
    }
}

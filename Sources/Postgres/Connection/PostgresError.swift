/// An error from PostgreSQL or from talking to it, carrying what the server said.
///
/// `description` is one line meant for a person: the server's message and its SQLSTATE, never a
/// password or a connection string. The server's detail and hint are kept in their own fields so a
/// caller can decide whether to show them (detail can contain row values).
///
/// ```swift
/// do { try connection.execute("INSERT INTO t VALUES (\(1))") } catch let error as PostgresError {
///     if error.sqlState == .uniqueViolation { print("already there:", error.constraint ?? "?") }
/// }
/// ```
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, broadly.
    public enum Kind: String, Sendable, Hashable {
        /// A connection could not be made (bad host, port, database, password, server down).
        case connection
        /// The connection broke during an operation; the operation's outcome is unknown.
        case connectionLost
        /// The server refused a statement (constraint, syntax, serialization failure…).
        case server
        /// A value could not be decoded into the Swift type asked for (NULL, wrong type).
        case decoding
        /// The library was used wrongly (unknown column, COPY in the wrong state).
        case usage
        /// The database's schema does not match the migrations (a changed or unknown migration).
        case schema
    }

    /// What went wrong, broadly.
    public let kind: Kind
    /// The five-character SQLSTATE, when the server sent one.
    public let sqlState: SQLState?
    /// The primary message.
    public let message: String
    /// The server's detail (may contain data values).
    public let detail: String?
    /// The server's hint.
    public let hint: String?
    /// The constraint that was violated, if any.
    public let constraint: String?
    /// The table concerned, if any.
    public let table: String?
    /// The column concerned, if any.
    public let column: String?

    /// An error of `kind` with `message` and, when the server sent them, its fields.
    public init(
        _ kind: Kind,
        _ message: String,
        sqlState: SQLState? = nil,
        detail: String? = nil,
        hint: String? = nil,
        constraint: String? = nil,
        table: String? = nil,
        column: String? = nil
    ) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.table = table
        self.column = column
    }

    /// One line: the message, and the SQLSTATE when there is one.
    public var description: String {
        if let sqlState { return "\(message) (SQLSTATE \(sqlState.code))" }
        return message
    }

    /// Whether running the whole transaction again may succeed (a serialization failure or a
    /// deadlock). A lock timeout is not: another session still holds the row.
    public var isTransient: Bool {
        guard let sqlState else { return false }
        return [.serializationFailure, .deadlockDetected].contains(sqlState)
    }
}

/// A SQLSTATE code, with names for the ones this project acts on.
public struct SQLState: Hashable, Sendable, CustomStringConvertible {
    /// The five characters.
    public let code: String

    /// A SQLSTATE from its five characters.
    public init(_ code: String) {
        self.code = code
    }

    /// 23505: a unique constraint was violated.
    public static let uniqueViolation = SQLState("23505")
    /// 23514: a CHECK constraint was violated.
    public static let checkViolation = SQLState("23514")
    /// 23503: a foreign key was violated.
    public static let foreignKeyViolation = SQLState("23503")
    /// 23502: a NOT NULL constraint was violated.
    public static let notNullViolation = SQLState("23502")
    /// 40001: a serializable transaction could not be ordered; run it again.
    public static let serializationFailure = SQLState("40001")
    /// 40P01: a deadlock was broken by aborting this transaction; run it again.
    public static let deadlockDetected = SQLState("40P01")
    /// 55P03: a lock could not be taken without waiting (NOWAIT / lock_timeout).
    public static let lockNotAvailable = SQLState("55P03")
    /// 57014: a statement was cancelled (statement_timeout, or a cancel request).
    public static let queryCanceled = SQLState("57014")
    /// 25006: a write on a read-only transaction (a hot standby, `default_transaction_read_only`).
    public static let readOnlyTransaction = SQLState("25006")
    /// 22021: a byte sequence the encoding cannot hold (a NUL character in text).
    public static let characterNotInRepertoire = SQLState("22021")
    /// 22P05: a character with no equivalent in the server's encoding.
    public static let untranslatableCharacter = SQLState("22P05")
    /// 42P01: the table does not exist.
    public static let undefinedTable = SQLState("42P01")
    /// 3D000: the database does not exist.
    public static let invalidCatalogName = SQLState("3D000")
    /// 28P01 / 28000: authentication failed.
    public static let invalidPassword = SQLState("28P01")
    /// P0001: a PL/pgSQL RAISE EXCEPTION.
    public static let raiseException = SQLState("P0001")
    /// 42501: the role lacks a privilege.
    public static let insufficientPrivilege = SQLState("42501")

    /// The five characters.
    public var description: String { code }
}

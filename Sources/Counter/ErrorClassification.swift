import Fitting
import Foundation
import Inventory
import Postgres

extension CounterError {
    /// How long a client should wait before repeating a request that found a row held.
    public static let busyRetrySeconds = 1
    /// How long a client should wait before repeating a request the database could not serve.
    public static let unavailableRetrySeconds = 5

    /// Any error raised below the layer, classified once for every face: the inventory's refusals
    /// and bad input as they are, a database error by its SQLSTATE class, a file's faults by what
    /// read it. An error of this type is returned unchanged.
    ///
    /// ```swift
    /// let error = CounterError(classifying: PostgresError(.server, "canceling statement due to lock timeout",
    ///                                                     sqlState: SQLState("55P03")))
    /// error.kind          // .busy
    /// error.retryAfter    // 1
    /// ```
    public init(classifying error: any Error) {
        switch error {
        case let error as CounterError:
            self = error
        case let error as InventoryError:
            self.init(inventory: error)
        case let error as PostgresError:
            self.init(postgres: error)
        case let error as DatabaseAccess.SchemaBehind:
            self = .plain(.unavailable, "database: \(error); run `cfit db migrate`")
        case let error as CatalogError:
            self = .plain(
                .badData, "catalog: \(error.issues[0])", details: error.issues.dropFirst().map(\.description))
        case let error as ArticleError:
            self = .plain(
                .badData, "articles: \(error.issues[0])", details: error.issues.dropFirst().map(\.description))
        case let error as CSVReader.SyntaxError:
            self = .plain(.badData, "CSV: \(error)")
        case let error as JSONSyntaxError:
            self = .plain(.badData, "JSON: \(error)")
        case let error as UTF8Text.InvalidByte:
            self = .plain(.badData, "file: \(error)")
        case let error as CalendarDay.ParseError:
            self = .plain(.badInput, "date: \(error)")
        case let error as DecodingError:
            self = .plain(.badData, "data: expected readable JSON, found \(Self.describe(error))")
        case let error as CocoaError where error.isFileError:
            let path =
                (error.userInfo[NSFilePathErrorKey] as? String) ?? (error.userInfo["NSURL"].map { "\($0)" } ?? "")
            self = .plain(
                .unreadable, "file: expected a readable file, found '\(path)' (\(error.localizedDescription))")
        default:
            self = .plain(.internal, "unexpected error: \(error)")
        }
    }

    /// The inventory's own errors keep their field and their `{name}` mentions.
    private init(inventory error: InventoryError) {
        let kind: Kind =
            switch error.kind {
            case .refused: .refused
            case .badInput: .badInput
            case .badData: .badData
            case .unreadable: .unreadable
            case .notPermitted: .notPermitted
            case .conflict: .conflict
            case .notFound: .notFound
            }
        self.init(kind: kind, field: error.field, text: error.text, details: error.details)
    }

    /// A database error by its SQLSTATE: every class a person can act on is named, never
    /// `internal` — 42501 and the operations' own codes as the inventory reads them, 08 and 57P01–57P03 and 53 and 3D000 and 25006 unavailable, 55P03, 57014 and an
    /// exhausted 40001/40P01 busy, 42501 not permitted, 22 and 23 bad input (23505 a conflict),
    /// 54 too large.
    private init(postgres error: PostgresError) {
        if let inventory = InventoryError(error) {
            self.init(inventory: inventory)
            return
        }
        let details = error.detail.map { [$0] } ?? []
        let state = error.sqlState?.code ?? ""
        let unavailableRetry = Self.unavailableRetrySeconds
        switch error.kind {
        case .connection, .connectionLost:
            self = .plain(
                .unavailable, "database: \(error.description)", details: details, retryAfter: unavailableRetry)
        case .schema:
            self = .plain(.badData, "database: \(error.description)", details: details)
        case .decoding, .usage:
            self = .plain(.internal, "database: \(error.description)", details: details)
        case .server where error.sqlState == nil:
            // The server sends a SQLSTATE with every error; one without came from libpq itself,
            // about the link (a server that went away mid-statement, a failover under way).
            self = .plain(
                .unavailable, "database: \(error.description)", details: details, retryAfter: unavailableRetry)
        case .server:
            self.init(server: error, state: state, details: details)
        }
    }

    private init(server error: PostgresError, state: String, details: [String]) {
        let unavailableRetry = Self.unavailableRetrySeconds
        switch state {
        case SQLState.lockNotAvailable.code, SQLState.queryCanceled.code, SQLState.serializationFailure.code,
            SQLState.deadlockDetected.code:
            self = .plain(
                .busy, "busy: another counter holds this record; try again in a moment (\(error.description))",
                details: details, retryAfter: Self.busyRetrySeconds)
        case SQLState.readOnlyTransaction.code:
            self = .plain(
                .unavailable,
                "database: this server or login only reads (a hot standby, or read-only); writes need the primary (target_session_attrs=read-write) (\(error.description))",
                details: details, retryAfter: unavailableRetry)
        case SQLState.invalidCatalogName.code:
            self = .plain(
                .unavailable, "database: \(error.description)", details: details, retryAfter: unavailableRetry)
        case _
        where state.hasPrefix("08") || state.hasPrefix("57P") || state.hasPrefix("53")
            || state.hasPrefix("58"):
            self = .plain(
                .unavailable, "database: \(error.description)", details: details, retryAfter: unavailableRetry)
        case SQLState.characterNotInRepertoire.code, SQLState.untranslatableCharacter.code:
            self = .plain(
                .badInput,
                "text: expected text without NUL or other characters the database cannot store, found such a character (\(error.description))"
            )
        case "22003":
            // A sum the database cannot hold: a receipt or a count that would take a balance past
            // the largest integer. The request is refused; nothing was written.
            let field = error.column ?? "quantity"
            self = .plain(
                .badInput,
                "\(field): expected a number the database can hold (at most 2147483647), found one beyond it (\(error.description))"
            )
        case SQLState.uniqueViolation.code:
            let field = error.column ?? error.constraint ?? "value"
            self = .plain(
                .conflict, "\(field): expected a value not stored before, found it refused: \(error.description)",
                details: details)
        case _ where state.hasPrefix("22") || state.hasPrefix("23"):
            let field = error.column ?? error.constraint ?? "value"
            self = .plain(
                .badInput, "\(field): expected a value the database accepts, found it refused: \(error.description)",
                details: details)
        case _ where state.hasPrefix("54"):
            self = .plain(.tooLarge, "value: too large for the database (\(error.description))", details: details)
        default:
            self = .plain(.internal, "database: \(error.description)", details: details)
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context), .keyNotFound(_, let context), .typeMismatch(_, let context),
            .valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "\(context.debugDescription)\(path.isEmpty ? "" : " at \(path)")"
        @unknown default:
            return "\(error)"
        }
    }
}

public import Foundation
public import Logging
public import Postgres

/// One person's work at a counter: the database connection their requests run on (their own
/// login, so PostgreSQL checks their role and records them as the actor), the location a request
/// means when it names none, and the shop's calendar day that validity and expiry are judged
/// against. Every operation of the layer is a method here or a request run on it, so the faces
/// never hold a connection or write a query.
///
/// ```swift
/// let desk = try DatabaseAccess.desk(url: nil, location: "shop")
/// let held = try ReserveRequest(prescription: "RX-1", sku: "NW-CL-AD2-II-R-C-BE").run(on: desk, key: "k1")
/// ```
public struct Desk: Sendable {
    let connection: Connection
    /// The location a request means when it names none.
    public let location: String
    /// The shop's calendar day.
    public let today: CalendarDay

    init(connection: Connection, location: String, today: CalendarDay = .today()) {
        self.connection = connection
        self.location = location
        self.today = today
    }

    /// The location a counter works at when a person does not say: `$CFIT_LOCATION`, else `shop`.
    public static func defaultLocation(_ environment: [String: String] = ProcessInfo.processInfo.environment)
        -> String
    {
        if let location = environment["CFIT_LOCATION"], !location.isEmpty { return location }
        return "shop"
    }
}

/// A bounded set of desks on one login's connections, shared by the tasks of a server: each
/// request borrows a desk, runs on it and gives it back.
///
/// ```swift
/// let pool = DeskPool(url: url, location: "shop", maximum: 4)
/// let balances = try pool.withDesk { try $0.balances(sku: nil, location: nil) }
/// ```
public final class DeskPool: Sendable {
    private let pool: ConnectionPool
    /// The location requests on these desks mean when they name none.
    public let location: String

    /// Desks on at most `maximum` connections to the server `url` names.
    public init(url: String, location: String, maximum: Int, logger: Logger = Logger(label: "cfit.desks")) {
        pool = ConnectionPool(conninfo: url, maximum: maximum, logger: logger)
        self.location = location
    }

    /// Desks of `login`, signed in with `password`, on the server `url` names (its own user and
    /// password replace any in the URL).
    public convenience init(
        url: String, login: String, password: String, location: String, maximum: Int, logger: Logger
    ) {
        self.init(
            url: ConnectionString.replacingCredentials(in: url, user: login, password: password),
            location: location, maximum: maximum, logger: logger)
    }

    /// Lends a desk to `body` on the calling thread.
    public func withDesk<T>(_ body: (Desk) throws -> T) throws -> T {
        try pool.withConnection { try body(Desk(connection: $0, location: location)) }
    }

    /// Closes the connections; desks lent now close when given back.
    public func shutdown() { pool.shutdown() }
}

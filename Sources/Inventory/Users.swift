import Fitting
public import Postgres

/// A member of staff's login and the role it has.
public struct UserRecord: Codable, Sendable, Hashable {
    /// The login name.
    public var name: String
    /// `fitter`, `pharmacy` or `admin`.
    public var role: String?
    /// Whether the login may connect (false once disabled).
    public var canLogin: Bool
}

/// Staff logins: each person connects as themselves, and PostgreSQL enforces what their role
/// may do — a fitter reads and records fittings; a pharmacy login also moves stock, reserves and
/// dispenses; an admin also imports catalogs, sets locations and minimums, and manages users.
///
/// ```swift
/// let users = Users(connection: adminConnection)
/// try users.add("dana", role: "pharmacy", password: typedPassword)
/// try users.setRole("dana", role: "admin")
/// ```
public struct Users: Sendable {
    /// The connection every call uses (an admin's).
    public let connection: Connection

    /// User management on `connection`.
    public init(connection: Connection) {
        self.connection = connection
    }

    /// Adds login `name` with `role` and `password` (hashed here; only its SCRAM verifier is sent).
    public func add(_ name: String, role: String, password: String) throws -> UserRecord {
        guard !password.isEmpty else {
            throw InventoryError(.badInput, field: "password", text: "expected a password, found an empty one")
        }
        let verifier = try connection.encryptPassword(password, user: name)
        return try Operations.call(connection, "SELECT cfit_user_add(\(name), \(role), \(verifier))::text AS result")
    }

    /// Sets a new password for login `name` (an admin's change, or a person's own): PostgreSQL's
    /// and the one `cfit serve` checks sign-ins against.
    public func setPassword(_ name: String, password: String) throws -> UserRecord {
        guard !password.isEmpty else {
            throw InventoryError(.badInput, field: "password", text: "expected a password, found an empty one")
        }
        let verifier = try connection.encryptPassword(password, user: name)
        return try Operations.call(connection, "SELECT cfit_user_password(\(name), \(verifier))::text AS result")
    }

    /// The SCRAM-SHA-256 verifier to check `login`'s password against and the login's role
    /// (`fitter`, `pharmacy`, `admin`); `nil` for a login that is not staff, cannot log in, or has no
    /// password set through cfit. Needs the `cfit_gatekeeper` role (a web server's own login).
    public func signInVerifier(_ login: String) throws -> (verifier: String, role: String)? {
        let rows = try connection.query("SELECT verifier, role FROM cfit_login_verifier(\(login))")
        guard rows.count == 1 else { return nil }
        return (try rows[0].decode(String.self, "verifier"), try rows[0].decode(String.self, "role"))
    }

    /// Whether `login` may execute the function `function` (any of its overloads, in the schema):
    /// PostgreSQL's own answer, from its grants (`has_function_privilege`), asked before a server
    /// reads what the login sent. An unknown login may do nothing.
    public func mayExecute(_ login: String, function: String) throws -> Bool {
        try connection.query(
            """
            SELECT coalesce(bool_or(has_function_privilege(r.oid, p.oid, 'EXECUTE')), false) AS ok
            FROM pg_roles r CROSS JOIN pg_proc p
            WHERE r.rolname = \(login) AND p.proname = \(function) AND p.pronamespace = 'public'::regnamespace
            """)[0].decode(Bool.self, "ok")
    }

    /// Whether `login` holds `privilege` (`INSERT` …) on the table `table`: PostgreSQL's answer
    /// (`has_table_privilege`).
    public func mayUse(_ login: String, table: String, privilege: String) throws -> Bool {
        try connection.query(
            """
            SELECT coalesce(bool_or(has_table_privilege(r.oid, c.oid, \(privilege))), false) AS ok
            FROM pg_roles r CROSS JOIN pg_class c
            WHERE r.rolname = \(login) AND c.relname = \(table) AND c.relnamespace = 'public'::regnamespace
            """)[0].decode(Bool.self, "ok")
    }

    /// ``signInVerifier(_:)`` for each of `logins` at once, keyed by login; a login that may not
    /// sign in is missing. One query, however many logins: a web server polls it every second.
    public func signInStates(_ logins: [String]) throws -> [String: (verifier: String, role: String)] {
        let list = JSONValue.array(logins.map { .string($0) }).serialized()
        var states: [String: (verifier: String, role: String)] = [:]
        for row in try connection.query("SELECT login, verifier, role FROM cfit_login_states(\(list)::jsonb)") {
            states[try row.decode(String.self, "login")] = (
                try row.decode(String.self, "verifier"), try row.decode(String.self, "role")
            )
        }
        return states
    }

    /// The login this connection works as (the actor its rows record).
    public func currentLogin() throws -> String {
        try connection.query("SELECT session_user::text AS who")[0].decode(String.self, "who")
    }

    /// Gives login `name` the role `role` (and no other).
    public func setRole(_ name: String, role: String) throws -> UserRecord {
        try Operations.call(connection, "SELECT cfit_user_role(\(name), \(role))::text AS result")
    }

    /// Stops login `name` from connecting; its rows keep its name as their actor.
    public func disable(_ name: String) throws -> UserRecord {
        try Operations.call(connection, "SELECT cfit_user_disable(\(name))::text AS result")
    }

    /// Every staff login, by name.
    public func list() throws -> [UserRecord] {
        try connection.query(
            """
            SELECT r.rolname AS name, r.rolcanlogin AS can_login,
                   CASE WHEN pg_has_role(r.oid, 'cfit_admin', 'MEMBER') THEN 'admin'
                        WHEN pg_has_role(r.oid, 'cfit_pharmacy', 'MEMBER') THEN 'pharmacy' ELSE 'fitter' END AS role
            FROM pg_roles r
            WHERE NOT r.rolsuper AND r.rolname NOT LIKE 'cfit\\_%' AND pg_has_role(r.oid, 'cfit_fitter', 'MEMBER')
            ORDER BY r.rolname
            """
        ).map {
            UserRecord(
                name: try $0.decode(String.self, "name"), role: try $0.decode(String.self, "role"),
                canLogin: try $0.decode(Bool.self, "can_login"))
        }
    }
}

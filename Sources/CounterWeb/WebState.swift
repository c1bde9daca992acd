import Crypto
import Foundation
import Inventory
import Logging
import NIOPosix
import Postgres
import Synchronization

/// A staff member's role, as the database grants it; what the pages offer follows it, and what
/// they may do is the database's decision.
public enum StaffRole: String, Sendable, Comparable {
    /// Fits legs and records fittings.
    case fitter
    /// Also keeps stock, reserves and dispenses.
    case pharmacy
    /// Also manages catalogs, users and locations.
    case admin

    private var rank: Int {
        switch self {
        case .fitter: 0
        case .pharmacy: 1
        case .admin: 2
        }
    }

    /// Whether `lhs` grants less than `rhs`.
    public static func < (lhs: StaffRole, rhs: StaffRole) -> Bool { lhs.rank < rhs.rank }
}

/// A signed-in person: their login, role, the token their forms carry, and when they were last seen.
struct Session: Sendable {
    let id: String
    let login: String
    let role: StaffRole
    let csrf: String
    var lastSeen: ContinuousClock.Instant
}

/// Random tokens for session ids, CSRF tokens and idempotency keys (the system's CSPRNG).
enum Token {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}

/// Everything `cfit serve` keeps while it runs: the database connections (its own, to check
/// passwords, and one pool per signed-in login), the sessions, and the failed-login throttle. All
/// database work runs on a dedicated thread pool, never on the event loops.
final class WebState: Sendable {
    let databaseURL: String
    let location: String
    let idleTimeout: Duration
    let secureCookies: Bool
    let logger: Logger
    let threads: NIOThreadPool
    /// The server's own connections: password checks only (`cfit_login_verifier`).
    let gatekeeper: ConnectionPool
    private let sessions = Mutex<[String: Session]>([:])
    /// Each signed-in login's connections, with the password they were opened with and the
    /// verifier it was checked against (a changed verifier means a new password, or none).
    private let pools = Mutex<[String: (pool: ConnectionPool, password: String, verifier: String)]>([:])
    /// Failed sign-ins per login: five free by default.
    let loginFailures: Throttle
    /// Failed sign-ins per client address, whatever the login: twenty free by default (one address
    /// trying many logins is guessing passwords; a shop's counters each have their own address).
    let addressFailures: Throttle
    /// Credentials checked recently (API clients send them with every request), by digest.
    private let checked = Mutex<[String: ContinuousClock.Instant]>([:])
    /// Catalog files checked by a dry run and waiting for the admin's "Import", by token.
    let uploads = Mutex<[String: Upload]>([:])

    /// A catalog file (and its articles) uploaded by `login`.
    struct Upload: Sendable {
        let login: String
        let catalog: [UInt8]
        let catalogName: String
        let articles: [UInt8]?
        let articlesName: String?
        let received: ContinuousClock.Instant
    }

    /// Password checks under way, by digest of the credentials.
    private let inflight = Mutex<[String: Task<Bool, any Error>]>([:])

    init(
        databaseURL: String, location: String, idleTimeout: Duration, secureCookies: Bool, threads: NIOThreadPool,
        logger: Logger, freeFailuresPerLogin: Int = 5, freeFailuresPerAddress: Int = 20
    ) {
        loginFailures = Throttle(free: freeFailuresPerLogin)
        addressFailures = Throttle(free: freeFailuresPerAddress)
        self.databaseURL = databaseURL
        self.location = location
        self.idleTimeout = idleTimeout
        self.secureCookies = secureCookies
        self.threads = threads
        self.logger = logger
        gatekeeper = ConnectionPool(conninfo: databaseURL, maximum: 2, logger: logger)
    }

    /// Runs blocking database work on the thread pool.
    func blocking<T: Sendable>(_ body: @Sendable @escaping () throws -> T) async throws -> T {
        try await threads.runIfActive(body)
    }

    // MARK: Signing in

    /// Why a sign-in was refused, in words a person at the counter can act on.
    struct Refusal: Error, Sendable {
        let message: String
        let retryAfter: Int?
    }

    /// Checks `password` for `login` against the verifier the database keeps, then connects as
    /// that login; returns its role. Failures are counted per login and per client `address`
    /// (when known) and slow later attempts down.
    func signIn(login: String, password: String, from address: String? = nil) async throws -> StaffRole {
        let now = ContinuousClock.now
        if let address, let seconds = addressFailures.wait(address, now: now) {
            throw Refusal(
                message: "too many failed sign-ins from this address: try again in \(seconds) s", retryAfter: seconds)
        }
        if let seconds = loginFailures.wait(login, now: now) {
            throw Refusal(
                message: "too many failed sign-ins for this login: try again in \(seconds) s", retryAfter: seconds)
        }
        let found = try await blocking { [gatekeeper] in
            try gatekeeper.withConnection { try Users(connection: $0).signInVerifier(login) }
        }
        let digest = Self.digest(login, password, found?.verifier ?? "")
        let recently = checked.withLock { $0[digest].map { now - $0 < .seconds(300) } ?? false }
        var matches = recently
        if !matches, let found {
            // One check per credentials at a time: a till sending 200 requests at once with the same
            // password costs one key derivation, not 200.
            let check = inflight.withLock { table -> Task<Bool, any Error> in
                if let running = table[digest] { return running }
                let task = Task { [threads] in
                    try await threads.runIfActive {
                        PasswordCheck.matches(password: password, verifier: found.verifier)
                    }
                }
                table[digest] = task
                return task
            }
            let outcome: Result<Bool, any Error>
            do { outcome = .success(try await check.value) } catch { outcome = .failure(error) }
            inflight.withLock { _ = $0.removeValue(forKey: digest) }
            matches = try outcome.get()
        }
        guard matches, let found, let role = StaffRole(rawValue: found.role) else {
            loginFailures.failed(login, now: now)
            if let address { addressFailures.failed(address, now: now) }
            logger.notice("sign-in refused", metadata: ["login": "\(login)", "address": "\(address ?? "unknown")"])
            throw Refusal(message: "login or password not recognised", retryAfter: nil)
        }
        // The login's count is forgiven; the address's is not (one right password among many
        // guesses must not reset them).
        loginFailures.succeeded(login)
        checked.withLock { table in
            table = table.filter { now - $0.value < .seconds(300) }
            table[digest] = now
        }
        // The person's own connections: PostgreSQL checks their role on every statement and
        // records them as the actor.
        let (pool, isNew) = pools.withLock { table -> (ConnectionPool, Bool) in
            if let existing = table[login], existing.password == password, existing.verifier == found.verifier {
                return (existing.pool, false)
            }
            table[login]?.pool.shutdown()
            let pool = ConnectionPool(
                conninfo: ConnectionString.replacingCredentials(in: databaseURL, user: login, password: password),
                maximum: 4, logger: logger)
            table[login] = (pool, password, found.verifier)
            return (pool, true)
        }
        guard isNew else { return role }
        let sessionUser = try await blocking {
            try pool.withConnection { try Users(connection: $0).currentLogin() }
        }
        guard sessionUser == login else {
            throw Refusal(message: "the database connected as \(sessionUser), not \(login)", retryAfter: nil)
        }
        return role
    }

    private static func digest(_ login: String, _ password: String, _ verifier: String) -> String {
        SHA256.hash(data: Array("\(login)\u{0}\(password)\u{0}\(verifier)".utf8)).map {
            String(format: "%02x", $0)
        }.joined()
    }

    /// The database connections of `login`'s sessions.
    func pool(for login: String) throws -> ConnectionPool {
        guard let pool = pools.withLock({ $0[login]?.pool }) else {
            throw Refusal(message: "your session has ended: sign in again", retryAfter: nil)
        }
        return pool
    }

    /// Runs `body` on one of `login`'s connections, on the thread pool.
    func withConnection<T: Sendable>(_ login: String, _ body: @Sendable @escaping (Connection) throws -> T)
        async throws -> T
    {
        let pool = try pool(for: login)
        return try await blocking { try pool.withConnection(body) }
    }

    // MARK: Sessions

    func startSession(login: String, role: StaffRole) -> Session {
        let session = Session(id: Token.make(), login: login, role: role, csrf: Token.make(), lastSeen: .now)
        sessions.withLock { $0[session.id] = session }
        return session
    }

    /// The live session `id` names, touched; `nil` when unknown or idle too long (then ended).
    func session(_ id: String?) -> Session? {
        guard let id else { return nil }
        let now = ContinuousClock.now
        return sessions.withLock { table -> Session? in
            guard var session = table[id] else { return nil }
            guard now - session.lastSeen <= idleTimeout else {
                table[id] = nil
                return nil
            }
            session.lastSeen = now
            table[id] = session
            return session
        }
    }

    func endSession(_ id: String) {
        let login = sessions.withLock { $0.removeValue(forKey: id)?.login }
        guard let login else { return }
        closePoolIfUnused(login)
    }

    /// Ends sessions idle too long and closes the connections no session needs any more.
    func sweep() {
        let now = ContinuousClock.now
        let ended = sessions.withLock { table -> [String] in
            let idle = table.filter { now - $0.value.lastSeen > idleTimeout }
            for id in idle.keys { table[id] = nil }
            return idle.values.map(\.login)
        }
        for login in Set(ended) { closePoolIfUnused(login) }
    }

    /// Ends the sessions and closes the connections of every login that may no longer sign in
    /// (disabled or dropped), whose password changed since it signed in, or whose role changed
    /// (the pages it is shown follow the role it signed in with). PostgreSQL leaves a disabled
    /// login's open connections alone, so the server checks: every minute, and at once when an
    /// admin changes someone here. A lookup that fails (the database away) ends nothing.
    func revokeChanged() async {
        let signedIn = pools.withLock { $0.mapValues(\.verifier) }
        let roles = sessions.withLock { table in
            Dictionary(table.values.map { ($0.login, $0.role.rawValue) }, uniquingKeysWith: { first, _ in first })
        }
        for (login, verifier) in signedIn {
            let current: (verifier: String, role: String)?
            do {
                current = try await blocking { [gatekeeper] in
                    try gatekeeper.withConnection { try Users(connection: $0).signInVerifier(login) }
                }
            } catch {
                continue
            }
            if current?.verifier != verifier || roles[login].map({ $0 != current?.role }) == true {
                logger.notice(
                    "sessions ended: the login was disabled or its password changed", metadata: ["login": "\(login)"])
                revoke(login)
            }
        }
    }

    /// Ends every session of `login` and closes its connections.
    func revoke(_ login: String) {
        sessions.withLock { table in table = table.filter { $0.value.login != login } }
        pools.withLock { $0.removeValue(forKey: login)?.pool.shutdown() }
    }

    private func closePoolIfUnused(_ login: String) {
        let inUse = sessions.withLock { $0.values.contains { $0.login == login } }
        guard !inUse else { return }
        pools.withLock { $0.removeValue(forKey: login)?.pool.shutdown() }
    }

    func shutdown() {
        gatekeeper.shutdown()
        pools.withLock { table in
            for entry in table.values { entry.pool.shutdown() }
            table.removeAll()
        }
    }
}

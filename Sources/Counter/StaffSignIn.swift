import Crypto
import Foundation
public import Logging
import Synchronization

/// A staff member's role, as the database grants it; what a face offers follows it, and what
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

/// Where a server runs blocking work (database calls, key derivations): a thread pool of its
/// own, never the threads that answer requests.
public protocol BlockingWork: Sendable {
    /// Runs `body` on a thread that may block, and returns what it returns.
    func run<T: Sendable>(_ body: @Sendable @escaping () throws -> T) async throws -> T
}

/// Signing staff in to a server that many people share (`cfit serve`): each login's password is
/// checked against the SCRAM verifier PostgreSQL keeps — so nobody gets in without it, whatever
/// the server's `pg_hba.conf` allows — then the person gets desks on connections of their own
/// login, so PostgreSQL checks their role on every statement and records them as the actor.
/// Failures are counted per login and per client address and slow later attempts down.
///
/// ```swift
/// let staff = StaffSignIn(url: url, location: "shop", work: pool, logger: logger)
/// let role = try await staff.signIn(login: "dana", password: typed, from: "127.0.0.1")
/// let balances = try await staff.withDesk("dana") { try $0.balances(sku: nil, location: nil) }
/// ```
public final class StaffSignIn: Sendable {
    /// Why a sign-in was refused, in words a person at the counter can act on.
    public struct Refusal: Error, Sendable {
        /// What to say.
        public let message: String
        /// Seconds to wait before trying again, when throttled.
        public let retryAfter: Int?

        /// A refusal saying `message`.
        public init(message: String, retryAfter: Int?) {
            self.message = message
            self.retryAfter = retryAfter
        }
    }

    private let url: String
    private let location: String
    private let work: any BlockingWork
    private let logger: Logger
    /// The server's own connections: password checks only (`cfit_login_verifier`).
    private let gatekeeper: DeskPool
    /// Each signed-in login's desks, with the password they were opened with and the verifier it
    /// was checked against (a changed verifier means a new password, or none).
    private let pools = Mutex<[String: (pool: DeskPool, password: String, verifier: String)]>([:])
    /// Failed sign-ins per login.
    public let loginFailures: Throttle
    /// Failed sign-ins per client address, whatever the login (one address trying many logins is
    /// guessing passwords; a shop's counters each have their own address).
    public let addressFailures: Throttle
    /// Credentials checked recently (API clients send them with every request), by digest.
    private let checked = Mutex<[String: ContinuousClock.Instant]>([:])
    /// Password checks under way, by digest of the credentials.
    private let inflight = Mutex<[String: Task<Bool, any Error>]>([:])

    /// Sign-ins to the server `url` names, whose desks work at `location`; blocking work runs on
    /// `work`. `freeFailuresPerLogin` and `freeFailuresPerAddress` failures cost nothing.
    public init(
        url: String, location: String, work: any BlockingWork, logger: Logger, freeFailuresPerLogin: Int = 5,
        freeFailuresPerAddress: Int = 20
    ) {
        self.url = url
        self.location = location
        self.work = work
        self.logger = logger
        loginFailures = Throttle(free: freeFailuresPerLogin)
        addressFailures = Throttle(free: freeFailuresPerAddress)
        gatekeeper = DeskPool(url: url, location: location, maximum: 2, logger: logger)
    }

    /// Checks `password` for `login` against the verifier the database keeps, then opens the
    /// login's own desks; returns its role.
    public func signIn(login: String, password: String, from address: String? = nil) async throws -> StaffRole {
        let now = ContinuousClock.now
        if let address, let seconds = addressFailures.wait(address, now: now) {
            throw Refusal(
                message: "too many failed sign-ins from this address: try again in \(seconds) s", retryAfter: seconds)
        }
        if let seconds = loginFailures.wait(login, now: now) {
            throw Refusal(
                message: "too many failed sign-ins for this login: try again in \(seconds) s", retryAfter: seconds)
        }
        let found = try await work.run { [gatekeeper] in try gatekeeper.withDesk { try $0.signInVerifier(login) } }
        let digest = Self.digest(login, password, found?.verifier ?? "")
        let recently = checked.withLock { $0[digest].map { now - $0 < .seconds(300) } ?? false }
        var matches = recently
        if !matches, let found {
            // One check per credentials at a time: a till sending 200 requests at once with the same
            // password costs one key derivation, not 200.
            let check = inflight.withLock { table -> Task<Bool, any Error> in
                if let running = table[digest] { return running }
                let task = Task { [work] in
                    try await work.run { PasswordCheck.matches(password: password, verifier: found.verifier) }
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
        let (pool, isNew) = pools.withLock { table -> (DeskPool, Bool) in
            if let existing = table[login], existing.password == password, existing.verifier == found.verifier {
                return (existing.pool, false)
            }
            table[login]?.pool.shutdown()
            let pool = DeskPool(
                url: url, login: login, password: password, location: location, maximum: 4, logger: logger)
            table[login] = (pool, password, found.verifier)
            return (pool, true)
        }
        guard isNew else { return role }
        let sessionUser = try await work.run { try pool.withDesk { try $0.currentLogin() } }
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

    /// Runs `body` on one of `login`'s desks, on the blocking work's threads; refused when the
    /// login has no desks open (not signed in, or revoked since).
    public func withDesk<T: Sendable>(_ login: String, _ body: @Sendable @escaping (Desk) throws -> T) async throws
        -> T
    {
        guard let pool = pools.withLock({ $0[login]?.pool }) else {
            throw Refusal(message: "your session has ended: sign in again", retryAfter: nil)
        }
        return try await work.run { try pool.withDesk(body) }
    }

    /// Whether the database answers the server's own connection.
    public func check() async throws {
        _ = try await work.run { [gatekeeper] in try gatekeeper.withDesk { try $0.currentLogin() } }
    }

    /// The signed-in logins that may no longer sign in (disabled, dropped, or past their `VALID
    /// UNTIL`), whose password changed since they signed in, or whose role is no longer
    /// `roles[login]`. PostgreSQL leaves a disabled login's open connections alone and `ALTER
    /// ROLE` fires no trigger (nor can `LISTEN` pass PgBouncer in transaction mode), so a server
    /// asks: one query for all its logins, however many. A lookup that fails (the database away)
    /// names nobody.
    public func changed(roles: [String: StaffRole]) async -> [String] {
        let signedIn = pools.withLock { $0.mapValues(\.verifier) }
        guard !signedIn.isEmpty else { return [] }
        let current: [String: (verifier: String, role: String)]
        do {
            current = try await work.run { [gatekeeper] in
                try gatekeeper.withDesk { try $0.signInStates(Array(signedIn.keys)) }
            }
        } catch {
            return []
        }
        return signedIn.compactMap { login, verifier in
            let now = current[login]
            let changed = now?.verifier != verifier || roles[login].map { $0.rawValue != now?.role } == true
            return changed ? login : nil
        }.sorted()
    }

    /// Closes `login`'s desks: the next request needs a new sign-in.
    public func close(_ login: String) {
        pools.withLock { $0.removeValue(forKey: login)?.pool.shutdown() }
    }

    /// Closes every desk and the server's own connections.
    public func shutdown() {
        gatekeeper.shutdown()
        pools.withLock { table in
            for entry in table.values { entry.pool.shutdown() }
            table.removeAll()
        }
    }
}

import Crypto
import Foundation
public import Logging
import Postgres
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
    /// Failed sign-ins per login and client address: the address that guesses is slowed down
    /// for that login, nobody else (1, 2, 4 … s after the free ones, at most 5 minutes).
    public let loginFailures: Throttle
    /// Failed sign-ins per login from every address together, counted only for clients the
    /// login has not signed in from before: many free, then a delay of at most a minute, so a
    /// login attacked from many addresses is slowed down for new devices only.
    public let untrustedLoginFailures: Throttle
    /// Failed sign-ins per client address, whatever the login (one address trying many logins is
    /// guessing passwords): the delay is short (at most 5 s), since a shop's counters may share
    /// one address behind its router.
    public let addressFailures: Throttle
    /// Failed sign-ins per device cookie: a device that keeps failing loses its trust.
    public let deviceFailures: Throttle
    /// The key device cookies are signed with (made at start: a restart makes every device new).
    private let deviceKey: [UInt8] = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
    /// A verifier of no login, checked when the login does not exist, so that refusing an unknown
    /// login does the work of refusing a wrong password (made with the iterations of the last real
    /// verifier seen; PostgreSQL's default until then).
    private let decoy = Mutex<String>(PasswordCheck.decoyVerifier(iterations: 4_096))
    /// Password checks run, and the key-derivation iterations they cost, since the start.
    public var passwordWork: (checks: Int, iterations: Int) { workDone.withLock { ($0.checks, $0.iterations) } }
    private let workDone = Mutex<(checks: Int, iterations: Int)>((0, 0))
    /// Credentials checked recently (API clients send them with every request), by digest.
    private let checked = Mutex<[String: ContinuousClock.Instant]>([:])
    /// What each login was found to be granted (``permits(_:_:)``), until its desks close.
    private let grants = Mutex<[String: [Privilege: (granted: Bool, asked: ContinuousClock.Instant)]]>([:])
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
        untrustedLoginFailures = Throttle(free: max(freeFailuresPerLogin, freeFailuresPerLogin * 10), maximum: 60)
        addressFailures = Throttle(free: freeFailuresPerAddress, maximum: 5)
        deviceFailures = Throttle(free: freeFailuresPerLogin)
        gatekeeper = DeskPool(url: url, location: location, maximum: 2, logger: logger)
    }

    /// Checks `password` for `login` against the verifier the database keeps, then opens the
    /// login's own desks; returns its role. `device` is the device cookie the client sent, if any
    /// (see ``deviceCookie(for:)``): a device the login signed in from before is throttled on its
    /// own failures only, so an attack on the login elsewhere never keeps its person out.
    /// Otherwise failures count per login and address, per address, and per login for new devices.
    public func signIn(login: String, password: String, from address: String? = nil, device: String? = nil)
        async throws -> StaffRole
    {
        let now = ContinuousClock.now
        let trustedDevice = device.flatMap { trusted($0, for: login) }.flatMap {
            deviceFailures.wait($0, now: now) == nil ? $0 : nil
        }
        let pair = Self.pairKey(login, address)
        if trustedDevice == nil {
            if let address, let seconds = addressFailures.wait(address, now: now) {
                throw Refusal(
                    message: "too many failed sign-ins from this address: try again in \(seconds) s",
                    retryAfter: seconds)
            }
            if let seconds = loginFailures.wait(pair, now: now) ?? untrustedLoginFailures.wait(login, now: now) {
                throw Refusal(
                    message: "too many failed sign-ins for this login: try again in \(seconds) s", retryAfter: seconds)
            }
        }
        let found = try await work.run { [gatekeeper] in try gatekeeper.withDesk { try $0.signInVerifier(login) } }
        if let found, let iterations = PasswordCheck.iterations(of: found.verifier),
            PasswordCheck.iterations(of: decoy.withLock { $0 }) != iterations
        {
            decoy.withLock { $0 = PasswordCheck.decoyVerifier(iterations: iterations) }
        }
        // An unknown login is checked against the decoy: the same key derivation as a wrong
        // password, so the time a refusal takes does not tell which logins exist.
        let verifier = found?.verifier ?? decoy.withLock { $0 }
        let digest = Self.digest(login, password, verifier)
        let recently = checked.withLock { $0[digest].map { now - $0 < .seconds(300) } ?? false }
        var matches = recently
        if !matches {
            // One check per credentials at a time: a till sending 200 requests at once with the same
            // password costs one key derivation, not 200.
            let check = inflight.withLock { table -> Task<Bool, any Error> in
                if let running = table[digest] { return running }
                let task = Task { [work, self] in
                    try await work.run {
                        // The work, counted: a test holds an unknown login's refusal to a wrong password's.
                        self.workDone.withLock {
                            $0.checks += 1
                            $0.iterations += PasswordCheck.iterations(of: verifier) ?? 0
                        }
                        return PasswordCheck.matches(password: password, verifier: verifier)
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
            if let trustedDevice {
                deviceFailures.failed(trustedDevice, now: now)
            } else {
                loginFailures.failed(pair, now: now)
                untrustedLoginFailures.failed(login, now: now)
                if let address { addressFailures.failed(address, now: now) }
            }
            logger.notice(
                "sign-in refused",
                metadata: ["login": "\(LogText.escaped(login))", "address": "\(LogText.escaped(address ?? "unknown"))"])
            throw Refusal(message: "login or password not recognised", retryAfter: nil)
        }
        // This address's count for the login is forgiven, and the device's; the address's own and
        // the login's count for new devices are not (one right password among many guesses must
        // not reset them).
        // (A trusted device's success forgives only the device: an attacker may share its address.)
        if let trustedDevice { deviceFailures.succeeded(trustedDevice) } else { loginFailures.succeeded(pair) }
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

    /// The key failures of `login` from `address` are counted under in ``loginFailures``.
    public static func pairKey(_ login: String, _ address: String?) -> String { "\(login)\u{0}\(address ?? "")" }

    /// A device cookie's value for a browser that has just signed in as `login`: a random
    /// name and a signature binding it to the login (OWASP's device cookies). Sent back with
    /// later sign-ins, it lets the device through while the login is under attack elsewhere.
    public func deviceCookie(for login: String) -> String {
        let nonce = Self.hex(SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) })
        return nonce + "." + deviceSignature(nonce, login)
    }

    /// The device's name when `cookie` is one this server gave a browser that signed in as
    /// `login`; `nil` otherwise.
    private func trusted(_ cookie: String, for login: String) -> String? {
        let parts = cookie.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 32 else { return nil }
        let nonce = String(parts[0])
        let expected = deviceSignature(nonce, login)
        return PasswordCheck.constantTimeEqual(Array(parts[1].utf8), Array(expected.utf8)) ? nonce : nil
    }

    private func deviceSignature(_ nonce: String, _ login: String) -> String {
        Self.hex(
            Array(
                HMAC<SHA256>.authenticationCode(
                    for: Array("\(nonce)\u{0}\(login)".utf8), using: SymmetricKey(data: deviceKey))))
    }

    private static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

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

    /// Whether `login` may do what `privilege` names, as the database grants it, asked on the
    /// server's own connection and remembered per login for 30 seconds or until its desks close
    /// (a changed role closes them); the statement itself is still the database's to refuse. A face asks before it reads a request's body, so that a body a login may not
    /// send is never read.
    public func permits(_ login: String, _ privilege: Privilege) async throws -> Bool {
        let now = ContinuousClock.now
        if let known = grants.withLock({ $0[login]?[privilege] }), now - known.asked < .seconds(30) {
            return known.granted
        }
        let granted = try await work.run { [gatekeeper] in
            try gatekeeper.withDesk { try $0.permits(login, privilege) }
        }
        grants.withLock { $0[login, default: [:]][privilege] = (granted, now) }
        return granted
    }

    /// Marks the prescriptions past their last valid day expired as the server's own login, once
    /// per shop day: the key names the day, so every server of a chain doing it the same day
    /// does it once. Refused when that login lacks the pharmacy role (a shop's gatekeeper login):
    /// then `cfit expire` runs from cron instead.
    public func expireForTheDay() async throws -> PrescriptionExpiry {
        try await work.run { [gatekeeper] in
            try gatekeeper.withDesk { desk in
                try desk.expirePrescriptions(key: "serve-expire-\(desk.today)")
            }
        }
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
        grants.withLock { _ = $0.removeValue(forKey: login) }
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
